/**
 * A cursor over one line of text (an unfolded header value or a start
 * line, read in place in the message head or on its own) and the character
 * tables it asks about: plumbing, no rule of its own. grammar.ts builds
 * SIP's Scanner on it.
 */
import { SipParseError } from './error.ts';

// Character classes as 128-entry tables: the parser asks one question per octet.
export function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  for (const [lo, hi] of ranges) for (let i = lo; i <= hi; i++) t[i] = 1;
  return t;
}

/** True when code (a UTF-16 unit) is in the table; non-ASCII is never in one. */
export const isIn = (t: Uint8Array, code: number): boolean => code < 128 && t[code] === 1;

export const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * A cursor over one unfolded header value (or start line): text[pos, stop).
 * The text may be the whole message head, the value read where it is rather
 * than copied out (the cursor never looks at or past `stop`). `base` is
 * where text starts in the message head, `line`/`col0` where it starts in
 * lines, so errors can say where the fault is in the message.
 */
export class Cursor {
  pos = 0;
  constructor(
    public text: string,
    public rule: string,
    public base = 0,
    public line = 0,
    public col0 = 1,
    public stop = text.length,
  ) {}

  /** The cursor put on text[pos, stop) anew, placed and named as given: one cursor serves each field of a message in turn. */
  reset(text: string, rule: string, base: number, line: number, col0: number, pos: number, stop: number): this {
    this.text = text;
    this.rule = rule;
    this.base = base;
    this.line = line;
    this.col0 = col0;
    this.pos = pos;
    this.stop = stop;
    return this;
  }

  /** Throws the SipParseError naming `rule` at column `at` (of the text, and of the message when `line` is known). */
  fail(detail: string, rule = this.rule, at = this.pos): never {
    throw new SipParseError(rule, detail, this.base + at, this.line, this.line > 0 ? this.col0 + at : 0);
  }

  atEnd(): boolean {
    return this.pos >= this.stop;
  }
  peek(): number {
    return this.pos < this.stop ? this.text.charCodeAt(this.pos) : -1;
  }
  /** What is at the cursor, quoted, for error messages. */
  found(): string {
    return this.pos < this.stop ? JSON.stringify(this.text.slice(this.pos, Math.min(this.stop, this.pos + 12))) : 'the end';
  }

  /** Exactly the character c, nothing skipped. */
  eat(c: string): boolean {
    if (this.pos >= this.stop || this.text.charCodeAt(this.pos) !== c.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  /** The longest run of characters in table t (ASCII only). */
  run(t: Uint8Array): string {
    const text = this.text;
    const start = this.pos;
    const n = this.stop;
    let p = start;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c >= 128 || t[c] !== 1) break;
      p++;
    }
    this.pos = p;
    return text.slice(start, p);
  }
}
