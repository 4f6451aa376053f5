// @implements RFC3261 (SIP)
// @implements RFC3581 (rport)
/**
 * The SIP transport layer (RFC 3261 §18): UDP and TCP on one configured
 * address and port, the client side (send requests, accept responses) and the
 * server side (accept requests, send responses), with RFC 3581's rport.
 * Above it sits the transaction layer or a stateless core (TransportUser).
 */
import { parse } from '../syntax/parse.ts';
import { serializeBytes } from '../syntax/serialize.ts';
import { isRequest, type Message, type Request, type Response } from '../syntax/message.ts';
import { badRequestReason, rejectionStatus, SipParseError } from '../syntax/error.ts';
import { UdpTransport } from './udp.ts';
import { TcpTransport, type TcpConnection } from './tcp.ts';
import { transportLimits } from './connectionPolicy.ts';
import { ListenError } from './listenError.ts';
import type { MessageLimits } from '../syntax/limits.ts';
import type { Clock } from '../../clock.ts';
import { transportForSize } from './sizeRule.ts';
import { badRequestResponse, missingEssentials } from './badRequest.ts';
import { insertSentBy, requestRport, responseRoute, sentByIsOurs, stampReceived, type HostPort, type TransportName } from './via.ts';

export { ListenError } from './listenError.ts';

export interface TransportConfig {
  /** The address to listen on (UDP and TCP), e.g. '127.0.0.1' or '::'. */
  host: string;
  /** The port for both UDP and TCP; 0 picks a free one. Nothing assumes 5060. */
  port: number;
  /** The host written into Via sent-by (an FQDN is RECOMMENDED); defaults to `host`. */
  sentByHost?: string;
  /** The path MTU in bytes if known; unknown means the 1300-byte rule of §18.1.1. */
  pathMtu?: number;
  /**
   * How long a TCP connection with no message either way and no transaction
   * using it is kept, ms; default 64*T1 (32 s at the default T1).
   */
  idleTimeout?: number;
  /** T1 of the transactions above, ms (default 500, §17.1.1.1): the idle timeout defaults to 64*T1. */
  T1?: number;
  /** Longest time from the first octet of a message on TCP to its last (and for a new connection's first message), ms; default 10 s. */
  messageTimeout?: number;
  /** Most TCP connections open at once, accepted and opened alike; default 512. */
  maxConnections?: number;
  /** Most TCP connections accepted at once from one IP address; default 32. */
  maxConnectionsPerAddress?: number;
  /** Most octets of a header section, on UDP and TCP (513 over it); default 64 KiB. */
  maxHeaderBytes?: number;
  /** Most octets of a body, on UDP and TCP (513 over it); default 256 KiB. */
  maxBodyBytes?: number;
  /** Ask servers for rport (RFC 3581 §3) in the requests this transport sends; default true. */
  rport?: boolean;
  /** What TCP connection timers run on (the transaction layer's clock); default the event loop's. */
  clock?: Clock;
}

/** The limits a command line or an element may set (each has a default, see transport/README.md). */
export type TransportLimits = Pick<TransportConfig, 'idleTimeout' | 'messageTimeout' | 'maxConnections' | 'maxConnectionsPerAddress' | 'maxHeaderBytes' | 'maxBodyBytes'>;

/** Where to send a request: an address, port and transport. */
export interface Destination extends HostPort {
  transport: TransportName;
}

/** Where a received message came from; a server transaction keeps it to send its responses. */
export interface Origin {
  transport: TransportName;
  source: HostPort;
  /** The TCP connection it arrived on. */
  connection?: TcpConnection;
}

export interface TransportUser {
  receiveRequest(request: Request, origin: Origin): void;
  receiveResponse(response: Response, origin: Origin): void;
  /** A message the transport dropped, and why (for logs and tests). */
  dropped?(reason: string, origin: Origin): void;
}

export class TransportLayer {
  user: TransportUser;

  private constructor(
    private readonly config: TransportConfig,
    private readonly udp: UdpTransport,
    private readonly tcp: TcpTransport,
    user: TransportUser,
    /** The size limits, the same for datagrams and for messages on TCP. */
    private readonly messageLimits: MessageLimits,
  ) {
    this.user = user;
  }

