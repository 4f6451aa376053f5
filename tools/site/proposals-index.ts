/**
 * `proposals/index.html`: every proposal with its documents, what it
 * requires, its size (the proposal tool's measure) and the coverage it
 * brings to the documents it implements; then each alternatives group side
 * by side, each member with a bar for its size drawn at build time as inline
 * SVG on one scale, so the difference is seen at a glance (and said in words:
 * the bar is an image with a label).
 */
import type { Requirement } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import type { Measure } from '../proposal/measure.ts';
import { withRequired } from '../proposal/plan.ts';
import { esc, pct } from './html.ts';
import { docName } from './docinfo.ts';
import { figures } from './figures.ts';
import { docByLabel } from './source-page.ts';
import type { SiteProposal } from './proposals.ts';
import { docPage, groupAnchor, href, proposalPage, PROPOSALS_INDEX } from './urls.ts';
import { layout, type Frame } from './layout.ts';

/** What the index reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface ProposalsIndexInput extends Frame {
  list: readonly SiteProposal[];
  docs: ReadonlyMap<string, SpecDoc>;
}

/** The size a bar shows: code lines the proposal adds and removes under reference/. */
const codeSize = (m: Measure | undefined) => (m ? m.code.added + m.code.removed : 0);

/** `+428 −2 code lines, +467 −3 test lines, 14 files, 80 tags added, 9 base tags amended` */
export function sizeLine(m: Measure): string {
  const files = m.files.added.length + m.files.modified.length + m.files.deleted.length;
  return `+${m.code.added} −${m.code.removed} code lines, +${m.tests.added} −${m.tests.removed} test lines, ${files} file${files === 1 ? '' : 's'}, ${m.tagsAdded} tag${m.tagsAdded === 1 ? '' : 's'} added, ${m.amends.length} base tag${m.amends.length === 1 ? '' : 's'} amended`;
}

/** Covered (implemented, tested or excepted) of the MUST and MUST NOT sentences: how the issue counts strictly. */
function strictCoverage(reqs: readonly Requirement[]): { covered: number; total: number } {
  const f = figures(reqs.filter((r) => r.keyword === 'MUST' || r.keyword === 'MUST NOT'));
  return { covered: f.covered, total: f.total };
}

const BAR_WIDTH = 240;
const BAR_HEIGHT = 14;

/** A horizontal bar, `value` of `max` wide, labelled for those who do not see it. */
function sizeBar(value: number, max: number, label: string): string {
  const w = max > 0 ? Math.max(value > 0 ? 1 : 0, Math.round((BAR_WIDTH * value) / max)) : 0;
  return `<svg class="bar" role="img" aria-label="${esc(label)}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}"><title>${esc(label)}</title><rect class="track" x="0" y="0" width="${BAR_WIDTH}" height="${BAR_HEIGHT}"/><rect class="fill" x="0" y="0" width="${w}" height="${BAR_HEIGHT}"/></svg>`;
}

const ROW = 22;
const LABEL = 190;

/**
 * One chart for a group: a row per alternative, its code lines and then its
 * test lines as two bars on the group's one scale, each figure written at
 * the bar's end, so the sizes compare at a glance and read as numbers too.
 */
function groupChart(members: readonly SiteProposal[]): string {
  const shown = members.filter((p) => p.measure);
  // None measured (none applies to this tree, as in one the proposals are applied to): no chart, which would be an image of nothing.
  if (shown.length === 0) return '<p class="meta">No size to compare: none of this group applies to this tree.</p>';
  const total = (p: SiteProposal) => codeSize(p.measure) + p.measure!.tests.added + p.measure!.tests.removed;
  const max = Math.max(1, ...shown.map(total));
  const width = LABEL + BAR_WIDTH * 2 + 120;
  const rows = shown.map((p, i) => {
    const y = i * ROW;
    const code = Math.round((2 * BAR_WIDTH * codeSize(p.measure)) / max);
    const tests = Math.round((2 * BAR_WIDTH * (total(p) - codeSize(p.measure))) / max);
    return `<text class="label" x="0" y="${y + 15}">${esc(p.proposal.name)}</text><rect class="fill" x="${LABEL}" y="${y + 3}" width="${code}" height="${BAR_HEIGHT}"/><rect class="tests" x="${LABEL + code}" y="${y + 3}" width="${tests}" height="${BAR_HEIGHT}"/><text class="value" x="${LABEL + code + tests + 6}" y="${y + 15}">${codeSize(p.measure)} + ${total(p) - codeSize(p.measure)}</text>`;
  });
  const words = shown.map((p) => `${p.proposal.name} ${codeSize(p.measure)} code and ${total(p) - codeSize(p.measure)} test lines`).join(', ');
  return `<svg class="chart" role="img" aria-label="${esc(words)}" width="${width}" height="${shown.length * ROW + 4}" viewBox="0 0 ${width} ${shown.length * ROW + 4}"><title>${esc(words)}</title>${rows.join('')}</svg>
<p class="legend"><span class="swatch code"></span> code lines added or removed · <span class="swatch tests"></span> test lines; one scale for the group.</p>`;
}

/** Code lines of a proposal with what it requires, transitively (the chain the proposal tool applies: each measured on what it requires in turn). */
function sizeWithRequired(p: SiteProposal, list: readonly SiteProposal[]): number {
  const byName = new Map(list.map((q) => [q.proposal.name, q]));
  return withRequired(list.map((q) => q.proposal), [p.proposal]).reduce((n, q) => n + codeSize(byName.get(q.name)!.measure), 0);
}

