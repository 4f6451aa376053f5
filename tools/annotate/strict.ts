/**
 * Strict stage (`rfcdoc check --strict`): no silent stretches. A pure
 * function of the scanned files, returning warnings; it finds
 *
 *  - `rfcdoc:untagged-stretch`: more than 15 lines of rule code with no tag
 *    among them, reported at the stretch's first line;
 *  - `rfcdoc:distant-tag`: a tag more than 3 lines away from the code below
 *    it, reported at the tag's `@`.
 *
 * Decisions:
 *  - Only modules are looked at (not tests, not READMEs), and of those only
 *    files that say which document they implement (a module-level
 *    `@implements RFC3261 (SIP)`): a file that declares none is plumbing (a
 *    command line, a clock) and has no rules to tag. Its tags are still
 *    checked for distance.
 *  - Rule code is a line holding code that is not part of an import, an
 *    `export ... from` or `export { ... }` list, or a type-level declaration
 *    at the top of the file (`interface`, `type`, `declare`), that is more
 *    than closing brackets (`}`, `});`), and that is not a line of a table
 *    (only literals and keys: `200: 'OK',`, `'Accept', 'Allow',`): a table
 *    is one rule, tagged once above it. A class field declared with no value
 *    (`readonly realm: string;`) is a type-level declaration too. Blank lines, comments and those lines
 *    neither count nor end a stretch: only a tag ends one.
 *  - A tag is one that cites text (`@implements`, `@exception`, `@todo`,
 *    `@tests` with refs); a module-level `@implements RFC3261 (SIP)` cites
 *    none and ends no stretch. A tag on a line ends the stretch before it, and
 *    that line (code with a trailing tag) starts the next.
 *  - Distance is asked of `@implements` tags that cite text, the ones that
 *    sit above code doing what they quote; an `@exception` or `@todo` says
 *    what no code does, so it may stand anywhere (a file's header lists them).
 *  - A tag's distance is the number of lines between its comment and the
 *    first code below it that is not an import. The comment holding the tag
 *    (a block comment, or a run of `//` lines with no blank line) is the tag's
 *    own and is not counted: a tag may be followed by a paragraph saying why.
 *    Blank lines and any further comment after a blank line do count. A tag
 *    with code on its own line is at distance 0; one with no code below is
 *    reported too.
 *  - `rfcdoc:obsoleted-document`: a tag naming a document that the RFC
 *    Editor's index says is obsoleted (RFC 4566, obsoleted by RFC 8866),
 *    reported at the tag's `@`, naming what obsoletes it. A module may cite
 *    one on purpose (SIP's Digest is RFC 2617's, which RFC 3261 cites; a
 *    rule quoted beside the one that replaced it): its comments then say so,
 *    and why, once per document: `@cites-obsoleted RFC2617: <why>`. That
 *    silences the document in that module only, never the rule; one that
 *    gives no reason is reported.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { lex, type Lexed } from './lex.ts';
import type { SourceFile, Tag } from './model.ts';

/** More rule-code lines than this with no tag is a stretch. */
export const MAX_UNTAGGED_LINES = 15;
/** More lines than this between a tag and its code is too far. */
export const MAX_TAG_DISTANCE = 3;

export type StrictRule = 'untagged-stretch' | 'distant-tag' | 'obsoleted-document';

/** A strict warning: Diagnostic's source and rule, always set (printed as `[rfcdoc:rule]`). */
export interface StrictDiagnostic extends Diagnostic {
  severity: 'warning';
  source: 'rfcdoc';
  rule: StrictRule;
  file: string;
  line: number;
  col: number;
}

/** Document label → the labels of the documents obsoleting it (`RFC4566` → [`RFC8866`]), for the obsoleted documents only. */
export type Obsoleting = ReadonlyMap<string, readonly string[]>;

/** The obsoleted ones among `docs`, by the index's relations they carry (tools/spec/rfcindex.ts). */
export function obsoleting(docs: Iterable<{ label: string; relations?: { obsoletedBy: readonly string[] } }>): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const d of docs) if (d.relations?.obsoletedBy.length) out.set(d.label, d.relations.obsoletedBy);
  return out;
}

/** The strict warnings of every module among `files`, in file order; `obsoleted` as `obsoleting` gives it (none: no such warning). */
export function strictDiagnostics(files: readonly SourceFile[], obsoleted: Obsoleting = new Map()): StrictDiagnostic[] {
  return files.filter((f) => f.role === 'module').flatMap((f) => strictFile(f.path, f.text, f.tags, obsoleted));
}

