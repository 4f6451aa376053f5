// The scanner: every tag form it reads, every malformed tag it reports (with
// the exact line and column of the `@`), and text it must leave alone.
// Sources under test are strings, so no tag in them is a tag of this file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { editDistance, nearestTag, roleOf, scanSource, scanTags } from '../../tools/annotate/scan.ts';
import { formatDiagnostic } from '../../tools/diagnostics.ts';

const AT = '@';
/** Builds source text; `@@` stands for a tag's `@` so that this file holds no tags. */
const src = (lines: string[]) => lines.join('\n').replaceAll('@@', AT);

const scan = (lines: string[]) => scanTags(src(lines), 'reference/sip/x.ts');
const errors = (lines: string[]) => scan(lines).diagnostics.map((d) => formatDiagnostic(d));
const brief = (lines: string[]) =>
  scan(lines).tags.map((t) => ({ kind: t.kind, doc: t.doc, refs: t.refs.map((r) => r.text), note: t.note, at: `${t.line}:${t.col}` }));

test('module-level implements with a description', () => {
  assert.equal(brief(['/**', ' * SIP transactions.', ' * @@implements RFC3261 (SIP)', ' */']), [
    { kind: 'implements', doc: 'RFC3261', refs: [], note: 'SIP', at: '3:4' },
  ]);
});

test('line refs, single lines, section and § refs, comma lists', () => {
  const tags = scan(['// @@implements RFC3261 P143L14-P143L19, P143L31, section 17.1.1, §8.1.2']).tags;
  assert.is(tags.length, 1);
  const [t] = tags;
  assert.equal(
    t!.refs.map((r) => r.kind),
    ['lines', 'lines', 'section', 'section'],
  );
  assert.equal(t!.refs[1], { kind: 'lines', text: 'P143L31', begin: { page: 143, line: 31 }, end: { page: 143, line: 31 } });
  assert.equal(t!.refs[2], { kind: 'section', text: 'section 17.1.1', number: '17.1.1' });
  assert.equal(t!.refs[3], { kind: 'section', text: '§8.1.2', number: '8.1.2' });
  // Column of each ref's first character.
  assert.equal(t!.refAt, [
    { line: 1, col: 24 },
    { line: 1, col: 41 },
    { line: 1, col: 50 },
    { line: 1, col: 66 },
  ]);
});

test('tests, exception (with reason), todo; doc name forms', () => {
  assert.equal(
    brief([
      '// @@tests RFC 3261 P1L1',
      '/* @@exception rfc3261 section 26: no S/MIME here */',
      '/** @@todo draft-ietf-sipcore-foo-03 P2L3-P2L4 */',
      'x(); // @@implements RFC0791 P1L1',
    ]),
    [
      { kind: 'tests', doc: 'RFC3261', refs: ['P1L1'], note: undefined, at: '1:4' },
      { kind: 'exception', doc: 'RFC3261', refs: ['section 26'], note: 'no S/MIME here', at: '2:4' },
      { kind: 'todo', doc: 'draft-ietf-sipcore-foo-03', refs: ['P2L3-P2L4'], note: undefined, at: '3:5' },
      { kind: 'implements', doc: 'RFC791', refs: ['P1L1'], note: undefined, at: '4:9' },
    ],
  );
});

test('a list ending in a comma continues on the next comment line, in // and JSDoc', () => {
  const line = brief(['// @@implements RFC3261 P1L1,', '//   P2L2, §8', 'code();']);
  assert.equal(line[0]!.refs, ['P1L1', 'P2L2', '§8']);
  const [t] = scan(['/**', ' * @@exception RFC3261 P1L1,', ' *   P2L2-P2L4: not', ' *   now', ' */']).tags;
  assert.equal(t!.refs.map((r) => r.text), ['P1L1', 'P2L2-P2L4']);
  assert.is(t!.note, 'not');
  assert.equal(t!.refAt, [
    { line: 2, col: 23 },
    { line: 3, col: 6 },
  ]);
  // No trailing comma: the next line is prose, not refs.
  assert.equal(brief(['// @@implements RFC3261 P1L1', '// P2L2 is next'])[0]!.refs, ['P1L1']);
});

