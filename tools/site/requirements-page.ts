/**
 * A cited document's requirement view (req/<id>.html): every section of the
 * document, in order, with the requirements whose innermost section it is
 * (a BCP 14 sentence, tools/annotate/requirements.ts), each with its status
 * (tools/annotate/coverage.ts, the definition `rfcdoc coverage` prints) and
 * what cites it, linked: the code and tests to the exact line of their
 * page, the proposals to the hunk whose tag cites it, an exception with its
 * reason. Sections carry the RFC page's anchors (#section-17.1.1.2), so
 * "what implements §17.1.1.2, and what tests it?" is one link from the text.
 *
 * Every requirement is in the HTML; assets/requirements.js only adds the
 * filters (missing; implemented but untested; excepted) and the "next
 * missing requirement" key, which without it is a link to the first one.
 */
import type { Citation, Requirement, TagKind } from '../annotate/model.ts';
import { applyCoverage } from '../annotate/coverage.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { bare, esc } from './html.ts';
import { docName } from './docinfo.ts';
import { bySection, coveredText, figures, FIGURES_HEAD, STATUS_NAME, STATUSES, type Figures } from './figures.ts';
import { barLegend, stackedBar } from './bars.ts';
import { docPage, filePage, href, hunkAnchor, proposalPage, requirementsPage, sectionAnchor } from './urls.ts';
import type { ProposedCitation } from './proposals.ts';
import { layout, type Frame } from './layout.ts';

/** What a requirement view reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface RequirementsPageInput extends Frame {
  doc: SpecDoc;
  /** The document's requirements with their status and citations (coverage.ts's applyCoverage). */
  requirements: readonly Requirement[];
  /** Citations by tags proposals add: listed, counted nowhere (as on the RFC page). */
  proposed?: readonly ProposedCitation[];
}

/** The anchor of the requirements before the document's first section heading. */
const FRONT_ANCHOR = 'front';

/** The filters requirements.js offers: a status each, and what the choice is called. */
const FILTERS: readonly [string, string][] = [
  ['missing', 'Missing only'],
  ['implemented', 'Implemented but untested'],
  ['exception', 'Excepted, with reasons'],
];

const KIND_ORDER: readonly TagKind[] = ['implements', 'tests', 'exception', 'todo'];
const KIND_LABEL: Record<TagKind, string> = { implements: 'Implemented by', tests: 'Tested by', exception: 'Excepted in', todo: 'To do in' };

export function renderRequirementsPage({ doc, requirements, proposed = [], readme, live, proposals }: RequirementsPageInput): string {
  const path = requirementsPage(doc);
  const text = docPage(doc);
  const bySectionNumber = new Map<string, Requirement[]>();
  for (const r of requirements) {
    const k = r.section ?? FRONT_ANCHOR;
    const list = bySectionNumber.get(k);
    if (list) list.push(r);
    else bySectionNumber.set(k, [r]);
  }
  const ids = rowIds(doc, requirements);
  const proposedOf = overlapping(requirements, proposed);
  const row = (r: Requirement) => requirementRow(path, doc, r, ids.get(r)!, proposedOf.get(r) ?? []);

  const perSection = bySection(doc, requirements);
  const blocks: string[] = [];
  const front = bySectionNumber.get(FRONT_ANCHOR);
  if (front) {
    blocks.push(`<section class="rsec" id="${FRONT_ANCHOR}"><h2>Before the first section</h2>
<ol class="reqs">
${front.map(row).join('\n')}
</ol></section>`);
  }
  for (const s of doc.sections) {
    const top = !s.number.includes('.');
    const h = top ? 'h2' : 'h3';
    const own = bySectionNumber.get(s.number) ?? [];
    const anchor = sectionAnchor(s.number);
    const f = perSection.get(s.number)!;
    // A top-level section shows its whole subtree's bar; a subsection, its own count.
    const summary = top && f.total > 0 ? `<p class="covline">${stackedBar(f, `§${s.number}`)} ${barLegend(f)}</p>\n` : '';
    const list = own.length ? `<ol class="reqs">\n${own.map(row).join('\n')}\n</ol>` : `<p class="none">No requirement of its own${f.total ? ` (${f.total} in its subsections)` : ''}.</p>`;
    blocks.push(
      // No accessible name on the <section>: 314 sections of RFC 3261 would be as many region landmarks.
      `<section class="rsec" id="${esc(anchor)}"><${h}>${esc(s.number)} ${esc(s.title)}<a class="intext" href="${esc(href(path, text, anchor))}">in the text</a></${h}>
${summary}${list}</section>`,
    );
  }

  const all = figures(requirements);
  const firstMissing = requirements.find((r) => r.status === 'missing');
  const body = `<article class="reqview">
<header class="pagehead">
<p class="crumbs"><a href="${esc(href(path, text))}">${esc(docName(doc))}</a> / requirements</p>
<h1>Requirements of ${esc(docName(doc))}: ${esc(doc.title)}</h1>
<p class="meta">Each sentence with a BCP 14 key word, by section, with its status and the code, tests and proposals that cite it. Statuses are those of <code>rfcdoc coverage</code>: tested, implemented (not tested), excepted (knowingly not done, with the reason), to do, missing (nothing cites it).</p>
<p class="covline">${stackedBar(all, docName(doc))} ${barLegend(all)}</p>
</header>
${tools(all, firstMissing ? ids.get(firstMissing)! : undefined)}
${sectionsTable(doc, perSection)}
${blocks.join('\n')}
</article>`;
  return layout({ path, title: `Requirements of ${docName(doc)}`, body, readme, live, proposals });
}

