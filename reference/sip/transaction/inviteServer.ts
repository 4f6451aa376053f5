// @implements RFC3261 (SIP)
// @implements RFC6026 (Correct Transaction Handling for 2xx Responses to INVITE)
/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7) as a pure
 * state × event function. States: Proceeding, Completed, Confirmed, Terminated.
 *
 * By default RFC 3261 as written: a 2xx from the TU moves the machine straight
 * to Terminated and the TU (UA core) retransmits the 2xx itself. With
 * `rfc6026: true` it is RFC 6026's Figure 7: a 2xx leads to "Accepted", which
 * absorbs INVITE retransmissions, sends the TU's 2xx retransmissions, passes
 * ACKs up, and ends when Timer L fires.
 */
import { retransmit, type Action, type Transition } from './actions.ts';
import { initialTimerG, nextTimerG, timerH, timerI, timerL, type TimerValues } from './timers.ts';

export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

export interface InviteServer<M> {
  state: InviteServerState;
  request: M;
  reliable: boolean;
  timers: TimerValues;
  /** The most recent provisional response (re-sent when the INVITE is retransmitted). */
  provisional?: M;
  /** The 300-699 response of Completed (re-sent by Timer G and on retransmitted INVITEs). */
  final?: M;
  /** The interval Timer G was last started with. */
  timerG: number;
  /** RFC 6026's Accepted state instead of terminating on a 2xx. */
  rfc6026: boolean;
}

export type InviteServerEvent<M> =
  /** A retransmission of the INVITE (it matched this transaction, §17.2.3). */
  | { type: 'INVITE' }
  /** An ACK that matched; `request` is the ACK itself (Accepted passes it to the TU). */
  | { type: 'ACK'; request?: M }
  | { type: '1xx from TU'; response: M }
  | { type: '2xx from TU'; response: M }
  | { type: '300-699 from TU'; response: M }
  | { type: 'TimerG' }
  | { type: 'TimerH' }
  | { type: 'TimerI' }
  | { type: 'TimerL' }
  | { type: 'TransportError' };

/**
 * A server transaction is built for a received INVITE. `trying` is the 100
 * (Trying) to send at once, or undefined when the TU is known to answer within
 * 200 ms (the only case where the 100 may be left out).
 */
export function startInviteServer<M>(
  request: M,
  trying: M | undefined,
  options: { reliable: boolean; timers: TimerValues; rfc6026?: boolean },
): Transition<InviteServer<M>, M> {
  // @implements RFC3261 P134L22-P134L26
  const next: InviteServer<M> = {
    state: 'Proceeding',
    request,
    reliable: options.reliable,
    timers: options.timers,
    provisional: trying,
    timerG: initialTimerG(options.timers),
    rfc6026: options.rfc6026 === true,
  };
  const actions: Action<M>[] = [];
  if (trying !== undefined) actions.push({ do: 'send', message: trying });
  // @implements RFC3261 P134L32
  actions.push({ do: 'passToTU', message: request });
  return { next, actions };
}

