/**
 * The index: the coverage summary first, then the modules and the tests
 * grouped by protocol (the top-level folders of reference/, and of
 * test/reference/), a row per folder linking to its folder page, then every
 * cited document with its coverage. Every table becomes cards on a phone.
 */
import { posix } from 'node:path';
import type { Citation, Project, SourceFile } from '../annotate/model.ts';
import { esc } from './html.ts';
import { docName } from './docinfo.ts';
import { figures, figuresCells, FIGURES_HEAD, figuresText } from './figures.ts';
import { stackedBar } from './bars.ts';
import { docByLabel } from './source-page.ts';
import { cards, FOLDER_HEAD, folderCounts, folderRows, folderTree, type FolderRow, type FolderTree } from './folder-page.ts';
import { docPage, filePage, folderPage, href, PROPOSALS_INDEX } from './urls.ts';
import { layout, type Frame } from './layout.ts';

export function renderIndexPage(project: Project, pages: readonly SourceFile[], { readme, live, proposals }: Frame, proposalCount = 0): string {
  const path = 'index.html';
  const docCitations = new Map<string, Citation[]>();
  for (const c of project.citations) {
    const d = docByLabel(project.docs, c.tag.doc);
    if (!d) continue;
    const list = docCitations.get(d.name.id);
    if (list) list.push(c);
    else docCitations.set(d.name.id, [c]);
  }
  const modules = pages.filter((f) => f.role === 'module');
  const tests = pages.filter((f) => f.role === 'test');
  const docs = [...project.docs.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const docRows = docs
    .map((d) => {
      const reqs = project.requirements.get(d.label) ?? project.requirements.get(d.name.id) ?? [];
      return `<tr><th scope="row"><a href="${esc(href(path, docPage(d)))}">${esc(docName(d))}</a></th><td>${esc(d.title)}</td><td class="num">${(docCitations.get(d.name.id) ?? []).length}</td>${figuresCells(figures(reqs))}<td>${stackedBar(figures(reqs), docName(d))}</td></tr>`;
    })
    .join('\n');
  const all = figures([...project.requirements.values()].flat());
  const sloc = modules.reduce((n, f) => n + f.sloc, 0);
  const tree = folderTree(project, pages, project.files.filter((f) => f.role === 'readme'));
  const groups = (top: 'reference' | 'test') => protocolGroups(tree, top);
  const moduleGroups = groups('reference');
  const testGroups = groups('test');
  const body = `<header class="pagehead">
<h1>Reference implementations and the text they implement</h1>
<p class="meta">${modules.length} modules (${sloc} SLoC), ${tests.length} test files, ${project.citations.length} citations of ${docs.length} documents; ${all.total} requirements, ${all.counts.tested} tested, ${all.counts.implemented} implemented, ${all.covered} covered.</p>
</header>
<section aria-labelledby="h-coverage"><h2 id="h-coverage">Coverage</h2>
<p class="summary">All ${docs.length} cited documents: ${esc(figuresText(all))} (<a href="#h-docs">per document</a>).</p>
${
  moduleGroups.length
    ? cards(`<table class="protocols"><caption>Modules by protocol: what each cites, by status</caption>${FOLDER_HEAD.replace('>Folder<', '>Protocol<')}<tbody>
${folderRows(path, moduleGroups.map((g) => g.head), (r) => `${r.dir.slice('reference/'.length)}/`)}
</tbody></table>`)
    : '<p>No modules yet.</p>'
}
</section>
<section aria-labelledby="h-modules"><h2 id="h-modules">Modules</h2>
${moduleGroups.map((g) => groupSection(path, g, 'm')).join('\n')}
${topFiles(path, tree, 'reference')}
</section>
<section aria-labelledby="h-docs"><h2 id="h-docs">Cited documents</h2>
${
  docs.length
    ? `<div class="scroll">${cards(`<table class="figures"><caption>Requirement coverage per document</caption><thead><tr><th scope="col">Document</th><th scope="col">Title</th><th scope="col" class="num">Citations</th>${FIGURES_HEAD}<th scope="col">Coverage</th></tr></thead><tbody>
${docRows}
</tbody></table>`)}</div>`
    : '<p>No documents cited yet.</p>'
}
</section>
${
  proposalCount
    ? `<section aria-labelledby="h-proposals"><h2 id="h-proposals">Proposals</h2>
<p><a href="${esc(href(path, PROPOSALS_INDEX))}">${proposalCount} extension${proposalCount === 1 ? '' : 's'} proposed as patches</a>, with their size and coverage, alternatives side by side.</p>
</section>
`
    : ''
}<section aria-labelledby="h-tests"><h2 id="h-tests">Tests</h2>
${testGroups.length || tree.files.get('test')?.length ? testGroups.map((g) => groupSection(path, g, 't')).join('\n') : '<p>No test file carries a tag yet.</p>'}
${topFiles(path, tree, 'test')}
</section>`;
  return layout({ path, title: 'Index', body, readme, live, proposals });
}

/** A protocol: the folder heading it (`reference/sip`, `test/reference/sip`) and every folder below it that holds pages of its own. */
interface Group {
  head: FolderRow;
  folders: FolderRow[];
}

/** The folder a folder's protocol is headed by: `reference/sip/ua` → `reference/sip`; tests under test/reference/ likewise, other tests by their first folder. */
export function protocolOf(dir: string): string {
  const parts = dir.split('/');
  const depth = parts[0] === 'test' && parts[1] === 'reference' ? 3 : 2;
  return parts.slice(0, depth).join('/');
}

function protocolGroups(tree: FolderTree, top: 'reference' | 'test'): Group[] {
  const groups = new Map<string, Group>();
  for (const [dir, files] of [...tree.files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // The files right in reference/ or test/ belong to no protocol (topFiles lists them).
    if (!files.length || !dir.startsWith(`${top}/`)) continue;
    const head = protocolOf(dir);
    let g = groups.get(head);
    if (!g) groups.set(head, (g = { head: tree.folders.get(head)!, folders: [] }));
    g.folders.push(tree.folders.get(dir)!);
  }
  return [...groups.values()];
}

/** The files right in `top` (reference/clock.ts), linked with their descriptions. */
function topFiles(path: string, tree: FolderTree, top: 'reference' | 'test'): string {
  const files = tree.files.get(top) ?? [];
  if (!files.length) return '';
  const items = files.map((f) => `<li><a href="${esc(href(path, filePage(f.path)))}"><code>${esc(posix.basename(f.path))}</code></a>${f.description ? ` ${esc(f.description)}` : ''}</li>`);
  return `<section class="group" aria-labelledby="${top}-top"><h3 id="${top}-top">In <a href="${esc(href(path, folderPage(top)))}"><code>${top}/</code></a> itself</h3>
<ul class="top-files">${items.join('')}</ul>
</section>`;
}

/** A protocol's heading (a link to its folder page) and a row per folder of it. */
function groupSection(path: string, g: Group, prefix: string): string {
  const id = `${prefix}-${g.head.dir.replace(/[^\w-]+/g, '-')}`;
  const under = `${g.head.dir}/`;
  return `<section class="group" aria-labelledby="${esc(id)}"><h3 id="${esc(id)}"><a href="${esc(href(path, folderPage(g.head.dir)))}"><code>${esc(g.head.dir)}/</code></a>${g.head.title ? ` <span class="about">${esc(g.head.title)}</span>` : ''}</h3>
<p class="meta">${esc(folderCounts(g.head))}, ${g.head.citations} citations</p>
${cards(`<table class="folders"><caption>Folders of ${esc(g.head.dir)}/</caption>${FOLDER_HEAD}<tbody>
${folderRows(path, g.folders, (r) => (r.dir === g.head.dir ? `${posix.basename(r.dir)}/` : `${r.dir.slice(under.length)}/`))}
</tbody></table>`)}
</section>`;
}
