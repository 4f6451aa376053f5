/**
 * The rfcdoc command line, run as a user runs it: `node --import tsx
 * tools/cli.ts <command>`, RFC_MIRROR set, a temporary cache.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { ROOT, runRfcdoc, tempDir, type CliRun } from './helpers.ts';
import { projectCopy, rfcdocIn } from './copy.ts';

const test = suite('cli');

const CACHE = tempDir('rfcdoc-cli-');

const rfcdoc = (args: string[], cache = CACHE): Promise<CliRun> => runRfcdoc(args, { cache });

/** Only progress lines ("fetched X from Y") may appear on stderr of a good run. */
const quietStderr = (r: CliRun) => r.stderr.split('\n').filter((l) => l !== '' && !/^fetched \S+ from /.test(l));

const MULTICAST = [
  '   A client that sends a request to a multicast address MUST add the',
  '   "maddr" parameter to its Via header field value containing the',
  '   destination multicast address, and for IPv4, SHOULD add the "ttl"',
  '   parameter with a value of 1.  Usage of IPv6 multicast is not defined',
  '   in this specification, and will be a subject of future',
  '   standardization when the need arises.',
].join('\n');

test('quote prints the exact text of a ref', async () => {
  const r = await rfcdoc(['quote', 'RFC3261', 'P143L14-P143L19']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, MULTICAST + '\n');
  assert.equal(quietStderr(r), []);
  assert.ok(existsSync(join(CACHE, 'rfc3261.paged')), 'the cache was filled');
});

test('quote and sections of a document lock.json does not name leave lock.json as it was; fetch pins it', async () => {
  const cache = tempDir('rfcdoc-cli-pin-');
  const lock = () => (existsSync(join(cache, 'lock.json')) ? JSON.parse(readFileSync(join(cache, 'lock.json'), 'utf8')).docs ?? {} : {});
  assert.is((await rfcdoc(['quote', 'RFC3261', 'P143L14'], cache)).code, 0);
  assert.is((await rfcdoc(['sections', 'RFC3261'], cache)).code, 0);
  assert.equal(Object.keys(lock()), [], 'looking at a document pins nothing');
  assert.is((await rfcdoc(['fetch', 'RFC3261'], cache)).code, 0);
  assert.equal(Object.keys(lock()), ['rfc3261'], 'fetch pins it');
  assert.is((await rfcdoc(['quote', 'RFC3261', 'P143L14'], cache)).code, 0);
  assert.equal(Object.keys(lock()), ['rfc3261'], 'and a later quote keeps the pin');
});

test('quote takes several refs, comma lists and `section N` as two words', async () => {
  const r = await rfcdoc(['quote', 'rfc3261', 'P143L14,P143L19', 'section', '17.1.1.2']);
  assert.is(r.code, 0, r.stderr);
  const out = r.stdout.split('\n');
  assert.is(out[0], '   A client that sends a request to a multicast address MUST add the');
  assert.is(out[1], '   standardization when the need arises.');
  assert.is(out[2], '17.1.1.2 Formal Description');
});

test('quote --json: [{doc, ref, text, begin, end}]', async () => {
  const r = await rfcdoc(['quote', 'RFC 3261', 'P143L14-P143L19', '§17.1.1.2', '--json']);
  assert.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.ok(Array.isArray(json));
  assert.is(json.length, 2);
  assert.equal(json[0], { doc: 'RFC3261', ref: 'P143L14-P143L19', text: MULTICAST, begin: 'P143L14', end: 'P143L19' });
  assert.equal(Object.keys(json[1]).sort(), ['begin', 'doc', 'end', 'ref', 'text']);
  assert.is(json[1].ref, '§17.1.1.2');
  assert.is(json[1].begin, 'P125L32');
  assert.is(json[1].end, 'P129L20');
  assert.is(json[1].text.split('\n')[0], '17.1.1.2 Formal Description');
});

test('bad refs: a message each on stderr, exit 1, nothing on stdout', async () => {
  const r = await rfcdoc(['quote', 'RFC3261', 'P300L1', 'P143L19-P143L14', 'P12L60']);
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /error: RFC3261 has no page 300 \(it has 269 pages\)/);
  assert.match(r.stderr, /error: "P143L19-P143L14": begin is after end/);
  assert.match(r.stderr, /error: P12L60 is not a quotable line of RFC3261/);
});

test('good and bad refs together: the good are printed, the run fails', async () => {
  const r = await rfcdoc(['quote', 'RFC3261', 'P143L14-P143L19', 'section 99']);
  assert.is(r.code, 1);
  assert.is(r.stdout, MULTICAST + '\n');
  assert.match(r.stderr, /RFC3261 has no section 99/);
});