/** The strict warnings of one module file (`path` is only used to locate them). */
export function strictFile(path: string, text: string, tags: readonly Tag[], obsoleted: Obsoleting = new Map()): StrictDiagnostic[] {
  const lexed = lex(text);
  const kinds = lineKinds(text, lexed);
  const citing = tags.filter((t) => t.refs.length > 0);
  const out: StrictDiagnostic[] = [];
  for (const t of citing) {
    if (t.kind !== 'implements') continue;
    const d = distantTag(path, t, lexed, kinds);
    if (d) out.push(d);
  }
  if (tags.some((t) => t.kind === 'implements' && t.refs.length === 0)) out.push(...untaggedStretches(path, text, lexed, citing, kinds));
  if (obsoleted.size) out.push(...obsoletedDocuments(path, lexed, tags, obsoleted));
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** What a line holds, for these two rules. */
type LineKind = 'blank' | 'comment' | 'import' | 'declaration' | 'brackets' | 'data' | 'rule';

/** A top-level statement that is no rule: an import, a re-export or export list, a type-level declaration. */
const DECLARATION = /^(?:import\b(?!\s*[(.])|export\s+(?:\*|\{|type\s+\{)|(?:export\s+)?(?:declare\s+)?(?:interface|type)\s+[A-Za-z_$])/;
const IMPORT = /^(?:import\b(?!\s*[(.])|export\s+(?:\*|\{[^}]*\}\s*from|type\s+\{[^}]*\}\s*from))/;
/** A statement keyword at the top level starts a statement even when the previous one did not visibly end. */
const STATEMENT_START = /^(?:import|export|function|async\s+function|const|let|var|class|interface|type|declare|enum|abstract)\b/;
/**
 * A line going on with the statement before it although that one looked
 * ended: the next member of a union or intersection (`| { type: 'ACK' }`
 * after a member ending in `}`), or `||`/`&&`.
 */
const CONTINUATION = /^[|&]/;
/** A string, number or constant literal; a key naming a value. */
const LITERAL = String.raw`(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d[\w.]*|true|false|null|undefined)`;
const KEY = String.raw`(?:[A-Za-z_$][\w$]*|${LITERAL}|\[[^\]]*\])\s*:\s*`;
/** A line of a table: `200: 'OK',`, `'Accept', 'Allow',`, `i: 'Call-ID', // RFC 6665`. */
const DATA = new RegExp(String.raw`^(?:${KEY})?${LITERAL}(?:\s*,\s*(?:${KEY})?${LITERAL})*\s*,?$`);
/**
 * A class field declared with no value (`readonly realm: string;`) or a
 * constructor's parameter property (`readonly rule: string,`): types, no rule.
 */
const FIELD = /^(?:(?:readonly|private|public|protected|static|declare|abstract|override)\s+)*#?[A-Za-z_$][\w$]*[?!]?\s*:[^=]*;$|^(?:(?:readonly|private|public|protected|override)\s+)+[A-Za-z_$][\w$]*\??\s*:[^=]*,?$/;
/** Only closing brackets and separators. */
const BRACKETS = /^[\s})\];,]*$/;
const SEMICOLON = 59;
const CLOSE_BRACE = 125;

/**
 * Per 0-based line, its kind. Top-level statements are followed from the
 * lexer's bracket nesting: one ends on a line where nothing is open and the
 * last code character is `;` or `}`.
 */
function lineKinds(text: string, lexed: Lexed): LineKind[] {
  const { code, lineStarts, nestAfter, lastChar } = lexed;
  const kinds: LineKind[] = [];
  /** The kind of the top-level statement under way, if any. */
  let statement: 'import' | 'declaration' | 'rule' | undefined;
  /** The kind of the last top-level statement, under way or ended. */
  let last: typeof statement;
  for (let k = 0; k < lineStarts.length; k++) {
    const raw = text.slice(lineStarts[k], k + 1 < lineStarts.length ? lineStarts[k + 1]! - 1 : text.length);
    if (!code[k]) {
      kinds.push(raw.trim() === '' ? 'blank' : 'comment');
      continue;
    }
    const line = raw.trimStart();
    const topLevel = (k === 0 ? 0 : nestAfter[k - 1]!) === 0;
    if (topLevel && statement === undefined && CONTINUATION.test(line)) statement = last;
    else if (topLevel && (statement === undefined || STATEMENT_START.test(line))) {
      statement = IMPORT.test(line) ? 'import' : DECLARATION.test(line) ? 'declaration' : 'rule';
    }
    last = statement;
    const kind = statement ?? 'rule';
    const bare = kind === 'rule' ? withoutComment(line).trim() : '';
    kinds.push(kind !== 'rule' ? kind : BRACKETS.test(bare) ? 'brackets' : DATA.test(bare) ? 'data' : FIELD.test(bare) ? 'declaration' : 'rule');
    if (nestAfter[k] === 0 && (lastChar[k] === SEMICOLON || lastChar[k] === CLOSE_BRACE)) statement = undefined;
  }
  return kinds;
}

/** A line's text before a trailing `//` comment (good enough for telling bracket-only lines). */
const withoutComment = (line: string) => line.replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, '');

