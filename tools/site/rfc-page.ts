/**
 * A cited document's page: its paginated text with an anchor per line, page
 * and section; cited ranges shaded with links back to every citing code
 * line; requirement sentences marked by status, each requirement's lines
 * edged by a coverage strip; the document's own table of contents, section
 * mentions and reference citations linked; a table of contents that follows
 * the reader; its place in the series (rfc-index.txt); coverage per key word
 * and section; warnings where a printed page number disagrees with its position.
 *
 * Weight: RFC 3261 is 12,915 lines, so what a line costs is paid 12,915
 * times (the page was 2.0 MB). A line is one element, `<div id=P143L14>`
 * (not a `<p>` with its end tag left out: a browser copies a paragraph with
 * a blank line after it, so copied RFC text came out double-spaced), and
 * nothing comes between two lines, so a page of the RFC is a line of the
 * HTML; its number is its id, drawn by CSS;
 * what a run of lines shares (a requirement's status) is said once, on the
 * run's element; titles that only repeated a line's classes are made by
 * rfc.js when pointed at.
 */
import type { Citation, Requirement, TagKind } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { bare, esc, escText } from './html.ts';
import { docName, labelName, SERIES } from './docinfo.ts';
import { byKeyword, bySection, coveredText, figures, figuresCells, FIGURES_HEAD, STATUSES } from './figures.ts';
import { barLegend, stackedBar } from './bars.ts';
import { docPage, filePage, href, hunkAnchor, pageAnchor, proposalPage, requirementsPage, sectionAnchor } from './urls.ts';
import type { ProposedCitation } from './proposals.ts';
import { layout, type Frame } from './layout.ts';
import { textLinks, type TextLink } from './rfc-links.ts';

/** What a document's page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface DocPageInput extends Frame {
  doc: SpecDoc;
  /** Every citation of this doc. */
  citations: readonly Citation[];
  requirements: readonly Requirement[];
  /** Citations by tags proposals add (tools/site/proposals.ts): marked "proposed", counted nowhere. */
  proposed?: readonly ProposedCitation[];
  /** The documents of its series (obsoletes, updated by, …) that have a page on the site, as seriesOnSite gives them: those are linked. */
  series?: readonly string[];
}

const KIND_RANK: Record<TagKind, number> = { implements: 0, tests: 1, exception: 2, todo: 3 };
/** A cited line's class, by its strongest citation's kind: short, as 5,000 lines of RFC 3261 carry one. */
const KIND_CLASS: Record<TagKind, string> = { implements: 'ci', tests: 'ct', exception: 'cx', todo: 'cd' };
const KEYWORDS = /\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\b/g;

/** Of the documents `doc` is related to in the index, those `onSite` (labels: `RFC2543`) has a page of. */
export function seriesOnSite(doc: SpecDoc, onSite: ReadonlySet<string>): string[] {
  const r = doc.relations;
  return r ? [...new Set(SERIES.flatMap(([key]) => r[key]))].filter((l) => onSite.has(l)).sort() : [];
}

