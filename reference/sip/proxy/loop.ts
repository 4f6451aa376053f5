// @implements RFC3261 (SIP)
// @implements RFC5393 (loop detection)
/**
 * The branch a proxy puts in its Via (§16.6 step 8 as RFC 5393 §4.2.1 restates
 * it) and the loop check that reads it back (§16.3 step 4 as RFC 5393 §4.2.2
 * restates it). The branch has two parts separated by a dot: a unique part
 * starting with the magic cookie, and a hash of what decides where this proxy
 * sends the request. A request that comes back with the same hash has looped;
 * with a different one it is spiralling.
 */
import { createHash, randomBytes } from 'node:crypto';
import { tagOf } from '../syntax/address.ts';
import { callId, cseq, from, to, vias, type Request } from '../syntax/message.ts';
import { formatUri } from '../syntax/uri.ts';
import { MAGIC_COOKIE } from '../syntax/via.ts';
import type { HostPort } from '../transport/via.ts';
import { unbracket } from '../transport/via.ts';

/**
 * The second part: an MD5 in hexadecimal over the received Request-URI, the
 * Route values, To and From tags, Call-ID, CSeq number, Proxy-Require and
 * Proxy-Authorization. Not the method (a CANCEL or non-2xx ACK must get the
 * same branch as its INVITE), not the top Via (a looped request comes back
 * with a different one).
 */
// @implements RFC5393 P8L27-P8L35, P8L37-P8L41
// @implements RFC3261 P105L41-P106L3, P106L5-P106L11, P106L13-P106L18
export function loopHash(request: Request): string {
  const parts = [
    formatUri(request.requestUri),
    ...request.headers.lines('Route').map((f) => f.value),
    tagOf(to(request)) ?? '',
    tagOf(from(request)) ?? '',
    callId(request),
    String(cseq(request).seq),
    ...request.headers.lines('Proxy-Require').map((f) => f.value),
    ...request.headers.lines('Proxy-Authorization').map((f) => f.value),
  ];
  return createHash('md5').update(parts.join('\n')).digest('hex');
}

/** A branch for one forwarded copy: cookie + unique part + "." + loop hash. */
// @implements RFC5393 P8L3-P8L8, P8L12-P8L15, P8L23-P8L25
// @implements RFC3261 P105L16-P105L23, P105L25-P105L31
export function proxyBranch(received: Request): string {
  return `${MAGIC_COOKIE}${randomBytes(8).toString('hex')}.${loopHash(received)}`;
}

/** The loop-detection part of a branch this proxy wrote, if it has one. */
export function secondPart(branch: string | undefined): string | undefined {
  if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) return undefined;
  const dot = branch.lastIndexOf('.');
  return dot < 0 ? undefined : branch.slice(dot + 1);
}

/**
 * Has this request looped? Every Via whose sent-by is ours is inspected; one
 * whose second part equals this request's hash means it has.
 */
// @implements RFC5393 P9L3-P9L15
// @implements RFC3261 P95L26-P95L37
export function hasLooped(request: Request, ours: HostPort): boolean {
  const hash = loopHash(request);
  for (const via of vias(request)) {
    const sameSentBy = unbracket(via.host).toLowerCase() === ours.host.toLowerCase() && (via.port ?? 5060) === ours.port;
    if (!sameSentBy) continue;
    if (secondPart(via.branch) === hash) return true;
  }
  return false;
}
