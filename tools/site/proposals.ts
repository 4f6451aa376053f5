/**
 * The site's proposals stage: each proposal under reference/proposals/
 * (read by the proposal tool's loader) applied in memory to the tree the
 * pipeline just analysed, on top of what it requires (jsdiff's applyPatch:
 * no scratch copy, no git), measured with the tool's own measure
 * (measurePatch: code lines added and removed, tags added, base tags
 * amended), its added tags resolved against the documents, and the coverage
 * of each document it implements computed by the annotate pipeline's coverage
 * stage (applyCoverage) with the patched files' citations in place of those
 * files' base citations: what `rfcdoc proposal stats` computes on a scratch
 * tree, at the cost of a few string operations.
 *
 * What costs (applying, measuring, scanning the patched texts) is kept in a
 * ProposalCache keyed on its own input, the patches of the chain and the
 * base texts of the files they touch, as the pipeline's stage cache keys a
 * scan on its file's text: an edit elsewhere in the tree reuses it, and only
 * resolving and coverage, which read the base's citations, run again.
 *
 * A proposal that does not apply to this tree, a document that cannot be
 * loaded or a tag that does not resolve is a warning: the site still builds
 * (`rfcdoc proposal check` is where they are errors).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { applyPatch, structuredPatch } from 'diff';
import type { Citation, MapEntry, Project, Requirement, SourceFile, Tag } from '../annotate/model.ts';
import { applyCoverage } from '../annotate/coverage.ts';
import { extractRequirements } from '../annotate/requirements.ts';
import { docId, resolveTags } from '../annotate/resolve.ts';
import { scanSource } from '../annotate/scan.ts';
import { citedDocNames } from '../annotate/project.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { parseDocName } from '../spec/docname.ts';
import type { SpecDoc } from '../spec/document.ts';
import { lineId } from '../spec/paginate.ts';
import { loadDocs, type StoreOptions } from '../spec/store.ts';
import { hunkLines } from '../proposal/hunks.ts';
import { loadProposals } from '../proposal/load.ts';
import { measurePatch, type Amended, type Measure, type Texts } from '../proposal/measure.ts';
import type { PatchFile, PatchHunk, Proposal } from '../proposal/model.ts';
import { withRequired } from '../proposal/plan.ts';
import { applyChain, createScratch, removeScratch } from '../proposal/apply.ts';

export interface ProposedHunk extends PatchHunk {
  /** Numbered through the proposal's page: `proposals/<name>.html#hunk-N`. */
  n: number;
  /** Base tags whose governed lines this hunk changes (measure.ts decides which). */
  amends: Amended[];
}

export interface ProposedFile {
  path: string;
  status: PatchFile['status'];
  /** The text before the proposal (the base with what it requires applied) and after it; undefined where the file does not exist. */
  before?: string;
  after?: string;
  hunks: ProposedHunk[];
}

/** A citation by a tag the proposal adds: `tag.file`/`tag.line` are in the patched tree. */
export interface ProposedCitation extends Citation {
  proposal: string;
  hunk: number;
}

export interface ProposalCoverage {
  /** The document's id (`rfc3262`) and label (`RFC3262`). */
  id: string;
  label: string;
  /** Its requirements with their status in the tree the proposal applies to, and with it applied. */
  before: Requirement[];
  after: Requirement[];
}

export interface SiteProposal {
  proposal: Proposal;
  /** Why it does not apply to this tree: its page then shows the patch alone. */
  problem?: string;
  files: ProposedFile[];
  measure?: Measure;
  /** Tags on the lines it adds (module-level ones too), with the hunk adding each. */
  tags: { tag: Tag; hunk: number }[];
  citations: ProposedCitation[];
  /** Per hunk number: the base's citations by the tags it amends. */
  amended: Map<number, Citation[]>;
  coverage: ProposalCoverage[];
}

export interface SiteProposals {
  /** In the loader's order: what a proposal requires before it, otherwise by name. */
  list: SiteProposal[];
  /** Documents the proposals cite or implement that the base does not, by id. */
  docs: Map<string, SpecDoc>;
  /** Their requirements as the base leaves them (nothing of the base cites them: all missing). */
  requirements: Map<string, Requirement[]>;
  diagnostics: Diagnostic[];
}

