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
import { renderSourcePage, type SourcePageInput } from './source-page.ts';
import { renderDocPage, type DocPageInput } from './rfc-page.ts';
import { renderIndexPage } from './index-page.ts';
import { renderReadmePage, type ReadmeInput } from './markdown.ts';
import type { Frame } from './layout.ts';
import { pageKey } from './page-key.ts';
import type { SpecDoc } from '../spec/document.ts';
import { searchEntries, searchScript } from './search.ts';
import { docPage, filePage } from './urls.ts';

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
  render(project: Project): Promise<{ files: SiteFiles; stats: RenderStats }>;
  highlighter: Highlighter;
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
    async render(project) {
      assets ??= await Promise.all(['site.css', 'site.js'].map(async (f) => [`assets/${f}`, await readFile(join(ASSETS, f), 'utf8')] as [string, string]));
      const files: SiteFiles = new Map(assets);
      const before = hl.misses;
      let rendered = 0;
      // A page is rendered again only when its renderer's input changed (page-key.ts).
      const cached = (path: string, input: object, make: () => string) => {
        const key = pageKey(input);
        const hit = pageCache.get(path);
        if (hit && hit.key === key) return hit.html;
        rendered++;
        const html = make();
        pageCache.set(path, { key, html });
        return html;
      };

      const { sources, readmes } = pageFiles(project);
      const frame: Frame = { readme: readmes.some((r) => r.path === 'README.md'), live: opts.live === true };
      const byFile = new Map<string, Citation[]>();
      const byDoc = new Map<string, Citation[]>();
      for (const c of project.citations) {
        push(byFile, c.tag.file, c);
        push(byDoc, docId(c.tag.doc), c);
      }

      for (const f of sources) {
        const input: SourcePageInput = { file: f, citations: byFile.get(f.path) ?? [], docs: docsNamed(project, f), ...frame };
        const path = filePage(f.path);
        files.set(path, cached(path, input, () => renderSourcePage(input, hl.lines(f.text.replace(/\n$/, '')))));
      }

      for (const [id, doc] of project.docs) {
        const input: DocPageInput = { doc, citations: byDoc.get(id) ?? [], requirements: project.requirements.get(id) ?? [], ...frame };
        const path = docPage(doc);
        files.set(path, cached(path, input, () => renderDocPage(input)));
      }

      const pagePaths = new Set([...sources, ...readmes].map((f) => f.path));
      for (const r of readmes) {
        const input: ReadmeInput = { path: r.path, text: r.text, pages: pagePaths, ...frame };
        const path = filePage(r.path);
        files.set(path, cached(path, input, () => renderReadmePage(input)));
      }

      files.set('index.html', renderIndexPage(project, sources, frame));
      files.set('map.json', JSON.stringify(mapEntries(project), null, 1) + '\n');
      files.set('assets/search-index.js', searchScript(searchEntries(sources, project.docs.values(), readmes.map((r) => r.path))));
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
