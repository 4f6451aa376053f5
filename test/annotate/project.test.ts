// End to end: analyzeProject over the fixture tree in test/annotate/fixtures/
// (and a copy of it with a file of bad tags), and the `check` and `coverage`
// commands run as a user runs them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeProject, mapEntries } from '../../tools/annotate/project.ts';
import { formatDiagnostic } from '../../tools/diagnostics.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { MIRROR, ROOT, runRfcdoc, tempDir, testCache } from '../helpers.ts';

const FIXTURES = join(ROOT, 'test/annotate/fixtures');
const TREE = join(FIXTURES, 'tree');
const store = () => ({ cacheDir: testCache(), mirror: MIRROR });

/** A copy of the fixture tree with the bad-tag file added as reference/bad.ts. */
function badTree(): string {
  const dir = tempDir('rfcdoc-annotate-');
  cpSync(TREE, dir, { recursive: true });
  copyFileSync(join(FIXTURES, 'bad.ts.txt'), join(dir, 'reference/bad.ts'));
  return dir;
}

const rfcdoc = (args: string[]) => runRfcdoc(args, { cache: testCache() });

test('the fixture tree: files, roles, descriptions, tags, no diagnostics', async () => {
  const p = await analyzeProject({ root: TREE, store: store() });
  assert.equal(p.diagnostics, []);
  assert.equal(
    p.files.map((f) => [f.path, f.role, f.description, f.sloc, f.tags.length]),
    [
      ['reference/README.md', 'readme', 'Fixture protocol', 0, 0],
      ['reference/sip/via.ts', 'module', 'The Via header field of a request sent to a multicast address.', 9, 4],
      ['test/via.check.ts', 'test', 'Checks of the fixture module (run by nothing: the tags are what matters).', 2, 1],
    ],
  );
  assert.equal([...p.docs.keys()], ['rfc3261']);
  assert.equal(p.citations.length, 4);
});

test('statuses of the cited requirements, and the map', async () => {
  const p = await analyzeProject({ root: TREE, store: store() });
  const doc = p.docs.get('rfc3261')!;
  const reqs = p.requirements.get('rfc3261')!;
  assert.ok(reqs.length > 800);
  const at = (id: string) => reqs.filter((r) => lineId(doc.lines[r.begin]!) === id).map((r) => [r.keyword, r.status]);
  assert.equal(at('P143L14'), [['MUST', 'tested']]); // implemented and tested
  assert.equal(at('P143L5'), [['SHOULD', 'exception']]);
  assert.equal(at('P143L31'), [['MUST', 'todo']]);
  assert.equal(at('P143L33'), [['RECOMMENDED', 'todo']]);
  assert.equal(reqs.filter((r) => r.status !== 'missing').length, 4);
  assert.equal(mapEntries(p), [
    { doc: 'RFC3261', ref: 'P143L5-P143L12', begin: 'P143L5', end: 'P143L12', kind: 'exception', file: 'reference/sip/via.ts', line: 17 },
    { doc: 'RFC3261', ref: 'P143L14-P143L19', begin: 'P143L14', end: 'P143L19', kind: 'implements', file: 'reference/sip/via.ts', line: 12 },
    { doc: 'RFC3261', ref: 'P143L14-P143L19', begin: 'P143L14', end: 'P143L19', kind: 'tests', file: 'test/via.check.ts', line: 4 },
    { doc: 'RFC3261', ref: 'P143L31-P143L37', begin: 'P143L31', end: 'P143L37', kind: 'todo', file: 'reference/sip/via.ts', line: 18 },
  ]);
});

const BAD = [
  'reference/bad.ts:4:4: error: unknown tag @implement: did you mean @implements?',
  'reference/bad.ts:5:4: error: @implements RFC3261: "P143" is not a reference: expected PnLm, PnLm-PnLm, "section N" or "§N"',
  'reference/bad.ts:6:19: error: RFC3261 has no page 300 (it has 269 pages)',
  'reference/bad.ts:7:5: error: @exception RFC3261 section 17.1 needs a reason: @exception RFC3261 <refs>: <why it is not done>',
  'reference/bad.ts:8:18: error: RFC3261 has no section 99',
];

