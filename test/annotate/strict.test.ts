// rfcdoc check --strict (tools/annotate/strict.ts): untagged stretches and
// distant tags, on the fixtures in test/annotate/fixtures/strict/, by the pure
// stage and by the command line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSource } from '../../tools/annotate/scan.ts';
import { strictDiagnostics, strictFile } from '../../tools/annotate/strict.ts';
import { formatDiagnostic } from '../../tools/diagnostics.ts';
import { ROOT, runRfcdoc, tempDir, testCache } from '../helpers.ts';

const FIXTURES = join(ROOT, 'test/annotate/fixtures/strict');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.ts.txt`), 'utf8');

/** The strict warnings of a text scanned as the module reference/<name>.ts. */
function warnings(name: string, text = fixture(name)): string[] {
  const { file, diagnostics } = scanSource(`reference/${name}.ts`, text);
  assert.equal(diagnostics, [], 'the fixture has no tag errors');
  return strictDiagnostics([file]).map((d) => formatDiagnostic(d));
}

const STRETCH = (at: string, n: number, lines: string) =>
  `reference/${at}: warning: ${n} lines of rule code with no tag between them (lines ${lines}; at most 15): cite the text they implement (@implements), or say why not (@exception, @todo) [rfcdoc:untagged-stretch]`;
const DISTANT = (at: string, tag: string, n: number, line: number) =>
  `reference/${at}: warning: ${tag} is ${n} lines away from the code below it (line ${line}; at most 3): put it directly above the code that does what it quotes [rfcdoc:distant-tag]`;

const RULE = [
  DISTANT('rule.ts:76:4', '@implements RFC3261 P143L31-P143L37', 4, 81),
  STRETCH('rule.ts:89:1', 16, '89-106'),
  'reference/rule.ts:116:4: warning: @implements RFC3261 P143L14 sits above no code: put it directly above the code that does what it quotes [rfcdoc:distant-tag]',
];

test('rule.ts: a 16-line stretch, a tag 4 lines away, a tag above nothing; nothing else', () => {
  // Not reported: the import and the 18-field interface, 15 lines after a tag
  // (with brackets in a string), a 20-line table, a tag 3 lines away, a tag
  // followed by its own 3-line comment, a far exception tag, a trailing tag.
  assert.equal(warnings('rule'), RULE);
});

test('each warning is a value: source rfcdoc, its rule, severity warning, file:line:col', () => {
  const { file } = scanSource('reference/rule.ts', fixture('rule'));
  const ds = strictFile(file.path, file.text, file.tags);
  assert.equal(
    ds.map((d) => [d.source, d.rule, d.severity, d.file, d.line, d.col]),
    [
      ['rfcdoc', 'distant-tag', 'warning', 'reference/rule.ts', 76, 4],
      ['rfcdoc', 'untagged-stretch', 'warning', 'reference/rule.ts', 89, 1],
      ['rfcdoc', 'distant-tag', 'warning', 'reference/rule.ts', 116, 4],
    ],
  );
});

/** The fixture's lines, with `edit` applied to the array (1-based line numbers in the callers). */
const edited = (edit: (lines: string[]) => void) => {
  const lines = fixture('rule').split('\n');
  edit(lines);
  return lines.join('\n');
};

test('the limits are exact: one more line makes a stretch, one more blank line a distant tag', () => {
  // fifteen() has 15 rule lines after its tag (34-48): a 16th is one too many.
  const longer = warnings('rule', edited((l) => l.splice(48, 0, '  x += 99;')));
  assert.equal(longer[0], STRETCH('rule.ts:34:1', 16, '34-49'));
  // near() is 3 lines below its tag (86-88): a 4th blank line is one too many.
  const farther = warnings('rule', edited((l) => l.splice(85, 0, '')));
  assert.ok(farther.includes(DISTANT('rule.ts:85:4', '@implements RFC3261 P143L33', 4, 90)), farther.join('\n'));
});

test('table lines, types and imports are no rule code; code in their place is', () => {
  // The same 20 lines as calls instead of table entries: a stretch from the TABLE line on.
  const calls = warnings('rule', edited((l) => l.splice(53, 20, ...Array.from({ length: 20 }, (_, i) => `  f${i}(),`))));
  assert.ok(calls.includes(STRETCH('rule.ts:53:1', 21, '53-73')), calls.join('\n'));
  // The interface as a function of 18 statements: 19 rule lines with no tag before them.
  const block = (head: string, f: (i: number) => string) => (l: string[]) => l.splice(8, 19, head, ...Array.from({ length: 18 }, (_, i) => f(i)));
  const fn = warnings('rule', edited(block('export function long() {', (i) => `  call${i}();`)));
  assert.ok(fn.includes(STRETCH('rule.ts:9:1', 19, '9-27')), fn.join('\n'));
  // A union of object types, one member a line, each ending in `}` (CallPhase, CallEvent): one type.
  const union = (i: number) => `  | { type: 'event${i}'; n: number }${i === 17 ? ';' : ''}`;
  assert.equal(warnings('rule', edited(block('export type Long =', union))), RULE);
  // A class's fields declared with no value are types; given values, they are code.
  assert.equal(warnings('rule', edited(block('export class Long {', (i) => `  readonly field${i}?: number;`))), RULE);
  const valued = warnings('rule', edited(block('export class Long {', (i) => `  field${i} = compute(${i});`)));
  assert.ok(valued.includes(STRETCH('rule.ts:9:1', 19, '9-27')), valued.join('\n'));
});

test('a tag ends a stretch, a module-level tag does not', () => {
  // A tag in the middle of untagged(): two short runs, no warning for them.
  const split = warnings('rule', edited((l) => l.splice(99, 0, '  // @implements RFC3261 P143L5-P143L12')));
  assert.equal(split, [RULE[0], RULE[2]!.replace(':116:', ':117:')]);
  const moduleTag = warnings('rule', edited((l) => l.splice(99, 0, '  // @implements RFC3550 (RTP)')));
  assert.ok(moduleTag.includes(STRETCH('rule.ts:89:1', 16, '89-107')), moduleTag.join('\n'));
});

test('plumbing.ts: no module-level @implements, so no stretch; its tags are still checked for distance', () => {
  assert.equal(warnings('plumbing'), [DISTANT('plumbing.ts:26:4', '@implements RFC3261 P143L14-P143L19', 4, 31)]);
  // Naming the document it implements makes its 22 untagged lines a stretch.
  const named = warnings('plumbing', `// @implements RFC3261 (SIP)\n${fixture('plumbing')}`);
  assert.equal(named[0], STRETCH('plumbing.ts:3:1', 22, '3-24'));
});

