/**
 * Pagination: turns an RFC's text into numbered lines `PnLm`.
 *
 * The numbering is a contract with existing annotations: it is the numbering of
 * the original htmlify tool of the 39 peers / rtclite project.
 *  - A line that begins with a form feed ends its page; the next page starts on
 *    the line after it.
 *  - The 4th line of a page is L1; numbers advance on every physical line.
 *  - L1..L48 are always kept; from L49 on a line is kept only when it has at
 *    least 4 characters and does not end in `]` (drops spacing and `[Page N]`).
 *  - A text without a page-breaking form feed is paginated virtually: pages of
 *    48 lines, P1L1 being the first line, every line kept.
 */

export interface PagedLine {
  page: number;
  line: number;
  text: string;
}

export interface FooterMismatch {
  /** The page's position in the document. */
  page: number;
  /** The number printed in its `[Page N]` footer. */
  printed: number;
}

export interface PagedDoc {
  /** Number of pages (a trailing page holding only white space is not one). */
  pages: number;
  /** Every quotable line, in order. */
  lines: PagedLine[];
  /** True when the text had no form feed and was cut into 48-line pages. */
  virtual: boolean;
  /** Pages whose printed `[Page N]` disagrees with their position. */
  footerMismatches: FooterMismatch[];
  /**
   * Each page's first physical line (0-based), for `place`; after the last
   * form feed also the start of the trailing blank text that is no page.
   */
  pageStarts: number[];
}

export const LINES_PER_PAGE = 48;
/** Lines before L1 on each page: running header and spacing. */
const HEADER_LINES = 3;
/** A page's footer is its last line with text; it may print `[Page N]` left or right. */
const FOOTER_RE = /\[page\s*(\d+)\]/i;

/** Splits text into physical lines: strips a BOM, accepts LF and CRLF. */
export function splitLines(text: string): string[] {
  return physicalLines(text).lines;
}

interface PhysicalLines {
  lines: string[];
  /** Indices of the lines that begin with a form feed, ascending. */
  pageBreaks: number[];
}

/** `splitLines`, and where the page breaks are. */
function physicalLines(text: string): PhysicalLines {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return { lines: [], pageBreaks: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Before the CRs go: the lines' lengths must still add up to offsets in `text`.
  const pageBreaks = linesBeginningWithFormFeed(text, lines);
  if (!text.includes('\r')) return { lines, pageBreaks }; // no CRLF: skip the pass below
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!;
    if (s.charCodeAt(s.length - 1) === 13) lines[i] = s.slice(0, -1);
  }
  return { lines, pageBreaks };
}

/**
 * The lines of `text` (as split at LF, nothing removed) that begin with a form
 * feed. Why not test each line's first character: reading a character of a
 * line that `split` made costs about four times as much as reading its length
 * (the paginate bench's floor is exactly such a split), and there is one form
 * feed in some 56 lines. So the form feeds are found with indexOf and a line
 * is a page break when one sits at its first offset; the offsets are summed
 * from the lengths only up to the last form feed.
 */
function linesBeginningWithFormFeed(text: string, lines: readonly string[]): number[] {
  const found: number[] = [];
  let formFeed = text.indexOf('\f');
  let start = 0; // offset in `text` of line i
  for (let i = 0; i < lines.length && formFeed >= 0; i++) {
    if (formFeed === start) found.push(i);
    start += lines[i]!.length + 1;
    if (formFeed < start) formFeed = text.indexOf('\f', start);
  }
  return found;
}

/**
 * `text.trim() !== ''` without building the trimmed string: ASCII is decided
 * here, anything else (Unicode spaces) is left to `trim`.
 */
function hasText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    return c < 128 ? true : text.trim() !== '';
  }
  return false;
}

/**
 * The numbering rule, in one place: the line number of the physical line
 * `offset` lines after its page's first. A page of a form-fed text begins
 * with its running header and spacing, so its 4th line is L1; a virtual page
 * has none.
 */
const lineOnPage = (offset: number, virtual: boolean) => offset + 1 - (virtual ? 0 : HEADER_LINES);

/**
 * The page and line number of a physical line (1-based), kept or not, by the
 * rule `paginate` numbered it with. A line of the running header, before L1,
 * gets a line number of 0 or less.
 */
