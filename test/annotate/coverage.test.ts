// Resolution (refs against real and written documents) and coverage: the
// status precedence and the figures, through scan → resolve → requirements.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyCoverage, coverageFigures, filterErrors, inSections, statusOf } from '../../tools/annotate/coverage.ts';
import { extractRequirements } from '../../tools/annotate/requirements.ts';
import { resolveTags } from '../../tools/annotate/resolve.ts';
import { scanTags } from '../../tools/annotate/scan.ts';
import { formatDiagnostic } from '../../tools/diagnostics.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import type { SpecDoc } from '../../tools/spec/document.ts';
import { realDoc } from '../helpers.ts';
import { testDoc } from './common.ts';

const tagged = (text: string, file = 'reference/x.ts') => scanTags(text.replaceAll('@@', '@'), file);

test('resolution errors name the problem and point at the ref', async () => {
  const doc = await realDoc('RFC3261');
  const docs = new Map<string, SpecDoc>([['rfc3261', doc]]);
  const { tags, diagnostics } = tagged(
    [
      '// @@implements RFC3261 P143L14-P143L19, P300L1',
      '  /* @@tests RFC3261 section 99, §17.1.1.2 */',
      '// @@todo RFC3261 P143L14-P143L60',
      '// @@exception RFC3261 P270L1: beyond the end',
    ].join('\n'),
    'reference/sip/x.ts',
  );
  assert.equal(diagnostics, []);
  const r = resolveTags(tags, docs);
  assert.equal(r.diagnostics.map((d) => formatDiagnostic(d)), [
    'reference/sip/x.ts:1:41: error: RFC3261 has no page 300 (it has 269 pages)',
    'reference/sip/x.ts:2:21: error: RFC3261 has no section 99',
    'reference/sip/x.ts:3:18: error: P143L60 is not a quotable line of RFC3261',
    'reference/sip/x.ts:4:23: error: RFC3261 has no page 270 (it has 269 pages)',
  ]);
  const s = doc.sections.find((x) => x.number === '17.1.1.2')!;
  assert.equal(
    r.citations.map((c) => [c.tag.kind, c.ref.text, c.span.begin, c.span.end]),
    [
      ['implements', 'P143L14-P143L19', r.citations[0]!.span.begin, r.citations[0]!.span.begin + 5],
      ['tests', '§17.1.1.2', s.begin, s.end],
    ],
  );
  assert.is(lineId(doc.lines[r.citations[0]!.span.begin]!), 'P143L14');
});

test('a document that is not loaded is reported once per file, at its first tag', () => {
  const { tags } = tagged('// @@implements RFC3261 P1L1\n// @@tests RFC3261 P1L2\n// @@implements RFC3261 (SIP)\n');
  const other = tagged('\n  // @@todo RFC3261 P1L1\n', 'reference/y.ts').tags;
  const r = resolveTags([...tags, ...other], new Map());
  assert.equal(r.diagnostics.map((d) => formatDiagnostic(d)), [
    'reference/x.ts:1:4: error: RFC3261 is not available, so its refs cannot be checked (see the fetch errors above)',
    'reference/y.ts:2:6: error: RFC3261 is not available, so its refs cannot be checked (see the fetch errors above)',
  ]);
  assert.equal(r.citations, []);
});

/** The written document's requirements, with citations from tags in a source text. */
function covered(source: string) {
  const doc = testDoc();
  const { tags, diagnostics } = tagged(source);
  assert.equal(diagnostics, []);
  const r = resolveTags(tags, new Map([['rfc9999', doc]]));
  assert.equal(r.diagnostics, []);
  return { doc, reqs: applyCoverage(extractRequirements(doc), r.citations) };
}

// The written document's requirements, by line:
//   P1L3-P1L4   MUST        §1    Implementations MUST accept it.
//   P1L16-P1L17 MUST NOT    §2    A sender MUST send ... MUST NOT send it twice.
//   P1L17       SHOULD      §2    A receiver SHOULD answer.
//   P1L17       MAY         §2    It MAY wait.
//   P1L22-P1L23 MUST NOT    §2.1  An element ... MUST NOT reply ...
//   P1L25-P2L1  SHOULD NOT  §2.1  The sender SHOULD retry, but ... SHOULD NOT ...
const SOURCE = [
  '// @@implements RFC9999 P1L4', // overlaps the last line of the first
  '// @@tests RFC9999 P1L15-P1L16', // overlaps the first line of the second
  '// @@implements RFC9999 P1L17', // the three sentences on P1L17 ...
  '// @@tests RFC9999 P1L17', // ... are tested, though the tag also implements
  '// @@exception RFC9999 P1L23: no farewells here',
  '// @@todo RFC9999 section 2.1', // todo covers both 2.1 sentences; the exception wins on one
].join('\n');

