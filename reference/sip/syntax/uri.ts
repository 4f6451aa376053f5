/**
 * SIP and SIPS URIs (RFC 3261 §19.1, grammar §25.1), tel URIs as far as
 * SIP needs them, and any other absoluteURI kept opaque. Components are kept
 * as written, %-escapes included, so a URI serializes to what was received;
 * `unescape` gives a component's value and `uriEquals` compares by §19.1.4.
 *
 * @implements RFC3261 (SIP)
 */
import { Scanner, UNRESERVED, RESERVED, isHex, isIn } from './grammar.ts';
import { SipParseError } from './error.ts';
import { formatParams, type Params } from './params.ts';

export interface URI {
  /** Lowercased scheme: 'sip', 'sips', 'tel', or any other absoluteURI scheme. */
  scheme: string;
  /** userinfo user part (or telephone-subscriber; the number for tel:), escapes as written. */
  user?: string;
  password?: string;
  /** hostname, IPv4address or IPv6reference (with its brackets); '' for non-SIP schemes. */
  host: string;
  port?: number;
  /** uri-parameters, lowercased names; values as written. */
  params: Params;
  /** headers after '?', in order, as written. */
  headers: Array<[string, string]>;
  /** For schemes other than sip/sips/tel: everything after "scheme:". */
  opaque?: string;
}

