/**
 * Writing a site into its directory without ever losing a file rfcdoc did
 * not write (tools/outputs.ts says where a site may go at all):
 *
 * 1. One build at a time per directory: `.NAME.lock` beside it, created
 *    exclusively, names the build's pid; the lock of a process that is gone
 *    (killed) is taken over.
 * 2. What a killed build left (`.NAME.new-PID-TAG`, `.NAME.old-PID-TAG`, PID
 *    gone) is recovered first: the previous site is put back if NAME is
 *    missing, the files a leftover's marker lists are deleted, and every
 *    other entry goes back into the site (or, with nowhere to go, stays
 *    where it is, named in a warning).
 * 3. The new site is written into `.NAME.new-*` (its marker first), what the
 *    directory holds that rfcdoc did not write is moved in, and the two are
 *    swapped by rename. The old site, now `.NAME.old-*`, loses only the files
 *    its marker lists; anything else there (saved while this build ran) is
 *    moved into the new site.
 * 4. SIGINT and SIGTERM wait for a safe point: before the swap the write is
 *    rolled back, once the swap has begun it is finished; then Interrupted
 *    says which.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { inspectOutput, Interrupted, OutputRefused, planSiteWrite, siteMarker, siteWritten, someEntries, SITE_MARKER } from '../outputs.ts';

export interface SiteLock {
  /** The site it guards (real path). */
  target: string;
  file: string;
  /** What taking the lock found and did (an interrupted build's leftovers recovered). */
  notes: Diagnostic[];
  release(): Promise<void>;
}

export interface WriteOptions {
  /** The project: a site is never written into its sources (tools/outputs.ts). */
  root?: string;
  /** Write into a non-empty directory rfcdoc did not write (what it holds is kept). */
  force?: boolean;
  /** The directory's lock, when the caller holds it already (buildSite, for the whole build). */
  lock?: SiteLock;
}

export interface WriteResult {
  /** Where the site is (real path, symbolic links resolved). */
  path: string;
  /** Entries found there that rfcdoc did not write, kept in the new site. */
  kept: string[];
  /** What else happened that the user should hear of (recovery, files saved during the build). */
  notes: Diagnostic[];
}

const note = (message: string): Diagnostic => ({ severity: 'note', message });
const warn = (message: string): Diagnostic => ({ severity: 'warning', message });

const lockFile = (target: string) => join(dirname(target), `.${basename(target)}.lock`);

