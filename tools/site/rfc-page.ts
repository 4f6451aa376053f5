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
 * times (the page was 2.0 MB, then 1.27 MB; the issue's budget is 1 MB). A
 * page of the RFC is an ordered list and a line an item of it, `<li>` with
 * no end tag (a `<p>` without one would do too, but a browser copies a
 * paragraph with a blank line after it, so copied text came out
 * double-spaced; an item copies with one line break). Its number, P143L14,
 * is drawn by CSS counters; its id is written only where a page of the site
 * links (anchoredLines), rfc.js giving the others theirs. Nothing comes
 * between two lines, so a page of the RFC is a line of the HTML. What a run
 * of lines shares (a requirement's status) is said once, on the run's
 * element (a nested list); a line's links past the first are counted, their
 * list in the citations script (citations-page.ts); titles that only
 * repeated a line's classes are made by rfc.js when pointed at.
 */
import type { Citation, Requirement, TagKind } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { bare, esc, escText } from './html.ts';
import { docName, labelName, SERIES } from './docinfo.ts';
import { byKeyword, bySection, figures, figuresCells, FIGURES_HEAD } from './figures.ts';
import { barLegend, stackedBar } from './bars.ts';
import { citationsPage, docPage, filePage, href, hunkAnchor, pageAnchor, proposalPage, requirementsPage, sectionAnchor } from './urls.ts';
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

/**
 * Each line's back-links (by line index), as the page at `from` links them:
 * the requirement view of the section starting there, the code and tests
 * citing a range starting there, the hunks of proposals citing one. The RFC
 * page shows the first of a line's links and counts the others; the
 * citations page (citations-page.ts) lists them all.
 */
export function lineNotes({ doc, citations, requirements, proposed = [] }: DocPageInput, from: string): Map<number, string[]> {
  const startsAt = new Map<number, Citation[]>();
  for (const c of citations) pushAt(startsAt, c.span.begin, c);
  const proposedStarts = new Map<number, ProposedCitation[]>();
  for (const c of proposed) pushAt(proposedStarts, c.span.begin, c);
  const perSection = bySection(doc, requirements);
  // Each document's page has its requirement view beside it (tools/site/requirements-page.ts): a section heading links its section there.
  const views = href(from, requirementsPage(doc));
  const notes = new Map<number, string[]>();
  const sectionAt = new Map(doc.sections.map((s) => [s.begin, s.number]));
  for (let i = 0; i < doc.lines.length; i++) {
    const sec = sectionAt.get(i);
    const starts = startsAt.get(i);
    const byProposal = proposedStarts.get(i);
    const links = [
      ...(sec && perSection.get(sec)!.total > 0 ? [`<a class=rv href=${bare(`${views}#${sectionAnchor(sec)}`)}>§${esc(sec)} requirements</a>`] : []),
      ...(starts ? backlinks(from, starts) : []),
      ...(byProposal ? proposedLinks(from, byProposal) : []),
    ];
    if (links.length) notes.set(i, links);
  }
  return notes;
}

function pushAt<V>(m: Map<number, V[]>, k: number, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * The lines whose id the page writes (`<li id=P143L14>`): every line a page
 * of the site links to, so that each of the site's links lands without a
 * script: where a citation, a proposal's citation, a requirement or a
 * section starts, and the entries the text's own citations ([4]) link.
 * Other lines get theirs from rfc.js (a hand-made link to any line lands
 * with it); their number is drawn by CSS counters either way.
 */
function anchoredLines({ doc, citations, requirements, proposed = [] }: DocPageInput, links: ReadonlyMap<number, readonly TextLink[]>): Set<string> {
  const ids = new Set<string>();
  const at = (i: number) => ids.add(lineId(doc.lines[i]!));
  for (const c of citations) at(c.span.begin);
  for (const c of proposed) at(c.span.begin);
  for (const r of requirements) at(r.begin);
  for (const s of doc.sections) at(s.begin);
  for (const ls of links.values()) for (const k of ls) if (LINE_FRAGMENT.test(k.fragment)) ids.add(k.fragment);
  return ids;
}

const LINE_FRAGMENT = /^P\d+L\d+$/;

export function renderDocPage(input: DocPageInput): string {
  const { doc, citations, requirements, proposed = [], series = [], readme, live, proposals } = input;
  const path = docPage(doc);
  const n = doc.lines.length;
  const kindAt = new Int8Array(n).fill(-1);
  const startsAt = new Map<number, Citation[]>();
  for (const c of citations) {
    const r = KIND_RANK[c.tag.kind];
    for (let i = c.span.begin; i <= c.span.end; i++) if (kindAt[i] === -1 || r < kindAt[i]!) kindAt[i] = r;
    pushAt(startsAt, c.span.begin, c);
  }
  // Lines a proposal cites: a status of their own beside the base's; its ranges have their anchors as the base's do (a proposal's page links them).
  const proposedAt = new Uint8Array(n);
  const spansAt = new Map<number, { span: { begin: number; end: number } }[]>(startsAt);
  for (const c of proposed) {
    proposedAt.fill(1, c.span.begin, c.span.end + 1);
    spansAt.set(c.span.begin, [...(spansAt.get(c.span.begin) ?? []), c]);
  }
  const kinds = Object.keys(KIND_RANK) as TagKind[];
  // Per line: the requirement it belongs to (the last one starting at or before it).
  const reqAt: (Requirement | undefined)[] = new Array(n);
  for (const r of requirements) for (let i = r.begin; i <= r.end && i < n; i++) reqAt[i] = r;
  const sectionStarts = new Map<number, string>();
  for (const s of doc.sections) sectionStarts.set(s.begin, s.number);
  const mismatch = new Map(doc.footerMismatches.map((m) => [m.page, m.printed]));
  const linksAt = textLinks(doc);
  const notesAt = lineNotes(input, path);
  const anchored = anchoredLines(input, linksAt);
  const cites = href(path, citationsPage(doc));

  const out: string[] = [];
  let page = 0;
  /** The requirement whose run of lines is open (its strip), if any. */
  let run: Requirement | undefined;
  const closeRun = () => {
    if (run) out.push('</ol>');
    run = undefined;
  };
  // A page's lines are an ordered list; its number, and each line's, are CSS counters (rfc.css), so every page is written, an empty one too.
  const openPage = (p: number) => {
    const printed = mismatch.get(p);
    const warn =
      printed === undefined
        ? ''
        : ` <strong class="warn" role="note">Warning: this is page ${p} of the text but its footer prints [Page ${printed}]; tags use ${p}.</strong>`;
    out.push(`<div class=pg id=${pageAnchor(p)}><p class=pgmark><a href=#${pageAnchor(p)}>Page ${p}</a>${warn}</p><ol>`);
  };
  for (let i = 0; i < n; i++) {
    const l = doc.lines[i]!;
    const req = reqAt[i];
    if (l.page !== page || req !== run) closeRun();
    if (l.page !== page) {
      if (page) out.push('</ol></div>\n');
      for (let empty = page + 1; empty < l.page; empty++) {
        openPage(empty);
        out.push('</ol></div>\n');
      }
      page = l.page;
      openPage(page);
    }
    // A line the pagination did not keep (past L48, too short or a "[Page N]"; paginate.ts) still has its
    // number: an empty, hidden item stands for it, so that the items' places stay the lines' numbers.
    const before = i > 0 && doc.lines[i - 1]!.page === l.page ? doc.lines[i - 1]!.line : 0;
    if (l.line > before + 1) out.push('<li class=drop>'.repeat(l.line - before - 1));
    // A requirement's lines are one run, split only by a page break: its status is said once, and its strip drawn once.
    if (req && req !== run) {
      out.push(`<li class="req s-${req.status}"><ol>`);
      run = req;
    }
    const classes: string[] = [];
    if (kindAt[i]! >= 0) classes.push(KIND_CLASS[kinds[kindAt[i]!]!]);
    if (proposedAt[i]) classes.push('proposed');
    let text = lineHtml(l.text, linksAt.get(i), req !== undefined);
    const sec = sectionStarts.get(i);
    const spans = spansAt.get(i);
    if (spans) text = rangeAnchors(doc, spans) + text;
    if (sec) text = `<span id=${bare(sectionAnchor(sec))}></span>${text}`;
    const links = notesAt.get(i);
    const id = lineId(l);
    const cls = classes.length ? ` class=${bare(classes.join(' '))}` : '';
    // No end tag: the next line's (or the list's end) closes it, and a list item copies with one line break (a paragraph with two).
    out.push(`<li${anchored.has(id) ? ` id=${id}` : ''}${cls}>${text}${links ? notes(links, `${cites}#${id}`) : ''}`);
  }
  closeRun();
  if (page) out.push('</ol></div>');

  const all = figures(requirements);
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
<p class="legend">The coverage of each of its ${doc.sections.length} sections, and each requirement with what cites it: <a href=${bare(href(path, requirementsPage(doc)))}>the requirement view</a>.</p>
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
 * growing with its links tore its paragraph): the first link, then a count
 * of the others linking their list on the citations page (`more`), which
 * rfc.js opens in place instead, over the text below. The lists are not in
 * the page: on RFC 3261 they were 87 kB of links hardly anyone opens.
 */
function notes(links: readonly string[], more: string): string {
  if (links.length === 1) return `<span class=notes>${links[0]}</span>`;
  return `<span class=notes>${links[0]}<a class=more href=${bare(more)}>+${links.length - 1} more</a></span>`;
}

/**
 * Anchors of the multi-line ranges cited from this line (`#P143L14-P143L19`),
 * so a link to a whole range lands here with or without JavaScript; rfc.js
 * then marks every line of the range.
 */
function rangeAnchors(doc: SpecDoc, cs: readonly { span: { begin: number; end: number } }[]): string {
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
