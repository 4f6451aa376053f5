// @implements RFC3261 (SIP)
/**
 * General UAC behaviour (RFC 3261 §8.1) as functions on messages: generating
 * a request outside a dialog (§8.1.1), where to send it (§8.1.2), the headers
 * every request the UA sends gets (Via with a branch, Max-Forwards), the
 * ACK for a 2xx (§13.2.2.4); the CANCEL (§9.1) is the transaction layer's
 * (transaction/cancel.ts).
 */
import { formatAddress, type Address } from '../syntax/address.ts';
import { createRequest, cseq, routes, type Request, type Response } from '../syntax/message.ts';
import { formatUri, unescape, type URI } from '../syntax/uri.ts';
import type { Destination } from '../transport/layer.ts';
import { defaultPort, formatHost, type HostPort, type TransportName } from '../transport/via.ts';
import type { Dialog } from './dialog.ts';
import { initialSeq } from './dialog.ts';
import { newBranch, newCallId, newTag } from '../core/ids.ts';

// @implements RFC3261 P39L9-P39L10
export const MAX_FORWARDS = 70;

export interface NewRequest {
  method: string;
  /** The target: Request-URI and To URI (§8.1.1.1). */
  target: URI;
  /** Our identity, the From URI (§8.1.1.3). */
  from: Address;
  /** Where we want to be reached; required for INVITE (§8.1.1.8). */
  contact?: Address;
  /** A pre-existing route set (outbound proxy), in order. */
  routeSet?: Address[];
  /** Call-ID, reused when a request is retried with credentials (§8.1.3.5). */
  callId?: string;
  seq?: number;
  body?: string | Uint8Array;
  contentType?: string;
}

/**
 * §8.1.1: a request outside a dialog with the six mandatory header fields
 * (To, From, CSeq, Call-ID, Max-Forwards, Via), and Contact when given.
 */
// @implements RFC3261 P35L7-P35L10
// @exception RFC3261 P40L44-P41L3: this UAC applies no extension to its requests, so it never inserts Require or Proxy-Require.
export function createUacRequest(spec: NewRequest, sentBy: HostPort, transport: TransportName = 'UDP'): Request {
  // @implements RFC3261 P40L14-P40L17
  if (spec.method === 'INVITE' && spec.contact === undefined) throw new Error('an INVITE must carry a Contact (RFC 3261 §8.1.1.8)');
  // @implements RFC3261 P36L40-P36L42
  const to: Address = { uri: spec.target, params: new Map(), nameAddr: true };
  // @implements RFC3261 P37L26-P37L27
  const from: Address = { ...spec.from, params: new Map(spec.from.params) };
  if (!from.params.has('tag')) from.params.set('tag', newTag());
  // @implements RFC3261 P38L27-P38L32
  const seq = spec.seq ?? initialSeq();
  const headers: [string, string][] = [
    ['Via', viaValue(sentBy, transport)],
    ['Max-Forwards', String(MAX_FORWARDS)],
    ['To', formatAddress(to)],
    ['From', formatAddress(from)],
    ['Call-ID', spec.callId ?? newCallId()],
    ['CSeq', `${seq} ${spec.method}`],
  ];
  // @exception RFC3261 P40L23-P40L24: the Contact is the one configured, SIPS or not; without TLS (see uriDestination) this UA has no SIPS Contact to give.
  if (spec.contact !== undefined) headers.push(['Contact', formatAddress(spec.contact)]);
  // With a pre-existing route set the Request-URI and Route follow §12.2.1.1,
  // with the target as remote target.
  // @implements RFC3261 P35L42-P35L45
  let requestUri = spec.target;
  const routeSet = spec.routeSet ?? [];
  if (routeSet.length > 0) {
    if (routeSet[0].uri.params.has('lr')) {
      headers.push(['Route', routeSet.map(formatAddress).join(', ')]);
    } else {
      requestUri = { ...routeSet[0].uri, headers: [] };
      const target: Address = { uri: spec.target, params: new Map(), nameAddr: true };
      headers.push(['Route', [...routeSet.slice(1), target].map(formatAddress).join(', ')]);
    }
  }
  // @implements RFC3261 P35L24-P35L25
  const request = createRequest(spec.method, requestUri, headers);
  if (spec.body !== undefined) setBody(request, spec.body, spec.contentType ?? 'application/sdp');
  return request;
}

