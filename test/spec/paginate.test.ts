/**
 * Pagination on small documents written here, one rule at a time. Each
 * document is built line by line so that the expected numbering can be read
 * off the construction, not off the implementation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findLine, isKept, lineId, paginate, place, splitLines, type PagedDoc } from '../../tools/spec/paginate.ts';
import { buildDoc } from '../../tools/spec/document.ts';
import { parseDocName } from '../../tools/spec/docname.ts';

const test = suite('paginate');

const HEADER = ['RFC 9999                  Test Document                  May 2020', '', ''];

/**
 * One printed page: 3 header lines, then `body` as L1, L2, …, then the
 * form-feed line. `body` may be longer than 48 lines to reach L49 and beyond.
 */
function page(body: string[], ff = '\f'): string[] {
  return [...HEADER, ...body, ff];
}

/** A body of exactly 48 lines `p<n> l<m>`, then `after` as L49, L50, … */
function fullBody(n: number, after: string[] = ['', '', '', '', '', `Author                Informational                 [Page ${n}]`]): string[] {
  return [...Array.from({ length: 48 }, (_, i) => `p${n} l${i + 1}`), ...after];
}

const text = (physical: string[]) => physical.join('\n') + '\n';
const kept = (doc: PagedDoc, p: number) => doc.lines.filter((l) => l.page === p).map((l) => [l.line, l.text] as const);
const at = (doc: PagedDoc, p: number, l: number) => {
  const i = findLine(doc, p, l);
  return i < 0 ? undefined : doc.lines[i]!.text;
};

test('the 4th line of a page is L1 and numbering restarts after each form-feed line', () => {
  const doc = paginate(text([...page(fullBody(1)), ...page(fullBody(2)), ...page(fullBody(3))]));
  assert.is(doc.pages, 3);
  assert.is(doc.virtual, false);
  for (const p of [1, 2, 3]) {
    assert.is(at(doc, p, 1), `p${p} l1`);
    assert.is(at(doc, p, 48), `p${p} l48`);
    // The header lines are L-2..L0: never quotable.
    assert.is(findLine(doc, p, 0), -1);
    assert.is(findLine(doc, p, -2), -1);
  }
  assert.not.ok(doc.lines.some((l) => l.text.startsWith('RFC 9999')), 'running headers are not kept');
  // Nothing but the 48 body lines survives on a normal page.
  assert.equal(kept(doc, 2).map(([l]) => l), Array.from({ length: 48 }, (_, i) => i + 1));
});

test('a line beginning with a form feed ends its page even when it carries text', () => {
  const p1 = [...HEADER, 'first', 'second', '\fRunning head of page two'];
  const p2 = [...HEADER, 'p2 first'];
  const doc = paginate(text([...p1, ...p2]));
  assert.is(doc.pages, 2);
  assert.equal(kept(doc, 1), [
    [1, 'first'],
    [2, 'second'],
    // L3 is the form-feed line itself, on the page it ends (L <= 48: kept).
    [3, '\fRunning head of page two'],
  ]);
  // The page after starts on the next physical line: 3 header lines, then L1.
  assert.equal(kept(doc, 2), [[1, 'p2 first']]);
});

test('L1-L48 are always kept, blank or not; L48/L49 boundary exactly', () => {
  // Page 1: L48 blank, L49 "abcd" (4 chars: kept).
  const body1 = [...fullBody(1).slice(0, 47), '', 'abcd', '', '[Page 1]'];
  // Page 2: L48 ends in "]" (kept: L <= 48), L49 "abc" (3 chars: dropped),
  // L50 ends in "]" (dropped), L51 long text (kept), L52 blank (dropped),
  // L53 "wxyz " (5 chars, ends in a space: kept), L54 the footer (dropped).
  const body2 = [...fullBody(2).slice(0, 47), 'see [1]', 'abc', 'a reference [RFC2119]', 'a line past L50', '', 'wxyz ', 'Author   Informational   [Page 2]'];
  const doc = paginate(text([...page(body1), ...page(body2)]));
  assert.is(doc.pages, 2);
  assert.equal(kept(doc, 1).slice(-3), [
    [47, 'p1 l47'],
    [48, ''],
    [49, 'abcd'],
  ]);
  assert.equal(kept(doc, 2).slice(-4), [
    [47, 'p2 l47'],
    [48, 'see [1]'],
    [51, 'a line past L50'],
    [53, 'wxyz '],
  ]);
  assert.is(findLine(doc, 2, 49), -1, 'a 3-character line at L49 is dropped');
  assert.is(findLine(doc, 2, 50), -1, 'a line ending in ] at L50 is dropped');
  assert.is(findLine(doc, 2, 54), -1, 'the [Page N] footer is dropped');
  assert.is(findLine(doc, 1, 50), -1, 'a blank L50 is dropped');
});

test('blank lines on a short page are kept up to L48', () => {
  const doc = paginate(text([...page(['a', '', '', 'b']), ...page(['c'])]));
  assert.equal(kept(doc, 1), [
    [1, 'a'],
    [2, ''],
    [3, ''],
    [4, 'b'],
    [5, '\f'],
  ]);
});

