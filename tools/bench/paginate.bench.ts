/**
 * Pagination throughput on the 991-RFC sample corpus, against its floor.
 *
 *   measured: decode + paginate + indexSections of every file
 *   floor:    decode + split('\n') of the same bytes (the least any line-based
 *             reader does)
 *
 * Both read the same in-memory bytes; each is timed as the best of RUNS
 * passes. Prints MB/s for both and the ratio (time / floor time).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paginate } from '../spec/paginate.ts';
import { indexSections } from '../spec/sections.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARCHIVE = join(ROOT, '..', 'shared', 'corpus', 'rfc-sample.tar.xz');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const dir = mkdtempSync(join(tmpdir(), 'rfcdoc-bench-'));
let files: Uint8Array[];
try {
  execFileSync('tar', ['-xJf', ARCHIVE, '-C', dir]);
  const names = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.txt'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  files = names.map((f) => new Uint8Array(readFileSync(f)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const bytes = files.reduce((n, b) => n + b.length, 0);
const decoder = new TextDecoder('utf-8');

/** Runs `pass` RUNS times (after one warm-up) and returns the best time in ms and its checksum. */
function best(pass: () => number): { ms: number; check: number } {
  let check = pass(); // warm-up: JIT, and a value to compare between passes
  let ms = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const c = pass();
    ms = Math.min(ms, performance.now() - t);
    if (c !== check) throw new Error(`pass ${i} gave ${c}, the warm-up ${check}: not deterministic`);
    check = c;
  }
  return { ms, check };
}

const measured = best(() => {
  let n = 0;
  for (const b of files) {
    const paged = paginate(decoder.decode(b));
    n += paged.lines.length + indexSections(paged.lines).length;
  }
  return n;
});

const floor = best(() => {
  let n = 0;
  for (const b of files) n += decoder.decode(b).split('\n').length;
  return n;
});

const mb = bytes / 1e6;
const rate = (ms: number) => (mb / (ms / 1000)).toFixed(1);
console.log(`corpus: ${files.length} files, ${mb.toFixed(1)} MB; best of ${RUNS} runs`);
console.log(`paginate + indexSections  ${measured.ms.toFixed(0).padStart(6)} ms  ${rate(measured.ms).padStart(7)} MB/s  (${measured.check} lines + sections)`);
console.log(`floor: decode + split     ${floor.ms.toFixed(0).padStart(6)} ms  ${rate(floor.ms).padStart(7)} MB/s  (${floor.check} lines)`);
console.log(`ratio: ${(measured.ms / floor.ms).toFixed(2)}x the floor's time (aim: within 2x)`);
