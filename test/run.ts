/**
 * Test runner: runs every `*.test.ts` under test/ (or those whose path
 * matches the arguments) with uvu, then prints the closing line
 * `N passed, N failed[, N skipped]` that CI reads. A suite that needs a
 * missing peer (test/peers.ts) is skipped, and the peers are named here.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

// RFCDOC_TEST_ROOT: another tree of tests (the runner's own test runs it on test/fixtures/runner/).
const dir = process.env.RFCDOC_TEST_ROOT ?? fileURLToPath(new URL('.', import.meta.url));
// `npm test -- --update-snapshots`: test/spec/snapshots.test.ts rewrites the snapshots it compares.
if (process.argv.includes('--update-snapshots')) process.env.RFCDOC_UPDATE_SNAPSHOTS = '1';
const filters = process.argv.slice(2).filter((a) => a !== '--update-snapshots');

function walk(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = walk(dir)
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => relative(dir, f).includes(x)));

const testFiles = new Set(files.map((f) => relative(dir, f)));

// Capture uvu's summary while still printing it, and watch each suite's
// closing `(ran / total)`: uvu returns from a suite whose before or after hook
// threw without printing the error, so its tests neither pass nor fail there.
let captured = '';
let line = '';
let file = '';
const unfinished: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  captured += text;
  if (captured.length > 1 << 16) captured = captured.slice(-4096);
  for (const c of text.replace(/\x1b\[[0-9;]*m/g, '')) {
    if (c !== '\n') {
      if (line.length < 4096) line += c;
      continue;
    }
    watchSuiteLine(line);
    line = '';
  }
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

/**
 * A suite's closing `(ran / total)` with fewer marks (• passed, ✘ failed)
 * since the previous one than its total: a hook threw. Marks are counted
 * across lines, since a test's own output may break its suite's line.
 */
let marks = 0;
let suiteName = '';
function watchSuiteLine(text: string) {
  if (testFiles.has(text.trim())) file = text.trim();
  const first = text.search(/[•✘]/);
  if (first > 0 && marks === 0) suiteName = text.slice(0, first).trim();
  marks += [...text].filter((c) => c === '•' || c === '✘').length;
  const counts = /\((\d+) \/ (\d+)\)\s*$/.exec(text);
  if (!counts) return;
  const total = Number(counts[2]);
  if (marks < total) {
    const name = suiteName || text.slice(0, text.search(/[•✘(]/)).trim();
    unfinished.push(`${file}${name ? ` (suite "${name}")` : ''}: ${total - marks} of ${total} test(s) never ran: a before or after hook threw`);
  }
  marks = 0;
  suiteName = '';
}

(globalThis as Record<string, unknown>).UVU_DEFER = 1;
const uvu = await import('uvu');
// After UVU_DEFER: peers.ts imports uvu, which reads it once, when first loaded.
const { missingPeersReport } = await import('./peers.ts');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
for (const [i, file] of files.entries()) {
  (globalThis as Record<string, unknown>).UVU_INDEX = i;
  queue.push([relative(dir, file)]);
  await import(pathToFileURL(file).href);
}
await uvu.exec(false);

const plain = captured.replace(/\x1b\[[0-9;]*m/g, '');
const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0);
const total = num('Total');
const passed = num('Passed');
const skipped = num('Skipped');
// uvu's Total counts the tests that ran; a skipped test is counted apart.
const failed = total - passed;
process.stdout.write = write;
// A socket or timer some test failed to close must not keep the run alive
// (CI would hang); it is named, before the closing line, so it gets fixed.
const stdio: unknown[] = [process.stdin, process.stdout, process.stderr];
const handles = (process as unknown as { _getActiveHandles(): { constructor: { name: string } }[] })
  ._getActiveHandles()
  .filter((h) => !stdio.includes(h));
if (handles.length) console.error(`warning: ${handles.length} open handle(s) left by tests: ${[...new Set(handles.map((h) => h.constructor.name))].join(', ')}`);
// Peers some suites needed and did not find, named once, with how to get them.
const report = missingPeersReport();
if (report.length) console.error(`\n${report.join('\n')}`);
// uvu prints nothing for these and exits 0; they are failures all the same.
if (unfinished.length) {
  console.error(`\n${unfinished.join('\n')}`);
  process.exitCode = 1;
}
if (failed > 0) process.exitCode = 1;
if (files.length === 0 || total + skipped === 0) {
  console.error('no tests ran');
  process.exitCode = 1;
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(process.exitCode ?? 0);
