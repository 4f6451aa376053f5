/**
 * Sockets as `StunTransport`s (plumbing): a UDP socket talking to one server,
 * and a TCP connection cut into messages by `StreamDeframer`. Loopback or
 * any address the caller gives; nothing here picks an address.
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect, isIPv6, type Socket as TcpSocket } from 'node:net';
import { StreamDeframer } from './framing.ts';
import type { StunTransport, TransportReceiver } from './request.ts';

export interface Endpoint {
  address: string;
  port: number;
}

class Receivers {
  #all = new Set<TransportReceiver>();
  add(r: TransportReceiver): () => void {
    this.#all.add(r);
    return () => this.#all.delete(r);
  }
  message(m: Uint8Array): void {
    for (const r of [...this.#all]) r.message(m);
  }
  error(e: Error, kind: 'icmpError' | 'transportError'): void {
    for (const r of [...this.#all]) r.error(e, kind);
  }
}

/** A UDP socket bound to `local` (default: an ephemeral port on the server's loopback family) and aimed at `server`. */
export class UdpClientTransport implements StunTransport {
  readonly reliable = false;
  readonly #receivers = new Receivers();
  private constructor(
    readonly socket: Socket,
    readonly server: Endpoint,
  ) {
    socket.on('message', (m, from) => {
      // Only the server's datagrams: anything else is not this transport's.
      if (from.address === server.address && from.port === server.port) this.#receivers.message(m);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.#receivers.error(e, e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'icmpError' : 'transportError'));
  }

  get remoteAddress(): string {
    return this.server.address;
  }

  /** The local address and port requests go out from. */
  get local(): Endpoint {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  static async open(server: Endpoint, local?: Partial<Endpoint>): Promise<UdpClientTransport> {
    const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: local?.address ?? (isIPv6(server.address) ? '::1' : '127.0.0.1'), port: local?.port ?? 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // Connected, so an ICMP port unreachable comes back as ECONNREFUSED (§6.2.1's hard ICMP error).
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(server.port, server.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpClientTransport(socket, server);
  }

  send(message: Uint8Array): void {
    this.socket.send(message, (e) => {
      if (e) this.#receivers.error(e, (e as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'icmpError' : 'transportError');
    });
  }

  subscribe(receiver: TransportReceiver): () => void {
    return this.#receivers.add(receiver);
  }

  close(): void {
    this.socket.close();
  }
}

// @exception RFC8489 P15L27-P15L44, P15L46-P16L7: no TLS or DTLS transport in this reference (UDP and TCP only)
/** A TCP connection to `server`, STUN alone on it (§6.2.2: no framing protocol). */
export class TcpClientTransport implements StunTransport {
  readonly reliable = true;
  readonly #receivers = new Receivers();
  readonly #deframer = new StreamDeframer();
  private constructor(
    readonly socket: TcpSocket,
    readonly server: Endpoint,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = this.#deframer.push(chunk);
      } catch (e) {
        this.#receivers.error(e as Error, 'transportError');
        socket.destroy();
        return;
      }
      for (const m of messages) this.#receivers.message(m);
    });
    socket.on('error', (e) => this.#receivers.error(e, 'transportError'));
    // @implements RFC8489 P14L31-P14L34
    socket.on('close', () => this.#receivers.error(new Error(`the TCP connection to ${server.address}:${server.port} closed`), 'transportError'));
  }

  get remoteAddress(): string {
    return this.server.address;
  }

  get local(): Endpoint {
    return { address: this.socket.localAddress!, port: this.socket.localPort! };
  }

  static open(server: Endpoint, timeoutMs = 39_500): Promise<TcpClientTransport> {
    return new Promise((resolve, reject) => {
      // @implements RFC8489 P14L3-P14L4
      const socket = connect({ host: server.address, port: server.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${server.address}:${server.port} after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${server.address}:${server.port} over TCP: ${e.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new TcpClientTransport(socket, server));
      });
    });
  }

  send(message: Uint8Array): void {
    if (this.socket.destroyed) throw new Error(`the TCP connection to ${this.server.address}:${this.server.port} is closed`);
    this.socket.write(message);
  }

  subscribe(receiver: TransportReceiver): () => void {
    return this.#receivers.add(receiver);
  }

  close(): void {
    this.socket.end();
  }
}
