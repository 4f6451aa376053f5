/**
 * The fixture tree under test/site/fixtures/project (real tags citing RFC 2617
 * and RFC 3261) built end to end: quote boxes hold the exact text, anchors
 * exist, backlinks point at the citing lines, map.json says the same; and the
 * build is atomic: a failing build leaves the previous site as it was.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readdirSync, writeFileSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { realDoc, tempDir } from '../helpers.ts';
import { resolveRef, parseRef, spanText } from '../../tools/spec/refs.ts';
import { esc } from '../../tools/site/html.ts';
import { CSP } from '../../tools/site/layout.ts';
import { writeSite } from '../../tools/site/build.ts';
import { readSearchScript } from '../../tools/site/search.ts';
import { OutputRefused } from '../../tools/outputs.ts';
import { build, citesEntry, FIXTURE, lineWithId, readTree, siteFiles, siteLinks } from './common.ts';

const test = suite('site build');

let site: Map<string, string>;
let out: string;

test.before(async () => {
  out = tempDir('rfcdoc-site-fixture-');
  const result = await build(FIXTURE, join(out, 'site'));
  assert.ok(result.ok, result.diagnostics.map((d) => d.message).join('\n'));
  site = readTree(join(out, 'site'));
});

test('pages: index, one per module and tagged test, one per cited doc, READMEs, assets, map', () => {
  const paths = [...site.keys()].sort();
  assert.equal(paths, [
    '.rfcdoc-site',
    'README.html',
    'assets/code.css',
    'assets/minisearch.js',
    'assets/nav.css',
    'assets/requirements.css',
    'assets/requirements.js',
    'assets/rfc.css',
    'assets/rfc.js',
    'assets/search-core.js',
    'assets/search-index.js',
    'assets/search.css',
    'assets/search.js',
    'assets/site.css',
    'assets/site.js',
    'cites/rfc2617.html',
    'cites/rfc2617.js',
    'cites/rfc3261.html',
    'cites/rfc3261.js',
    'index.html',
    'map.json',
    'reference/README.html',
    'reference/auth/index.html',
    'reference/auth/nonce.ts.html',
    'reference/index.html',
    'reference/sip/index.html',
    'reference/sip/via.ts.html',
    'req/rfc2617.html',
    'req/rfc3261.html',
    'rfc/rfc2617.html',
    'rfc/rfc3261.html',
    'test/auth/index.html',
    'test/auth/nonce.test.ts.html',
    'test/index.html',
  ]);
});

test('the marker .rfcdoc-site lists every other file the build wrote', () => {
  const marker = JSON.parse(site.get('.rfcdoc-site')!);
  assert.is(marker.rfcdoc, 'site');
  assert.equal(marker.files, [...site.keys()].filter((p) => p !== '.rfcdoc-site').sort());
});

test('a box holds the exact quoted text, headed with doc, section, title and page, linking to the line', async () => {
  const rfc3261 = await realDoc('RFC3261');
  const quoted = spanText(rfc3261, resolveRef(rfc3261, parseRef('P39L25-P39L29')));
  assert.ok(quoted.startsWith('   When the UAC creates a request, it MUST insert a Via into that'));
  const page = site.get('reference/sip/via.ts.html')!;
  const row = lineWithId(page, 'L10')!;
  assert.ok(row.includes(`<pre class="quote">${esc(quoted)}</pre>`), row);
  // The heading is the summary's plain text; the link is in the box's body, not inside the summary (axe nested-interactive).
  assert.ok(row.includes('<span class="kind">implements</span> RFC 3261 §8.1.1.7 Via · p. 39</summary>'), row);
  assert.ok(row.includes('<p class="at">In the text: <a class="ref" href="../../rfc/rfc3261.html#P39L25-P39L29">P39L25-P39L29</a></p>'), row);
  assert.not.match(page, /<summary>((?!<\/summary>).)*<a /s, 'no link inside a summary');
  const multicast = lineWithId(page, 'L16')!;
  assert.ok(multicast.includes('RFC 3261 §18.1.1 Sending Requests · p. 143'), multicast);
  // The tag line is replaced by the box: its comment text is not shown.
  assert.not.ok(row.includes('@implements'), 'tag text replaced');
  // Code lines keep anchors and highlighting.
  assert.match(lineWithId(page, 'L11')!, /<a class="n" href="#L11" aria-label="Line 11">11<\/a><div class="c"><span class="h[0-9a-f]{6}">export<\/span>/);
  // The module-level tag is a header box, shown once: its own line stays code.
  assert.is(page.split('class="modtag ').length - 1, 1, 'one module tag box');
  assert.is(lineWithId(page, 'L4')!.replace(/<[^>]+>/g, ''), '4 * @implements RFC3261 (SIP: Session Initiation Protocol)', 'the module tag line is plain code');
  assert.match(page, /<div class="modtags"><div class="modtag k-implements"><span class="kind">implements<\/span> <a href="..\/..\/rfc\/rfc3261.html">RFC 3261<\/a>: SIP: Session Initiation Protocol<\/div>/);
  // Exceptions carry their reason; to-dos are boxes too.
  const nonce = site.get('reference/auth/nonce.ts.html')!;
  assert.ok(lineWithId(nonce, 'L17')!.includes('Not done: binding the nonce to the client address breaks proxy farms'));
  assert.ok(lineWithId(page, 'L21')!.includes('<span class="kind">to do</span>'));
});

test('the RFC page: line, page and section anchors; cited lines highlighted with backlinks to the citing lines', () => {
  const rfc = site.get('rfc/rfc3261.html')!;
  assert.ok(rfc.includes('<div class=pg id=page-39>'));
  const heading = lineWithId(rfc, 'P39L17')!;
  assert.ok(heading.includes('<span id=section-8.1.1.7></span>8.1.1.7 Via'), heading);
  const first = lineWithId(rfc, 'P39L25')!;
  assert.match(first, /^<li id=P39L25 class=ci>/);
  assert.ok(first.includes('<a class=ci href=../reference/sip/via.ts.html#L10>sip/via.ts:10</a>'), first);
  // The range's last line and a line past it: no link lands there, so the page leaves their ids to rfc.js.
  assert.match(lineWithId(rfc, 'P39L29')!, /^<li class=ci>/);
  assert.match(lineWithId(rfc, 'P39L31')!, /^<li>/);
  // Requirement sentences marked by status: the key word, inside its requirement's run of lines, which says the status once.
  const runOf = (id: string) => [...rfc.slice(0, rfc.search(new RegExp(`\\sid=${id}\\b`))).matchAll(/<li class="req (s-\w+)">/g)].pop()?.[1];
  assert.match(first, /<mark>MUST<\/mark>/);
  assert.is(runOf('P39L25'), 's-implemented');
  assert.match(lineWithId(rfc, 'P39L32')!, /<mark>MUST<\/mark>/);
  assert.is(runOf('P39L32'), 's-missing');
  // A to-do of a whole section: after the section's requirement link, so counted on the line and listed on its citations page.
  assert.match(lineWithId(rfc, 'P40L10')!, /<a class=more href=\.\.\/cites\/rfc3261\.html#P40L10>\+1 more<\/a>/);
  assert.ok(citesEntry(site.get('cites/rfc3261.html')!, 'P40L10')!.includes('href=../reference/sip/via.ts.html#L21>'));
  // Coverage per key word on the page, per section on its requirement view (linked from the page).
  assert.match(rfc, /<tr><th scope="row">MUST<\/th><td class="num">\d+<\/td>/);
  assert.ok(rfc.includes('<a href=../req/rfc3261.html>the requirement view</a>'));
  assert.match(site.get('req/rfc3261.html')!, /<a href=#section-8\.1\.1\.7>8\.1\.1\.7<\/a> Via<td>\d+/);
  const tests = site.get('rfc/rfc2617.html')!;
  assert.ok(lineWithId(tests, 'P9L24')!.includes('<a class=ct href=../test/auth/nonce.test.ts.html#L6>test/auth/nonce.test.ts:6</a>'), 'verifying test linked');
});

test('map.json: one row per citation, sorted by doc and position', () => {
  const rows = JSON.parse(site.get('map.json')!);
  assert.equal(rows, [
    { doc: 'RFC2617', ref: 'P9L6-P9L10', begin: 'P9L6', end: 'P9L10', kind: 'implements', file: 'reference/auth/nonce.ts', line: 7 },
    { doc: 'RFC2617', ref: 'P9L24-P9L25', begin: 'P9L24', end: 'P9L25', kind: 'tests', file: 'test/auth/nonce.test.ts', line: 6 },
    { doc: 'RFC2617', ref: 'P9L27-P9L29', begin: 'P9L27', end: 'P9L29', kind: 'exception', file: 'reference/auth/nonce.ts', line: 17 },
    { doc: 'RFC2617', ref: 'P9L41', begin: 'P9L41', end: 'P9L41', kind: 'implements', file: 'reference/auth/nonce.ts', line: 14 },
    { doc: 'RFC3261', ref: 'P39L25-P39L29', begin: 'P39L25', end: 'P39L29', kind: 'implements', file: 'reference/sip/via.ts', line: 10 },
    { doc: 'RFC3261', ref: '§8.1.1.8', begin: 'P40L10', end: rows[5].end, kind: 'todo', file: 'reference/sip/via.ts', line: 21 },
    { doc: 'RFC3261', ref: 'P143L14-P143L17', begin: 'P143L14', end: 'P143L17', kind: 'implements', file: 'reference/sip/via.ts', line: 16 },
  ]);
  assert.match(rows[5].end, /^P40L\d+$/);
});

test('index: modules and tests by folder with description, counts and coverage, each linking its folder page; docs with coverage', () => {
  const index = site.get('index.html')!;
  assert.match(index, /<a href="reference\/auth\/index.html"><code>auth\/<\/code><\/a><\/th><td data-label="About"><\/td><td data-label="Holds">1 module<\/td><td data-label="SLoC" class="num">\d+<\/td><td data-label="Citations" class="num">3<\/td>/);
  assert.match(index, /<a href="rfc\/rfc3261.html">RFC 3261<\/a><\/th><td[^>]*>SIP: Session Initiation Protocol<\/td><td[^>]* class="num">3<\/td><td[^>]* class="num">\d+<\/td>(<td[^>]* class="num">\d+<\/td>){5}<td[^>]* class="num">\d+\.\d%<\/td><td[^>]*><svg class="covbar" [^>]*role="img" aria-label="RFC 3261: \d+ requirements: \d+ tested, /);
  assert.ok(index.includes('href="test/auth/index.html"'));
});

test('READMEs render in the layout with links to module pages and each other', () => {
  const readme = site.get('README.html')!;
  assert.ok(readme.includes('<a href="reference/auth/nonce.ts.html">nonce module</a>'));
  assert.ok(readme.includes('<a href="reference/sip/via.ts.html#L10">Via rules</a>'));
  assert.ok(readme.includes('<a href="reference/README.html">reference notes</a>'));
  assert.ok(readme.includes('<h1 id="fixture-project">Fixture project</h1>'), 'headings carry GitHub-style anchors');
  const notes = site.get('reference/README.html')!;
  assert.ok(notes.includes('<a href="../README.html">project README</a>'));
  assert.ok(notes.includes('<a href="auth/nonce.ts.html">nonce</a>'));
});

test('self-contained: CSP on every page, only relative links, no inline script or style', () => {
  for (const [p, html] of site) {
    if (!p.endsWith('.html')) continue;
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`), p);
    for (const m of html.matchAll(/\b(?:href|src)=(?:"([^"]*)"|([^\s">]+))/g)) assert.not.match(m[1] ?? m[2]!, /^(?:[a-z]+:|\/)/i, `${p}: ${m[0]}`);
    assert.not.match(html, /\sstyle="/, p);
    assert.not.match(html, /<style/, p);
    assert.not.match(html, /<script>/, p);
    assert.ok(html.includes('<a class="skip" href="#main">') && html.includes('<main id="main"'), p);
  }
  for (const css of [site.get('assets/site.css')!, site.get('assets/code.css')!]) assert.not.match(css, /url\(|@import|@font-face/);
});

test('every local link lands on a page of the site, and every fragment on an id there; ids are unique', () => {
  const { problems, links } = siteLinks(site);
  assert.equal(problems, []);
  assert.ok(links > 100, `${links} links`);
});

test('search index: modules, exported symbols and sections', () => {
  const js = site.get('assets/search-index.js')!;
  const { entries } = readSearchScript(js);
  assert.ok(entries.some((e) => e[0] === 'symbol' && e[1] === 'makeNonce' && e[3] === 'reference/auth/nonce.ts.html#L8'));
  assert.ok(entries.some((e) => e[0] === 'module' && e[1] === 'reference/sip/via.ts'));
  assert.ok(entries.some((e) => e[0] === 'section' && e[1] === 'RFC 3261 §8.1.1.7 Via' && e[3] === 'rfc/rfc3261.html#section-8.1.1.7'));
});

test('a failing build leaves the previous site untouched and no temporary directory', async () => {
  const root = tempDir('rfcdoc-site-atomic-');
  cpSync(FIXTURE, root, { recursive: true });
  const first = await build(root, 'site');
  assert.ok(first.ok);
  const before = readTree(join(root, 'site'));
  // A tag citing a line that does not exist: an error.
  const via = join(root, 'reference/sip/via.ts');
  writeFileSync(via, readFileSync(via, 'utf8').replace('P143L14-P143L17', 'P143L14-P143L99'));
  const second = await build(root, 'site');
  assert.not.ok(second.ok);
  assert.ok(second.diagnostics.some((d) => d.severity === 'error' && d.file === 'reference/sip/via.ts'), JSON.stringify(second.diagnostics));
  assert.match(second.summary, /^build: failed with 1 error; site left as it was/);
  assert.equal(readTree(join(root, 'site')), before);
  assert.equal(readdirSync(root).sort(), ['README.md', 'reference', 'site', 'test']);
});

test('a build that cannot write says so in its diagnostics and summary line', async () => {
  const root = tempDir('rfcdoc-site-unwritable-');
  cpSync(FIXTURE, root, { recursive: true });
  // The output's parent is a file: nothing can be written there.
  const result = await build(root, 'README.md/site');
  assert.not.ok(result.ok);
  assert.match(result.summary, /^build: failed: cannot write the site to .*README\.md\/site: .*; .*left as it was \(\d+ ms\)$/);
  assert.is(result.diagnostics.filter((d) => d.severity === 'error').length, 1);
  assert.equal(readdirSync(root).sort(), ['README.md', 'reference', 'test']);
});

test('a write that fails half way leaves the previous site and no temporary directory', async () => {
  const parent = tempDir('rfcdoc-site-write-');
  const out = join(parent, 'site');
  await writeSite(out, new Map([['index.html', 'old'], ['a/b.html', 'old b']]));
  // `x` is a file and a directory at once: the write cannot succeed.
  await writeSite(out, new Map([['index.html', 'new'], ['x', 'file'], ['x/y.html', 'under a file']])).then(
    () => assert.unreachable('write should fail'),
    (e: Error) => assert.ok(e instanceof Error),
  );
  assert.equal(siteFiles(out), new Map([['index.html', 'old'], ['a/b.html', 'old b']]));
  assert.equal(readdirSync(parent), ['site']);
  // And a good write replaces what the last one wrote (a/b.html goes) and keeps what it did not.
  mkdirSync(join(out, 'mine'));
  writeFileSync(join(out, 'a', 'notes.txt'), 'not rfcdoc\'s');
  const { kept } = await writeSite(out, new Map([['index.html', 'new']]));
  assert.equal(kept.sort(), ['a/notes.txt', 'mine']);
  assert.equal(siteFiles(out), new Map([['index.html', 'new'], ['a/notes.txt', "not rfcdoc's"]]));
  assert.ok(statSync(join(out, 'mine')).isDirectory());
  assert.equal(readdirSync(parent), ['site']);
});

test('a failed write into a site holding files of its owner leaves those files and the old site where they were', async () => {
  const out = join(tempDir('rfcdoc-site-keep-'), 'site');
  await writeSite(out, new Map([['index.html', 'old'], ['rfc/a.html', 'a']]));
  writeFileSync(join(out, 'rfc', 'notes.txt'), 'mine');
  const before = readTree(out);
  await writeSite(out, new Map([['index.html', 'new'], ['x', 'file'], ['x/y.html', 'under a file']])).then(
    () => assert.unreachable('write should fail'),
    (e: Error) => assert.ok(e instanceof Error),
  );
  assert.equal(readTree(out), before);
  assert.equal(readdirSync(join(out, '..')), ['site']);
});

test('buildSite refuses the project itself before fetching anything', async () => {
  const root = tempDir('rfcdoc-site-self-');
  cpSync(FIXTURE, root, { recursive: true });
  const before = readTree(root);
  for (const out of ['.', 'reference', 'test/auth']) {
    await build(root, out, { cacheDir: join(root, 'never') }).then(
      () => assert.unreachable(out),
      (e: Error) => {
        assert.instance(e, OutputRefused);
        assert.match(e.message, /refusing to write the site to /);
      },
    );
  }
  assert.equal(readTree(root), before);
});

test.run();
