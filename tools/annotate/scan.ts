/**
 * Scan stage: source text → tags, with a diagnostic for every tag that
 * cannot be read. Tags live only in comments (`//`, `/* *\/`, JSDoc):
 *
 *   @implements RFC3261 (SIP)                      the file implements the document
 *   @implements RFC3261 P143L14-P143L19[, ref]...  this code does what the text says
 *   @tests <doc> <refs>                            this test verifies the text
 *   @exception <doc> <refs>: <reason>              knowingly not done, and why
 *   @todo <doc> <refs>                             not done yet
 *
 * A ref is `PnLm-PnLm`, `PnLm`, `section 17.1.1` or `§17.1.1`. A list whose
 * line ends with `,` continues on the next comment line.
 *
 * Decisions:
 *  - A tag word is `@` + word at the start of the comment text or after white
 *    space (so `user@example.com` and a quoted `` `@tests` `` are prose).
 *  - A tag word must be followed by a document name: `this @tests nothing` in
 *    a comment is an error, never silently prose. `@todo` must cite the text
 *    it is about too.
 *  - A word within edit distance 2 of a tag word (`@implement`, `@test`,
 *    `@exceptions`, `@tod`) is an error, unless it is a known JSDoc/TSDoc tag
 *    (`@note`, `@see`, `@param`...). A tag word in other case (`@Tests`) is an
 *    error too.
 *  - Errors are located at the tag's `@`; the message quotes what is wrong.
 *  - An exception's reason is the rest of its line after the first `:`.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { error } from '../diagnostics.ts';
import { DocNameError, parseDocName } from '../spec/docname.ts';
import { parseRef, RefError, type Ref } from '../spec/refs.ts';
import { lex, type CommentLine } from './lex.ts';
import type { SourceFile, Tag, TagKind } from './model.ts';

export const TAG_WORDS: readonly TagKind[] = ['implements', 'tests', 'exception', 'todo'];

/** JSDoc and TSDoc block tags: never taken for a misspelt tag word. */
const KNOWN_TAGS = new Set(
  (
    'abstract access alias async augments author borrows callback class classdesc constant constructs copyright default ' +
    'defaultvalue deprecated description enum event eventproperty example experimental exports extends external file ' +
    'fileoverview fires function generator global hideconstructor ignore import inheritdoc inner instance interface ' +
    'internal kind label lends license link linkcode linkplain listens member memberof mixes mixin module name namespace ' +
    'note overload override package packagedocumentation param private privateremarks property protected public readonly ' +
    'remarks requires returns return satisfies sealed see since static summary template this throws throw tutorial type ' +
    'typedef typeparam variation version virtual yields alpha beta'
  ).split(' '),
);

export interface ScanResult {
  tags: Tag[];
  diagnostics: Diagnostic[];
  /** First sentence of the header comment (the comment before any code). */
  description?: string;
  /** Lines holding code: neither blank nor only comment. */
  sloc: number;
}

export function scanTags(text: string, file: string): ScanResult {
  const lexed = lex(text);
  const tags: Tag[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = lexed.lines;
  for (let i = 0; i < lines.length; i++) {
    const cl = lines[i]!;
    const re = /(^|\s)@([A-Za-z][A-Za-z_-]*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(cl.text))) {
      const at = m.index + m[1]!.length;
      const word = m[2]!;
      const pos = { file, line: cl.line, col: column(lexed.lineStarts, cl, at) };
      if ((TAG_WORDS as readonly string[]).includes(word)) {
        const parsed = parseTag(word as TagKind, lines, i, at + 1 + word.length, pos, lexed.lineStarts);
        if ('message' in parsed) {
          diagnostics.push(error(parsed.message, pos));
        } else {
          tags.push(...parsed.tags);
          if (parsed.lastLine !== i) {
            i = parsed.lastLine;
            break;
          }
          re.lastIndex = parsed.end;
        }
        continue;
      }
      const lower = word.toLowerCase();
      if ((TAG_WORDS as readonly string[]).includes(lower)) {
        diagnostics.push(error(`tag @${word} must be written in lower case: @${lower}`, pos));
        continue;
      }
      if (KNOWN_TAGS.has(lower)) continue;
      const near = nearestTag(lower);
      if (near) diagnostics.push(error(`unknown tag @${word}: did you mean @${near}?`, pos));
    }
  }
  return { tags, diagnostics, description: describe(lexed.lines, lexed.firstCode), sloc: lexed.code.filter(Boolean).length };
}

