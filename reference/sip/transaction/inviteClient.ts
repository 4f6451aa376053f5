// @implements RFC3261 (SIP)
// @implements RFC6026 (Correct Transaction Handling for 2xx Responses to INVITE)
/**
 * The INVITE client transaction (RFC 3261 §17.1.1.2, Figure 5) as a pure
 * state × event function. States: Calling, Proceeding, Completed, Terminated.
 *
 * By default this is the machine exactly as RFC 3261 draws it: a 2xx moves it
 * straight to Terminated and later 2xx retransmissions reach the TU as stray
 * responses (§17.1.1.2). With `rfc6026: true` it is RFC 6026's Figure 5
 * instead: a 2xx leads to "Accepted", where further 2xx responses are passed
 * up until Timer M fires.
 */
import { retransmit, type Action, type Transition } from './actions.ts';
import { initialTimerA, nextTimerA, timerB, timerD, timerM, type TimerValues } from './timers.ts';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

export interface InviteClient<M> {
  state: InviteClientState;
  /** The INVITE, kept so a retransmission sends the very same message. */
  request: M;
  reliable: boolean;
  timers: TimerValues;
  /** The interval Timer A was last started with. */
  timerA: number;
  /** RFC 6026's Accepted state instead of terminating on a 2xx. */
  rfc6026: boolean;
}

export type InviteClientEvent<M> =
  | { type: 'TimerA' }
  | { type: 'TimerB' }
  | { type: 'TimerD' }
  | { type: 'TimerM' }
  | { type: '1xx'; response: M }
  | { type: '2xx'; response: M }
  | { type: '300-699'; response: M }
  | { type: 'TransportError' };

/** The TU initiates the transaction: enter Calling and send the INVITE. */
export function startInviteClient<M>(
  request: M,
  options: { reliable: boolean; timers: TimerValues; rfc6026?: boolean },
): Transition<InviteClient<M>, M> {
  // @implements RFC3261 P125L34-P125L38
  const next: InviteClient<M> = {
    state: 'Calling',
    request,
    reliable: options.reliable,
    timers: options.timers,
    timerA: initialTimerA(options.timers),
    rfc6026: options.rfc6026 === true,
  };
  const actions: Action<M>[] = [{ do: 'send', message: request }];
  // @implements RFC3261 P125L38-P125L41
  if (!options.reliable) actions.push({ do: 'startTimer', timer: 'A', ms: next.timerA });
  // @implements RFC3261 P125L41-P125L43
  actions.push({ do: 'startTimer', timer: 'B', ms: timerB(options.timers) });
  return { next, actions };
}

