/**
 * `rfcdoc check` and `rfcdoc coverage`: thin edges around analyzeProject.
 * They print values and diagnostics once and return the exit code; tools/cli.ts
 * registers them and supplies the environment (store options, printing).
 */
import { error, hasErrors, type Diagnostic } from '../diagnostics.ts';
import type { DocName } from '../spec/docname.ts';
import { lineId } from '../spec/paginate.ts';
import type { StoreOptions } from '../spec/store.ts';
import type { Progress } from '../progress.ts';
import { coverageFigures, filterErrors, selectRequirements, STATUSES, type CoverageFigures, type FigureFilter, type Figures } from './coverage.ts';
import type { Project, Requirement } from './model.ts';
import { analyzeProject, DEFAULT_PATHS, sortDiagnostics } from './project.ts';
import { MAX_TAG_DISTANCE, MAX_UNTAGGED_LINES, obsoleting, strictDiagnostics } from './strict.ts';

export interface CommandEnv {
  root: string;
  store: StoreOptions;
  json: boolean;
  progress?: (total: number) => Progress;
  printDiagnostics(ds: readonly Diagnostic[]): void;
  out: (s: string) => void;
  err: (s: string) => void;
}

export const CHECK_USAGE = `rfcdoc check [path...] [--strict]

Scans the .ts files under the paths (default: ${DEFAULT_PATHS.join('/ and ')}/) for
@implements, @tests, @exception and @todo tags, loads every cited document, and
resolves every ref. Prints each problem as file:line:col: error: message, then
a summary. Exit 1 when there is any error.
--strict also warns (file:line:col: warning: ... [rfcdoc:rule]) about the
modules that name the document they implement: a run of more than
${MAX_UNTAGGED_LINES} lines of rule code with no tag between them
(rfcdoc:untagged-stretch), and an @implements tag more than ${MAX_TAG_DISTANCE} lines
away from the code below it (rfcdoc:distant-tag), and a tag naming a document
the RFC index says is obsoleted, unless the module says why with
@cites-obsoleted <doc>: <why> (rfcdoc:obsoleted-document). Warnings do not change the
exit status. See tools/annotate/strict.ts for what counts.
--json prints {diagnostics, errors, warnings, files, tags, citations, documents}
on stdout instead.`;

export const COVERAGE_USAGE = `rfcdoc coverage <doc> [--sections 8,17] [--keywords MUST,"MUST NOT"]

The requirements of a document (its sentences with BCP 14 key words in
capitals) and their status from the tags under ${DEFAULT_PATHS.join('/ and ')}/:
tested, implemented, exception, todo or missing. Prints counts and percentages
per key word and per top-level section, and totals; covered = tested +
implemented + exception. --sections and --keywords keep only those.
--json prints {doc, title, filter, figures, requirements}; each requirement
with its status, PnLm range and the tags citing it.`;

export async function runCheck(paths: string[], env: CommandEnv, opts: { strict?: boolean } = {}): Promise<number> {
  const started = Date.now();
  const analyzed = await analyzeProject({ root: env.root, paths: paths.length ? paths : DEFAULT_PATHS, store: env.store, progress: env.progress });
  const project = opts.strict ? { ...analyzed, diagnostics: sortDiagnostics([...analyzed.diagnostics, ...strictDiagnostics(analyzed.files, obsoleting(analyzed.docs.values()))]) } : analyzed;
  const summary = checkSummary(project);
  if (env.json) {
    env.out(JSON.stringify({ diagnostics: project.diagnostics, ...summary }, null, 2) + '\n');
  } else {
    env.printDiagnostics(project.diagnostics);
    const roles = (['module', 'test', 'readme'] as const).map((r) => plural(project.files.filter((f) => f.role === r).length, r)).join(', ');
    env.err(
      `check: ${plural(summary.files, 'file')} (${roles}), ${plural(summary.tags, 'tag')}, ${plural(summary.citations, 'citation')} of ${plural(summary.documents, 'document')}: ` +
        `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')} (${Date.now() - started} ms)\n`,
    );
  }
  return hasErrors(project.diagnostics) ? 1 : 0;
}