interface Applied {
  key: string;
  problem?: string;
  files: ProposedFile[];
  measure?: Measure;
  /** Every .ts and README file the chain (what it requires, then it) leaves, scanned; undefined where it deletes one. */
  after: Map<string, SourceFile | undefined>;
  /** The same, what it requires applied but not it. */
  before: Map<string, SourceFile | undefined>;
}

/** What the stage keeps between builds (a renderer kept by `rfcdoc serve` keeps one). */
export interface ProposalCache {
  applied: Map<string, Applied>;
  docs: Map<string, SpecDoc>;
  requirements: WeakMap<SpecDoc, Requirement[]>;
}

export const createProposalCache = (): ProposalCache => ({ applied: new Map(), docs: new Map(), requirements: new WeakMap() });

/** Scans of one run, shared by the chains that leave a file with the same text (update's, and session-timer-update's before it); kept only through what is applied. */
type Scans = Map<string, SourceFile>;

const notice = (d: Diagnostic): Diagnostic => (d.severity === 'error' ? { ...d, severity: 'warning' } : d);

export async function siteProposals(project: Project, store: StoreOptions, cache: ProposalCache = createProposalCache()): Promise<SiteProposals> {
  const loaded = await loadProposals(project.root);
  const diagnostics = loaded.diagnostics.map(notice);
  const baseText = new Map(project.files.map((f) => [f.path, f.text]));
  const applied = new Map<string, Applied>();
  const scans: Scans = new Map();
  for (const p of loaded.proposals) {
    const chain = withRequired(loaded.proposals, [p]);
    const bases = await baseTexts(project.root, chain, baseText);
    const key = keyOf(chain, bases);
    let a = cache.applied.get(p.name);
    if (!a || a.key !== key) {
      a = applyInMemory(chain, bases, key, scans);
      // Two proposals of a chain inserting at the same spot: jsdiff cannot stack them, git's
      // three-way apply (what `rfcdoc proposal` does) keeps both. Only then a scratch copy.
      if (a.problem && chain.length > 1) {
        const g = await viaGit(project.root, chain, key, scans);
        a = typeof g === 'string' ? { ...a, problem: `${a.problem} (${g})` } : g;
      }
      cache.applied.set(p.name, a);
    }
    applied.set(p.name, a);
    if (a.problem) diagnostics.push({ severity: 'warning', message: `proposal ${p.name} is shown unapplied: ${a.problem}`, file: p.patchPath });
  }
  for (const name of [...cache.applied.keys()]) if (!applied.has(name)) cache.applied.delete(name);

  // Documents beyond the base's: those the proposals implement and those their patched files cite.
  const wanted = new Map<string, ReturnType<typeof parseDocName>>();
  for (const p of loaded.proposals) for (const d of p.implements) wanted.set(parseDocName(d).id, parseDocName(d));
  for (const a of applied.values()) for (const [id, n] of citedDocNames([...a.after.values()].flatMap((f) => f?.tags ?? []))) wanted.set(id, n);
  const missing = [...wanted.values()].filter((n) => !project.docs.has(n.id) && !cache.docs.has(n.id));
  if (missing.length) {
    // Looked at, not pinned: a site build leaves rfc-cache/lock.json as the tags of the tree have it (proposal check pins what a patch cites).
    const l = await loadDocs(missing, { ...store, pinNew: false });
    for (const [id, doc] of l.docs) cache.docs.set(id, doc);
    diagnostics.push(...l.diagnostics.filter((d) => d.severity === 'error').map(notice));
  }
  const docs = new Map<string, SpecDoc>();
  for (const id of wanted.keys()) {
    const d = cache.docs.get(id);
    if (d && !project.docs.has(id)) docs.set(id, d);
  }
  const allDocs = new Map([...project.docs, ...docs]);
  // The base's citations by file (what a hunk amends) and by document (what a document's coverage counts), once per build.
  const baseByFile = new Map<string, Citation[]>();
  const baseByDoc = new Map<string, Citation[]>();
  for (const c of project.citations) {
    for (const [m, k] of [[baseByFile, c.tag.file], [baseByDoc, docId(c.tag.doc)]] as const) {
      const list = m.get(k);
      if (list) list.push(c);
      else m.set(k, [c]);
    }
  }
  const requirements = new Map([...docs].map(([id, d]) => [id, applyCoverage(requirementsOf(cache, d), baseByDoc.get(id) ?? [])] as const));

  const list = loaded.proposals.map((p) => site(p, applied.get(p.name)!, allDocs, baseByFile, baseByDoc, cache, diagnostics));
  return { list, docs, requirements, diagnostics };
}

