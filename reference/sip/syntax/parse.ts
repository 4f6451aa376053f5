/**
 * Parsing a SIP message (RFC 3261 §7, grammar §25): start line, header
 * fields (unfolded, names case-insensitive, compact forms), then the body
 * delimited by Content-Length. Faults throw a SipParseError naming the rule
 * and the line and column.
 *
 * The header fields needed to process any request or response (Via, From,
 * To, Call-ID, CSeq, Max-Forwards, Content-Length, Contact, Route,
 * Record-Route) are checked against their grammar; others are kept as text,
 * since a UAS ignores malformed fields it does not need. `strict: true`
 * also checks every other field whose grammar this module knows.
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';
import { checkSize, messageLimits, DEFAULT_LIMITS, type MessageLimits } from './limits.ts';
import { Scanner, TOKEN, WORD, isIn } from './grammar.ts';
import { Headers, headerKey, type HeaderField } from './headers.ts';
import { usualSpelling } from './fieldFormat.ts';
import { parseUriIn } from './uri.ts';
import { parseAddressAt } from './address.ts';
import { parseViaAt } from './via.ts';
import { parseCSeqAt } from './cseq.ts';
import { paramValue } from './params.ts';
import { SIP_VERSION, type Message, type Request, type Response } from './message.ts';

export interface ParseOptions {
  /**
   * 'datagram' (UDP, the default): the message is the whole input; without
   * Content-Length the body is the rest of the datagram, octets beyond
   * Content-Length are discarded. 'stream': Content-Length is required.
   */
  transport?: 'datagram' | 'stream';
  /** Also check Date, Expires and the other fields the core does not need. */
  strict?: boolean;
  /** Size limits (513 over them); default DEFAULT_LIMITS. */
  limits?: Partial<MessageLimits>;
}

const CRLF = '\r\n';
const dec = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/**
 * Parse one message from a datagram or a framed piece of a stream.
 */
// @implements RFC3261 P27L8-P27L15
export function parse(input: Uint8Array | string, options: ParseOptions = {}): Message {
  let head: string;
  let headEnd: number;
  let rest: Uint8Array;
  const limits = options.limits === undefined ? DEFAULT_LIMITS : messageLimits(options.limits);
  if (typeof input === 'string') {
    const start = skipLeadingCrlfString(input);
    const end = input.indexOf('\r\n\r\n', start);
    checkSize('header', end >= 0 ? end + 4 - start : input.length - start, limits);
    // @implements RFC3261 P27L18-P27L20
    if (end >= 0) {
      // Read in place when nothing precedes the start line: the head is input[0, end).
      head = start === 0 ? input : input.slice(start, end);
      headEnd = end - start;
      rest = end + 4 === input.length ? EMPTY : utf8(input.slice(end + 4));
    } else {
      missingEmptyLine(input.slice(start), options.strict === true);
    }
  } else {
    const start = skipLeadingCrlf(input);
    const end = indexOfCrlfCrlf(input, start);
    checkSize('header', end >= 0 ? end + 4 - start : input.length - start, limits);
    // @implements RFC3261 P27L18-P27L20
    if (end >= 0) {
      head = decodeHead(input.subarray(start, end), start);
      headEnd = head.length;
      rest = input.subarray(end + 4);
    } else {
      missingEmptyLine(decodeHead(input.subarray(start), start), options.strict === true);
    }
  }
  const message = parseHead(head, options.strict === true, headEnd);
  message.body = bodyOf(message, rest, options.transport ?? 'datagram', limits);
  return message;
}

/**
 * A body given as text, as the UTF-8 octets it is sent as. Buffer.from
 * encodes a message-sized text in about half the time TextEncoder takes
 * (it takes the octets from a shared pool); the body is a plain Uint8Array
 * view of them, as it is of the datagram when parse is given octets.
 */