test('a ref list may switch documents: one tag per document', () => {
  assert.equal(brief(['// @@tests RFC4475 P5L37-P6L20, RFC3261 P30L29-P30L35, P32L40-P33L4']), [
    { kind: 'tests', doc: 'RFC4475', refs: ['P5L37-P6L20'], note: undefined, at: '1:4' },
    { kind: 'tests', doc: 'RFC3261', refs: ['P30L29-P30L35', 'P32L40-P33L4'], note: undefined, at: '1:4' },
  ]);
  const tags = scan(['// @@tests RFC4475 P5L37-P6L20, RFC3261 P30L29-P30L35, P32L40-P33L4']).tags;
  assert.equal(tags[1]!.refAt, [
    { line: 1, col: 40 },
    { line: 1, col: 55 },
  ]);
});

test('tag-like text in strings, templates and regular expressions is not a tag', () => {
  const r = scan([
    'const a = "// @@implements RFC3261 P1L1";',
    "const b = '/* @@tests RFC3261 P1L1 */';",
    'const c = `',
    '  // @@todo RFC3261 P1L1 ${x + `/* @@implement */`} @@test',
    '`;',
    'const d = /\\/\\/ @@exception RFC3261 P1L1/g, e = /[/]* @@implement/;',
    'const f = a / b; // @@implements RFC3261 P9L9',
    'const g = (a) / 2 / (b); /* @@tests RFC3261 P8L8 */',
    "const h = '\\' // @@implement'; const i = \"\\\\\"; // @@tests RFC3261 P7L7",
    'n = i++ / 2; // @@tests RFC3261 P6L6',
    'if (x) { y(); } /@@implement [/]/.test(s) && ++i / 2 / z; // @@todo RFC3261 P5L5',
  ]);
  assert.equal(r.diagnostics, []);
  assert.equal(
    r.tags.map((t) => `${t.kind} ${t.refs[0]!.text} ${t.line}:${t.col}`),
    ['implements P9L9 7:21', 'tests P8L8 8:29', 'tests P7L7 9:50', 'tests P6L6 10:17', 'todo P5L5 11:61'],
  );
});

test('misspelt and miscased tag words are errors at the @', () => {
  assert.equal(
    errors(['// @@implement RFC3261 P1L1', '/* @@test RFC3261 P1L1 */', '// text @@tod RFC3261 P1L1', '// @@Tests RFC3261 P1L1']),
    [
      'reference/sip/x.ts:1:4: error: unknown tag @implement: did you mean @implements?',
      'reference/sip/x.ts:2:4: error: unknown tag @test: did you mean @tests?',
      'reference/sip/x.ts:3:9: error: unknown tag @tod: did you mean @todo?',
      'reference/sip/x.ts:4:4: error: tag @Tests must be written in lower case: @tests',
    ],
  );
});

test('misspelt tag words in block comments, and after code', () => {
  const out = errors(['/**', ' * @@exceptions RFC3261 P1L1: x', ' */', 'f(); // text @@tod RFC3261 P1L1', '// @@Tests RFC3261 P1L1']);
  assert.equal(out, [
    'reference/sip/x.ts:2:4: error: unknown tag @exceptions: did you mean @exception?',
    'reference/sip/x.ts:4:14: error: unknown tag @tod: did you mean @todo?',
    'reference/sip/x.ts:5:4: error: tag @Tests must be written in lower case: @tests',
  ]);
});