export function checkSummary(project: Project) {
  return {
    errors: project.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: project.diagnostics.filter((d) => d.severity === 'warning').length,
    files: project.files.length,
    tags: project.files.reduce((n, f) => n + f.tags.length, 0),
    citations: project.citations.length,
    documents: project.docs.size,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function runCoverage(name: DocName, asked: FigureFilter, env: CommandEnv): Promise<number> {
  // Key words are known without the document: a wrong one costs no fetch.
  const early = filterErrors(name.label, [], { keywords: asked.keywords }).errors;
  if (early.length) {
    env.printDiagnostics(early.map((m) => error(m)));
    return 1;
  }
  const project = await analyzeProject({ root: env.root, store: env.store, extraDocs: [name], progress: env.progress });
  const doc = project.docs.get(name.id);
  if (!doc) {
    env.printDiagnostics(project.diagnostics.filter((d) => d.file === undefined));
    return 1;
  }
  const { filter, errors: unknown } = filterErrors(doc.label, doc.sections.map((s) => s.number), asked);
  if (unknown.length) {
    env.printDiagnostics(unknown.map((m) => error(m)));
    return 1;
  }
  const errors = project.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) env.err(`coverage: note: the tags have ${plural(errors, 'error')}; figures count only the citations that resolve (see rfcdoc check)\n`);
  const all = project.requirements.get(name.id) ?? [];
  const figures = coverageFigures(all, filter);
  const kept = selectRequirements(all, filter);
  if (env.json) {
    const requirements = kept.map((r) => requirementJson(r, doc.lines));
    env.out(JSON.stringify({ doc: doc.label, title: doc.title, filter, figures, requirements }, null, 2) + '\n');
    return 0;
  }
  const titles = new Map(doc.sections.map((s) => [s.number, s.title]));
  env.out(coverageTable(doc.label, doc.title, figures, titles));
  return 0;
}

export function requirementJson(r: Requirement, lines: readonly { page: number; line: number }[]) {
  return {
    keyword: r.keyword,
    section: r.section ?? null,
    begin: lineId(lines[r.begin]!),
    end: lineId(lines[r.end]!),
    status: r.status,
    text: r.text,
    refs: r.citations.map((c) => ({ kind: c.tag.kind, ref: c.ref.text, file: c.tag.file, line: c.tag.line })),
  };
}

/** The plain-text report: per key word, per top-level section, total. */
export function coverageTable(label: string, title: string, f: CoverageFigures, titles: ReadonlyMap<string, string>): string {
  const head = ['', 'total', ...STATUSES, 'covered'];
  const row = (name: string, x: Figures) => [name, String(x.total), ...STATUSES.map((s) => String(x.counts[s])), `${x.coveredPercent.toFixed(1)}%`];
  const rows: string[][] = [];
  rows.push(['key word', ...head.slice(1)]);
  for (const [k, x] of Object.entries(f.byKeyword)) rows.push(row(k, x));
  rows.push([]);
  rows.push(['section', ...head.slice(1)]);
  for (const [k, x] of Object.entries(f.bySection)) rows.push(row(k === '-' ? '(front)' : `${k} ${titles.get(k) ?? ''}`.trim(), x));
  rows.push([]);
  rows.push(row('total', f.total));
  const width0 = Math.min(40, Math.max(...rows.map((r) => (r[0] ?? '').length)));
  const widths = head.map((h, i) => (i === 0 ? width0 : Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const lines = rows.map((r) =>
    r.length === 0
      ? ''
      : r
          .map((cell, i) => (i === 0 ? cell.slice(0, width0).padEnd(width0) : cell.padStart(widths[i]!)))
          .join('  ')
          .trimEnd(),
  );
  const t = f.total;
  return `${label} — ${title}\n${t.total} requirements, ${t.covered} covered (${t.coveredPercent.toFixed(1)}%)\n\n${lines.join('\n')}\n`;
}
