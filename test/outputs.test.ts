/**
 * The output rule (tools/outputs.ts): rfcdoc never writes into the project's
 * sources and never deletes a file it did not write. The rule as functions
 * over temporary trees, then `rfcdoc build` / `--cache` run as a user runs
 * them, always on a temporary copy of a project (its own tools/, the site
 * fixture's reference/ and test/): were the guard broken, only the copy
 * would suffer, never this repository.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkApart, checkOutput, inspectOutput, OutputRefused, planSiteWrite, protectedReason, realTarget, siteMarker, SITE_MARKER } from '../tools/outputs.ts';
import { CACHE_MARKER, loadDocs } from '../tools/spec/store.ts';
import { parseDocName } from '../tools/spec/docname.ts';
import { MIRROR, ROOT, tempDir } from './helpers.ts';
import { projectCopy, rfcdocIn } from './copy.ts';
import { readTree, writeTree } from './site/common.ts';

const test = suite('outputs');

const rfcdoc = rfcdocIn;

const refused = (f: () => unknown, pattern: RegExp) => {
  try {
    f();
  } catch (e) {
    assert.instance(e, OutputRefused);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`refused: ${pattern}`);
};

/** Every file under `dir` with its text; refusing must change nothing. */
const snapshot = (dir: string) => readTree(dir);

