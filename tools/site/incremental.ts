/**
 * The annotate pipeline kept warm for `rfcdoc serve`: the same stages as
 * analyzeProject (scan → load docs → resolve → requirements → coverage), but
 * a file whose text did not change is not scanned again, a document already
 * loaded is not read again, and a document's requirement sentences are
 * extracted once. The result equals analyzeProject's on the same tree
 * (test/site/incremental.test.ts checks it).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { citedDocNames, listFiles, sortDiagnostics, DEFAULT_PATHS } from '../annotate/project.ts';
import { scanSource } from '../annotate/scan.ts';
import { resolveTags } from '../annotate/resolve.ts';
import { extractRequirements } from '../annotate/requirements.ts';
import { applyCoverage } from '../annotate/coverage.ts';
import type { Project, Requirement, SourceFile } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { loadDocs, type StoreOptions } from '../spec/store.ts';
import type { Diagnostic } from '../diagnostics.ts';

export interface AnalyzerOptions {
  root: string;
  paths?: readonly string[];
  store: StoreOptions;
}

export type Analyzer = () => Promise<Project>;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export function createAnalyzer(opts: AnalyzerOptions): Analyzer {
  const scans = new Map<string, { hash: string; file: SourceFile; diagnostics: Diagnostic[] }>();
  const docs = new Map<string, SpecDoc>();
  /** Warnings that came with loading each document. */
  const loadNotes = new Map<string, Diagnostic[]>();
  const requirementsOf = new WeakMap<SpecDoc, Requirement[]>();

  return async () => {
    const { root } = opts;
    const listed = await listFiles(root, opts.paths ?? DEFAULT_PATHS);
    const diagnostics: Diagnostic[] = [...listed.diagnostics];
    const texts = await Promise.all(listed.files.map((f) => readFile(join(root, f), 'utf8')));
    const files: SourceFile[] = [];
    const seen = new Set<string>();
    listed.files.forEach((path, i) => {
      const text = texts[i]!;
      const hash = sha1(text);
      let s = scans.get(path);
      if (!s || s.hash !== hash) {
        s = { hash, ...scanSource(path, text) };
        scans.set(path, s);
      }
      seen.add(path);
      files.push(s.file);
      diagnostics.push(...s.diagnostics);
    });
    for (const p of [...scans.keys()]) if (!seen.has(p)) scans.delete(p);

    const tags = files.flatMap((f) => f.tags);
    const names = citedDocNames(tags);
    const missing = [...names.values()].filter((n) => !docs.has(n.id));
    if (missing.length) {
      // A document that fails to load is tried again on the next run.
      const loaded = await loadDocs(missing, opts.store);
      for (const [id, d] of loaded.docs) docs.set(id, d);
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      diagnostics.push(...errors);
      const notes = loaded.diagnostics.filter((d) => d.severity !== 'error');
      for (const id of loaded.docs.keys()) loadNotes.set(id, notes);
    }
    const cited = new Map<string, SpecDoc>();
    const notes = new Set<Diagnostic>();
    for (const id of names.keys()) {
      const d = docs.get(id);
      if (!d) continue;
      cited.set(id, d);
      for (const n of loadNotes.get(id) ?? []) notes.add(n);
    }
    diagnostics.push(...notes);

    const resolved = resolveTags(tags, cited);
    diagnostics.push(...resolved.diagnostics);
    const requirements = new Map<string, Requirement[]>();
    for (const [id, doc] of [...cited].sort(([a], [b]) => a.localeCompare(b))) {
      let reqs = requirementsOf.get(doc);
      if (!reqs) requirementsOf.set(doc, (reqs = extractRequirements(doc)));
      requirements.set(id, applyCoverage(reqs, resolved.citations));
    }
    return { root, files, docs: cited, citations: resolved.citations, requirements, diagnostics: sortDiagnostics(diagnostics) };
  };
}
