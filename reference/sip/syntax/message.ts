/**
 * SIP messages (RFC 3261 §7): a Request (start line: method, Request-URI)
 * or a Response (status code, reason phrase), header fields in order, and a
 * body of octets. Typed views of the headers the core uses (Via, From, To,
 * Call-ID, CSeq, Contact, Max-Forwards, Route) parse on demand, and the
 * helpers build requests and the responses of §8.2.6.
 *
 * @implements RFC3261 (SIP)
 */
import { Headers } from './headers.ts';
import { Scanner } from './grammar.ts';
import { parseUri, type URI } from './uri.ts';
import { parseAddress, parseAddressAt, type Address } from './address.ts';
import { parseViaAt, type Via } from './via.ts';
import { parseCSeq, type CSeq } from './cseq.ts';
import { reasonPhrase } from './reason.ts';

export const SIP_VERSION = 'SIP/2.0';

interface MessageBase {
  /** SIP-Version of the start line, "SIP/2.0". */
  version: string;
  headers: Headers;
  /** The message body, exactly Content-Length octets (empty when none). */
  body: Uint8Array;
}

export interface Request extends MessageBase {
  type: 'request';
  /** The method as written (methods are case-sensitive). */
  method: string;
  requestUri: URI;
}

export interface Response extends MessageBase {
  type: 'response';
  status: number;
  reason: string;
}

export type Message = Request | Response;

export const isRequest = (m: Message): m is Request => m.type === 'request';
export const isResponse = (m: Message): m is Response => m.type === 'response';

// ---- Typed views of header fields ----

/** All Via values, top first. */
// @implements RFC3261 P232L1-P232L2
export function vias(m: Message): Via[] {
  const out: Via[] = [];
  for (const f of m.headers.fields) {
    if (f.key !== 'via') continue;
    const s = new Scanner(f.value, 'Via');
    do out.push(parseViaAt(s));
    while (s.sep(','));
    s.end('Via');
  }
  return out;
}

/**
 * The top Via: the first value of the first Via field. Only that value is
 * parsed (parse() has already checked the others), since transports and
 * transactions ask for it on every message.
 */
// @implements RFC3261 P232L1-P232L2
export function topVia(m: Message): Via | undefined {
  const field = m.headers.fields.find((f) => f.key === 'via');
  if (field === undefined) return undefined;
  const s = new Scanner(field.value, 'Via');
  const via = parseViaAt(s);
  if (!s.sep(',')) s.end('Via');
  return via;
}

function single(m: Message, name: string): string {
  const v = m.headers.get(name);
  if (v === undefined) throw new Error(`no ${name} header field`);
  return v;
}

// @implements RFC3261 P230L4-P230L6
export const from = (m: Message): Address => parseAddress(single(m, 'From'), 'From');
// @implements RFC3261 P231L38-P231L39
export const to = (m: Message): Address => parseAddress(single(m, 'To'), 'To');
// @implements RFC3261 P228L23
export const callId = (m: Message): string => single(m, 'Call-ID');
// @implements RFC3261 P229L33
export const cseq = (m: Message): CSeq => parseCSeq(single(m, 'CSeq'));

/** The Max-Forwards value, undefined when absent. */
// @implements RFC3261 P230L12
export function maxForwards(m: Message): number | undefined {
  const v = m.headers.get('Max-Forwards');
  return v === undefined ? undefined : Number(v);
}

/** Addresses of a list header (Contact, Route, Record-Route). `Contact: *` gives '*'. */
// @implements RFC3261 P228L31-P228L33, P231L5-P231L6, P231L21-P231L22
export function addresses(m: Message, name: 'Contact' | 'Route' | 'Record-Route' | string): Address[] | '*' {
  const out: Address[] = [];
  for (const f of m.headers.lines(name)) {
    if (f.key === 'contact' && f.value.trim() === '*') return '*';
    const s = new Scanner(f.value, name);
    do out.push(parseAddressAt(s, name));
    while (s.sep(','));
    s.end(name);
  }
  return out;
}

