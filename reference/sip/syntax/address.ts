/**
 * Addresses: the values of To, From, Contact, Route, Record-Route, Reply-To
 * (RFC 3261 §20.10, §25.1): a name-addr (`"Bob" <sip:bob@b.com>`) or a bare
 * addr-spec (`sip:bob@b.com`), then header parameters such as tag, expires, q.
 *
 * @implements RFC3261 (SIP)
 */
import { Scanner, TOKEN, quote, isToken } from './grammar.ts';
import { parseUriIn, formatUri, type URI } from './uri.ts';
import { parseGenericParams, formatParams, paramValue, type Params } from './params.ts';

export interface Address {
  /** The display name, unquoted; undefined when there is none. */
  displayName?: string;
  uri: URI;
  /** Header parameters (tag, expires, q, ...), lowercased names, values as written. */
  params: Params;
  /** True when written as name-addr (with <>); serialization keeps the form unless it must use <>. */
  nameAddr: boolean;
}

/** The tag parameter of a To or From value (§19.3). */
export const tagOf = (a: Address): string | undefined => paramValue(a.params, 'tag');

/**
 * Parse one address at the cursor, up to the end or a top-level comma.
 */
// @implements RFC3261 P228L34-P228L36, P167L14-P167L18, P167L22-P167L23
export function parseAddressAt(s: Scanner, what: string): Address {
  s.sws();
  const start = s.pos;
  let displayName: string | undefined;
  if (s.peek() === 0x22) {
    // display-name as quoted-string, then LAQUOT (SWS before "<" is optional)
    displayName = s.quotedString(`the display name of ${what}`);
    s.sws();
    if (s.peek() !== 0x3c) s.fail(`expected "<" after the quoted display name of ${what}, found ${s.found()}`);
  } else if (s.peek() !== 0x3c) {
    // Either *(token LWS) LAQUOT, or an addr-spec starting with "scheme:".
    // @implements RFC3261 P228L35-P228L36
    // The tokens, joined by one SP whatever LWS separated them.
    for (;;) {
      const w = s.run(TOKEN);
      if (w.length === 0) break;
      if (displayName === undefined && s.peek() === 0x3a) {
        // "scheme:" — a bare addr-spec
        s.pos = start;
        return addrSpec(s, what);
      }
      displayName = displayName === undefined ? w : displayName + ' ' + w;
      if (!s.sws()) break;
    }
    if (s.peek() !== 0x3c) {
      if (displayName === undefined) s.fail(`expected a display name, "<" or a URI for ${what}, found ${s.found()}`);
      s.fail(`display name of ${what} must be tokens or a quoted-string, found ${s.found()}`);
    }
  }
  // @implements RFC3261 P221L38-P221L39
  s.pos++; // "<"
  const uriStart = s.pos;
  const close = s.text.indexOf('>', uriStart);
  if (close < 0 || close >= s.stop) s.fail(`missing ">" closing the URI of ${what}`, s.rule, uriStart - 1);
  const uri = parseUriIn(s, uriStart, close);
  s.pos = close + 1;
  const params: Params = new Map();
  parseGenericParams(s, params, what);
  return { displayName, uri, params, nameAddr: true };
}

/**
 * addr-spec without <>: the URI ends at the first ";" "," or whitespace, and
 * what follows ";" are header parameters, not URI parameters.
 */
// @implements RFC3261 P161L26-P161L31
function addrSpec(s: Scanner, what: string): Address {
  const start = s.pos;
  let c: number;
  while ((c = s.peek()) >= 0 && c !== 0x3b && c !== 0x2c && c !== 0x20 && c !== 0x09) {
    if (c === 0x3f) s.fail(`a URI with headers ("?") in ${what} must be enclosed in <>`);
    s.pos++;
  }
  const uri = parseUriIn(s, start, s.pos);
  const params: Params = new Map();
  parseGenericParams(s, params, what);
  return { displayName: undefined, uri, params, nameAddr: false };
}

/** One whole header value holding a single address (To, From, Reply-To). */
export function parseAddress(value: string, rule = 'Address'): Address {
  const s = new Scanner(value, rule);
  const a = parseAddressAt(s, rule);
  s.end(rule);
  return a;
}

/**
 * The address as header text. A URI holding ',', ';' or '?' must be
 * enclosed in <>, and so must any address with a display name.
 */
// @implements RFC3261 P167L20-P167L23, P161L26-P161L29, P172L14-P172L16, P176L15-P176L17
export function formatAddress(a: Address): string {
  const uri = formatUri(a.uri);
  let out: string;
  if (a.nameAddr || a.displayName !== undefined || /[,;?]/.test(uri)) {
    const name = a.displayName === undefined ? '' : (isToken(a.displayName.replace(/ /g, '')) && !/^ | $|  /.test(a.displayName) ? a.displayName : quote(a.displayName)) + ' ';
    out = `${name}<${uri}>`;
  } else {
    out = uri;
  }
  return out + formatParams(a.params);
}
