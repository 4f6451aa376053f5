// @implements RFC3261 (SIP)
/**
 * A call's machine: the states of one INVITE and the session it sets up, as
 * §13 (initiating), §14 (modifying) and §15 (ending) describe them, seen from
 * either side. `callTransition` is state × event, each state with its own
 * fields; an event the RFC does not allow in a state throws, naming both.
 * The Call (call.ts) holds the phase and is what an application handles.
 */
import type { Response } from '../syntax/message.ts';
import type { TimerHandle } from '../../clock.ts';
import type { Accepted2xx } from './accepted.ts';

export type CallState =
  /** UAC: INVITE sent, no final response yet. UAS: INVITE received, not answered yet. */
  | 'Calling'
  /** UAS: 2xx sent, waiting for the ACK. */
  | 'Answered'
  /** The ACK was sent (UAC) or received (UAS): the session is up. */
  | 'Confirmed'
  /** A non-2xx final response ended the attempt. */
  | 'Failed'
  /** BYE sent or received. */
  | 'Ended';

/**
 * Where a call stands, each state with what it needs (§13, §14, §15): the
 * pending CANCEL of a caller, the 180 timer of a callee, the 2xx being
 * retransmitted until the ACK, the pending re-INVITE of a session.
 */
export type CallPhase =
  /** UAC: INVITE sent, no final response. `cancel`: the CANCEL's outcome, once the user asked for one (§9.1). */
  | { name: 'Calling'; role: 'UAC'; cancel: Promise<number> | undefined }
  /** UAS: INVITE received, not answered. `ringAgain`: the timer that sends the 180 again (§13.3.1.1). */
  | { name: 'Calling'; role: 'UAS'; ringAgain: TimerHandle | undefined }
  /** UAS: the 2xx is retransmitted until the ACK (§13.3.1.4); `bye`: a BYE asked for meanwhile waits for it (§15). */
  | { name: 'Answered'; answer: Response; accepted: Accepted2xx; bye: Promise<number> | undefined }
  /** The session is up. `reinvite`: a re-INVITE this UA sent that has no final response yet (§14.1). */
  | { name: 'Confirmed'; status: number; reinvite: Promise<number> | undefined }
  /** A non-2xx final response ended the attempt. */
  | { name: 'Failed'; status: number }
  /** BYE sent or received. */
  | { name: 'Ended'; status: number | undefined };

export type CallEvent =
  | { type: 'cancel'; outcome: Promise<number> }
  | { type: 'ring again'; timer: TimerHandle | undefined }
  | { type: '2xx received'; status: number }
  | { type: '2xx sent'; answer: Response; accepted: Accepted2xx }
  | { type: 'non-2xx final'; status: number }
  | { type: 'ACK' }
  | { type: 'no ACK' }
  | { type: 'BYE wanted'; outcome: Promise<number> }
  | { type: 're-INVITE sent'; outcome: Promise<number> }
  | { type: 're-INVITE done' }
  | { type: 'BYE' };

/** A call starts Calling: the UAC has sent its INVITE, the UAS has received one. */
export function callingPhase(role: 'UAC' | 'UAS'): CallPhase {
  return role === 'UAC' ? { name: 'Calling', role, cancel: undefined } : { name: 'Calling', role, ringAgain: undefined };
}

/**
 * The phase `event` leads to from `p`. An event the RFC does not allow in a
 * state throws, naming the call (`who`), the event and the state; the cores
 * check what the RFC says to ignore (a second final response, §13.2.2.4)
 * before they get here.
 */