test('bad refs, doc names, ranges, reasons and missing refs are errors at the @', () => {
  assert.equal(
    errors([
      '// @@implements RFC3261 P143',
      '// @@implements RFC3261 P2L1-P1L1',
      '//  @@tests RFC3261X P1L1',
      '// @@todo draft-foo P1L1',
      '// @@exception RFC3261 P1L1',
      '// @@exception RFC3261 P1L1:   ',
      '// @@implements RFC3261',
      '// @@tests RFC3261 (SIP)',
      '// @@implements RFC3261 ()',
      '// @@implements RFC3261 P1L1,, P2L2',
      '// @@implements',
      '// @@implements RFC3261 P1L1 the maddr rule',
    ]),
    [
      'reference/sip/x.ts:1:4: error: @implements RFC3261: "P143" is not a reference: expected PnLm, PnLm-PnLm, "section N" or "§N"',
      'reference/sip/x.ts:2:4: error: @implements RFC3261: "P2L1-P1L1": begin is after end',
      'reference/sip/x.ts:3:5: error: @tests must be followed by a document name (RFC3261 or draft-name-NN): "RFC3261X" is not a document name: expected RFC<number> or draft-<name>-NN',
      'reference/sip/x.ts:4:4: error: @todo must be followed by a document name (RFC3261 or draft-name-NN): "draft-foo" is not a draft name: expected draft-<name>-NN with a two-digit revision',
      'reference/sip/x.ts:5:4: error: @exception RFC3261 P1L1 needs a reason: @exception RFC3261 <refs>: <why it is not done>',
      'reference/sip/x.ts:6:4: error: @exception RFC3261 P1L1: the reason after ":" is empty',
      'reference/sip/x.ts:7:4: error: @implements RFC3261 needs refs (P143L14-P143L19, section 17.1) or a description in parentheses: @implements RFC3261 (SIP)',
      'reference/sip/x.ts:8:4: error: @tests RFC3261 needs refs (P143L14-P143L19, section 17.1): only @implements takes a (description)',
      'reference/sip/x.ts:9:4: error: @implements RFC3261 (): the description in parentheses is empty',
      'reference/sip/x.ts:10:4: error: @implements RFC3261: empty reference in "P1L1,, P2L2"',
      'reference/sip/x.ts:11:4: error: @implements must be followed by a document name (RFC3261 or draft-name-NN), found nothing',
      'reference/sip/x.ts:12:4: error: @implements RFC3261: "P1L1 the maddr rule" is not a reference: expected PnLm, PnLm-PnLm, "section N" or "§N"',
    ],
  );
});

test('prose decision: a tag word must be followed by a document name', () => {
  assert.equal(errors(['// this @@tests nothing']), [
    'reference/sip/x.ts:1:9: error: @tests must be followed by a document name (RFC3261 or draft-name-NN): "nothing" is not a document name: expected RFC<number> or draft-<name>-NN',
  ]);
  assert.equal(errors(['// @@todo: make this faster']), [
    'reference/sip/x.ts:1:4: error: @todo must be followed by a document name (RFC3261 or draft-name-NN), found ": make this faster"',
  ]);
  // Not tag words: an e-mail address, a quoted word, JSDoc tags near a tag word.
  assert.equal(errors(['// mail user@@tests.example, write `@@tests`', '/** @@note x @@see y @@param z @@returns w */']), []);
});

test('header description, SLoC and role', () => {
  const text = src([
    '#!/usr/bin/env node',
    '/**',
    ' * Client transactions (RFC 3261 §17.1), e.g. Timer A. The rest is detail.',
    ' * @@implements RFC3261 (SIP)',
    ' */',
    '',
    "import { x } from './x.ts'; // code and comment",
    '// comment only',
    '   ',
    'const s = `a',
    'b`;',
    '/* block */ f();',
  ]);
  const { file, diagnostics } = scanSource('reference/sip/transaction/client.ts', text);
  assert.equal(diagnostics, []);
  assert.is(file.description, 'Client transactions (RFC 3261 §17.1), e.g. Timer A.');
  assert.is(file.sloc, 4);
  assert.is(file.role, 'module');
  assert.is(file.tags.length, 1);
  assert.is(scanSource('x.ts', '// Two lines of\n// one sentence\nf();\n').file.description, 'Two lines of one sentence');
  assert.is(scanSource('x.ts', 'f();\n// not a header\n').file.description, undefined);
  assert.is(roleOf('test/reference/sip/x.test.ts'), 'test');
  assert.is(roleOf('reference/sip/README.md'), 'readme');
  assert.is(roleOf('reference/sip/parse.ts'), 'module');
  const readme = scanSource('reference/sip/README.md', '# SIP\n\n@@implements nothing here\n'.replaceAll('@@', AT));
  assert.equal([readme.file.role, readme.file.description, readme.file.tags, readme.diagnostics], ['readme', 'SIP', [], []]);
});

test('edit distance and nearest tag word', () => {
  assert.is(editDistance('implement', 'implements'), 1);
  assert.is(editDistance('tset', 'test'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(nearestTag('tets'), 'tests');
  assert.is(nearestTag('param'), undefined);
  assert.is(nearestTag('exceptoin'), 'exception');
});

test.run();
