/**
 * A cited document's page: its paginated text with an anchor per line, page
 * and section; cited ranges highlighted with links back to every citing code
 * line; requirement sentences marked by status; coverage per key word and
 * section; warnings where a printed page number disagrees with its position.
 */
import type { Citation, Requirement, RequirementStatus, TagKind } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { esc } from './html.ts';
import { docName } from './docinfo.ts';
import { byKeyword, bySection, figures, figuresCells, FIGURES_HEAD } from './figures.ts';
import { barLegend, stackedBar } from './bars.ts';
import { docPage, filePage, href, hunkAnchor, pageAnchor, proposalPage, sectionAnchor } from './urls.ts';
import type { ProposedCitation } from './proposals.ts';
import { layout, type Frame } from './layout.ts';

/** What a document's page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface DocPageInput extends Frame {
  doc: SpecDoc;
  /** Every citation of this doc. */
  citations: readonly Citation[];
  requirements: readonly Requirement[];
  /** Citations by tags proposals add (tools/site/proposals.ts): marked "proposed", counted nowhere. */
  proposed?: readonly ProposedCitation[];
}

const KIND_RANK: Record<TagKind, number> = { implements: 0, tests: 1, exception: 2, todo: 3 };
const KIND_VERB: Record<TagKind, string> = { implements: 'implemented', tests: 'tested', exception: 'exception', todo: 'to do' };
const KIND_TITLE: Record<TagKind, string> = { implements: 'implemented by', tests: 'tested by', exception: 'knowingly not done in', todo: 'to do in' };
const STATUS_LABEL: Record<RequirementStatus, string> = {
  tested: 'implemented and tested',
  implemented: 'implemented',
  exception: 'knowingly not done',
  todo: 'to do',
  missing: 'not cited',
};
const KEYWORDS = /\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\b/g;