export function callTransition(p: CallPhase, event: CallEvent, who: () => string): CallPhase {
  const refuse = () => new Error(`${who()}: ${event.type} in state ${p.name}`);
  switch (p.name) {
    case 'Calling':
      switch (event.type) {
        // Only the caller cancels, once; the CANCEL itself waits in the transaction layer.
        // @implements RFC3261 P53L41-P53L42, P54L26-P54L28
        case 'cancel':
          if (p.role !== 'UAC' || p.cancel !== undefined) throw refuse();
          return { ...p, cancel: event.outcome };
        // @implements RFC3261 P84L33-P84L35
        case 'ring again':
          if (p.role !== 'UAS') throw refuse();
          return { ...p, ringAgain: event.timer };
        // @implements RFC3261 P82L13-P82L18
        case '2xx received':
          if (p.role !== 'UAC') throw refuse();
          return { name: 'Confirmed', status: event.status, reinvite: undefined };
        // @implements RFC3261 P85L37-P85L42
        case '2xx sent':
          if (p.role !== 'UAS') throw refuse();
          return { name: 'Answered', answer: event.answer, accepted: event.accepted, bye: undefined };
        // @implements RFC3261 P81L46-P81L47, P77L32-P77L35
        case 'non-2xx final':
          return { name: 'Failed', status: event.status };
        // The caller may end an early dialog with BYE; the callee must not, but receives one (§15).
        // @implements RFC3261 P89L46-P89L48
        case 'BYE':
          return { name: 'Ended', status: undefined };
        // A callee's BYE waits for no ACK here: it may not be sent on an early dialog at all.
        // @implements RFC3261 P89L47-P89L48
        case 'BYE wanted':
        // No re-INVITE while the INVITE is in progress.
        // @implements RFC3261 P87L23-P87L25
        case 're-INVITE sent':
        case 're-INVITE done':
        // No 2xx was sent: there is no ACK to wait for.
        case 'ACK':
        case 'no ACK':
          throw refuse();
        default:
          return unreachable(event);
      }
    case 'Answered':
      switch (event.type) {
        // The ACK confirms the session; with none after 64*T1 the dialog counts as confirmed all the same.
        // @implements RFC3261 P85L45-P85L47, P86L6-P86L9
        case 'ACK':
        case 'no ACK':
          return { name: 'Confirmed', status: 200, reinvite: undefined };
        // @implements RFC3261 P89L47-P90L3
        case 'BYE wanted':
          if (p.bye !== undefined) throw refuse();
          return { ...p, bye: event.outcome };
        // A BYE from the caller before its ACK ends the session all the same.
        // @implements RFC3261 P91L18-P91L21
        case 'BYE':
          return { name: 'Ended', status: 200 };
        // No re-INVITE until the INVITE's ACK is in.
        // @implements RFC3261 P87L23-P87L25
        case 're-INVITE sent':
        case 're-INVITE done':
        // The INVITE is answered: no other response to it, and the callee does not cancel.
        case 'cancel':
        case 'ring again':
        case '2xx received':
        case '2xx sent':
        case 'non-2xx final':
          throw refuse();
        default:
          return unreachable(event);
      }
    case 'Confirmed':
      switch (event.type) {
        // A retransmitted ACK (one per 2xx retransmission) changes nothing.
        case 'ACK':
          return p;
        // @implements RFC3261 P87L23-P87L25
        case 're-INVITE sent':
          if (p.reinvite !== undefined) throw refuse();
          return { ...p, reinvite: event.outcome };
        // The re-INVITE is no longer in progress: another may be sent.
        // @implements RFC3261 P87L23-P87L25
        case 're-INVITE done':
          return { ...p, reinvite: undefined };
        // @implements RFC3261 P77L35-P77L37
        case 'BYE':
          return { name: 'Ended', status: p.status };
        // The INVITE has its final response: a CANCEL would be a no-op.
        // @implements RFC3261 P54L28-P54L31
        case 'cancel':
        // Nor does another response to it change the session (a second 2xx is ACKed by the core, §13.2.2.4).
        case 'ring again':
        case '2xx received':
        case '2xx sent':
        case 'non-2xx final':
        // The ACK is in: a BYE waits for nothing.
        // @implements RFC3261 P90L1-P90L3
        case 'no ACK':
        case 'BYE wanted':
          throw refuse();
        default:
          return unreachable(event);
      }
    case 'Ended':
      // A re-INVITE's final response may come after the BYE that ended the call.
      if (event.type === 're-INVITE done') return p;
      throw refuse();
    case 'Failed':
      throw refuse();
    default:
      return unreachable(p);
  }
}

export function unreachable(value: never): never {
  throw new Error(`unknown call state or event ${JSON.stringify(value)}`);
}
