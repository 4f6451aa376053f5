// @implements RFC3261 (SIP)
// @implements RFC3581 (rport)
/**
 * The Via rules of the transport layer: what a client writes into the top Via
 * before sending (§18.1.1), which responses a client accepts (§18.1.2), what a
 * server notes about where a request came from (§18.2.1, RFC 3581 §4), and
 * where a server sends a response (§18.2.2 with RFC 3581's extra step).
 */
import { isIP } from 'node:net';
import type { Message, Response } from '../syntax/message.ts';
import { topVia } from '../syntax/message.ts';
import { formatVia, type Via } from '../syntax/via.ts';

export type TransportName = 'UDP' | 'TCP';

/** A transport address: an IP address (no brackets) and a port. */
export interface HostPort {
  host: string;
  port: number;
}

/** Reliable transports carry their own retransmission and ordering. */
export const isReliable = (transport: string): boolean => transport.toUpperCase() !== 'UDP';

// @implements RFC3261 P143L35-P143L37
export function defaultPort(transport: string): number {
  return transport.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/** Replaces the top Via value of a message, leaving the others as they are. */
export function setTopVia(message: Message, via: Via): void {
  message.headers.removeFirst('Via');
  message.headers.prepend('Via', formatVia(via));
}

function requireTopVia(message: Message): Via {
  const via = topVia(message);
  if (via === undefined) throw new Error('the message has no Via header field (RFC 3261 §8.1.1.7 requires one)');
  return via;
}

/**
 * Client side, before sending: write the transport actually used and this
 * transport's sent-by into the top Via. The TU supplied the Via with its branch
 * (§8.1.1.7); the host, port and transport are the transport layer's to set.
 */
export function insertSentBy(request: Message, transport: TransportName, sentBy: HostPort): void {
  const via = requireTopVia(request);
  // @implements RFC3261 P142L32-P142L37
  via.transport = transport;
  // @implements RFC3261 P143L31-P143L35
  via.host = formatHost(sentBy.host);
  via.port = sentBy.port;
  setTopVia(request, via);
}

/** Client side: ask the server for symmetric response routing, a valueless rport in the top Via. */
// @implements RFC3581 P3L22-P3L26
export function requestRport(request: Message): void {
  const via = requireTopVia(request);
  if (via.rport !== undefined) return;
  via.rport = true;
  setTopVia(request, via);
}

/**
 * Client side, on receipt: a response whose top Via sent-by is not one this
 * transport inserts was not for us.
 */
// @implements RFC3261 P144L31-P144L35
export function sentByIsOurs(response: Response, ours: readonly HostPort[]): boolean {
  const via = topVia(response);
  if (via === undefined) return false;
  const host = unbracket(via.host).toLowerCase();
  const port = via.port ?? defaultPort(via.transport);
  return ours.some((o) => unbracket(o.host).toLowerCase() === host && o.port === port);
}

/**
 * Server side, on receipt of a request from `source`: add `received` (and fill
 * `rport` when the client asked for it) to the top Via.
 */
export function stampReceived(request: Message, source: HostPort): void {
  const via = requireTopVia(request);
  const sourceAddress = plainAddress(source.host);
  const sentByHost = unbracket(via.host);
  // @implements RFC3581 P4L15-P4L19
  const rportRequested = via.rport === true;
  if (rportRequested) via.rport = source.port;
  // @implements RFC3261 P145L25-P145L31
  const hostIsName = isIP(sentByHost) === 0;
  const differs = hostIsName || plainAddress(sentByHost) !== sourceAddress;
  // @implements RFC3581 P4L20-P4L24
  if (differs || rportRequested) via.received = sourceAddress;
  setTopVia(request, via);
}

/** Where §18.2.2 says a response goes. */
export type ResponseRoute =
  /** Reliable: the connection the request came on; if it has closed, a new one to `fallback`. */
  | { kind: 'connection'; fallback: HostPort }
  /** Unreliable: a datagram to this address. `rule` names the bullet that chose it. */
  | { kind: 'datagram'; to: HostPort; ttl?: number; rule: 'maddr' | 'rport' | 'received' | 'sent-by' };

export function responseRoute(response: Response): ResponseRoute {
  const via = requireTopVia(response);
  const sentByPort = via.port ?? defaultPort(via.transport);
  // @implements RFC3261 P146L14-P146L16
  if (isReliable(via.transport)) {
    // @implements RFC3261 P146L18-P146L27
    return { kind: 'connection', fallback: { host: via.received ?? unbracket(via.host), port: sentByPort } };
  }
  if (via.maddr !== undefined) {
    // @implements RFC3261 P146L32-P146L37
    return { kind: 'datagram', to: { host: unbracket(via.maddr), port: sentByPort }, ttl: via.ttl ?? 1, rule: 'maddr' };
  }
  const rport = via.rport;
  // @implements RFC3581 P4L26-P4L32, P4L34-P4L35
  if (via.received !== undefined && typeof rport === 'number') {
    return { kind: 'datagram', to: { host: via.received, port: rport }, rule: 'rport' };
  }
  // @implements RFC3261 P146L39-P146L43
  if (via.received !== undefined) {
    return { kind: 'datagram', to: { host: via.received, port: sentByPort }, rule: 'received' };
  }
  // Name resolution (RFC 3263 §5) is out of scope: a sent-by that is a domain
  // name is resolved by the operating system when the datagram is sent.
  // @implements RFC3261 P147L1-P147L3
  return { kind: 'datagram', to: { host: unbracket(via.host), port: sentByPort }, rule: 'sent-by' };
}

/** An IPv6 reference in a Via keeps its brackets; sockets want the bare address. */
export const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** sent-by writes an IPv6 address as a reference, in brackets. */
export const formatHost = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);

/** A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; compare the IPv4 form. */
export function plainAddress(address: string): string {
  const bare = unbracket(address);
  return bare.toLowerCase().startsWith('::ffff:') && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare.toLowerCase();
}