/** Whether process `pid` runs (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a lock file of ours names, or undefined when the file is not one. */
async function lockHolder(file: string): Promise<number | undefined> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as { rfcdoc?: unknown; pid?: unknown };
    return m.rfcdoc === 'site-lock' && Number.isSafeInteger(m.pid) && (m.pid as number) > 0 ? (m.pid as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of the site at `target` (a real path) and recovers what an
 * interrupted build left there. Refuses (OutputRefused) while another build
 * holds it, and a file at the lock's path that is not an rfcdoc lock.
 */
export async function lockSite(target: string): Promise<SiteLock> {
  await mkdir(dirname(target), { recursive: true });
  const file = lockFile(target);
  const notes: Diagnostic[] = [];
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(JSON.stringify({ rfcdoc: 'site-lock', pid: process.pid }) + '\n');
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await lockHolder(file);
    if (holder === undefined) throw new OutputRefused(`refusing to write the site to "${target}": ${file} is in the way and is not an rfcdoc lock; move it away if no rfcdoc build is running`);
    if (alive(holder)) throw new OutputRefused(`refusing to write the site to "${target}": another rfcdoc build (pid ${holder}) is writing it now (${file}); wait for it to finish`);
    // The holder was killed. Moved aside first, so that of two builds taking it over only one removes it.
    const stale = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(file, stale);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if ((await lockHolder(stale)) !== holder) {
      await rename(stale, file);
      continue;
    }
    await unlink(stale);
    notes.push(note(`${target}: an earlier build (pid ${holder}) was interrupted; its lock was taken over`));
  }
  const release = async () => {
    await unlink(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  };
  try {
    notes.push(...(await recoverLeftovers(target)));
  } catch (e) {
    await release();
    throw e;
  }
  return { target, file, notes, release };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * What builds killed before they finished left beside `target` (the lock
 * held): the previous site put back when `target` is missing, then each
 * leftover emptied into `target` (drain). A leftover of a running process is
 * not touched, nor one without a site marker (it is not known to be ours).
 */
async function recoverLeftovers(target: string): Promise<Diagnostic[]> {
  const parent = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRe(basename(target))}\\.(new|old)-(\\d+)-[0-9a-f]{8}$`);
  const found: { path: string; kind: string }[] = [];
  for (const name of (await readdir(parent)).sort()) {
    const m = pattern.exec(name);
    if (m && !alive(Number(m[2]))) found.push({ path: join(parent, name), kind: m[1]! });
  }
  const notes: Diagnostic[] = [];
  const old = found.find((f) => f.kind === 'old');
  if (old && !(await exists(target))) {
    // Killed between moving the old site aside and swapping the new one in: the old one goes back.
    await rename(old.path, target);
    found.splice(found.indexOf(old), 1);
    notes.push(note(`${target}: put back the site an interrupted build had moved aside (${basename(old.path)})`));
  }
  for (const f of found) {
    const written = siteWritten(f.path);
    if (written === undefined) {
      if ((await readdir(f.path)).length === 0) await rmdir(f.path);
      else notes.push(warn(`${f.path}: left as it is: it looks like an interrupted build's, but has no ${SITE_MARKER} saying which files rfcdoc wrote`));
      continue;
    }
    const { moved, stayed } = await drain(f.path, written, target);
    notes.push(note(`${target}: recovered an interrupted build's ${basename(f.path)}` + (moved.length ? `, moving back ${someEntries(moved)} not written by rfcdoc` : '')));
    if (stayed.length) notes.push(strandedWarning(f.path, stayed, target));
  }
  return notes;
}

const strandedWarning = (dir: string, stayed: readonly string[], target: string) =>
  warn(`${dir}: left there ${someEntries(stayed)} not written by rfcdoc that had nowhere to go in ${target} (a file of the site is at that path); move ${stayed.length === 1 ? 'it' : 'them'} yourself`);

/** The directories that hold the files of `files` (site-relative posix paths). */
function parentDirs(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const f of files) for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) dirs.add(f.slice(0, i));
  return dirs;
}

/**
 * Empties `from` (a site moved aside, or a write left behind) into `target`:
 * a file `written` lists is deleted, any other entry is moved to the same
 * place in `target` if that is free, and stays where it is otherwise. `from`
 * is removed once empty; while something stays, so does its marker.
 */
async function drain(from: string, written: ReadonlySet<string>, target: string): Promise<{ moved: string[]; stayed: string[] }> {
  const dirs = parentDirs(written);
  const moved: string[] = [];
  const stayed: string[] = [];
  if (!(await exists(from))) return { moved, stayed };
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(from, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      const at = join(from, p);
      try {
        if (p === SITE_MARKER) continue;
        if (e.isFile() && written.has(p)) await unlink(at);
        else if (e.isDirectory() && dirs.has(p)) {
          await walk(p);
          if ((await readdir(at)).length === 0) await rmdir(at);
        } else if (await exists(join(target, p))) stayed.push(p);
        else {
          await mkdir(dirname(join(target, p)), { recursive: true });
          await rename(at, join(target, p));
          moved.push(p);
        }
      } catch {
        // Whatever went wrong, the entry is still where it was: it stays, and is named.
        if (!stayed.includes(p) && (await exists(at))) stayed.push(p);
      }
    }
  };
  await walk('');
  if (stayed.length === 0) {
    await unlink(join(from, SITE_MARKER)).catch(() => undefined);
    await rmdir(from).catch(() => undefined);
  }
  return { moved, stayed };
}

