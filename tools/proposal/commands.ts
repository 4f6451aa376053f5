/**
 * `rfcdoc proposal list | check | apply | new | stats`: thin edges around
 * the stages (load, apply, check, stats, new). They print values and
 * diagnostics once and return the exit status (tools/command.ts: 0 ok, 1
 * problems found, 2 usage); tools/cli.ts registers them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { UsageError } from '../command.ts';
import type { CommandEnv } from '../annotate/commands.ts';
import { checkProposals, checkTogether, SUITES, type CheckReport, type SuiteMode } from './check.ts';
import { loadProposals, type Loaded } from './load.ts';
import { NAME_PATTERN, NAME_RULE, PROPOSALS_DIR, type Proposal } from './model.ts';
import { newProposal, NothingToPropose } from './new.ts';
import { chooseErrors, together, withRequired } from './plan.ts';
import { proposalStats, type KeywordCoverage, type ProposalStats } from './stats.ts';
import { applyTo, TargetRefused } from './to.ts';

/** What check and coverage get (the store's cache directory also keeps stats results, in its proposals/ folder), and progress by stage. */
export interface ProposalEnv extends CommandEnv {
  /** Progress (a terminal only): the step under way. */
  onStage?: (what: string) => void;
  /** Clears the progress line. */
  doneStages?: () => void;
}

export const PROPOSAL_USAGE = `rfcdoc proposal <list|check|apply|new|stats> [NAME...] [options]

A proposal is a folder ${PROPOSALS_DIR}/NAME/ with proposal.patch (a git diff
against this tree, touching reference/ and test/ only) and README.md (a
"# Title", "- Implements: RFC3262", optionally "- Requires: NAME" and
"- Alternatives: GROUP", then prose). Every command but new works on a scratch
copy of the tree's tracked files in a temporary directory: the checkout is
only read.

  list [--json]
      name, documents, status (applies / does not apply: hunk N / requires X)
      and size (code lines added) of every proposal
  check [NAME...] [--suite all|affected|own]
      each proposal applied alone (on top of what it requires), then in the
      copy: tsc -p ., rfcdoc check, its own tests (the test files its patch
      adds or changes), then --suite: all (the whole suite), affected
      (default: the test files whose imports, or the scripts and paths they
      name, reach a file the patch touches) or own (nothing more). Errors the
      base already has are not counted against it.
  check --all-together [--choose GROUP=NAME,...] [--suite all|affected|own]
      every proposal that does not conflict applied at once (one per
      alternatives group: the first by name, or the one --choose names), then
      tsc, rfcdoc check and the suite (default all) once; own: the test files
      the applied patches add or change, affected: those and what they reach
  apply NAME... --to DIR
      writes the tree with the proposals (and what they require) applied to
      DIR, a new or empty directory (written beside it, then renamed: nothing
      half-written, nothing deleted); then: cd DIR && npm install
  new NAME
      turns the uncommitted changes under reference/ and test/ (changed
      tracked files and new untracked ones) into ${PROPOSALS_DIR}/NAME/
      (proposal.patch, and a README.md to fill in); the changes stay in the
      working tree
  stats [NAME...] [--json]
      code lines added and removed (no blank lines, comments or tags), files
      touched, tags added, base tags whose lines it changes, and the coverage
      of each document it implements by key word, before and after it

Exit status: 0 all is well, 1 a proposal has a problem (each said as
file:line:col: error: ... [proposal:rule]), 2 bad usage (an unknown name).`;

const SUBCOMMANDS = ['list', 'check', 'apply', 'new', 'stats'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

/** The options each subcommand takes (besides --json, --help and the common ones). */
const OPTIONS_OF: Record<Sub, readonly string[]> = {
  list: [],
  check: ['suite', 'all-together', 'choose'],
  apply: ['to'],
  new: [],
  stats: [],
};
const OWN_OPTIONS = ['suite', 'all-together', 'choose', 'to'];

export async function runProposal(values: Record<string, unknown>, args: string[], env: ProposalEnv): Promise<number> {
  const [sub, ...names] = args;
  if (sub === undefined) throw new UsageError(`proposal needs a command: ${SUBCOMMANDS.join(', ')} (see rfcdoc proposal --help)`);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`proposal has no command "${sub}" (${SUBCOMMANDS.join(', ')})`);
  const command = sub as Sub;
  for (const o of OWN_OPTIONS) {
    if (values[o] !== undefined && !OPTIONS_OF[command].includes(o)) throw new UsageError(`proposal ${command} takes no --${o}`);
  }
  if (command === 'new') return runNew(names, env);
  const loaded = await loadProposals(env.root);
  env.printDiagnostics(loaded.diagnostics);
  switch (command) {
    case 'list':
      if (names.length) throw new UsageError(`proposal list takes no names, not "${names[0]}"`);
      return runList(loaded, env);
    case 'check':
      return runCheckCommand(values, names, loaded, env);
    case 'apply':
      return runApply(values, names, loaded, env);
    case 'stats':
      return runStats(names, loaded, env);
  }
}