/**
 * Every section's figures, one row each (270 on RFC 3261), folded: end tags
 * HTML implies are left out, cells aligned by the table's class. Each row
 * links its section below.
 */
function sectionsTable(doc: SpecDoc, perSection: ReadonlyMap<string, Figures>): string {
  if (doc.sections.length === 0) return '';
  const rows = doc.sections
    .map((s) => {
      const f = perSection.get(s.number)!;
      const depth = s.number.split('.').length - 1;
      return `<tr><th class=d${Math.min(depth, 4)}><a href=${bare(`#${sectionAnchor(s.number)}`)}>${esc(s.number)}</a> ${esc(s.title)}<td>${f.total}${STATUSES.map((st) => `<td>${f.counts[st]}`).join('')}<td>${coveredText(f)}`;
    })
    .join('\n');
  return `<details class="toc"><summary>${doc.sections.length} sections with their coverage</summary>
<div class="scroll"><table class="figures sections"><thead><tr><th scope="col">Section</th>${FIGURES_HEAD}</tr></thead><tbody>
${rows}
</tbody></table></div>
</details>`;
}

/**
 * The filters and the next-missing key. Without a script the filters are
 * hidden (they could do nothing) and the key is a plain link to the first
 * missing requirement; requirements.js shows them and makes the link step.
 */
function tools(all: Figures, firstMissing: string | undefined): string {
  const choices = [
    `<label><input type="radio" name="show" value="all" checked> All (${all.total})</label>`,
    ...FILTERS.map(([status, label]) => `<label><input type="radio" name="show" value="${status}"> ${label} (${all.counts[status as keyof Figures['counts']]})</label>`),
  ];
  const next = firstMissing
    ? `<p><a class="nextmiss" href="#${esc(firstMissing)}" aria-keyshortcuts="n">Next missing requirement</a><span class="nkey" hidden> (key <kbd>n</kbd>)</span></p>`
    : '<p>No requirement is missing.</p>';
  return `<div class="reqtools">
<fieldset class="reqfilter" hidden><legend>Show</legend>${choices.join('')}</fieldset>
${next}
<p class="shown" role="status"></p>
</div>`;
}