function utf8(text: string): Uint8Array {
  const b = Buffer.from(text, 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * The start line and header fields as text. SIP text is UTF-8 (TEXT-UTF8char,
 * UTF8-NONASCII); octets that are not UTF-8 are a fault, not replaced.
 */
// @implements RFC3261 P220L38-P220L45
function decodeHead(bytes: Uint8Array, at: number): string {
  try {
    return dec.decode(bytes);
  } catch {
    const i = firstBadUtf8(bytes);
    throw new SipParseError('UTF8-NONASCII', `octet 0x${bytes[i].toString(16)} at offset ${at + i} of the header section is not UTF-8`, at + i);
  }
}

/** Where the first octet sequence that is not UTF-8 starts (lead octet, then its continuation octets). */
function firstBadUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return 0;
}

/**
 * No empty line ends the header fields. The empty line is required on every
 * transport, whether or not a body follows, so a datagram that lacks it is
 * rejected exactly like one whose last line lacks its CRLF, on a datagram and
 * on a stream alike. The lines there are are checked first, so that a fault
 * in them (the more specific one) is the one named.
 */
// @implements RFC3261 P27L18-P27L20
function missingEmptyLine(text: string, strict: boolean): never {
  const complete = text.endsWith(CRLF);
  parseHead(complete ? text.slice(0, -2) : text, strict);
  const detail = complete ? 'the empty line (CRLF) after the last header field is missing' : 'the last header line lacks its CRLF and no empty line follows';
  throw new SipParseError('message-header', `${detail}; the empty line MUST be present even without a body`, text.length);
}

/** Implementations ignore CRLFs before the start line (§7.5). */
// @implements RFC3261 P34L8-P34L12
export function skipLeadingCrlf(b: Uint8Array): number {
  let i = 0;
  while (i + 1 < b.length && b[i] === 0x0d && b[i + 1] === 0x0a) i += 2;
  return i;
}
function skipLeadingCrlfString(s: string): number {
  let i = 0;
  while (s.startsWith(CRLF, i)) i += 2;
  return i;
}

export function indexOfCrlfCrlf(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0x0d, from); i >= 0 && i + 3 < b.length; i = b.indexOf(0x0d, i + 1)) {
    if (b[i + 1] === 0x0a && b[i + 2] === 0x0d && b[i + 3] === 0x0a) return i;
  }
  return -1;
}

/**
 * The body: Content-Length octets of what follows the empty line. On a
 * datagram a body shorter than Content-Length says is truncated, a 400
 * (§18.3), whatever the value; only then is the size of the body there
 * checked against maxBodyBytes. On a stream the framer has already read
 * exactly Content-Length octets, and checked their number.
 */
// @implements RFC3261 P33L37-P33L38, P147L7-P147L20
function bodyOf(m: Message, rest: Uint8Array, transport: 'datagram' | 'stream', limits: MessageLimits): Uint8Array {
  const cl = contentLength(m.headers);
  if (cl === undefined) {
    if (transport === 'stream') throw new SipParseError('Content-Length', 'required on stream transports but absent');
    checkSize('body', rest.length, limits);
    return rest;
  }
  if (cl > rest.length) {
    throw new SipParseError('Content-Length', `is ${cl} but only ${rest.length} octets of body follow`);
  }
  checkSize('body', cl, limits);
  return cl === rest.length ? rest : rest.subarray(0, cl);
}

/**
 * The Content-Length value, undefined when absent. Several fields with
 * different values, or a value that is not 1*DIGIT, are errors.
 */
export function contentLength(h: Headers): number | undefined {
  let values: string[] | undefined;
  for (const f of h.fields) if (f.key === 'content-length') (values ??= []).push(f.value);
  return values === undefined ? undefined : contentLengthOf(values);
}

/**
 * The one reading of Content-Length values, for a parsed message and for a
 * raw header section on a stream (where `consequence` says what the fault
 * does: the stream cannot be framed).
 */
// @implements RFC3261 P229L17, P169L38-P169L39
export function contentLengthOf(values: Iterable<string>, consequence = ''): number | undefined {
  let value: number | undefined;
  for (const v of values) {
    if (!/^\d{1,10}$/.test(v)) throw new SipParseError('Content-Length', `must be a number of octets, found ${JSON.stringify(v)}${consequence}`);
    const n = Number(v);
    if (value !== undefined && value !== n) throw new SipParseError('Content-Length', `appears twice with different values (${value}, ${n})${consequence}`);
    value = n;
  }
  return value;
}

