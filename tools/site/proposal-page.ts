/**
 * A proposal's page (`proposals/<name>.html`): its README, then the annotated
 * patch, hunk by hunk (`#hunk-N`): highlighted as the module pages are, each
 * line marked added, removed or context by a sign and a word (not by colour
 * alone), every tag it adds shown as the module pages' quote box, every base
 * tag a hunk changes the lines of shown with its quote as "amends RFC 3261
 * §x"; last, the coverage of each document it implements, with the
 * requirements it leaves missing.
 */
import type { Requirement } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { esc } from './html.ts';
import { docName } from './docinfo.ts';
import { byKeyword, figures, figuresCells, FIGURES_HEAD } from './figures.ts';
import { citationBox, docByLabel, moduleTagBox } from './source-page.ts';
import { renderMarkdown } from './markdown.ts';
import type { Highlighter } from './highlight.ts';
import { lex } from '../annotate/lex.ts';
import type { ProposedFile, ProposedHunk, SiteProposal } from './proposals.ts';
import { docPage, filePage, groupAnchor, href, hunkAnchor, proposalPage, PROPOSALS_INDEX } from './urls.ts';
import { layout, type Frame } from './layout.ts';
import { sizeLine } from './proposals-index.ts';

/** What a proposal's page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface ProposalPageInput extends Frame {
  item: SiteProposal;
  /** Every document the page may name: the base's and the proposals' own, by id. */
  docs: ReadonlyMap<string, SpecDoc>;
  /** Project paths that have a page, for the README's links. */
  pages: ReadonlySet<string>;
}

const MARK = {
  '+': { cls: 'add', sign: '+', word: 'added' },
  '-': { cls: 'del', sign: '−', word: 'removed' },
  ' ': { cls: 'ctx', sign: ' ', word: 'unchanged' },
} as const;

/** HTML per line of a text: highlighted when it is TypeScript, escaped otherwise (a SIPp scenario, a README). */
function linesOf(hl: Highlighter, path: string, text: string | undefined): readonly string[] {
  if (text === undefined) return [];
  const t = text.replace(/\n$/, '');
  return path.endsWith('.ts') ? hl.lines(t) : t.split('\n').map(esc);
}

/** A line at column 0 that starts a top-level declaration: where the grammar is in its initial state. */
const TOP_LEVEL = /^(export|import|const|let|var|function|async|class|interface|type|enum|declare|abstract)\b|^\/\*\*/;

/**
 * The lines of a changed file that its hunks show (`ranges`: each hunk's
 * start and count on this side), highlighted, at [n] for line n (sparse).
 * Only from the top-level declaration each hunk is in, not from the file's
 * first line: a file of 900 lines with a hunk of 7 costs shiki that
 * declaration. A top-level start (bracket depth 0 before it, by
 * tools/annotate/lex.ts, and a declaration at column 0) is where the grammar
 * is in the state it would be in had it read the file from the start:
 * test/site/proposal-highlight.test.ts checks so on every real proposal.
 */
