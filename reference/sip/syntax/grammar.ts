/**
 * Core ABNF pieces of SIP (RFC 3261 §25.1): character classes, token,
 * quoted-string, LWS/SWS and the separators built on them. A `Scanner` walks
 * one header value (already unfolded) or one start line and fails with a
 * SipParseError naming the rule and the column.
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';
import { Cursor, table, isIn, isHex } from './cursor.ts';

export { isIn, isHex } from './cursor.ts';

const ALNUM: Array<[number, number]> = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]];

// @implements RFC3261 P220L6-P220L7
export const UNRESERVED = table("-_.!~*'()", ALNUM);
// @implements RFC3261 P220L4-P220L5
export const RESERVED = table(';/?:@&=+$,');
// @implements RFC3261 P221L17-P221L18
export const TOKEN = table("-.!%*_+`'~", ALNUM);
// @implements RFC3261 P221L23-P221L28
export const WORD = table("-.!%*_+`'~()<>:\\\"/[]?{}", ALNUM);

// hostname characters; the shape (no leading "-" or ".", no trailing "-") is checked by hostnameEnds
const HOSTCHAR = table('-.', ALNUM);

// The characters of an IPv4address, an IPv6address or an IPv6reference.
export const IPCHAR = table(':.[]', [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]]);

/**
 * hostname = *( domainlabel "." ) toplabel [ "." ], or an IPv4address: the
 * caller (Scanner.host) has scanned a run of HOSTCHAR (alphanum, "-" and "."); these are the
 * ends that make it a hostname: it starts with alphanum and does not end in "-".
 */
// @implements RFC3261 P222L37-P223L1
// @exception RFC3261 P222L39-P222L41: labels are not checked one by one (a toplabel starting with a digit, or 1*3DIGIT IPv4 octets, pass)
function hostnameEnds(s: string): boolean {
  const first = s.charCodeAt(0);
  return s.length > 0 && first !== 0x2d && first !== 0x2e && s.charCodeAt(s.length - 1) !== 0x2d;
}

// @implements RFC3261 P221L17-P221L18
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isIn(TOKEN, s.charCodeAt(i))) return false;
  return true;
}

const SP = 0x20, HTAB = 0x09, DQUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * The Cursor of cursor.ts, with SIP's rules: whitespace, separators, host,
 * port, token, quoted-string. Errors name the rule and the column.
 */
export class Scanner extends Cursor {
  /** SWS = [LWS]; the value is unfolded, so LWS is a run of SP / HTAB. */
  // @implements RFC3261 P220L20-P220L21
  sws(): boolean {
    const text = this.text;
    const start = this.pos;
    const stop = this.stop;
    let p = start;
    let c: number;
    while (p < stop && ((c = text.charCodeAt(p)) === SP || c === HTAB)) p++;
    this.pos = p;
    return p > start;
  }

  /** LWS is required here (at least one WSP). */
  // @implements RFC3261 P220L20
  lws(what: string): void {
    if (!this.sws()) this.fail(`expected whitespace ${what}, found ${this.found()}`);
  }

  /** SWS c SWS — the separators COMMA, SEMI, EQUAL, SLASH, COLON of §25.1. */
  // @implements RFC3261 P221L33-P221L42
  sep(c: string): boolean {
    const save = this.pos;
    this.sws();
    if (this.pos >= this.stop || this.text.charCodeAt(this.pos) !== c.charCodeAt(0)) {
      this.pos = save;
      return false;
    }
    this.pos++;
    this.sws();
    return true;
  }

  expectSep(c: string, what: string): void {
    if (!this.sep(c)) this.fail(`expected "${c}" ${what}, found ${this.found()}`);
  }

