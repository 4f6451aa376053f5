/**
 * The site: a Project (from analyzeProject) rendered to a map of site paths to
 * contents, then written all at once (write.ts). Rendering is pure apart from the
 * highlighter's cache; a renderer kept alive (rfcdoc serve) re-renders only
 * pages whose inputs changed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Citation, Project, SourceFile } from '../annotate/model.ts';
import { mapEntries } from '../annotate/project.ts';
import { docId } from '../annotate/resolve.ts';
import { createSiteHighlighter, type Highlighter } from './highlight.ts';
import { codeLinks, renderSourcePage, type SourcePageInput } from './source-page.ts';
import { folderInputs, folderTree, renderFolderPage } from './folder-page.ts';
import { renderDocPage, seriesOnSite, type DocPageInput } from './rfc-page.ts';
import { renderRequirementsPage, type RequirementsPageInput } from './requirements-page.ts';
import { renderIndexPage } from './index-page.ts';
import { renderReadmePage, type ReadmeInput } from './markdown.ts';
import type { Frame } from './layout.ts';
import { pageKey } from './page-key.ts';
import type { SpecDoc } from '../spec/document.ts';
import { searchIndex, searchScript, vendorAssets } from './search.ts';
import { citationsPage, citationsScript, docPage, requirementsPage, filePage, folderPage, proposalPage, PROPOSALS_INDEX } from './urls.ts';
import { renderCitationsPage, renderCitationsScript } from './citations-page.ts';
import { COPIED_ASSETS } from './assets.ts';
import { createProposalCache, proposalMapEntries, type ProposalCache, type ProposedCitation, type SiteProposals } from './proposals.ts';
import { renderProposalPage, type ProposalPageInput } from './proposal-page.ts';
import { renderProposalsIndex, type ProposalsIndexInput } from './proposals-index.ts';

const ASSETS = join(import.meta.dirname, 'assets');

export type SiteFiles = Map<string, string>;

export interface RenderStats {
  pages: number;
  /** Pages rendered this time (the rest came from the cache). */
  rendered: number;
  /** Source texts highlighted this time. */
  highlighted: number;
}

export interface SiteRenderer {
  /** `proposals`: the proposals stage's result (tools/site/proposals.ts), when the tree has any. */
  render(project: Project, proposals?: SiteProposals): Promise<{ files: SiteFiles; stats: RenderStats }>;
  highlighter: Highlighter;
  /** What the proposals stage keeps between builds of this renderer. */
  proposalCache: ProposalCache;
}

/** Files that get a page: modules, test files that carry tags, READMEs. */
export function pageFiles(project: Project): { sources: SourceFile[]; readmes: SourceFile[] } {
  const sources = project.files.filter((f) => f.role === 'module' || (f.role === 'test' && f.tags.length > 0));
  const readmes = project.files.filter((f) => f.role === 'readme');
  return { sources, readmes };
}

export interface RendererOptions {
  highlighter?: Highlighter;
  /** Render every page for `rfcdoc serve` (layout.ts: its CSP and live-reload script). */
  live?: boolean;
}