// Character sets of each component, for validation and for escaping on output.
const extend = (base: Uint8Array, chars: string): Uint8Array => {
  const t = base.slice();
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
};
// @implements RFC3261 P222L32-P222L35
const USER = extend(UNRESERVED, '&=+$,;?/');
const PASSWORD = extend(UNRESERVED, '&=+$,');
// @implements RFC3261 P223L27-P223L30
const PARAMCHAR = extend(UNRESERVED, '[]/:&+$');
// @implements RFC3261 P223L32-P223L36
const HNV = extend(UNRESERVED, '[]/?:+$');
// @implements RFC3261 P224L2-P224L4
const URIC = extend(UNRESERVED, ';/?:@&=+$,');
const HEX = isHex;
const ALNUM_SET = extend(new Uint8Array(128), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');

/**
 * Check that text[from, to) holds only characters of the set or escapes, and
 * fail naming the component otherwise.
 */
// @implements RFC3261 P220L9
function checkChars(s: Scanner, from: number, to: number, set: Uint8Array, what: string): void {
  for (let i = from; i < to; i++) {
    const c = s.text.charCodeAt(i);
    if (c === 0x25) {
      if (!(i + 2 < to && HEX(s.text.charCodeAt(i + 1)) && HEX(s.text.charCodeAt(i + 2)))) s.fail(`"%" not followed by two hex digits in ${what}`, s.rule, i);
      i += 2;
      continue;
    }
    if (!(c < 128 && set[c] === 1)) s.fail(`character ${JSON.stringify(s.text[i])} not allowed in ${what}`, s.rule, i);
  }
}

/**
 * Parse a URI. `at` places errors in the message: the scanner whose text
 * contains the URI and the offset of the URI in that text.
 */
export function parseUri(text: string, at?: { s: Scanner; offset: number }, rule = 'URI'): URI {
  const s = at
    ? new Scanner(text, rule, at.s.base + at.offset, at.s.line, at.s.col0 + at.offset)
    : new Scanner(text, rule);
  return parseUriIn(s, 0, text.length);
}

/**
 * Parse the URI that is s.text[start, stop), where it is (not copied out):
 * errors are placed and named as s places and names them. The scanner's
 * own extent is given back after, its cursor left at `stop`.
 */
// @implements RFC3261 P223L44-P224L1
export function parseUriIn(s: Scanner, start: number, stop: number): URI {
  const outer = s.stop;
  s.stop = stop;
  s.pos = start;
  const uri = uriAt(s, start, stop);
  s.stop = outer;
  s.pos = stop;
  return uri;
}

function uriAt(s: Scanner, start: number, stop: number): URI {
  const text = s.text;
  // The scheme as nearly every URI writes it, without copying it.
  // @implements RFC3261 P36L9
  if (text.startsWith('sip:', start) && start + 4 <= stop) return parseSipUri(s, 'sip', start + 4);
  if (text.startsWith('sips:', start) && start + 5 <= stop) return parseSipUri(s, 'sips', start + 5);
  const colon = text.indexOf(':', start);
  // @implements RFC3261 P224L10
  if (colon <= start || colon >= stop || !isScheme(text, start, colon)) s.fail(`expected "scheme:" at the start of ${JSON.stringify(text.slice(start, Math.min(stop, start + 40)))}`);
  const scheme = text.slice(start, colon).toLowerCase();
  // @implements RFC3261 P36L9
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(s, scheme, colon + 1);
  if (scheme === 'tel') return parseTelUri(s, colon + 1);
  // @implements RFC3261 P224L1-P224L4
  const opaque = text.slice(colon + 1, stop);
  if (opaque.length === 0) s.fail(`empty ${scheme} URI`);
  checkChars(s, colon + 1, stop, URIC, `a ${scheme} URI`);
  return { scheme, user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: [], opaque };
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), text[start, end). */
function isScheme(text: string, start: number, end: number): boolean {
  const c0 = text.charCodeAt(start) | 0x20;
  if (c0 < 0x61 || c0 > 0x7a) return false;
  for (let i = start + 1; i < end; i++) if (!isIn(SCHEMECHAR, text.charCodeAt(i))) return false;
  return true;
}
const SCHEMECHAR = extend(ALNUM_SET, '+-.');

/**
 * Where the last '@' of text[from, stop) is (-1 if none), looking no
 * further than the URI: text may be the whole message, and a search past
 * `stop` would cost the length of the message for each URI.
 */
function lastAt(text: string, from: number, stop: number): number {
  for (let i = stop - 1; i >= from; i--) if (text.charCodeAt(i) === 0x40) return i;
  return -1;
}

// @implements RFC3261 P222L27-P222L30
function parseSipUri(s: Scanner, scheme: string, start: number): URI {
  const text = s.text;
  // every field present from the start, so all URIs share one object shape
  const uri: URI = { scheme, user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: [] };
  // userinfo ends at the last '@': '@' is in no later component's character set.
  // @implements RFC3261 P222L31-P222L35
  const at = lastAt(text, start, s.stop);
  let p = start;
  if (at >= start) {
    const colon = text.indexOf(':', start);
    const userEnd = colon >= 0 && colon < at ? colon : at;
    if (userEnd === start) s.fail('empty user part before "@"', s.rule, start);
    s.pos = start;
    uri.user = s.runEscaped(USER, 'the user part');
    if (s.pos !== userEnd) s.fail(`character ${JSON.stringify(text[s.pos])} not allowed in the user part`);
    if (userEnd < at) {
      s.pos = userEnd + 1;
      uri.password = s.runEscaped(PASSWORD, 'the password');
      if (s.pos !== at) s.fail(`character ${JSON.stringify(text[s.pos])} not allowed in the password`);
    }
    p = at + 1;
  }
  // @implements RFC3261 P222L36-P223L7
  s.pos = p;
  uri.host = s.host('a host');
  if (s.eat(':')) uri.port = s.port('port');
  // @implements RFC3261 P223L13-P223L30
  while (s.eat(';')) {
    const name = s.runEscaped(PARAMCHAR, 'a uri-parameter name');
    if (name.length === 0) s.fail(`empty uri-parameter name`);
    let value: string | null = null;
    if (s.eat('=')) {
      value = s.runEscaped(PARAMCHAR, `the value of uri-parameter ${name}`);
      if (value.length === 0) s.fail(`empty value of uri-parameter ${name}`);
    }
    uri.params.set(name.toLowerCase(), value);
  }
  // @implements RFC3261 P223L32-P223L36
  if (s.eat('?')) {
    do {
      const hname = s.runEscaped(HNV, 'a URI header name');
      if (hname.length === 0) s.fail('empty header name in URI headers');
      if (!s.eat('=')) s.fail(`expected "=" after URI header ${hname}, found ${s.found()}`);
      uri.headers.push([hname, s.runEscaped(HNV, `the value of URI header ${hname}`)]);
    } while (s.eat('&'));
  }
  if (!s.atEnd()) s.fail(`unexpected ${s.found()} in ${scheme} URI`);
  return uri;
}

/**
 * tel URIs appear in SIP as Request-URIs and in To/From. The number goes in
 * `user`, parameters in `params`.
 */
// @exception RFC3261 P153L4-P153L10: telephone-subscriber syntax (RFC 2806/3966) is not checked beyond URI characters
function parseTelUri(s: Scanner, start: number): URI {
  const text = s.text;
  checkChars(s, start, s.stop, URIC, 'a tel URI');
  const parts = text.slice(start, s.stop).split(';');
  if (parts[0].length === 0) s.fail('empty tel URI number', s.rule, start);
  const params: Params = new Map();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    params.set((eq < 0 ? part : part.slice(0, eq)).toLowerCase(), eq < 0 ? null : part.slice(eq + 1));
  }
  return { scheme: 'tel', user: parts[0], password: undefined, host: '', port: undefined, params, headers: [] };
}

