/**
 * Site build speed on the real reference/ tree, against its floor and a peer:
 *
 *   cold:        a new renderer (shiki highlighter created), analyse the tree
 *                (scan, load the cited docs from rfc-cache, resolve,
 *                requirements, coverage), render every page, write the site
 *   floor:       shiki alone, in the same process: create a highlighter and
 *                codeToHtml the same files with the same two themes (light
 *                and dark, as the site shows them); and, the least shiki can
 *                do, with one theme
 *   incremental: what `rfcdoc serve` does after one module is touched:
 *                the same pipeline with its stage cache kept (only changed
 *                files scanned, docs kept, requirements extracted once)
 *                and the warm renderer (only changed texts highlighted, only
 *                pages whose inputs changed rendered)
 *   weight:      rfc3261.html's bytes and its elements as Chromium counts
 *                them (aim: at most 1 MB)
 *   paint:       first contentful paint of the site's largest page, opened
 *                from file:// in Chromium, best and worst of RUNS fresh
 *                loads (aim: under 1 s)
 *   peer:        TypeDoc generating HTML docs for the same tree
 *                (`--entryPointStrategy expand reference`), as a process,
 *                against `rfcdoc`'s cold build of the same tree as a process
 *
 * In-process figures are the best of RUNS alternating runs; process figures
 * are one run each (TypeDoc takes tens of seconds). The tree is copied to a
 * temporary directory first, so touching a module changes nothing real.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHighlighter } from 'shiki';
import { analyzeProject, createStageCache, listFiles } from '../annotate/project.ts';
import { createSiteRenderer, writeSite } from '../site/build.ts';
import { siteProposals } from '../site/proposals.ts';
import type { StoreOptions } from '../spec/store.ts';
import { locate } from '../testkit/peers.ts';
import { docPage } from '../site/urls.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const store: StoreOptions = { cacheDir: join(ROOT, 'rfc-cache'), mirror: process.env.RFC_MIRROR || undefined };
const PATHS = ['reference'];

/** One cold build of `root`'s reference/ into `out`; returns the pieces' times. */
async function coldBuild(root: string, out: string) {
  const t0 = performance.now();
  const renderer = await createSiteRenderer();
  const t1 = performance.now();
  const project = await analyzeProject({ root, paths: PATHS, store });
  // reference/proposals/ is in the tree: each proposal applied, measured and rendered, as rfcdoc build does.
  const proposals = await siteProposals(project, store, renderer.proposalCache);
  const t2 = performance.now();
  const { files, stats } = await renderer.render(project, proposals);
  const t3 = performance.now();
  await writeSite(out, files);
  const t4 = performance.now();
  return { ms: t4 - t0, init: t1 - t0, analyse: t2 - t1, render: t3 - t2, write: t4 - t3, renderer, out, files: files.size, largest: largestPage(files), stats, errors: project.diagnostics.filter((d) => d.severity === 'error').length, proposals: proposals.list.length, unapplied: proposals.list.filter((p) => p.problem).length };
}

/** The site's largest HTML page: its path and bytes. */
function largestPage(files: ReadonlyMap<string, string>): { path: string; bytes: number } {
  let best = { path: '', bytes: -1 };
  for (const [path, text] of files) {
    const bytes = Buffer.byteLength(text);
    if (path.endsWith('.html') && bytes > best.bytes) best = { path, bytes };
  }
  return best;
}

/**
 * In Chromium from file://: the elements of `weighed` and the first contentful
 * paint of `painted` over `runs` fresh pages (each a new page of one browser).
 */