function coverageCell(path: string, item: SiteProposal, docs: ReadonlyMap<string, SpecDoc>): string {
  if (item.problem) return 'does not apply to this tree';
  return item.coverage
    .map((c) => {
      const doc = docs.get(c.id)!;
      const all = figures(c.after);
      const s = strictCoverage(c.after);
      return `<a href="${esc(href(path, docPage(doc)))}">${esc(docName(doc))}</a>: ${s.covered} of ${s.total} MUST/MUST NOT covered (${pct(s.covered, s.total)}); ${all.covered} of ${all.total} requirements (${pct(all.covered, all.total)})`;
    })
    .join('<br>');
}

export function renderProposalsIndex({ list, docs, readme, live, proposals }: ProposalsIndexInput): string {
  const path = PROPOSALS_INDEX;
  const link = (name: string) => `<a href="${esc(href(path, proposalPage(name)))}">${esc(name)}</a>`;
  const docLinks = (labels: readonly string[]) =>
    labels
      .map((l) => {
        const d = docByLabel(docs, l);
        return d ? `<a href="${esc(href(path, docPage(d)))}">${esc(docName(d))}</a>` : esc(l);
      })
      .join(', ');
  const max = Math.max(0, ...list.map((p) => codeSize(p.measure)));
  const barOf = (p: SiteProposal, scale: number) =>
    p.measure ? sizeBar(codeSize(p.measure), scale, `${p.proposal.name}: ${codeSize(p.measure)} code lines added or removed`) : '';
  const rows = list
    .map((p) => {
      const m = p.measure;
      const q = p.proposal;
      return `<tr><th scope="row">${link(q.name)}</th><td>${esc(q.title)}</td><td>${docLinks(q.implements)}</td><td>${q.requires.map(link).join(', ')}</td><td>${
        q.alternatives ? `<a href="#${esc(groupAnchor(q.alternatives))}">${esc(q.alternatives)}</a>` : ''
      }</td><td class="num">${m ? `+${m.code.added} −${m.code.removed}` : '–'}</td><td class="num">${m ? `+${m.tests.added} −${m.tests.removed}` : '–'}</td><td class="num">${m ? m.tagsAdded : '–'}</td><td class="num">${m ? m.amends.length : '–'}</td><td>${coverageCell(path, p, docs)}</td><td>${barOf(p, max)}</td></tr>`;
    })
    .join('\n');
  const groups = new Map<string, SiteProposal[]>();
  for (const p of list) {
    const g = p.proposal.alternatives;
    if (g === undefined) continue;
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  const groupHtml = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([g, members]) => {
      const scale = Math.max(0, ...members.map((p) => codeSize(p.measure)));
      const smallest = Math.min(...members.map((p) => codeSize(p.measure)));
      const cards = members
        .map(
          (p) => `<div class="alt"><h3>${link(p.proposal.name)}</h3><p>${esc(p.proposal.title)}</p>
<p class="size">${barOf(p, scale)} <span class="num">${codeSize(p.measure)}</span> code lines${
            p.measure && members.length > 1 ? ` (${codeSize(p.measure) === smallest ? 'the smallest' : `+${codeSize(p.measure) - smallest} on the smallest`})` : ''
          }</p>
${p.measure ? `<p class="meta">${sizeLine(p.measure)}</p>` : ''}
${p.proposal.requires.length ? `<p class="meta">requires ${p.proposal.requires.map(link).join(', ')}: ${sizeWithRequired(p, list)} code lines with what it requires</p>` : ''}
<p class="meta">${coverageCell(path, p, docs)}</p></div>`,
        )
        .join('\n');
      return `<section class="group" aria-labelledby="${esc(groupAnchor(g))}"><h2 id="${esc(groupAnchor(g))}">Alternatives: ${esc(g)}</h2>
<p class="meta">${members.length} proposal${members.length === 1 ? '' : 's'} of one group: never applied together. Bars share one scale.</p>
${groupChart(members)}
<div class="alts">
${cards}
</div>
</section>`;
    })
    .join('\n');
  const body = `<header class="pagehead">
<h1>Proposals</h1>
<p class="meta">${list.length} extension${list.length === 1 ? '' : 's'} proposed as patches to the reference (<code>reference/proposals/</code>), each measured against the tree it applies to: code lines counted without blank lines, comments or tags; coverage of the documents it implements with it applied.</p>
</header>
<section aria-labelledby="h-all"><h2 id="h-all">Every proposal</h2>
${
  list.length
    ? `<div class="scroll"><table class="files proposals"><caption>Size and coverage of each proposal</caption>
<thead><tr><th scope="col">Proposal</th><th scope="col">Title</th><th scope="col">Implements</th><th scope="col">Requires</th><th scope="col">Alternatives</th><th scope="col" class="num">Code lines</th><th scope="col" class="num">Test lines</th><th scope="col" class="num">Tags added</th><th scope="col" class="num">Base tags amended</th><th scope="col">Coverage</th><th scope="col">Size</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`
    : '<p>No proposals yet.</p>'
}
</section>
${groupHtml}`;
  return layout({ path, title: 'Proposals', body, readme, live, proposals });
}
