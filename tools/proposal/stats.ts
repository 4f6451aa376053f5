/**
 * `rfcdoc proposal stats`: a proposal measured against the tree it applies
 * to (the base, with what it requires applied first): the patch's size
 * (measure.ts) and, for each document it implements, the requirement
 * coverage before and after it, by key word, computed by the one annotate
 * pipeline (analyzeProject, the coverage `rfcdoc coverage` prints) on the
 * scratch tree. `list` uses the size alone.
 *
 * What is expensive (a scratch tree, two analyses) is kept: a result is
 * written to `<cache>/proposals/<key>.json`, the key a sha256 of the base's
 * tracked files (paths and contents) and of the patches applied, so a
 * changed base or patch is measured again and nothing stale is read. Each
 * change of the base is a new key: the MAX_KEPT most recently used results
 * are kept, the others removed (pruneKept), so the folder stays bounded.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { coverageFigures, type Figures } from '../annotate/coverage.ts';
import { analyzeProject, createStageCache, type StageCache } from '../annotate/project.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { parseDocName } from '../spec/docname.ts';
import { cacheWriter, type StoreOptions } from '../spec/store.ts';
import { applyChain, applyOne, createScratch, removeScratch, resetScratch, trackedFiles, type Scratch } from './apply.ts';
import { readPatch } from './load.ts';
import { measurePatch, type Measure } from './measure.ts';
import type { Proposal } from './model.ts';
import { withRequired } from './plan.ts';
import { gitOk } from './run.ts';

/** Raised when what stats computes, or how, changes: results cached before are not read. */
const STATS_FORMAT = 3;

export interface KeywordCoverage {
  keyword: string;
  total: number;
  tested: number;
  implemented: number;
  exception: number;
  todo: number;
  missing: number;
  covered: number;
  coveredPercent: number;
}

export interface DocCoverage {
  doc: string;
  /** Per key word, with the proposal applied. */
  after: KeywordCoverage[];
  /** Per key word, before it (the base, with what it requires). */
  before: KeywordCoverage[];
}

export interface ProposalStats extends Measure {
  name: string;
  documents: string[];
  /** Applied before it, in order. */
  on: string[];
  coverage: DocCoverage[];
}

export type StatsResult = { ok: true; stats: ProposalStats } | { ok: false; name: string; diagnostics: Diagnostic[] };

/** sha256 of the tracked files of a tree, paths and contents: what the base is. */
async function treeHash(root: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of (await trackedFiles(root)).sort()) {
    h.update(`${f}\0`);
    const path = join(root, f);
    h.update((await lstat(path)).isSymbolicLink() ? await readlink(path) : await readFile(path));
    h.update('\0');
  }
  return h.digest('hex');
}

function cacheKey(base: string, chain: readonly Proposal[], what: string): string {
  const h = createHash('sha256').update(`${STATS_FORMAT}\0${what}\0${base}\0`);
  for (const p of chain) h.update(`${p.name}\0${p.patch}\0${p.implements.join(',')}\0`);
  return h.digest('hex');
}

const byKeyword = (f: Record<string, Figures>): KeywordCoverage[] =>
  Object.entries(f).map(([keyword, x]) => ({ keyword, total: x.total, ...x.counts, covered: x.covered, coveredPercent: x.coveredPercent }));

/**
 * The size of one applied proposal: the diff its commit made in the scratch
 * tree (HEAD~ to HEAD) and the texts of its files before and after. Not the
 * patch's own hunks: git applies a hunk where its context is, at an offset
 * when the base moved on since the patch was made (or a proposal it requires
 * added lines above it), and the lines measured are the ones it added there.
 * `before`: the texts of the files it changes or deletes, read from the tree
 * before it was applied (HEAD~1's, without a `git show` per file).
 */
async function measureApplied(s: Scratch, p: Proposal, before: ReadonlyMap<string, string>): Promise<Measure> {
  const diff = await gitOk(s.dir, ['diff', '--no-color', '--no-ext-diff', '--no-renames', 'HEAD~1', 'HEAD', '--', ...p.files.map((f) => f.path)]);
  const { files, diagnostics } = readPatch(diff, p.patchPath);
  if (diagnostics.length) throw new Error(`the diff ${p.name} made in the scratch tree does not read back: ${diagnostics[0]!.message}`);
  const after = new Map<string, string>();
  for (const f of files) if (f.status !== 'deleted') after.set(f.path, await readFile(join(s.dir, f.path), 'utf8'));
  return measurePatch(files, (path) => ({ before: before.get(path), after: after.get(path) }));
}

