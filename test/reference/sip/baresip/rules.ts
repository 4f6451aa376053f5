/**
 * RFC 3261 rules checked on the messages a real peer put on the wire (as its
 * trace shows them): each breach names the rule and carries the message as
 * evidence. The grammar is our strict parser's; the rest are the UAC and UAS
 * rules a peer's requests and dialog-creating responses must follow.
 */
import {
  SipParseError, callId, contacts, cseq, formatUri, from, isRequest, recordRoutes, routes, tagOf, topVia, vias,
  type Message, type Request, type Response,
} from '../../../../reference/sip/syntax/index.ts';
import { parseTraced, startLine, type Traced } from './baresip.ts';

export interface Breach {
  /** The rule broken, with its section. */
  rule: string;
  /** The first line of the message that broke it. */
  message: string;
  /** The whole message as it went. */
  evidence: string;
}

/** What a peer sent that RFC 3261 forbids: `sent` are its messages, `trace` every message it saw (for dialog state). */
export function breaches(sent: Traced[], trace: Traced[]): Breach[] {
  // By octets: the two lists may come from separate reads of the trace.
  const parsed = new Map<string, Message | SipParseError>();
  for (const t of [...trace, ...sent]) {
    if (parsed.has(t.text)) continue;
    try {
      parsed.set(t.text, parseTraced(t));
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      parsed.set(t.text, e);
    }
  }
  const seen = [...parsed.values()].filter((m): m is Message => !(m instanceof SipParseError));
  const out: Breach[] = [];
  for (const t of sent) {
    const m = parsed.get(t.text) as Message | SipParseError;
    const breach = (rule: string) => out.push({ rule, message: startLine(t), evidence: t.text });
    if (m instanceof SipParseError) {
      // @tests RFC3261 P35L7-P35L10
      breach(`§25 grammar / §8.1.1: ${m.message}`);
      continue;
    }
    // @tests RFC3261 P149L41-P149L43
    for (const rule of repeatedUriParams(m, t.text)) breach(rule);
    if (isRequest(m)) {
      for (const rule of requestBreaches(m, seen)) breach(rule);
    } else if (m.status >= 200 && m.status < 300 && cseq(m).method === 'INVITE') {
      const invite = seen.find((r): r is Request => isRequest(r) && r.method === 'INVITE' && callId(r) === callId(m) && cseq(r).seq === cseq(m).seq);
      for (const rule of dialogResponseBreaches(m, invite)) breach(rule);
    }
  }
  return out;
}

/**
 * URI parameter names written more than once in the SIP URIs of a message:
 * the Request-URI and every <URI> of To, From, Contact, Route, Record-Route.
 * Read from the text, since a parsed URI keeps one value per name.
 */
function repeatedUriParams(message: Message, text: string): string[] {
  const uris: string[] = [];
  if (isRequest(message)) uris.push(text.slice(0, text.indexOf('\r\n')).split(' ')[1] ?? '');
  for (const name of ['To', 'From', 'Contact', 'Route', 'Record-Route']) {
    for (const value of message.headers.getAll(name)) for (const m of value.matchAll(/<([^>]*)>/g)) uris.push(m[1] as string);
  }
  const out: string[] = [];
  for (const uri of uris) {
    // After the userinfo (a user part may hold ';'), before the headers.
    const names = uri.slice(uri.lastIndexOf('@') + 1).split('?')[0]!.split(';').slice(1).map((p) => p.split('=')[0]!.toLowerCase());
    const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    if (twice.length > 0) out.push(`§19.1.1: a URI parameter MUST NOT appear more than once: ${twice.join(', ')} in ${uri}`);
  }
  return out;
}

function requestBreaches(request: Request, seen: Message[]): string[] {
  const out: string[] = [];
  // @tests RFC3261 P35L7-P35L9
  if (!request.headers.has('Max-Forwards')) out.push('§8.1.1: a request MUST contain Max-Forwards');
  // @tests RFC3261 P39L43-P39L44
  if (!(topVia(request)?.branch ?? '').startsWith('z9hG4bK')) out.push('§8.1.1.7: the branch MUST begin with z9hG4bK');
  // @tests RFC3261 P37L26
  if (tagOf(from(request)) === undefined) out.push('§8.1.1.3: From MUST contain a tag');
  if (request.method === 'INVITE') {
    const contact = contacts(request);
    // @tests RFC3261 P40L14-P40L16
    if (contact === '*' || contact.length !== 1 || !['sip', 'sips'].includes(contact[0]?.uri.scheme ?? '')) out.push('§8.1.1.8: an INVITE MUST have a Contact with exactly one SIP or SIPS URI');
  }
  if (request.method === 'BYE' || (request.method === 'ACK' && vias(request).length === 1)) {
    const expected = routeSet(request, seen);
    const actual = routes(request).map((a) => formatUri(a.uri));
    // @tests RFC3261 P72L8-P72L10, P71L16-P71L18, P74L17-P74L21
    if (expected !== undefined && actual.join(', ') !== expected.join(', ')) {
      out.push(`§12.2.1.1: Route MUST be the route set in order: expected [${expected.join(', ')}], got [${actual.join(', ')}]`);
    }
  }
  return out;
}

/**
 * The route set of the dialog `request` is sent in, from what the sender saw:
 * as UAC (it sent the INVITE), the 2xx's Record-Route reversed; as UAS, the
 * INVITE's Record-Route in order. Undefined when the dialog is not in `seen`.
 */
function routeSet(request: Request, seen: Message[]): string[] | undefined {
  const id = callId(request);
  const ok = seen.find((m): m is Response => !isRequest(m) && m.status >= 200 && m.status < 300 && cseq(m).method === 'INVITE' && callId(m) === id);
  const invite = seen.find((m): m is Request => isRequest(m) && m.method === 'INVITE' && callId(m) === id);
  if (ok === undefined || invite === undefined) return undefined;
  const ourInvite = tagOf(from(invite)) === tagOf(from(request));
  const uris = (ourInvite ? recordRoutes(ok) : recordRoutes(invite)).map((a) => formatUri(a.uri));
  return ourInvite ? uris.reverse() : uris;
}

function dialogResponseBreaches(response: Response, invite: Request | undefined): string[] {
  const out: string[] = [];
  const contact = contacts(response);
  // @tests RFC3261 P70L42-P70L43
  if (contact === '*' || contact.length === 0) out.push('§12.1.1: a 2xx to INVITE MUST carry a Contact');
  if (invite !== undefined) {
    const asked = invite.headers.getAll('Record-Route');
    const copied = response.headers.getAll('Record-Route');
    // @tests RFC3261 P70L37-P70L42
    if (asked.join(', ') !== copied.join(', ')) out.push(`§12.1.1: Record-Route MUST be copied in order: request had [${asked.join(', ')}], response has [${copied.join(', ')}]`);
  }
  return out;
}

/** Breaches as text for an assertion message or the interop note. */
export const describe = (list: Breach[]): string => list.map((b) => `${b.rule}\n  in: ${b.message}\n${b.evidence}`).join('\n');