test('bad tags: every one reported, in file order, at its place', async () => {
  const p = await analyzeProject({ root: badTree(), store: store() });
  assert.equal(p.diagnostics.map((d) => formatDiagnostic(d)), BAD);
  // The good files are untouched by the bad one.
  assert.equal(p.citations.length, 4);
});

test('paths: a single file, and a missing path', async () => {
  const p = await analyzeProject({ root: TREE, paths: ['test/via.check.ts', 'nowhere'], store: store() });
  assert.equal(p.files.map((f) => f.path), ['test/via.check.ts']);
  assert.equal(p.diagnostics.map((d) => formatDiagnostic(d)), ['error: nowhere: no such file or directory']);
});

test('paths: one below a file is an error naming it, not a crash', async () => {
  const p = await analyzeProject({ root: TREE, paths: ['test/via.check.ts/x'], store: store() });
  assert.equal(p.files, []);
  assert.equal(p.diagnostics.map((d) => formatDiagnostic(d)), ['error: test/via.check.ts/x: no such file or directory']);
});

test('rfcdoc check: exit 0 on the fixture tree, exit 1 with compiler-style errors, --json', async () => {
  const ok = await rfcdoc(['check', 'test/annotate/fixtures/tree']);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /^check: 3 files \(0 modules, 2 tests, 1 readme\), 5 tags, 4 citations of 1 document: 0 errors, 0 warnings/m);

  const dir = badTree();
  const bad = await rfcdoc(['check', dir]);
  assert.is(bad.code, 1);
  const lines = bad.stderr.trim().split('\n');
  assert.equal(lines.slice(0, 5).map((l) => l.replace(/^.*?reference\//, 'reference/')), BAD);
  assert.match(lines[5]!, /^check: 4 files .*: 5 errors, 0 warnings/);

  const json = await rfcdoc(['check', dir, '--json']);
  assert.is(json.code, 1);
  const out = JSON.parse(json.stdout);
  assert.equal([out.errors, out.warnings, out.files, out.tags, out.citations, out.documents], [5, 0, 4, 7, 4, 1]);
  assert.equal(out.diagnostics[2], { file: out.diagnostics[2].file, line: 6, col: 19, severity: 'error', message: 'RFC3261 has no page 300 (it has 269 pages)' });
});

test('rfcdoc coverage RFC3261: tables and --json over the project tree', async () => {
  const text = await rfcdoc(['coverage', 'RFC3261']);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^RFC3261 — SIP: Session Initiation Protocol\n\d+ requirements, \d+ covered/);
  assert.match(text.stdout, /^MUST NOT +\d+/m);
  assert.match(text.stdout, /^17 Transactions +\d+/m);
  assert.match(text.stdout, /^total +\d+/m);

  const json = await rfcdoc(['coverage', 'RFC3261', '--json', '--sections', '17', '--keywords', 'MUST,MUST NOT']);
  assert.is(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.is(out.doc, 'RFC3261');
  assert.equal(out.filter, { sections: ['17'], keywords: ['MUST', 'MUST NOT'] });
  assert.equal(Object.keys(out.figures.bySection), ['17']);
  assert.ok(out.figures.total.total > 30, `${out.figures.total.total} MUST/MUST NOT in §17`);
  assert.is(out.requirements.length, out.figures.total.total);
  const r = out.requirements[0];
  assert.ok(/^P\d+L\d+$/.test(r.begin) && /^P\d+L\d+$/.test(r.end) && r.section.startsWith('17'), JSON.stringify(r));
  assert.ok(['MUST', 'MUST NOT'].includes(r.keyword));

  assert.is((await rfcdoc(['coverage'])).code, 2);
  assert.is((await rfcdoc(['coverage', 'RFC32x61'])).code, 2);
});

test.run();
