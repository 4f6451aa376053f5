/**
 * A call: one INVITE and the session (dialog) it sets up, seen from either
 * side, as an application handles it. The UserAgent (userAgent.ts) creates
 * calls and drives them; a Call holds the state and offers what an
 * application does with a call — answer or reject it (UAS), cancel it (UAC),
 * hang up (both).
 *
 * Its state is the machine of callMachine.ts (state × event, each state with
 * its own fields), which holds the rules; the cores drive it through
 * `transition`, the application reads `state`/`status`. This file is the
 * handle around it: accessors, and methods that pass to the UserAgent.
 *
 * Events: 'progress' (1xx), 'answered' (2xx sent or received), 'confirmed'
 * (UAS: the ACK arrived), 'cancelled' (UAS: a CANCEL arrived), 'failed'
 * (a non-2xx final status, timeout as 408), 'ended' (BYE sent or received),
 * 'reinvited' (status, retry: each final response to a re-INVITE of ours, its §14.1 retry included),
 * 'streams' (each new set of negotiated streams: an answer sent or received, a re-INVITE's included).
 */
import { EventEmitter } from 'node:events';
import type { Request } from '../syntax/message.ts';
import type { ServerTransaction } from '../transaction/layer.ts';
import type { Origin } from '../transport/layer.ts';
import type { Dialog } from './dialog.ts';
import type { SessionDescription } from '../../sdp/description/types.ts';
import { startOfferAnswer, type Capabilities, type NegotiatedStream, type OfferAnswer } from '../../sdp/offerAnswer/index.ts';
import type { Change } from './session.ts';
import { callingPhase, callTransition, unreachable, type CallEvent, type CallPhase, type CallState } from './callMachine.ts';

export type { CallEvent, CallPhase, CallState } from './callMachine.ts';

/** What the call asks of its UserAgent (kept narrow so a Call is plain state). */
export interface CallDriver {
  accept(call: Call): void;
  reject(call: Call, status: number, reason?: string): void;
  ring(call: Call): void;
  cancel(call: Call): Promise<number>;
  bye(call: Call): Promise<number>;
  reinvite(call: Call, change?: Change): Promise<number>;
}

export class Call extends EventEmitter {
  #phase: CallPhase;
  dialog: Dialog | undefined;
  /** The body of the other side's offer or answer. */
  remoteBody: Uint8Array | undefined;
  /** The call's offer/answer machine (RFC 3264 §4; session.ts steps it): one per call, as the call has one dialog. */
  offerAnswer: OfferAnswer = startOfferAnswer();
  /** UAS: the answer to the INVITE's offer, made when it arrived, sent in the 2xx. */
  answer: SessionDescription | undefined;
  /** UAC: the dialog (key) of the provisional response that brought the answer, if one did. */
  answerFrom: string | undefined;
  /** What this call's later offers and answers are made of, when not the UA's (a media port of its own). */
  media: Capabilities | undefined;
  #streams: NegotiatedStream[] | undefined;

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
    this.#phase = callingPhase(role);
  }

  /** The streams the latest offer/answer exchange settled, from our side; each new settlement is emitted as 'streams'. */
  get streams(): NegotiatedStream[] | undefined {
    return this.#streams;
  }

  set streams(streams: NegotiatedStream[] | undefined) {
    this.#streams = streams;
    if (streams !== undefined) this.emit('streams', streams);
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

  /** The call's machine (callMachine.ts) takes `event`: refused, it throws naming the call, the event and the state. */
  transition(event: CallEvent): void {
    this.#phase = callTransition(this.#phase, event, () => `${this.role} call ${this.invite.headers.get('Call-ID')}`);
  }

  /** UAS: send 180 (Ringing). */
  ring(): void {
    this.driver.ring(this);
  }

  /** UAS: answer with 200 (OK) and the answer to the INVITE's offer (or our offer, when it had none). */
  accept(): void {
    this.driver.accept(this);
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

  /**
   * Both: a re-INVITE offering our capabilities again, or putting the session
   * on hold or off it (§14.1, RFC 3264 §8.4). Resolves with its final status;
   * a 491 is retried after §14.1's random delay ('reinvited' tells each final status).
   */
  reinvite(change: Change = 'offer'): Promise<number> {
    return this.driver.reinvite(this, change);
  }

  /** The last session description each side sent, once an exchange is complete (undefined before). */
  get session(): { local?: SessionDescription; remote?: SessionDescription } {
    const oa = this.offerAnswer;
    const stable = oa.state === 'Stable' ? oa : oa.stable;
    return { local: stable.local, remote: stable.remote };
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
