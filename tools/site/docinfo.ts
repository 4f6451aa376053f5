/** Lookups on a SpecDoc that several pages need: display names, page ranges, a citation's heading. */
import type { SpecDoc } from '../spec/document.ts';
import { sectionOfLine } from '../spec/sections.ts';
import type { Span } from '../spec/refs.ts';
import { displayName } from '../spec/docname.ts';
import type { Relations } from '../spec/rfcindex.ts';
import type { SourceFile } from '../annotate/model.ts';
import { citesObsoleted } from '../annotate/strict.ts';
import { esc } from './html.ts';
import { docPage, href } from './urls.ts';

export const docName = (doc: SpecDoc) => displayName(doc.name);

/** A document as the index's relations name it, for prose: `RFC2543` → `RFC 2543` (anything else as it is). */
export const labelName = (label: string) => label.replace(/^RFC0*(\d+)$/, 'RFC $1');

/** The index's relations of one document to others (tools/spec/rfcindex.ts), in the order its page lists them, with their names. */
export const SERIES = [
  ['obsoletes', 'Obsoletes'],
  ['obsoletedBy', 'Obsoleted by'],
  ['updates', 'Updates'],
  ['updatedBy', 'Updated by'],
] as const satisfies readonly (readonly [keyof Omit<Relations, 'status'>, string])[];


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

/**
 * A module page's flag for each obsoleted document its tags cite (RFC 4566,
 * obsoleted by RFC 8866): what obsoletes it, and the module's reason for
 * citing it anyway (`@cites-obsoleted`, tools/annotate/strict.ts) or that
 * `rfcdoc check --strict` warns. `docs`: the documents the page's tags name.
 */
export function obsoletedNote(path: string, file: SourceFile, docs: ReadonlyMap<string, SpecDoc>): string {
  if (file.role !== 'module') return '';
  const cited = new Set(file.tags.map((t) => t.doc));
  const old = [...docs.values()].filter((d) => cited.has(d.label) && d.relations?.obsoletedBy.length);
  if (old.length === 0) return '';
  const why = citesObsoleted(file.text);
  return old
    .map((d) => {
      const reason = why.get(d.label)?.reason;
      const by = d.relations!.obsoletedBy.map(labelName).join(', ');
      return `<p class="obsolete" role="note">Cites <a href="${esc(href(path, docPage(d)))}">${esc(docName(d))}</a>, <strong>obsoleted</strong> by ${esc(by)}${
        reason ? `, on purpose: ${esc(reason)}` : `: <code>rfcdoc check --strict</code> warns at each tag citing it`
      }.</p>`;
    })
    .join('\n');
}
