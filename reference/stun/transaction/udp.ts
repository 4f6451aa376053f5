// @implements RFC8489 (STUN)
/**
 * A request/response transaction over UDP (RFC 8489 §6.2.1) as a pure
 * state × event function. The client sends the request, retransmits it at
 * RTO, 2·RTO, 4·RTO, ... until Rc requests are out, then waits Rm·RTO for the
 * last one; a response (or a hard ICMP error) ends it. States:
 *
 * - Retransmitting: fewer than Rc requests sent; the timer is the next send;
 * - Waiting: all Rc sent; the timer is the failure;
 * - Completed: a response arrived (kept for the caller);
 * - Failed: the last wait ran out, or the network said the server is not there.
 *
 * The machine never looks inside a message (`M` is the caller's type); the
 * driver (request.ts) matches responses to it by transaction id.
 */

/** The §6.2.1 parameters. */
export interface UdpTimers {
  /** Initial retransmission timeout, ms. */
  rto: number;
  /** Total number of requests sent. */
  rc: number;
  /** After the last request, wait rm × rto. */
  rm: number;
}

// @implements RFC8489 P13L18-P13L19, P13L22-P13L23, P13L37-P13L38, P13L42
/** RTO 500 ms (fixed-line access), Rc 7, Rm 16. */
export const DEFAULT_UDP_TIMERS: UdpTimers = { rto: 500, rc: 7, rm: 16 };

export type Failure = 'timeout' | 'icmpError' | 'transportError';

export type UdpTransaction<M> =
  | { state: 'Retransmitting'; request: M; timers: UdpTimers; sent: number; interval: number; started: number }
  | { state: 'Waiting'; request: M; timers: UdpTimers; sent: number; started: number }
  | { state: 'Completed'; request: M; response: M; retransmitted: boolean; rtt: number }
  | { state: 'Failed'; request: M; failure: Failure };

export type UdpEvent<M> =
  | { type: 'Timer'; now: number }
  | { type: 'Response'; response: M; now: number }
  | { type: 'IcmpError' }
  | { type: 'TransportError' };

/** What a transaction machine (this one and tcp.ts's) asks its driver to do. */
export type Action<M> =
  | { do: 'send'; message: M }
  | { do: 'startTimer'; ms: number }
  | { do: 'stopTimer' }
  | { do: 'complete'; response: M }
  | { do: 'fail'; failure: Failure };

export type UdpAction<M> = Action<M>;

/** One step of a machine: the next state and what to do. */
export interface Transition<T, M> {
  next: T;
  actions: Action<M>[];
}

export type UdpTransition<M> = Transition<UdpTransaction<M>, M>;

/** An event the machine's state does not allow: a bug in whoever drives it. */
export class TransactionStateError extends Error {
  constructor(
    readonly state: string,
    readonly event: string,
    rule: string,
  ) {
    super(`STUN transaction in state ${state} refuses event ${event}: ${rule}`);
    this.name = 'TransactionStateError';
  }
}

/** Checks §6.2.1's parameters before anything is sent, naming what is wrong. */
export function checkUdpTimers(t: UdpTimers): UdpTimers {
  // @implements RFC8489 P13L24-P13L25
  if (!Number.isInteger(t.rto) || t.rto < 1) throw new RangeError(`RTO must be a whole number of ms >= 1 (1 ms accuracy, RFC 8489 §6.2.1), got ${t.rto}`);
  if (!Number.isInteger(t.rc) || t.rc < 1) throw new RangeError(`Rc (requests sent in all) must be a whole number >= 1, got ${t.rc}`);
  if (!(t.rm > 0) || !Number.isFinite(t.rm)) throw new RangeError(`Rm (the last wait, in RTOs) must be a number > 0, got ${t.rm}`);
  return t;
}

/** The client sends the request: the first of Rc. */
export function startUdpTransaction<M>(request: M, timers: UdpTimers, now: number): UdpTransition<M> {
  checkUdpTimers(timers);
  const send: UdpAction<M> = { do: 'send', message: request };
  if (timers.rc === 1) {
    return { next: { state: 'Waiting', request, timers, sent: 1, started: now }, actions: [send, { do: 'startTimer', ms: timers.rm * timers.rto }] };
  }
  // @implements RFC8489 P13L14-P13L15
  return {
    next: { state: 'Retransmitting', request, timers, sent: 1, interval: timers.rto, started: now },
    actions: [send, { do: 'startTimer', ms: timers.rto }],
  };
}

export function udpStep<M>(tx: UdpTransaction<M>, event: UdpEvent<M>): UdpTransition<M> {
  switch (tx.state) {
    case 'Retransmitting':
      switch (event.type) {
        case 'Timer': {
          const sent = tx.sent + 1;
          const send: UdpAction<M> = { do: 'send', message: tx.request };
          // @implements RFC8489 P13L36-P13L41
          if (sent === tx.timers.rc) {
            return { next: { state: 'Waiting', request: tx.request, timers: tx.timers, sent, started: tx.started }, actions: [send, { do: 'startTimer', ms: tx.timers.rm * tx.timers.rto }] };
          }
          // @implements RFC8489 P13L14-P13L16
          const interval = tx.interval * 2;
          return { next: { ...tx, sent, interval }, actions: [send, { do: 'startTimer', ms: interval }] };
        }
        default:
          return ended(tx, event);
      }
    case 'Waiting':
      switch (event.type) {
        case 'Timer':
          // @implements RFC8489 P13L38-P13L41
          return fail(tx, 'timeout');
        default:
          return ended(tx, event);
      }
    case 'Completed':
    case 'Failed':
      // The driver forgets a finished transaction: a response for it is a
      // stray (§6.3 discards it before it gets here), a timer was stopped.
      throw new TransactionStateError(tx.state, event.type, 'the transaction is over (RFC 8489 §6.2.1: retransmissions continue until a response is received)');
    default:
      return unreachable(tx);
  }
}

/** The arrows Retransmitting and Waiting share: a response, or the network saying no. */
function ended<M>(tx: { request: M; sent: number; started: number }, event: Exclude<UdpEvent<M>, { type: 'Timer' }>): UdpTransition<M> {
  switch (event.type) {
    case 'Response':
      // @implements RFC8489 P13L36-P13L37
      return complete(tx, event.response, event.now);
    case 'IcmpError':
      // @implements RFC8489 P13L42-P13L44
      return fail(tx, 'icmpError');
    case 'TransportError':
      return fail(tx, 'transportError');
    default:
      return unreachable(event);
  }
}

function complete<M>(tx: { request: M; sent: number; started: number }, response: M, now: number): UdpTransition<M> {
  // @implements RFC8489 P13L36-P13L37
  return {
    next: { state: 'Completed', request: tx.request, response, retransmitted: tx.sent > 1, rtt: now - tx.started },
    actions: [{ do: 'stopTimer' }, { do: 'complete', response }],
  };
}

function fail<M>(tx: { request: M }, failure: Failure): UdpTransition<M> {
  // @implements RFC8489 P13L42-P13L44
  return { next: { state: 'Failed', request: tx.request, failure }, actions: [{ do: 'stopTimer' }, { do: 'fail', failure }] };
}

function unreachable(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}