/** The base texts of every file the chain touches (undefined: not in the tree). */
async function baseTexts(root: string, chain: readonly Proposal[], known: ReadonlyMap<string, string>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const q of chain) {
    for (const f of q.files) {
      if (out.has(f.path)) continue;
      out.set(f.path, known.get(f.path) ?? (await readFile(join(root, f.path), 'utf8').catch(() => undefined)));
    }
  }
  return out;
}

function keyOf(chain: readonly Proposal[], bases: ReadonlyMap<string, string | undefined>): string {
  const h = createHash('sha1');
  for (const q of chain) h.update(`${q.name}\0${q.patch}\0`);
  for (const [path, text] of [...bases].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(`${path}\0${text === undefined ? '\u0001' : text}\0`);
  return h.digest('hex');
}

/** jsdiff numbers an empty side from the line after; PatchHunk keeps git's header numbers. */
const forJsdiff = (h: PatchHunk) => ({
  oldStart: h.oldLines === 0 ? h.oldStart + 1 : h.oldStart,
  oldLines: h.oldLines,
  newStart: h.newLines === 0 ? h.newStart + 1 : h.newStart,
  newLines: h.newLines,
  lines: h.lines,
});

/** One file's patch applied to its text; a string saying which hunk does not fit otherwise. */
function applyFile(q: Proposal, f: PatchFile, text: string | undefined): { text?: string; problem?: string } {
  if (f.status === 'added' && text !== undefined) return { problem: `${q.patchPath}:${f.patchLine}: ${f.path} is already in the tree` };
  if (f.status !== 'added' && text === undefined) return { problem: `${q.patchPath}:${f.patchLine}: ${f.path} is not in the tree` };
  const out = applyPatch(text ?? '', { hunks: f.hunks.map(forJsdiff) });
  if (out !== false) return { text: f.status === 'deleted' ? undefined : out };
  const bad = f.hunks.find((h) => applyPatch(text ?? '', { hunks: [forJsdiff(h)] }) === false) ?? f.hunks[0]!;
  return { problem: `${q.patchPath}:${bad.patchLine}: hunk ${bad.index} does not apply to ${f.path}` };
}

/** Scanned as the pipeline would: .ts files and READMEs, not under fixtures/ or node_modules/. */
const scanned = (path: string) => (path.endsWith('.ts') || basename(path) === 'README.md') && !/(^|\/)(fixtures|node_modules)\//.test(path);

function scan(scans: Scans, path: string, text: string): SourceFile {
  const key = `${path}\0${text}`;
  let s = scans.get(key);
  if (!s) scans.set(key, (s = scanSource(path, text).file));
  return s;
}

function applyInMemory(chain: readonly Proposal[], bases: ReadonlyMap<string, string | undefined>, key: string, scans: Scans): Applied {
  const p = chain[chain.length - 1]!;
  const state = new Map(bases);
  let before = state;
  for (const q of chain) {
    if (q === p) before = new Map(state);
    for (const f of q.files) {
      const r = applyFile(q, f, state.get(f.path));
      if (r.problem) return { key, problem: q === p ? r.problem : `what it requires does not apply: ${r.problem}`, files: unapplied(p), after: new Map(), before: new Map() };
      state.set(f.path, r.text);
    }
  }
  return describe(p, before, state, key, scans);
}

/**
 * The chain applied by git in a scratch copy (three-way, as `rfcdoc proposal` applies several): the texts before and after its last proposal;
 * why not where git cannot apply it either, or cannot copy the tree (a tree that is no git checkout: the copy holds its tracked files).
 */
async function viaGit(root: string, chain: readonly Proposal[], key: string, scans: Scans): Promise<Applied | string> {
  const p = chain[chain.length - 1]!;
  const paths = [...new Set(chain.flatMap((q) => q.files.map((f) => f.path)))];
  const read = async (dir: string) => new Map(await Promise.all(paths.map(async (path) => [path, await readFile(join(dir, path), 'utf8').catch(() => undefined)] as const)));
  let s;
  try {
    s = await createScratch(root);
  } catch (e) {
    return `nor by git three-way: no scratch copy of the tree: ${(e as Error).message}`;
  }
  try {
    if ((await applyChain(s, chain.slice(0, -1), { threeWay: true })).failed) return 'nor by git three-way: what it requires does not apply';
    const before = await read(s.dir);
    if ((await applyChain(s, [p], { threeWay: true })).failed) return 'nor by git three-way';
    return describe(p, before, await read(s.dir), key, scans);
  } finally {
    await removeScratch(s);
  }
}

function describe(p: Proposal, before: ReadonlyMap<string, string | undefined>, state: ReadonlyMap<string, string | undefined>, key: string, scans: Scans): Applied {
  const texts: Texts = (path) => ({ before: before.get(path), after: state.get(path) });
  // What is measured and shown is what the patch did to these texts: its own hunks where they landed as numbered, else the texts' diff.
  const landed = p.files.map((f) => (inPlace(f, texts(f.path)) ? f : rediffed(f, texts(f.path))));
  let n = 0;
  const files = landed.map((f): ProposedFile => {
    const t = texts(f.path);
    const hunks = f.hunks.map((h) => ({ ...h, n: ++n, amends: measurePatch([{ ...f, hunks: [h] }], texts).amends }));
    return { path: f.path, status: f.status, before: t.before, after: t.after, hunks };
  });
  const scanAll = (m: ReadonlyMap<string, string | undefined>) =>
    new Map([...m].filter(([path]) => scanned(path)).map(([path, text]) => [path, text === undefined ? undefined : scan(scans, path, text)] as const));
  return { key, files, measure: measurePatch(landed, texts), after: scanAll(state), before: scanAll(before) };
}

/** Whether every hunk's lines are where its header puts them in both texts (jsdiff found its context in place, not at an offset). */
function inPlace(f: PatchFile, { before, after }: { before?: string; after?: string }): boolean {
  const b = (before ?? '').split('\n');
  const a = (after ?? '').split('\n');
  return f.hunks.every((h) => {
    let o = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
    let n = h.newLines === 0 ? h.newStart + 1 : h.newStart;
    return h.lines.every((l) => {
      const text = l.slice(1);
      if (l[0] === ' ') return b[o++ - 1] === text && a[n++ - 1] === text;
      if (l[0] === '-') return b[o++ - 1] === text;
      if (l[0] === '+') return a[n++ - 1] === text;
      return true;
    });
  });
}

/**
 * A file whose hunks applied at an offset (the base moved on since the patch
 * was made, or what it requires added lines above them): its hunks as the
 * diff of the texts gives them, numbered where they are, as
 * `rfcdoc proposal stats` measures the diff git's apply made.
 */
function rediffed(f: PatchFile, { before, after }: { before?: string; after?: string }): PatchFile {
  const d = structuredPatch(f.path, f.path, before ?? '', after ?? '', '', '', { context: 3 });
  const hunks = d.hunks.map((h, i): PatchHunk => ({
    index: i + 1,
    patchLine: f.patchLine,
    oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
    newLines: h.newLines,
    lines: h.lines,
  }));
  return { ...f, hunks };
}

function unapplied(p: Proposal): ProposedFile[] {
  let n = 0;
  return p.files.map((f) => ({ path: f.path, status: f.status, hunks: f.hunks.map((h) => ({ ...h, n: ++n, amends: [] })) }));
}

/**
 * The base's citations of the documents `ids` with those of the files a tree
 * changes replaced by the citations of its texts. Only those documents': the
 * coverage they feed counts a document's own citations alone
 * (applyCoverage), so the tags citing others are not resolved, nor the
 * base's other citations sorted, once per proposal and side on every build.
 */
function citationsWith(files: ReadonlyMap<string, SourceFile | undefined>, baseByDoc: ReadonlyMap<string, Citation[]>, docs: ReadonlyMap<string, SpecDoc>, ids: ReadonlySet<string>): Citation[] {
  const kept = [...ids].flatMap((id) => (baseByDoc.get(id) ?? []).filter((c) => !files.has(c.tag.file)));
  const tags = [...files.values()].flatMap((f) => f?.tags.filter((t) => ids.has(docId(t.doc))) ?? []);
  return [...kept, ...resolveTags(tags, docs).citations];
}

function site(
  p: Proposal,
  a: Applied,
  docs: ReadonlyMap<string, SpecDoc>,
  baseByFile: ReadonlyMap<string, Citation[]>,
  baseByDoc: ReadonlyMap<string, Citation[]>,
  cache: ProposalCache,
  diagnostics: Diagnostic[],
): SiteProposal {
  const out: SiteProposal = { proposal: p, problem: a.problem, files: a.files, measure: a.measure, tags: [], citations: [], amended: new Map(), coverage: [] };
  if (a.problem) return out;
  for (const f of a.files) {
    for (const h of f.hunks) {
      const cs = h.amends.flatMap((m) => (baseByFile.get(m.file) ?? []).filter((c) => c.tag.line === m.line));
      if (cs.length) out.amended.set(h.n, cs);
    }
    const after = a.after.get(f.path);
    if (!after) continue;
    const hunkOf = new Map<number, number>();
    for (const h of f.hunks) for (const l of hunkLines(h).added) hunkOf.set(l, h.n);
    const added = after.tags.filter((t) => hunkOf.has(t.line));
    for (const tag of added) out.tags.push({ tag, hunk: hunkOf.get(tag.line)! });
    const resolved = resolveTags(added, docs);
    for (const d of resolved.diagnostics) diagnostics.push(notice({ ...d, message: `proposal ${p.name}: ${d.message}` }));
    for (const c of resolved.citations) out.citations.push({ ...c, proposal: p.name, hunk: hunkOf.get(c.tag.line)! });
  }
  const ids = new Set(p.implements.map(docId));
  const before = citationsWith(a.before, baseByDoc, docs, ids);
  const after = citationsWith(a.after, baseByDoc, docs, ids);
  for (const label of p.implements) {
    const id = docId(label);
    const doc = docs.get(id);
    if (!doc) continue;
    const reqs = requirementsOf(cache, doc);
    out.coverage.push({ id, label: doc.label, before: applyCoverage(reqs, before), after: applyCoverage(reqs, after) });
  }
  return out;
}

function requirementsOf(cache: ProposalCache, doc: SpecDoc): Requirement[] {
  let reqs = cache.requirements.get(doc);
  if (!reqs) cache.requirements.set(doc, (reqs = extractRequirements(doc)));
  return reqs;
}

/** map.json's rows for the proposals' citations: the base's fields, then the proposal and its hunk; line and file are in the patched tree. */
export function proposalMapEntries(list: readonly SiteProposal[], docs: ReadonlyMap<string, SpecDoc>): (MapEntry & { proposal: string; hunk: number })[] {
  const rows = list.flatMap((p) =>
    p.citations.map((c) => {
      const doc = docs.get(docId(c.tag.doc))!;
      const entry = { doc: c.tag.doc, ref: c.ref.text, begin: lineId(doc.lines[c.span.begin]!), end: lineId(doc.lines[c.span.end]!), kind: c.tag.kind, file: c.tag.file, line: c.tag.line } satisfies MapEntry;
      return { ...entry, proposal: c.proposal, hunk: c.hunk };
    }),
  );
  return rows;
}
