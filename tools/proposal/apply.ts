/**
 * Apply stage: proposals onto a scratch copy of the tree, by git itself.
 *
 * The scratch copy holds the git-tracked files of the working tree as they
 * are now (uncommitted edits included, untracked files not), node_modules
 * linked, committed as the base of a git repository of its own in a
 * temporary directory: the user's checkout is only read. One proposal is
 * `git apply`'d; several (a proposal on top of what it requires, or
 * `--all-together`) one after another with `git apply --3way`, each
 * committed before the next. Where two proposals only insert lines at the
 * same spot, git's 3-way merge stops with a conflict whose base side is
 * empty: both insertions are kept, the earlier proposal's first. A conflict
 * whose base side holds lines (both change or delete the same base line) is
 * a real one: a diagnostic naming both proposals, and the later one is not
 * applied.
 */
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { proposalError, type PatchFile, type Proposal } from './model.ts';
import { git, gitOk, stopAll } from './run.ts';

export interface Scratch {
  /** The project the copy was made of. */
  root: string;
  dir: string;
  /** The base commit: the tree before any proposal. */
  base: string;
}

const live = new Set<string>();
const removeLive = () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
};
// A scratch tree never outlives its process: not when a command ends by an exception, nor when it is
// interrupted or killed (SIGINT, SIGTERM: removed, then the signal's own ending, 130 or 143).
process.once('exit', removeLive);
function onSignal(signal: NodeJS.Signals): void {
  stopAll(signal);
  removeLive();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}