export function renderDocPage({ doc, citations, requirements, proposed = [], readme, live, proposals }: DocPageInput): string {
  const path = docPage(doc);
  const n = doc.lines.length;

  // Per line: strongest citation kind, and citations starting here.
  const kindAt = new Int8Array(n).fill(-1);
  const startsAt = new Map<number, Citation[]>();
  for (const c of citations) {
    const r = KIND_RANK[c.tag.kind];
    for (let i = c.span.begin; i <= c.span.end; i++) if (kindAt[i] === -1 || r < kindAt[i]!) kindAt[i] = r;
    const list = startsAt.get(c.span.begin);
    if (list) list.push(c);
    else startsAt.set(c.span.begin, [c]);
  }
  // Lines a proposal cites: a status of their own beside the base's.
  const proposedAt = new Uint8Array(n);
  const proposedStarts = new Map<number, ProposedCitation[]>();
  for (const c of proposed) {
    proposedAt.fill(1, c.span.begin, c.span.end + 1);
    const list = proposedStarts.get(c.span.begin);
    if (list) list.push(c);
    else proposedStarts.set(c.span.begin, [c]);
  }
  const kinds = Object.keys(KIND_RANK) as TagKind[];
  // Per line: the requirement it belongs to (the last one starting at or before it).
  const reqAt: (Requirement | undefined)[] = new Array(n);
  for (const r of requirements) for (let i = r.begin; i <= r.end && i < n; i++) reqAt[i] = r;
  const sectionStarts = new Map<number, string>();
  for (const s of doc.sections) sectionStarts.set(s.begin, s.number);
  const mismatch = new Map(doc.footerMismatches.map((m) => [m.page, m.printed]));

  const out: string[] = [];
  let page = 0;
  for (let i = 0; i < n; i++) {
    const l = doc.lines[i]!;
    if (l.page !== page) {
      if (page) out.push('</div>');
      page = l.page;
      const printed = mismatch.get(page);
      const warn =
        printed === undefined
          ? ''
          : ` <strong class="warn" role="note">Warning: this is page ${page} of the text but its footer prints [Page ${printed}]; tags use ${page}.</strong>`;
      out.push(`<div class="pg" id="${pageAnchor(page)}"><p class="pgmark"><a href="#${pageAnchor(page)}">Page ${page}</a>${warn}</p>`);
    }
    const id = lineId(l);
    const classes = ['l'];
    if (kindAt[i]! >= 0) classes.push('cited', `k-${kinds[kindAt[i]!]}`);
    const req = reqAt[i];
    if (req) classes.push('req', `s-${req.status}`);
    if (proposedAt[i]) classes.push('proposed');
    let text = esc(l.text);
    if (req) {
      text = text.replace(KEYWORDS, (k) => `<mark class="kw s-${req.status}" title="${esc(`${req.keyword}: ${STATUS_LABEL[req.status]}`)}">${k}</mark>`);
    }
    const sec = sectionStarts.get(i);
    const starts = startsAt.get(i);
    if (starts) text = rangeAnchors(doc, starts) + text;
    if (sec) text = `<span class="sec" id="${esc(sectionAnchor(sec))}"></span>${text}`;
    const byProposal = proposedStarts.get(i);
    const links = [...(starts ? backlinks(path, starts) : []), ...(byProposal ? proposedLinks(path, byProposal) : [])];
    // The line number is the line's own id, shown by CSS (.l::before) and made
    // clickable by site.js: 12,915 links on RFC 3261 were as many Tab stops.
    out.push(`<div class="${classes.join(' ')}" id="${id}"><span class="t">${text}</span>${notes(links)}</div>`);
  }
  if (page) out.push('</div>');

  const all = figures(requirements);
  const perSection = bySection(doc, requirements);
  const sectionRows = doc.sections
    .map((s) => {
      const f = perSection.get(s.number)!;
      const depth = s.number.split('.').length - 1;
      return `<tr><th scope="row" class="d${Math.min(depth, 4)}"><a href="#${esc(sectionAnchor(s.number))}">${esc(s.number)}</a> ${esc(s.title)}</th>${figuresCells(f)}</tr>`;
    })
    .join('\n');
  const keywordRows = byKeyword(requirements)
    .map(([k, f]) => `<tr><th scope="row">${esc(k)}</th>${figuresCells(f)}</tr>`)
    .join('\n');
  const mismatchNote = doc.footerMismatches.length
    ? `<div class="warnbox" role="note"><h2>Page numbering</h2><p>${doc.footerMismatches.length} page${doc.footerMismatches.length === 1 ? '' : 's'} print a page number that disagrees with their position: ${doc.footerMismatches
        .map((m) => `<a href="#${pageAnchor(m.page)}">page ${m.page}</a> prints [Page ${m.printed}]`)
        .join(', ')}. Tags count pages by position.</p></div>`
    : '';
  const r = doc.relations;
  const related = r
    ? ([['Status', r.status ? [r.status.toLowerCase()] : []], ['Obsoletes', r.obsoletes], ['Obsoleted by', r.obsoletedBy], ['Updates', r.updates], ['Updated by', r.updatedBy]] as const)
        .filter(([, list]) => list.length > 0)
        .map(([what, list]) => `${what} ${esc(list.join(', '))}`)
        .join(' · ')
    : '';

  const body = `<article class="doc">
<header class="pagehead">
<p class="crumbs">${esc(doc.label)}</p>
<h1>${esc(docName(doc))}: ${esc(doc.title)}</h1>
<p class="meta">${doc.pages} pages${doc.virtual ? ' (no page breaks in the source: cut into pages of 48 lines)' : ''} · ${citations.length} citation${citations.length === 1 ? '' : 's'} · ${all.total} requirements</p>
<p class="meta covline">${stackedBar(all, docName(doc))} ${barLegend(all)}</p>
${related ? `<p class="meta">${related}</p>` : ''}
</header>
${mismatchNote}
<section aria-labelledby="coverage"><h2 id="coverage">Coverage by key word</h2>
<div class="scroll"><table class="figures"><thead><tr><th scope="col">Key word</th>${FIGURES_HEAD}</tr></thead><tbody>
${keywordRows}
<tr class="total"><th scope="row">All</th>${figuresCells(all)}</tr>
</tbody></table></div>
<p class="legend">Requirement sentences in the text are marked: <mark class="kw s-tested">tested</mark> <mark class="kw s-implemented">implemented</mark> <mark class="kw s-exception">exception</mark> <mark class="kw s-todo">to do</mark> <mark class="kw s-missing">missing</mark>. Cited lines are shaded, with links to the code that cites them; lines of requirements nobody cites have a red edge.${
  proposed.length
    ? ` Lines that a proposal cites have a <span class="proposed-key">proposed</span> edge on the right and link to the proposal's hunk; the figures above count the base alone (${proposed.length} proposed citation${proposed.length === 1 ? '' : 's'} not counted).`
    : ''
}</p>
</section>
<section aria-labelledby="sections"><h2 id="sections">Sections</h2>
<details class="toc"><summary>${doc.sections.length} sections with their coverage</summary>
<div class="scroll"><table class="figures"><thead><tr><th scope="col">Section</th>${FIGURES_HEAD}</tr></thead><tbody>
${sectionRows}
</tbody></table></div>
</details>
</section>
<section aria-labelledby="text"><h2 id="text">Text</h2>
<div class="rfc">
${out.join('\n')}
</div>
</section>
</article>`;
  return layout({ path, title: `${docName(doc)}: ${doc.title}`, body, readme, live, proposals });
}

/**
 * A line's back-links, kept one line high however many there are (a line
 * growing with its links tore its paragraph): the first link, then the
 * others behind a disclosure whose list opens over the text below, so the
 * closed state takes no more room than one link. The summary holds text
 * only (no link inside a summary: nested-interactive).
 */
function notes(links: readonly string[]): string {
  if (links.length === 0) return '';
  if (links.length === 1) return `<span class="notes">${links[0]}</span>`;
  const more = links.length - 1;
  return `<span class="notes">${links[0]}<details class="more"><summary title="${links.length} citing this line: show the other ${more}">+${more} more</summary><span class="pop">${links.slice(1).join('')}</span></details></span>`;
}

/**
 * Anchors of the multi-line ranges cited from this line (`#P143L14-P143L19`),
 * so a link to a whole range lands here with or without JavaScript; site.js
 * then marks every line of the range.
 */