  static async start(config: TransportConfig, user: TransportUser): Promise<TransportLayer> {
    // sent-by must name an address peers can reach; "any address" is not one.
    // @implements RFC3261 P143L31-P143L33
    if (config.sentByHost === undefined && (config.host === '0.0.0.0' || config.host === '::')) {
      throw new Error(`listening on ${config.host} (all interfaces): give sentByHost, the address or name peers reach this element at, for Via sent-by (RFC 3261 §18.1.1)`);
    }
    const holder: { layer?: TransportLayer } = {};
    const onDatagram = (bytes: Uint8Array, source: HostPort) => holder.layer?.receive(bytes, { transport: 'UDP', source });
    const handlers = {
      onMessage: (message: Message, connection: TcpConnection) =>
        holder.layer?.deliver(message, { transport: 'TCP', source: connection.remote, connection }),
      onMalformed: (error: SipParseError, connection: TcpConnection) => {
        const origin: Origin = { transport: 'TCP', source: connection.remote, connection };
        if (error.frame !== undefined) holder.layer?.rejectMalformed(error.frame, error, origin);
        else holder.layer?.user.dropped?.(`unframable stream on TCP, connection closed: ${error.message}`, origin);
      },
      onLimit: (why: string, remote: HostPort) => holder.layer?.user.dropped?.(why, { transport: 'TCP', source: remote }),
    };
    const limits = transportLimits(config);
    // UDP first (it may pick the port), then TCP on the very same address and port.
    // The TCP listener on the sent-by port is also where a server that lost
    // our connection opens a new one to send its response.
    // @implements RFC3261 P142L14, P145L16-P145L19, P143L42-P143L46
    // @exception RFC3261 P144L1-P144L3, P144L10-P144L12: server-side location of the client per RFC 3263 §5 (DNS) is out of scope; responses reach us on our sent-by or source address and port
    // @exception RFC3261 P145L5-P145L12: no DNS (RFC 3263): the server listens where it is configured to
    // @exception RFC3261 P145L12-P145L14: the port is the operator's choice (config.port); nothing defaults to 5060 so tests and several instances can share a host
    // @exception RFC3261 P142L14-P142L15: TLS and SCTP are not implemented, only the mandatory UDP and TCP
    // @exception RFC3581 P6L15-P6L17: no TLS transport here, so rport-bearing requests cannot be protected by it
    for (let attempt = 0; ; attempt++) {
      const udp = await UdpTransport.bind({ host: config.host, port: config.port }, onDatagram).catch((error: unknown) => {
        throw ListenError.of(error, { host: config.host, port: config.port }, 'udp');
      });
      const port = udp.local.port;
      try {
        const tcp = await TcpTransport.listen({ host: config.host, port }, handlers, limits);
        holder.layer = new TransportLayer(config, udp, tcp, user, limits.messageLimits);
        return holder.layer;
      } catch (error) {
        await udp.close();
        // An ephemeral UDP port may be taken for TCP; try another.
        if (config.port !== 0 || attempt >= 5) throw ListenError.of(error, { host: config.host, port }, 'tcp');
      }
    }
  }

  /** The address and port this transport writes into Via sent-by: the configured name (an FQDN is RECOMMENDED) and the listening port. */
  // @implements RFC3261 P143L31-P143L34
  get sentBy(): HostPort {
    return { host: this.config.sentByHost ?? this.config.host, port: this.udp.local.port };
  }

  get local(): { udp: HostPort; tcp: HostPort } {
    return { udp: this.udp.local, tcp: this.tcp.local };
  }

  /** TCP connections open or being opened now, accepted and opened alike (what maxConnections caps). */
  get tcpConnections(): number {
    return this.tcp.openConnections;
  }

  // ---- Client side (§18.1) ----

  /**
   * Decides how a request goes (size rule) and writes the top Via; returns the
   * destination with the transport actually used. The transaction layer calls
   * this once, before its first send, so its timers suit the real transport and
   * its retransmissions are byte-for-byte the same message.
   */
  prepareRequest(request: Request, destination: Destination): Destination {
    const sentBy = this.sentBy;
    // @implements RFC3261 P143L31-P143L33
    insertSentBy(request, destination.transport, sentBy);
    // @implements RFC3581 P3L22-P3L26
    if (this.config.rport !== false && destination.transport === 'UDP') requestRport(request);
    const size = serializeBytes(request).length;
    // @implements RFC3261 P142L32-P142L37
    const transport = transportForSize(destination.transport, size, this.config.pathMtu);
    if (transport !== destination.transport) insertSentBy(request, transport, sentBy);
    // @exception RFC3261 P143L5-P143L9: retrying over UDP when TCP is refused would change the transport under a running transaction (its timers were set for TCP); RFC 2543 peers without TCP are out of scope.
    return { ...destination, transport };
  }

