/**
 * Check stage: a proposal applied (alone, on top of what it requires) in a
 * scratch copy, then, there: the tree type-checks (tsc -p .), every tag
 * resolves (rfcdoc check), the proposal's own tests pass (the test files
 * its patch adds or changes), then the suite (--suite all | affected | own).
 * `--all-together` applies every proposal that does not conflict (one per
 * alternatives group) and runs the suite once.
 *
 * Problems the base already has are not the proposal's: when tsc or rfcdoc
 * check report errors in the patched tree, they run on the base (once per
 * scratch tree), and what they report there too is left out of the
 * proposal's errors (the step's summary says how many); a test file that
 * fails in the patched tree is run on the base too, and one failing there as
 * well is a note, not the proposal's error. Each step's result is a value; the CLI prints it.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { analyzeProject, createStageCache, type StageCache } from '../annotate/project.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { StoreOptions } from '../spec/store.ts';
import { affectedTests } from './affected.ts';
import { applyChain, applyOne, createScratch, removeScratch, resetScratch, trackedFiles, type Scratch } from './apply.ts';
import { withRequired } from './plan.ts';
import { proposalError, type Proposal } from './model.ts';
import { gitOk, run, type Ran } from './run.ts';

export const SUITES = ['all', 'affected', 'own'] as const;
export type SuiteMode = (typeof SUITES)[number];

export type StepName = 'apply' | 'typecheck' | 'tags' | 'own tests' | 'suite';

export interface Step {
  step: StepName;
  ok: boolean;
  ms: number;
  /** One line: what ran and how it went (`12 passed, 0 failed`). */
  summary: string;
  /** The test files run, project-relative (test steps). */
  tests?: string[];
  /** The end of the output of a step that failed. */
  log?: string;
}

export interface CheckReport {
  /** The proposal's name, or `all-together`. */
  name: string;
  /** Applied, in order. */
  applied: string[];
  /** Proposals --all-together left out, and why. */
  left: { name: string; why: string }[];
  steps: Step[];
  diagnostics: Diagnostic[];
  ok: boolean;
  ms: number;
}

export interface CheckOptions {
  suite: SuiteMode;
  /** Where documents come from for the tags step (the cache directory is the scratch tree's own). */
  store: StoreOptions;
  /** Said as each step starts (progress on a terminal). */
  onStage?: (what: string) => void;
}

/** The variables naming a path that what runs in the scratch tree reads: a relative one would resolve against the scratch tree. */
const PATH_VARIABLES = ['RFC_MIRROR', 'RFC_CORPUS'] as const;

/** The environment of what runs in the scratch tree: each of PATH_VARIABLES as an absolute path, since the scratch tree is elsewhere. */
function scratchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of PATH_VARIABLES) {
    const value = process.env[name];
    if (value && !/^https?:/i.test(value) && !isAbsolute(value)) env[name] = resolve(value);
  }
  return env;
}

const OWN_TESTS_DIR = 'test/proposal/';

/**
 * The tests of the proposal machinery itself: the tool's (test/proposal/,
 * which make proposals of their own from the base's source, e.g. one adding
 * MESSAGE) and the site's pages of reference/proposals/ (which apply this
 * repository's proposals to the tree). They test the tool on the base: in a
 * tree the proposals are already applied to, applying them again, or adding
 * what one of them added, cannot work, and says nothing about the proposals.
 * They ran on the base (npm test); a patched tree's suite leaves them out
 * and names them. (So a check run by test/proposal/ never nests another.)
 */
const BASE_ONLY: readonly string[] = [OWN_TESTS_DIR, 'test/site/proposal-highlight.test.ts', 'test/site/proposals.test.ts', 'test/site/proposals-repo.test.ts'];
const baseOnly = (file: string) => BASE_ONLY.some((b) => (b.endsWith('/') ? file.startsWith(b) : file === b));

