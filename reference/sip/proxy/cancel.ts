// @implements RFC3261 (SIP)
/**
 * The CANCEL for a forwarded request (§9.1), as a proxy generates it for a
 * pending client transaction (§16.7 step 10, §16.10).
 */
import { createRequest, cseq, type Request } from '../syntax/message.ts';

// @implements RFC3261 P54L1-P54L11, P54L13-P54L14, P54L19-P54L20
export function buildCancel(request: Request): Request {
  const headers: [string, string][] = [];
  const topVia = request.headers.lines('Via')[0];
  if (topVia === undefined) throw new Error('the request to cancel has no Via (RFC 3261 §9.1)');
  // One Via: the top Via of the request being cancelled (same branch).
  const via = request.headers.get('Via') as string;
  headers.push(['Via', via]);
  for (const name of ['From', 'To', 'Call-ID']) {
    const v = request.headers.get(name);
    if (v !== undefined) headers.push([name, v]);
  }
  headers.push(['CSeq', `${cseq(request).seq} CANCEL`]);
  for (const f of request.headers.lines('Route')) headers.push(['Route', f.value]);
  headers.push(['Max-Forwards', '70']);
  return createRequest('CANCEL', request.requestUri, headers);
}