/** Scans a file and builds its SourceFile record. `path` is project-relative posix. */
export function scanSource(path: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const role = roleOf(path);
  if (role === 'readme') {
    return { file: { path, text, role, description: readmeTitle(text), sloc: 0, tags: [] }, diagnostics: [] };
  }
  const { tags, diagnostics, description, sloc } = scanTags(text, path);
  return { file: { path, text, role, description, sloc, tags }, diagnostics };
}

/** `readme` for README.md, `test` under test/ (or a `.test.ts`), else `module`. */
export function roleOf(path: string): SourceFile['role'] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^readme\.md$/i.test(base)) return 'readme';
  if (path.startsWith('test/') || path.includes('/test/') || base.endsWith('.test.ts')) return 'test';
  return 'module';
}

function readmeTitle(text: string): string | undefined {
  const m = /^#\s+(.+)$/m.exec(text);
  return m ? m[1]!.trim() : undefined;
}

const column = (starts: readonly number[], cl: CommentLine, index: number) => cl.offset + index - starts[cl.line - 1]! + 1;

type Parsed = { tags: Tag[]; lastLine: number; end: number } | { message: string };

/** Reads one tag whose word ends at `from` in comment line `i`. */
function parseTag(
  kind: TagKind,
  lines: readonly CommentLine[],
  i: number,
  from: number,
  pos: { file: string; line: number; col: number },
  starts: readonly number[],
): Parsed {
  const cl = lines[i]!;
  const rest = cl.text.slice(from);
  const docMatch = /^(\s+)(RFC ?\d+(?![\w-])|[^\s,:()]+)/i.exec(rest);
  if (!docMatch) {
    const what = rest.trim() === '' ? 'nothing' : `"${rest.trim()}"`;
    return { message: `@${kind} must be followed by a document name (RFC3261 or draft-name-NN), found ${what}` };
  }
  let doc: string;
  try {
    const name = parseDocName(docMatch[2]!);
    doc = name.label;
  } catch (e) {
    if (!(e instanceof DocNameError)) throw e;
    return { message: `@${kind} must be followed by a document name (RFC3261 or draft-name-NN): ${e.message}` };
  }
  const afterDoc = from + docMatch[0].length;
  const tail = cl.text.slice(afterDoc);
  const base: Tag = { kind, doc, refs: [], file: pos.file, line: pos.line, col: pos.col };

  const described = /^\s*\((.*)\)\s*$/.exec(tail);
  if (described) {
    if (kind !== 'implements') return { message: `@${kind} ${doc} needs refs (P143L14-P143L19, section 17.1): only @implements takes a (description)` };
    const note = described[1]!.trim();
    if (note === '') return { message: `@implements ${doc} (): the description in parentheses is empty` };
    return { tags: [{ ...base, note }], lastLine: i, end: cl.text.length };
  }

  // Segments of ref text: the rest of this line, then continuation lines after a trailing comma.
  const segments: { line: CommentLine; start: number; end: number }[] = [];
  let reason: string | undefined;
  let k = i;
  let start = afterDoc;
  for (;;) {
    const line = lines[k]!;
    let end = line.text.length;
    if (kind === 'exception') {
      const colon = line.text.indexOf(':', start);
      if (colon >= 0) {
        end = colon;
        reason = line.text.slice(colon + 1).trim();
      }
    }
    segments.push({ line, start, end });
    const next = lines[k + 1];
    const continues = reason === undefined && line.text.slice(start, end).trimEnd().endsWith(',');
    if (!continues || !next || next.line !== line.line + 1) break;
    k++;
    start = 0;
  }

  // A list item that starts with another document name switches to it:
  // `@tests RFC4475 P5L37-P6L20, RFC3261 P30L29-P30L35, P32L40-P33L4`.
  const groups: { doc: string; refs: Ref[]; refAt: { line: number; col: number }[] }[] = [{ doc, refs: [], refAt: [] }];
  for (const [si, seg] of segments.entries()) {
    const text = seg.line.text.slice(seg.start, seg.end);
    let offset = seg.start;
    const items = text.split(',');
    for (const [ii, item] of items.entries()) {
      const itemOffset = offset;
      offset += item.length + 1;
      let trimmed = item.trim();
      let lead = item.length - item.trimStart().length;
      const isTrailing = ii === items.length - 1 && si < segments.length - 1;
      if (trimmed === '') {
        if (isTrailing) continue;
        if (segments.length === 1 && items.length === 1) {
          if (kind === 'implements') {
            return { message: `@implements ${doc} needs refs (P143L14-P143L19, section 17.1) or a description in parentheses: @implements ${doc} (SIP)` };
          }
          return { message: `@${kind} ${doc} needs refs (P143L14-P143L19, section 17.1)` };
        }
        return { message: `@${kind} ${doc}: empty reference in "${text.trim()}"` };
      }
      const other = /^(RFC ?\d+|draft-[A-Za-z0-9-]+)\s+(?=\S)/i.exec(trimmed);
      if (other && (si > 0 || ii > 0)) {
        try {
          const name = parseDocName(other[1]!);
          groups.push({ doc: name.label, refs: [], refAt: [] });
        } catch (e) {
          if (!(e instanceof DocNameError)) throw e;
          return { message: `@${kind} ${doc}: ${e.message}` };
        }
        trimmed = trimmed.slice(other[0].length);
        lead += other[0].length;
      }
      const group = groups[groups.length - 1]!;
      try {
        group.refs.push(parseRef(trimmed));
      } catch (e) {
        if (!(e instanceof RefError)) throw e;
        return { message: `@${kind} ${group.doc}: ${e.message}` };
      }
      group.refAt.push({ line: seg.line.line, col: column(starts, seg.line, itemOffset + lead) });
    }
  }
  const refList = groups.flatMap((g) => g.refs.map((r) => r.text)).join(', ');
  if (kind === 'exception') {
    if (reason === undefined) return { message: `@exception ${doc} ${refList} needs a reason: @exception ${doc} <refs>: <why it is not done>` };
    if (reason === '') return { message: `@exception ${doc} ${refList}: the reason after ":" is empty` };
  }
  const tags = groups.map((g) => {
    const tag: Tag = { ...base, doc: g.doc, refs: g.refs, refAt: g.refAt };
    if (reason !== undefined) tag.note = reason;
    return tag;
  });
  const last = segments[segments.length - 1]!;
  return { tags, lastLine: k, end: reason !== undefined ? last.line.text.length : last.end };
}

