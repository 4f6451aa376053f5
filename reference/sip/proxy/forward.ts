// @implements RFC3261 (SIP)
/**
 * Request forwarding (§16.6): the copy of the received request made for one
 * target, steps 1 to 9, and the next hop it goes to (step 7). Steps 10 and 11
 * (the client transaction and Timer C) belong to the proxy core (proxy.ts).
 */
import { maxForwards, routes, type Request } from '../syntax/message.ts';
import { formatUri, type URI } from '../syntax/uri.ts';
import { Via, formatVia } from '../syntax/via.ts';
import type { Destination } from '../transport/layer.ts';
import { unbracket, type TransportName } from '../transport/via.ts';

export interface ForwardOptions {
  /** Insert this URI into Record-Route (step 4), or not at all. */
  recordRoute?: URI;
  /** The branch for the new Via (step 8), computed by loop.ts from the received request. */
  branch: string;
  /** The transport the next hop is reached by (the layer writes the sent-by). */
  transport?: TransportName;
}

/** One forwarded copy and where it goes. */
export interface ForwardedCopy {
  request: Request;
  destination: Destination;
}

/** Steps 1-9 for one target: the request to hand to a new client transaction, and its next hop. */
export function forwardedRequest(received: Request, target: URI, options: ForwardOptions): ForwardedCopy {
  // 1. Copy: every header field, in the received order; the body as is.
  // @implements RFC3261 P100L13-P100L20
  const copy: Request = { ...received, headers: received.headers.clone(), body: received.body };

  // 2. Request-URI: the target, without components a Request-URI may not carry.
  // @implements RFC3261 P100L28-P100L30, P152L11, P152L17
  copy.requestUri = requestUriFor(target);

  // 3. Max-Forwards: decrement, or add 70.
  // @implements RFC3261 P100L41-P100L45
  const mf = maxForwards(received);
  if (mf === undefined) copy.headers.append('Max-Forwards', '70');
  else copy.headers.set('Max-Forwards', String(mf - 1));

  // 4. Record-Route, before any existing value, when this proxy wants to stay on the path.
  // @implements RFC3261 P101L3-P101L7, P101L24-P101L25
  if (options.recordRoute !== undefined) {
    copy.headers.prepend('Record-Route', `<${formatUri(options.recordRoute)}>`);
  }

  // 5. No additional header fields.
  // 6. Postprocess routing information: a strict router as next hop.
  const strict = postprocessRouting(copy);

  // 7. The next hop, from the Request-URI when step 6 reformatted the request for a strict router.
  const destination = nextHop(copy, strict);

  // 8. Via, with a branch unique to this branch and carrying the loop-detection part.
  // @implements RFC3261 P105L16-P105L18
  // The transport layer writes the real sent-by (§18.1.1); 0.0.0.0 is a placeholder.
  const via = new Via('SIP', '2.0', options.transport ?? 'UDP', '0.0.0.0', undefined);
  via.branch = options.branch;
  copy.headers.prepend('Via', formatVia(via));

  // 9. Content-Length: serialize() always writes the correct one, for every transport.
  // @implements RFC3261 P106L22-P106L25
  return { request: copy, destination };
}

/** The target URI as a Request-URI: the method parameter and headers are not allowed there. */
export function requestUriFor(target: URI): URI {
  const params = new Map(target.params);
  params.delete('method');
  return { ...target, params, headers: [] };
}

/**
 * Step 6: if the first Route value has no lr parameter the next hop is a
 * strict router: the Request-URI goes to the end of Route and the first
 * Route value becomes the Request-URI.
 */
// @implements RFC3261 P103L45-P103L48, P104L1-P104L6
export function postprocessRouting(copy: Request): boolean {
  // @exception RFC3261 P103L21-P103L30: no local policy pushes extra proxies into Route.
  const first = routes(copy)[0];
  if (first === undefined || first.uri.params.has('lr')) return false;
  copy.headers.append('Route', `<${formatUri(copy.requestUri)}>`);
  copy.headers.removeFirst('Route');
  copy.requestUri = first.uri;
  return true;
}

/**
 * Step 7: the URI the next hop is computed from (the Request-URI after a
 * strict-router rewrite, else the first Route value, else the Request-URI),
 * turned into an address, port and transport.
 */
// @implements RFC3261 P104L27-P104L35
export function nextHop(copy: Request, strictRewrite = false): Destination {
  const first = routes(copy)[0];
  const uri = !strictRewrite && first !== undefined ? first.uri : copy.requestUri;
  return destinationOf(uri);
}

/**
 * A URI to an address, port and transport: maddr or host, the explicit port
 * or 5060, the transport parameter or UDP.
 */
// @exception RFC3261 P104L41-P104L47: one tuple per target; without RFC 3263 there is no ordered set of tuples to fall back on (a failure is a 408/503 for that target).
// @exception RFC3261 P104L34-P104L35: RFC 3263 NAPTR/SRV lookups are not done; a host name is resolved by the operating system (A/AAAA) and only its first address is tried.
export function destinationOf(uri: URI): Destination {
  const maddr = uri.params.get('maddr');
  const host = unbracket(typeof maddr === 'string' ? maddr : uri.host);
  const transport = (uri.params.get('transport') ?? 'udp').toUpperCase() === 'TCP' ? 'TCP' : 'UDP';
  return { host, port: uri.port ?? 5060, transport };
}
