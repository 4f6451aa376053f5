/**
 * Our policy for TCP connections, not an RFC rule: how long they live
 * (beyond the 64*T1 of §18 that tcp.ts keeps), how many there may be in all
 * and from one address, what happens over a cap (the new connection is
 * closed at once and those open go on), and how refusals are logged. A
 * command line or an element sets the limits (transport/README.md).
 */
import type { Socket } from 'node:net';
import { messageLimits, withDefaults, type MessageLimits } from '../syntax/limits.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import { plainAddress, type HostPort } from './via.ts';

/** How long connections live, and how many there may be. */
export interface ConnectionLimits {
  /**
   * A connection with no whole message sent or received for this long, and
   * no transaction using it, is closed, ms.
   */
  idleTimeout: number;
  /**
   * From the first octet of a message to its last, at most this long, ms;
   * a new connection has this long to carry its first whole message.
   */
  messageTimeout: number;
  /** Most connections open at once, accepted and opened alike. */
  maxConnections: number;
  /** Most connections accepted at once from one IP address. */
  maxConnectionsPerAddress: number;
}

/** What the TCP transport runs with: the connection limits, the message size limits, and its clock. */
export interface TcpOptions extends ConnectionLimits {
  messageLimits: MessageLimits;
  clock?: Clock;
}

/** T1's default (§17.1.1.1), ms: the idle timeout is 64*T1 unless the T1 in use says otherwise. */
export const DEFAULT_T1 = 500;

/**
 * 64*T1 idle (32 s at the default T1; §18 wants at least the life of a
 * transaction, and a connection a transaction uses is kept for as long as it
 * does, whatever this says); 10 s for one message (320 KiB, the largest the
 * default size limits let through, takes a quarter of a second even at
 * 10 Mbit/s); 512 connections in all (under the usual limit of 1024 open
 * files, with room for everything else), 32 of them accepted from any one
 * address (so one host cannot take them all).
 */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  idleTimeout: 64 * DEFAULT_T1,
  messageTimeout: 10_000,
  maxConnections: 512,
  maxConnectionsPerAddress: 32,
};

/** How long a connection closed after an answer keeps reading (and dropping) what still arrives, ms. */
export const LINGER = 1000;

/**
 * A connection's message deadline (messageTimeout): from the first octet of
 * a message to its last at most this long, started by that octet and never
 * moved, and a new connection has this long to carry its first whole
 * message. Octets that never make a message (a lone CR, then its LF) do not
 * stop it. Over it, `expire` closes the connection.
 */
export class MessageDeadline {
  #timer: TimerHandle | undefined;
  /** Has a whole message gone either way yet? Until one has, the connection runs against messageTimeout. */
  #carried = false;

  constructor(
    private readonly clock: Clock,
    private readonly messageTimeout: number,
    private readonly expire: (why: string) => void,
  ) {
    this.#start(`no whole message within messageTimeout (${messageTimeout} ms) of the connection opening`);
  }

  /** A whole message was received: the deadline stops. */
  messageDone(): void {
    this.#carried = true;
    this.stop();
  }