/** One requirement: where it is, its status in words, the sentence, and what cites it. */
function requirementRow(path: string, doc: SpecDoc, r: Requirement, id: string, byProposal: readonly ProposedCitation[]): string {
  const at = lineId(doc.lines[r.begin]!);
  const where = r.end > r.begin ? `${at}-${lineId(doc.lines[r.end]!)}` : at;
  const reasons = [...new Set(r.citations.filter((c) => c.tag.kind === 'exception' && c.tag.note).map((c) => c.tag.note!))];
  const why = reasons.map((w) => `<span class="why">Not done: ${esc(w)}</span>`).join('');
  const by = citedBy(path, r.citations, byProposal);
  // The link goes to the first line, an anchor every line has (a range's own anchor exists only where a tag cites it).
  return `<li class="rq s-${r.status}" id="${esc(id)}"><a class="at" href="${esc(href(path, docPage(doc), at))}">${where}</a> <span class="st">${STATUS_NAME[r.status]}</span> <span class="kw">${esc(r.keyword)}</span> ${esc(r.text)}${why}${by}</li>`;
}

/**
 * The citations as compact links, one group per kind, each file named once
 * with a link per citing line: `Tested by sip/x.test.ts: 12, 40` (one link
 * per tag, however many of its refs overlap).
 */
function citedBy(path: string, citations: readonly Citation[], byProposal: readonly ProposedCitation[]): string {
  const groups: string[] = [];
  for (const kind of KIND_ORDER) {
    const lines = new Map<string, Set<number>>();
    for (const c of citations) {
      if (c.tag.kind !== kind) continue;
      const set = lines.get(c.tag.file);
      if (set) set.add(c.tag.line);
      else lines.set(c.tag.file, new Set([c.tag.line]));
    }
    if (lines.size === 0) continue;
    const files = [...lines.keys()].sort().map((file) => {
      const page = filePage(file);
      const at = [...lines.get(file)!].sort((a, b) => a - b).map((n) => `<a href="${esc(href(path, page, `L${n}`))}">${n}</a>`);
      return `<span class="f">${esc(shortPath(file))}:${at.join(',')}</span>`;
    });
    // A space between files: adjacent spans of unbroken paths would make one run too long for a phone.
    groups.push(`<span class="k">${KIND_LABEL[kind]}</span>${files.join(' ')}`);
  }
  const hunks = new Set<string>();
  const proposed: string[] = [];
  for (const c of [...byProposal].sort((a, b) => (a.proposal < b.proposal ? -1 : a.proposal > b.proposal ? 1 : a.hunk - b.hunk))) {
    const key = `${c.proposal}#${c.hunk}`;
    if (hunks.has(key)) continue;
    hunks.add(key);
    proposed.push(`<a href="${esc(href(path, proposalPage(c.proposal), hunkAnchor(c.hunk)))}">${esc(c.proposal)} hunk ${c.hunk}</a>`);
  }
  if (proposed.length) groups.push(`<span class="k">Proposed in</span>${proposed.join(' ')}`);
  return groups.length ? `<span class="by">${groups.join(' ')}</span>` : '';
}

/** A file as the citations show it: reference/ (where modules live) and test/reference/ left out, as the RFC page's back-links leave out the first. */
const shortPath = (file: string) => file.replace(/^(test\/)?reference\//, '');

/** Each requirement's row id: `r-` and its first line (`r-P125L35`), `-2`, `-3`… when sentences share a first line. */
function rowIds(doc: SpecDoc, requirements: readonly Requirement[]): Map<Requirement, string> {
  const ids = new Map<Requirement, string>();
  const used = new Map<string, number>();
  for (const r of requirements) {
    const base = `r-${lineId(doc.lines[r.begin]!)}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    ids.set(r, n === 1 ? base : `${base}-${n}`);
  }
  return ids;
}

/**
 * The proposed citations overlapping each requirement: coverage.ts's own
 * overlap (applyCoverage), run on the proposals' citations instead of the base's.
 */
function overlapping(requirements: readonly Requirement[], proposed: readonly ProposedCitation[]): Map<Requirement, ProposedCitation[]> {
  const out = new Map<Requirement, ProposedCitation[]>();
  if (proposed.length === 0) return out;
  const withProposed = applyCoverage(requirements, proposed);
  requirements.forEach((r, i) => {
    const over = withProposed[i]!.citations as ProposedCitation[];
    if (over.length) out.set(r, over);
  });
  return out;
}