export function inviteServerStep<M>(
  tx: InviteServer<M>,
  event: InviteServerEvent<M>,
): Transition<InviteServer<M>, M> {
  const stay = { next: tx, actions: [] };
  switch (tx.state) {
    case 'Proceeding':
      switch (event.type) {
        case 'INVITE':
          // @implements RFC3261 P134L39-P134L42
          return tx.provisional === undefined
            ? stay
            : { next: tx, actions: [{ do: 'send', message: tx.provisional }] };
        case '1xx from TU':
          // @implements RFC3261 P134L34-P134L39
          return {
            next: { ...tx, provisional: event.response },
            actions: [{ do: 'send', message: event.response }],
          };
        case '2xx from TU':
          if (!tx.rfc6026) {
            // @implements RFC3261 P134L46-P135L3
            return terminate(tx, [{ do: 'send', message: event.response }]);
          }
          // @implements RFC6026 P15L5-P15L10, P17L17-P17L18, P5L41-P5L45, P4L42-P4L45
          return {
            next: { ...tx, state: 'Accepted' },
            actions: [
              { do: 'send', message: event.response },
              { do: 'startTimer', timer: 'L', ms: timerL(tx.timers) },
            ],
          };
        case '300-699 from TU': {
          // @implements RFC3261 P135L5-P135L10
          const actions: Action<M>[] = [{ do: 'send', message: event.response }];
          if (!tx.reliable) actions.push({ do: 'startTimer', timer: 'G', ms: tx.timerG });
          // @implements RFC3261 P135L15-P135L16
          actions.push({ do: 'startTimer', timer: 'H', ms: timerH(tx.timers) });
          return { next: { ...tx, state: 'Completed', final: event.response }, actions };
        }
        case 'TransportError':
          return transportError(tx);
        case 'ACK': // no final response yet: nothing to acknowledge
        case 'TimerG':
        case 'TimerH':
        case 'TimerI':
        case 'TimerL':
          return stay;
      }
      break;
    case 'Completed':
      switch (event.type) {
        case 'TimerG': {
          // @implements RFC3261 P135L19-P135L25
          const timerG = nextTimerG(tx.timers, tx.timerG);
          return retransmit({ ...tx, timerG }, tx.final as M, 'G', timerG);
        }
        case 'INVITE':
          // @implements RFC3261 P135L26-P135L29
          return { next: tx, actions: [{ do: 'send', message: tx.final as M }] };
        case 'ACK':
          // @implements RFC3261 P135L31-P135L34
          return {
            next: { ...tx, state: 'Confirmed' },
            actions: [
              { do: 'stopTimer', timer: 'G' },
              { do: 'stopTimer', timer: 'H' },
              // @implements RFC3261 P137L1-P137L5
              { do: 'startTimer', timer: 'I', ms: timerI(tx.timers, tx.reliable) },
            ],
          };
        case 'TimerH':
          // @implements RFC3261 P135L36-P135L39
          return terminate(tx, [{ do: 'informTU', failure: 'timeout' }]);
        case 'TransportError':
          return transportError(tx);
        case '1xx from TU': // the final response has been sent; nothing may follow it
        case '2xx from TU':
        case '300-699 from TU':
        case 'TimerI':
        case 'TimerL':
          return stay;
      }
      break;
    case 'Confirmed':
      switch (event.type) {
        case 'ACK':
          // Further ACKs (triggered by response retransmissions) are absorbed.
          // @implements RFC3261 P137L1-P137L3
          return stay;
        case 'TimerI':
          // @implements RFC3261 P137L5-P137L6
          return terminate(tx, []);
        case 'INVITE':
        case '1xx from TU':
        case '2xx from TU':
        case '300-699 from TU':
        case 'TimerG':
        case 'TimerH':
        case 'TimerL':
        case 'TransportError':
          return stay;
      }
      break;
    case 'Accepted':
      switch (event.type) {
        case 'INVITE':
          // @implements RFC6026 P17L6-P17L8, P6L1-P6L4
          return stay;
        case '2xx from TU':
          // The UA core's 2xx retransmissions go through the transaction now.
          // @implements RFC6026 P17L13-P17L15, P6L5-P6L9
          return { next: tx, actions: [{ do: 'send', message: event.response }] };
        case 'ACK':
          // The ACK for the 2xx belongs to the TU.
          // The ACK reaches this case when it matched the INVITE: an RFC 2543 ACK
          // (no magic cookie) or one reusing the INVITE's branch.
          // @implements RFC6026 P17L23-P17L25, P6L9-P6L11, P5L12-P5L17
          return event.request === undefined ? stay : { next: tx, actions: [{ do: 'passToTU', message: event.request }] };
        case 'TimerL':
          // @implements RFC6026 P17L25-P17L27, P6L13-P6L16
          return terminate(tx, []);
        case 'TransportError':
          return transportError(tx);
        case '1xx from TU':
        case '300-699 from TU':
        case 'TimerG':
        case 'TimerH':
        case 'TimerI':
          return stay;
      }
      break;
    case 'Terminated':
      return stay;
  }
  return stay;
}

/** A failed send: RFC 3261 terminates; RFC 6026 (its Figure 2) keeps the state. Either way the TU hears of it. */
function transportError<M>(tx: InviteServer<M>): Transition<InviteServer<M>, M> {
  const inform: Action<M>[] = [{ do: 'informTU', failure: 'transportError' }];
  // @implements RFC6026 P17L36-P17L40, P5L1-P5L3, P6L20-P6L23
  if (tx.rfc6026) return { next: tx, actions: inform };
  // @implements RFC3261 P141L16-P141L20
  return terminate(tx, inform);
}

// @implements RFC3261 P137L8-P137L9
// @implements RFC6026 P17L29-P17L30
function terminate<M>(tx: InviteServer<M>, actions: Action<M>[]): Transition<InviteServer<M>, M> {
  return { next: { ...tx, state: 'Terminated' }, actions };
}