test('[Page N] footers never appear among kept lines of full pages', () => {
  const pages = [1, 2, 3, 4].flatMap((n) => page(fullBody(n)));
  const doc = paginate(text(pages));
  assert.is(doc.pages, 4);
  assert.is(doc.lines.length, 4 * 48);
  assert.not.ok(doc.lines.some((l) => /\[Page \d+\]/.test(l.text)));
  assert.equal(doc.footerMismatches, []);
});

test('a form feed inside a line (not at its start) is not a page break', () => {
  const body = ['text with a \f form feed', '   \f', 'more'];
  const doc = paginate(text([...page(fullBody(1)), ...page(body), ...page(['last'])]));
  assert.is(doc.pages, 3);
  assert.equal(kept(doc, 2), [
    [1, 'text with a \f form feed'],
    [2, '   \f'],
    [3, 'more'],
    [4, '\f'],
  ]);
  assert.is(at(doc, 3, 1), 'last');
  // Only mid-line form feeds: the text is paginated virtually.
  const noBreak = paginate('a\fb\n  \f\nc\n');
  assert.is(noBreak.virtual, true);
  assert.is(noBreak.pages, 1);
  assert.equal(kept(noBreak, 1), [
    [1, 'a\fb'],
    [2, '  \f'],
    [3, 'c'],
  ]);
});

test('form feeds next to a line end: one that ends a line is no break, one that begins the next is; LF, CRLF, BOM', () => {
  // Page breaks are found by the offset of each form feed in the text, so
  // put form feeds one character before and at a line's first offset.
  const physical = [...HEADER, 'a\f', '\f', ...HEADER, 'b', '\f\fc', ...HEADER, 'd'];
  const lf = text(physical);
  for (const variant of [lf, lf.replace(/\n/g, '\r\n'), '\uFEFF' + lf, '\uFEFF' + lf.replace(/\n/g, '\r\n')]) {
    const doc = paginate(variant);
    assert.is(doc.virtual, false);
    assert.is(doc.pages, 3);
    assert.equal(kept(doc, 1), [
      [1, 'a\f'],
      [2, '\f'],
    ]);
    assert.equal(kept(doc, 2), [
      [1, 'b'],
      [2, '\f\fc'],
    ]);
    assert.equal(kept(doc, 3), [[1, 'd']]);
  }
  // The first line, right at offset 0 (after the BOM), begins with one.
  assert.equal(paginate('\uFEFF\fx\ny\n').pageStarts, [0, 1]);
});

test('a leading UTF-8 BOM is not text', () => {
  const plain = text([...page(fullBody(1)), ...page(fullBody(2))]);
  assert.equal(paginate('\uFEFF' + plain), paginate(plain));
  const virtual = paginate('\uFEFFHello\nWorld\n');
  assert.equal(kept(virtual, 1), [
    [1, 'Hello'],
    [2, 'World'],
  ]);
  // Through the byte-level entry point too: EF BB BF is dropped.
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Hello\nWorld\n')]);
  const doc = buildDoc(parseDocName('RFC9999'), bytes);
  assert.is(doc.lines[0]!.text, 'Hello');
  assert.is(doc.size, bytes.length);
});

test('CRLF line ends give exactly the LF result', () => {
  const lf = text([...page(fullBody(1)), ...page(['1.  Introduction', '', '   body', '', '2.  Next', '   more'])]);
  const crlf = lf.replace(/\n/g, '\r\n');
  assert.ok(crlf.includes('\r\n\f\r\n'));
  assert.equal(paginate(crlf), paginate(lf));
  const name = parseDocName('RFC9999');
  const a = buildDoc(name, new TextEncoder().encode(lf));
  const b = buildDoc(name, new TextEncoder().encode(crlf));
  assert.equal(b.lines, a.lines);
  assert.equal(b.sections, a.sections);
  assert.is(b.pages, a.pages);
  assert.not.ok(b.lines.some((l) => l.text.includes('\r')));
  // Virtual pagination too.
  assert.equal(paginate('a\r\nb\r\n'), paginate('a\nb\n'));
});

test('place: every physical line, header and dropped lines too, by the numbering its kept lines got', () => {
  const p1 = page(fullBody(1));
  const p2 = page(['only line']);
  const physical = [...p1, ...p2, '   ', ''];
  const doc = paginate(text(physical));
  // Read off the construction: page 2 begins after page 1's form feed.
  assert.equal(place(doc, 1), { page: 1, line: -2 }, 'the running header');
  assert.equal(place(doc, 4), { page: 1, line: 1 });
  assert.equal(place(doc, p1.length), { page: 1, line: p1.length - 3 }, 'the form-feed line ends its page');
  assert.equal(place(doc, p1.length + 4), { page: 2, line: 1 });
  assert.equal(place(doc, p1.length + p2.length + 1), { page: 3, line: -2 }, 'the blank text after the last form feed');
  assert.is(doc.pages, 2);
  // The kept lines are exactly the physical lines that place numbers as kept.
  const lines = splitLines(text(physical));
  const again = lines.flatMap((t, i) => {
    const at = place(doc, i + 1);
    return at.page <= doc.pages && isKept(at.line, t) ? [{ ...at, text: t }] : [];
  });
  assert.equal(again, doc.lines);
  // Virtual pages: 48 lines each, no header.
  const plain = paginate(text(Array.from({ length: 100 }, (_, i) => `line ${i + 1}`)));
  assert.equal([place(plain, 1), place(plain, 48), place(plain, 49), place(plain, 100)], [{ page: 1, line: 1 }, { page: 1, line: 48 }, { page: 2, line: 1 }, { page: 3, line: 4 }]);
});

