// @implements RFC3261 (SIP)
/**
 * TCP for SIP: a listening socket on a configured address and port, and the
 * set of open connections — accepted or opened — shared by the client and
 * server sides of the transport (§18). A stream carries many messages; the
 * syntax layer's StreamFramer splits it using Content-Length (§18.3).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { StreamFramer } from '../syntax/framing.ts';
import type { MessageLimits } from '../syntax/limits.ts';
import type { Message } from '../syntax/message.ts';
import type { SipParseError } from '../syntax/error.ts';
import { plainAddress, type HostPort } from './via.ts';

export interface TcpHandlers {
  onMessage(message: Message, connection: TcpConnection): void;
  /**
   * A message that could not be parsed (`frame` holds its octets) or a stream
   * that could not be framed (`fatal`: the connection is closed once the
   * answer, if any, is sent; `frame` then holds the header section if known).
   */
  onMalformed(error: SipParseError, connection: TcpConnection, fatal: boolean, frame?: Uint8Array): void;
  /** A connection closed or refused by a limit; `why` names the limit and its value. */
  onLimit(why: string, remote: HostPort): void;
}

/** How long connections live, and how many there may be. */
export interface ConnectionLimits {
  /** A connection with no message sent or received for this long is closed, ms. */
  idleTimeout: number;
  /** From the first octet of a message to its last, at most this long, ms. */
  messageTimeout: number;
  /** Most connections accepted at once; one more is closed at once. */
  maxConnections: number;
}

/**
 * 64*T1 = 32 s idle (§18: at least the life of a transaction); 10 s for one
 * message (320 KiB, the largest the default size limits let through, takes
 * a quarter of a second even at 10 Mbit/s); 512 accepted connections (under
 * the usual limit of 1024 open files, with room for everything else).
 */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = { idleTimeout: 32_000, messageTimeout: 10_000, maxConnections: 512 };

/** How long a connection closed after an answer keeps reading (and dropping) what still arrives, ms. */
const LINGER = 1000;

export class TcpConnection {
  readonly framer: StreamFramer;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Closing after an answer: nothing more is read into the framer. */
  closing = false;

  constructor(
    readonly socket: Socket,
    /** The far end: the connection's index in the transport (§18). */
    readonly remote: HostPort,
    private readonly limits: ConnectionLimits,
    messageLimits: Partial<MessageLimits>,
    private readonly onLimit: (why: string) => void,
  ) {
    this.framer = new StreamFramer(messageLimits);
    this.touch();
  }

  get key(): string {
    return connectionKey(this.remote);
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable && !this.closing;
  }

  get local(): HostPort {
    return { host: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  /**
   * Keep the connection for a while after the last message, so a transaction
   * completes on the connection it started on. Only whole messages count:
   * octets of an unfinished one are under the message deadline instead, and
   * CRLFs between messages count for nothing, so a trickle extends neither.
   */
  // @implements RFC3261 P142L1-P142L9
  touch(): void {
    if (this.closing) return;
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#expire(`idle for idleTimeout (${this.limits.idleTimeout} ms)`), this.limits.idleTimeout);
  }

  /**
   * After octets arrived: a message begun and not finished runs against the
   * message deadline (started by its first octet, never moved), with the
   * idle timer stopped; none pending, the deadline is off.
   */
  received(messages: number): void {
    if (messages > 0) {
      if (this.#deadline !== undefined) clearTimeout(this.#deadline);
      this.#deadline = undefined;
      this.touch();
    }
    if (this.framer.pending === 0) {
      if (this.#deadline !== undefined) clearTimeout(this.#deadline);
      this.#deadline = undefined;
      return;
    }
    if (this.#deadline !== undefined) return;
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#deadline = setTimeout(
      () => this.#expire(`a message took longer than messageTimeout (${this.limits.messageTimeout} ms) to arrive`),
      this.limits.messageTimeout,
    );
  }

  #expire(why: string): void {
    this.onLimit(`TCP connection from ${this.key} closed: ${why}`);
    this.close();
  }

  send(bytes: Uint8Array): Promise<void> {
    this.touch();
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed || !this.socket.writable) return reject(new Error(`connection to ${this.key} is closed`));
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Closes once what was written (an answer) has gone out. What still
   * arrives is read and dropped for a moment: unread octets would make the
   * operating system reset the connection, and the answer could be lost.
   */
  closeAfterWrites(): void {
    if (this.closing) return;
    this.closing = true;
    this.#stopTimers();
    this.socket.end();
    this.socket.resume();
    const linger = setTimeout(() => this.socket.destroy(), LINGER);
    this.socket.once('close', () => clearTimeout(linger));
  }

  close(): void {
    this.closing = true;
    this.#stopTimers();
    this.socket.destroy();
  }

  #stopTimers(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#idle = this.#deadline = undefined;
  }
}

/** Connections are indexed by the far end's address, port (and transport: this map is TCP's). */
// @implements RFC3261 P141L33-P141L39
export const connectionKey = (remote: HostPort): string => `${plainAddress(remote.host)}|${remote.port}`;

export interface TcpOptions extends ConnectionLimits {
  messageLimits: MessageLimits;
}

export class TcpTransport {
  readonly connections = new Map<string, TcpConnection>();
  /** Connections accepted (not opened by us) and still open: what maxConnections caps. */
  #accepted = 0;

  private constructor(
    private readonly server: Server,
    private readonly handlers: TcpHandlers,
    private readonly options: TcpOptions,
  ) {
    // @implements RFC3261 P141L37-P141L39
    server.on('connection', (socket) => {
      const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
      // Over the cap a connection is closed at once; those open go on.
      if (this.#accepted >= options.maxConnections) {
        socket.destroy();
        handlers.onLimit(`TCP connection from ${connectionKey(remote)} refused: maxConnections (${options.maxConnections}) are open`, remote);
        return;
      }
      this.#accepted++;
      socket.once('close', () => this.#accepted--);
      this.adopt(socket, remote);
    });
  }

  static listen(local: HostPort, handlers: TcpHandlers, options: TcpOptions): Promise<TcpTransport> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(local.port, local.host, () => {
        server.off('error', reject);
        resolve(new TcpTransport(server, handlers, options));
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
    const connection = new TcpConnection(socket, remote, this.options, this.options.messageLimits, (why) => this.handlers.onLimit(why, remote));
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
    if (connection.closing) return;
    let messages: Message[];
    try {
      messages = connection.framer.push(chunk);
    } catch (error) {
      this.unframable(connection, error as SipParseError);
      return;
    }
    connection.received(messages.length + connection.framer.errors.length);
    // Framed messages that did not parse: the stream stays in step, each is answered on its own.
    for (const error of connection.framer.errors.splice(0)) this.handlers.onMalformed(error, connection, false, error.frame);
    for (const message of messages) this.handlers.onMessage(message, connection);
    // Messages before a fault in the same chunk went up first; now the fault.
    const failure = connection.framer.failure;
    if (failure !== undefined) this.unframable(connection, failure);
  }

  /**
   * The stream lost its framing (no Content-Length, a bad one, a message over
   * a size limit): it cannot be resynchronised. The request is answered if
   * its header section is known, then the connection closed.
   */
  // @implements RFC3261 P147L18-P147L20, P192L3-P192L4
  private unframable(connection: TcpConnection, error: SipParseError): void {
    this.handlers.onMalformed(error, connection, true, error.frame);
    connection.closeAfterWrites();
  }

  /** Closes the listener and every connection. */
  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
