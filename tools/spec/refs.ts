/**
 * References into a paginated document: `P143L14-P143L19`, `P143L14`,
 * `section 17.1.1`, `§17.1.1`, and comma-separated lists of them.
 * Parsing is syntax only; `resolveRef` checks a ref against a document.
 */
import { findLine, type PagedLine } from './paginate.ts';
import { findSection, type Section } from './sections.ts';

export interface LineAddress {
  page: number;
  line: number;
}

export type Ref =
  | { kind: 'lines'; text: string; begin: LineAddress; end: LineAddress }
  | { kind: 'section'; text: string; number: string };

/** A resolved ref: indices of its first and last kept line. */
export interface Span {
  begin: number;
  end: number;
}

export class RefError extends Error {}

const LINE_RE = /^P(\d{1,6})L(\d{1,6})$/i;
const SECTION_RE = /^(?:section\s+|§\s*)([A-Z0-9]+(?:\.[0-9]+)*)\.?$/i;

/** Parses `PnLm[-PnLm]` or a section ref; throws RefError saying what is wrong. */
export function parseRef(input: string): Ref {
  const text = input.trim();
  if (text === '') throw new RefError('empty reference');
  const section = SECTION_RE.exec(text);
  if (section) return { kind: 'section', text, number: section[1]! };
  const parts = text.split('-');
  if (parts.length > 2) throw new RefError(`"${text}" is not a reference: one "-" at most (P1L1-P2L3)`);
  const begin = parseAddress(parts[0]!, text);
  const end = parts.length === 2 ? parseAddress(parts[1]!, text) : begin;
  if (end.page < begin.page || (end.page === begin.page && end.line < begin.line)) {
    throw new RefError(`"${text}": begin is after end`);
  }
  return { kind: 'lines', text, begin, end };
}

function parseAddress(s: string, whole: string): LineAddress {
  const m = LINE_RE.exec(s.trim());
  if (!m) {
    throw new RefError(`"${whole}" is not a reference: expected PnLm, PnLm-PnLm, "section N" or "§N"`);
  }
  return { page: Number(m[1]), line: Number(m[2]) };
}

/** Splits a comma-separated list of refs. */
export function parseRefList(input: string): Ref[] {
  return input.split(',').map(parseRef);
}

export interface Resolvable {
  label: string;
  pages: number;
  lines: readonly PagedLine[];
  sections: readonly Section[];
}

/** Resolves a ref against a document; throws RefError saying why it cannot. */
export function resolveRef(doc: Resolvable, ref: Ref): Span {
  if (ref.kind === 'section') {
    const s = findSection(doc.sections, ref.number);
    if (!s) throw new RefError(`${doc.label} has no section ${ref.number}`);
    return { begin: s.begin, end: s.end };
  }
  return { begin: resolveAddress(doc, ref.begin), end: resolveAddress(doc, ref.end) };
}

function resolveAddress(doc: Resolvable, a: LineAddress): number {
  const id = `P${a.page}L${a.line}`;
  if (a.page < 1 || a.page > doc.pages) {
    throw new RefError(`${doc.label} has no page ${a.page} (it has ${doc.pages} page${doc.pages === 1 ? '' : 's'})`);
  }
  const i = findLine(doc, a.page, a.line);
  if (i < 0) throw new RefError(`${id} is not a quotable line of ${doc.label}`);
  return i;
}

/** The quoted text of a span: kept lines, right-trimmed, joined by newlines. */
export function spanText(doc: { lines: readonly PagedLine[] }, span: Span): string {
  const out: string[] = [];
  for (let i = span.begin; i <= span.end; i++) out.push(doc.lines[i]!.text.trimEnd());
  return out.join('\n');
}
