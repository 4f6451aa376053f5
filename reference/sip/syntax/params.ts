/**
 * Parameters as SIP carries them: `;name=value` or `;name` after a URI or a
 * header field value. Names are case-insensitive, so the map is keyed by the
 * lowercased name; a name without a value maps to null. Values are kept as
 * written (a quoted-string keeps its quotes) so serialization gives back what
 * was received, and so `"x"` stays distinct from `x`.
 *
 * @implements RFC3261 (SIP)
 */
import { TOKEN, type Scanner } from './grammar.ts';

export type Params = Map<string, string | null>;

/** The value of a parameter with its quotes removed, or undefined when absent. */
export function paramValue(params: Params, name: string): string | undefined {
  const v = params.get(name.toLowerCase());
  if (v === undefined || v === null) return v === null ? '' : undefined;
  return v.length >= 2 && v.charCodeAt(0) === 0x22 ? unquoteRaw(v) : v;
}

function unquoteRaw(v: string): string {
  return v.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * generic-param = token [ EQUAL gen-value ]; gen-value = token / host /
 * quoted-string. Parses `*( SEMI generic-param )` from the cursor; a name
 * may appear once.
 */
// @implements RFC3261 P227L16-P227L17, P32L1-P32L3
export function parseGenericParams(s: Scanner, params: Params, what: string): void {
  while (s.sep(';')) {
    const at = s.pos;
    const name = s.run(TOKEN);
    if (name.length === 0) s.fail(`expected a token for a ${what} parameter name, found ${s.found()}`);
    let value: string | null = null;
    if (s.sep('=')) value = genValue(s, name, what);
    const key = name.toLowerCase();
    if (params.has(key)) s.fail(`parameter ${name} appears twice in ${what}`, s.rule, at);
    params.set(key, value);
  }
}

/**
 * gen-value: token, host (IPv6reference included) or quoted-string, kept as
 * written: the value of parameter `name` of `owner` (errors say "the name
 * parameter of owner"; the words are put together only for an error).
 */
// @implements RFC3261 P227L17
export function genValue(s: Scanner, name: string, owner: string): string {
  const c = s.peek();
  if (c === 0x22) {
    const start = s.pos;
    s.quotedString(`the ${name} parameter of ${owner}`);
    return s.text.slice(start, s.pos);
  }
  if (c === 0x5b) {
    const start = s.pos;
    while (!s.atEnd() && s.peek() !== 0x5d) s.pos++;
    if (!s.eat(']')) s.fail(`unterminated IPv6 reference in the ${name} parameter of ${owner}`);
    return s.text.slice(start, s.pos);
  }
  // token covers hostname and IPv4address characters too
  const v = s.run(TOKEN);
  if (v.length === 0) s.fail(`expected a value for the ${name} parameter of ${owner}, found ${s.found()}`);
  return v;
}

/** Whether a value genValue returned is a token: neither a quoted-string nor an IPv6 reference, which are the others. */
// @implements RFC3261 P227L17
export function isTokenValue(v: string): boolean {
  const c = v.charCodeAt(0);
  return v.length > 0 && c !== 0x22 && c !== 0x5b;
}

/** `;name=value;flag` in insertion order. */
// @implements RFC3261 P227L16
export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
