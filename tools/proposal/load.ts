/**
 * Load stage: `reference/proposals/*\/` → proposals, in `requires` order,
 * and diagnostics for the folders that are not proposals (each naming the
 * file, line and column, and the rule: `[proposal:no-implements]`).
 *
 * The patch is parsed by the `diff` package (parsePatch); this module only
 * splits it at git's `diff --git` headers, so that every file and hunk knows
 * its line in proposal.patch (the error `proposal.patch:120: hunk 3 does not
 * apply to FILE` names it), and so that a file with no hunks (an empty new
 * file) is not lost, which parsePatch alone would fold into the next one.
 *
 * A proposal with an error is left out of the result; so is one requiring it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePatch } from 'diff';
import { warning, type Diagnostic } from '../diagnostics.ts';
import { parseDocName } from '../spec/docname.ts';
import { NAME_PATTERN, NAME_RULE, PATCHABLE, PROPOSALS_DIR, proposalError, SOURCE, type PatchFile, type PatchHunk, type Proposal } from './model.ts';

export interface Loaded {
  /** Every proposal without errors, those it requires before it, otherwise by name. */
  proposals: Proposal[];
  diagnostics: Diagnostic[];
  /** False when there is no reference/proposals/ folder at all. */
  folder: boolean;
}

const README = 'README.md';
const PATCH = 'proposal.patch';