/**
 * Where a header field sits in the head, for error positions; a value
 * that is not folded is read there, in the head, without a copy.
 */
interface Located extends HeaderField {
  offset: number;
  line: number;
  col: number;
  /** The value was put together from continuation lines: it is not head[offset, offset + value.length). */
  folded: boolean;
}

/**
 * Start line and header fields: head[0, stop). Lines end in CRLF; a line
 * starting with SP or HTAB continues the previous field (folding).
 */
// @implements RFC3261 P27L12-P27L17
function parseHead(head: string, strict: boolean, stop = head.length): Message {
  const ends = lineEnds(head, stop);
  const message = startLine(head.slice(0, ends[0]));
  const fields: Located[] = [];
  for (let line = 2; line <= ends.length; line++) {
    const start = ends[line - 2] + 2;
    if (start >= stop) break;
    const end = ends[line - 1];
    const c = head.charCodeAt(start);
    // @implements RFC3261 P30L23-P30L26
    if (c === 0x20 || c === 0x09) {
      // LWS = [*WSP CRLF] 1*WSP: a folded line is one SP of the field value.
      const last = fields[fields.length - 1];
      if (last === undefined) throw new SipParseError('message-header', 'a continuation line before any header field', start, line, 1);
      const more = head.slice(start, end).trim();
      if (more.length > 0) last.value = last.value.length > 0 ? last.value + ' ' + more : more;
      last.folded = true;
      continue;
    }
    fields.push(headerLine(head, start, end, line));
  }
  for (const f of fields) message.headers.fields.push({ name: f.name, key: f.key, value: f.value });
  checkFields(head, message, fields, strict);
  return message;
}

/**
 * Where each line of head[0, stop) ends: at its CRLF, the last one at
 * `stop`. One pass finds the LFs and the CRs: each CR must be the one right
 * before the next LF.
 */
// CR and LF appear only as the CRLF ending a line.
// @implements RFC3261 P27L35-P27L36
function lineEnds(head: string, stop: number): number[] {
  const ends: number[] = [];
  let cr = before(stop, head.indexOf('\r'));
  for (let lf = before(stop, head.indexOf('\n')); ; lf = before(stop, head.indexOf('\n', lf + 1))) {
    const end = lf < 0 ? stop : lf - 1;
    if (cr >= 0 ? cr < end || (lf >= 0 && cr !== end) : lf >= 0) throw loneCrOrLfError(head.slice(0, stop));
    ends.push(end);
    if (lf < 0) return ends;
    cr = before(stop, head.indexOf('\r', lf + 1));
  }
}

/** An index found by indexOf if it is before `stop`, else -1 (not found in the head). */
const before = (stop: number, i: number): number => (i < stop ? i : -1);

/** The fault of a head holding a CR or an LF alone: the first lone LF, else the first lone CR, with its line and column. */
function loneCrOrLfError(head: string): SipParseError {
  const lone = loneCrOrLf(head);
  const line = head.slice(0, lone).split(CRLF).length;
  return new SipParseError('CRLF', 'CR or LF alone inside a line', lone, line, lone - head.lastIndexOf(CRLF, lone - 1) - 1);
}

/** Where a CR not followed by LF, or an LF not preceded by CR, is; -1 if none. */
// @implements RFC3261 P27L35-P27L36
function loneCrOrLf(head: string): number {
  for (let i = head.indexOf('\n'); i >= 0; i = head.indexOf('\n', i + 1)) if (head.charCodeAt(i - 1) !== 0x0d) return i;
  for (let i = head.indexOf('\r'); i >= 0; i = head.indexOf('\r', i + 1)) if (head.charCodeAt(i + 1) !== 0x0a) return i;
  return -1;
}