/** The proposals named, or every one; an unknown name is a usage error naming what there is. */
function pick(loaded: Loaded, names: readonly string[], env: ProposalEnv): Proposal[] | undefined {
  if (names.length === 0) {
    if (loaded.proposals.length === 0) {
      env.err(`rfcdoc proposal: no proposals to work on (${loaded.folder ? `none in ${PROPOSALS_DIR}/ without errors` : `there is no ${PROPOSALS_DIR}/ folder`})\n`);
      return undefined;
    }
    return loaded.proposals;
  }
  const out: Proposal[] = [];
  for (const n of names) {
    const p = loaded.proposals.find((x) => x.name === n);
    if (p) {
      if (!out.includes(p)) out.push(p);
      continue;
    }
    const broken = loaded.diagnostics.some((d) => d.severity === 'error' && d.file?.startsWith(`${PROPOSALS_DIR}/${n}/`));
    if (broken) {
      env.err(`rfcdoc proposal: ${n} has errors (said above)\n`);
      return undefined;
    }
    const known = loaded.proposals.map((x) => x.name);
    throw new UsageError(`no proposal is named "${n}" (${loaded.folder ? (known.length ? `there are: ${known.join(', ')}` : `${PROPOSALS_DIR}/ holds none`) : `there is no ${PROPOSALS_DIR}/ folder`})`);
  }
  return out;
}

const loadFailed = (loaded: Loaded) => hasErrors(loaded.diagnostics);

async function runList(loaded: Loaded, env: ProposalEnv): Promise<number> {
  if (!loaded.folder) env.err(`rfcdoc proposal list: there is no ${PROPOSALS_DIR}/ folder: no proposals\n`);
  const results = loaded.proposals.length ? await proposalStats(env.root, loaded.proposals, loaded.proposals, { store: env.store, cacheDir: env.store.cacheDir, sizeOnly: true, onStage: env.onStage }) : [];
  env.doneStages?.();
  const rows = loaded.proposals.map((p, i) => {
    const r = results[i]!;
    const status = r.ok ? 'applies' : statusOf(p, r.diagnostics, loaded.proposals);
    return { name: p.name, title: p.title, documents: p.implements, requires: p.requires, alternatives: p.alternatives ?? null, status, size: r.ok ? r.stats.code.added : null };
  });
  if (env.json) env.out(JSON.stringify(rows, null, 2) + '\n');
  else env.out(table([['name', 'documents', 'status', 'size'], ...rows.map((r) => [r.name, r.documents.join(','), r.status, r.size === null ? '-' : `+${r.size} code lines`])]));
  return loadFailed(loaded) || rows.some((r) => r.status !== 'applies') ? 1 : 0;
}