/** The texts of `paths` in the scratch tree as it is, those that exist. */
async function textsOf(s: Scratch, paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of paths) {
    try {
      out.set(path, await readFile(join(s.dir, path), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

export interface StatsOptions {
  /** Where the documents come from (the cache directory is the scratch tree's own). */
  store: StoreOptions;
  /** Where results are kept: the rfcdoc cache directory (`<cache>/proposals/`); none: nothing kept. */
  cacheDir?: string;
  /** Size only (list): no coverage, no documents. */
  sizeOnly?: boolean;
  onStage?: (what: string) => void;
}

/** Each of `names` measured on top of what it requires, in one scratch tree reset between them. */
export async function proposalStats(root: string, all: readonly Proposal[], names: readonly Proposal[], opts: StatsOptions): Promise<StatsResult[]> {
  const base = await treeHash(root);
  const what = opts.sizeOnly ? 'size' : 'stats';
  const results: StatsResult[] = [];
  let scratch: Scratch | undefined;
  const stages: StageCache = createStageCache();
  // The cache's own writer: the directory is marked as rfcdoc's first, every write atomic (tools/spec/store.ts).
  const write = opts.cacheDir ? cacheWriter(opts.cacheDir) : undefined;
  try {
    for (const p of names) {
      const chain = withRequired(all, [p]);
      const file = opts.cacheDir ? join(opts.cacheDir, 'proposals', `${what}-${cacheKey(base, chain, what)}.json`) : undefined;
      const cached = file ? await readCached(file) : undefined;
      if (cached) {
        results.push(cached);
        continue;
      }
      opts.onStage?.(`${p.name}: ${opts.sizeOnly ? 'apply' : 'apply, measure, coverage'}`);
      if (scratch) await resetScratch(scratch); // what the one before applied goes
      else scratch = await createScratch(root, { documents: !opts.sizeOnly });
      const result = await statsOne(scratch, chain, p, opts, stages);
      if (file && write) await write(file, JSON.stringify(result));
      results.push(result);
    }
    if (opts.cacheDir) await pruneKept(join(opts.cacheDir, 'proposals'));
    return results;
  } finally {
    if (scratch) await removeScratch(scratch);
  }
}

async function readCached(file: string): Promise<StatsResult | undefined> {
  try {
    const result = JSON.parse(await readFile(file, 'utf8')) as StatsResult;
    const now = new Date();
    await utimes(file, now, now); // used: the newest to keep (pruneKept)
    return result;
  } catch {
    return undefined; // absent, or half a file from a killed run: measured again
  }
}

/** Results kept in `<cache>/proposals/`: every change of the base is a new key, so the least recently used beyond these are removed. */
export const MAX_KEPT = 64;
const KEPT_NAME = /^(?:size|stats)-[0-9a-f]{64}\.json$/;

/** Removes the kept results of `dir` beyond the `max` most recently used (only the files named as stats names them). */
async function pruneKept(dir: string, max = MAX_KEPT): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => KEPT_NAME.test(n));
  } catch {
    return;
  }
  if (names.length <= max) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(max)) await rm(join(dir, n), { force: true });
}

async function statsOne(s: Scratch, chain: readonly Proposal[], p: Proposal, opts: StatsOptions, stages: StageCache): Promise<StatsResult> {
  const required = chain.filter((q) => q !== p);
  const first = await applyChain(s, required);
  if (first.failed) return { ok: false, name: p.name, diagnostics: first.diagnostics };
  const store = { ...opts.store, cacheDir: join(s.dir, 'rfc-cache') };
  const docs = p.implements.map((d) => parseDocName(d));
  const analyze = () => analyzeProject({ root: s.dir, store, extraDocs: docs, cache: stages });
  const before = opts.sizeOnly ? undefined : await analyze();
  const base = await textsOf(s, p.files.filter((f) => f.status !== 'added').map((f) => f.path));
  const diagnostics = await applyOne(s, p, required, required.length > 0);
  if (diagnostics.length) return { ok: false, name: p.name, diagnostics };
  const measure = await measureApplied(s, p, base);
  const coverage: DocCoverage[] = [];
  if (!opts.sizeOnly) {
    const after = await analyze();
    const unloaded = docs.filter((d) => !after.docs.has(d.id));
    if (unloaded.length) {
      const why = after.diagnostics.filter((x) => x.severity === 'error' && x.file === undefined);
      return { ok: false, name: p.name, diagnostics: why.length ? why : unloaded.map((d) => ({ severity: 'error' as const, message: `${d.label} could not be loaded`, file: p.readmePath })) };
    }
    for (const d of docs) {
      const figures = (project: typeof after) => byKeyword(coverageFigures(project.requirements.get(d.id) ?? []).byKeyword);
      coverage.push({ doc: d.label, after: figures(after), before: figures(before!) });
    }
  }
  return { ok: true, stats: { name: p.name, documents: p.implements, on: required.map((q) => q.name), ...measure, coverage } };
}
