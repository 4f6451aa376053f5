/**
 * A project of its own for tests that run rfcdoc on a tree they may break:
 * the site fixture's README.md, reference/ and test/, with this repository's
 * tools/ and package.json copied and node_modules/ linked. rfcdoc's root is
 * where its tools/ lives, so a command run with the copy's bin
 * (tools/rfcdoc.mjs) works on the copy, never on this repository.
 */
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runRfcdoc, tempDir, testCache, type CliRun } from './helpers.ts';

export function projectCopy(): string {
  const root = join(tempDir('rfcdoc-copy-'), 'project');
  cpSync(join(ROOT, 'test/site/fixtures/project'), root, { recursive: true });
  cpSync(join(ROOT, 'tools'), join(root, 'tools'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

/** rfcdoc of the copy at `root`, run from `cwd` (default the copy), `--cache` the test cache unless '' is given. */
export const rfcdocIn = (root: string, args: string[], cwd = root, cache = testCache()): Promise<CliRun> =>
  runRfcdoc(args, { cache, cwd, bin: join(root, 'tools', 'rfcdoc.mjs') });
