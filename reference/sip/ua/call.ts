// @implements RFC3261 (SIP)
/**
 * A call: one INVITE and the session (dialog) it sets up, seen from either
 * side. The UserAgent (userAgent.ts) creates calls and drives them; a Call
 * holds the state and offers what an application does with a call —
 * answer or reject it (UAS), cancel it (UAC), hang up (both).
 *
 * Its state is the machine `transition` (state × event, each state with its
 * own fields); the cores drive it, the application reads `state`/`status`.
 *
 * Events: 'progress' (1xx), 'answered' (2xx sent or received), 'confirmed'
 * (UAS: the ACK arrived), 'cancelled' (UAS: a CANCEL arrived), 'failed'
 * (a non-2xx final status, timeout as 408), 'ended' (BYE sent or received).
 */
import { EventEmitter } from 'node:events';
import type { Request, Response } from '../syntax/message.ts';
import type { ServerTransaction } from '../transaction/layer.ts';
import type { Origin } from '../transport/layer.ts';
import type { Accepted2xx } from './accepted.ts';
import type { TimerHandle } from '../clock.ts';
import type { Dialog } from './dialog.ts';

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

/** What the call asks of its UserAgent (kept narrow so a Call is plain state). */
export interface CallDriver {
  accept(call: Call, body?: string): void;
  reject(call: Call, status: number, reason?: string): void;
  ring(call: Call): void;
  cancel(call: Call): Promise<number>;
  bye(call: Call): Promise<number>;
  reinvite(call: Call, body?: string): Promise<number>;
}

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

export class Call extends EventEmitter {
  #phase: CallPhase;
  dialog: Dialog | undefined;
  /** The body of the other side's offer or answer. */
  remoteBody: Uint8Array | undefined;

  constructor(
    readonly role: 'UAC' | 'UAS',
    /** The INVITE (for a UAC: the latest one sent, after an authentication retry). */
    public invite: Request,
    /** The UAS's To tag for every response to this INVITE (§8.2.6.2). */
    readonly localTag: string | undefined,
    private readonly driver: CallDriver,
    /** UAS: the INVITE server transaction and where the INVITE came from. */
    readonly transaction?: ServerTransaction,
    readonly origin?: Origin,
  ) {
    super();
    this.#phase = role === 'UAC' ? { name: 'Calling', role, cancel: undefined } : { name: 'Calling', role, ringAgain: undefined };
  }

  get phase(): CallPhase {
    return this.#phase;
  }

  get state(): CallState {
    return this.#phase.name;
  }

  /** A re-INVITE this UA sent has no final response yet (§14.1: none is sent, and one received gets 491, meanwhile). */
  get reinviting(): boolean {
    return this.#phase.name === 'Confirmed' && this.#phase.reinvite !== undefined;
  }

  /** The final status: 200 when answered, the failure status otherwise. */
  get status(): number | undefined {
    const p = this.#phase;
    switch (p.name) {
      case 'Calling':
        return undefined;
      case 'Answered':
        return 200;
      case 'Confirmed':
      case 'Failed':
      case 'Ended':
        return p.status;
      default:
        return unreachable(p);
    }
  }