/** SIGINT and SIGTERM held off while a site is swapped: recorded, acted on at the next safe point. */
function holdSignals() {
  let got: NodeJS.Signals | undefined;
  const on = (s: NodeJS.Signals) => {
    got ??= s;
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    get signal() {
      return got;
    },
    /** Before the swap: a signal rolls the write back. */
    check() {
      if (got) throw new Interrupted(got, false);
    },
    release() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/**
 * Writes the whole site into a sibling temporary directory, then swaps it in
 * by rename: a reader sees the old site or the new one, never a mix, and a
 * failure (or a signal before the swap) leaves the old site as it was and no
 * temporary directory behind. Only what an earlier build wrote is deleted.
 */
export async function writeSite(out: string, files: ReadonlyMap<string, string>, opts: WriteOptions = {}): Promise<WriteResult> {
  // The lock's holder found the real path already (buildSite: checkOutput).
  const target = opts.lock?.target ?? inspectOutput(opts.root, out, 'site').path;
  // Held from the first step: a signal before the swap rolls back, not kills half way.
  const signals = holdSignals();
  let result: WriteResult;
  try {
    const lock = opts.lock ?? (await lockSite(target));
    try {
      const notes = opts.lock ? [] : [...lock.notes];
      // Planned under the lock, after any recovery: what is there now is what is kept.
      const { dir, keep } = planSiteWrite(opts.root, out, files.keys(), opts.force === true);
      notes.push(...(await swapIn(target, files, dir.written, keep, signals)));
      result = { path: target, kept: keep, notes };
    } finally {
      if (!opts.lock) await lock.release();
    }
  } finally {
    signals.release();
  }
  if (signals.signal) throw new Interrupted(signals.signal, true);
  return result;
}

async function swapIn(target: string, files: ReadonlyMap<string, string>, written: ReadonlySet<string>, keep: readonly string[], signals: ReturnType<typeof holdSignals>): Promise<Diagnostic[]> {
  const parent = dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.new-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  const marker = siteMarker(files.keys());
  let swapped = false;
  try {
    signals.check();
    await mkdir(tmp);
    // The marker first: a write cut short is still known to be rfcdoc's, file by file.
    await writeFile(join(tmp, SITE_MARKER), marker);
    for (const d of [...parentDirs(files.keys())].sort()) await mkdir(join(tmp, d), { recursive: true });
    await Promise.all([...files].map(([p, text]) => writeFile(join(tmp, p), text)));
    signals.check();
    for (const k of keep) {
      await mkdir(dirname(join(tmp, k)), { recursive: true });
      await rename(join(target, k), join(tmp, k));
    }
    signals.check();
    let hadOld = true;
    try {
      await rename(target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    // From here on a signal waits for the end: the swap is finished, not undone.
    const marked = hadOld && siteWritten(old) !== undefined;
    if (hadOld && !marked) await writeFile(join(old, SITE_MARKER), siteMarker(written));
    try {
      await rename(tmp, target);
      swapped = true;
    } catch (e) {
      if (hadOld) {
        if (!marked) await unlink(join(old, SITE_MARKER));
        await rename(old, target);
      }
      throw e;
    }
    if (!hadOld) return [];
    // `old` holds what the last build wrote, and whatever was saved into the site while this one ran.
    const { moved, stayed } = await drain(old, written, target);
    const notes: Diagnostic[] = [];
    if (moved.length) notes.push(note(`${target}: moved ${someEntries(moved)} saved there during the build into the new site`));
    if (stayed.length) notes.push(strandedWarning(old, stayed, target));
    return notes;
  } catch (e) {
    if (!swapped) {
      // Everything carried over goes back, the files written here go; nothing else is deleted.
      const { stayed } = await drain(tmp, new Set(files.keys()), target);
      if (stayed.length) throw new Error(`${(e as Error).message}; and ${tmp} still holds ${someEntries(stayed)} that could not go back to ${target}`);
    }
    throw e;
  }
}