async function inChromium(site: string, weighed: string, painted: string, runs: number): Promise<{ elements: number; fcp: number[] }> {
  // The site tests' launcher: the same flags and a fresh profile.
  const { launchChromium } = await import('../testkit/chromium.ts');
  const context = await launchChromium();
  try {
    const url = (path: string) => pathToFileURL(join(site, path)).href;
    const page = await context.newPage();
    await page.goto(url(weighed), { waitUntil: 'load' });
    const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
    await page.close();
    const fcp: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = await context.newPage();
      await p.goto(url(painted), { waitUntil: 'load' });
      // The paint entry may come after load on a long page: waited for, not for a fixed time. A string, so
      // that tsx's name helpers (__name) are not sent into the page.
      const ms = await p.evaluate<number>(`new Promise((resolve, reject) => {
        const have = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
        if (have() !== undefined) return resolve(have());
        new PerformanceObserver(() => have() !== undefined && resolve(have())).observe({ type: 'paint', buffered: true });
        setTimeout(() => reject(new Error('no first-contentful-paint entry within 10 s')), 10000);
      })`);
      fcp.push(ms);
      await p.close();
    }
    return { elements, fcp };
  } finally {
    await context.close();
  }
}

// Child mode: one cold build as its own process, for the comparison with TypeDoc's process.
if (process.argv[2] === '--cold-child') {
  const r = await coldBuild(ROOT, process.argv[3]!);
  process.stdout.write(JSON.stringify({ ms: r.ms, files: r.files }) + '\n');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'rfcdoc-bench-site-'));
