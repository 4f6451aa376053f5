/**
 * `rfcdoc build` as a function: analyse the tree (fetching every cited
 * document), stop on any error, render, write atomically, and say what was
 * built in one line.
 */
import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { analyzeProject, type StageCache } from '../annotate/project.ts';
import type { Project } from '../annotate/model.ts';
import type { StoreOptions } from '../spec/store.ts';
import { error, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { checkApart, checkOutput, Interrupted, OutputRefused, someEntries } from '../outputs.ts';
import { createSiteRenderer, pageFiles, type RenderStats, type SiteFiles, type SiteRenderer } from './build.ts';
import { lockSite, writeSite, type SiteLock } from './write.ts';
import { figures } from './figures.ts';
import { siteProposals } from './proposals.ts';
import { pct } from './html.ts';
import type { Progress } from '../progress.ts';

/** What the site covers: the reference tree, the tests and the READMEs. */
export const SITE_PATHS = ['README.md', 'reference', 'test'];

export interface BuildOptions {
  root: string;
  /** Output directory (absolute, or relative to root). */
  out: string;
  /** `out` as the user wrote it (relative to the working directory), for the refusal's message. */
  outAsGiven?: string;
  store: StoreOptions;
  paths?: readonly string[];
  renderer?: SiteRenderer;
  /** The stages' results kept from the last build (rfcdoc serve keeps one; tools/annotate/project.ts). */
  cache?: StageCache;
  /** Render only; do not write (rfcdoc serve keeps the site in memory). */
  write?: boolean;
  /** Write into a non-empty directory rfcdoc did not write; what it holds is kept (tools/outputs.ts). */
  force?: boolean;
  onStage?: (stage: string) => void;
  /** Fetch progress (a terminal's rewritten line), handed to analyzeProject. */
  progress?: (total: number) => Progress;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Undefined only when the output directory could not even be locked. */
  project?: Project;
  files?: SiteFiles;
  stats?: RenderStats;
  ms: number;
  summary: string;
}

/** Paths that exist among SITE_PATHS (a tree without README.md or test/ is fine). */
export async function existing(root: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      await stat(join(root, p));
      out.push(p);
    } catch {
      /* not there: nothing to render */
    }
  }
  return out;
}

export async function buildSite(opts: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const out = resolve(opts.root, opts.out);
  const write = opts.write !== false;
  let lock: SiteLock | undefined;
  if (write) {
    // Refused before anything is fetched: the sources, a file, a directory not rfcdoc's, the cache's (OutputRefused).
    const dir = checkOutput(opts.root, opts.outAsGiven ?? out, 'site', opts.force === true);
    checkApart(out, opts.store.cacheDir);
    // Held for the whole build, so that a second build into the same directory is refused now, not after its fetch.
    try {
      lock = await lockSite(dir.path);
    } catch (e) {
      if (e instanceof OutputRefused) throw e;
      return cannotWrite(opts.root, out, started, [], undefined, e);
    }
  }
  try {
    return await buildLocked(opts, out, lock, started);
  } finally {
    await lock?.release();
  }
}

/** A disk that refuses the write: said as a diagnostic, with the summary line, old site kept (writeSite's promise). */
function cannotWrite(root: string, out: string, started: number, diagnostics: Diagnostic[], project: Project | undefined, e: unknown): BuildResult {
  const ms = performance.now() - started;
  const failure = error(`cannot write the site to ${out}: ${(e as Error).message}`);
  return { ok: false, diagnostics: [...diagnostics, failure], project, ms, summary: `build: failed: ${failure.message}; ${shownPath(root, out)} left as it was (${Math.round(ms)} ms)` };
}

async function buildLocked(opts: BuildOptions, out: string, lock: SiteLock | undefined, started: number): Promise<BuildResult> {
  opts.onStage?.('analysing sources and fetching cited documents');
  const paths = opts.paths ?? (await existing(opts.root, SITE_PATHS));
  const project = await analyzeProject({ root: opts.root, paths, store: opts.store, progress: opts.progress, cache: opts.cache });
  // What recovering an interrupted build did comes first: it happened first.
  const diagnostics = [...(lock?.notes ?? []), ...project.diagnostics];
  if (hasErrors(diagnostics)) {
    const ms = performance.now() - started;
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    return { ok: false, diagnostics, project, ms, summary: `build: failed with ${n} error${n === 1 ? '' : 's'}; ${shownPath(opts.root, out)} left as it was (${Math.round(ms)} ms)` };
  }
  opts.onStage?.('highlighting and rendering pages');
  let files: SiteFiles;
  let stats: RenderStats;
  try {
    const renderer = opts.renderer ?? (await createSiteRenderer());
    // Proposals are shown, never built on: what is wrong with one is a warning here (rfcdoc proposal check says it as an error).
    const proposals = await siteProposals(project, opts.store, renderer.proposalCache);
    diagnostics.push(...proposals.diagnostics);
    ({ files, stats } = await renderer.render(project, proposals));
    if (lock) {
      opts.onStage?.(`writing ${files.size} files`);
      const { kept, notes } = await writeSite(out, files, { root: opts.root, force: opts.force, lock });
      if (kept.length) diagnostics.push({ severity: 'note', message: `${shownPath(opts.root, out)}: kept ${someEntries(kept)} not written by rfcdoc` });
      diagnostics.push(...notes);
    }
  } catch (e) {
    if (e instanceof OutputRefused) {
      // Refused this late (a file of its owner where the site writes one): what the build found is still said.
      e.diagnostics = diagnostics;
      throw e;
    }
    if (e instanceof Interrupted) throw e;
    return cannotWrite(opts.root, out, started, diagnostics, project, e);
  }
  const ms = performance.now() - started;
  const where = lock ? `${shownPath(opts.root, out)}/` : 'in memory';
  return { ok: true, diagnostics, project, files, stats, ms, summary: summaryLine(project, where, ms) };
}

/** The output directory as the summary shows it: relative when inside the root. */
function shownPath(root: string, out: string): string {
  const rel = relative(root, out);
  return rel === '' || rel.startsWith('..') ? out : rel;
}

export function summaryLine(project: Project, out: string, ms: number): string {
  const { sources } = pageFiles(project);
  const modules = sources.filter((f) => f.role === 'module').length;
  const f = figures([...project.requirements.values()].flat());
  return `build: ${modules} modules, ${project.citations.length} citations, ${project.docs.size} docs, requirements ${pct(f.counts.tested, f.total)} tested / ${pct(f.counts.implemented, f.total)} implemented / ${pct(f.covered, f.total)} covered of ${f.total}; ${out} in ${Math.round(ms)} ms`;
}
