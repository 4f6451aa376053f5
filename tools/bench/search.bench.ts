/**
 * The site's search on this repository's own entries (every module, test,
 * symbol, README, document, section and requirement sentence), in Chromium
 * from file://, each figure the best of RUNS fresh pages:
 *
 *   floor:    the entries' script alone parsed (what any search over them
 *             must at least load), no engine
 *   shipped:  what the page does on the box's first focus: MiniSearch,
 *             search-core.js and assets/search-index.js (the entries plus the
 *             index prebuilt in Node) loaded, then MiniSearch.loadJS
 *   indexing: the other way, the entries alone loaded and indexed in the
 *             browser by MiniSearch with the same configuration
 *   literal:  the shipped payload written as an object literal instead of
 *             a JSON string parsed (what the script did at first)
 *   queries:  issue 14's queries on the shipped engine, each run 20 times
 *
 * plus the bytes of each script, and the build's cost in Node (indexing and
 * serializing). Without Chromium only the Node figures are printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { analyzeProject } from '../annotate/project.ts';
import { pageFiles } from '../site/build.ts';
import { existing, SITE_PATHS } from '../site/pipeline.ts';
import { readSearchScript, searchIndex, searchScript, vendorAssets } from '../site/search.ts';
import type { StoreOptions } from '../spec/store.ts';
import { locate } from '../testkit/peers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const store: StoreOptions = { cacheDir: join(ROOT, 'rfc-cache'), mirror: process.env.RFC_MIRROR || undefined };
const QUERIES = ['Timer B', 'P125L34', 'ACK', '17.1.1', 'retransmit', 'MUST'];

const project = await analyzeProject({ root: ROOT, paths: await existing(ROOT, SITE_PATHS), store });
const { sources, readmes } = pageFiles(project);
const data = searchIndex(project, sources, readmes);
let t = performance.now();
const shipped = searchScript(data);
const buildMs = performance.now() - t;
// The entries alone, shipped the same way (a JSON string parsed); and the shipped payload as an object literal, the way not taken.
const plain = `window.RFCDOC_SEARCH=JSON.parse(${JSON.stringify(JSON.stringify(data))});\n`;
const literal = `window.RFCDOC_SEARCH=${JSON.stringify(readSearchScript(shipped))};\n`;
const kb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(0)} KiB`;
console.log(`entries: ${data.entries.length} (${data.docs.length} documents)`);
console.log(`search-index.js as shipped (entries + prebuilt index): ${kb(shipped)}; the entries alone: ${kb(plain)}; ratio ${(Buffer.byteLength(shipped) / Buffer.byteLength(plain)).toFixed(2)}`);
console.log(`build (Node): index and serialize ${buildMs.toFixed(0)} ms`);

const exe = locate('chromium');
if (!exe) {
  console.log('chromium: not on PATH, browser figures skipped');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'rfcdoc-search-bench-'));
try {
  for (const [path, text] of await vendorAssets()) writeFileSync(join(dir, path.replace(/^assets\//, '')), text);
  writeFileSync(join(dir, 'search-core.js'), readFileSync(join(ROOT, 'tools/site/assets/search-core.js')));
  writeFileSync(join(dir, 'shipped.js'), shipped);
  writeFileSync(join(dir, 'plain.js'), plain);
  writeFileSync(join(dir, 'literal.js'), literal);
  writeFileSync(join(dir, 'page.html'), '<!doctype html><meta charset="utf-8"><title>search bench</title>\n');
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    /** Fresh page: load `scripts` in order, then make the engine if asked; ms from the first script to the end. */
    const measure = async (scripts: string[], engine: boolean): Promise<number> => {
      const page = await browser.newPage();
      try {
        await page.goto(pathToFileURL(join(dir, 'page.html')).href);
        return await page.evaluate(
          async ({ scripts, engine }) => {
            const w = window as unknown as Record<string, { create(m: unknown, d: unknown): unknown } & unknown>;
            const t0 = performance.now();
            for (const src of scripts) {
              await new Promise((resolve, reject) => {
                const s = document.createElement('script');
                s.src = src;
                s.onload = resolve;
                s.onerror = reject;
                document.head.appendChild(s);
              });
            }
            if (engine) w.RfcdocSearch!.create(w.MiniSearch, w.RFCDOC_SEARCH);
            return performance.now() - t0;
          },
          { scripts, engine },
        );
      } finally {
        await page.close();
      }
    };
    const best = { floor: Infinity, shipped: Infinity, indexing: Infinity, literal: Infinity };
    for (let i = 0; i < RUNS; i++) {
      best.floor = Math.min(best.floor, await measure(['plain.js'], false));
      best.shipped = Math.min(best.shipped, await measure(['minisearch.js', 'search-core.js', 'shipped.js'], true));
      best.indexing = Math.min(best.indexing, await measure(['minisearch.js', 'search-core.js', 'plain.js'], true));
      best.literal = Math.min(best.literal, await measure(['minisearch.js', 'search-core.js', 'literal.js'], true));
    }
    console.log(`first focus to ready, best of ${RUNS}:`);
    console.log(`  floor (entries parsed, no engine): ${best.floor.toFixed(0)} ms`);
    console.log(`  shipped (prebuilt index, loadJS):  ${best.shipped.toFixed(0)} ms = ${(best.shipped / best.floor).toFixed(1)}x the floor`);
    console.log(`  indexing in the browser:           ${best.indexing.toFixed(0)} ms = ${(best.indexing / best.floor).toFixed(1)}x the floor, ${(best.indexing / best.shipped).toFixed(1)}x shipped`);
    console.log(`  shipped as an object literal:      ${best.literal.toFixed(0)} ms = ${(best.literal / best.shipped).toFixed(1)}x shipped`);

    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(dir, 'page.html')).href);
    for (const src of ['minisearch.js', 'search-core.js', 'shipped.js']) await page.addScriptTag({ url: src });
    const times = await page.evaluate((queries) => {
      const w = window as unknown as { RfcdocSearch: { create(m: unknown, d: unknown): unknown; query(e: unknown, q: string): { total: number } }; MiniSearch: unknown; RFCDOC_SEARCH: unknown };
      const engine = w.RfcdocSearch.create(w.MiniSearch, w.RFCDOC_SEARCH);
      return queries.map((q) => {
        let bestMs = Infinity;
        let total = 0;
        for (let i = 0; i < 20; i++) {
          const t0 = performance.now();
          total = w.RfcdocSearch.query(engine, q).total;
          bestMs = Math.min(bestMs, performance.now() - t0);
        }
        return { q, ms: bestMs, total };
      });
    }, QUERIES);
    console.log('queries on the shipped engine (best of 20):');
    for (const r of times) console.log(`  ${JSON.stringify(r.q).padEnd(12)} ${r.ms.toFixed(1).padStart(6)} ms  ${r.total} hits`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
