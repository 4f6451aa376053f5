// @implements RFC3261 (SIP)
/**
 * TCP for SIP: a listening socket on a configured address and port, and the
 * set of open connections — accepted or opened — shared by the client and
 * server sides of the transport (§18). A stream carries many messages; the
 * syntax layer's StreamFramer splits it using Content-Length (§18.3).
 * Connection timers run on a Clock (the transaction layer's), so tests can
 * drive time.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { StreamFramer } from '../syntax/framing.ts';
import type { MessageLimits } from '../syntax/limits.ts';
import type { Message } from '../syntax/message.ts';
import type { SipParseError } from '../syntax/error.ts';
import { systemClock, type Clock, type TimerHandle } from '../../clock.ts';
import { plainAddress, type HostPort } from './via.ts';
import { ConnectionCaps, LINGER, MessageDeadline, type ConnectionLimits, type TcpOptions } from './connectionPolicy.ts';

export { DEFAULT_CONNECTION_LIMITS } from './connectionPolicy.ts';

export interface TcpHandlers {
  onMessage(message: Message, connection: TcpConnection): void;
  /**
   * A message that could not be parsed (`error.frame` holds its octets) or a
   * stream that could not be framed (`fatal`: nothing more is read, and the
   * connection is closed once the answer, if any, and the transactions it
   * carries are done; `error.frame` then holds the header section if known).
   */
  onMalformed(error: SipParseError, connection: TcpConnection, fatal: boolean): void;
  /** A connection closed or refused by a limit; `why` names the limit and its value. */
  onLimit(why: string, remote: HostPort): void;
}

export class TcpConnection {
  readonly framer: StreamFramer;
  #idle: TimerHandle | undefined;
  /** The messageTimeout (our policy, connectionPolicy.ts). */
  readonly #deadline: MessageDeadline;
  #linger: TimerHandle | undefined;
  /** Transactions using the connection: while there are any, idleness does not close it. */
  #users = 0;
  /** Closing (a limit, a framing fault, the transport closing): nothing more is read into the framer. */
  closing = false;

  constructor(
    readonly socket: Socket,
    /** The far end: the connection's index in the transport (§18). */
    readonly remote: HostPort,
    private readonly limits: ConnectionLimits,
    messageLimits: Partial<MessageLimits>,
    private readonly onLimit: (why: string) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.framer = new StreamFramer(messageLimits);
    this.#restartIdle();
    this.#deadline = new MessageDeadline(clock, limits.messageTimeout, (why) => this.#expire(why));
  }

  // @implements RFC3261 P141L34-P141L35
  get key(): string {
    return connectionKey(this.remote);
  }

  /** Open for new messages either way (a connection closing is not reused). */
  get open(): boolean {
    return this.writable && !this.closing;
  }

  /** Can still carry a response: true while closing after a framing fault, until the transactions it carries end. */
  // @implements RFC3261 P146L18-P146L21
  get writable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get local(): HostPort {
    return { host: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  /** Closes the connection at once, its timers stopped. */
  close(): void {
    this.closing = true;
    this.#stopTimers();
    this.socket.destroy();
  }

  #stopTimers(): void {
    if (this.#idle !== undefined) this.clock.clearTimer(this.#idle);
    this.#deadline.stop();
    if (this.#linger !== undefined) this.clock.clearTimer(this.#linger);
    this.#idle = this.#linger = undefined;
  }

  /**
   * A transaction uses the connection: it is not closed for idleness until
   * the returned release has been called (once per use), so a transaction
   * (an INVITE ringing for minutes included) completes on it.
   */
  // @implements RFC3261 P142L3-P142L9
  use(): () => void {
    this.#users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#users === 0 && this.closing) this.#endWhenDone();
    };
  }

  /**
   * A whole message went either way: the connection is kept for idleTimeout
   * after it. Only whole messages count: octets of an unfinished one run
   * against the message deadline instead, and CRLFs between messages count
   * for nothing, so a trickle extends neither.
   */
  // @implements RFC3261 P142L1-P142L3
  #restartIdle(): void {
    if (this.closing) return;
    if (this.#idle !== undefined) this.clock.clearTimer(this.#idle);
    this.#idle = this.clock.setTimer(this.limits.idleTimeout, () => {
      this.#idle = undefined;
      // A transaction still uses it: look again after another idleTimeout.
      if (this.#users > 0) return this.#restartIdle();
      this.#expire(`idle for idleTimeout (${this.limits.idleTimeout} ms)`);
    });
  }

  /**
   * After octets arrived and `messages` whole ones were framed: each restarts
   * the idle timer; a message begun and not finished runs against the
   * message deadline, started by its first octet and never moved. The idle
   * timer keeps running meanwhile, so octets that never make a message
   * (a lone CR, then its LF) cannot keep the connection either.
   */
  // @implements RFC3261 P142L1-P142L3
  received(messages: number): void {
    if (messages > 0) {
      this.#deadline.messageDone();
      this.#restartIdle();
    }
    this.#deadline.afterOctets(this.framer.pending);
  }

  #expire(why: string): void {
    this.onLimit(`TCP connection from ${this.key} closed: ${why}`);
    this.close();
  }

