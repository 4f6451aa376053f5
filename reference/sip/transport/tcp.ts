// @implements RFC3261 (SIP)
/**
 * TCP for SIP: a listening socket on a configured address and port, and the
 * set of open connections — accepted or opened — shared by the client and
 * server sides of the transport (§18). A stream carries many messages; the
 * syntax layer's StreamFramer splits it using Content-Length (§18.3).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { StreamFramer } from '../syntax/framing.ts';
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
    // Framed messages that did not parse: the stream stays in step, each is answered on its own.
    for (const error of connection.framer.errors.splice(0)) this.handlers.onMalformed(error, connection, false, error.frame);
    for (const message of messages) this.handlers.onMessage(message, connection);
  }

  /** Closes the listener and every connection. */
  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