test('a bad document name is a usage error: exit 2, nothing touched', async () => {
  const empty = tempDir('rfcdoc-cli-empty-');
  const names = ['../etc/passwd', 'draft-foo', 'RFC0'];
  const runs = await Promise.all(names.map((name) => rfcdoc(['quote', name, 'P1L1'], empty)));
  runs.forEach((r, i) => {
    assert.is(r.code, 2, `${names[i]}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^rfcdoc quote: /);
  });
  assert.match(runs[0]!.stderr, /no paths/);
  assert.equal(readdirSync(empty), [], 'the cache was not touched');
});

test('usage errors: missing arguments, unknown command or option', async () => {
  const [noRef, unknown, option, none] = await Promise.all([
    rfcdoc(['quote', 'RFC3261']),
    rfcdoc(['frobnicate'], ''),
    rfcdoc(['quote', 'RFC3261', 'P1L1', '--bogus']),
    rfcdoc([], ''),
  ]);
  assert.is(noRef.code, 2);
  assert.match(noRef.stderr, /quote needs a document and at least one ref/);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.is(option.code, 2);
  assert.match(option.stderr, /--bogus/);
  assert.is(none.code, 2);
  assert.is(none.stdout, '', 'no command: the help is an error message, on stderr');
  assert.match(none.stderr, /^rfcdoc — .*\n\nUsage: rfcdoc <command>/);
});

test('--help: exit 0 for the program and for every command it lists', async () => {
  const main = await rfcdoc(['--help'], '');
  assert.is(main.code, 0);
  const listed = main.stdout
    .split('Commands:\n')[1]!
    .split('\n\n')[0]!
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter(Boolean);
  for (const c of ['fetch', 'quote', 'sections']) assert.ok(listed.includes(c), `${c} is listed`);
  const runs = await Promise.all(listed.map((c) => rfcdoc([c, '--help'], '')));
  for (const [i, c] of listed.entries()) {
    const r = runs[i]!;
    assert.is(r.code, 0, `${c} --help: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`Usage: rfcdoc ${c}`), `${c} --help prints its usage`);
    assert.is(r.stderr, '');
  }
});

test('sections: text and --json', async () => {
  const [text, r] = await Promise.all([rfcdoc(['sections', 'RFC3261']), rfcdoc(['sections', 'RFC3261', '--json'])]);
  assert.is(text.code, 0, text.stderr);
  const rows = text.stdout.split('\n');
  assert.ok(rows.includes('17.1.1.2\tP125L32-P129L20\tFormal Description'));
  assert.ok(rows.includes('17.1.1.3\tP129L21-P130L34\tConstruction of the ACK Request'));
  assert.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { number: string; title: string; begin: string; end: string }[];
  assert.is(json.length, rows.filter(Boolean).length);
  assert.ok(json.every((s) => Object.keys(s).sort().join() === 'begin,end,number,title'));
  assert.equal(json.find((s) => s.number === '17.1.1.2'), { number: '17.1.1.2', title: 'Formal Description', begin: 'P125L32', end: 'P129L20' });
  assert.is(json[0]!.number, '1');
});

test('fetch --json; a document missing from the mirror fails with exit 1', async () => {
  const [r, missing] = await Promise.all([rfcdoc(['fetch', 'RFC8760', '--json', '--offline']), rfcdoc(['fetch', 'RFC9999', '--offline'])]);
  assert.is(r.code, 0, r.stderr);
  const [row] = JSON.parse(r.stdout);
  assert.is(row.doc, 'RFC8760');
  assert.is(row.virtual, true);
  assert.match(row.sha256, /^[0-9a-f]{64}$/);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /RFC9999: could not fetch/);
  assert.not.ok(existsSync(join(CACHE, 'rfc9999.txt')));
});

test('numbers in options are decimal digits within range', async () => {
  const root = projectCopy();
  const ports = ['99999', 'abc', '', '1e3', '-1', '0x50', '80.5'];
  const timeouts = ['1e999', '', '0x10', '0', '2147483648'];
  const runs = await Promise.all([
    ...ports.map((p) => rfcdocIn(root, ['serve', `--port=${p}`])),
    ...timeouts.map((t) => rfcdoc(['quote', 'RFC3261', 'P1L1', `--timeout=${t}`])),
  ]);
  runs.forEach((r, i) => {
    const [name, value] = i < ports.length ? ['port', ports[i]] : ['timeout', timeouts[i - ports.length]];
    assert.is(r.code, 2, `--${name} "${value}": ${r.stderr}`);
    assert.ok(r.stderr.includes(`--${name} takes `) && r.stderr.includes(`not "${value}"`), r.stderr);
    assert.is(r.stdout, '');
  });
});

