/** Lookups on a SpecDoc that several pages need: display names, page ranges, a citation's heading. */
import type { SpecDoc } from '../spec/document.ts';
import { sectionOfLine } from '../spec/sections.ts';
import type { Span } from '../spec/refs.ts';
import { displayName } from '../spec/docname.ts';

export const docName = (doc: SpecDoc) => displayName(doc.name);

/** `p. 143` or `pp. 143–144`. */
export function pagesOf(doc: SpecDoc, span: Span): string {
  const a = doc.lines[span.begin]!.page;
  const b = doc.lines[span.end]!.page;
  return a === b ? `p. ${a}` : `pp. ${a}–${b}`;
}

/** `RFC 3261 §18.1.1 Sending Requests · p. 143` */
export function citationHeading(doc: SpecDoc, span: Span): { doc: string; section?: string; title?: string; pages: string } {
  const s = sectionOfLine(doc.sections, span.begin);
  return { doc: docName(doc), section: s?.number, title: s?.title, pages: pagesOf(doc, span) };
}