function untaggedStretches(path: string, text: string, lexed: Lexed, citing: readonly Tag[], kinds: readonly LineKind[]): StrictDiagnostic[] {
  const tagLines = new Set(citing.map((t) => t.line - 1));
  const out: StrictDiagnostic[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > MAX_UNTAGGED_LINES) {
      const first = run[0]!;
      const last = run[run.length - 1]!;
      out.push({
        severity: 'warning',
        source: 'rfcdoc',
        rule: 'untagged-stretch',
        file: path,
        line: first + 1,
        col: firstColumn(text, lexed.lineStarts[first]!),
        message:
          `${run.length} lines of rule code with no tag between them (lines ${first + 1}-${last + 1}; at most ${MAX_UNTAGGED_LINES}): ` +
          `cite the text they implement (@implements), or say why not (@exception, @todo)`,
      });
    }
    run = [];
  };
  for (let k = 0; k < kinds.length; k++) {
    if (tagLines.has(k)) flush();
    if (kinds[k] === 'rule') run.push(k);
  }
  flush();
  return out;
}

function distantTag(path: string, tag: Tag, lexed: Lexed, kinds: readonly LineKind[]): StrictDiagnostic | undefined {
  // The tag's last line: a ref list may go on over several comment lines.
  const end = Math.max(tag.line, ...(tag.refAt ?? []).map((r) => r.line)) - 1;
  if (lexed.code[tag.line - 1] || lexed.code[end]) return undefined;
  let k = end + 1;
  while (k < kinds.length && kinds[k] === 'comment') k++; // the tag's own comment
  let between = 0;
  while (k < kinds.length && (kinds[k] === 'blank' || kinds[k] === 'comment' || kinds[k] === 'import')) {
    between++;
    k++;
  }
  const label = `@${tag.kind} ${tag.doc} ${tag.refs.map((r) => r.text).join(', ')}`;
  const at = { severity: 'warning', source: 'rfcdoc', rule: 'distant-tag', file: path, line: tag.line, col: tag.col } as const;
  if (k >= kinds.length) {
    return { ...at, message: `${label} sits above no code: put it directly above the code that does what it quotes` };
  }
  if (between <= MAX_TAG_DISTANCE) return undefined;
  return {
    ...at,
    message:
      `${label} is ${between} lines away from the code below it (line ${k + 1}; at most ${MAX_TAG_DISTANCE}): ` +
      `put it directly above the code that does what it quotes`,
  };
}

/** 1-based column of the first character that is not white space on the line starting at `start`. */
function firstColumn(text: string, start: number): number {
  let i = start;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i - start + 1;
}

/** `@cites-obsoleted RFC2617: why`, in a comment: the module cites that obsoleted document on purpose. */
const CITES_OBSOLETED = /(?:^|\s)@cites-obsoleted\s+([^\s:]+)(?::\s*(.*?))?\s*$/;

/** The obsoleted documents a module's comments say it cites on purpose (`@cites-obsoleted`), by label, each with its reason ('' if none) and where it is said. */
export function citesObsoleted(text: string, lexed: Lexed = lex(text)): Map<string, { reason: string; line: number; col: number }> {
  const out = new Map<string, { reason: string; line: number; col: number }>();
  for (const cl of lexed.lines) {
    const m = CITES_OBSOLETED.exec(cl.text);
    if (!m) continue;
    const col = cl.offset - lexed.lineStarts[cl.line - 1]! + cl.text.indexOf('@cites-obsoleted') + 1;
    out.set(m[1]!.toUpperCase(), { reason: m[2] ?? '', line: cl.line, col });
  }
  return out;
}

/** Each tag naming an obsoleted document, unless the module says why it cites that one. */
function obsoletedDocuments(path: string, lexed: Lexed, tags: readonly Tag[], obsoleted: Obsoleting): StrictDiagnostic[] {
  const onPurpose = citesObsoleted('', lexed);
  const at = { severity: 'warning', source: 'rfcdoc', rule: 'obsoleted-document', file: path } as const;
  const out: StrictDiagnostic[] = [];
  for (const [doc, why] of onPurpose) {
    const by = obsoleted.get(doc);
    if (by && why.reason === '') out.push({ ...at, line: why.line, col: why.col, message: `@cites-obsoleted ${doc} gives no reason: say why this module cites it rather than ${names(by)}` });
  }
  for (const t of tags) {
    const by = obsoleted.get(t.doc);
    if (!by || onPurpose.has(t.doc)) continue;
    const label = t.refs.length ? `@${t.kind} ${t.doc} ${t.refs.map((r) => r.text).join(', ')}` : `@${t.kind} ${t.doc}`;
    out.push({
      ...at,
      line: t.line,
      col: t.col,
      message:
        `${label} cites ${name(t.doc)}, obsoleted by ${names(by)}: cite the text that replaced it, ` +
        `or say in this module why it cites ${name(t.doc)} (@cites-obsoleted ${t.doc}: <why>)`,
    });
  }
  return out;
}

const name = (label: string) => label.replace(/^RFC0*(\d+)$/, 'RFC $1');
const names = (labels: readonly string[]) => labels.map(name).join(', ');
