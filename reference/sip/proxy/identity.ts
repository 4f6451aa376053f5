/**
 * How a proxy recognizes itself in URIs: the hosts and port it listens on,
 * and the Record-Route URI it inserts, made distinct by an instance
 * identifier in the user part so it can be told apart from a Request-URI that
 * merely addresses the proxy's host.
 */
import { type URI, sipUri } from '../syntax/uri.ts';
import { formatHost, unbracket } from '../transport/via.ts';

export interface ProxyIdentity {
  /** Host names and addresses this proxy answers to (lowercase). */
  hosts: readonly string[];
  port: number;
  /** Identifies this proxy instance in its Record-Route URIs. */
  instance: string;
}

/** Does the URI designate this proxy (host and port)? */
export function isMine(uri: URI, me: ProxyIdentity): boolean {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return false;
  const host = unbracket(uri.params.get('maddr') ?? uri.host).toLowerCase();
  return me.hosts.includes(host) && (uri.port ?? 5060) === me.port;
}

/**
 * The URI this proxy places in Record-Route (a SIP URI with lr): its own
 * listening address, so later requests reach it, and no transport parameter.
 */
// @implements RFC3261 P101L35-P101L37, P113L21-P113L23, P101L38-P101L42, P102L1-P102L4
// @exception RFC3261 P102L4-P102L10: no TLS transport, so no SIPS Record-Route is ever needed.
export function recordRouteUri(me: ProxyIdentity): URI {
  const host = me.hosts[0] ?? '127.0.0.1';
  return sipUri({ user: `rr.${me.instance}`, host: formatHost(host), port: me.port, params: { lr: null } });
}

/** Is this a value this proxy placed in a Record-Route header field? */
export function isMyRecordRoute(uri: URI, me: ProxyIdentity): boolean {
  return isMine(uri, me) && uri.user === `rr.${me.instance}`;
}
