/**
 * The whole annotate pipeline over a source tree: read files → scan → load
 * the cited documents (fetch, paginate) → resolve → requirements → coverage,
 * the one pipeline under check, coverage, build and serve (which renders
 * after it). The only I/O is reading the tree and loading documents;
 * diagnostics are values. Given a StageCache, a stage whose input did not
 * change gives its last result (serve's speed).
 *
 * Files: every `.ts` file and every `README.md` under the given paths
 * (directories are walked; `node_modules` and directories named `fixtures`
 * are skipped, as the test runner skips them). Paths in the result are
 * project-relative posix paths, sorted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { error, type Diagnostic } from '../diagnostics.ts';
import { parseDocName, type DocName } from '../spec/docname.ts';
import { lineId } from '../spec/paginate.ts';
import { loadDocs, type StoreEvent, type StoreOptions } from '../spec/store.ts';
import type { Progress } from '../progress.ts';
import type { SpecDoc } from '../spec/document.ts';
import { applyCoverage } from './coverage.ts';
import type { MapEntry, Project, Requirement, SourceFile, Tag } from './model.ts';
import { extractRequirements } from './requirements.ts';
import { docId, resolveTags } from './resolve.ts';
import { scanSource } from './scan.ts';

export const DEFAULT_PATHS = ['reference', 'test'];

export interface AnalyzeOptions {
  /** The project root; paths and file names are relative to it. */
  root: string;
  /** Files or directories below root (default reference/ and test/). */
  paths?: readonly string[];
  store: StoreOptions;
  /** Documents to load and extract requirements of even when no tag cites them. */
  extraDocs?: readonly DocName[];
  /** Progress display for loading documents, given how many there are. */
  progress?: (total: number) => Progress;
  /** Stage results kept from an earlier run (serve keeps one); default: an empty one. */
  cache?: StageCache;
}

const SKIP_DIRS = new Set(['node_modules', 'fixtures']);
const wanted = (name: string) => name.endsWith('.ts') || name === 'README.md';

/** Project-relative posix paths of the files under `paths`; a missing path is a diagnostic. */
export async function listFiles(root: string, paths: readonly string[]): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const found = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const walk = async (abs: string) => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile() && wanted(e.name)) found.add(toPosix(relative(root, p)));
    }
  };
  for (const path of paths) {
    const abs = resolve(root, path);
    let s;
    try {
      s = await stat(abs);
    } catch (e) {
      // ENOTDIR: a path below a file (`via.ts/x`) is as missing as one that is not there.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      diagnostics.push(error(`${path}: no such file or directory`));
      continue;
    }
    if (s.isDirectory()) await walk(abs);
    else found.add(toPosix(relative(root, abs)));
  }
  return { files: [...found].sort(), diagnostics };
}

const toPosix = (p: string) => p.split(sep).join('/');

/**
 * What analyzeProject keeps from one run to the next (rfcdoc serve keeps one;
 * check, coverage and build start from an empty one): each stage's result,
 * keyed on that stage's own input.
 */
export interface StageCache {
  /** scan: a file's result while its text is the same. */
  scans: Map<string, { text: string; file: SourceFile; diagnostics: Diagnostic[] }>;
  /** load: a document by id, with the warnings and notes that came with loading it; one that failed is not kept, so it is tried again. */
  docs: Map<string, { doc: SpecDoc; notes: Diagnostic[] }>;
  /** requirements: a loaded document's requirement sentences (coverage is applied anew each run). */
  requirements: WeakMap<SpecDoc, Requirement[]>;
}

export const createStageCache = (): StageCache => ({ scans: new Map(), docs: new Map(), requirements: new WeakMap() });

