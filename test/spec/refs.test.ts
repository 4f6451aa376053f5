/** Refs: syntax, and resolution against a small document written here. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRef, parseRefList, resolveRef, spanText, RefError, type Ref } from '../../tools/spec/refs.ts';
import { buildDoc } from '../../tools/spec/document.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { lineId } from '../../tools/spec/paginate.ts';

const test = suite('refs');

function fails(fn: () => unknown, message: string | RegExp) {
  try {
    fn();
  } catch (e) {
    assert.instance(e, RefError);
    if (typeof message === 'string') assert.is((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`no RefError (${message})`);
}

/** A three-page document: 3 header lines, body lines, padding, footer, form feed. */
function threePages(label = 'RFC9999') {
  const pages: string[] = [];
  for (let p = 1; p <= 3; p++) {
    const body = Array.from({ length: 48 }, (_, i) => `page ${p} line ${i + 1}   `);
    if (p === 2) body.splice(9, 4, '1.  Introduction', '', '   The introduction.', '');
    if (p === 3) body.splice(0, 2, '2.  Protocol', '   The protocol.');
    pages.push(`${label}   Test   May 2020`, '', '', ...body, '', '', `Author   Informational   [Page ${p}]`, '\f');
  }
  return buildDoc(parseDocName(label), new TextEncoder().encode(pages.join('\n') + '\n'));
}

test('line refs: single line and ranges, case-insensitive', () => {
  assert.equal(parseRef('P143L14-P143L19'), { kind: 'lines', text: 'P143L14-P143L19', begin: { page: 143, line: 14 }, end: { page: 143, line: 19 } });
  assert.equal(parseRef('P143L14'), { kind: 'lines', text: 'P143L14', begin: { page: 143, line: 14 }, end: { page: 143, line: 14 } });
  assert.equal(parseRef(' p3l16 - p4l2 '), { kind: 'lines', text: 'p3l16 - p4l2', begin: { page: 3, line: 16 }, end: { page: 4, line: 2 } });
});

test('section refs: `section 17.1.1` and `§17.1.1`', () => {
  assert.equal(parseRef('section 17.1.1'), { kind: 'section', text: 'section 17.1.1', number: '17.1.1' });
  assert.equal(parseRef('§17.1.1'), { kind: 'section', text: '§17.1.1', number: '17.1.1' });
  assert.equal(parseRef('§ 17.1.1.'), { kind: 'section', text: '§ 17.1.1.', number: '17.1.1' });
  assert.equal(parseRef('Section A.8'), { kind: 'section', text: 'Section A.8', number: 'A.8' });
});

test('comma-separated lists', () => {
  const refs = parseRefList('P143L14-P143L19, P143L22,section 17.1.1 , §A.8');
  assert.equal(refs.map((r: Ref) => r.text), ['P143L14-P143L19', 'P143L22', 'section 17.1.1', '§A.8']);
  assert.equal(refs.map((r) => r.kind), ['lines', 'lines', 'section', 'section']);
  fails(() => parseRefList('P1L1,,P1L2'), 'empty reference');
});

test('syntax errors say what is wrong', () => {
  fails(() => parseRef(''), 'empty reference');
  fails(() => parseRef('P143L19-P143L14'), '"P143L19-P143L14": begin is after end');
  fails(() => parseRef('P144L1-P143L40'), /begin is after end/);
  fails(() => parseRef('P1L1-P1L2-P1L3'), /one "-" at most/);
  fails(() => parseRef('page 3'), /expected PnLm, PnLm-PnLm, "section N" or "§N"/);
  fails(() => parseRef('P3'), /not a reference/);
  fails(() => parseRef('L3'), /not a reference/);
  fails(() => parseRef('P3L'), /not a reference/);
  fails(() => parseRef('section'), /not a reference/);
});

test('resolve and quote a range: kept lines, right-trimmed', () => {
  const doc = threePages();
  assert.is(doc.pages, 3);
  const span = resolveRef(doc, parseRef('P1L47-P2L2'));
  assert.is(lineId(doc.lines[span.begin]!), 'P1L47');
  assert.is(lineId(doc.lines[span.end]!), 'P2L2');
  // Header, padding and footer lines between the pages are not quoted.
  assert.is(spanText(doc, span), ['page 1 line 47', 'page 1 line 48', 'page 2 line 1', 'page 2 line 2'].join('\n'));
  assert.is(spanText(doc, resolveRef(doc, parseRef('P2L11'))), '');
  assert.is(spanText(doc, resolveRef(doc, parseRef('P2L10-P2L12'))), '1.  Introduction\n\n   The introduction.');
});

test('resolve a section ref', () => {
  const doc = threePages();
  const s1 = resolveRef(doc, parseRef('section 1'));
  assert.is(lineId(doc.lines[s1.begin]!), 'P2L10');
  assert.is(lineId(doc.lines[s1.end]!), 'P2L48');
  const s2 = resolveRef(doc, parseRef('§2'));
  assert.is(spanText(doc, { begin: s2.begin, end: s2.begin + 1 }), '2.  Protocol\n   The protocol.');
  assert.is(lineId(doc.lines[s2.end]!), 'P3L48');
});

test('resolution errors name the document, the page count or the line', () => {
  const doc = threePages();
  fails(() => resolveRef(doc, parseRef('P300L1')), 'RFC9999 has no page 300 (it has 3 pages)');
  fails(() => resolveRef(doc, parseRef('P0L1')), 'RFC9999 has no page 0 (it has 3 pages)');
  fails(() => resolveRef(doc, parseRef('P1L1-P4L1')), 'RFC9999 has no page 4 (it has 3 pages)');
  fails(() => resolveRef(doc, parseRef('P2L60')), 'P2L60 is not a quotable line of RFC9999');
  fails(() => resolveRef(doc, parseRef('P2L50')), 'P2L50 is not a quotable line of RFC9999'); // blank padding
  fails(() => resolveRef(doc, parseRef('P2L0')), 'P2L0 is not a quotable line of RFC9999'); // running header
  fails(() => resolveRef(doc, parseRef('section 99')), 'RFC9999 has no section 99');
  const one = buildDoc(parseDocName('RFC9998'), new TextEncoder().encode('one line\n'));
  fails(() => resolveRef(one, parseRef('P2L1')), 'RFC9998 has no page 2 (it has 1 page)');
});

test.run();