/** `does not apply: hunk 3` for its own hunk, `requires X` when what it requires does not apply, else the first error. */
function statusOf(p: Proposal, ds: readonly Diagnostic[], all: readonly Proposal[]): string {
  const d = ds.find((x) => x.severity === 'error');
  if (!d) return 'does not apply';
  const other = all.find((q) => q !== p && d.file === q.patchPath);
  if (other) return `requires ${other.name} (which does not apply)`;
  const hunk = /^hunk (\d+) /.exec(d.message);
  if (hunk) return `does not apply: hunk ${hunk[1]}`;
  if (d.rule === 'conflict') return 'conflicts with what it requires';
  return 'does not apply';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function suiteOption(values: Record<string, unknown>, fallback: SuiteMode): SuiteMode {
  const v = values.suite;
  if (v === undefined) return fallback;
  if (!(SUITES as readonly string[]).includes(v as string)) throw new UsageError(`--suite takes ${SUITES.join(', ')}, not "${v}"`);
  return v as SuiteMode;
}

function chooseOption(values: Record<string, unknown>): Map<string, string> {
  const m = new Map<string, string>();
  if (values.choose === undefined) return m;
  for (const item of String(values.choose).split(',')) {
    const [group, name, ...rest] = item.trim().split('=');
    if (!group || !name || rest.length || !NAME_PATTERN.test(group) || !NAME_PATTERN.test(name)) throw new UsageError(`--choose takes GROUP=NAME[,GROUP=NAME...], not "${values.choose}"`);
    if (m.has(group)) throw new UsageError(`--choose names group ${group} twice`);
    m.set(group, name);
  }
  return m;
}

async function runCheckCommand(values: Record<string, unknown>, names: string[], loaded: Loaded, env: ProposalEnv): Promise<number> {
  let reports: CheckReport[];
  if (values['all-together']) {
    if (names.length) throw new UsageError(`check --all-together applies every proposal; it takes no names, not "${names[0]}"`);
    const choose = chooseOption(values);
    const errors = chooseErrors(loaded.proposals, choose);
    if (errors.length) throw new UsageError(errors.join('; '));
    if (!pick(loaded, [], env)) return 1;
    const plan = together(loaded.proposals, choose);
    reports = [await checkTogether(env.root, plan.chosen, plan.left, { suite: suiteOption(values, 'all'), store: env.store, onStage: env.onStage })];
  } else {
    if (values.choose !== undefined) throw new UsageError('--choose goes with --all-together');
    const chosen = pick(loaded, names, env);
    if (!chosen) return 1;
    reports = await checkProposals(env.root, loaded.proposals, chosen, { suite: suiteOption(values, 'affected'), store: env.store, onStage: env.onStage });
  }
  env.doneStages?.();
  for (const r of reports) env.printDiagnostics(r.diagnostics);
  if (env.json) env.out(JSON.stringify(reports, null, 2) + '\n');
  else for (const r of reports) env.out(reportText(r, env));
  return loadFailed(loaded) || reports.some((r) => !r.ok) ? 1 : 0;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function reportText(r: CheckReport, env: ProposalEnv): string {
  const lines = [`${r.name}: ${r.ok ? 'ok' : 'FAILED'} (${seconds(r.ms)})`];
  for (const s of r.steps) {
    lines.push(`  ${s.step.padEnd(9)}  ${s.ok ? 'ok    ' : 'FAILED'}  ${seconds(s.ms).padStart(7)}  ${s.summary}`);
    if (s.log) env.err(`--- ${r.name}: ${s.step}, its failures and the end of its output:\n${s.log}\n---\n`);
  }
  for (const l of r.left) lines.push(`  left out: ${l.name}: ${l.why}`);
  return lines.join('\n') + '\n';
}

async function runApply(values: Record<string, unknown>, names: string[], loaded: Loaded, env: ProposalEnv): Promise<number> {
  if (names.length === 0) throw new UsageError('apply needs at least one proposal name');
  if (typeof values.to !== 'string' || values.to === '') throw new UsageError('apply needs --to DIR (a new or empty directory)');
  const chosen = pick(loaded, names, env);
  if (!chosen) return 1;
  const chain = withRequired(loaded.proposals, chosen);
  let result;
  try {
    result = await applyTo(env.root, chain, values.to);
  } catch (e) {
    if (e instanceof TargetRefused) throw new UsageError(e.message);
    throw e;
  }
  env.printDiagnostics(result.diagnostics);
  if (result.written === undefined) return 1;
  const dir = resolve(values.to);
  if (env.json) env.out(JSON.stringify({ dir, applied: chain.map((p) => p.name), files: result.written }, null, 2) + '\n');
  else env.out(`wrote ${dir}: ${result.written} files, with ${chain.map((p) => p.name).join(', then ')} applied\nnext: cd ${values.to} && npm install && npm run sip -- --help\n`);
  return 0;
}

async function runNew(names: string[], env: ProposalEnv): Promise<number> {
  if (names.length !== 1) throw new UsageError('new takes exactly one proposal name');
  const name = names[0]!;
  if (!NAME_PATTERN.test(name)) throw new UsageError(`"${name}" is not a proposal name: ${NAME_RULE}`);
  if (existsSync(join(env.root, PROPOSALS_DIR, name))) throw new UsageError(`${PROPOSALS_DIR}/${name} exists already: choose another name, or remove it first`);
  let made;
  try {
    made = await newProposal(env.root, name);
  } catch (e) {
    if (!(e instanceof NothingToPropose)) throw e;
    env.err(`rfcdoc proposal new: ${e.message}\n`);
    return 1;
  }
  if (env.json) {
    env.out(JSON.stringify({ patch: made.patchPath, readme: made.readmePath, files: made.files.map((f) => ({ path: f.path, status: f.status })), implements: made.implements }, null, 2) + '\n');
    return 0;
  }
  const list = made.files.map((f) => `  ${f.status.padEnd(8)} ${f.path}`).join('\n');
  env.out(`wrote ${made.patchPath} (${made.files.length} file${made.files.length === 1 ? '' : 's'}):
${list}
and ${made.readmePath}, a skeleton (Implements: ${made.implements.join(', ') || 'none found: name the documents'}).

Next:
  1. fill in ${made.readmePath}: the title, the prose, Requires: and Alternatives: if any;
  2. your changes are still in the working tree (new reverts nothing): check
     the proposal against the base once they are gone from it (commit them on
     a branch, or revert them), since it is applied to the tracked files as they are;
  3. npm run rfcdoc -- proposal check ${name}      (applies it; tsc, rfcdoc check, its tests)
  4. npm run rfcdoc -- proposal stats ${name}      (its size and coverage)
`);
  return 0;
}

async function runStats(names: string[], loaded: Loaded, env: ProposalEnv): Promise<number> {
  const chosen = pick(loaded, names, env);
  if (!chosen) return 1;
  const results = await proposalStats(env.root, loaded.proposals, chosen, { store: env.store, cacheDir: env.store.cacheDir, onStage: env.onStage });
  env.doneStages?.();
  for (const r of results) if (!r.ok) env.printDiagnostics(r.diagnostics);
  const ok = results.flatMap((r) => (r.ok ? [r.stats] : []));
  if (env.json) env.out(JSON.stringify(ok, null, 2) + '\n');
  else env.out(ok.map(statsText).join('\n'));
  return loadFailed(loaded) || results.some((r) => !r.ok) ? 1 : 0;
}

/** `MUST: 28 of 30 implemented (20 of them tested), 2 excepted, 0 missing (before: 0 of 30)`. */
function keywordLine(a: KeywordCoverage, b: KeywordCoverage | undefined): string {
  const done = a.tested + a.implemented;
  const before = b ? b.tested + b.implemented + b.exception : 0;
  return `${a.keyword}: ${done} of ${a.total} implemented (${a.tested} of them tested), ${a.exception} excepted, ${a.todo ? `${a.todo} todo, ` : ''}${a.missing} missing; ${a.coveredPercent}% covered (before it: ${before} covered)`;
}

function statsText(s: ProposalStats): string {
  const lc = (x: { added: number; removed: number }) => `+${x.added} -${x.removed}`;
  const lines = [
    `${s.name} (${s.documents.join(', ')})${s.on.length ? `, on top of ${s.on.join(', ')}` : ''}`,
    `  code lines (reference/): ${lc(s.code)}; tests (test/): ${lc(s.tests)}; other files: ${lc(s.other)} non-blank lines`,
    `  files touched: ${s.files.added.length + s.files.modified.length + s.files.deleted.length} (${s.files.added.length} added, ${s.files.modified.length} changed, ${s.files.deleted.length} deleted)`,
    `  tags added: ${s.tagsAdded}`,
    `  base tags whose lines it changes: ${s.amends.length}`,
    ...s.amends.map((a) => `    ${a.file}:${a.line}: ${a.tag}`),
  ];
  for (const c of s.coverage) {
    lines.push(`  ${c.doc}:${c.after.length ? '' : ' no requirements found'}`);
    for (const k of c.after) lines.push(`    ${keywordLine(k, c.before.find((b) => b.keyword === k.keyword))}`);
  }
  return lines.join('\n') + '\n';
}