export async function createSiteRenderer(opts: RendererOptions = {}): Promise<SiteRenderer> {
  const hl = opts.highlighter ?? (await createSiteHighlighter());
  const pageCache = new Map<string, { key: string; html: string }>();
  let assets: [string, string][] | undefined;

  return {
    highlighter: hl,
    proposalCache: createProposalCache(),
    async render(project, proposals) {
      assets ??= [...(await Promise.all(COPIED_ASSETS.map(async (f) => [`assets/${f}`, await readFile(join(ASSETS, f), 'utf8')] as [string, string]))), ...(await vendorAssets())];
      const files: SiteFiles = new Map(assets);
      const before = hl.misses;
      let rendered = 0;
      // A page is rendered again only when its renderer's input changed (page-key.ts).
      const cachedAs = (path: string, key: string, make: () => string) => {
        const hit = pageCache.get(path);
        if (hit && hit.key === key) return hit.html;
        rendered++;
        const html = make();
        pageCache.set(path, { key, html });
        return html;
      };
      const cached = (path: string, input: object, make: () => string) => cachedAs(path, pageKey(input), make);

      const { sources, readmes } = pageFiles(project);
      const shown = proposals?.list ?? [];
      const frame: Frame = { readme: readmes.some((r) => r.path === 'README.md'), live: opts.live === true, proposals: shown.length > 0 };
      const byFile = new Map<string, Citation[]>();
      const byDoc = new Map<string, Citation[]>();
      for (const c of project.citations) {
        push(byFile, c.tag.file, c);
        push(byDoc, docId(c.tag.doc), c);
      }

      const links = codeLinks(sources, project.citations);
      for (const f of sources) {
        const input: SourcePageInput = { file: f, citations: byFile.get(f.path) ?? [], docs: docsNamed(project, f), links: links.get(f.path), ...frame };
        const path = filePage(f.path);
        files.set(path, cached(path, input, () => renderSourcePage(input, hl.lines(f.text.replace(/\n$/, '')))));
      }

      const proposedByDoc = new Map<string, ProposedCitation[]>();
      for (const p of shown) for (const c of p.citations) push(proposedByDoc, docId(c.tag.doc), c);
      // The documents only proposals cite get a page too: no base citation, every requirement as the base leaves it.
      const withPage = [...project.docs, ...(proposals?.docs ?? [])];
      const onSite = new Set(withPage.map(([, d]) => d.label));
      for (const [id, doc] of withPage) {
        const requirements = project.requirements.get(id) ?? proposals?.requirements.get(id) ?? [];
        const input: DocPageInput = { doc, citations: byDoc.get(id) ?? [], requirements, proposed: proposedByDoc.get(id) ?? [], series: seriesOnSite(doc, onSite), ...frame };
        const path = docPage(doc);
        // Its citations by line, and the lists its "+N more" opens (tools/site/citations-page.ts): the same input, so one key (the costliest of the site's to hash, ~70 ms for all the documents).
        const key = pageKey(input);
        files.set(path, cachedAs(path, key, () => renderDocPage(input)));
        const cites = citationsPage(doc);
        files.set(cites, cachedAs(cites, key, () => renderCitationsPage(input)));
        const more = citationsScript(doc);
        files.set(more, cachedAs(more, key, () => renderCitationsScript(input)));
        // Its requirement view: each requirement with its status and what cites it (tools/site/requirements-page.ts).
        // Its input is part of the page's, so the page's key serves it too (one hash of the document's requirements, not two).
        const view: RequirementsPageInput = { doc, requirements, proposed: input.proposed, ...frame };
        const viewPath = requirementsPage(doc);
        files.set(viewPath, cachedAs(viewPath, key, () => renderRequirementsPage(view)));
      }

      const pagePaths = new Set([...sources, ...readmes].map((f) => f.path));
      for (const r of readmes) {
        const input: ReadmeInput = { path: r.path, text: r.text, pages: pagePaths, ...frame };
        const path = filePage(r.path);
        files.set(path, cached(path, input, () => renderReadmePage(input)));
      }
      for (const input of folderInputs(folderTree(project, sources, readmes), pagePaths, frame)) {
        const path = folderPage(input.dir);
        files.set(path, cached(path, input, () => renderFolderPage(input)));
      }

      if (shown.length) {
        const docs = new Map([...project.docs, ...(proposals?.docs ?? [])]);
        for (const item of shown) {
          const input: ProposalPageInput = { item, docs, pages: pagePaths, ...frame };
          const path = proposalPage(item.proposal.name);
          files.set(path, cached(path, input, () => renderProposalPage(input, hl)));
        }
        const input: ProposalsIndexInput = { list: shown, docs, ...frame };
        files.set(PROPOSALS_INDEX, cached(PROPOSALS_INDEX, input, () => renderProposalsIndex(input)));
      }

      files.set('index.html', renderIndexPage(project, sources, frame, shown.length));
      // The proposals' citations come after the base's, each naming its proposal: readers of the base's rows see them as they were.
      files.set('map.json', JSON.stringify([...mapEntries(project), ...proposalMapEntries(shown, new Map([...project.docs, ...(proposals?.docs ?? [])]))], null, 1) + '\n');
      files.set('assets/search-index.js', searchScript(searchIndex(project, sources, readmes, proposals)));
      files.set('assets/code.css', hl.css());
      return { files, stats: { pages: files.size, rendered: rendered + 1, highlighted: hl.misses - before } };
    },
  };
}

/** The documents a file's tags name (all a source page reads of project.docs), by id. */
function docsNamed(project: Project, file: SourceFile): Map<string, SpecDoc> {
  const docs = new Map<string, SpecDoc>();
  for (const t of file.tags) {
    const id = docId(t.doc);
    const d = project.docs.get(id);
    if (d) docs.set(id, d);
  }
  return docs;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export { writeSite } from './write.ts';