function guardSignals(): void {
  if (process.listeners('SIGINT').includes(onSignal)) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Registers `dir`, a directory this process is writing, to be removed like a
 * scratch tree if the process ends first (an exception, SIGINT, SIGTERM);
 * the function returned forgets it (it was kept, or removed).
 */
export function removedIfInterrupted(dir: string): () => void {
  live.add(dir);
  guardSignals();
  return () => live.delete(dir);
}

/** The git-tracked files of `root`'s working tree that exist (a tracked file deleted and not committed is left out). */
export async function trackedFiles(root: string): Promise<string[]> {
  const listed = (await gitOk(root, ['ls-files', '-z'])).split('\0').filter(Boolean);
  const out: string[] = [];
  for (const f of listed) {
    try {
      const s = await lstat(join(root, f));
      if (s.isFile() || s.isSymbolicLink()) out.push(f);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

/** Copies `files` (relative to `from`) into `to`, symbolic links as links, modes kept. */
export async function copyFiles(from: string, to: string, files: readonly string[]): Promise<void> {
  const dirs = new Set(files.map((f) => dirname(join(to, f))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (const f of files) {
    const src = join(from, f);
    if ((await lstat(src)).isSymbolicLink()) await symlink(await readlink(src), join(to, f));
    else await copyFile(src, join(to, f));
  }
}

export interface ScratchOptions {
  /** Copy the fetched documents of rfc-cache/ too, so that rfcdoc check in the copy paginates nothing again. */
  documents?: boolean;
}

/** A scratch tree's name: the prefix, the id of the process that made it, a dash, mkdtemp's letters. */
const SCRATCH_PREFIX = 'rfcdoc-proposal-';
const SCRATCH_NAME = /^rfcdoc-proposal-(\d+)-[A-Za-z0-9]+$/;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // there, but another user's
  }
};

/**
 * Removes the scratch trees that processes now gone left in `parent`: one
 * killed outright (SIGKILL, a machine stopped) runs no handler. A tree whose
 * process is alive, or a name not of this form, is left as it is.
 */
async function sweepScratch(parent = tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const gone: string[] = [];
  for (const n of names) {
    const m = SCRATCH_NAME.exec(n);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    await rm(join(parent, n), { recursive: true, force: true });
    gone.push(n);
  }
  return gone;
}

export async function createScratch(root: string, opts: ScratchOptions = {}): Promise<Scratch> {
  await sweepScratch();
  const dir = await mkdtemp(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  live.add(dir);
  guardSignals();
  try {
    await copyFiles(root, dir, await trackedFiles(root));
    if (existsSync(join(root, 'node_modules'))) await symlink(resolve(root, 'node_modules'), join(dir, 'node_modules'));
    if (opts.documents) await copyDocuments(root, dir);
    await gitOk(dir, ['init', '-q']);
    // .gitignore's `node_modules/` matches a directory, not the link to one: the link is no file of the tree.
    await writeFile(join(dir, '.git', 'info', 'exclude'), '/node_modules\n');
    await gitOk(dir, ['add', '-A']);
    await gitOk(dir, ['commit', '-q', '--allow-empty', '-m', 'base']);
    const base = (await gitOk(dir, ['rev-parse', 'HEAD'])).trim();
    return { root, dir, base };
  } catch (e) {
    await removeScratch({ root, dir, base: '' });
    throw e;
  }
}

/** The cache's fetched texts and their pagination (lock.json is a tracked file and is there already). */
async function copyDocuments(root: string, dir: string): Promise<void> {
  const cache = join(root, 'rfc-cache');
  let names: string[];
  try {
    names = await readdir(cache);
  } catch {
    return;
  }
  const files: string[] = [];
  for (const n of names) {
    if (n === 'lock.json' || n.endsWith('.tmp')) continue;
    if ((await lstat(join(cache, n))).isFile()) files.push(`rfc-cache/${n}`);
  }
  await copyFiles(root, dir, files);
}

export async function removeScratch(s: Scratch): Promise<void> {
  await rm(s.dir, { recursive: true, force: true });
  live.delete(s.dir);
}

/** Back to a commit of the scratch repository (default: the base), dropping what is not in it; ignored files (node_modules, the cache) stay. */
export async function resetScratch(s: Scratch, to = s.base): Promise<void> {
  await gitOk(s.dir, ['reset', '-q', '--hard', to]);
  await gitOk(s.dir, ['clean', '-fdq']);
}

export interface Applied {
  /** The proposals applied, in order; each is a commit of the scratch repository. */
  applied: Proposal[];
  /** The one that did not apply (the chain stops there). */
  failed?: Proposal;
  diagnostics: Diagnostic[];
}

/**
 * Applies `chain` in order onto the scratch tree as it is: a single
 * proposal with plain `git apply`, several with `--3way` (see above).
 * Stops at the first that does not apply, its diagnostics naming the hunk or
 * the conflict, the tree left as the last one applied made it.
 */
export async function applyChain(s: Scratch, chain: readonly Proposal[], opts: { threeWay?: boolean } = {}): Promise<Applied> {
  const threeWay = opts.threeWay ?? chain.length > 1;
  const applied: Proposal[] = [];
  for (const p of chain) {
    const diagnostics = await applyOne(s, p, applied, threeWay);
    if (diagnostics.length) return { applied, failed: p, diagnostics };
    applied.push(p);
  }
  return { applied, diagnostics: [] };
}

/** Applies one proposal on top of `before` (already applied); [] when it applied and is committed. */
export async function applyOne(s: Scratch, p: Proposal, before: readonly Proposal[], threeWay: boolean): Promise<Diagnostic[]> {
  const patch = resolve(s.root, p.patchPath);
  const r = await git(s.dir, ['apply', '--whitespace=nowarn', ...(threeWay ? ['--3way'] : []), patch]);
  // git apply --3way exits 1 when it leaves conflicts: a clean apply has no unmerged file to look for.
  const unmerged = threeWay && r.code !== 0 ? (await gitOk(s.dir, ['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter(Boolean) : [];
  if (r.code !== 0 && unmerged.length === 0) {
    await resetScratch(s, 'HEAD');
    return gitApplyErrors(p, r.stderr);
  }
  const diagnostics: Diagnostic[] = [];
  for (const file of unmerged) {
    const text = await readFile(join(s.dir, file), 'utf8');
    const merged = keepInsertions(text);
    if (merged.conflicts.length === 0) {
      await writeFile(join(s.dir, file), merged.text);
      continue;
    }
    for (const c of merged.conflicts) diagnostics.push(conflictError(p, before, file, c));
  }
  if (diagnostics.length) {
    await resetScratch(s, 'HEAD');
    return diagnostics;
  }
  await gitOk(s.dir, ['add', '-A']);
  await gitOk(s.dir, ['commit', '-q', '--allow-empty', '-m', p.name]);
  return [];
}

export interface Conflict {
  /** 1-based line of the `<<<<<<<` marker in the merged file. */
  line: number;
  ours: string[];
  base: string[];
  theirs: string[];
}

const OURS = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const SPLIT = /^={7}$/;
const THEIRS = /^>{7}(?: |$)/;

/**
 * A file git's 3-way merge left with conflict markers (diff3 style, so the
 * base side is shown): each block whose base side is empty, where both
 * sides only inserted lines, becomes ours then theirs; the other blocks are
 * returned as conflicts (and left as they are in the text).
 */
export function keepInsertions(text: string): { text: string; conflicts: Conflict[] } {
  const lines = text.split('\n');
  const out: string[] = [];
  const conflicts: Conflict[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!OURS.test(lines[i]!)) {
      out.push(lines[i]!);
      continue;
    }
    const start = i;
    const sides: string[][] = [[], [], []];
    let side = 0;
    for (i++; i < lines.length && !THEIRS.test(lines[i]!); i++) {
      if (side === 0 && BASE.test(lines[i]!)) side = 1;
      else if (side <= 1 && SPLIT.test(lines[i]!)) side = 2;
      else sides[side]!.push(lines[i]!);
    }
    const [ours, base, theirs] = sides as [string[], string[], string[]];
    if (base.length === 0) out.push(...ours, ...theirs);
    else {
      conflicts.push({ line: start + 1, ours, base, theirs });
      out.push(...lines.slice(start, i + 1));
    }
  }
  return { text: out.join('\n'), conflicts };
}

/** Whether a hunk's old side (context and deleted lines) holds `lines` as a run. */
function oldSideHolds(hunkLines: readonly string[], lines: readonly string[]): boolean {
  const old = hunkLines.filter((l) => l[0] === ' ' || l[0] === '-').map((l) => l.slice(1));
  if (lines.length === 0) return false;
  for (let i = 0; i + lines.length <= old.length; i++) if (lines.every((l, k) => old[i + k] === l)) return true;
  return false;
}

function conflictError(p: Proposal, before: readonly Proposal[], file: string, c: Conflict): Diagnostic {
  const own = p.files.find((f) => f.path === file);
  const hunk = own?.hunks.find((h) => oldSideHolds(h.lines, c.base)) ?? own?.hunks[0];
  const touching = before.filter((q) => q.files.some((f) => f.path === file));
  const changing = touching.filter((q) => q.files.some((f) => f.path === file && f.hunks.some((h) => h.lines.some((l) => l[0] === '-' && c.base.includes(l.slice(1))))));
  const others = (changing.length ? changing : touching).map((q) => q.name);
  const what = `${others.length ? `proposal${others.length > 1 ? 's' : ''} ${others.join(', ')}` : 'an earlier proposal'}`;
  return proposalError(
    'conflict',
    `${p.name} conflicts with ${what} in ${file}: both change the same base line${c.base.length > 1 ? 's' : ''} (${JSON.stringify(c.base[0]!.trim())}${c.base.length > 1 ? ` and ${c.base.length - 1} more` : ''}); they cannot be applied together`,
    { file: p.patchPath, line: hunk?.patchLine ?? own?.patchLine ?? 1, col: 1 },
  );
}

/**
 * git apply's errors as diagnostics at the patch's lines: `patch failed:
 * FILE:LINE` is the hunk of FILE whose header starts at old line LINE.
 */
function gitApplyErrors(p: Proposal, stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const failed = new Set<string>();
  const fileOf = (path: string): PatchFile | undefined => p.files.find((f) => f.path === path);
  const at = (line: number | undefined) => ({ file: p.patchPath, line: line ?? 1, col: 1 });
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    let m;
    if ((m = /^error: patch failed: (.+):(\d+)$/.exec(line))) {
      const f = fileOf(m[1]!);
      const n = Number(m[2]);
      const hunk = f?.hunks.find((h) => h.oldStart === n);
      failed.add(m[1]!);
      out.push(
        proposalError(
          'does-not-apply',
          hunk ? `hunk ${hunk.index} does not apply to ${m[1]}` : `a hunk at line ${n} does not apply to ${m[1]}`,
          at(hunk?.patchLine ?? f?.patchLine),
        ),
      );
    } else if ((m = /^error: (.+): patch does not apply$/.exec(line))) {
      if (!failed.has(m[1]!)) out.push(proposalError('does-not-apply', `the patch does not apply to ${m[1]}`, at(fileOf(m[1]!)?.patchLine)));
    } else if ((m = /^error: (.+): (already exists in (?:working directory|index)|No such file or directory|does not exist in index)$/.exec(line))) {
      const why = m[2]!.startsWith('already') ? 'it adds a file the tree already has' : 'it changes a file the tree does not have';
      out.push(proposalError('does-not-apply', `the patch does not apply to ${m[1]}: ${why}`, at(fileOf(m[1]!)?.patchLine)));
    } else if ((m = /^error: corrupt patch at line (\d+)$/.exec(line))) {
      out.push(proposalError('bad-patch', 'git finds the patch corrupt here', at(Number(m[1]))));
    } else if (/^(error|fatal): /.test(line) && !/3-way merge|three-way/.test(line)) {
      out.push(proposalError('does-not-apply', `git apply: ${line.replace(/^(error|fatal): /, '')}`, at(1)));
    }
  }
  if (out.length === 0) out.push(proposalError('does-not-apply', `git apply failed: ${stderr.trim().split('\n').pop() ?? 'no message'}`, at(1)));
  return out;
}