  /**
   * The call's machine, state × event. An event the RFC does not allow in a
   * state throws, naming both; the cores check what the RFC says to ignore
   * (a second final response, §13.2.2.4) before they get here.
   */
  transition(event: CallEvent): void {
    const p = this.#phase;
    const refuse = () => new Error(`${this.role} call ${this.invite.headers.get('Call-ID')}: ${event.type} in state ${p.name}`);
    switch (p.name) {
      case 'Calling':
        switch (event.type) {
          // Only the caller cancels, once; the CANCEL itself waits in the transaction layer.
          // @implements RFC3261 P53L41-P53L42, P54L26-P54L28
          case 'cancel':
            if (p.role !== 'UAC' || p.cancel !== undefined) throw refuse();
            this.#phase = { ...p, cancel: event.outcome };
            return;
          // @implements RFC3261 P84L33-P84L35
          case 'ring again':
            if (p.role !== 'UAS') throw refuse();
            this.#phase = { ...p, ringAgain: event.timer };
            return;
          // @implements RFC3261 P82L13-P82L18
          case '2xx received':
            if (p.role !== 'UAC') throw refuse();
            this.#phase = { name: 'Confirmed', status: event.status, reinvite: undefined };
            return;
          // @implements RFC3261 P85L37-P85L42
          case '2xx sent':
            if (p.role !== 'UAS') throw refuse();
            this.#phase = { name: 'Answered', answer: event.answer, accepted: event.accepted, bye: undefined };
            return;
          // @implements RFC3261 P81L46-P81L47, P77L32-P77L35
          case 'non-2xx final':
            this.#phase = { name: 'Failed', status: event.status };
            return;
          // The caller may end an early dialog with BYE; the callee must not, but receives one (§15).
          // @implements RFC3261 P89L46-P89L48
          case 'BYE':
            this.#phase = { name: 'Ended', status: undefined };
            return;
          case 'ACK':
          case 'no ACK':
          case 'BYE wanted':
          case 're-INVITE sent':
          case 're-INVITE done':
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
            this.#phase = { name: 'Confirmed', status: 200, reinvite: undefined };
            return;
          // @implements RFC3261 P89L47-P90L3
          case 'BYE wanted':
            if (p.bye !== undefined) throw refuse();
            this.#phase = { ...p, bye: event.outcome };
            return;
          // A BYE from the caller before its ACK ends the session all the same.
          // @implements RFC3261 P91L18-P91L21
          case 'BYE':
            this.#phase = { name: 'Ended', status: 200 };
            return;
          case 'cancel':
          case 'ring again':
          case '2xx received':
          case '2xx sent':
          case 'non-2xx final':
          case 're-INVITE sent':
          case 're-INVITE done':
            throw refuse();
          default:
            return unreachable(event);
        }
      case 'Confirmed':
        switch (event.type) {
          // A retransmitted ACK (one per 2xx retransmission) changes nothing.
          case 'ACK':
            return;
          // @implements RFC3261 P87L23-P87L25
          case 're-INVITE sent':
            if (p.reinvite !== undefined) throw refuse();
            this.#phase = { ...p, reinvite: event.outcome };
            return;
          // The re-INVITE is no longer in progress: another may be sent.
          // @implements RFC3261 P87L23-P87L25
          case 're-INVITE done':
            this.#phase = { ...p, reinvite: undefined };
            return;
          // @implements RFC3261 P77L35-P77L37
          case 'BYE':
            this.#phase = { name: 'Ended', status: p.status };
            return;
          case 'cancel':
          case 'ring again':
          case '2xx received':
          case '2xx sent':
          case 'non-2xx final':
          case 'no ACK':
          case 'BYE wanted':
            throw refuse();
          default:
            return unreachable(event);
        }
      case 'Ended':
        // A re-INVITE's final response may come after the BYE that ended the call.
        if (event.type === 're-INVITE done') return;
        throw refuse();
      case 'Failed':
        throw refuse();
      default:
        return unreachable(p);
    }
  }

  /** UAS: send 180 (Ringing). */
  ring(): void {
    this.driver.ring(this);
  }

  /** UAS: answer with 200 (OK) and a session description. */
  accept(body?: string): void {
    this.driver.accept(this, body);
  }

  /** UAS: answer with a failure status (486 Busy Here, 603 Decline, …). */
  reject(status = 486, reason?: string): void {
    this.driver.reject(this, status, reason);
  }

  /** UAC: give up the attempt (§9.1). Resolves with the CANCEL's final status (0 if none was sent). */
  cancel(): Promise<number> {
    return this.driver.cancel(this);
  }

  /** Both: end the session (§15.1.1). Resolves with the BYE's final status (408 on timeout). */
  bye(): Promise<number> {
    return this.driver.bye(this);
  }

  /** Both: a re-INVITE with a new (or the same) session description (§14.1). Resolves with its final status. */
  reinvite(body?: string): Promise<number> {
    return this.driver.reinvite(this, body);
  }

  /** Resolves when the call is answered (true) or failed (false). */
  answered(): Promise<boolean> {
    if (this.state === 'Confirmed' || this.state === 'Answered') return Promise.resolve(true);
    if (this.state === 'Failed' || this.state === 'Ended') return Promise.resolve(this.status !== undefined && this.status < 300);
    return new Promise((resolve) => {
      this.once('answered', () => resolve(true));
      this.once('failed', () => resolve(false));
    });
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown call state or event ${JSON.stringify(value)}`);
}
