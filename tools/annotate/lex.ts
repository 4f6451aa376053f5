/**
 * Just enough of a TypeScript lexer to find comments: it skips string,
 * template and regular-expression literals so that a tag-like text inside one
 * is never taken for a comment, and it tells which lines hold code.
 *
 * A `/` starts a regular expression when the previous token cannot end an
 * expression (an operator, `(`, `,`, `{`, `}`, `;`, a keyword such as
 * `return`, or the start of the file); after a name, a number, `)` or `]`
 * it is a division. That is the usual heuristic and right for ordinary code.
 */

export interface CommentLine {
  /** The comment's text on this line, without `//`, `/*`, `*\/` or a leading `*`. */
  text: string;
  /** File offset of `text[0]`. */
  offset: number;
  /** 1-based line number. */
  line: number;
  /** Index of the comment this line belongs to. */
  comment: number;
}

export interface Lexed {
  /** Every comment line, in file order. */
  lines: CommentLine[];
  /** Per 0-based line: true when some code (not comment, not blank) is on it. */
  code: boolean[];
  /** Offset of the first code token, or the text's length. */
  firstCode: number;
  /** Offsets where each line starts. */
  lineStarts: number[];
  /**
   * Per 0-based line: how many brackets (`{`, `(`, `[`, and `${` in a
   * template) are open after its last code character; carried over lines with none.
   */
  nestAfter: Int32Array;
  /** Per 0-based line: the char code of its last code character, 0 when it has none. */
  lastChar: Int32Array;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line index of an offset. */
export function lineIndexOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function lex(text: string): Lexed {
  const lineStarts = lineStartsOf(text);
  const code = new Array<boolean>(lineStarts.length).fill(false);
  const lines: CommentLine[] = [];
  const n = text.length;
  let firstCode = n;
  let comments = 0;
  const nestAfter = new Int32Array(lineStarts.length);
  const lastChar = new Int32Array(lineStarts.length);
  let nest = 0;

  // Tokens come in file order, so the line of an offset is found by walking on.
  let cursor = 0;
  const lineAt = (offset: number) => {
    if (offset < lineStarts[cursor]!) cursor = lineIndexOf(lineStarts, offset);
    while (cursor + 1 < lineStarts.length && lineStarts[cursor + 1]! <= offset) cursor++;
    return cursor;
  };
  const markCode = (from: number, to: number) => {
    if (from < firstCode) firstCode = from;
    const a = lineAt(from);
    const b = to - 1 > from ? lineAt(to - 1) : a;
    for (let k = a; k <= b; k++) code[k] = true;
    lastChar[b] = text.charCodeAt(to - 1);
    nestAfter[b] = nest;
  };

  /** Records a comment's body [from, to) line by line. */
  const addComment = (from: number, to: number, block: boolean) => {
    let start = from;
    let first = true;
    while (start <= to) {
      let eol = text.indexOf('\n', start);
      if (eol < 0 || eol > to) eol = to;
      let s = start;
      let e = eol;
      if (e > s && text.charCodeAt(e - 1) === 13) e--;
      if (block) {
        // Leading white space and `*`s (JSDoc margins, the second `*` of `/**`).
        let k = s;
        while (k < e && (text[k] === ' ' || text[k] === '\t')) k++;
        if (text[k] === '*' || first) {
          while (k < e && text[k] === '*') k++;
          s = k;
        }
      } else {
        while (s < e && text[s] === '/') s++; // `///`
      }
      lines.push({ text: text.slice(s, e), offset: s, line: lineIndexOf(lineStarts, s) + 1, comment: comments });
      first = false;
      if (eol >= to) break;
      start = eol + 1;
    }
    comments++;
  };

  let i = 0;
  if (text.startsWith('#!')) {
    const eol = text.indexOf('\n');
    i = eol < 0 ? n : eol; // a directive to the shell: neither code nor comment
  }
  let regexOk = true;
  let depth = 0;
  /** Brace depths at which a template substitution `${` was opened. */
  const templates: number[] = [];

  /** Scans template text from `j` (after the backquote or the closing `}`); returns where code resumes. */
  const templateBody = (j: number): number => {
    const from = j;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) {
        j += 2;
        continue;
      }
      if (c === 96) {
        markCode(from, j + 1);
        return j + 1;
      }
      if (c === 36 && text.charCodeAt(j + 1) === 123) {
        depth++;
        nest++;
        templates.push(depth);
        markCode(from, j + 2);
        return j + 2;
      }
      j++;
    }
    markCode(from, n);
    return n;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if (c === 47 && next === 47) {
      let eol = text.indexOf('\n', i);
      if (eol < 0) eol = n;
      addComment(i + 2, eol, false);
      i = eol;
      continue;
    }
    if (c === 47 && next === 42) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close;
      addComment(i + 2, end, true);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c || d === 10) break;
        else j++;
      }
      markCode(i, j + 1);
      i = j + 1;
      regexOk = false;
      continue;
    }
    if (c === 96) {
      i = templateBody(i + 1);
      regexOk = false;
      continue;
    }
    if (c === 47 && regexOk) {
      const end = regexEnd(text, i);
      if (end > 0) {
        markCode(i, end);
        i = end;
        regexOk = false;
        continue;
      }
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      markCode(i, j);
      // Only lower-case words of 2 to 10 letters can be such keywords.
      regexOk = j - i <= 10 && j - i >= 2 && c >= 97 && c <= 122 && KEYWORDS_BEFORE_EXPRESSION.has(text.slice(i, j));
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      let j = i + 1;
      while (j < n && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      markCode(i, j);
      regexOk = false;
      i = j;
      continue;
    }
    if (c === 123 || c === 40 || c === 91) nest++;
    else if (c === 125 || c === 41 || c === 93) nest--;
    markCode(i, i + 1);
    if (c === 123) {
      depth++;
      regexOk = true;
      i++;
      continue;
    }
    if (c === 125) {
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        depth--;
        i = templateBody(i + 1);
        regexOk = false;
        continue;
      }
      depth--;
      regexOk = true;
      i++;
      continue;
    }
    if ((c === 43 || c === 45) && next === c) {
      // `++`/`--` leave the expression state as it was: `i++ / 2` divides.
      markCode(i, i + 2);
      i += 2;
      continue;
    }
    regexOk = !(c === 41 || c === 93);
    i++;
  }
  for (let k = 1; k < lineStarts.length; k++) if (lastChar[k] === 0) nestAfter[k] = nestAfter[k - 1]!;
  return { lines, code, firstCode, lineStarts, nestAfter, lastChar };
}

/** End offset of a regular-expression literal starting at `i`, or -1 when there is none on this line. */
function regexEnd(text: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return -1;
    if (c === 92) {
      j++;
      continue;
    }
    if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      let k = j + 1;
      while (k < text.length && isIdentPart(text.charCodeAt(k))) k++;
      return k;
    }
  }
  return -1;
}