export function renderDocPage({ doc, citations, requirements, proposed = [], series = [], readme, live, proposals }: DocPageInput): string {
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
  const perSection = bySection(doc, requirements);
  const mismatch = new Map(doc.footerMismatches.map((m) => [m.page, m.printed]));
  const linksAt = textLinks(doc);
  // Each document's page has its requirement view beside it (tools/site/requirements-page.ts): a section heading links its section there.
  const views = href(path, requirementsPage(doc));

  const out: string[] = [];
  let page = 0;
  /** The requirement whose run of lines is open (its strip), if any. */
  let run: Requirement | undefined;
  const closeRun = () => {
    if (run) out.push('</div>');
    run = undefined;
  };
  for (let i = 0; i < n; i++) {
    const l = doc.lines[i]!;
    const req = reqAt[i];
    if (l.page !== page || req !== run) closeRun();
    if (l.page !== page) {
      if (page) out.push('</div>\n');
      page = l.page;
      const printed = mismatch.get(page);
      const warn =
        printed === undefined
          ? ''
          : ` <strong class="warn" role="note">Warning: this is page ${page} of the text but its footer prints [Page ${printed}]; tags use ${page}.</strong>`;
      out.push(`<div class=pg id=${pageAnchor(page)}><p class=pgmark><a href=#${pageAnchor(page)}>Page ${page}</a>${warn}</p>`);
    }
    // A requirement's lines are one run, split only by a page break: its status is said once, and its strip drawn once.
    if (req && req !== run) {
      out.push(`<div class="req s-${req.status}">`);
      run = req;
    }
    const classes: string[] = [];
    if (kindAt[i]! >= 0) classes.push(KIND_CLASS[kinds[kindAt[i]!]!]);
    if (proposedAt[i]) classes.push('proposed');
    let text = lineHtml(l.text, linksAt.get(i), req !== undefined);
    const sec = sectionStarts.get(i);
    const starts = startsAt.get(i);
    if (starts) text = rangeAnchors(doc, starts) + text;
    if (sec) text = `<span id=${bare(sectionAnchor(sec))}></span>${text}`;
    const byProposal = proposedStarts.get(i);
    const links = [
      ...(sec && perSection.get(sec)!.total > 0 ? [`<a class=rv href=${bare(`${views}#${sectionAnchor(sec)}`)}>§${esc(sec)} requirements</a>`] : []),
      ...(starts ? backlinks(path, starts) : []),
      ...(byProposal ? proposedLinks(path, byProposal) : []),
    ];
    const cls = classes.length ? ` class=${bare(classes.join(' '))}` : '';
    // The line number is the line's own id, shown by CSS (::before) and made
    // clickable by rfc.js: 12,915 links on RFC 3261 were as many Tab stops.
    out.push(`<div id=${lineId(l)}${cls}>${text}${links.length ? notes(links) : ''}</div>`);
  }
  closeRun();
  if (page) out.push('</div>');

  const all = figures(requirements);
  // One row per section (270 on RFC 3261): end tags HTML implies are left out, cells aligned by the table's class.
  const sectionRows = doc.sections
    .map((s) => {
      const f = perSection.get(s.number)!;
      const depth = s.number.split('.').length - 1;
      return `<tr><th class=d${Math.min(depth, 4)}><a href=${bare(`#${sectionAnchor(s.number)}`)}>${esc(s.number)}</a> ${esc(s.title)}<td>${f.total}${STATUSES.map((st) => `<td>${f.counts[st]}`).join('')}<td>${coveredText(f)}`;
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

  const body = `<article class="doc">
<header class="pagehead">
<p class="crumbs">${esc(doc.label)}</p>
<h1>${esc(docName(doc))}: ${esc(doc.title)}</h1>
<p class="meta">${doc.pages} pages${doc.virtual ? ' (no page breaks in the source: cut into pages of 48 lines)' : ''} · ${citations.length} citation${citations.length === 1 ? '' : 's'} · ${all.total} requirements</p>
<p class="meta covline">${stackedBar(all, docName(doc))} ${barLegend(all)}</p>
${seriesHead(path, doc, new Set(series))}
</header>
${mismatchNote}
<section aria-labelledby="coverage"><h2 id="coverage">Coverage by key word</h2>
<div class="scroll"><table class="figures"><thead><tr><th scope="col">Key word</th>${FIGURES_HEAD}</tr></thead><tbody>
${keywordRows}
<tr class="total"><th scope="row">All</th>${figuresCells(all)}</tr>
</tbody></table></div>
<p class="legend">Requirement sentences in the text are marked: <mark class="kw s-tested">tested</mark> <mark class="kw s-implemented">implemented</mark> <mark class="kw s-exception">exception</mark> <mark class="kw s-todo">to do</mark> <mark class="kw s-missing">missing</mark>, and a strip beside the text runs along each requirement's lines, one pattern per status: <span class="strip-key s-tested">tested</span> <span class="strip-key s-implemented">implemented</span> <span class="strip-key s-exception">exception</span> <span class="strip-key s-todo">to do</span> <span class="strip-key s-missing">missing</span>. Cited lines are shaded, with links to the code that cites them.${
  proposed.length
    ? ` Lines that a proposal cites have a <span class="proposed-key">proposed</span> edge on the right and link to the proposal's hunk; the figures above count the base alone (${proposed.length} proposed citation${proposed.length === 1 ? '' : 's'} not counted).`
    : ''
}</p>
</section>
<section aria-labelledby="sections"><h2 id="sections">Sections</h2>
<details class="toc"><summary>${doc.sections.length} sections with their coverage</summary>
<div class="scroll"><table class="figures sections"><thead><tr><th scope="col">Section</th>${FIGURES_HEAD}</tr></thead><tbody>
${sectionRows}
</tbody></table></div>
</details>
</section>
<section aria-labelledby="text" class="reading"><h2 id="text">Text</h2>
${contents(doc)}
<div class="rfc">
${out.join('')}
</div>
</section>
</article>`;
  return layout({ path, title: `${docName(doc)}: ${doc.title}`, body, readme, live, proposals });
}

/** One line's text: escaped, its own links (rfc-links.ts) made, and its key words marked when it is part of a requirement. */
function lineHtml(text: string, links: readonly TextLink[] | undefined, requirement: boolean): string {
  // The mark's status is its requirement's, said by the run around the line (`.req.s-tested mark`).
  const part = (s: string) => (requirement ? escText(s).replace(KEYWORDS, '<mark>$1</mark>') : escText(s));
  if (!links) return part(text);
  let html = '';
  let at = 0;
  for (const k of links) {
    html += `${part(text.slice(at, k.start))}<a href=${bare(`#${k.fragment}`)}>${part(text.slice(k.start, k.end))}</a>`;
    at = k.end;
  }
  return html + part(text.slice(at));
}

/**
 * The table of contents that follows the reader: every section, nested as
 * numbered, linked to its heading. A sidebar beside the text on a wide
 * screen (sticky, rfc.js marking the section in view with aria-current); on
 * a narrow one a disclosure above the text, which rfc.js closes, so it never
 * lies over the text.
 */
function contents(doc: SpecDoc): string {
  if (doc.sections.length === 0) return '';
  let html = '';
  let depth = 0;
  for (const s of doc.sections) {
    const d = s.number.split('.').length;
    if (d > depth) html += '<ol>'.repeat(d - depth);
    else html += '</li>' + '</ol></li>'.repeat(depth - d);
    depth = d;
    html += `<li><a href="#${esc(sectionAnchor(s.number))}">${esc(s.number)} ${esc(s.title)}</a>`;
  }
  html += '</li></ol>'.repeat(depth);
  return `<nav class="contents" aria-label="Contents"><details open><summary>Contents</summary>${html}</details></nav>`;
}

/** The document's place in the series: status, then each relation the index gives, linked where the site has the document. */
function seriesHead(path: string, doc: SpecDoc, onSite: ReadonlySet<string>): string {
  const r = doc.relations;
  if (!r) return '';
  const name = (label: string) => (onSite.has(label) ? `<a href="${esc(href(path, docPage(label)))}">${esc(labelName(label))}</a>` : esc(labelName(label)));
  const parts = [
    ...(r.status ? [`Status: ${esc(r.status.toLowerCase())}`] : []),
    ...SERIES.filter(([key]) => r[key].length > 0).map(([key, what]) => `${what} ${r[key].map(name).join(', ')}`),
  ];
  const obsolete = r.obsoletedBy.length
    ? `<p class="obsolete" role="note"><strong>Obsoleted</strong> by ${r.obsoletedBy.map(name).join(', ')}: code citing ${esc(docName(doc))} is flagged on its page and by <code>rfcdoc check --strict</code>.</p>\n`
    : '';
  return `${obsolete}${parts.length ? `<p class="meta series">${parts.join(' · ')}</p>` : ''}`;
}

/**
 * A line's back-links, kept one line high however many there are (a line
 * growing with its links tore its paragraph): the first link, then the
 * others behind a disclosure whose list opens over the text below, so the
 * closed state takes no more room than one link. The summary holds text
 * only (no link inside a summary: nested-interactive).
 */
function notes(links: readonly string[]): string {
  if (links.length === 1) return `<span class=notes>${links[0]}</span>`;
  return `<span class=notes>${links[0]}<details><summary>+${links.length - 1} more</summary><span>${links.slice(1).join('')}</span></details></span>`;
}

/**
 * Anchors of the multi-line ranges cited from this line (`#P143L14-P143L19`),
 * so a link to a whole range lands here with or without JavaScript; rfc.js
 * then marks every line of the range.
 */
function rangeAnchors(doc: SpecDoc, cs: readonly Citation[]): string {
  const ids = new Set<string>();
  for (const c of cs) if (c.span.end > c.span.begin) ids.add(rangeId(doc, c.span));
  return [...ids].map((id) => `<span id=${id}></span>`).join('');
}

/** The fragment naming a cited range on its document's page: its first line's id alone, or `first-last`. */
export function rangeId(doc: SpecDoc, span: { begin: number; end: number }): string {
  const first = lineId(doc.lines[span.begin]!);
  return span.end > span.begin ? `${first}-${lineId(doc.lines[span.end]!)}` : first;
}

/** Links from a line to the hunks of the proposals citing it. */
function proposedLinks(from: string, cs: readonly ProposedCitation[]): string[] {
  const sorted = [...cs].sort((a, b) => (a.proposal < b.proposal ? -1 : a.proposal > b.proposal ? 1 : a.hunk - b.hunk));
  return sorted.map((c) => `<a class=proposed href=${bare(href(from, proposalPage(c.proposal), hunkAnchor(c.hunk)))}>${esc(c.proposal)} hunk ${c.hunk}</a>`);
}

/**
 * Links from a line to the code and tests citing it. The verb saying which
 * (`implemented`, `tested`) is the link's class drawn by rfc.css (`::before`,
 * part of the link's accessible name), its badge's colour only repeating it:
 * written out, the verbs were 27 kB of RFC 3261's page.
 */
function backlinks(from: string, cs: readonly Citation[]): string[] {
  const sorted = [...cs].sort((a, b) => KIND_RANK[a.tag.kind] - KIND_RANK[b.tag.kind] || (a.tag.file < b.tag.file ? -1 : a.tag.file > b.tag.file ? 1 : a.tag.line - b.tag.line));
  return sorted.map((c) => {
    const to = href(from, filePage(c.tag.file), `L${c.tag.line}`);
    // reference/ is where modules live, test/reference/ their tests: left out of the short form (the link's address and title say it).
    const short = c.tag.file.replace(/^(?:test\/)?reference\//, '');
    return `<a class=${KIND_CLASS[c.tag.kind]} href=${bare(to)}>${esc(short)}:${c.tag.line}</a>`;
  });
}