const tail = (r: Ran, lines = 40) => `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');

/** What the base tree already reports (tsc and rfcdoc check): computed once per scratch tree, the first time a patched tree reports errors. */
interface Baseline {
  typecheck: Diagnostic[];
  tags: Diagnostic[];
}
const baselines = new WeakMap<Scratch, Promise<Baseline>>();

/** `f` run on the base tree: the proposals' commits set aside, then put back. */
async function onBase<T>(s: Scratch, f: () => Promise<T>): Promise<T> {
  const head = (await gitOk(s.dir, ['rev-parse', 'HEAD'])).trim();
  await resetScratch(s);
  try {
    return await f();
  } finally {
    await resetScratch(s, head);
  }
}

/** The base's, computed the first time it is asked for. */
function baseline(s: Scratch, store: StoreOptions): Promise<Baseline> {
  let b = baselines.get(s);
  if (!b) {
    b = onBase(s, async () => ({ typecheck: (await typecheck(s)).diagnostics, tags: await tags(s, store) }));
    baselines.set(s, b);
  }
  return b;
}

const TSC_LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

async function typecheck(s: Scratch): Promise<{ ran: Ran; diagnostics: Diagnostic[] }> {
  const ran = await run(resolve(s.dir, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: s.dir, env: scratchEnv() });
  const diagnostics: Diagnostic[] = [];
  for (const l of ran.stdout.split('\n')) {
    const m = TSC_LINE.exec(l.trim());
    if (m) diagnostics.push({ severity: 'error', message: m[5]!, file: m[1]!, line: Number(m[2]), col: Number(m[3]), source: 'tsc', rule: m[4]! });
  }
  if (ran.code !== 0 && diagnostics.length === 0) diagnostics.push(proposalError('typecheck', `tsc -p . failed (exit ${ran.code}): ${tail(ran, 5)}`));
  return { ran, diagnostics };
}

/** The annotate stages' results per scratch tree: a file or document the base, the proposals and the patched trees share is scanned or parsed once. */
const stageCaches = new WeakMap<Scratch, StageCache>();

/** rfcdoc check's errors: the one annotate pipeline (analyzeProject, as `rfcdoc check` runs it), in this process, on the scratch tree and its own cache. */
async function tags(s: Scratch, store: StoreOptions): Promise<Diagnostic[]> {
  let cache = stageCaches.get(s);
  if (!cache) stageCaches.set(s, (cache = createStageCache()));
  const project = await analyzeProject({ root: s.dir, store: { ...store, cacheDir: join(s.dir, 'rfc-cache') }, cache });
  return project.diagnostics.filter((d) => d.severity === 'error');
}

/** A diagnostic's identity across base and patched tree: in a file the patch touches, lines move, so only the message counts. */
const identity = (d: Diagnostic, touched: ReadonlySet<string>) => (d.file && touched.has(d.file) ? `${d.file}:${d.message}` : `${d.file}:${d.line}:${d.col}:${d.message}`);

function newOnly(found: readonly Diagnostic[], base: readonly Diagnostic[], touched: ReadonlySet<string>): { fresh: Diagnostic[]; old: number } {
  const known = new Set(base.map((d) => identity(d, touched)));
  const fresh = found.filter((d) => !known.has(identity(d, touched)));
  return { fresh, old: found.length - fresh.length };
}

const SUMMARY = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/;

/** Output kept of a test run: the whole suite's, so that every failing file is seen, still bounded. */
const TEST_OUTPUT = 8 << 20;

/**
 * The test files (project-relative) the runner's output shows failing: a ✘
 * under the file's name (the runner prints each file's path, relative to
 * test/, before its marks), or tests that never ran.
 */
function failingFiles(output: string): string[] {
  const failing = new Set<string>();
  let current: string | undefined;
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const line = raw.trim();
    const never = /^([\w./@-]+\.test\.ts): \d+ of \d+ test\(s\) never ran/.exec(line);
    if (never) failing.add(`test/${never[1]}`);
    else if (/^[\w./@-]+\.test\.ts$/.test(line)) current = `test/${line}`;
    else if (current && line.includes('✘')) failing.add(current);
  }
  return [...failing].sort();
}

/**
 * Each failing test as the runner printed it: its FAIL line and what follows
 * (the assertion's message, the expected and actual values), without the
 * stack, up to the next file, failure or total; bounded. The end of the
 * output alone seldom holds them in a whole suite's run.
 */
function failureBlocks(lines: readonly string[], each = 16, most = 12): string {
  const blocks: string[] = [];
  for (let i = 0; i < lines.length && blocks.length < most; i++) {
    if (!/^\s*FAIL\s/.test(lines[i]!)) continue;
    const block = [lines[i]!.trim()];
    for (let j = i + 1; j < lines.length && block.length < each; j++) {
      const line = lines[j]!;
      if (/^\s*FAIL\s|^\s*Total:|^[\w./@-]+\.test\.ts$/.test(line)) break;
      if (/^\s+at\s/.test(line) || line.trim() === '') continue;
      block.push(`  ${line.trim()}`);
    }
    blocks.push(block.join('\n'));
  }
  return blocks.join('\n');
}

interface TestRun {
  ran: Ran;
  ok: boolean;
  summary: string;
  failures: string[];
  /** failureBlocks of the output. */
  details: string;
  files: string[];
}

/** The test runner of the scratch tree on these test files (project-relative; the runner takes them relative to test/). */
async function runTests(s: Scratch, files: readonly string[] | 'all'): Promise<TestRun> {
  const filters = files === 'all' ? [] : files.map((f) => f.replace(/^test\//, ''));
  const ran = await run(process.execPath, ['--import', 'tsx', 'test/run.ts', ...filters], { cwd: s.dir, env: scratchEnv(), keep: TEST_OUTPUT });
  const out = `${ran.stdout}\n${ran.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const lines = out.split('\n');
  const summary = [...lines].reverse().find((l) => SUMMARY.test(l))?.trim() ?? `the test runner ended with exit ${ran.code} and no summary`;
  const failures = lines.filter((l) => /^\s*FAIL\s/.test(l)).map((l) => l.trim());
  const m = SUMMARY.exec(summary);
  return { ran, ok: ran.code === 0 && m !== null && m[2] === '0', summary, failures, details: failureBlocks(lines), files: failingFiles(out) };
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
};

