/**
 * A project of its own for the proposal tests: this repository's tracked
 * files as they are in the working tree, with tools/ as it is now (so the
 * proposal tool under test is the one being edited), node_modules linked,
 * committed as a git repository in a temporary directory. Tests change it,
 * run `proposal new` there, and check, apply and measure what they made,
 * with the copy's own rfcdoc (its root is where its tools/ lives).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createScratch } from '../../tools/proposal/apply.ts';
import { ROOT, runRfcdoc, tempDir, testCache, type CliRun } from '../helpers.ts';

export interface Tree {
  dir: string;
  /** Runs git there, returning stdout; throws on failure. */
  git(...args: string[]): string;
  read(path: string): string;
  write(path: string, text: string): void;
  remove(path: string): void;
  /** rfcdoc of the copy, from the copy (or `cwd`), with the test cache. */
  rfcdoc(args: string[], cwd?: string): Promise<CliRun>;
}

export async function projectTree(): Promise<Tree> {
  const scratch = await createScratch(ROOT);
  // The scratch directory lives until the process ends (apply.ts removes it then); the test keeps it as its project.
  const dir = scratch.dir;
  cpSync(join(ROOT, 'tools'), join(dir, 'tools'), { recursive: true, filter: (src) => !src.includes('node_modules') });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgSign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'tools as in the working tree');
  return {
    dir,
    git,
    read: (p) => readFileSync(join(dir, p), 'utf8'),
    write: (p, text) => {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    },
    remove: (p) => rmSync(join(dir, p), { recursive: true, force: true }),
    rfcdoc: (args, cwd = dir) => runRfcdoc(args, { cache: testCache(), cwd, bin: join(dir, 'tools', 'rfcdoc.mjs') }),
  };
}

/** A directory the test may fill, removed when the process ends. */
export const scratchDir = (prefix: string) => tempDir(prefix);