export function hunkWindows(hl: Highlighter, text: string, ranges: readonly (readonly [start: number, count: number])[]): string[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const { nestAfter } = lex(text);
  const safe = (l: number) => l === 0 || (nestAfter[l - 1] === 0 && TOP_LEVEL.test(lines[l]!));
  const out: string[] = [];
  // Windows (0-based, inclusive), one per hunk, merged where they overlap.
  const windows: [number, number][] = [];
  for (const [start, count] of ranges) {
    if (count === 0) continue;
    let from = start - 1;
    while (!safe(from)) from--;
    const to = Math.min(lines.length - 1, start - 1 + count - 1);
    const last = windows[windows.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else windows.push([from, to]);
  }
  for (const [from, to] of windows) hl.lines(lines.slice(from, to + 1).join('\n')).forEach((html, i) => (out[from + i + 1] = html));
  return out;
}

/** Line n of a file's text before and after the proposal, as HTML, at [n]: a new file whole (it is the proposal's own), a changed one where its hunks show it. */
function fileLines(hl: Highlighter, f: ProposedFile): { before: readonly string[]; after: readonly string[] } {
  if (f.status === 'modified' && f.path.endsWith('.ts') && f.before !== undefined && f.after !== undefined) {
    return {
      before: hunkWindows(hl, f.before, f.hunks.map((h) => [h.oldStart, h.oldLines] as const)),
      after: hunkWindows(hl, f.after, f.hunks.map((h) => [h.newStart, h.newLines] as const)),
    };
  }
  return { before: ['', ...linesOf(hl, f.path, f.before)], after: ['', ...linesOf(hl, f.path, f.after)] };
}

function hunkHtml(path: string, item: SiteProposal, f: ProposedFile, h: ProposedHunk, docs: ReadonlyMap<string, SpecDoc>, { before, after }: ReturnType<typeof fileLines>): string {
  const tagsAt = new Map<number, string[]>();
  for (const { tag, hunk } of item.tags) {
    if (hunk !== h.n || tag.file !== f.path) continue;
    const boxes =
      tag.refs.length === 0
        ? moduleTagBox(path, tag, docs)
        : item.citations
            .filter((c) => c.tag === tag)
            .map((c) => citationBox(path, c, docs))
            .join('');
    tagsAt.set(tag.line, [...(tagsAt.get(tag.line) ?? []), boxes]);
  }
  let oldLine = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
  let newLine = h.newLines === 0 ? h.newStart + 1 : h.newStart;
  const rows: string[] = [];
  for (const l of h.lines) {
    const m = MARK[l[0] as keyof typeof MARK];
    if (!m) continue; // `\ No newline at end of file`
    const raw = esc(l.slice(1));
    const o = m.cls === 'add' ? '' : String(oldLine);
    const n = m.cls === 'del' ? '' : String(newLine);
    const code = m.cls === 'del' ? (before[oldLine] ?? raw) : (after[newLine] ?? raw);
    const boxes = m.cls === 'add' ? (tagsAt.get(newLine)?.join('') ?? '') : '';
    rows.push(
      `<div class="l ${m.cls}${boxes ? ' tagline' : ''}"><span class="n">${o}</span><span class="n">${n}</span><span class="mk" title="${m.word}"><span aria-hidden="true">${m.sign}</span><span class="vh">${m.word}</span></span><div class="c">${code}${boxes}</div></div>`,
    );
    if (m.cls !== 'add') oldLine++;
    if (m.cls !== 'del') newLine++;
  }
  const amends = (item.amended.get(h.n) ?? [])
    .map((c) => `<div class="amend">${citationBox(path, c, docs, 'amends')}<p class="base">base tag: <a href="${esc(href(path, filePage(c.tag.file), `L${c.tag.line}`))}">${esc(c.tag.file)}:${c.tag.line}</a></p></div>`)
    .join('');
  const header = `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
  return `<section class="hunk" id="${hunkAnchor(h.n)}" aria-label="Hunk ${h.n}: ${esc(f.path)}">
<h4><a href="#${hunkAnchor(h.n)}">Hunk ${h.n}</a> <code>${esc(header)}</code></h4>
${amends ? `<div class="amends">${amends}</div>` : ''}<div class="code diff" role="region" tabindex="0" aria-label="Hunk ${h.n} of ${esc(f.path)}">
${rows.join('\n')}
</div>
</section>`;
}

const STATUS_WORD: Record<ProposedFile['status'], string> = { added: 'new file', modified: 'changed', deleted: 'deleted' };

function fileHtml(path: string, item: SiteProposal, f: ProposedFile, docs: ReadonlyMap<string, SpecDoc>, hl: Highlighter): string {
  const lines = fileLines(hl, f);
  return `<section class="pfile" aria-labelledby="f-${f.hunks[0]?.n ?? 0}-${esc(f.path.replace(/[^\w]/g, '-'))}">
<h3 id="f-${f.hunks[0]?.n ?? 0}-${esc(f.path.replace(/[^\w]/g, '-'))}"><code>${esc(f.path)}</code> <span class="fstatus">${STATUS_WORD[f.status]}</span></h3>
${f.hunks.map((h) => hunkHtml(path, item, f, h, docs, lines)).join('\n')}
</section>`;
}

function missingList(path: string, doc: SpecDoc, reqs: readonly Requirement[]): string {
  const missing = reqs.filter((r) => r.status === 'missing');
  if (!missing.length) return `<p>No requirement of ${esc(docName(doc))} is left missing.</p>`;
  return `<details class="missing"><summary>${missing.length} requirement${missing.length === 1 ? '' : 's'} of ${esc(docName(doc))} not cited by the proposal or the base</summary><ul>
${missing
  .map((r) => {
    const id = lineId(doc.lines[r.begin]!);
    return `<li><a href="${esc(href(path, docPage(doc), id))}">${id}</a>${r.section ? ` §${esc(r.section)}` : ''} <mark class="kw s-missing">${esc(r.keyword)}</mark> ${esc(r.text)}</li>`;
  })
  .join('\n')}
</ul></details>`;
}

function coverageHtml(path: string, item: SiteProposal, docs: ReadonlyMap<string, SpecDoc>): string {
  return item.coverage
    .map((c) => {
      const doc = docs.get(c.id)!;
      const after = figures(c.after);
      const before = figures(c.before);
      const rows = byKeyword(c.after)
        .map(([k, f]) => `<tr><th scope="row">${esc(k)}</th>${figuresCells(f)}</tr>`)
        .join('\n');
      return `<section aria-labelledby="cov-${esc(c.id)}"><h3 id="cov-${esc(c.id)}">Coverage of <a href="${esc(href(path, docPage(doc)))}">${esc(docName(doc))}</a>: ${esc(doc.title)}</h3>
<div class="scroll"><table class="figures"><caption>With the proposal applied, by key word</caption><thead><tr><th scope="col">Key word</th>${FIGURES_HEAD}</tr></thead><tbody>
${rows}
<tr class="total"><th scope="row">All</th>${figuresCells(after)}</tr>
<tr class="before"><th scope="row">All, before it</th>${figuresCells(before)}</tr>
</tbody></table></div>
${missingList(path, doc, c.after)}
</section>`;
    })
    .join('\n');
}

export function renderProposalPage({ item, docs, pages, readme, live, proposals }: ProposalPageInput, hl: Highlighter): string {
  const p = item.proposal;
  const path = proposalPage(p.name);
  const docLink = (label: string) => {
    const d = docByLabel(docs, label);
    return d ? `<a href="${esc(href(path, docPage(d)))}">${esc(docName(d))}</a>` : esc(label);
  };
  const facts = [
    `Implements ${p.implements.map(docLink).join(', ')}`,
    p.requires.length ? `requires ${p.requires.map((r) => `<a href="${esc(href(path, proposalPage(r)))}">${esc(r)}</a>`).join(', ')}` : '',
    p.alternatives ? `alternatives: <a href="${esc(href(path, PROPOSALS_INDEX, groupAnchor(p.alternatives)))}">${esc(p.alternatives)}</a>` : '',
  ].filter(Boolean);
  const prose = renderMarkdown(p.readmePath, p.readme, pages, path);
  const files = item.files.map((f) => fileHtml(path, item, f, docs, hl)).join('\n');
  const problem = item.problem ? `<div class="warnbox" role="note"><p>This proposal does not apply to this tree (${esc(item.problem)}): its hunks are shown as the patch has them, without quotes or coverage.</p></div>` : '';
  const hunks = item.files.reduce((n, f) => n + f.hunks.length, 0);
  const body = `<article class="proposal">
<header class="pagehead">
<p class="crumbs"><a href="${esc(href(path, PROPOSALS_INDEX))}">proposals</a> / ${esc(p.name)}</p>
<h1>${esc(p.title)}</h1>
<p class="meta">${facts.join(' · ')}</p>
${item.measure ? `<p class="meta">${sizeLine(item.measure)}</p>` : ''}
</header>
${problem}
<section class="prose" aria-labelledby="h-readme"><h2 id="h-readme">What it proposes</h2>
${prose}
<p class="meta">From <a href="${esc(href(path, filePage(p.readmePath)))}">${esc(p.readmePath)}</a>; the patch is <code>${esc(p.patchPath)}</code>.</p>
</section>
<section aria-labelledby="h-patch"><h2 id="h-patch">The patch: ${item.files.length} file${item.files.length === 1 ? '' : 's'}, ${hunks} hunk${hunks === 1 ? '' : 's'}</h2>
<p class="legend">Lines are marked <span class="mk-key add">+ added</span> <span class="mk-key del">− removed</span>; a tag the proposal adds is shown with the text it cites, a base tag whose lines a hunk changes as <span class="kind">amends</span>.</p>
${files}
</section>
${item.coverage.length ? `<section aria-labelledby="h-coverage"><h2 id="h-coverage">Coverage</h2>\n${coverageHtml(path, item, docs)}\n</section>` : ''}
</article>`;
  return layout({ path, title: p.title, body, readme, live, proposals });
}