/** The tag word within edit distance 2 of `word`, if any (closest first). */
export function nearestTag(word: string): TagKind | undefined {
  let best: TagKind | undefined;
  let bestDistance = 3;
  for (const t of TAG_WORDS) {
    const d = editDistance(word, t);
    if (d < bestDistance) {
      best = t;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (r === 0 ? c : c === 0 ? r : 0)));
  for (let r = 1; r < rows; r++) {
    for (let c = 1; c < cols; c++) {
      const cost = a[r - 1] === b[c - 1] ? 0 : 1;
      let v = Math.min(d[r - 1]![c]! + 1, d[r]![c - 1]! + 1, d[r - 1]![c - 1]! + cost);
      if (r > 1 && c > 1 && a[r - 1] === b[c - 2] && a[r - 2] === b[c - 1]) v = Math.min(v, d[r - 2]![c - 2]! + 1);
      d[r]![c] = v;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/**
 * The first sentence of the header comment: the comment (or run of `//`
 * lines) before any code, its first paragraph, tag lines left out.
 */
function describe(lines: readonly CommentLine[], firstCode: number): string | undefined {
  const words: string[] = [];
  let prev: CommentLine | undefined;
  for (const cl of lines) {
    if (cl.offset >= firstCode) break;
    // A run of `//` lines is one comment when the lines are adjacent.
    if (prev && cl.comment !== prev.comment && cl.line !== prev.line + 1) break;
    prev = cl;
    const t = cl.text.trim();
    if (t === '') {
      if (words.length) break;
      continue;
    }
    if (t.startsWith('@')) {
      if (words.length) break;
      continue;
    }
    words.push(t);
  }
  const text = words.join(' ').replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  const end = /(?<!\b(?:e\.g|i\.e|etc|cf|vs))[.!?](?=\s|$)/.exec(text);
  return end ? text.slice(0, end.index + 1) : text;
}