test('tests and READMEs are not looked at', () => {
  const t = scanSource('test/rule.test.ts', fixture('rule')).file;
  const readme = scanSource('reference/README.md', fixture('rule')).file;
  assert.equal(strictDiagnostics([t, readme]), []);
});

/** A project tree holding the fixtures as reference/rule.ts and reference/plumbing.ts. */
function strictTree(): string {
  const dir = tempDir('rfcdoc-strict-');
  mkdirSync(join(dir, 'reference'));
  for (const name of ['rule', 'plumbing']) writeFileSync(join(dir, 'reference', `${name}.ts`), fixture(name));
  return dir;
}

test('rfcdoc check --strict prints the warnings with file:line:col, exit 0; without --strict none; --json carries rule and source', async () => {
  const dir = strictTree();
  const strict = await runRfcdoc(['check', '--strict', dir], { cache: testCache() });
  assert.is(strict.code, 0, strict.stderr);
  const lines = strict.stderr.trim().split('\n');
  assert.equal(
    lines.filter((l) => l.includes(': warning: ')).map((l) => l.replace(/^.*?reference\//, 'reference/')),
    [DISTANT('plumbing.ts:26:4', '@implements RFC3261 P143L14-P143L19', 4, 31), ...RULE],
  );
  assert.match(lines[lines.length - 1]!, /^check: 2 files .*: 0 errors, 4 warnings/);

  const plain = await runRfcdoc(['check', dir], { cache: testCache() });
  assert.is(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /^check: 2 files .*: 0 errors, 0 warnings/m);

  const json = await runRfcdoc(['check', '--strict', '--json', dir], { cache: testCache() });
  assert.is(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { warnings: number; diagnostics: { rule?: string; source?: string; line?: number }[] };
  assert.is(out.warnings, 4);
  assert.equal(out.diagnostics.map((d) => [d.source, d.rule, d.line]), [
    ['rfcdoc', 'distant-tag', 26],
    ['rfcdoc', 'distant-tag', 76],
    ['rfcdoc', 'untagged-stretch', 89],
    ['rfcdoc', 'distant-tag', 116],
  ]);
});

test('rfcdoc check --help tells of --strict', async () => {
  const help = await runRfcdoc(['check', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /--strict also warns/);
  assert.match(help.stdout, /rfcdoc:untagged-stretch/);
});

test.run();