export function place(doc: Pick<PagedDoc, 'pageStarts' | 'virtual'>, physical: number): { page: number; line: number } {
  const i = physical - 1;
  if (doc.virtual) {
    const page = Math.floor(i / LINES_PER_PAGE) + 1;
    return { page, line: lineOnPage(i - (page - 1) * LINES_PER_PAGE, true) };
  }
  // The last page starting at or before the line (pageStarts ascends, pageStarts[0] is 0).
  let lo = 0;
  let hi = doc.pageStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.pageStarts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return { page: lo + 1, line: lineOnPage(i - doc.pageStarts[lo]!, false) };
}

export function paginate(text: string): PagedDoc {
  const { lines, pageBreaks } = physicalLines(text);
  return pageBreaks.length > 0 ? paginateByFormFeed(lines, pageBreaks) : paginateVirtually(lines);
}

function paginateVirtually(physical: string[]): PagedDoc {
  const lines = physical.map((text, i) => ({
    page: Math.floor(i / LINES_PER_PAGE) + 1,
    line: lineOnPage(i % LINES_PER_PAGE, true),
    text,
  }));
  const pages = Math.ceil(physical.length / LINES_PER_PAGE);
  return { pages, lines, virtual: true, footerMismatches: [], pageStarts: Array.from({ length: pages }, (_, p) => p * LINES_PER_PAGE) };
}

/** Keeps L1..L48 always; later lines only if they carry text and are no footer. */
export function isKept(line: number, text: string): boolean {
  if (line < 1) return false;
  if (line <= LINES_PER_PAGE) return true;
  return text.length >= 4 && !text.endsWith(']');
}

/** `pageBreaks`: the lines that begin with a form feed (`physicalLines`). */
function paginateByFormFeed(physical: string[], pageBreaks: readonly number[]): PagedDoc {
  const lines: PagedLine[] = [];
  const footerMismatches: FooterMismatch[] = [];
  const pageStarts = [0];
  let page = 1;
  let pageStart = 0; // index into `lines` where the current page begins
  let first = 0; // index into `physical` of the current page's first line
  let breakHasText = false; // text after the form feed that began this page
  let breaks = 0; // form-feed lines passed
  // The next form-feed line; -1 after the last, as reading past an array's end is slow.
  let nextBreak = pageBreaks[0]!;

  for (let i = 0; i < physical.length; i++) {
    const text = physical[i]!;
    const line = lineOnPage(i - first, false);
    if (isKept(line, text)) lines.push({ page, line, text });
    if (i !== nextBreak) continue;
    nextBreak = ++breaks < pageBreaks.length ? pageBreaks[breaks]! : -1;
    checkFooter(page, lastWithText(physical, first, i), footerMismatches);
    page++;
    pageStart = lines.length;
    first = i + 1;
    pageStarts.push(first);
    breakHasText = hasText(text); // text after the form feed on its own line
  }
  // Text after the last form feed is a page only when it holds something.
  const footer = lastWithText(physical, first, physical.length);
  if (!breakHasText && footer === undefined) {
    lines.length = pageStart;
    page--;
  } else {
    checkFooter(page, footer, footerMismatches);
  }
  return { pages: page, lines, virtual: false, footerMismatches, pageStarts };
}

/**
 * The last line with text in `physical[from..to)` (a page without its
 * form-feed line): the page's footer, if any. Scanning back from the page's
 * end reads a line or two per page instead of every line.
 */
function lastWithText(physical: string[], from: number, to: number): string | undefined {
  for (let i = to - 1; i >= from; i--) if (hasText(physical[i]!)) return physical[i];
  return undefined;
}

function checkFooter(page: number, footer: string | undefined, out: FooterMismatch[]): void {
  if (footer === undefined) return;
  const m = FOOTER_RE.exec(footer);
  if (m && Number(m[1]) !== page) out.push({ page, printed: Number(m[1]) });
}

/** Index of the kept line PnLm, or -1 when it is not quotable. */
export function findLine(doc: { lines: readonly PagedLine[] }, page: number, line: number): number {
  const { lines } = doc;
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = lines[mid]!;
    const cmp = m.page - page || m.line - line;
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export const lineId = (l: { page: number; line: number }) => `P${l.page}L${l.line}`;

/** The page and line of an id written by `lineId`, or undefined when `id` is not one. */
export function parseLineId(id: string): { page: number; line: number } | undefined {
  const m = /^P(\d+)L(\d+)$/.exec(id);
  return m ? { page: Number(m[1]), line: Number(m[2]) } : undefined;
}
