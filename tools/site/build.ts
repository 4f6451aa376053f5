/**
 * The site: a Project (from analyzeProject) rendered to a map of site paths to
 * contents, then written all at once. Rendering is pure apart from the
 * highlighter's cache; a renderer kept alive (rfcdoc serve) re-renders only
 * pages whose inputs changed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
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
import { planSiteWrite, siteMarker, SITE_MARKER } from '../outputs.ts';

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

export interface WriteOptions {
  /** The project: a site is never written into its sources (tools/outputs.ts). */
  root?: string;
  /** Write into a non-empty directory rfcdoc did not write (what it holds is kept). */
  force?: boolean;
}

export interface WriteResult {
  /** Where the site is (real path, symbolic links resolved). */
  path: string;
  /** Entries found there that rfcdoc did not write, kept in the new site. */
  kept: string[];
}

/**
 * Writes the whole site into a sibling temporary directory, then swaps it in
 * by rename: a reader sees the old site or the new one, never a mix, and a
 * failure leaves the old site as it was and no temporary directory behind.
 * Only what an earlier build wrote is replaced: anything else found there
 * is moved into the new site before the swap (and back if the swap fails),
 * and the new site's marker lists what this build wrote.
 */
export async function writeSite(out: string, files: SiteFiles, opts: WriteOptions = {}): Promise<WriteResult> {
  const { dir, keep } = planSiteWrite(opts.root, out, files.keys(), opts.force === true);
  const target = dir.path;
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.new-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  const moved: string[] = [];
  let swapped = false;
  try {
    await mkdir(tmp);
    const all = new Map(files).set(SITE_MARKER, siteMarker(files.keys()));
    const dirs = new Set<string>();
    for (const p of all.keys()) dirs.add(dirname(join(tmp, p)));
    for (const d of [...dirs].sort()) await mkdir(d, { recursive: true });
    await Promise.all([...all].map(([p, text]) => writeFile(join(tmp, p), text)));
    for (const k of keep) {
      await mkdir(dirname(join(tmp, k)), { recursive: true });
      await rename(join(target, k), join(tmp, k));
      moved.push(k);
    }
    let hadOld = true;
    try {
      await rename(target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    try {
      await rename(tmp, target);
      swapped = true;
    } catch (e) {
      if (hadOld) await rename(old, target);
      throw e;
    }
    // `old` now holds only files an earlier build wrote.
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (e) {
    if (!swapped) {
      // What was carried over goes back where it was before the temporary directory goes.
      for (const k of moved.reverse()) await rename(join(tmp, k), join(target, k));
      await rm(tmp, { recursive: true, force: true });
    }
    throw e;
  }
  return { path: target, kept: keep };
}
