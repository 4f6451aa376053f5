// @implements RFC3261 (SIP)
/**
 * TCP for SIP: a listening socket on a configured address and port, and the
 * set of open connections — accepted or opened — shared by the client and
 * server sides of the transport (§18). A stream carries many messages; the
 * syntax layer's StreamFramer splits it using Content-Length (§18.3).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { StreamFramer } from '../syntax/framing.ts';
import { indexOfCrlfCrlf, parse } from '../syntax/parse.ts';
import type { Message } from '../syntax/message.ts';
import type { SipParseError } from '../syntax/error.ts';
import { plainAddress, type HostPort } from './via.ts';

export interface TcpHandlers {
  onMessage(message: Message, connection: TcpConnection): void;
  /**
   * A message that could not be parsed (`frame` holds its octets) or a stream
   * that could not be framed (`fatal`: the connection is closed).
   */
  onMalformed(error: SipParseError, connection: TcpConnection, fatal: boolean, frame?: Uint8Array): void;
}

export class TcpConnection {
  readonly framer = new StreamFramer();
  /** The octets the framer holds, kept here too so a frame that fails to parse can be answered. */
  unframed: Uint8Array = new Uint8Array(0);
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly socket: Socket,
    /** The far end: the connection's index in the transport (§18). */
    readonly remote: HostPort,
    private readonly idleTimeout: number,
  ) {
    this.touch();
  }

  get key(): string {
    return connectionKey(this.remote);
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get local(): HostPort {
    return { host: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  /**
   * Keep the connection for a while after the last message, so a transaction
   * completes on the connection it started on.
   */
  // @implements RFC3261 P142L1-P142L9
  touch(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.close(), this.idleTimeout);
  }

  send(bytes: Uint8Array): Promise<void> {
    this.touch();
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(new Error(`connection to ${this.key} is closed`));
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.socket.destroy();
  }
}

/** Connections are indexed by the far end's address, port (and transport: this map is TCP's). */
// @implements RFC3261 P141L33-P141L39
export const connectionKey = (remote: HostPort): string => `${plainAddress(remote.host)}|${remote.port}`;

export class TcpTransport {
  readonly connections = new Map<string, TcpConnection>();

  private constructor(
    private readonly server: Server,
    private readonly handlers: TcpHandlers,
    private readonly idleTimeout: number,
  ) {
    // @implements RFC3261 P141L37-P141L39
    server.on('connection', (socket) => {
      this.adopt(socket, { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
    });
  }

  static listen(local: HostPort, handlers: TcpHandlers, options: { idleTimeout: number }): Promise<TcpTransport> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(local.port, local.host, () => {
        server.off('error', reject);
        resolve(new TcpTransport(server, handlers, options.idleTimeout));
      });
    });
  }

  get local(): HostPort {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('the TCP transport is not listening');
    return { host: a.address, port: a.port };
  }

  /** The open connection to this far end, if there is one. */
  find(remote: HostPort): TcpConnection | undefined {
    const c = this.connections.get(connectionKey(remote));
    return c?.open ? c : undefined;
  }

  /**
   * A connection to `remote`: the open one if any, else a new one. The
   * promise rejects when the connection cannot be established.
   */
  // @implements RFC3261 P144L19-P144L22, P141L36-P141L37
  async connect(remote: HostPort): Promise<TcpConnection> {
    const existing = this.find(remote);
    if (existing !== undefined) return existing;
    const socket = connect({ host: remote.host, port: remote.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return this.adopt(socket, remote);
  }

  private adopt(socket: Socket, remote: HostPort): TcpConnection {
    const connection = new TcpConnection(socket, remote, this.idleTimeout);
    this.connections.set(connection.key, connection);
    socket.on('data', (chunk) => this.receive(connection, chunk));
    socket.on('error', () => connection.close());
    socket.on('close', () => {
      connection.close();
      if (this.connections.get(connection.key) === connection) this.connections.delete(connection.key);
    });
    return connection;
  }

  private receive(connection: TcpConnection, chunk: Uint8Array): void {
    connection.touch();
    connection.unframed = Buffer.concat([connection.unframed, chunk]);
    let messages: Message[];
    try {
      messages = connection.framer.push(chunk);
    } catch (error) {
      // The stream lost its framing (no Content-Length, or a bad one): it
      // cannot be resynchronised, so the connection is closed.
      // @implements RFC3261 P147L18-P147L20
      this.handlers.onMalformed(error as SipParseError, connection, true);
      connection.close();
      return;
    }
    // What the framer consumed is whole frames; it keeps the rest.
    const consumed = connection.unframed.subarray(0, connection.unframed.length - connection.framer.pending);
    connection.unframed = connection.unframed.subarray(consumed.length);
    if (connection.framer.errors.splice(0).length > 0) {
      // The framer reports the errors but not their frames: find them again
      // (see /work/notes-for-syntax.md; this goes when the framer returns them).
      for (const frame of framesOf(consumed)) {
        try {
          parse(frame, { transport: 'stream' });
        } catch (error) {
          this.handlers.onMalformed(error as SipParseError, connection, false, frame);
        }
      }
    }
    for (const message of messages) this.handlers.onMessage(message, connection);
  }

  /** Closes the listener and every connection. */
  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Splits octets the StreamFramer has already framed back into its frames:
 * CRLFs between messages skipped, then a header section up to the empty line
 * and Content-Length octets of body.
 */
// @implements RFC3261 P147L18-P147L20
function framesOf(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    while (start + 1 < bytes.length && bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
    const end = indexOfCrlfCrlf(bytes, start);
    if (end < 0) return frames;
    const head = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    const length = Number(/\r\n(?:content-length|l)[ \t]*:[ \t]*(?:\r\n[ \t]+)?(\d+)/i.exec(head)?.[1] ?? 0);
    frames.push(bytes.subarray(start, end + 4 + length));
    start = end + 4 + length;
  }
}