  /** After octets arrived, `pending` of them not yet a whole message: an unfinished message runs against the deadline. */
  afterOctets(pending: number): void {
    if (pending === 0) {
      if (this.#carried) this.stop();
      return;
    }
    if (this.#timer === undefined) this.#start(`a message took longer than messageTimeout (${this.messageTimeout} ms) to arrive`);
  }

  /** A whole message was sent (`pending` octets received are not yet a message). */
  messageSent(pending: number): void {
    this.#carried = true;
    if (pending === 0) this.stop();
  }

  stop(): void {
    if (this.#timer !== undefined) this.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #start(why: string): void {
    this.#timer = this.clock.setTimer(this.messageTimeout, () => {
      this.#timer = undefined;
      this.expire(why);
    });
  }
}

/** How often at most a refused connection is logged: one line, then one summary line per this many ms. */
const REFUSAL_LOG_EVERY = 1000;

/** The settings the limits are read from (a TransportConfig has them all). */
export interface LimitSettings extends Partial<ConnectionLimits>, Partial<MessageLimits> {
  T1?: number;
  clock?: Clock;
}

/** The configured limits with their defaults (idleTimeout: 64*T1); a bad value is a RangeError naming it. */
export function transportLimits(config: LimitSettings): TcpOptions {
  const { T1 } = withDefaults({ T1: DEFAULT_T1 }, { T1: config.T1 });
  const connection = withDefaults({ ...DEFAULT_CONNECTION_LIMITS, idleTimeout: 64 * T1 }, {
    idleTimeout: config.idleTimeout,
    messageTimeout: config.messageTimeout,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
  });
  const sizes = messageLimits({ maxHeaderBytes: config.maxHeaderBytes, maxBodyBytes: config.maxBodyBytes });
  return { ...connection, messageLimits: sizes, clock: config.clock };
}

/**
 * The caps on connections, counted: every socket open or being opened
 * (maxConnections), accepted ones by the far end's IP address
 * (maxConnectionsPerAddress); a refusal is logged through `onLimit`, the
 * first at once, then one summary line a second while they go on.
 */
export class ConnectionCaps {
  /** Connections open or being opened, accepted and opened alike: what maxConnections caps. */
  #open = 0;
  /** Accepted connections open, by the far end's IP address: what maxConnectionsPerAddress caps. */
  readonly #fromAddress = new Map<string, number>();
  /** Refusals since the last line logged, while a summary is due. */
  #refusals = { since: 0, timer: undefined as TimerHandle | undefined, last: undefined as HostPort | undefined };

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock,
    private readonly onLimit: (why: string, remote: HostPort) => void,
    /** How a far end is named in the log (the connection's index). */
    private readonly name: (remote: HostPort) => string,
  ) {}

  /** Connections open or being opened now, accepted and opened alike. */
  get open(): number {
    return this.#open;
  }

  /** An accepted socket: counted, or closed at once (and the refusal logged) when over a cap. */
  admit(socket: Socket, remote: HostPort): boolean {
    const address = plainAddress(remote.host);
    const fromThere = this.#fromAddress.get(address) ?? 0;
    const full =
      this.#open >= this.limits.maxConnections ? `maxConnections (${this.limits.maxConnections}) are open`
      : fromThere >= this.limits.maxConnectionsPerAddress ? `maxConnectionsPerAddress (${this.limits.maxConnectionsPerAddress}) are open from ${address}`
      : undefined;
    if (full !== undefined) {
      socket.destroy();
      this.#refused(`TCP connection from ${this.name(remote)} refused: ${full}`, remote);
      return false;
    }
    this.#fromAddress.set(address, fromThere + 1);
    socket.once('close', () => {
      const left = (this.#fromAddress.get(address) ?? 1) - 1;
      if (left === 0) this.#fromAddress.delete(address);
      else this.#fromAddress.set(address, left);
    });
    this.count(socket);
    return true;
  }

  /** Before opening a connection: throws (and logs) when maxConnections are open. */
  mayOpen(remote: HostPort): void {
    if (this.#open < this.limits.maxConnections) return;
    const why = `cannot open a TCP connection to ${this.name(remote)}: maxConnections (${this.limits.maxConnections}) are open`;
    this.#refused(why, remote);
    throw new Error(why);
  }

  /** Counts a socket against maxConnections until it closes. */
  count(socket: Socket): void {
    this.#open++;
    socket.once('close', () => this.#open--);
  }

  /** Logs a refusal: the first at once, then one summary line a second while they go on. */
  #refused(why: string, remote: HostPort): void {
    const r = this.#refusals;
    r.last = remote;
    if (r.timer !== undefined) {
      r.since++;
      return;
    }
    this.onLimit(why, remote);
    const summary = () => {
      r.timer = undefined;
      if (r.since === 0) return;
      this.onLimit(`${r.since} more TCP connections refused in the last ${REFUSAL_LOG_EVERY} ms (maxConnections ${this.limits.maxConnections}, maxConnectionsPerAddress ${this.limits.maxConnectionsPerAddress}); the last from or to ${this.name(r.last as HostPort)}`, r.last as HostPort);
      r.since = 0;
      r.timer = this.clock.setTimer(REFUSAL_LOG_EVERY, summary);
    };
    r.timer = this.clock.setTimer(REFUSAL_LOG_EVERY, summary);
  }

  /** Stops the refusal log's timer. */
  close(): void {
    if (this.#refusals.timer !== undefined) this.clock.clearTimer(this.#refusals.timer);
    this.#refusals.timer = undefined;
  }
}