try {
  const root = join(work, 'tree');
  cpSync(join(ROOT, 'reference'), join(root, 'reference'), { recursive: true });
  // Not analysed, but the proposals' patches change test files too: without them none would apply.
  cpSync(join(ROOT, 'test'), join(root, 'test'), { recursive: true });
  // A git checkout, as the real tree is: a chain jsdiff cannot stack (update-early) is applied by git in a scratch copy of the tracked files.
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=rfcdoc bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} in the bench's copy failed: ${r.stderr}`);
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench tree');
  const paths = (await listFiles(root, ['reference'])).files.filter((f) => f.endsWith('.ts')).map((f) => join(root, f));
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  const loc = texts.reduce((n, t) => n + t.split('\n').length, 0);

  // Warm the doc cache (no fetching inside the timings).
  await analyzeProject({ root, paths: PATHS, store });

  async function floor(themes: 1 | 2): Promise<number> {
    const t0 = performance.now();
    const hl = await createHighlighter({ themes: ['github-light', 'github-dark'], langs: ['typescript'] });
    let n = 0;
    for (const t of texts) {
      n += (themes === 2
        ? hl.codeToHtml(t, { lang: 'typescript', themes: { light: 'github-light', dark: 'github-dark' } })
        : hl.codeToHtml(t, { lang: 'typescript', theme: 'github-light' })
      ).length;
    }
    const ms = performance.now() - t0;
    hl.dispose();
    if (n === 0) throw new Error('shiki produced nothing');
    return ms;
  }

  let bestFloor = Infinity;
  let bestFloor1 = Infinity;
  let bestCold: Awaited<ReturnType<typeof coldBuild>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    bestFloor = Math.min(bestFloor, await floor(2));
    bestFloor1 = Math.min(bestFloor1, await floor(1));
    const c = await coldBuild(root, join(work, `site-${i}`));
    if (!bestCold || c.ms < bestCold.ms) bestCold = c;
  }
  const cold = bestCold!;

  // Incremental: touch one module, rebuild with the warm renderer (as serve does), best of RUNS touches.
  const renderer = cold.renderer;
  const cache = createStageCache();
  const analyze = () => analyzeProject({ root, paths: PATHS, store, cache });
  await analyze();
  const touched = paths[Math.floor(paths.length / 2)]!;
  let bestInc = Infinity;
  let incStats;
  let incSplit = '';
  for (let i = 0; i < RUNS; i++) {
    appendFileSync(touched, `\n// touched ${i}\n`);
    const t0 = performance.now();
    const project = await analyze();
    const t1 = performance.now();
    const { stats } = await renderer.render(project, await siteProposals(project, store, renderer.proposalCache));
    const ms = performance.now() - t0;
    if (ms < bestInc) {
      bestInc = ms;
      incStats = stats;
      incSplit = `analyse ${(t1 - t0).toFixed(0)}, render ${(ms - (t1 - t0)).toFixed(0)}`;
    }
  }
  writeFileSync(touched, texts[paths.indexOf(touched)]!);

  console.log(`tree: reference/, ${paths.length} .ts files, ${loc} lines, ${cold.proposals} proposals (${cold.unapplied} shown unapplied); ${cold.files} site files; ${cold.errors} tag errors (rendered anyway); best of ${RUNS}`);
  console.log(`cold build          ${cold.ms.toFixed(0).padStart(6)} ms  (highlighter ${cold.init.toFixed(0)}, analyse ${cold.analyse.toFixed(0)}, render ${cold.render.toFixed(0)}, write ${cold.write.toFixed(0)})`);
  console.log(`floor: shiki alone  ${bestFloor.toFixed(0).padStart(6)} ms  (createHighlighter + codeToHtml, light and dark themes)`);
  console.log(`floor: one theme    ${bestFloor1.toFixed(0).padStart(6)} ms  (createHighlighter + codeToHtml, light theme only)`);
  console.log(`ratio: cold ${(cold.ms / bestFloor).toFixed(2)}x the two-theme floor's time, ${(cold.ms / bestFloor1).toFixed(2)}x the one-theme floor's (aim: within 2x)`);
  console.log(`incremental         ${bestInc.toFixed(0).padStart(6)} ms  (touched ${touched.slice(root.length + 1)}: ${incStats!.highlighted} file highlighted, ${incStats!.rendered} pages rendered; ${incSplit})`);
  console.log(`ratio: incremental ${((100 * bestInc) / cold.ms).toFixed(1)}% of cold (aim: under 5%)`);

  // Weight and paint, on the best cold build's site as written.
  const rfc3261 = docPage('rfc3261');
  const rfcBytes = Buffer.byteLength(readFileSync(join(cold.out, rfc3261)));
  if (locate('chromium') === undefined) {
    console.log(`weight: ${rfc3261} ${(rfcBytes / 1e6).toFixed(2)} MB (aim: at most 1 MB); elements and first paint not measured: Chromium is not on PATH`);
  } else {
    const { elements, fcp } = await inChromium(cold.out, rfc3261, cold.largest.path, RUNS);
    console.log(`weight: ${rfc3261} ${(rfcBytes / 1e6).toFixed(2)} MB, ${elements} elements (aim: at most 1 MB)`);
    console.log(`paint: ${cold.largest.path} (largest page, ${(cold.largest.bytes / 1e6).toFixed(2)} MB) first contentful paint from file:// ${Math.min(...fcp).toFixed(0)} ms best, ${Math.max(...fcp).toFixed(0)} ms worst of ${fcp.length} loads (aim: under 1000 ms)`);
  }

  // Process against process: rfcdoc's cold build and TypeDoc on the same tree.
  const typedocDir = join(ROOT, 'tools', 'bench', 'typedoc');
  const typedoc = join(typedocDir, 'node_modules', '.bin', 'typedoc');
  if (!existsSync(typedoc)) {
    console.log('installing TypeDoc for the comparison (npm ci in tools/bench/typedoc)');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', typedocDir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('cannot install TypeDoc');
  }
  let t = performance.now();
  const ours = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--cold-child', join(work, 'site-child')], { cwd: ROOT, encoding: 'utf8' });
  const oursMs = performance.now() - t;
  if (ours.status !== 0) throw new Error(`cold build process failed: ${ours.stderr}`);
  t = performance.now();
  const td = spawnSync(typedoc, ['--entryPointStrategy', 'expand', 'reference', '--out', join(work, 'typedoc'), '--skipErrorChecking', '--logLevel', 'Error', '--tsconfig', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  const tdMs = performance.now() - t;
  if (td.status !== 0 || !existsSync(join(work, 'typedoc', 'index.html'))) throw new Error(`TypeDoc failed: ${td.stdout}${td.stderr}`);
  console.log(`process: rfcdoc cold build ${oursMs.toFixed(0).padStart(6)} ms  (node + tsx start, build inside ${JSON.parse(ours.stdout).ms.toFixed(0)} ms)`);
  console.log(`process: TypeDoc           ${tdMs.toFixed(0).padStart(6)} ms`);
  console.log(`ratio: rfcdoc ${(oursMs / tdMs).toFixed(2)}x TypeDoc's time (aim: below 1)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