test('build and serve take no arguments: a stray word is an error, not ignored', async () => {
  const root = projectCopy();
  const [build, serve] = await Promise.all([rfcdocIn(root, ['build', 'out']), rfcdocIn(root, ['serve', '8080'])]);
  assert.is(build.code, 2, build.stderr);
  assert.match(build.stderr, /^rfcdoc build: build takes no arguments, not "out" \(options: --out DIR/);
  assert.is(serve.code, 2, serve.stderr);
  assert.match(serve.stderr, /^rfcdoc serve: serve takes no arguments, not "8080" \(options: --port N/);
  assert.not.ok(existsSync(join(root, 'site')), 'nothing was built');
});

test('serve on a port in use: said plainly, exit 1 (not an internal error)', async () => {
  const root = projectCopy();
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as AddressInfo).port;
  const r = await rfcdocIn(root, ['serve', '--port', String(port)]);
  await new Promise((done) => busy.close(done));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`rfcdoc serve: port ${port} is in use \\(--port 0 picks a free one\\)`));
  assert.not.match(r.stderr, /internal error|\n\s+at /);
});

test('coverage: an unknown section, key word or document is an error naming it (exit 1)', async () => {
  const root = projectCopy();
  const [section, keyword, doc, empty, good] = await Promise.all([
    rfcdocIn(root, ['coverage', 'RFC3261', '--sections', '999,17,8.1.1.7']),
    rfcdocIn(root, ['coverage', 'RFC3261', '--keywords', 'MUST,MUSTN,must  not']),
    rfcdocIn(root, ['coverage', 'RFC9999', '--offline']),
    rfcdocIn(root, ['coverage', 'RFC3261', '--sections', '17,']),
    rfcdocIn(root, ['coverage', 'RFC3261', '--sections', '8.1.1.7', '--keywords', 'must,MUST  NOT', '--json']),
  ]);
  assert.is(section.code, 1, section.stderr);
  assert.is(section.stdout, '');
  assert.equal(section.stderr.trim().split('\n'), ['error: --sections: RFC3261 has no section 999']);
  assert.is(keyword.code, 1, keyword.stderr);
  assert.match(keyword.stderr, /^error: --keywords: "MUSTN" is not a BCP 14 key word \(MUST, MUST NOT, /);
  assert.not.match(keyword.stderr, /must {2}not/, 'a key word in other case and spacing is the same key word');
  assert.is(doc.code, 1, doc.stderr);
  assert.match(doc.stderr, /RFC9999: could not fetch/);
  assert.is(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /--sections takes a comma-separated list with nothing empty in it, not "17,"/);
  assert.is(good.code, 0, good.stderr);
  const json = JSON.parse(good.stdout);
  assert.equal(json.filter, { sections: ['8.1.1.7'], keywords: ['MUST', 'MUST NOT'] });
  assert.ok(json.requirements.length > 0 && json.requirements.every((r: { section: string }) => r.section.startsWith('8.1.1.7')));
});

test('the package bin runs from any working directory', async () => {
  const run = await runRfcdoc(['quote', 'RFC3261', 'P143L14'], { cache: CACHE, cwd: tempDir('rfcdoc-cwd-'), bin: join(ROOT, 'tools', 'rfcdoc.mjs') });
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, MULTICAST.split('\n')[0] + '\n');
});

test('an option given twice is a usage error naming it (exit 2), never a value silently dropped; --json too says so on stderr only', async () => {
  const root = projectCopy();
  const [sections, out, cache, json] = await Promise.all([
    rfcdocIn(root, ['coverage', 'RFC3261', '--sections', '999', '--sections', '17']),
    rfcdocIn(root, ['build', '--out', 'a', '--out=b']),
    rfcdoc(['quote', 'RFC3261', 'P1L1', '--cache', CACHE, '--cache', tempDir('rfcdoc-cli-twice-')], ''),
    rfcdocIn(root, ['coverage', 'RFC3261', '--keywords', 'MUST', '--json', '--keywords', 'SHOULD', '--json']),
  ]);
  assert.is(sections.code, 2, sections.stderr);
  assert.is(sections.stderr, 'rfcdoc coverage: --sections is given more than once (--sections and --sections); give it once, with a comma-separated list\n');
  assert.is(out.code, 2, out.stderr);
  assert.match(out.stderr, /^rfcdoc build: --out is given more than once \(--out and --out\); give it once\n$/);
  assert.is(cache.code, 2, cache.stderr);
  assert.match(cache.stderr, /--cache is given more than once/);
  // Errors under --json go where every command's errors go, stderr, as text; stdout stays empty.
  assert.is(json.code, 2, json.stderr);
  assert.match(json.stderr, /^rfcdoc coverage: --keywords is given more than once/);
  for (const r of [sections, out, cache, json]) assert.is(r.stdout, '');
  assert.not.ok(existsSync(join(root, 'a')) || existsSync(join(root, 'b')), 'nothing was built');
});

test.run();
