/**
 * The size of a patch, from the texts of the files it touches before and
 * after it: code lines added and removed (neither blank lines, comments nor
 * tags count: tools/annotate/lex.ts tells which lines hold code), files
 * touched, tags added (tools/annotate/scan.ts), and the base tags whose
 * governed lines a hunk changes, deletes or inserts into: the rules of the
 * base it amends. A pure function of the texts.
 *
 * The lines a tag governs: from the tag down to the line before the next tag
 * that cites text, and no further than the block it sits in (where the
 * bracket nesting drops below the tag's, that closing line not included, nor
 * the next `case` or `default` label of its switch clause); a
 * tag at the top level governs the one statement below it. An `@exception`
 * or `@todo` says what no code does and governs only its own lines. An insertion amends a tag when it goes between
 * two of its lines, not when it goes right after its last one.
 */
import { lex } from '../annotate/lex.ts';
import type { Tag } from '../annotate/model.ts';
import { scanTags } from '../annotate/scan.ts';
import { hunkLines } from './hunks.ts';
import type { PatchFile } from './model.ts';

export interface LineCounts {
  added: number;
  removed: number;
}

export interface Amended {
  /** The base tag, as written: `@implements RFC3261 P143L14-P143L19`. */
  tag: string;
  doc: string;
  refs: string[];
  kind: Tag['kind'];
  /** Where the tag is in the base. */
  file: string;
  line: number;
}

export interface Measure {
  /** .ts lines of code under reference/. */
  code: LineCounts;
  /** .ts lines of code under test/. */
  tests: LineCounts;
  /** Non-blank lines of the other files (SIPp scenarios, READMEs). */
  other: LineCounts;
  files: { added: string[]; modified: string[]; deleted: string[] };
  tagsAdded: number;
  amends: Amended[];
}

/** Texts of a file before and after the patch; undefined where it does not exist. */
export type Texts = (path: string) => { before?: string; after?: string };

export function measurePatch(files: readonly PatchFile[], texts: Texts): Measure {
  const m: Measure = { code: { added: 0, removed: 0 }, tests: { added: 0, removed: 0 }, other: { added: 0, removed: 0 }, files: { added: [], modified: [], deleted: [] }, tagsAdded: 0, amends: [] };
  for (const f of files) {
    m.files[f.status].push(f.path);
    const { before, after } = texts(f.path);
    const lines = f.hunks.map(hunkLines);
    const added = lines.flatMap((l) => l.added);
    const removed = lines.flatMap((l) => l.removed);
    if (!f.path.endsWith('.ts')) {
      const nonBlank = (text: string | undefined, at: readonly number[]) => {
        const all = (text ?? '').split('\n');
        return at.filter((n) => (all[n - 1] ?? '').trim() !== '').length;
      };
      m.other.added += nonBlank(after, added);
      m.other.removed += nonBlank(before, removed);
      continue;
    }
    const counts = f.path.startsWith('test/') ? m.tests : m.code;
    if (after !== undefined) {
      const code = lex(after).code;
      counts.added += added.filter((n) => code[n - 1]).length;
      const addedSet = new Set(added);
      m.tagsAdded += scanTags(after, f.path).tags.filter((t) => addedSet.has(t.line)).length;
    }
    if (before !== undefined) {
      const code = lex(before).code;
      counts.removed += removed.filter((n) => code[n - 1]).length;
      const removedSet = new Set(removed);
      const insertedAfter = lines.flatMap((l) => l.insertedAfter);
      for (const { tag, first, last } of governed(before, f.path)) {
        const changed = [...removedSet].some((n) => n >= first && n <= last) || insertedAfter.some((n) => n >= first && n < last);
        if (changed) {
          m.amends.push({ tag: `@${tag.kind} ${tag.doc} ${tag.refs.map((r) => r.text).join(', ')}`, doc: tag.doc, refs: tag.refs.map((r) => r.text), kind: tag.kind, file: f.path, line: tag.line });
        }
      }
    }
  }
  return m;
}

/** A line that opens a switch clause. */
const CASE_LABEL = /^\s*(?:case\b|default\s*:)/;

/** Each citing tag of a text with the lines (1-based, inclusive) it governs: see the module comment. */
export function governed(text: string, path: string): { tag: Tag; first: number; last: number }[] {
  const lexed = lex(text);
  const { code, nestAfter, lastChar } = lexed;
  const lines = text.split('\n');
  const n = code.length;
  const tags = scanTags(text, path).tags.filter((t) => t.refs.length > 0);
  const tagLines = [...new Set(tags.map((t) => t.line))].sort((a, b) => a - b);
  return tags.map((tag) => {
    const own = Math.max(tag.line, ...(tag.refAt ?? []).map((r) => r.line));
    if (tag.kind === 'exception' || tag.kind === 'todo') return { tag, first: tag.line, last: own };
    const nextTag = tagLines.find((l) => l > own) ?? n + 1;
    const depth = tag.line >= 2 ? nestAfter[tag.line - 2]! : 0;
    let last = own;
    let seenCode = false;
    for (let k = own; k < nextTag - 1 && k < n; k++) {
      // k is 0-based: line k + 1. The line closing the block the tag sits in is not the tag's.
      if (code[k] && nestAfter[k]! < depth) break;
      // Nor the next `case`/`default` label of the switch its clause is in: that clause is another rule's.
      if (seenCode && code[k] && nestAfter[k - 1] === depth && CASE_LABEL.test(lines[k]!)) break;
      last = k + 1;
      if (!code[k]) continue;
      seenCode = true;
      const ends = nestAfter[k] === depth && (lastChar[k] === 59 || lastChar[k] === 125); // ; or }
      if (depth === 0 && ends) break; // a top-level tag governs one statement
    }
    if (!seenCode) last = own;
    return { tag, first: tag.line, last };
  });
}