/** The URI as text, components as stored (escapes as received). */
// @implements RFC3261 P222L27-P222L30
export function formatUri(uri: URI): string {
  if (uri.opaque !== undefined) return `${uri.scheme}:${uri.opaque}`;
  let out = uri.scheme + ':';
  if (uri.scheme === 'tel') return out + (uri.user ?? '') + formatParams(uri.params);
  if (uri.user !== undefined) out += uri.user + (uri.password !== undefined ? ':' + uri.password : '') + '@';
  out += uri.host;
  if (uri.port !== undefined) out += ':' + uri.port;
  out += formatParams(uri.params);
  for (let i = 0; i < uri.headers.length; i++) out += (i === 0 ? '?' : '&') + uri.headers[i][0] + '=' + uri.headers[i][1];
  return out;
}

/** Resolve %-escapes to characters (UTF-8 decoded); the value of a component. */
// @implements RFC3261 P220L9
export function unescape(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && HEX(s.charCodeAt(i + 1)) && HEX(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escape every character of s outside the component's set (UTF-8, "%" HEX HEX). */
// @implements RFC3261 P152L42-P152L44
export function escape(s: string, component: 'user' | 'password' | 'param' | 'header'): string {
  const set = component === 'user' ? USER : component === 'password' ? PASSWORD : component === 'param' ? PARAMCHAR : HNV;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 128 && set[c] === 1) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * One form for comparison: escapes of unreserved characters resolved,
 * escapes of reserved ones kept (in upper-case hex) — they are not equivalent.
 */
// @implements RFC3261 P154L10-P154L11
function canonical(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = parseInt(hex, 16);
    return c < 128 && !isIn(RESERVED, c) && c !== 0x25 ? String.fromCharCode(c) : '%' + hex.toUpperCase();
  });
}
const ci = (s: string) => canonical(s).toLowerCase();

/** Parameters appearing in only one URI that make the URIs differ. */
const MUST_MATCH = new Set(['user', 'ttl', 'method', 'maddr', 'transport']);

/** Names and values in comparison form (escapes resolved, lower case). */
function canonicalParams(params: Params): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) out.set(ci(k), ci(v ?? ''));
  return out;
}

/** URI equality of RFC 3261 §19.1.4 (SIP/SIPS); other schemes compare as canonical text. */
export function uriEquals(a: URI, b: URI): boolean {
  // @implements RFC3261 P153L46
  if (a.scheme !== b.scheme) return false;
  if (a.scheme !== 'sip' && a.scheme !== 'sips') return ci(formatUri(a)) === ci(formatUri(b));
  // @implements RFC3261 P154L1-P154L5, P154L16-P154L28
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && canonical(a.user) !== canonical(b.user!)) return false;
  if ((a.password === undefined) !== (b.password === undefined)) return false;
  if (a.password !== undefined && canonical(a.password) !== canonical(b.password!)) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  // @implements RFC3261 P154L37-P154L48
  const pa = canonicalParams(a.params);
  const pb = canonicalParams(b.params);
  for (const [name, va] of pa) {
    const vb = pb.get(name);
    if (vb === undefined) {
      if (MUST_MATCH.has(name)) return false;
      continue;
    }
    if (va !== vb) return false;
  }
  for (const name of MUST_MATCH) if (pb.has(name) && !pa.has(name)) return false;
  // @implements RFC3261 P154L7-P154L8, P155L1-P155L4
  if (a.headers.length !== b.headers.length) return false;
  const hb = new Map(b.headers.map(([n, v]) => [ci(n), canonical(v)]));
  for (const [n, v] of a.headers) if (hb.get(ci(n)) !== canonical(v)) return false;
  return true;
}

/** A SIP URI from parts, escaping each component. */
export function sipUri(parts: { scheme?: 'sip' | 'sips'; user?: string; host: string; port?: number; params?: Record<string, string | null> }): URI {
  const params: Params = new Map();
  for (const [k, v] of Object.entries(parts.params ?? {})) params.set(k.toLowerCase(), v === null ? null : escape(v, 'param'));
  return {
    scheme: parts.scheme ?? 'sip',
    user: parts.user === undefined ? undefined : escape(parts.user, 'user'),
    password: undefined,
    host: parts.host,
    port: parts.port,
    params,
    headers: [],
  };
}

export { SipParseError };
