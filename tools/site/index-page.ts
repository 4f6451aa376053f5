/** The index: every module and test file with its figures, every cited document with its coverage. */
import type { Citation, Project, SourceFile } from '../annotate/model.ts';
import { esc } from './html.ts';
import { docName } from './docinfo.ts';
import { figures, figuresCells, FIGURES_HEAD } from './figures.ts';
import { stackedBar } from './bars.ts';
import { docByLabel, fileDocs } from './source-page.ts';
import { docPage, filePage, href, PROPOSALS_INDEX } from './urls.ts';
import { layout, type Frame } from './layout.ts';

export function renderIndexPage(project: Project, pages: readonly SourceFile[], { readme, live, proposals }: Frame, proposalCount = 0): string {
  const path = 'index.html';
  const citationsOf = new Map<string, number>();
  const docCitations = new Map<string, Citation[]>();
  for (const c of project.citations) {
    citationsOf.set(c.tag.file, (citationsOf.get(c.tag.file) ?? 0) + 1);
    const d = docByLabel(project.docs, c.tag.doc);
    if (!d) continue;
    const list = docCitations.get(d.name.id);
    if (list) list.push(c);
    else docCitations.set(d.name.id, [c]);
  }
  const docLinks = (f: SourceFile) =>
    fileDocs(f)
      .map((label) => {
        const d = docByLabel(project.docs, label);
        return d ? `<a href="${esc(href(path, docPage(d)))}">${esc(docName(d))}</a>` : esc(label);
      })
      .join(', ');
  const table = (files: SourceFile[], caption: string) => `<div class="scroll"><table class="files">
<caption>${caption}</caption>
<thead><tr><th scope="col">File</th><th scope="col">Description</th><th scope="col" class="num">SLoC</th><th scope="col" class="num">Citations</th><th scope="col">Documents</th></tr></thead>
<tbody>
${files
  .map(
    (f) =>
      `<tr><th scope="row"><a href="${esc(href(path, filePage(f.path)))}">${esc(f.path)}</a></th><td>${esc(f.description ?? '')}</td><td class="num">${f.sloc}</td><td class="num">${citationsOf.get(f.path) ?? 0}</td><td>${docLinks(f)}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
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
  const body = `<header class="pagehead">
<h1>Reference implementations and the text they implement</h1>
<p class="meta">${modules.length} modules (${sloc} SLoC), ${tests.length} test files, ${project.citations.length} citations of ${docs.length} documents; ${all.total} requirements, ${all.counts.tested} tested, ${all.counts.implemented} implemented, ${all.covered} covered.</p>
</header>
<section aria-labelledby="h-modules"><h2 id="h-modules">Modules</h2>
${modules.length ? table(modules, 'Reference modules under reference/') : '<p>No modules yet.</p>'}
</section>
<section aria-labelledby="h-docs"><h2 id="h-docs">Cited documents</h2>
${
  docs.length
    ? `<div class="scroll"><table class="figures"><caption>Requirement coverage per document</caption><thead><tr><th scope="col">Document</th><th scope="col">Title</th><th scope="col" class="num">Citations</th>${FIGURES_HEAD}<th scope="col">Coverage</th></tr></thead><tbody>
${docRows}
</tbody></table></div>`
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
${tests.length ? table(tests, 'Test files with tags') : '<p>No test file carries a tag yet.</p>'}
</section>`;
  return layout({ path, title: 'Index', body, readme, live, proposals });
}