/**
 * The top Via every request this UA originates carries: SIP/2.0, the
 * transport, our sent-by and a fresh branch (the transport layer rewrites
 * sent-by and transport before sending, §18.1.1).
 */
// @implements RFC3261 P39L25-P39L28
export function viaValue(sentBy: HostPort, transport: TransportName = 'UDP'): string {
  return `SIP/2.0/${transport} ${formatHost(sentBy.host)}:${sentBy.port};branch=${newBranch()}`;
}

/** A request within a dialog: the dialog's fields (§12.2.1.1) plus the rest of §8.1.1. */
// @implements RFC3261 P75L17
export function createDialogRequest(
  dialog: Dialog,
  method: string,
  sentBy: HostPort,
  options: { seq?: number; body?: string | Uint8Array; contentType?: string; transport?: TransportName } = {},
): Request {
  const request = dialog.createRequest(method, options);
  request.headers.prepend('Via', viaValue(sentBy, options.transport));
  request.headers.append('Max-Forwards', String(MAX_FORWARDS));
  // Target refresh requests carry our Contact; so does the INVITE that starts one.
  // @implements RFC3261 P75L5-P75L8
  if (method === 'INVITE') request.headers.append('Contact', formatAddress(dialog.localContact));
  return request;
}

/**
 * A body and its type. Bodies are sent as given, never compressed or
 * otherwise encoded, so no Content-Encoding is added.
 */
// @implements RFC3261 P33L18-P33L20, P169L20-P169L22
// @exception RFC3261 P33L25-P33L28: this UA never sends multipart bodies; its only body is a single session description.
export function setBody(message: Request | Response, body: string | Uint8Array, contentType: string): void {
  // @implements RFC3261 P33L17-P33L18, P170L15-P170L16
  message.headers.set('Content-Type', contentType);
  message.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/**
 * §8.1.2: where the request goes — the first Route value, or the
 * Request-URI when there is none or the first hop is a strict router (the
 * Request-URI then holds it). The URI's maddr, port and transport parameter
 * give the address; its host is used as is.
 */
// @implements RFC3261 P41L22-P41L30
// @exception RFC3261 P41L22-P41L24: RFC 3263 DNS procedures (NAPTR/SRV) are not done; the host of the URI is handed to the operating system's resolver, the port defaults per §19.1.2.
export function nextHop(request: Request): Destination {
  const route = routes(request)[0];
  const uri = route !== undefined && route.uri.params.has('lr') ? route.uri : request.requestUri;
  return uriDestination(uri);
}

// @exception RFC3261 P36L9-P36L10, P41L31-P41L34, P41L37-P41L38: no TLS transport; a SIPS URI is routed like a SIP URI, over UDP or TCP.
export function uriDestination(uri: URI): Destination {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new Error(`cannot send a request to a ${uri.scheme}: URI (${formatUri(uri)}); only SIP and SIPS URIs are routable here`);
  const param = uri.params.get('transport');
  const transport: TransportName = typeof param === 'string' && param.toLowerCase() === 'tcp' ? 'TCP' : 'UDP';
  const maddr = uri.params.get('maddr');
  const host = typeof maddr === 'string' ? maddr : uri.host;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return { host: unescape(bare), port: uri.port ?? defaultPort(transport), transport };
}

/**
 * §13.2.2.4: the ACK for a 2xx — built like any request within the dialog,
 * but with the INVITE's CSeq number and the INVITE's credentials; and the
 * answer, when the 2xx carried the offer.
 */
export function buildAck2xx(dialog: Dialog, invite: Request, sentBy: HostPort, answer?: string): Request {
  // Built from the dialog, the ACK carries no Require or Proxy-Require of its
  // own: never a value the INVITE did not have. `answer`: the answer to an offer in the 2xx.
  // @implements RFC3261 P82L29-P82L35, P48L5-P48L6, P82L35-P82L37
  const ack = createDialogRequest(dialog, 'ACK', sentBy, { seq: cseq(invite).seq, ...(answer === undefined ? {} : { body: answer, contentType: 'application/sdp' }) });
  // Each credentials line copied as its own line, never combined into one.
  // @implements RFC3261 P82L35, P165L41-P165L44, P175L19-P175L22
  for (const name of ['Authorization', 'Proxy-Authorization']) {
    for (const line of invite.headers.lines(name)) ack.headers.append(name, line.value);
  }
  return ack;
}