export async function loadProposals(root: string): Promise<Loaded> {
  let entries;
  try {
    entries = await readdir(join(root, PROPOSALS_DIR), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { proposals: [], diagnostics: [], folder: false };
    throw e;
  }
  const diagnostics: Diagnostic[] = [];
  const read: Read[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const one = await readProposal(root, e.name);
    diagnostics.push(...one.diagnostics);
    if (one.proposal) read.push({ proposal: one.proposal, requiresAt: one.requiresAt! });
  }
  const ordered = requiresOrder(read);
  return { proposals: ordered.proposals, diagnostics: [...diagnostics, ...ordered.diagnostics], folder: true };
}

interface Read {
  proposal: Proposal;
  requiresAt: Positions;
}

async function readProposal(root: string, name: string): Promise<{ proposal?: Proposal; requiresAt?: Positions; diagnostics: Diagnostic[] }> {
  const dir = `${PROPOSALS_DIR}/${name}`;
  const readmePath = `${dir}/${README}`;
  const patchPath = `${dir}/${PATCH}`;
  const diagnostics: Diagnostic[] = [];
  if (!NAME_PATTERN.test(name)) {
    diagnostics.push(proposalError('bad-name', `proposal folder "${name}": a name is ${NAME_RULE}`, { file: dir }));
  }
  const files = await readdir(join(root, dir));
  for (const f of files.filter((x) => x !== README && x !== PATCH).sort()) {
    diagnostics.push({ ...warning(`${dir}/${f}: a proposal folder holds only ${README} and ${PATCH}; this file is not part of the proposal`, { file: `${dir}/${f}` }), source: SOURCE, rule: 'extra-file' });
  }
  const readmeText = await readOptional(join(root, readmePath), MAX_README, readmePath, diagnostics);
  const patch = await readOptional(join(root, patchPath), MAX_PATCH, patchPath, diagnostics);
  if (readmeText === undefined && !diagnostics.some((d) => d.file === readmePath)) diagnostics.push(proposalError('no-readme', `proposal ${name} has no ${README} (title, Implements: line, prose)`, { file: dir }));
  if (patch === undefined && !diagnostics.some((d) => d.file === patchPath)) diagnostics.push(proposalError('no-patch', `proposal ${name} has no ${PATCH}`, { file: dir }));
  const fields = readmeText === undefined ? undefined : readReadme(readmeText, readmePath);
  const parsed = patch === undefined ? undefined : readPatch(patch, patchPath);
  diagnostics.push(...(fields?.diagnostics ?? []), ...(parsed?.diagnostics ?? []));
  if (!fields || !parsed || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { proposal: { name, ...fields.fields, readmePath, patchPath, patch: patch!, files: parsed.files }, requiresAt: fields.requiresAt, diagnostics };
}

/** Bounds on what is read: a README is prose, a patch the code of one extension (the six SIP ones are under 200 KiB). */
const MAX_README = 1 << 20;
export const MAX_PATCH = 32 << 20;

/** A file's text, undefined when it is absent or larger than `max` (then said, at `file`). */
async function readOptional(path: string, max: number, file: string, diagnostics: Diagnostic[]): Promise<string | undefined> {
  try {
    const s = await stat(path);
    // A directory or a named pipe there: said, never read (a pipe's read would wait for a writer).
    if (!s.isFile()) {
      diagnostics.push(proposalError('not-a-file', `${file} is not a file: a proposal's ${file.endsWith('.patch') ? 'patch' : 'README'} is a regular file`, { file }));
      return undefined;
    }
    const size = s.size;
    if (size > max) {
      diagnostics.push(proposalError('bad-patch', `${file} is ${size} bytes; a proposal's file is at most ${max} bytes`, { file }));
      return undefined;
    }
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

type Fields = Pick<Proposal, 'title' | 'implements' | 'requires' | 'alternatives' | 'readme'>;

/** Where each required name is written in the README, for the errors about it. */
type Positions = Map<string, { line: number; col: number }>;

const FIELD = /^[-*]\s+(Implements|Requires|Alternatives)\s*:(.*)$/i;

/** Where each item of a comma-separated field value starts (1-based column). */
function items(value: string, valueCol: number): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const lead = part.length - part.trimStart().length;
    if (part.trim()) out.push({ text: part.trim(), col: valueCol + offset + lead });
    offset += part.length + 1;
  }
  return out;
}

/** The README's heading, its three fields and its prose. */
export function readReadme(text: string, file: string): { fields: Fields; requiresAt: Positions; diagnostics: Diagnostic[] } {
  const lines = text.split(/\r?\n/);
  const diagnostics: Diagnostic[] = [];
  const first = lines.findIndex((l) => l.trim() !== '');
  const heading = first >= 0 ? /^#\s+(.+?)\s*#*\s*$/.exec(lines[first]!) : null;
  if (!heading) diagnostics.push(proposalError('no-title', 'the README begins with a "# Title" heading', { file, line: first >= 0 ? first + 1 : 1, col: 1 }));
  const fields: Fields = { title: heading?.[1] ?? '', implements: [], requires: [], readme: '' };
  const requiresAt: Positions = new Map();
  const seen = new Set<string>();
  let last = first;
  for (let i = first + 1; i < lines.length; i++) {
    const m = FIELD.exec(lines[i]!);
    if (!m) {
      // The fields are the list right under the title; prose starts at the first other non-blank line.
      if (lines[i]!.trim() !== '') break;
      continue;
    }
    last = i;
    const key = m[1]!.toLowerCase();
    const at = { file, line: i + 1 };
    if (seen.has(key)) diagnostics.push(proposalError('bad-field', `${m[1]}: is given twice`, { ...at, col: 1 }));
    seen.add(key);
    const list = items(m[2]!, lines[i]!.length - m[2]!.length + 1);
    if (key === 'implements') {
      for (const it of list) {
        try {
          fields.implements.push(parseDocName(it.text).label);
        } catch (e) {
          diagnostics.push(proposalError('bad-document', `Implements: ${(e as Error).message}`, { ...at, col: it.col }));
        }
      }
    } else if (key === 'requires') {
      for (const it of list) {
        if (NAME_PATTERN.test(it.text)) {
          fields.requires.push(it.text);
          requiresAt.set(it.text, { line: i + 1, col: it.col });
        }
        else diagnostics.push(proposalError('bad-field', `Requires: "${it.text}" is not a proposal name (${NAME_RULE})`, { ...at, col: it.col }));
      }
    } else {
      if (list.length !== 1 || !NAME_PATTERN.test(list[0]!.text)) {
        diagnostics.push(proposalError('bad-field', `Alternatives: takes one group name (${NAME_RULE})`, { ...at, col: list[0]?.col ?? 1 }));
      } else fields.alternatives = list[0]!.text;
    }
  }
  if (!seen.has('implements')) {
    diagnostics.push(proposalError('no-implements', 'no "- Implements: RFC…" line under the title (the documents this proposal implements, comma-separated)', { file, line: (first >= 0 ? first : 0) + 2, col: 1 }));
  } else if (fields.implements.length === 0 && !diagnostics.some((d) => d.rule === 'bad-document')) {
    diagnostics.push(proposalError('no-implements', 'Implements: names no document', { file, line: lines.findIndex((l) => /^[-*]\s+Implements/i.test(l)) + 1, col: 1 }));
  }
  fields.readme = lines.slice(last + 1).join('\n').trim();
  return { fields, requiresAt, diagnostics };
}

/**
 * The proposals in `requires` order (each after what it requires, otherwise
 * by name). An unknown required name, a cycle, or requiring a proposal that
 * was left out is an error at the README's Requires: entry; such a proposal
 * is left out too.
 */
function requiresOrder(read: readonly Read[]): { proposals: Proposal[]; diagnostics: Diagnostic[] } {
  const byName = new Map(read.map((r) => [r.proposal.name, r]));
  const diagnostics: Diagnostic[] = [];
  const at = (r: Read, name: string): Partial<Diagnostic> => ({ file: r.proposal.readmePath, ...r.requiresAt.get(name) });
  const out: Proposal[] = [];
  const state = new Map<string, 'visiting' | 'done' | 'bad'>();
  const visit = (r: Read, path: string[]): boolean => {
    const name = r.proposal.name;
    const s = state.get(name);
    if (s === 'done') return true;
    if (s === 'bad') return false;
    if (s === 'visiting') return false;
    state.set(name, 'visiting');
    let ok = true;
    for (const req of r.proposal.requires) {
      const next = byName.get(req);
      if (!next) {
        diagnostics.push(proposalError('unknown-requires', `Requires: no proposal is named "${req}" (see rfcdoc proposal list)`, at(r, req)));
        ok = false;
        continue;
      }
      if (state.get(req) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(req)), name, req];
        diagnostics.push(proposalError('requires-cycle', `Requires: ${cycle.join(' → ')} is a cycle: no order applies them`, at(r, req)));
        ok = false;
        continue;
      }
      if (!visit(next, [...path, name])) {
        if (!diagnostics.some((d) => d.rule === 'requires-cycle' && d.file === r.proposal.readmePath)) {
          diagnostics.push(proposalError('unknown-requires', `Requires: ${req} has errors (said above), so ${name} cannot be applied`, at(r, req)));
        }
        ok = false;
      }
    }
    state.set(name, ok ? 'done' : 'bad');
    if (ok) out.push(r.proposal);
    return ok;
  };
  for (const r of read) visit(r, []);
  return { proposals: out, diagnostics };
}

