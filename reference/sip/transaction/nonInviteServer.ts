// @implements RFC3261 (SIP)
/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8) as a pure
 * state × event function. States: Trying, Proceeding, Completed, Terminated.
 */
import type { Action, Transition } from './actions.ts';
import { timerJ, type TimerValues } from './timers.ts';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export interface NonInviteServer<M> {
  state: NonInviteServerState;
  request: M;
  reliable: boolean;
  timers: TimerValues;
  /** The most recently sent provisional response. */
  provisional?: M;
  /** The final response of Completed. */
  final?: M;
}

export type NonInviteServerEvent<M> =
  /** A retransmission of the request (it matched this transaction, §17.2.3). */
  | { type: 'Request' }
  | { type: '1xx from TU'; response: M }
  | { type: '200-699 from TU'; response: M }
  | { type: 'TimerJ' }
  | { type: 'TransportError' };

export function startNonInviteServer<M>(
  request: M,
  options: { reliable: boolean; timers: TimerValues },
): Transition<NonInviteServer<M>, M> {
  // @implements RFC3261 P137L17-P137L19
  return {
    next: { state: 'Trying', request, reliable: options.reliable, timers: options.timers },
    actions: [{ do: 'passToTU', message: request }],
  };
}

export function nonInviteServerStep<M>(
  tx: NonInviteServer<M>,
  event: NonInviteServerEvent<M>,
): Transition<NonInviteServer<M>, M> {
  const stay = { next: tx, actions: [] };
  switch (tx.state) {
    case 'Trying':
      switch (event.type) {
        case 'Request':
          // @implements RFC3261 P137L19-P137L20
          return stay;
        case '1xx from TU':
          // @implements RFC3261 P137L24-P137L27
          return {
            next: { ...tx, state: 'Proceeding', provisional: event.response },
            actions: [{ do: 'send', message: event.response }],
          };
        case '200-699 from TU':
          // Figure 8: Trying --200-699 from TU/send response--> Completed.
          // @implements RFC3261 P140L6-P140L9
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P141L16-P141L20
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerJ':
          return stay;
      }
      break;
    case 'Proceeding':
      switch (event.type) {
        case '1xx from TU':
          // @implements RFC3261 P137L27-P137L29
          return {
            next: { ...tx, provisional: event.response },
            actions: [{ do: 'send', message: event.response }],
          };
        case 'Request':
          // @implements RFC3261 P137L29-P137L32
          return { next: tx, actions: [{ do: 'send', message: tx.provisional as M }] };
        case '200-699 from TU':
          // @implements RFC3261 P137L32-P137L35
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P141L16-P141L20
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerJ':
          return stay;
      }
      break;
    case 'Completed':
      switch (event.type) {
        case 'Request':
          // @implements RFC3261 P137L39-P137L42
          return { next: tx, actions: [{ do: 'send', message: tx.final as M }] };
        case '1xx from TU':
        case '200-699 from TU':
          // @implements RFC3261 P137L42-P137L43
          return stay;
        case 'TimerJ':
          // @implements RFC3261 P137L43-P137L45
          return terminate(tx, []);
        case 'TransportError':
          // @implements RFC3261 P141L16-P141L20
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
      }
      break;
    case 'Terminated':
      return stay;
  }
  return stay;
}

function complete<M>(tx: NonInviteServer<M>, response: M): Transition<NonInviteServer<M>, M> {
  // @implements RFC3261 P137L37-P137L39
  return {
    next: { ...tx, state: 'Completed', final: response },
    actions: [
      { do: 'send', message: response },
      { do: 'startTimer', timer: 'J', ms: timerJ(tx.timers, tx.reliable) },
    ],
  };
}

// @implements RFC3261 P137L47-P137L48
function terminate<M>(tx: NonInviteServer<M>, actions: Action<M>[]): Transition<NonInviteServer<M>, M> {
  return { next: { ...tx, state: 'Terminated' }, actions };
}