test('an empty file has no pages and no lines', () => {
  assert.equal(paginate(''), { pages: 0, lines: [], virtual: true, footerMismatches: [], pageStarts: [] });
  assert.equal(paginate('\uFEFF').pages, 0);
  const doc = buildDoc(parseDocName('RFC9999'), new Uint8Array());
  assert.is(doc.pages, 0);
  assert.equal(doc.lines, []);
  assert.equal(doc.sections, []);
});

test('a huge page (100k lines between two form feeds)', () => {
  const N = 100_000;
  // Physical line k (0-based) of page 1 is L(k-2); every 10th L is blank.
  const body = Array.from({ length: N }, (_, i) => ((i + 1) % 10 === 0 ? '' : `line ${i + 1}`));
  const doc = paginate(text([...page(body), ...page(['after'])]));
  assert.is(doc.pages, 2);
  let expected = 48;
  for (let l = 49; l <= N; l++) if (l % 10 !== 0) expected++;
  // + the form-feed line at L(N+1): 1 character, dropped.
  assert.is(kept(doc, 1).length, expected);
  assert.is(at(doc, 1, 40), ''); // blank but L <= 48
  assert.is(findLine(doc, 1, 50), -1); // blank past L48
  assert.is(at(doc, 1, 99_999), 'line 99999');
  assert.is(at(doc, 1, 77_777), 'line 77777');
  assert.is(findLine(doc, 1, N + 1), -1);
  assert.is(at(doc, 2, 1), 'after');
  assert.is(lineId(doc.lines[doc.lines.length - 1]!), 'P2L2'); // P2L2 is the closing "\f"
});

test('without a line-leading form feed: virtual 48-line pages, every line kept', () => {
  const physical = Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? '' : i % 7 === 1 ? `x]` : i === 50 ? '[Page 1]' : `line ${i + 1}`));
  const doc = paginate(text(physical));
  assert.is(doc.virtual, true);
  assert.is(doc.pages, 3);
  assert.is(doc.lines.length, 100);
  assert.equal(
    doc.lines.map((l) => l.text),
    physical,
  );
  assert.is(lineId(doc.lines[0]!), 'P1L1');
  assert.is(lineId(doc.lines[47]!), 'P1L48');
  assert.is(lineId(doc.lines[48]!), 'P2L1');
  assert.is(lineId(doc.lines[99]!), 'P3L4');
  assert.is(at(doc, 2, 3), physical[50]);
  assert.is(paginate(text(physical.slice(0, 48))).pages, 1);
  assert.is(paginate(text(physical.slice(0, 49))).pages, 2);
  // No trailing newline: the last line still counts.
  assert.is(paginate('a\nb').lines.length, 2);
});

test('white space after the last form feed is not a page; text is', () => {
  const two = [...page(fullBody(1)), ...page(fullBody(2))];
  for (const tail of ['', '   \n', '\n\n\n', ' \t \n   \n\n', '\u00a0\n \u2003 \n\u3000\n']) {
    const doc = paginate(text(two) + tail);
    assert.is(doc.pages, 2, `tail ${JSON.stringify(tail)}`);
    assert.not.ok(doc.lines.some((l) => l.page > 2), `tail ${JSON.stringify(tail)}`);
  }
  // A final form feed without a newline.
  assert.is(paginate(two.join('\n')).pages, 2);
  // A trailing page with text (an address block, no footer) is a page.
  const doc = paginate(text([...two, ...HEADER, 'Author Address', '   Somewhere']));
  assert.is(doc.pages, 3);
  assert.is(at(doc, 3, 1), 'Author Address');
});

test('a printed [Page N] that disagrees with the position is recorded', () => {
  const footer = (n: number) => ['', '', '', '', '', `Author                Informational                 [Page ${n}]`];
  const pages = [1, 2, 3, 4].flatMap((n) => page(fullBody(n, footer(n === 3 ? 7 : n))));
  const doc = paginate(text(pages));
  assert.is(doc.pages, 4);
  assert.equal(doc.footerMismatches, [{ page: 3, printed: 7 }]);
  // On the last page too (no trailing form feed).
  const last = paginate(text([...page(fullBody(1)), ...HEADER, ...fullBody(2, footer(5))]));
  assert.is(last.pages, 2);
  assert.equal(last.footerMismatches, [{ page: 2, printed: 5 }]);
});

test.run();
