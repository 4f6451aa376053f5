/** Lookups on a SpecDoc that several pages need: innermost section of a line, display names. */
import type { SpecDoc } from '../spec/document.ts';
import type { Section } from '../spec/sections.ts';
import type { Span } from '../spec/refs.ts';
import { displayName } from '../spec/docname.ts';

const sectionMaps = new WeakMap<SpecDoc, Int32Array>();

/** For each kept line, the index of the innermost section holding it, or -1. */
export function sectionOfLines(doc: SpecDoc): Int32Array {
  let m = sectionMaps.get(doc);
  if (m) return m;
  m = new Int32Array(doc.lines.length).fill(-1);
  // Sections come in document order, a parent before its children: a later write is a deeper section.
  doc.sections.forEach((s, k) => m!.fill(k, s.begin, s.end + 1));
  sectionMaps.set(doc, m);
  return m;
}

export function sectionAt(doc: SpecDoc, index: number): Section | undefined {
  const k = sectionOfLines(doc)[index] ?? -1;
  return k < 0 ? undefined : doc.sections[k];
}

export const docName = (doc: SpecDoc) => displayName(doc.name);

/** `p. 143` or `pp. 143–144`. */
export function pagesOf(doc: SpecDoc, span: Span): string {
  const a = doc.lines[span.begin]!.page;
  const b = doc.lines[span.end]!.page;
  return a === b ? `p. ${a}` : `pp. ${a}–${b}`;
}

/** `RFC 3261 §18.1.1 Sending Requests · p. 143` */
export function citationHeading(doc: SpecDoc, span: Span): { doc: string; section?: string; title?: string; pages: string } {
  const s = sectionAt(doc, span.begin);
  return { doc: docName(doc), section: s?.number, title: s?.title, pages: pagesOf(doc, span) };
}
