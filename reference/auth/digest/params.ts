/**
 * Auth-params: parse and print the `scheme name=value, ...` lists of challenges and credentials.
 *
 * This is the generic HTTP authentication syntax every Digest header rides
 * on: a case-insensitive scheme token followed by comma-separated auth-params
 * whose values are tokens or quoted-strings. Digest itself never uses the
 * token68 form; it is recognised here only so that another scheme's challenge
 * in the same WWW-Authenticate value (`Negotiate abc==`) can be skipped.
 *
 * @implements RFC9110 (HTTP Semantics)
 * @implements RFC2617 (HTTP Authentication)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { DigestError } from './errors.ts';

/** One auth-param, its value already unquoted (unq() applied). */
export interface AuthParam {
  /** The name as written (names compare case-insensitively). */
  name: string;
  value: string;
  /** True when the value was (or is to be) a quoted-string. */
  quoted: boolean;
}

/** A challenge or credentials: scheme plus params keyed by lower-cased name. */
export interface AuthItem {
  scheme: string;
  params: Map<string, AuthParam>;
  /** The token68 form some other schemes use (never Digest). */
  token68?: string;
}

// @implements RFC9110 P37L5-P37L10
const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (const c of s) if (!tchar.test(c)) return false;
  return true;
}

// @implements RFC9110 P102L36-P102L37
const token68 = /^[A-Za-z0-9\-._~+/]+=*/;

const isWS = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** A cursor over one header field value. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  skipOWS(): void {
    while (isWS(this.peek())) this.pos++;
  }
  token(): string | undefined {
    const start = this.pos;
    while (!this.done && tchar.test(this.text[this.pos]!)) this.pos++;
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }

  // @implements RFC9110 P38L10-P38L11, P38L18
  quotedString(): string {
    const start = this.pos;
    this.pos++; // the opening DQUOTE
    let value = '';
    while (!this.done) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return value;
      }
      // @implements RFC9110 P38L13-P38L16
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined) break;
        value += next;
        this.pos += 2;
        continue;
      }
      // qdtext excludes the control characters (HTAB aside); obs-text
      // (non-ASCII) is kept, SIP's UTF8-NONASCII being the same octets.
      if ((c < ' ' && c !== '\t') || c === '\x7f') throw new DigestError(`control character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} in quoted-string`, 'RFC9110 P38L10-P38L11', this.pos);
      value += c;
      this.pos++;
    }
    throw new DigestError('unterminated quoted-string', 'RFC9110 P38L10-P38L11', start);
  }
}

/**
 * Parses a WWW-Authenticate / Proxy-Authenticate value into its challenges,
 * in the order written (the order carries the server's preference).
 */
// @implements RFC2617 P3L38-P3L42
export function parseAuthItems(value: string): AuthItem[] {
  const s = new Scanner(value);
  const items: AuthItem[] = [];
  // @implements RFC9110 P36L15-P36L22
  const skipEmptyElements = () => {
    for (;;) {
      s.skipOWS();
      if (s.peek() !== ',') return;
      s.pos++;
    }
  };
  skipEmptyElements();
  while (!s.done) {
    const at = s.pos;
    // @implements RFC9110 P102L20
    const scheme = s.token();
    if (scheme === undefined) throw new DigestError(`expected an auth-scheme token, found ${JSON.stringify(s.peek())}`, 'RFC9110 P103L25', at);
    const item: AuthItem = { scheme, params: new Map() };
    items.push(item);
    // @implements RFC9110 P103L25
    if (!isWS(s.peek())) {
      skipEmptyElements();
      continue;
    }
    s.skipOWS();
    // @implements RFC9110 P102L36-P102L42
    // Digest never uses token68, so "realm=," is a bad param, not a token68.
    const t68 = scheme.toLowerCase() === 'digest' ? null : token68.exec(value.slice(s.pos));
    if (t68 && endsElement(value, s.pos + t68[0].length)) {
      item.token68 = t68[0];
      s.pos += t68[0].length;
      skipEmptyElements();
      continue;
    }
    parseParamList(s, item);
    skipEmptyElements();
  }
  return items;
}

/** After a token68, only the end of the value or a list comma may follow. */
function endsElement(text: string, pos: number): boolean {
  while (isWS(text[pos])) pos++;
  return pos >= text.length || text[pos] === ',';
}

/** Reads `name=value` pairs until the end or until the next challenge's scheme. */
// @implements RFC9110 P102L48
function parseParamList(s: Scanner, item: AuthItem): void {
  for (;;) {
    s.skipOWS();
    if (s.done) return;
    const at = s.pos;
    const name = s.token();
    if (name === undefined) throw new DigestError(`expected an auth-param name, found ${JSON.stringify(s.peek())}`, 'RFC9110 P102L48', at);
    s.skipOWS();
    // A token not followed by "=" is the scheme of the next challenge.
    if (s.peek() !== '=') {
      if (item.params.size === 0) throw new DigestError(`expected "=" after ${JSON.stringify(name)}`, 'RFC9110 P102L48', s.pos);
      s.pos = at;
      return;
    }
    s.pos++;
    s.skipOWS();
    // @implements RFC9110 P102L48, P103L2-P103L6
    let param: AuthParam;
    if (s.peek() === '"') {
      param = { name, value: s.quotedString(), quoted: true };
    } else {
      const v = s.token();
      if (v === undefined) throw new DigestError(`value of ${JSON.stringify(name)} is neither a token nor a quoted-string`, 'RFC9110 P102L48', s.pos);
      param = { name, value: v, quoted: false };
    }
    // @implements RFC9110 P102L44-P102L46
    const key = name.toLowerCase();
    if (item.params.has(key)) throw new DigestError(`parameter ${JSON.stringify(name)} occurs twice`, 'RFC9110 P102L44-P102L46', at);
    item.params.set(key, param);
    s.skipOWS();
    if (s.done) return;
    if (s.peek() !== ',') throw new DigestError(`expected "," after parameter ${JSON.stringify(name)}, found ${JSON.stringify(s.peek())}`, 'RFC9110 P36L22', s.pos);
    // Empty list elements between params are tolerated.
    while (s.peek() === ',' || isWS(s.peek())) s.pos++;
  }
}

/** Parses an Authorization / Proxy-Authorization value: exactly one item. */
export function parseAuthItem(value: string): AuthItem {
  const items = parseAuthItems(value);
  if (items.length !== 1) throw new DigestError(`expected one set of credentials, found ${items.length}`, 'RFC2617 P4L28');
  return items[0]!;
}

// @implements RFC9110 P38L20-P38L22
export function quote(value: string): string {
  for (const c of value) {
    if ((c < ' ' && c !== '\t') || c === '\x7f') throw new DigestError(`cannot quote control character U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`, 'RFC9110 P38L10-P38L11');
  }
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Prints one param, quoted or as a token as the caller's rule dictates. */
export function formatParam(p: AuthParam): string {
  if (p.quoted) return `${p.name}=${quote(p.value)}`;
  if (!isToken(p.value)) throw new DigestError(`value of ${p.name} must be sent as a token but ${JSON.stringify(p.value)} is not one`, 'RFC9110 P37L5-P37L10');
  return `${p.name}=${p.value}`;
}

/** Prints `scheme p1, p2, ...` on one line. */
export function formatAuthItem(scheme: string, params: readonly AuthParam[]): string {
  return `${scheme} ${params.map(formatParam).join(', ')}`;
}