test('the sources, the root and what contains it are never written; the root\'s other folders may be', () => {
  const root = '/p/rfcdoc';
  assert.match(protectedReason(root, root)!, /is the project root/);
  assert.match(protectedReason(root, '/p')!, /contains the project \(\/p\/rfcdoc\)/);
  assert.match(protectedReason(root, '/')!, /contains the project/);
  assert.match(protectedReason(root, '/p/rfcdoc/reference')!, /is the project's reference\//);
  assert.match(protectedReason(root, '/p/rfcdoc/reference/x')!, /lies inside the project's reference\//);
  assert.match(protectedReason(root, '/p/rfcdoc/tools/site/out')!, /lies inside the project's tools\//);
  for (const s of ['test', '.ci', 'node_modules', '.git']) assert.ok(protectedReason(root, `/p/rfcdoc/${s}/x`), s);
  for (const ok of ['/p/rfcdoc/site', '/p/rfcdoc/rfc-cache', '/p/rfcdoc/other/deep', '/p/rfcdoc-site', '/p/other', '/p/rfcdoc/..site', '/p/rfcdoc/referencex'])
    assert.is(protectedReason(root, ok), undefined, ok);
});

test('paths are compared as the file system sees them: links, .. and the cwd', () => {
  const root = projectCopy();
  const outside = tempDir('rfcdoc-outputs-links-');
  symlinkSync(join(root, 'reference'), join(outside, 'link'));
  symlinkSync(root, join(outside, 'rootlink'));
  assert.is(realTarget(join(outside, 'link')), join(root, 'reference'));
  assert.is(realTarget(join(outside, 'link', 'new', 'x')), join(root, 'reference', 'new', 'x'));
  refused(() => checkOutput(root, join(outside, 'link'), 'site', true), /"[^"]*link" \([^)]*project\/reference\): it is the project's reference\//);
  refused(() => checkOutput(root, join(outside, 'link', 'new'), 'site', true), /lies inside the project's reference\//);
  refused(() => checkOutput(root, join(outside, 'rootlink'), 'site', true), /is the project root/);
  refused(() => checkOutput(root, join(root, 'site', '..', 'reference'), 'site', true), /is the project's reference\//);
  refused(() => checkOutput(join(outside, 'rootlink'), join(root, 'test'), 'cache', true), /is the project's test\//);
  // A dangling link is never followed nor replaced.
  symlinkSync(join(outside, 'nowhere'), join(outside, 'dangling'));
  refused(() => checkOutput(root, join(outside, 'dangling'), 'site', true), /symbolic link to nowhere/);
  refused(() => checkOutput(root, join(root, 'README.md'), 'site', true), /is a file, not a directory/);
  refused(() => checkOutput(root, '', 'site', true), /--out needs a directory/);
});

test('absent and empty directories are fine; a non-empty one rfcdoc did not write is refused unless forced, naming what it holds', () => {
  const root = projectCopy();
  const dir = tempDir('rfcdoc-outputs-dirs-');
  assert.is(checkOutput(root, join(dir, 'new'), 'site', false).exists, false);
  mkdirSync(join(dir, 'empty'));
  assert.ok(checkOutput(root, join(dir, 'empty'), 'site', false).ours);
  const notes = join(dir, 'notes');
  mkdirSync(join(notes, 'photos'), { recursive: true });
  for (const f of ['notes.txt', 'b.txt', 'c.txt']) writeFileSync(join(notes, f), f);
  refused(() => checkOutput(root, notes, 'site', false), /"[^"]*notes": it holds 4 entries \(b\.txt, c\.txt, notes\.txt, …\) not written by rfcdoc \(rfcdoc marks the sites it writes with \.rfcdoc-site\); --force/);
  assert.not.ok(checkOutput(root, notes, 'site', true).ours);
  // A marker rfcdoc did not write (not JSON, or not a site's) is not taken for one.
  writeFileSync(join(notes, SITE_MARKER), 'hello');
  refused(() => checkOutput(root, notes, 'site', false), /4 entries/);
  writeFileSync(join(notes, SITE_MARKER), siteMarker(['notes.txt']));
  assert.equal([...checkOutput(root, notes, 'site', false).written], ['notes.txt']);
});

test('a site written before the marker existed is recognised only as the project\'s own site/, and only its layout is rfcdoc\'s', () => {
  const root = projectCopy();
  const layout = ['index.html', 'map.json', 'assets/site.js', 'assets/site.css', 'rfc/rfc3261.html', 'reference/a.ts.html', 'reference/mine.txt', 'todo.txt'];
  const own = join(root, 'site');
  const elsewhere = join(tempDir('rfcdoc-outputs-legacy-'), 'site');
  for (const dir of [own, elsewhere]) writeTree(dir, Object.fromEntries(layout.map((f) => [f, f])));
  const old = inspectOutput(root, own, 'site');
  assert.ok(old.ours);
  assert.equal([...old.written].sort(), ['assets/site.css', 'assets/site.js', 'index.html', 'map.json', 'reference/a.ts.html', 'rfc/rfc3261.html']);
  const plan = planSiteWrite(root, own, ['index.html', 'reference/b.ts.html'], false);
  assert.equal(plan.keep.sort(), ['reference/mine.txt', 'todo.txt']);
  // The same three files anywhere else are someone's: a folder that happens to hold them is not replaced without --force.
  refused(() => checkOutput(root, elsewhere, 'site', false), /it holds 6 entries \(assets, index\.html, map\.json, …\) not written by rfcdoc/);
  refused(() => planSiteWrite(undefined, own, ['index.html'], false), /not written by rfcdoc/);
  assert.equal(planSiteWrite(root, elsewhere, ['other.html'], true).keep.sort(), ['assets', 'index.html', 'map.json', 'reference', 'rfc', 'todo.txt']);
});

test('the cache: recognised by lock.json (rfc-cache/ as committed) or by the store\'s marker, never by file names', async () => {
  const root = projectCopy();
  const committed = join(root, 'rfc-cache');
  cpSync(join(ROOT, 'rfc-cache', 'lock.json'), join(committed, 'lock.json'));
  cpSync(join(ROOT, 'rfc-cache', 'README.md'), join(committed, 'README.md'));
  assert.ok(checkOutput(root, committed, 'cache', false).ours);
  // A cache the store began and never finished (no lock.json yet): its marker says it is rfcdoc's.
  const interrupted = tempDir('rfcdoc-outputs-cache-');
  const { docs } = await loadDocs([parseDocName('RFC2617')], { cacheDir: interrupted, mirror: MIRROR });
  assert.ok(docs.has('rfc2617'), 'RFC 2617 from RFC_MIRROR');
  rmSync(join(interrupted, 'lock.json'), { force: true });
  writeFileSync(join(interrupted, 'rfc-index.txt'), readFileSync(join(MIRROR!, 'rfc-index.txt')));
  assert.ok(existsSync(join(interrupted, CACHE_MARKER)), 'the store marked the cache');
  assert.ok(checkOutput(root, interrupted, 'cache', false).ours);
  // A user's mirror holds files named as the cache names them, and is still someone's.
  const mirror = tempDir('rfcdoc-outputs-mirror-');
  for (const f of ['rfc3261.txt', 'rfc2617.txt', 'rfc-index.txt']) cpSync(join(MIRROR!, f), join(mirror, f));
  refused(() => checkOutput(root, mirror, 'cache', false), /spec cache to "[^"]*": it holds 3 entries \(rfc-index\.txt, rfc2617\.txt, rfc3261\.txt\) not written by rfcdoc \(an rfcdoc cache holds lock\.json or \.rfcdoc-cache\); --force uses it anyway/);
  assert.not.ok(checkOutput(root, mirror, 'cache', true).ours);
  refused(() => checkOutput(root, join(root, 'reference'), 'cache', true), /is the project's reference\//);
});

test('a source folder that is a symbolic link is protected where it really is, and around it', () => {
  const root = projectCopy();
  const away = tempDir('rfcdoc-outputs-away-');
  renameSync(join(root, 'reference'), join(away, 'ref'));
  symlinkSync(join(away, 'ref'), join(root, 'reference'));
  refused(() => checkOutput(root, join(root, 'reference'), 'site', true), /it is the project's reference\/ \([^)]*project\/reference is a link to it\)/);
  refused(() => checkOutput(root, join(root, 'reference', 'x'), 'site', true), /it lies inside the project's reference\//);
  refused(() => checkOutput(root, join(away, 'ref'), 'cache', true), /it is the project's reference\//);
  refused(() => checkOutput(root, join(away, 'ref', 'sip', 'new'), 'site', true), /it lies inside the project's reference\//);
  refused(() => checkOutput(root, away, 'site', true), /it contains the project's reference\//);
  // The copy's node_modules/ is a link to this repository's (test/copy.ts): protected there too.
  refused(() => checkOutput(root, join(ROOT, 'node_modules', 'rfcdoc-out'), 'site', true), /it lies inside the project's node_modules\//);
  assert.is(checkOutput(root, join(away, 'elsewhere'), 'site', false).exists, false);
});

test('a symbolic link to nowhere anywhere on the path is refused, not written through', () => {
  const root = projectCopy();
  const outside = tempDir('rfcdoc-outputs-dangling-');
  symlinkSync(join(root, 'reference', 'missing'), join(outside, 'dangl'));
  refused(() => checkOutput(root, join(outside, 'dangl', 'sub'), 'site', true), /goes through [^ ]*dangl, a symbolic link to nowhere \([^)]*reference\/missing\)/);
  refused(() => checkOutput(root, join(outside, 'dangl', 'sub', 'deeper'), 'cache', true), /a symbolic link to nowhere/);
  refused(() => checkOutput(root, join(outside, 'dangl'), 'site', true), /it is a symbolic link to nowhere/);
  assert.not.ok(existsSync(join(root, 'reference', 'missing')));
});

test('the site and the cache are never the same directory, nor one inside the other', () => {
  const dir = tempDir('rfcdoc-outputs-apart-');
  assert.throws(() => checkApart(join(dir, 'x'), join(dir, 'x')), /they are the same directory/);
  assert.throws(() => checkApart(join(dir, 'x', 'site'), join(dir, 'x')), /the site would lie inside the cache/);
  assert.throws(() => checkApart(join(dir, 'x'), join(dir, 'x', 'cache')), /the cache would lie inside the site; give --out and --cache directories apart/);
  symlinkSync(join(dir, 'x'), join(dir, 'link'));
  mkdirSync(join(dir, 'x'));
  assert.throws(() => checkApart(join(dir, 'link', 'site'), join(dir, 'x')), /the site would lie inside the cache/);
  checkApart(join(dir, 'site'), join(dir, 'cache'));
  checkApart(join(dir, 'x', 'site'), join(dir, 'x', 'site-cache'));
});

test('a file not rfcdoc\'s at a path the site writes is refused, even with --force', () => {
  const dir = tempDir('rfcdoc-outputs-clash-');
  writeFileSync(join(dir, 'index.html'), 'my own page');
  writeFileSync(join(dir, 'rfc'), 'a file where the site needs a folder');
  refused(() => planSiteWrite(undefined, dir, ['index.html', 'rfc/rfc3261.html', 'map.json'], true), /2 entries \(index\.html, rfc\) not written by rfcdoc would be replaced by the site's own; move them away first/);
  assert.is(readFileSync(join(dir, 'index.html'), 'utf8'), 'my own page');
  // A file of its owner inside a folder of an earlier site that the new one writes as a file.
  const site = tempDir('rfcdoc-outputs-clash-site-');
  mkdirSync(join(site, 'a'));
  writeFileSync(join(site, SITE_MARKER), siteMarker(['a/b.html']));
  writeFileSync(join(site, 'a', 'notes.txt'), 'mine');
  refused(() => planSiteWrite(undefined, site, ['a'], false), /1 entry \(a\/notes\.txt\) not written by rfcdoc would be replaced/);
});

test('rfcdoc build refuses the sources, whatever the path says, and leaves them as they were (exit 2)', async () => {
  const root = projectCopy();
  const elsewhere = tempDir('rfcdoc-outputs-cwd-');
  symlinkSync(join(root, 'reference'), join(elsewhere, 'ref-link'));
  const before = snapshot(join(root, 'reference'));
  const tests = snapshot(join(root, 'test'));
  const tools = readdirSync(join(root, 'tools'));
  const cases: [string[], string, RegExp][] = [
    [['--out', 'reference'], root, /it is the project's reference\//],
    [['--out', 'site/../reference'], root, /it is the project's reference\//],
    [['--out', 'reference/sip'], root, /it lies inside the project's reference\//],
    [['--out', 'tools/site/out'], root, /it lies inside the project's tools\//],
    [['--out', 'test'], root, /it is the project's test\//],
    [['--out', '.'], root, /it is the project root/],
    [['--out', '..'], root, /it contains the project/],
    [['--out', 'ref-link'], elsewhere, /"ref-link" \([^)]*\/reference\): it is the project's reference\//],
    [['--out', join(root, 'reference'), '--force'], elsewhere, /it is the project's reference\//],
  ];
  const runs = await Promise.all(cases.map(([args, cwd]) => rfcdoc(root, ['build', ...args], cwd)));
  runs.forEach((r, i) => {
    const [args, , pattern] = cases[i]!;
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^rfcdoc build: refusing to write the site to /, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
    assert.is(r.stdout, '');
  });
  assert.equal(snapshot(join(root, 'reference')), before);
  assert.equal(snapshot(join(root, 'test')), tests);
  assert.equal(readdirSync(join(root, 'tools')), tools);
  assert.equal(readdirSync(root).sort(), ['README.md', 'node_modules', 'package.json', 'reference', 'test', 'tools']);
});

test('rfcdoc build: a folder of notes is refused, --force keeps the notes, a marked site is rebuilt', async () => {
  const root = projectCopy();
  const notes = join(root, 'notes');
  mkdirSync(join(notes, 'rfc'), { recursive: true });
  writeFileSync(join(notes, 'notes.txt'), 'my notes');
  writeFileSync(join(notes, 'rfc', 'reading.txt'), 'to read');
  const refusedRun = await rfcdoc(root, ['build', '--out', 'notes']);
  assert.is(refusedRun.code, 2, refusedRun.stderr);
  assert.match(refusedRun.stderr, /rfcdoc build: refusing to write the site to "notes": it holds 2 entries \(notes\.txt, rfc\) not written by rfcdoc .*--force writes the site there and keeps them/);
  assert.equal(readdirSync(notes).sort(), ['notes.txt', 'rfc']);
  const forced = await rfcdoc(root, ['build', '--out', 'notes', '--force']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /note: notes: kept 2 entries \(notes\.txt, rfc\/reading\.txt\) not written by rfcdoc/);
  assert.is(readFileSync(join(notes, 'notes.txt'), 'utf8'), 'my notes');
  assert.is(readFileSync(join(notes, 'rfc', 'reading.txt'), 'utf8'), 'to read');
  assert.ok(existsSync(join(notes, 'rfc', 'rfc3261.html')) && existsSync(join(notes, SITE_MARKER)));
  // Marked now: a build without --force replaces its own files and still keeps the notes.
  writeFileSync(join(notes, 'index.html'), 'stale');
  const again = await rfcdoc(root, ['build', '--out', 'notes']);
  assert.is(again.code, 0, again.stderr);
  assert.not.equal(readFileSync(join(notes, 'index.html'), 'utf8'), 'stale');
  assert.is(readFileSync(join(notes, 'notes.txt'), 'utf8'), 'my notes');
  // The default site/ and a relative --out from another working directory.
  const cwd = tempDir('rfcdoc-outputs-rel-');
  const [plain, relative] = await Promise.all([rfcdoc(root, ['build']), rfcdoc(root, ['build', '--out', 'mysite'], cwd)]);
  assert.is(plain.code, 0, plain.stderr);
  assert.ok(existsSync(join(root, 'site', 'index.html')));
  assert.is(relative.code, 0, relative.stderr);
  assert.ok(existsSync(join(cwd, 'mysite', 'index.html')), 'relative to the working directory');
  assert.not.ok(existsSync(join(root, 'mysite')));
});

test('--cache follows the same rule, for every command', async () => {
  const root = projectCopy();
  const before = snapshot(join(root, 'reference'));
  const foreign = tempDir('rfcdoc-outputs-foreign-');
  writeFileSync(join(foreign, 'thesis.tex'), 'years of work');
  const [src, notMine] = await Promise.all([
    rfcdoc(root, ['quote', 'RFC3261', 'P143L14', '--cache', 'reference'], root, ''),
    rfcdoc(root, ['fetch', 'RFC3261', '--cache', foreign], root, ''),
  ]);
  const forced = await rfcdoc(root, ['quote', 'RFC3261', 'P143L14', '--cache', foreign, '--force'], root, '');
  assert.is(src.code, 2, src.stderr);
  assert.match(src.stderr, /^rfcdoc quote: refusing to write the spec cache to "reference": it is the project's reference\//);
  assert.is(notMine.code, 2, notMine.stderr);
  assert.match(notMine.stderr, /refusing to write the spec cache to .*: it holds 1 entry \(thesis\.tex\) not written by rfcdoc/);
  assert.is(forced.code, 0, forced.stderr);
  assert.is(readFileSync(join(foreign, 'thesis.tex'), 'utf8'), 'years of work');
  // quote pins nothing in lock.json; the fetched text is the cache written beside it.
  assert.ok(existsSync(join(foreign, 'rfc3261.txt')), 'forced: the cache was written beside it');
  assert.equal(snapshot(join(root, 'reference')), before);
});

test('rfcdoc build: --out and --cache apart, no link to nowhere on the way, one build at a time; all refused before fetching (exit 2)', async () => {
  const root = projectCopy();
  const dir = tempDir('rfcdoc-outputs-cli-');
  symlinkSync(join(root, 'reference', 'missing'), join(dir, 'dangl'));
  writeFileSync(join(dir, '.held.lock'), JSON.stringify({ rfcdoc: 'site-lock', pid: process.pid }) + '\n');
  const cases: [string[], RegExp][] = [
    [['build', '--out', join(dir, 'x'), '--cache', join(dir, 'x')], /refusing to write the site to "[^"]*x" with the spec cache at "[^"]*x": they are the same directory/],
    [['build', '--out', join(dir, 'x', 'site'), '--cache', join(dir, 'x')], /the site would lie inside the cache; give --out and --cache directories apart/],
    [['build', '--out', join(dir, 'y'), '--cache', join(dir, 'y', 'cache')], /the cache would lie inside the site/],
    [['build', '--out', join(dir, 'dangl', 'sub'), '--cache', join(dir, 'c1')], /refusing to write the site to "[^"]*dangl\/sub": it goes through [^ ]*dangl, a symbolic link to nowhere/],
    [['quote', 'RFC3261', 'P1L1', '--cache', join(dir, 'dangl', 'sub')], /refusing to write the spec cache to "[^"]*dangl\/sub": it goes through/],
    [['build', '--out', join(dir, 'held'), '--cache', join(dir, 'c2')], new RegExp(`another rfcdoc build \\(pid ${process.pid}\\) is writing it now`)],
  ];
  const runs = await Promise.all(cases.map(([args]) => rfcdoc(root, args, root, '')));
  runs.forEach((r, i) => {
    const [args, pattern] = cases[i]!;
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.not.match(r.stderr, /fetched /, 'nothing fetched');
  });
  assert.equal(readdirSync(dir).sort(), ['.held.lock', 'dangl'], 'no site, no cache written');
  assert.not.ok(existsSync(join(root, 'reference', 'missing')));
});

test('rfcdoc build refused late (a file of its owner where the site writes one) still prints what the build found', async () => {
  const root = projectCopy();
  // RFC 542 holds stray control bytes: loading it warns.
  writeFileSync(join(root, 'test', 'old.test.ts'), '// @tests RFC542 P1L1\n');
  const notes = join(root, 'notes');
  mkdirSync(notes);
  writeFileSync(join(notes, 'index.html'), 'my own page');
  const r = await rfcdoc(root, ['build', '--out', 'notes', '--force']);
  assert.is(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => !/^fetched /.test(l));
  assert.match(lines[0]!, /warning: RFC542: stray control bytes/);
  assert.match(lines[lines.length - 1]!, /^rfcdoc build: refusing to write the site to "[^"]*\/notes": 1 entry \(index\.html\) not written by rfcdoc would be replaced by the site's own/);
  assert.is(readFileSync(join(notes, 'index.html'), 'utf8'), 'my own page');
  assert.equal(readdirSync(root).sort(), ['README.md', 'node_modules', 'notes', 'package.json', 'reference', 'test', 'tools']);
});

test.run();