/** tsc, rfcdoc check, own tests, suite, on the scratch tree as the proposals left it. */
async function checkTree(s: Scratch, name: string, proposals: readonly Proposal[], own: readonly string[] | undefined, opts: CheckOptions): Promise<{ steps: Step[]; diagnostics: Diagnostic[] }> {
  const say = (what: string) => opts.onStage?.(`${name}: ${what}`);
  const steps: Step[] = [];
  const diagnostics: Diagnostic[] = [];
  const touched = new Set(proposals.flatMap((p) => p.files.map((f) => f.path)));
  // The base is checked only when the patched tree reports something: what it reports too is not the proposal's.
  const fromBase = async (kind: keyof Baseline) => {
    if (!baselines.has(s)) say("the base: tsc -p ., rfcdoc check (what it reports is not the proposal's)");
    return (await baseline(s, opts.store))[kind];
  };

  say('tsc -p .');
  const [tc, tcMs] = await timed(() => typecheck(s));
  const tcNew = newOnly(tc.diagnostics, tc.diagnostics.length ? await fromBase('typecheck') : [], touched);
  diagnostics.push(...tcNew.fresh);
  steps.push({ step: 'typecheck', ok: tcNew.fresh.length === 0, ms: tcMs, summary: `tsc -p .: ${tcNew.fresh.length} error(s)${tcNew.old ? ` (and ${tcNew.old} the base has too)` : ''}` });

  say('rfcdoc check');
  const [tg, tgMs] = await timed(() => tags(s, opts.store));
  const tgNew = newOnly(tg, tg.length ? await fromBase('tags') : [], touched);
  diagnostics.push(...tgNew.fresh);
  steps.push({ step: 'tags', ok: tgNew.fresh.length === 0, ms: tgMs, summary: `rfcdoc check: ${tgNew.fresh.length} error(s)${tgNew.old ? ` (and ${tgNew.old} the base has too)` : ''}` });

  const testStep = async (step: StepName, files: readonly string[] | 'all', what: string) => {
    say(what);
    const [t, ms] = await timed(() => runTests(s, files));
    const list = files === 'all' ? undefined : [...files];
    // A file that fails in the base too is not the proposal's doing: its failing files are run on the base to tell.
    let inBase: string[] = [];
    if (!t.ok && t.files.length) {
      say(`the ${t.files.length} failing test file(s), on the base`);
      const base = await onBase(s, () => runTests(s, t.files));
      inBase = t.files.filter((f) => base.files.includes(f));
    }
    const theirs = t.files.filter((f) => !inBase.includes(f));
    const ok = t.ok || (t.files.length > 0 && theirs.length === 0);
    const baseNote = inBase.length ? ` (failing in the base too, so not counted: ${inBase.join(', ')})` : '';
    steps.push({ step, ok, ms, summary: `${what}: ${t.summary}${baseNote}`, ...(list ? { tests: list } : {}), ...(ok ? {} : { log: t.details ? `${t.details}\n…\n${tail(t.ran, 20)}` : tail(t.ran) }) });
    if (!ok) {
      const where = theirs.length ? `; failing: ${theirs.join(', ')}` : '';
      diagnostics.push(proposalError('tests', `${name}: ${what} fail in the patched tree: ${t.summary}${where}${t.failures.length ? ` (${t.failures.slice(0, 5).join('; ')})` : ''}`));
    }
    if (inBase.length) diagnostics.push({ severity: 'note', message: `${name}: ${inBase.join(', ')} fail${inBase.length === 1 ? 's' : ''} in the base too (not counted against it)`, source: 'proposal', rule: 'tests' });
  };
  if (own) {
    if (own.length === 0) {
      const p = proposals[proposals.length - 1]!;
      diagnostics.push(proposalError('tests', `${p.name}'s patch adds or changes no test file (test/**/*.test.ts): a proposal brings its tests`, { file: p.patchPath, line: 1, col: 1 }));
      steps.push({ step: 'own tests', ok: false, ms: 0, summary: 'own tests: none in the patch', tests: [] });
    } else await testStep('own tests', own, `its ${own.length} test file(s)`);
  }
  const outer = ` (not ${BASE_ONLY.join(', ')}: they test the proposal tool on the base, which npm test does)`;
  if (opts.suite === 'all') {
    const all = (await trackedFiles(s.dir)).filter((f) => f.startsWith('test/') && f.endsWith('.test.ts') && !f.includes('/fixtures/') && !baseOnly(f));
    await testStep('suite', all, `the whole suite${outer}`);
  } else if (opts.suite === 'affected') {
    const files = await trackedFiles(s.dir);
    const affected = (await affectedTests(s.dir, files, [...touched])).filter((f) => !own?.includes(f) && !baseOnly(f));
    if (affected.length) await testStep('suite', affected, `the ${affected.length} other test file(s) that import or run what it touches${outer}`);
    else steps.push({ step: 'suite', ok: true, ms: 0, summary: 'no other test file imports or runs what it touches', tests: [] });
  }
  return { steps, diagnostics };
}