  /**
   * Like run, but "%" must start an escape ("%" HEX HEX), which counts as
   * one character of the set: the characters of a URI component.
   */
  // @implements RFC3261 P220L9
  runEscaped(t: Uint8Array, what: string): string {
    const text = this.text;
    const start = this.pos;
    const n = this.stop;
    let p = start;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 0x25) {
        if (!(p + 2 < n && isHex(text.charCodeAt(p + 1)) && isHex(text.charCodeAt(p + 2)))) this.fail(`"%" not followed by two hex digits in ${what}`, this.rule, p);
        p += 3;
        continue;
      }
      if (c >= 128 || t[c] !== 1) break;
      p++;
    }
    this.pos = p;
    return text.slice(start, p);
  }

  /**
   * host = hostname / IPv4address / IPv6reference: a bracketed reference, or
   * a run of HOSTCHAR with a hostname's ends. `what` names it in errors.
   */
  // @exception RFC3261 P223L2-P223L6: an IPv6reference is checked for its characters, not for the hexpart structure
  host(what: string): string {
    const start = this.pos;
    if (this.peek() === 0x5b) {
      const close = this.text.indexOf(']', start);
      if (close < 0 || close >= this.stop || !/^\[[0-9A-Fa-f:.]+\]$/.test(this.text.slice(start, close + 1))) this.fail(`malformed IPv6reference in ${what}`, this.rule, start);
      this.pos = close + 1;
      return this.text.slice(start, this.pos);
    }
    const host = this.run(HOSTCHAR);
    if (host.length === 0) this.fail(`expected ${what}, found ${this.found()}`);
    if (!hostnameEnds(host)) this.fail(`malformed ${what}: ${JSON.stringify(host)}`, this.rule, start);
    return host;
  }

  /** port = 1*DIGIT; more than 65535 cannot be a port. */
  // @implements RFC3261 P223L7
  port(what: string): number {
    const start = this.pos;
    let port = 0;
    for (let c = this.peek(); c >= 0x30 && c <= 0x39; c = this.peek()) {
      port = port * 10 + (c - 0x30);
      this.pos++;
    }
    const digits = this.pos - start;
    if (digits === 0 || digits > 5 || port > 65535) this.fail(`${what} must be 1 to 65535, found ${JSON.stringify(this.text.slice(start, this.pos) || this.found())}`, this.rule, start);
    return port;
  }

  /** A token in upper case (as Via's transport is kept): most are written so already, and are not copied. */
  // @implements RFC3261 P221L17-P221L18
  upperToken(what: string): string {
    const t = this.token(what);
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 0x61 && c <= 0x7a) return t.toUpperCase();
    }
    return t;
  }

  // @implements RFC3261 P221L17-P221L18
  token(what: string, rule = this.rule): string {
    const t = this.run(TOKEN);
    if (t.length === 0) this.fail(`expected a token for ${what}, found ${this.found()}`, rule);
    return t;
  }

  /**
   * quoted-string, returned without the quotes and with quoted-pairs
   * resolved (`\"` → `"`). The cursor must be on DQUOTE.
   */
  // @implements RFC3261 P222L15-P222L17
  quotedString(what: string): string {
    const open = this.pos;
    if (this.peek() !== DQUOTE) this.fail(`expected a quoted-string for ${what}, found ${this.found()}`);
    this.pos++;
    let out = '';
    let from = this.pos;
    for (;;) {
      if (this.pos >= this.stop) this.fail(`unterminated quoted-string in ${what}`, this.rule, open);
      const c = this.text.charCodeAt(this.pos);
      if (c === DQUOTE) break;
      // quoted-pair: any octet but CR and LF may follow the backslash
      // @implements RFC3261 P222L19-P222L25
      if (c === BACKSLASH) {
        out += this.text.slice(from, this.pos);
        const q = this.pos + 1 < this.stop ? this.text.charCodeAt(this.pos + 1) : NaN;
        if (Number.isNaN(q) || q === 0x0a || q === 0x0d) this.fail(`bad quoted-pair in ${what}`);
        out += this.text[this.pos + 1];
        this.pos += 2;
        from = this.pos;
        continue;
      }
      // qdtext excludes controls other than the LWS characters
      // @implements RFC3261 P222L16-P222L17
      if ((c < 0x20 && c !== HTAB) || c === 0x7f) this.fail(`control character in quoted-string of ${what}`);
      this.pos++;
    }
    out += this.text.slice(from, this.pos);
    this.pos++;
    return out;
  }

  /** The rest of the line must be empty (trailing SWS allowed). */
  end(what: string): void {
    this.sws();
    if (!this.atEnd()) this.fail(`unexpected ${this.found()} after ${what}`);
  }
}

/**
 * Quote s as a quoted-string: `"`, `\` and control characters (which
 * qdtext excludes) as quoted-pairs. CR and LF cannot be quoted at all.
 */
// @implements RFC3261 P222L15-P222L26
export function quote(s: string): string {
  if (/[\r\n]/.test(s)) throw new SipParseError('quoted-string', 'CR and LF cannot appear in a quoted-string');
  return '"' + s.replace(/["\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (m) => '\\' + m) + '"';
}
