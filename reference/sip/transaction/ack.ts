// @implements RFC3261 (SIP)
/**
 * The ACK an INVITE client transaction sends for a non-2xx final response
 * (§17.1.1.3). The ACK for a 2xx is the UA core's business (§13.2.2.4).
 */
import { Headers } from '../syntax/headers.ts';
import { cseq, SIP_VERSION, type Request, type Response } from '../syntax/message.ts';

export function buildAck(original: Request, response: Response): Request {
  if (original.method !== 'INVITE') throw new Error(`an ACK acknowledges a response to INVITE, not to ${original.method}`);
  // @implements RFC3261 P129L23-P129L25
  if (response.status < 300) throw new Error(`the transaction ACKs only 300-699 responses; a ${response.status} is ACKed by the UA core (RFC 3261 §13.2.2.4)`);
  const headers = new Headers();
  // @implements RFC3261 P129L34-P129L36
  const topVia = original.headers.get('Via');
  if (topVia === undefined) throw new Error('the original request has no Via');
  headers.append('Via', topVia);
  // @implements RFC3261 P130L1-P130L4
  for (const route of original.headers.lines('Route')) headers.append('Route', route.value);
  // @implements RFC3261 P129L27-P129L30
  copy(original.headers, headers, 'From');
  copy(original.headers, headers, 'Call-ID');
  // @implements RFC3261 P129L30-P129L34
  copy(response.headers, headers, 'To');
  // @implements RFC3261 P129L36-P129L38
  headers.append('CSeq', `${cseq(original).seq} ACK`);
  // Every request carries Max-Forwards (§8.1.1.6); the example ACK keeps the INVITE's.
  const maxForwards = original.headers.get('Max-Forwards');
  headers.append('Max-Forwards', maxForwards ?? '70');
  // No body: bodies in an ACK for a non-2xx are NOT RECOMMENDED.
  // @implements RFC3261 P130L6-P130L8
  // @exception RFC3261 P130L8-P130L12: the ACK never carries a body, so the body-type rules (INVITE types, Accept of a 415) never apply
  headers.append('Content-Length', '0');
  return {
    type: 'request',
    method: 'ACK',
    // @implements RFC3261 P129L27-P129L30
    requestUri: original.requestUri,
    version: SIP_VERSION,
    headers,
    body: new Uint8Array(0),
  };
}

function copy(source: Headers, target: Headers, name: string): void {
  const value = source.get(name);
  if (value === undefined) throw new Error(`the message has no ${name} header field to copy into the ACK`);
  target.append(name, value);
}