/** A path a patch may touch: under reference/ or test/, not in reference/proposals/, no `..`. */
function patchable(path: string): boolean {
  return PATCHABLE.some((p) => path.startsWith(p)) && !path.startsWith(`${PROPOSALS_DIR}/`) && !path.split('/').includes('..');
}

const GIT_HEADER = /^diff --git a\/(.+?) b\/(.+)$/;
const stripPrefix = (name: string | undefined) => (name === undefined || name === '/dev/null' ? undefined : name.replace(/^[ab]\//, ''));

/** The files and hunks of a git patch, each with its line in the patch. */
export function readPatch(text: string, file: string): { files: PatchFile[]; diagnostics: Diagnostic[] } {
  const lines = text.split('\n');
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('diff --git ')) starts.push(i);
  });
  const diagnostics: Diagnostic[] = [];
  if (starts.length === 0) {
    diagnostics.push(proposalError('bad-patch', 'not a git patch: no "diff --git" header (make it with rfcdoc proposal new, or git diff)', { file, line: 1, col: 1 }));
    return { files: [], diagnostics };
  }
  const files: PatchFile[] = [];
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]! : lines.length;
    const section = lines.slice(start, end);
    const at = { file, line: start + 1, col: 1 };
    const header = GIT_HEADER.exec(section[0]!);
    let parsed;
    try {
      parsed = parsePatch(section.join('\n'), { strict: true });
    } catch (e) {
      // jsdiff counts lines from 1 within the section it was given: `hunk at line 5`, `Unknown line 7`; the error is at that line of the patch.
      const message = (e as Error).message;
      const inSection = /\b(?:at line|Unknown line) (\d+)\b/.exec(message);
      const line = inSection ? start + Number(inSection[1]) : at.line;
      diagnostics.push(proposalError('bad-patch', `the patch does not parse here: ${message.replace(/ at line \d+$/, '')}`, { ...at, line }));
      return;
    }
    const diff = parsed.find((d) => d.hunks.length || d.oldFileName || d.newFileName);
    const hunkLines = section.flatMap((l, i) => (l.startsWith('@@') ? [start + i + 1] : []));
    const hunks = diff?.hunks ?? [];
    if (hunks.length !== hunkLines.length) {
      diagnostics.push(proposalError('bad-patch', `${hunkLines.length} "@@" headers but ${hunks.length} hunks parsed: a hunk's line counts do not match its lines`, at));
      return;
    }
    const status = section.some((l) => l.startsWith('new file mode')) ? 'added' : section.some((l) => l.startsWith('deleted file mode')) ? 'deleted' : 'modified';
    const path = stripPrefix(status === 'deleted' ? diff?.oldFileName : diff?.newFileName) ?? header?.[2];
    const paths = [path, stripPrefix(diff?.oldFileName), header?.[1], header?.[2]].filter((p): p is string => p !== undefined);
    if (path === undefined) {
      diagnostics.push(proposalError('bad-patch', 'cannot tell which file this diff is of', at));
      return;
    }
    const outside = paths.find((p) => !patchable(p));
    if (outside !== undefined) {
      diagnostics.push(proposalError('outside-tree', `the patch touches ${outside}: a proposal changes only ${PATCHABLE.join(' and ')} (never ${PROPOSALS_DIR}/)`, at));
      return;
    }
    files.push({
      path,
      status,
      patchLine: start + 1,
      hunks: hunks.map((h, i): PatchHunk => ({
        index: i + 1,
        patchLine: hunkLines[i]!,
        // jsdiff counts an empty side from the line after; the header's number is what git reports.
        oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
        newLines: h.newLines,
        lines: h.lines,
      })),
    });
  });
  return { files, diagnostics };
}