/** field-name HCOLON field-value; HCOLON = *( SP / HTAB ) ":" SWS. */
// @implements RFC3261 P232L31-P232L32
function headerLine(head: string, start: number, end: number, line: number): Located {
  let i = start;
  let c: number;
  while (i < end && (c = head.charCodeAt(i)) < 128 && TOKEN[c] === 1) i++;
  if (i === start) throw new SipParseError('message-header', `expected a header field name, found ${JSON.stringify(head.slice(start, Math.min(end, start + 20)))}`, start, line, 1);
  const usual = usualSpelling(head, start, i);
  const name = usual?.name ?? head.slice(start, i);
  // @implements RFC3261 P220L28
  while (i < end && ((c = head.charCodeAt(i)) === 0x20 || c === 0x09)) i++;
  if (i === end || head.charCodeAt(i) !== 0x3a) {
    throw new SipParseError('HCOLON', `expected ":" after header field name ${name}, found ${JSON.stringify(head.slice(i, Math.min(end, i + 12)) || 'the end of the line')}`, i, line, i - start + 1);
  }
  i++;
  while (i < end && ((c = head.charCodeAt(i)) === 0x20 || c === 0x09)) i++;
  let last = end;
  while (last > i && ((c = head.charCodeAt(last - 1)) === 0x20 || c === 0x09)) last--;
  return { name, key: usual?.key ?? headerKey(name), value: head.slice(i, last), offset: i, line, col: i - start + 1, folded: false };
}

/** Request-Line or Status-Line. */
function startLine(line: string): Request | Response {
  if (line.startsWith('SIP/') || /^sip\//i.test(line)) return statusLine(line);
  return requestLine(line);
}

/** Request-Line = Method SP Request-URI SP SIP-Version CRLF */
// @implements RFC3261 P27L31-P27L37, P223L43
function requestLine(line: string): Request {
  if (line.length === 0) throw lineError('empty start line', 0);
  if (line.endsWith(' ') || line.endsWith('\t')) throw lineError('SP characters at the end of the Request-Line', line.length - 1);
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 < 0 || sp1 === sp2) throw lineError(`expected "Method SP Request-URI SP SIP-Version", found ${JSON.stringify(line.slice(0, 40))}`, 0);
  if (sp1 === 0) throw lineError('Method must be a token, found nothing before the first SP', 0);
  for (let i = 0; i < sp1; i++) if (!isIn(TOKEN, line.charCodeAt(i))) throw lineError(`Method must be a token, found ${JSON.stringify(line.slice(0, sp1))}`, i);
  const method = line.slice(0, sp1);
  const uriText = line.slice(sp1 + 1, sp2);
  // @implements RFC3261 P27L32-P27L33, P28L4-P28L5
  if (uriText.startsWith(' ') || uriText.endsWith(' ')) throw lineError('more than one SP separating Request-Line elements', uriText.startsWith(' ') ? sp1 + 1 : sp2 - 1);
  const ws = uriText.search(/[ \t]/);
  if (ws >= 0) throw lineError('whitespace inside the Request-URI', sp1 + 1 + ws);
  if (uriText.startsWith('<')) throw lineError('the Request-URI must not be enclosed in "<>"', sp1 + 1);
  const version = line.slice(sp2 + 1);
  checkVersion(version, sp2 + 1, 'Request-Line');
  const requestUri = parseUriIn(new Scanner(line, 'Request-URI', 0, 1, 1), sp1 + 1, sp2);
  // @implements RFC3261 P152L17
  if (requestUri.headers.length > 0) throw new SipParseError('Request-URI', 'headers ("?") are not allowed in a Request-URI', sp1 + 1 + uriText.indexOf('?'), 1, sp1 + 2 + uriText.indexOf('?'));
  return { type: 'request', method, requestUri, version, headers: new Headers(), body: EMPTY };
}