function rangeAnchors(doc: SpecDoc, cs: readonly Citation[]): string {
  const ids = new Set<string>();
  for (const c of cs) if (c.span.end > c.span.begin) ids.add(rangeId(doc, c.span));
  return [...ids].map((id) => `<span class="rg" id="${id}"></span>`).join('');
}

/** The fragment naming a cited range: its first line's id alone, or `first-last`. */
function rangeId(doc: SpecDoc, span: { begin: number; end: number }): string {
  const first = lineId(doc.lines[span.begin]!);
  return span.end > span.begin ? `${first}-${lineId(doc.lines[span.end]!)}` : first;
}

/** Links from a line to the hunks of the proposals citing it. */
function proposedLinks(from: string, cs: readonly ProposedCitation[]): string[] {
  const sorted = [...cs].sort((a, b) => (a.proposal < b.proposal ? -1 : a.proposal > b.proposal ? 1 : a.hunk - b.hunk));
  return sorted
    .map((c) => {
      const to = href(from, proposalPage(c.proposal), hunkAnchor(c.hunk));
      return `<a class="back proposed" href="${esc(to)}" title="${esc(`proposed by ${c.proposal} (hunk ${c.hunk}: ${KIND_TITLE[c.tag.kind]} ${c.tag.file} line ${c.tag.line} in the patched tree)`)}"><span class="verb">proposed</span> ${esc(c.proposal)} hunk ${c.hunk}</a>`;
    });
}

function backlinks(from: string, cs: readonly Citation[]): string[] {
  const sorted = [...cs].sort((a, b) => KIND_RANK[a.tag.kind] - KIND_RANK[b.tag.kind] || (a.tag.file < b.tag.file ? -1 : a.tag.file > b.tag.file ? 1 : a.tag.line - b.tag.line));
  return sorted
    .map((c) => {
      const to = href(from, filePage(c.tag.file), `L${c.tag.line}`);
      // reference/ is where modules live: leave it out of the short form, say it in the title.
      const short = c.tag.file.replace(/^reference\//, '');
      return `<a class="back k-${c.tag.kind}" href="${esc(to)}" title="${esc(`${KIND_TITLE[c.tag.kind]} ${c.tag.file} line ${c.tag.line}`)}"><span class="verb">${KIND_VERB[c.tag.kind]}</span> ${esc(short)}:${c.tag.line}</a>`;
    });
}
