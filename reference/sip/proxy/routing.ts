// @implements RFC3261 (SIP)
/**
 * Route information preprocessing (§16.4): undo a strict router's rewrite,
 * strip a maddr that names this proxy, and pop this proxy's own Route value.
 * Works on the request in place, before targets are determined.
 */
import { formatAddress, type Address } from '../syntax/address.ts';
import { type Request, routes } from '../syntax/message.ts';
import type { URI } from '../syntax/uri.ts';
import type { TransportName } from '../transport/via.ts';
import { isMine, isMyRecordRoute, type ProxyIdentity } from './identity.ts';

export function preprocessRoute(request: Request, me: ProxyIdentity, receivedOver: TransportName): void {
  strictRouterRewrite(request, me);
  stripOwnMaddr(request, me, receivedOver);
  removeOwnRoute(request, me);
}

/**
 * The Request-URI is a value this proxy put into Record-Route: the previous
 * hop is a strict router. The last Route value becomes the Request-URI.
 */
// @implements RFC3261 P96L17-P96L23
export function strictRouterRewrite(request: Request, me: ProxyIdentity): void {
  if (!isMyRecordRoute(request.requestUri, me)) return;
  const values = routes(request);
  const last = values[values.length - 1];
  if (last === undefined) return;
  request.requestUri = last.uri;
  request.headers.remove('Route');
  for (const r of values.slice(0, -1)) request.headers.append('Route', formatRoute(r.uri, r));
}

/** A maddr naming this proxy, on the port and transport it arrived by, is stripped with port and transport. */
// @implements RFC3261 P96L37-P96L44
export function stripOwnMaddr(request: Request, me: ProxyIdentity, receivedOver: TransportName): void {
  const uri = request.requestUri;
  const maddr = uri.params.get('maddr');
  if (maddr === undefined || maddr === null) return;
  if (!isMine(uri, me)) return;
  const transport = (uri.params.get('transport') ?? 'udp').toUpperCase();
  if (transport !== receivedOver) return;
  const params = new Map(uri.params);
  params.delete('maddr');
  params.delete('transport');
  request.requestUri = { ...uri, params, ...(uri.port !== undefined && uri.port !== 5060 ? { port: undefined } : {}) };
  if (request.requestUri.port === undefined) delete request.requestUri.port;
}

/** The first Route value indicates this proxy: remove it. */
// @implements RFC3261 P97L6-P97L7
export function removeOwnRoute(request: Request, me: ProxyIdentity): void {
  const first = routes(request)[0];
  if (first === undefined || !isMine(first.uri, me)) return;
  request.headers.removeFirst('Route');
}

function formatRoute(uri: URI, a: Address): string {
  return formatAddress({ ...a, uri, nameAddr: true });
}