  /** Sends a whole message; it restarts the idle timer. */
  send(bytes: Uint8Array): Promise<void> {
    // @implements RFC3261 P142L1-P142L3
    if (!this.closing) {
      this.#deadline.messageSent(this.framer.pending);
      this.#restartIdle();
    }
    return this.write(bytes);
  }

  /** Writes octets that are not a message (a keep-alive pong): no timer moves. */
  write(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.writable) return reject(new Error(`connection to ${this.key} is closed`));
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * The stream cannot be read any further (a framing fault). Nothing more is
   * read into the framer, but the connection stays open for writing until
   * the transactions it carries have ended (at most idleTimeout), so the
   * requests framed before the fault are answered on it (§18.2.2); then it
   * closes once what was written has gone out.
   */
  // @implements RFC3261 P142L3-P142L9, P146L18-P146L23
  closeAfterWrites(): void {
    if (this.closing) return;
    this.closing = true;
    this.#stopTimers();
    // What still arrives is read and dropped: unread octets would make the
    // operating system reset the connection, and an answer could be lost.
    this.socket.resume();
    if (this.#users === 0) return this.#endWhenDone();
    this.#linger = this.clock.setTimer(this.limits.idleTimeout, () => {
      this.onLimit(`TCP connection from ${this.key} closed: its transactions outlived idleTimeout (${this.limits.idleTimeout} ms) after a framing fault`);
      this.close();
    });
  }

  /** Ends the connection once written octets have gone out; drops what arrives for a moment, then lets go. */
  #endWhenDone(): void {
    if (this.#linger !== undefined) this.clock.clearTimer(this.#linger);
    this.socket.end();
    this.#linger = this.clock.setTimer(LINGER, () => this.socket.destroy());
  }
}

/** Connections are indexed by the far end's address, port (and transport: this map is TCP's). */
// @implements RFC3261 P141L33-P141L36
export const connectionKey = (remote: HostPort): string => `${plainAddress(remote.host)}|${remote.port}`;

export class TcpTransport {
  readonly connections = new Map<string, TcpConnection>();
  readonly #clock: Clock;
  /** The connection caps (our policy, connectionPolicy.ts). */
  readonly #caps: ConnectionCaps;

  private constructor(
    private readonly server: Server,
    private readonly handlers: TcpHandlers,
    private readonly options: TcpOptions,
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#caps = new ConnectionCaps(options, this.#clock, (why, remote) => this.handlers.onLimit(why, remote), connectionKey);
    server.on('connection', (socket) => {
      // @implements RFC3261 P141L37-P141L39
      const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
      if (this.#caps.admit(socket, remote)) this.adopt(socket, remote);
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

  /** Connections open or being opened now, accepted and opened alike. */
  get openConnections(): number {
    return this.#caps.open;
  }

  /** The open connection to this far end, if there is one (found by its index). */
  // @implements RFC3261 P141L34-P141L35
  find(remote: HostPort): TcpConnection | undefined {
    const c = this.connections.get(connectionKey(remote));
    return c?.open ? c : undefined;
  }

  /**
   * A connection to `remote`: the open one if any, else a new one. The
   * promise rejects when the connection cannot be established, or when
   * maxConnections are open (a Via can name any address: each response to
   * a new one would otherwise open one more connection).
   */
  // @implements RFC3261 P144L19-P144L22, P141L36-P141L37
  async connect(remote: HostPort): Promise<TcpConnection> {
    const existing = this.find(remote);
    if (existing !== undefined) return existing;
    this.#caps.mayOpen(remote);
    const socket = connect({ host: remote.host, port: remote.port });
    this.#caps.count(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return this.adopt(socket, remote);
  }

  /** A connection accepted or opened joins the one table both sides use. */
  // @implements RFC3261 P141L29-P141L33
  private adopt(socket: Socket, remote: HostPort): TcpConnection {
    const connection = new TcpConnection(socket, remote, this.options, this.options.messageLimits, (why) => this.handlers.onLimit(why, remote), this.#clock);
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
    const framed = connection.framer.feed(chunk);
    connection.received(framed.length);
    // @implements RFC5626 P25L14-P25L16
    if (connection.framer.pings > 0) {
      connection.write('\r\n'.repeat(connection.framer.pings)).catch(() => {});
      connection.framer.pings = 0;
    }
    // In the stream's order: messages, and framed ones that did not parse
    // (the stream stays in step: each is answered on its own).
    for (const { message, error } of framed) {
      if (message !== undefined) this.handlers.onMessage(message, connection);
      else this.handlers.onMalformed(error, connection, false);
    }
    // Whatever came before the fault went up first; now the fault.
    const failure = connection.framer.failure;
    if (failure !== undefined) this.unframable(connection, failure);
  }

  /**
   * The stream lost its framing (no Content-Length, a bad one, a message over
   * a size limit): it cannot be resynchronised, since where the next message
   * starts is unknown. The request is answered if its header section is
   * known; nothing more is read, and the connection is closed once the
   * transactions it carries are done.
   */
  // @implements RFC3261 P147L18-P147L20, P192L3-P192L4
  private unframable(connection: TcpConnection, error: SipParseError): void {
    this.handlers.onMalformed(error, connection, true);
    connection.closeAfterWrites();
  }

  /** Closes the listener and every connection. */
  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    this.#caps.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