function lineError(detail: string, at: number): SipParseError {
  return new SipParseError('Request-Line', detail, at, 1, at + 1);
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is understood (505 otherwise). */
// @implements RFC3261 P224L16, P28L17-P28L20
function checkVersion(version: string, at: number, rule: string): void {
  if (version === SIP_VERSION) return;
  if (!/^SIP\/\d+\.\d+$/i.test(version)) throw new SipParseError(rule, `expected SIP-Version ("SIP/2.0"), found ${JSON.stringify(version.slice(0, 20))}`, at, 1, at + 1);
  if (version.toUpperCase() !== SIP_VERSION) {
    const e = new SipParseError('SIP-Version', `${version} is not supported`, at, 1, at + 1);
    e.status = 505;
    throw e;
  }
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF */
// @implements RFC3261 P28L27-P28L30, P225L31
function statusLine(line: string): Response {
  const sp1 = line.indexOf(' ');
  if (sp1 < 0) throw new SipParseError('Status-Line', 'expected "SIP-Version SP Status-Code SP Reason-Phrase"', 0, 1, 1);
  checkVersion(line.slice(0, sp1), 0, 'Status-Line');
  // @implements RFC3261 P225L32-P225L39
  const code = line.slice(sp1 + 1, sp1 + 4);
  if (!/^[1-6]\d\d$/.test(code) || (line.length > sp1 + 4 && line[sp1 + 4] !== ' ')) {
    throw new SipParseError('Status-Code', `must be three digits from 100 to 699, found ${JSON.stringify(line.slice(sp1 + 1, sp1 + 14))}`, sp1 + 1, 1, sp1 + 2);
  }
  // @implements RFC3261 P225L40-P225L41
  const reason = line.length > sp1 + 4 ? line.slice(sp1 + 5) : '';
  const bad = reason.search(/[\x00-\x08\x0a-\x1f\x7f]/);
  if (bad >= 0) throw new SipParseError('Reason-Phrase', 'control character in the reason phrase', sp1 + 5 + bad, 1, sp1 + 6 + bad);
  return { type: 'response', status: Number(code), reason, version: line.slice(0, sp1), headers: new Headers(), body: EMPTY };
}

/**
 * The message's scanner put on a field's value, placed at its position in
 * the message: over the head itself from the value's start to its end,
 * unless the value was unfolded into a text of its own.
 */
function scannerOf(s: Scanner, head: string, f: Located, rule: string): Scanner {
  if (f.folded) return s.reset(f.value, rule, f.offset, f.line, f.col, 0, f.value.length);
  return s.reset(head, rule, 0, f.line, f.col - f.offset, f.offset, f.offset + f.value.length);
}

/**
 * Check the fields the core depends on; with `strict`, also the others this
 * module knows the grammar of.
 */
function checkFields(head: string, m: Message, fields: Located[], strict: boolean): void {
  const s = new Scanner(head, 'message-header');
  for (const f of fields) {
    switch (f.key) {
      // @implements RFC3261 P232L1-P232L18
      case 'via': {
        scannerOf(s, head, f, 'Via');
        do parseViaAt(s);
        while (s.sep(','));
        s.end('Via');
        break;
      }
      // @implements RFC3261 P230L4-P230L8, P231L38-P231L40
      case 'from':
      case 'to': {
        const rule = f.key === 'to' ? 'To' : 'From';
        scannerOf(s, head, f, rule);
        const a = parseAddressAt(s, rule);
        s.end(rule);
        const tag = paramValue(a.params, 'tag');
        if (tag !== undefined && !isTokenString(tag)) s.fail(`the tag of ${rule} must be a token`);
        break;
      }
      // @implements RFC3261 P228L23-P228L24
      case 'call-id':
        checkCallId(s, head, f);
        break;
      // @implements RFC3261 P229L33
      case 'cseq': {
        const c = parseCSeqAt(scannerOf(s, head, f, 'CSeq'));
        // @implements RFC3261 P38L28-P38L29
        if (m.type === 'request' && c.method !== m.method) {
          throw new SipParseError('CSeq', `method ${c.method} does not match the request method ${m.method}`, f.offset, f.line, f.col);
        }
        break;
      }
      // @implements RFC3261 P230L12, P173L13
      case 'max-forwards':
        if (!/^\d+$/.test(f.value) || Number(f.value) > 255) throw new SipParseError('Max-Forwards', `must be an integer from 0 to 255, found ${JSON.stringify(f.value)}`, f.offset, f.line, f.col);
        break;
      case 'content-length':
        if (!/^\d{1,10}$/.test(f.value)) throw new SipParseError('Content-Length', `must be a number of octets, found ${JSON.stringify(f.value)}`, f.offset, f.line, f.col);
        break;
      // @implements RFC3261 P228L31-P228L43
      case 'contact':
        checkContact(s, head, f);
        break;
      // @implements RFC3261 P231L5-P231L6, P231L21-P231L22
      case 'route':
      case 'record-route':
        checkRoute(s, head, f);
        break;
      // Any other field, and every unknown one, is kept as text: not
      // understanding it never stops the message from being processed.
      // @implements RFC3261 P46L36-P46L39
      default:
        if (strict) checkOther(f);
    }
  }
}

function isTokenString(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isIn(TOKEN, v.charCodeAt(i))) return false;
  return true;
}

/** callid = word [ "@" word ] */
// @implements RFC3261 P228L24
function checkCallId(s: Scanner, head: string, f: Located): void {
  scannerOf(s, head, f, 'Call-ID');
  if (s.run(WORD).length === 0) s.fail(`must be a word, found ${s.found()}`);
  if (s.eat('@') && s.run(WORD).length === 0) s.fail(`expected a word after "@", found ${s.found()}`);
  if (!s.atEnd()) s.fail(`unexpected ${s.found()}`);
}

/** Contact: "*" or contact-param *(COMMA contact-param) with expires and q checked. */
function checkContact(s: Scanner, head: string, f: Located): void {
  if (f.value === '*') return;
  scannerOf(s, head, f, 'Contact');
  do {
    const a = parseAddressAt(s, 'Contact');
    const expires = paramValue(a.params, 'expires');
    // @implements RFC3261 P228L41-P228L43
    if (expires !== undefined && !/^\d+$/.test(expires)) s.fail(`expires must be delta-seconds, found ${JSON.stringify(expires)}`);
    const q = paramValue(a.params, 'q');
    // @implements RFC3261 P227L14-P227L15
    if (q !== undefined && !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q)) s.fail(`q must be a qvalue from 0 to 1, found ${JSON.stringify(q)}`);
  } while (s.sep(','));
  s.end('Contact');
}

