// @implements RFC3261 (SIP)
/**
 * The CANCEL a client builds for a pending INVITE (§9.1). It is sent in its
 * own non-INVITE client transaction; when to send it is decided by
 * TransactionLayer.cancel (layer.ts).
 */
import { Headers } from '../syntax/headers.ts';
import { cseq, SIP_VERSION, type Request } from '../syntax/message.ts';

export function buildCancel(original: Request): Request {
  // @implements RFC3261 P53L41-P53L42
  if (original.method !== 'INVITE') throw new Error(`a CANCEL should only cancel an INVITE, not ${original.method} (RFC 3261 §9.1)`);
  const headers = new Headers();
  // @implements RFC3261 P54L4-P54L6
  const topVia = original.headers.get('Via');
  if (topVia === undefined) throw new Error('the request being cancelled has no Via');
  headers.append('Via', topVia);
  // @implements RFC3261 P54L13-P54L14
  for (const route of original.headers.lines('Route')) headers.append('Route', route.value);
  // @implements RFC3261 P54L1-P54L4
  for (const name of ['From', 'To', 'Call-ID']) {
    const value = original.headers.get(name);
    if (value === undefined) throw new Error(`the request being cancelled has no ${name}`);
    headers.append(name, value);
  }
  // @implements RFC3261 P54L9-P54L11
  headers.append('CSeq', `${cseq(original).seq} CANCEL`);
  headers.append('Max-Forwards', original.headers.get('Max-Forwards') ?? '70');
  // Require and Proxy-Require are simply never copied.
  // @implements RFC3261 P54L19-P54L20
  headers.append('Content-Length', '0');
  return {
    type: 'request',
    method: 'CANCEL',
    // @implements RFC3261 P54L1-P54L4
    requestUri: original.requestUri,
    version: SIP_VERSION,
    headers,
    body: new Uint8Array(0),
  };
}
