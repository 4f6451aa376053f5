// @implements RFC3261 (SIP)
/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2.2, Figure 6) as a pure
 * state × event function. States: Trying, Proceeding, Completed, Terminated.
 * Used for every method except INVITE and ACK (ACK has no client transaction).
 */
import { retransmit, type Action, type Transition } from './actions.ts';
import { initialTimerE, nextTimerE, proceedingTimerE, timerF, timerK, type TimerValues } from './timers.ts';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export interface NonInviteClient<M> {
  state: NonInviteClientState;
  request: M;
  reliable: boolean;
  timers: TimerValues;
  /** The interval Timer E was last started with. */
  timerE: number;
}

export type NonInviteClientEvent<M> =
  | { type: 'TimerE' }
  | { type: 'TimerF' }
  | { type: 'TimerK' }
  | { type: '1xx'; response: M }
  | { type: '200-699'; response: M }
  | { type: 'TransportError' };

export function startNonInviteClient<M>(
  request: M,
  options: { reliable: boolean; timers: TimerValues },
): Transition<NonInviteClient<M>, M> {
  const next: NonInviteClient<M> = {
    state: 'Trying',
    request,
    reliable: options.reliable,
    timers: options.timers,
    timerE: initialTimerE(options.timers),
  };
  // @implements RFC3261 P131L10-P131L13
  const actions: Action<M>[] = [
    { do: 'startTimer', timer: 'F', ms: timerF(options.timers) },
    { do: 'send', message: request },
  ];
  // @implements RFC3261 P131L13-P131L15
  if (!options.reliable) actions.push({ do: 'startTimer', timer: 'E', ms: next.timerE });
  return { next, actions };
}

export function nonInviteClientStep<M>(
  tx: NonInviteClient<M>,
  event: NonInviteClientEvent<M>,
): Transition<NonInviteClient<M>, M> {
  const stay = { next: tx, actions: [] };
  switch (tx.state) {
    case 'Trying':
      switch (event.type) {
        case 'TimerE': {
          // @implements RFC3261 P131L15-P131L19
          const timerE = nextTimerE(tx.timers, tx.timerE);
          return retransmit({ ...tx, timerE }, tx.request, 'E', timerE);
        }
        case 'TimerF':
          // @implements RFC3261 P131L25-P131L27
          return terminate(tx, [{ do: 'informTU', failure: 'timeout' }]);
        case '1xx':
          // Timer E keeps running: the request is still retransmitted in
          // Proceeding, now every T2 (see the Proceeding case).
          // @implements RFC3261 P131L27-P131L30
          return {
            next: { ...tx, state: 'Proceeding' },
            actions: [{ do: 'passToTU', message: event.response }],
          };
        case '200-699':
          // @implements RFC3261 P131L30-P131L33
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P134L1-P134L3
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerK':
          return stay;
      }
      break;
    case 'Proceeding':
      switch (event.type) {
        case 'TimerE': {
          // @implements RFC3261 P131L35-P131L37
          const timerE = proceedingTimerE(tx.timers);
          return retransmit({ ...tx, timerE }, tx.request, 'E', timerE);
        }
        case 'TimerF':
          // @implements RFC3261 P131L37-P131L39
          return terminate(tx, [{ do: 'informTU', failure: 'timeout' }]);
        case '1xx':
          // Figure 6: Proceeding --1xx/resp to TU--> Proceeding.
          // @implements RFC3261 P133L19-P133L21
          return { next: tx, actions: [{ do: 'passToTU', message: event.response }] };
        case '200-699':
          // @implements RFC3261 P131L39-P131L42
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P134L1-P134L3
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerK':
          return stay;
      }
      break;
    case 'Completed':
      switch (event.type) {
        case '1xx':
        case '200-699':
          // Retransmissions are absorbed: that is what Completed is for.
          // @implements RFC3261 P131L46-P132L1
          return stay;
        case 'TimerK':
          // @implements RFC3261 P132L5-P132L6
          return terminate(tx, []);
        case 'TimerE':
        case 'TimerF':
        case 'TransportError':
          return stay;
      }
      break;
    case 'Terminated':
      return stay;
  }
  return stay;
}

function complete<M>(tx: NonInviteClient<M>, response: M): Transition<NonInviteClient<M>, M> {
  // @implements RFC3261 P131L44-P131L46
  return {
    next: { ...tx, state: 'Completed' },
    actions: [
      { do: 'stopTimer', timer: 'E' },
      { do: 'stopTimer', timer: 'F' },
      { do: 'passToTU', message: response },
      { do: 'startTimer', timer: 'K', ms: timerK(tx.timers, tx.reliable) },
    ],
  };
}

// @implements RFC3261 P132L8-P132L9
function terminate<M>(tx: NonInviteClient<M>, actions: Action<M>[]): Transition<NonInviteClient<M>, M> {
  return { next: { ...tx, state: 'Terminated' }, actions };
}