export function inviteClientStep<M>(
  tx: InviteClient<M>,
  event: InviteClientEvent<M>,
): Transition<InviteClient<M>, M> {
  const stay = { next: tx, actions: [] };
  switch (tx.state) {
    case 'Calling':
      switch (event.type) {
        case 'TimerA': {
          // @implements RFC3261 P125L45-P126L3, P126L5-P126L8
          const timerA = nextTimerA(tx.timerA);
          return retransmit({ ...tx, timerA }, tx.request, 'A', timerA);
        }
        case 'TimerB':
          // @implements RFC3261 P126L21-P126L23
          return terminate(tx, [{ do: 'informTU', failure: 'timeout' }]);
        case '1xx':
          // Timer B only guards Calling; once a provisional arrives the INVITE
          // may take as long as the callee needs (a proxy's Timer C covers that).
          // @implements RFC3261 P126L27-P126L31
          return {
            next: { ...tx, state: 'Proceeding' },
            actions: [
              { do: 'stopTimer', timer: 'A' },
              { do: 'stopTimer', timer: 'B' },
              { do: 'passToTU', message: event.response },
            ],
          };
        case '2xx':
          return accept(tx, event.response);
        case '300-699':
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P134L1-P134L3
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerD':
        case 'TimerM':
          return stay;
      }
      break;
    case 'Proceeding':
      switch (event.type) {
        case '1xx':
          // @implements RFC3261 P126L31-P126L32
          return { next: tx, actions: [{ do: 'passToTU', message: event.response }] };
        case '2xx':
          return accept(tx, event.response);
        case '300-699':
          return complete(tx, event.response);
        case 'TransportError':
          // @implements RFC3261 P134L1-P134L3
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case 'TimerA': // retransmissions stopped on leaving Calling
          // @implements RFC3261 P126L9-P126L10, P126L28-P126L30
          // @exception RFC3581 P3L45-P3L47: this is RFC 3261's Figure 5, which stops retransmitting in Proceeding; refreshing a NAT binding during a long INVITE is left to the TU
          // @exception RFC3581 P4L1-P4L7: no binding-lifetime discovery (RFC 3489 §10.2), so the retransmission intervals stay those of RFC 3261
          return stay;
        case 'TimerB':
        case 'TimerD':
        case 'TimerM':
          return stay;
      }
      break;
    case 'Completed':
      switch (event.type) {
        case '300-699':
          // A retransmitted final response: ACK again, keep it from the TU.
          // @implements RFC3261 P127L5-P127L8
          // @implements RFC6026 P12L30-P12L33
          return { next: tx, actions: [{ do: 'sendAck', response: event.response }] };
        case 'TimerD':
          // @implements RFC3261 P128L42-P128L43
          // @implements RFC6026 P12L39-P12L41
          return terminate(tx, []);
        case 'TransportError':
          // Figure 5: Completed --Transport Err./Inform TU--> Terminated.
          // @implements RFC3261 P128L24-P128L26
          return terminate(tx, [{ do: 'informTU', failure: 'transportError' }]);
        case '1xx':
        case '2xx':
        case 'TimerA':
        case 'TimerB':
        case 'TimerM':
          return stay;
      }
      break;
    case 'Accepted':
      switch (event.type) {
        case '2xx':
          // A retransmission, or a 2xx from another branch of a fork: the TU
          // (UA core) ACKs each; the transaction never does.
          // @implements RFC6026 P13L11-P13L14, P9L13-P9L17
          return { next: tx, actions: [{ do: 'passToTU', message: event.response }] };
        case 'TimerM':
          // @implements RFC6026 P13L16-P13L17, P9L19-P9L22
          return terminate(tx, []);
        case '1xx':
        case '300-699':
        case 'TimerA':
        case 'TimerB':
        case 'TimerD':
        case 'TransportError':
          return stay;
      }
      break;
    case 'Terminated':
      return stay;
  }
  return stay;
}

/** Calling/Proceeding + 2xx: up to the TU; Terminated (RFC 3261) or Accepted (RFC 6026). No ACK either way. */
function accept<M>(tx: InviteClient<M>, response: M): Transition<InviteClient<M>, M> {
  if (!tx.rfc6026) {
    // @implements RFC3261 P128L45-P128L47
    return terminate(tx, [{ do: 'passToTU', message: response }]);
  }
  // @implements RFC6026 P12L43-P12L48, P9L10-P9L17, P4L42-P4L45
  return {
    next: { ...tx, state: 'Accepted' },
    actions: [
      { do: 'stopTimer', timer: 'A' },
      { do: 'stopTimer', timer: 'B' },
      { do: 'passToTU', message: response },
      { do: 'startTimer', timer: 'M', ms: timerM(tx.timers) },
    ],
  };
}

/** Calling/Proceeding + 300-699: to Completed, response up, ACK out, Timer D. */
function complete<M>(tx: InviteClient<M>, response: M): Transition<InviteClient<M>, M> {
  // RFC 6026 restates these rules (Timer D now a MUST) without changing what is done.
  // @implements RFC3261 P126L34-P126L41
  // @implements RFC6026 P12L6-P12L19
  const actions: Action<M>[] = [
    { do: 'stopTimer', timer: 'A' },
    { do: 'stopTimer', timer: 'B' },
    { do: 'passToTU', message: response },
    { do: 'sendAck', response },
  ];
  // @implements RFC3261 P126L42-P126L45
  actions.push({ do: 'startTimer', timer: 'D', ms: timerD(tx.reliable) });
  return { next: { ...tx, state: 'Completed' }, actions };
}

// @implements RFC3261 P129L7-P129L8
// @implements RFC6026 P13L19-P13L20
function terminate<M>(tx: InviteClient<M>, actions: Action<M>[]): Transition<InviteClient<M>, M> {
  return { next: { ...tx, state: 'Terminated' }, actions };
}
