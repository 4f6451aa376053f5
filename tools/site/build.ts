/**
 * The site: a Project (from analyzeProject) rendered to a map of site paths to
 * contents, then written all at once (write.ts). Rendering is pure apart from the
 * highlighter's cache; a renderer kept alive (rfcdoc serve) re-renders only
 * pages whose inputs changed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Citation, Project, SourceFile } from '../annotate/model.ts';
import { mapEntries } from '../annotate/project.ts';
import { docId } from '../annotate/resolve.ts';
import { createSiteHighlighter, type Highlighter } from './highlight.ts';
import { renderSourcePage } from './source-page.ts';
import { renderDocPage } from './rfc-page.ts';
import { renderIndexPage } from './index-page.ts';
import { renderReadmePage } from './markdown.ts';
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

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Files that get a page: modules, test files that carry tags, READMEs. */
export function pageFiles(project: Project): { sources: SourceFile[]; readmes: SourceFile[] } {
  const sources = project.files.filter((f) => f.role === 'module' || (f.role === 'test' && f.tags.length > 0));
  const readmes = project.files.filter((f) => f.role === 'readme');
  return { sources, readmes };
}

export async function createSiteRenderer(highlighter?: Highlighter): Promise<SiteRenderer> {
  const hl = highlighter ?? (await createSiteHighlighter());
  const pageCache = new Map<string, { key: string; html: string }>();
  let assets: [string, string][] | undefined;

  return {
    highlighter: hl,
    async render(project) {
      assets ??= await Promise.all(['site.css', 'site.js'].map(async (f) => [`assets/${f}`, await readFile(join(ASSETS, f), 'utf8')] as [string, string]));
      const files: SiteFiles = new Map(assets);
      const before = hl.misses;
      let rendered = 0;
      const cached = (path: string, key: string, make: () => string) => {
        const hit = pageCache.get(path);
        if (hit && hit.key === key) return hit.html;
        rendered++;
        const html = make();
        pageCache.set(path, { key, html });
        return html;
      };

      const { sources, readmes } = pageFiles(project);
      const hasReadme = readmes.some((r) => r.path === 'README.md');
      const byFile = new Map<string, Citation[]>();
      const byDoc = new Map<string, Citation[]>();
      for (const c of project.citations) {
        push(byFile, c.tag.file, c);
        push(byDoc, docId(c.tag.doc), c);
      }

      for (const f of sources) {
        const cs = byFile.get(f.path) ?? [];
        const docsKey = [...new Set(cs.map((c) => docId(c.tag.doc)))].map((id) => project.docs.get(id)?.sha256).join();
        const key = sha1(`${hasReadme}\0${f.text}\0${JSON.stringify(f.tags)}\0${docsKey}\0${f.description}\0${f.sloc}`);
        const path = filePage(f.path);
        files.set(path, cached(path, key, () => renderSourcePage({ file: f, lines: hl.lines(f.text.replace(/\n$/, '')), citations: cs, docs: project.docs, readme: hasReadme })));
      }

      for (const [id, doc] of project.docs) {
        const cs = byDoc.get(id) ?? [];
        const reqs = project.requirements.get(id) ?? [];
        const key = sha1(
          `${hasReadme}\0${doc.sha256}\0${JSON.stringify(cs.map((c) => [c.tag.kind, c.tag.file, c.tag.line, c.span.begin, c.span.end]))}\0${reqs.map((r) => r.status[0]).join('')}`,
        );
        const path = docPage(doc);
        files.set(path, cached(path, key, () => renderDocPage({ doc, citations: cs, requirements: reqs, readme: hasReadme })));
      }

      const pagePaths = new Set([...sources, ...readmes].map((f) => f.path));
      for (const r of readmes) {
        const path = filePage(r.path);
        files.set(path, cached(path, sha1(`${r.text}\0${[...pagePaths].join()}`), () => renderReadmePage({ path: r.path, text: r.text, pages: pagePaths, readme: hasReadme })));
      }

      files.set('index.html', renderIndexPage(project, sources, hasReadme));
      files.set('map.json', JSON.stringify(mapEntries(project), null, 1) + '\n');
      files.set('assets/search-index.js', searchScript(searchEntries(sources, project.docs.values(), readmes.map((r) => r.path))));
      files.set('assets/code.css', hl.css());
      return { files, stats: { pages: files.size, rendered: rendered + 1, highlighted: hl.misses - before } };
    },
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export { writeSite, type WriteOptions, type WriteResult } from './write.ts';
