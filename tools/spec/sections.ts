/**
 * Section index: finds the numbered section headings of a paginated RFC
 * (`17.1.1.2 Formal Description`, `6.4.2.  Initiation`, `A.8 Estimating`,
 * `Appendix A.  Title`) and gives each the range from its heading to the end
 * of the section, subsections included.
 *
 * Headings start in column 0. Table-of-contents entries are told apart by
 * their dot leaders or trailing page numbers, and by order: a heading is taken
 * only when its number can follow the previous heading's number.
 */
import type { PagedLine } from './paginate.ts';

export interface Section {
  /** "17.1.1.2", "A.8", "A". */
  number: string;
  title: string;
  /** Indices into the document's kept lines: heading line, last line. */
  begin: number;
  end: number;
}

/** A section number as comparable parts; an appendix letter is 1000 + its index. */
type Parts = number[];
const APPENDIX_BASE = 1000;

const NUMBERED = /^(\d{1,3}(?:\.\d{1,3})*)\.?[ \t]+(\S.*)$/;
const LETTERED = /^([A-Z](?:\.\d{1,3})+\.?|[A-Z]\.)[ \t]+(\S.*)$/;
const APPENDIX = /^Appendix[ \t]+([A-Z](?:\.\d{1,3})*)\.?(?:[ \t]*[:.\u2013-]?[ \t]+(\S.*))?$/;
/** Dot leaders or a page number far to the right: a table-of-contents entry. */
const TOC_ENTRY = /(?:\.[ \t]*){3,}\d*[ \t]*$|[ \t]{2,}\d{1,3}[ \t]*$/;

interface Heading {
  number: string;
  parts: Parts;
  title: string;
  index: number;
}

export function parseHeading(text: string): { number: string; parts: Parts; title: string } | undefined {
  const c = text.charCodeAt(0);
  if (text === '' || c <= 32) return undefined;
  // Only NUMBERED starts with a digit; APPENDIX and LETTERED start with a letter.
  const m = c >= 48 && c <= 57 ? NUMBERED.exec(text) : (APPENDIX.exec(text) ?? LETTERED.exec(text));
  if (!m) return undefined;
  const title = (m[2] ?? '').trim();
  if (mayBeTocEntry(text) && TOC_ENTRY.test(text)) return undefined;
  const number = m[1]!.replace(/\.$/, '');
  const parts = toParts(number);
  // Some RFCs number top-level sections "1.0", "2.0" and their children "2.1".
  if (parts.length === 2 && parts[1] === 0) parts.pop();
  return { number, parts, title };
}

/**
 * "17.1.1.2" → [17, 1, 1, 2], "A.8" → [1000, 8]. The heading patterns only
 * let through dot-separated parts of 1-3 digits, or a single capital letter.
 */
function toParts(number: string): Parts {
  const parts: Parts = [];
  let value = 0;
  for (let i = 0; i < number.length; i++) {
    const c = number.charCodeAt(i);
    if (c === 46) {
      parts.push(value);
      value = 0;
    } else if (c >= 65 && c <= 90) value = APPENDIX_BASE + c - 65;
    else value = value * 10 + (c - 48);
  }
  parts.push(value);
  return parts;
}

/**
 * TOC_ENTRY can only match a line whose last character other than a space or
 * tab is a digit or a dot; most headings end in a letter and skip the regex.
 */
function mayBeTocEntry(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  const c = text.charCodeAt(i);
  return c === 46 || (c >= 48 && c <= 57);
}

/** Can `next` follow `prev` in a document's outline? Allows one missed number. */
export function canFollow(prev: Parts | undefined, next: Parts): boolean {
  if (!prev) return next.length === 1 && (next[0]! <= 1 || next[0] === APPENDIX_BASE);
  // The first appendix may follow any numbered section.
  if (next.length === 1 && next[0] === APPENDIX_BASE) return prev[0]! < APPENDIX_BASE;
  for (let k = 0; k <= prev.length; k++) {
    // next = prev[0..k-1] with part k advanced (or, at k = prev.length, a first child)
    if (next.length < k + 1 || next.length > k + 2) continue;
    if (!samePrefix(prev, next, k)) continue;
    const step = k === prev.length ? next[k]! : next[k]! - prev[k]!;
    const firstChild = k === prev.length;
    const ok = firstChild ? step === 1 || step === 0 : step === 1 || step === 2;
    // A deeper part than k may only be a first child (its parent heading was missed).
    if (ok && next.length === k + 2 && next[k + 1] !== 1) continue;
    if (ok) return true;
  }
  return false;
}

function samePrefix(a: Parts, b: Parts, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The shortest heading there is: `1 X`. */
const SHORTEST_HEADING = 3;

/**
 * A cheap first look that the heading patterns agree with: a heading starts
 * with a digit, with a letter and a dot (`A.8`), or with `Appendix`. The
 * length is looked at first: reading it costs about a quarter of reading a
 * character (measured on the paginate bench's corpus), and a quarter of an
 * RFC's lines are empty.
 */
function mayBeHeading(text: string): boolean {
  if (text.length < SHORTEST_HEADING) return false;
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return true;
  if (c < 65 || c > 90) return false;
  return text.charCodeAt(1) === 46 || text.startsWith('Appendix');
}

export function indexSections(lines: readonly PagedLine[]): Section[] {
  let headings: Heading[] = [];
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!.text;
    if (!mayBeHeading(text)) continue;
    const h = parseHeading(text);
    if (!h) continue;
    const prev = headings[headings.length - 1];
    // A table of contents without page numbers: the real "1" comes again.
    if (prev && isRestart(headings, h)) headings = [];
    if (!canFollow(headings[headings.length - 1]?.parts, h.parts)) continue;
    headings.push({ number: h.number, parts: h.parts, title: h.title, index });
  }
  return headings.map((h, i) => ({
    number: h.number,
    title: h.title,
    begin: h.index,
    end: sectionEnd(headings, i, lines.length),
  }));
}

function isRestart(headings: Heading[], h: { parts: Parts; title: string }): boolean {
  const first = headings[0]!;
  return h.parts.length === 1 && first.parts.length === 1 && h.parts[0] === first.parts[0] && h.title === first.title;
}

/** A section ends before the next heading at its own depth or above. */
function sectionEnd(headings: Heading[], i: number, lineCount: number): number {
  const depth = headings[i]!.parts.length;
  for (let j = i + 1; j < headings.length; j++) {
    if (headings[j]!.parts.length <= depth) return headings[j]!.index - 1;
  }
  return lineCount - 1;
}

/**
 * The innermost section holding kept line `index`: the last heading at or
 * before it (a section runs to the next heading of its depth or above, so
 * the last heading before a line always holds it).
 */
export function sectionOfLine(sections: readonly Section[], index: number): Section | undefined {
  let lo = 0;
  let hi = sections.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sections[mid]!.begin <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const s = sections[found];
  return s && s.end >= index ? s : undefined;
}

export function findSection(sections: readonly Section[], number: string): Section | undefined {
  const wanted = number.replace(/\.$/, '').toUpperCase();
  return sections.find((s) => s.number.toUpperCase() === wanted);
}
