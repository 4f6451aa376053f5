/** Shared test fixtures: a temporary spec cache fed from RFC_MIRROR. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocName } from '../tools/spec/docname.ts';
import { loadDocs } from '../tools/spec/store.ts';
import type { SpecDoc } from '../tools/spec/document.ts';

export const ROOT = join(import.meta.dirname, '..');

/** RFC_MIRROR as set for the run; without it, documents come from the network. */
export const MIRROR = process.env.RFC_MIRROR || undefined;

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'rfcdoc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

let sharedCache: string | undefined;
/** One cache directory for the whole test run, so each RFC is paginated once. */
export function testCache(): string {
  return (sharedCache ??= tempDir('rfcdoc-cache-'));
}

const loaded = new Map<string, Promise<SpecDoc>>();
/** A real RFC, fetched from RFC_MIRROR into the test cache. */
export function realDoc(name: string): Promise<SpecDoc> {
  const doc = parseDocName(name);
  let p = loaded.get(doc.id);
  if (!p) {
    p = loadDocs([doc], { cacheDir: testCache(), mirror: MIRROR }).then(({ docs, diagnostics }) => {
      const d = docs.get(doc.id);
      if (!d) throw new Error(`cannot load ${name}: ${diagnostics.map((x) => x.message).join('; ')} (set RFC_MIRROR)`);
      return d;
    });
    loaded.set(doc.id, p);
  }
  return p;
}

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