  /**
   * Sends a prepared request; rejects on a transport failure (the transaction
   * then informs its TU). Over UDP it leaves from the one socket bound to the
   * sent-by port, so responses sent to the source address and port, or to the
   * sent-by, both arrive.
   */
  // @implements RFC3261 P147L34-P147L36, P144L5-P144L8, P144L24-P144L27
  // @implements RFC3581 P3L28-P3L34
  // @exception RFC3261 P147L27-P147L32: Node's unconnected UDP sockets do not report ICMP errors, so only local send failures reach the transport user (and source quench / TTL exceeded are ignored for the same reason)
  // @exception RFC3261 P143L14-P143L19, P144L14-P144L17: multicast is not supported (no group membership, no maddr/ttl on requests)
  async sendRequest(request: Request, destination: Destination): Promise<void> {
    const bytes = serializeBytes(request);
    if (destination.transport === 'UDP') return this.udp.send(bytes, destination);
    // @implements RFC3261 P144L19-P144L22
    const connection = await this.tcp.connect(destination);
    return connection.send(bytes);
  }

  // ---- Server side (§18.2) ----

  /** Sends a response where §18.2.2 (with RFC 3581 §4) says it goes. */
  async sendResponse(response: Response, origin: Origin): Promise<void> {
    const bytes = serializeBytes(response);
    const route = responseRoute(response);
    if (route.kind === 'connection') {
      // @implements RFC3261 P146L18-P146L23
      if (origin.connection?.writable) return origin.connection.send(bytes);
      // @implements RFC3261 P146L23-P146L27
      const connection = await this.tcp.connect(route.fallback);
      return connection.send(bytes);
    }
    // Out of the one UDP socket: the address and port the request came in on.
    // @implements RFC3581 P4L32-P4L33
    return this.udp.send(bytes, route.to, route.rule === 'maddr' ? route.ttl : undefined);
  }

  // ---- Receiving ----

  private receive(bytes: Uint8Array, origin: Origin): void {
    let message: Message;
    try {
      message = parse(bytes, { transport: 'datagram', limits: this.messageLimits });
    } catch (error) {
      this.rejectMalformed(bytes, error, origin);
      return;
    }
    this.deliver(message, origin, bytes);
  }

  private deliver(message: Message, origin: Origin, raw?: Uint8Array): void {
    if (isRequest(message)) {
      try {
        // @implements RFC3261 P145L25-P145L31
        stampReceived(message, origin.source);
      } catch (error) {
        if (raw !== undefined) this.rejectMalformed(raw, error, origin);
        else this.user.dropped?.(`request without a usable Via: ${(error as Error).message}`, origin);
        return;
      }
      // @implements RFC3261 P146L1-P146L6
      this.user.receiveRequest(message, origin);
      return;
    }
    // A response without the fields transactions match on cannot be handled
    // by anyone; a request lacking them is left to the TU, which validates
    // requests (§8.2, §16.3) and answers 400.
    const missing = missingEssentials(message);
    if (missing !== undefined) {
      this.user.dropped?.(`incomplete response dropped: ${missing}`, origin);
      return;
    }
    // @implements RFC3261 P144L31-P144L35
    if (!sentByIsOurs(message, [this.sentBy])) {
      this.user.dropped?.('response whose top Via sent-by is not ours', origin);
      return;
    }
    // @implements RFC3261 P144L37-P144L42
    this.user.receiveResponse(message, origin);
  }

  /**
   * A message that did not parse: a request (other than ACK) gets a 400 (or
   * the 505 or 513 its fault calls for) whose reason phrase says what was wrong; anything else is dropped. The 400 goes
   * back to the packet's source: the Via it would be routed by may be the very
   * field that is malformed.
   */
  // @implements RFC3261 P147L11-P147L14
  private rejectMalformed(raw: Uint8Array, error: unknown, origin: Origin): void {
    const response = badRequestResponse(raw, error);
    const reason = error instanceof SipParseError ? badRequestReason(error) : String(error);
    const status = rejectionStatus(error);
    if (response === undefined) {
      this.user.dropped?.(`malformed message dropped: ${reason}`, origin);
      return;
    }
    this.user.dropped?.(`malformed request answered with ${status}: ${reason}`, origin);
    const sent = origin.connection !== undefined ? origin.connection.send(response) : this.udp.send(response, origin.source);
    sent.catch(() => {});
  }

  /** Closes the UDP socket, the TCP listener and every TCP connection. */
  async close(): Promise<void> {
    await Promise.all([this.udp.close(), this.tcp.close()]);
  }
}
