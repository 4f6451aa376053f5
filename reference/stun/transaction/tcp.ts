// @implements RFC8489 (STUN)
/**
 * A request/response transaction over TCP (RFC 8489 §6.2.2): TCP makes it
 * reliable, so the request is sent once and the client waits at most Ti for
 * its response; the connection failing ends it. States:
 *
 * - Waiting: the request is out, Ti runs;
 * - Completed: the response arrived;
 * - Failed: Ti ran out, or the connection could not be made or broke.
 */
import { TransactionStateError, type Action, type Transition } from './udp.ts';

// @implements RFC8489 P14L24-P14L29
/** Ti, ms: 39.5 s, equal to UDP's timeout with the default RTO. */
export const DEFAULT_TI = 39_500;

export type TcpTransaction<M> =
  | { state: 'Waiting'; request: M; ti: number }
  | { state: 'Completed'; request: M; response: M }
  | { state: 'Failed'; request: M; failure: 'timeout' | 'transportError' };

export type TcpEvent<M> =
  | { type: 'Timer' }
  | { type: 'Response'; response: M }
  | { type: 'TransportError' };

export type TcpAction<M> = Action<M>;
export type TcpTransition<M> = Transition<TcpTransaction<M>, M>;

export function startTcpTransaction<M>(request: M, ti: number = DEFAULT_TI): TcpTransition<M> {
  if (!(ti > 0) || !Number.isFinite(ti)) throw new RangeError(`Ti must be a number of ms > 0, got ${ti}`);
  // @implements RFC8489 P14L22-P14L23
  return { next: { state: 'Waiting', request, ti }, actions: [{ do: 'send', message: request }, { do: 'startTimer', ms: ti }] };
}

export function tcpStep<M>(tx: TcpTransaction<M>, event: TcpEvent<M>): TcpTransition<M> {
  switch (tx.state) {
    case 'Waiting':
      switch (event.type) {
        case 'Response':
          return { next: { state: 'Completed', request: tx.request, response: event.response }, actions: [{ do: 'stopTimer' }, { do: 'complete', response: event.response }] };
        case 'Timer':
          // @implements RFC8489 P14L24-P14L26
          return { next: { state: 'Failed', request: tx.request, failure: 'timeout' }, actions: [{ do: 'fail', failure: 'timeout' }] };
        case 'TransportError':
          // @implements RFC8489 P14L31-P14L34
          return { next: { state: 'Failed', request: tx.request, failure: 'transportError' }, actions: [{ do: 'stopTimer' }, { do: 'fail', failure: 'transportError' }] };
        default:
          return unreachable(event);
      }
    case 'Completed':
    case 'Failed':
      throw new TransactionStateError(tx.state, event.type, 'the transaction is over (RFC 8489 §6.2.2: one response, or Ti, ends it)');
    default:
      return unreachable(tx);
  }
}

function unreachable(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}