/** route-param = name-addr *( SEMI rr-param ): the URI is always in <>. */
function checkRoute(s: Scanner, head: string, f: Located): void {
  const rule = f.key === 'route' ? 'Route' : 'Record-Route';
  scannerOf(s, head, f, rule);
  do {
    const a = parseAddressAt(s, rule);
    if (!a.nameAddr) s.fail(`values of ${rule} must be name-addr (URI in <>)`);
  } while (s.sep(','));
  s.end(rule);
}

/** With `strict`: the fields not needed for processing. */
// @exception RFC3261 P232L31-P232L33: other header values (Accept, Allow, Content-Type, the authentication fields, extensions) are kept as text without a grammar check
function checkOther(f: Located): void {
  switch (f.key) {
    // @implements RFC3261 P229L35-P229L46
    case 'date':
      if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(f.value)) {
        throw new SipParseError('Date', `must be an rfc1123-date in GMT, found ${JSON.stringify(f.value)}`, f.offset, f.line, f.col);
      }
      return;
    // @implements RFC3261 P230L3, P230L16, P228L43
    case 'expires':
    case 'min-expires':
      if (!/^\d+$/.test(f.value)) throw new SipParseError(f.key === 'expires' ? 'Expires' : 'Min-Expires', `must be delta-seconds, found ${JSON.stringify(f.value)}`, f.offset, f.line, f.col);
      return;
    // @implements RFC3261 P232L20-P232L26
    case 'warning':
      for (const w of f.value.split(/,(?=\s*\d)/)) {
        if (!/^\s*\d{3} \S+ ".*"\s*$/.test(w)) throw new SipParseError('Warning', `warning-value must be 3DIGIT SP agent SP "text", found ${JSON.stringify(w.trim())}`, f.offset, f.line, f.col);
      }
      return;
  }
}
