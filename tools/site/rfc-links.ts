/**
 * Links inside a document's own text, for its page: the lines of its table
 * of contents to their sections, its "Section 17.1.1" mentions to the
 * section, and its "[4]" citations to the entry of its references. Each link
 * is a stretch of one line's text, so a line stays one line and keeps its
 * P/L address; a fragment names an anchor the page already has (a section's
 * `section-N`, a line's `PnLm`), so no anchor is added for them.
 *
 * Decisions:
 *  - Only what the document itself has is linked: a section number the
 *    section index (tools/spec/sections.ts) found, a label a line of a
 *    references section starts with. Anything else stays text.
 *  - "Section 5 of [4]", "[4], Section 5" and "RFC 2616 Section 14.9" name
 *    another document's section: not linked.
 *  - The table of contents is what comes before the first heading the
 *    section index found; there, a line holding a section number, a title
 *    and a page number (after dot leaders or wide spacing) is an entry.
 */
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { sectionAnchor } from './urls.ts';

/** `text.slice(start, end)` of one line links to `#fragment`. */
export interface TextLink {
  start: number;
  end: number;
  fragment: string;
}

/** A table-of-contents entry: indent, number, spacing, title, then dot leaders or spacing and a page number. */
const TOC_ENTRY = /^(\s*)((?:Appendix\s+)?[A-Z0-9]{1,3}(?:\.\d{1,3})*\.?)(\s+)(\S.*?)(?:\s*(?:\.\s?){2,}\s*|\s{2,})\d{1,3}\s*$/;
/** `Section 8.1`, `Sections 8.1 and 8.2`, `sections 12.1, 12.2, or 12.3`, `§17.1.1`. */
const MENTION = /\b(?:[Ss]ections?\s|§\s?)(\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+)((?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to|through)\s+)(?:\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+))*)/g;
const NUMBER = /\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+/g;
/** What before a mention says the section is another document's: `[4], `, `RFC 2616 `. */
const OTHER_BEFORE = /(?:\]\s*,?|RFC\s?\d+\s*,?)\s*$/;
/** …and after it: ` of [4]`, ` of RFC 2616`, ` in [4]` (but ` of this document` is ours). */
const OTHER_AFTER = /^\s*(?:of|in)\s+(?!this\b)(?:\[|RFC|the\s+\w+\s+specification|\w+\s+\[)/;
/** A reference entry's label at the start of its line: `   [4]  Rosenberg, …`, `   [RFC3261]  …`. */
const REF_ENTRY = /^\s{0,8}\[([A-Za-z0-9][\w.+-]*)\]/;
const CITATION = /\[([A-Za-z0-9][\w.+-]*)\]/g;

/** The links of each line of `doc`, by line index (lines with none are absent). */
export function textLinks(doc: SpecDoc): Map<number, TextLink[]> {
  const sections = new Set(doc.sections.map((s) => s.number));
  const refs = referenceEntries(doc);
  const tocEnd = doc.sections[0]?.begin ?? 0;
  const out = new Map<number, TextLink[]>();
  doc.lines.forEach((l, i) => {
    const links = [...(i < tocEnd ? tocLink(l.text, sections) : []), ...mentions(l.text, sections), ...citations(l.text, refs, i, doc)];
    if (links.length === 0) return;
    links.sort((a, b) => a.start - b.start);
    // A ToC entry's title may hold a mention: the entry's link wins.
    out.set(i, links.filter((k, j) => j === 0 || k.start >= links[j - 1]!.end));
  });
  return out;
}

function tocLink(text: string, sections: ReadonlySet<string>): TextLink[] {
  const m = TOC_ENTRY.exec(text);
  if (!m) return [];
  const number = m[2]!.replace(/^Appendix\s+/, '').replace(/\.$/, '');
  if (!sections.has(number)) return [];
  const start = m[1]!.length;
  return [{ start, end: start + m[2]!.length + m[3]!.length + m[4]!.length, fragment: sectionAnchor(number) }];
}

function mentions(text: string, sections: ReadonlySet<string>): TextLink[] {
  const out: TextLink[] = [];
  for (const m of text.matchAll(MENTION)) {
    const end = m.index + m[0].length;
    if (OTHER_BEFORE.test(text.slice(0, m.index)) || OTHER_AFTER.test(text.slice(end))) continue;
    // The first number takes the word before it ("Section 17.1.1" is the link); later ones link alone.
    const firstAt = m.index + m[0].indexOf(m[1]!);
    if (sections.has(m[1]!)) out.push({ start: m.index, end: firstAt + m[1]!.length, fragment: sectionAnchor(m[1]!) });
    const restAt = firstAt + m[1]!.length;
    for (const n of m[2]!.matchAll(NUMBER)) {
      if (sections.has(n[0])) out.push({ start: restAt + n.index, end: restAt + n.index + n[0].length, fragment: sectionAnchor(n[0]) });
    }
  }
  return out;
}

function citations(text: string, refs: ReadonlyMap<string, number>, at: number, doc: SpecDoc): TextLink[] {
  const out: TextLink[] = [];
  for (const m of text.matchAll(CITATION)) {
    const entry = refs.get(m[1]!);
    // An entry's own label is no citation of itself.
    if (entry !== undefined && entry !== at) out.push({ start: m.index, end: m.index + m[0].length, fragment: lineId(doc.lines[entry]!) });
  }
  return out;
}

/**
 * Label → line index of each entry of the document's references sections
 * (a section titled "References", "Normative References", …, subsections
 * included): the first line starting with the label.
 */
function referenceEntries(doc: SpecDoc): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of doc.sections) {
    if (!/\breferences\b/i.test(s.title)) continue;
    for (let i = s.begin; i <= s.end; i++) {
      const m = REF_ENTRY.exec(doc.lines[i]!.text);
      if (m && !out.has(m[1]!)) out.set(m[1]!, i);
    }
  }
  return out;
}