/** The test files a proposal's patch adds or changes. */
const ownTests = (p: Proposal): string[] => p.files.filter((f) => f.status !== 'deleted' && f.path.startsWith('test/') && f.path.endsWith('.test.ts')).map((f) => f.path);

/** Checks each of `names` (each on top of what it requires) in one scratch tree, reset between them. */
export async function checkProposals(root: string, all: readonly Proposal[], names: readonly Proposal[], opts: CheckOptions): Promise<CheckReport[]> {
  const s = await createScratch(root, { documents: true });
  try {
    const reports: CheckReport[] = [];
    for (const p of names) {
      const started = performance.now();
      if (reports.length) await resetScratch(s); // what the one before applied goes
      opts.onStage?.(`${p.name}: apply`);
      const chain = withRequired(all, [p]);
      const [a, ms] = await timed(() => applyChain(s, chain));
      const report: CheckReport = { name: p.name, applied: a.applied.map((x) => x.name), left: [], steps: [], diagnostics: [...a.diagnostics], ok: false, ms: 0 };
      report.steps.push({ step: 'apply', ok: !a.failed, ms, summary: a.failed ? `${a.failed.name} does not apply` : `applied ${report.applied.join(', then ')}` });
      if (!a.failed) {
        const t = await checkTree(s, p.name, chain, ownTests(p), opts);
        report.steps.push(...t.steps);
        report.diagnostics.push(...t.diagnostics);
      }
      report.ok = report.steps.every((x) => x.ok) && !report.diagnostics.some((d) => d.severity === 'error');
      report.ms = performance.now() - started;
      reports.push(report);
    }
    return reports;
  } finally {
    await removeScratch(s);
  }
}

/**
 * Every proposal that does not conflict, applied at once: `chosen` are
 * those the plan kept (one per alternatives group), in requires order; one
 * that does not apply on top of the others is left out with its diagnostic,
 * and so is what requires it. Then the tree is checked once.
 */
export async function checkTogether(root: string, chosen: readonly Proposal[], leftOut: readonly { name: string; why: string }[], opts: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  const s = await createScratch(root, { documents: true });
  try {
    const report: CheckReport = { name: 'all-together', applied: [], left: [...leftOut], steps: [], diagnostics: [], ok: false, ms: 0 };
    const applied: Proposal[] = [];
    const [, ms] = await timed(async () => {
      for (const p of chosen) {
        const missing = p.requires.find((r) => !applied.some((a) => a.name === r));
        if (missing) {
          report.left.push({ name: p.name, why: `requires ${missing}, which is not applied` });
          continue;
        }
        opts.onStage?.(`all-together: apply ${p.name}`);
        const d = await applyOne(s, p, applied, true);
        if (d.length) {
          report.diagnostics.push(...d);
          report.left.push({ name: p.name, why: d[0]!.message });
        } else applied.push(p);
      }
    });
    report.applied = applied.map((p) => p.name);
    report.steps.push({ step: 'apply', ok: report.diagnostics.length === 0, ms, summary: `applied ${report.applied.join(', ') || 'nothing'}${report.left.length ? `; left out ${report.left.map((l) => l.name).join(', ')}` : ''}` });
    // The test files the applied patches add or change: --suite own runs them (and affected the others); all holds them already.
    const own = opts.suite === 'all' || applied.length === 0 ? undefined : [...new Set(applied.flatMap(ownTests))];
    const t = await checkTree(s, 'all-together', applied, own, opts);
    report.steps.push(...t.steps);
    report.diagnostics.push(...t.diagnostics);
    report.ok = report.steps.every((x) => x.ok) && !report.diagnostics.some((d) => d.severity === 'error');
    report.ms = performance.now() - started;
    return report;
  } finally {
    await removeScratch(s);
  }
}
