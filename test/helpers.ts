/** Shared test fixtures: the project root, real RFCs (tools/testkit/docs.ts), running the CLI. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { MIRROR } from '../tools/testkit/docs.ts';

export const ROOT = join(import.meta.dirname, '..');

export { MIRROR, realDoc, tempDir, testCache } from '../tools/testkit/docs.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the rfcdoc command line as a user does (`node --import tsx tools/cli.ts`,
 * or `bin` such as tools/rfcdoc.mjs), RFC_MIRROR set, NO_COLOR, `--cache` when given.
 */
export function runRfcdoc(args: string[], opts: { cache?: string; cwd?: string; bin?: string } = {}): Promise<CliRun> {
  const argv = [...args, ...(opts.cache ? ['--cache', opts.cache] : [])];
  const [file, fileArgs] = opts.bin ? [opts.bin, argv] : [process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'cli.ts'), ...argv]];
  // A mirror directory given relative to this run's cwd still names it from the child's cwd.
  const mirror = MIRROR && !/^https?:/i.test(MIRROR) ? resolve(MIRROR) : (MIRROR ?? '');
  const env = { ...process.env, RFC_MIRROR: mirror, NO_COLOR: '1' };
  return new Promise((resolve) => {
    const child = execFile(file, fileArgs, { cwd: opts.cwd ?? ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      // The child's handles close in the event loop's next close phase, after this callback:
      // resolving on the next timer lets them go, so a suite ending on a run leaves none open.
      setTimeout(() => resolve({ code, stdout, stderr }), 0);
    });
    // Nothing is typed at the child: its stdin is closed at once, not left open beside it.
    child.stdin?.end();
  });
}

/**
 * A small seeded PRNG (xorshift32) returning numbers in [0, 1), so a
 * randomised test can be replayed from its seed (the robustness tests of
 * SIP, RTP and STUN).
 */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}