export async function analyzeProject(opts: AnalyzeOptions): Promise<Project> {
  const { root } = opts;
  const cache = opts.cache ?? createStageCache();
  const listed = await listFiles(root, opts.paths ?? DEFAULT_PATHS);
  const diagnostics: Diagnostic[] = [...listed.diagnostics];

  const scanned = await scanStage(root, listed.files, cache);
  const files = scanned.map((s) => s.file);
  for (const s of scanned) diagnostics.push(...s.diagnostics);

  const tags = files.flatMap((f) => f.tags);
  const names = citedDocNames(tags);
  for (const n of opts.extraDocs ?? []) names.set(n.id, n);
  const loaded = await loadStage([...names.values()], opts, cache);
  diagnostics.push(...loaded.diagnostics);

  const resolved = resolveTags(tags, loaded.docs);
  diagnostics.push(...resolved.diagnostics);

  const requirements = new Map<string, Requirement[]>();
  for (const [id, doc] of [...loaded.docs].sort(([a], [b]) => a.localeCompare(b))) {
    let reqs = cache.requirements.get(doc);
    if (!reqs) cache.requirements.set(doc, (reqs = extractRequirements(doc)));
    requirements.set(id, applyCoverage(reqs, resolved.citations));
  }
  return { root, files, docs: loaded.docs, citations: resolved.citations, requirements, diagnostics: sortDiagnostics(diagnostics) };
}

/** Reads and scans the listed files; a file whose text is unchanged is not scanned again. Files no longer listed leave the cache. */
async function scanStage(root: string, paths: readonly string[], cache: StageCache) {
  const texts = await Promise.all(paths.map((f) => readFile(join(root, f), 'utf8')));
  const listed = new Set(paths);
  for (const p of [...cache.scans.keys()]) if (!listed.has(p)) cache.scans.delete(p);
  return paths.map((path, i) => {
    const text = texts[i]!;
    let s = cache.scans.get(path);
    if (!s || s.text !== text) cache.scans.set(path, (s = { text, ...scanSource(path, text) }));
    return s;
  });
}

/**
 * The documents asked for: loaded (fetched if need be) once, then from the
 * cache. An error is said when it happens; a warning or note stays with its
 * own document and is said whenever that document is asked for, never with
 * another loaded beside it. A batch's notes about rfc-index.txt go with each
 * RFC of that batch (each looked its title up there; a draft does not).
 */
async function loadStage(names: readonly DocName[], opts: AnalyzeOptions, cache: StageCache): Promise<{ docs: Map<string, SpecDoc>; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const missing = names.filter((n) => !cache.docs.has(n.id));
  if (missing.length) {
    const progress = opts.progress?.(missing.length);
    const store = progress ? { ...opts.store, onEvent: (e: StoreEvent) => progress.event(e) } : opts.store;
    const loaded = await loadDocs(missing, store);
    progress?.done();
    const isError = (d: Diagnostic) => d.severity === 'error';
    diagnostics.push(...loaded.diagnostics.filter(isError));
    const batch = loaded.batch.filter((d) => !isError(d));
    for (const [id, doc] of loaded.docs) {
      const own = (loaded.byDoc.get(id) ?? []).filter((d) => !isError(d));
      cache.docs.set(id, { doc, notes: doc.name.kind === 'rfc' ? [...own, ...batch] : own });
    }
  }
  const docs = new Map<string, SpecDoc>();
  const notes = new Set<Diagnostic>();
  for (const n of names) {
    const c = cache.docs.get(n.id);
    if (!c) continue;
    docs.set(n.id, c.doc);
    for (const d of c.notes) notes.add(d);
  }
  return { docs, diagnostics: [...diagnostics, ...notes] };
}

/** The documents the tags cite, by id. */
export function citedDocNames(tags: readonly Tag[]): Map<string, DocName> {
  const names = new Map<string, DocName>();
  for (const t of tags) {
    const n = parseDocName(t.doc);
    names.set(n.id, n);
  }
  return names;
}

/** Unlocated diagnostics first, then by file, line, column. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file === undefined ? 0 : 1) - (b.file === undefined ? 0 : 1) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}

/** One row per citation, for site/map.json: sorted by document, then position in it, then file and line. */
export function mapEntries(project: Project): MapEntry[] {
  const rows = project.citations.map((c) => {
    const doc = project.docs.get(docId(c.tag.doc))!;
    return {
      entry: {
        doc: c.tag.doc,
        ref: c.ref.text,
        begin: lineId(doc.lines[c.span.begin]!),
        end: lineId(doc.lines[c.span.end]!),
        kind: c.tag.kind,
        file: c.tag.file,
        line: c.tag.line,
      } satisfies MapEntry,
      begin: c.span.begin,
    };
  });
  rows.sort(
    (a, b) =>
      a.entry.doc.localeCompare(b.entry.doc) ||
      a.begin - b.begin ||
      a.entry.file.localeCompare(b.entry.file) ||
      a.entry.line - b.entry.line,
  );
  return rows.map((r) => r.entry);
}
