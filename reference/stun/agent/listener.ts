/**
 * The server's sockets (RFC 8489 §6.3.1.2, §12): UDP and TCP on one address,
 * each message answered by server.ts, within limits that bound what one
 * client can hold: the datagram size, the number of TCP connections, their
 * idle time, and the size of a message on a connection.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import { FramingError, HEADER_LENGTH, StreamDeframer } from '../transaction/framing.ts';
import { answer, type Received, type ServerOptions } from './server.ts';

export interface Limits {
  /** Larger datagrams are dropped unread (a Binding request is tens of bytes). */
  maxDatagram: number;
  /** TCP connections open at once; one more is closed at once. */
  maxConnections: number;
  /** A TCP connection with nothing received for this long is closed, ms. */
  idleMs: number;
  /** The largest message taken on a TCP connection; a header announcing more closes it. */
  maxMessage: number;
}

// @exception RFC8489 P12L28-P12L30: the MTU rule is on what is sent, and what this server sends is a few dozen bytes; maxDatagram bounds what it takes
export const DEFAULT_LIMITS: Limits = { maxDatagram: 1500, maxConnections: 256, idleMs: 60_000, maxMessage: 1500 };

export interface ListenOptions extends ServerOptions {
  address: string;
  port: number;
  /** §12: a basic server MUST support both. */
  udp?: boolean;
  tcp?: boolean;
  limits?: Partial<Limits>;
  /** Each response sent, with what it answers (a log or a test's probe). */
  onAnswer?: (response: Uint8Array, to: Received) => void;
  /** Each message the server discards, and why (a log; the server itself never logs). */
  onDiscard?: (why: string, from: Received) => void;
}

export interface Counters {
  answered: number;
  discarded: number;
  refusedConnections: number;
  idleClosed: number;
}

export class StunServer {
  readonly limits: Limits;
  readonly counters: Counters = { answered: 0, discarded: 0, refusedConnections: 0, idleClosed: 0 };
  #udp?: Socket;
  #tcp?: Server;
  readonly #connections = new Set<TcpSocket>();

  private constructor(readonly options: ListenOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    for (const [k, v] of Object.entries(this.limits)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`limit ${k} must be a whole number >= 1, got ${v}`);
    }
    if (this.limits.maxMessage < HEADER_LENGTH) throw new RangeError(`limit maxMessage must be at least the ${HEADER_LENGTH}-byte header, got ${this.limits.maxMessage}`);
  }

  /** Starts listening; resolves once every socket is bound. The port is the same for UDP and TCP (port 0: UDP's ephemeral port, then TCP on it). */
  static async listen(options: ListenOptions): Promise<StunServer> {
    const server = new StunServer(options);
    // @implements RFC8489 P34L26-P34L27
    const udp = options.udp ?? true;
    const tcp = options.tcp ?? true;
    let port = options.port;
    try {
      if (udp) port = await server.#listenUdp(port);
      if (tcp) port = await server.#listenTcp(port);
    } catch (e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The bound address and port. */
  get address(): { address: string; port: number } {
    const a = (this.#udp?.address() ?? this.#tcp?.address()) as { address: string; port: number };
    return { address: a.address, port: a.port };
  }

  /** TCP connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  close(): Promise<void> {
    for (const c of this.#connections) c.destroy();
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = undefined;
    this.#tcp = undefined;
    return Promise.all([
      udp && new Promise<void>((r) => udp.close(() => r())),
      tcp && new Promise<void>((r) => tcp.close(() => r())),
    ]).then(() => undefined);
  }

  #handle(bytes: Uint8Array, received: Received, reply: (b: Uint8Array) => void): void {
    let a;
    try {
      a = answer(bytes, received, this.options);
    } catch (e) {
      // answer() never throws on bad input; one that does is a bug, and still no reason to stop serving.
      a = { discard: `internal error: ${(e as Error).message}` };
    }
    if ('discard' in a) {
      this.counters.discarded++;
      this.options.onDiscard?.(a.discard, received);
      return;
    }
    this.counters.answered++;
    this.options.onAnswer?.(a.respond, received);
    reply(a.respond);
  }

  #listenUdp(port: number): Promise<number> {
    const socket = createSocket({ type: isIPv6(this.options.address) ? 'udp6' : 'udp4' });
    this.#udp = socket;
    socket.on('message', (m, rinfo) => {
      const received: Received = { source: { address: rinfo.address, port: rinfo.port }, transport: 'udp' };
      if (m.length > this.limits.maxDatagram) {
        this.counters.discarded++;
        this.options.onDiscard?.(`a ${m.length}-byte datagram, over the ${this.limits.maxDatagram}-byte limit`, received);
        return;
      }
      // @implements RFC8489 P18L31-P18L36
      this.#handle(m, received, (r) => socket.send(r, rinfo.port, rinfo.address));
    });
    // A send to a client gone (ICMP) is that client's problem, not the server's.
    socket.on('error', () => {});
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.address, () => {
        socket.off('error', reject);
        resolve(socket.address().port);
      });
    });
  }

  #listenTcp(port: number): Promise<number> {
    const server = createServer((c) => this.#connection(c));
    this.#tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.address, () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  }

  #connection(c: TcpSocket): void {
    // @implements RFC8489 P15L22-P15L23
    if (this.#connections.size >= this.limits.maxConnections) {
      this.counters.refusedConnections++;
      c.destroy();
      return;
    }
    this.#connections.add(c);
    c.on('close', () => this.#connections.delete(c));
    c.on('error', () => {});
    // @implements RFC8489 P15L13-P15L16
    c.setTimeout(this.limits.idleMs, () => {
      this.counters.idleClosed++;
      c.destroy();
    });
    const deframer = new StreamDeframer(this.limits.maxMessage);
    const received: Received = { source: { address: c.remoteAddress!, port: c.remotePort! }, transport: 'tcp' };
    c.on('data', (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = deframer.push(chunk);
      } catch (e) {
        if (!(e instanceof FramingError)) throw e;
        // The stream cannot be cut into messages any more: nothing after this can be read.
        this.counters.discarded++;
        this.options.onDiscard?.(e.message, received);
        c.destroy();
        return;
      }
      // @implements RFC8489 P18L36-P18L38, P15L20-P15L22
      for (const m of messages) this.#handle(m, received, (r) => c.write(r));
    });
  }
}
