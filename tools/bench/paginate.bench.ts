/**
 * Pagination throughput on the corpus RFC_CORPUS names (a tarball or a
 * directory of RFC texts; CI's is the 991-RFC sample), against its floor.
 *
 *   measured: decode + paginate + indexSections of every file
 *   floor:    decode + split('\n') of the same bytes (the least any line-based
 *             reader does)
 *
 * Both read the same in-memory bytes; each is timed as the best of RUNS
 * passes. Prints MB/s for both and the ratio (time / floor time).
 */
import { paginate } from '../spec/paginate.ts';
import { indexSections } from '../spec/sections.ts';
import { readCorpus } from '../spec/corpus.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const corpus = process.env.RFC_CORPUS;
if (!corpus) {
  console.error('paginate bench: set RFC_CORPUS to a tarball or directory of RFC texts (e.g. the 991-RFC sample)');
  process.exit(1);
}
const files = readCorpus(corpus).map((f) => f.bytes);
const bytes = files.reduce((n, b) => n + b.length, 0);
const decoder = new TextDecoder('utf-8');

interface Timing {
  /** Best wall-clock time of a pass, ms. */
  ms: number;
  /** Best CPU time (user + system, all threads: GC included) of a pass, ms. */
  cpu: number;
  check: number;
}

/**
 * Runs `pass` RUNS times after one warm-up and keeps the best wall and CPU
 * times. CPU time is shown too because on a shared machine wall time also
 * counts the time spent waiting for a core.
 */
function best(pass: () => number): Timing {
  const check = pass(); // warm-up: JIT, and a value to compare between passes
  let ms = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    const c = pass();
    ms = Math.min(ms, performance.now() - t);
    const used = process.cpuUsage(c0);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
    if (c !== check) throw new Error(`pass ${i} gave ${c}, the warm-up ${check}: not deterministic`);
  }
  return { ms, cpu, check };
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

// What this data model costs at least: the floor, plus one {page, line, text}
// object per line and one pass reading each line's first character (as the
// section index must). No numbering rules, no headings.
const model = best(() => {
  let n = 0;
  for (const b of files) {
    const physical = decoder.decode(b).split('\n');
    const lines: { page: number; line: number; text: string }[] = [];
    for (let i = 0; i < physical.length; i++) lines.push({ page: (i / 48) | 0, line: i % 48, text: physical[i]! });
    for (let i = 0; i < lines.length; i++) if (lines[i]!.text.charCodeAt(0) === 49) n++;
    n += lines.length;
  }
  return n;
});

// The two stages apart, to see where the time goes.
const pagedDocs = files.map((b) => paginate(decoder.decode(b)).lines);
const pagination = best(() => {
  let n = 0;
  for (const b of files) n += paginate(decoder.decode(b)).lines.length;
  return n;
});
const sections = best(() => {
  let n = 0;
  for (const lines of pagedDocs) n += indexSections(lines).length;
  return n;
});

const mb = bytes / 1e6;
const rate = (ms: number) => (mb / (ms / 1000)).toFixed(1).padStart(7);
const row = (label: string, t: Timing, what: string) =>
  `${label.padEnd(30)} ${t.ms.toFixed(0).padStart(5)} ms ${rate(t.ms)} MB/s   cpu ${t.cpu.toFixed(0).padStart(5)} ms ${rate(t.cpu)} MB/s   (${what})`;
console.log(`corpus: ${files.length} files, ${mb.toFixed(1)} MB; best of ${RUNS} runs`);
console.log(row('decode + paginate + sections', measured, `${measured.check} lines + sections`));
console.log(row('floor: decode + split', floor, `${floor.check} lines`));
console.log(row('model floor: + objects + read', model, 'one object per line, read once'));
console.log(row('  of which decode + paginate', pagination, `${pagination.check} lines`));
console.log(row('  of which indexSections', sections, `${sections.check} sections`));
console.log(`ratio: ${(measured.ms / floor.ms).toFixed(2)}x the floor's wall time, ${(measured.cpu / floor.cpu).toFixed(2)}x its CPU time (aim: within 2x)`);
console.log(`       the model floor alone is ${(model.ms / floor.ms).toFixed(2)}x (wall), ${(model.cpu / floor.cpu).toFixed(2)}x (CPU)`);
