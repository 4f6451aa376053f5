/**
 * `rfcdoc proposal apply NAME… --to DIR`: a patched, runnable tree (the
 * tracked files with the proposals applied; no node_modules, so `npm
 * install` there installs its own). Written to `DIR.tmp-XXXX` beside DIR,
 * then renamed to DIR: a failure leaves nothing half-written, and DIR is
 * refused when it is a file or a directory that is not empty; nothing is
 * deleted that this did not write.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { protectedReason, realTarget } from '../outputs.ts';
import { applyChain, copyFiles, createScratch, removedIfInterrupted, removeScratch, trackedFiles } from './apply.ts';
import type { Proposal } from './model.ts';

/** A DIR that cannot be written: exit 2, said as is. */
export class TargetRefused extends Error {}

/** Why `dir` cannot receive the tree, or undefined when it may (absent, or an empty directory). */
async function refuseTarget(root: string, dir: string): Promise<string | undefined> {
  const guarded = protectedReason(realTarget(root), realTarget(dir));
  if (guarded) return `--to ${dir}: ${guarded}`;
  let s;
  try {
    s = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    try {
      if (!(await stat(dirname(dir))).isDirectory()) return `--to ${dir}: ${dirname(dir)} is not a directory`;
    } catch {
      return `--to ${dir}: ${dirname(dir)} does not exist`;
    }
    return undefined;
  }
  if (!s.isDirectory()) return `--to ${dir}: is a file, not a directory`;
  if ((await readdir(dir)).length) return `--to ${dir}: is not empty (apply writes a new tree and deletes nothing; give a new or empty directory)`;
  return undefined;
}

/** Applies `chain` in a scratch tree, then writes its tracked files to `dir`; the diagnostics say why not when it does not apply. */
export async function applyTo(root: string, chain: readonly Proposal[], to: string): Promise<{ written?: number; diagnostics: Diagnostic[] }> {
  const given = resolve(to);
  const refused = await refuseTarget(root, given);
  if (refused) throw new TargetRefused(refused);
  // A link to an empty directory: the tree goes into that directory (rename(2) cannot put a directory where the link is, and the link is not this command's to replace).
  const dir = (await lstat(given).catch(() => undefined))?.isSymbolicLink() ? await realpath(given) : given;
  const s = await createScratch(root);
  let tmp: string | undefined;
  let forget: (() => void) | undefined;
  try {
    const applied = await applyChain(s, chain);
    if (applied.failed) return { diagnostics: applied.diagnostics };
    const files = await trackedFiles(s.dir);
    // Interrupted while it is written, the half-written tree goes with the scratch tree. It is
    // named and registered before it exists: a signal landing between its creation and its
    // registration (mkdtemp, then a line later) left it behind.
    const name = join(dirname(dir), `${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
    forget = removedIfInterrupted(name);
    try {
      // Never an existing directory (mkdir refuses one); the user's modes (0777 less the umask).
      await mkdir(name);
    } catch (e) {
      forget();
      forget = undefined;
      throw e;
    }
    tmp = name;
    await copyFiles(s.dir, tmp, files);
    // rename(2) replaces an empty directory and refuses a non-empty one: what appeared meanwhile is never overwritten.
    await rename(tmp, dir);
    tmp = undefined;
    return { written: files.length, diagnostics: [] };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
    forget?.();
    await removeScratch(s);
  }
}