// @implements RFC3261 P228L31-P228L32
export function contacts(m: Message): Address[] | '*' {
  return addresses(m, 'Contact');
}
// @implements RFC3261 P231L21
export function routes(m: Message): Address[] {
  return addresses(m, 'Route') as Address[];
}
// @implements RFC3261 P231L5
export function recordRoutes(m: Message): Address[] {
  return addresses(m, 'Record-Route') as Address[];
}

export const bodyText = (m: Message): string => Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('utf8');

// ---- Building messages ----

export type HeaderInit = Iterable<[string, string]> | Record<string, string | string[]>;

function headersFrom(init: HeaderInit | undefined): Headers {
  const h = new Headers();
  if (!init) return h;
  if (Symbol.iterator in init) {
    for (const [n, v] of init as Iterable<[string, string]>) h.append(n, v);
  } else {
    for (const [n, v] of Object.entries(init)) for (const one of Array.isArray(v) ? v : [v]) h.append(n, one);
  }
  return h;
}

const toBytes = (body: string | Uint8Array | undefined): Uint8Array =>
  body === undefined ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;

/** A request with the given start line, headers (in order) and body. */
// @implements RFC3261 P223L39-P223L43
export function createRequest(method: string, requestUri: URI | string, headers?: HeaderInit, body?: string | Uint8Array): Request {
  return {
    type: 'request',
    method,
    requestUri: typeof requestUri === 'string' ? parseUri(requestUri, undefined, 'Request-URI') : requestUri,
    version: SIP_VERSION,
    headers: headersFrom(headers),
    body: toBytes(body),
  };
}

/**
 * Adds `tag` to the To of a response whose To has none. The tag is appended
 * to the value as the request wrote it, not to a re-serialized parse: the
 * URI must stay equal to the request's (a URI repeating a parameter, which
 * the parser keeps once, would otherwise come back changed), and a To too
 * malformed to parse still gets its tag (a proxy's 400 for it).
 */
// @implements RFC3261 P50L19-P50L23
export function addToTag(headers: Headers, tag: string): void {
  const toValue = headers.get('To');
  if (toValue === undefined || hasTagParam(toValue)) return;
  headers.set('To', `${toValue.trimEnd()};tag=${tag}`);
}

/**
 * Does a raw From/To value carry a tag header parameter? In name-addr form
 * header parameters follow the `>` (a URI cannot hold one unescaped); in
 * addr-spec form every parameter is a header parameter (§20).
 */
// @implements RFC3261 P161L29-P161L31
function hasTagParam(value: string): boolean {
  const close = value.lastIndexOf('>');
  return /;\s*tag\s*=/i.test(close < 0 ? value : value.slice(close + 1));
}

/**
 * The response to a request per §8.2.6: Via values in order, From, To,
 * Call-ID and CSeq copied; a To tag added when given and the To has none.
 */
// @implements RFC3261 P50L10-P50L15
export function createResponse(
  request: Request,
  status: number,
  reason?: string,
  options: { toTag?: string; headers?: HeaderInit; body?: string | Uint8Array } = {},
): Response {
  const headers = new Headers();
  // The Via values, in the same order, in as many lines as they came.
  for (const f of request.headers.fields) if (f.key === 'via') headers.append('Via', f.value);
  for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
    const v = request.headers.get(name);
    if (v !== undefined) headers.append(name, v);
  }
  // @implements RFC3261 P50L17-P50L23
  if (options.toTag !== undefined) addToTag(headers, options.toTag);
  for (const f of headersFrom(options.headers)) headers.append(f.name, f.value);
  return {
    type: 'response',
    status,
    reason: reason ?? reasonPhrase(status),
    version: SIP_VERSION,
    headers,
    body: toBytes(options.body),
  };
}