test('status precedence: tested > implemented > exception > todo > missing', () => {
  const { doc, reqs } = covered(SOURCE);
  assert.equal(
    reqs.map((r) => [r.keyword, lineId(doc.lines[r.begin]!), r.status, r.citations.length]),
    [
      ['MUST', 'P1L3', 'implemented', 1],
      ['MUST NOT', 'P1L16', 'tested', 3],
      ['SHOULD', 'P1L17', 'tested', 2],
      ['MAY', 'P1L17', 'tested', 2],
      ['MUST NOT', 'P1L22', 'exception', 2],
      ['SHOULD NOT', 'P1L25', 'todo', 1],
    ],
  );
  assert.is(statusOf([]), 'missing');
  // A citation that overlaps no requirement changes nothing.
  const none = covered('// @@implements RFC9999 P2L6').reqs;
  assert.ok(none.every((r) => r.status === 'missing'));
});

test('figures per document, key word and section; filters by section prefix and key word', () => {
  const { reqs } = covered(SOURCE);
  const f = coverageFigures(reqs);
  assert.equal(f.total, {
    total: 6,
    counts: { tested: 3, implemented: 1, exception: 1, todo: 1, missing: 0 },
    percent: { tested: 50, implemented: 16.7, exception: 16.7, todo: 16.7, missing: 0 },
    covered: 5,
    coveredPercent: 83.3,
  });
  assert.equal(Object.keys(f.byKeyword), ['MUST', 'MUST NOT', 'SHOULD', 'SHOULD NOT', 'MAY']);
  assert.equal(f.byKeyword['MUST NOT']!.counts, { tested: 1, implemented: 0, exception: 1, todo: 0, missing: 0 });
  assert.equal(Object.keys(f.bySection), ['1', '2']);
  assert.is(f.bySection['2']!.total, 5);

  const must = coverageFigures(reqs, { keywords: ['MUST', 'MUST NOT'] });
  assert.is(must.total.total, 3);
  assert.is(must.total.coveredPercent, 100);
  const s21 = coverageFigures(reqs, { sections: ['2.1'] });
  assert.equal([s21.total.total, s21.total.counts.exception, s21.total.counts.todo], [2, 1, 1]);
  assert.is(coverageFigures(reqs, { sections: ['2.1'], keywords: ['SHOULD NOT'] }).total.coveredPercent, 0);
  assert.is(coverageFigures(reqs, { sections: ['3'] }).total.total, 0);
  assert.is(coverageFigures(reqs, { sections: ['3'] }).total.coveredPercent, 0);
});

test('section prefixes match whole numbers', () => {
  assert.ok(inSections('17.1.1', ['17']));
  assert.ok(inSections('17', ['17.']));
  assert.not.ok(inSections('170', ['17']));
  assert.not.ok(inSections('1.7', ['17']));
  assert.ok(inSections('a.1', ['A']));
  assert.not.ok(inSections(undefined, ['1']));
});

test('a filter naming nothing in the document is an error naming it; key words in any case and spacing', async () => {
  const doc = await realDoc('RFC3261');
  const numbers = doc.sections.map((s) => s.number);
  const ok = filterErrors(doc.label, numbers, { sections: ['17', '8.1.1.7', '28.'], keywords: ['must', 'MUST  NOT', ' may '] });
  assert.equal(ok, { filter: { sections: ['17', '8.1.1.7', '28.'], keywords: ['MUST', 'MUST NOT', 'MAY'] }, errors: [] });
  const bad = filterErrors(doc.label, numbers, { sections: ['999', '17', '170', '8.1.1.99'], keywords: ['MUSTN', 'MUST'] });
  assert.equal(bad.errors, [
    '--keywords: "MUSTN" is not a BCP 14 key word (MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT, SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED, MAY, OPTIONAL)',
    '--sections: RFC3261 has no section 999',
    '--sections: RFC3261 has no section 170',
    '--sections: RFC3261 has no section 8.1.1.99',
  ]);
  assert.equal(filterErrors('RFC3261', numbers, {}), { filter: {}, errors: [] });
});

test.run();
