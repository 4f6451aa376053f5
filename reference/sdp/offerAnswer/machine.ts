// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * The offer/answer exchange of one session (§4) as a pure state × event
 * function. States:
 *
 * - Stable: no offer outstanding; the last SDP each side sent (none yet in
 *   a new session) is what a new offer or answer is built on.
 * - HaveLocalOffer: this agent sent an offer and awaits the answer.
 * - HaveRemoteOffer: this agent received an offer it has not answered.
 *
 * Each outstanding offer keeps the Stable state it left, so that a rejected
 * offer leaves the session as it was. An event §4 does not allow in a state
 * throws OfferAnswerStateError naming both; receiving an offer while one of
 * ours is outstanding is glare (SIP answers 491).
 */
import type { SessionDescription } from '../description/types.ts';
import { bindingsAfter, type Session } from './modify.ts';

/** No offer outstanding: the session so far (the last SDP each side sent, the payload type bindings of all). */
export type Stable = { state: 'Stable' } & Session;
export type OfferAnswer =
  | Stable
  | { state: 'HaveLocalOffer'; offer: SessionDescription; stable: Stable }
  | { state: 'HaveRemoteOffer'; offer: SessionDescription; stable: Stable };

export type OfferAnswerEvent =
  | { type: 'sendOffer'; offer: SessionDescription }
  | { type: 'receiveOffer'; offer: SessionDescription }
  | { type: 'sendAnswer'; answer: SessionDescription }
  | { type: 'receiveAnswer'; answer: SessionDescription }
  /** This agent refuses the offer it received (SIP: 488, 400). */
  | { type: 'rejectOffer' }
  /** The peer refused this agent's offer (SIP: a non-2xx final response, 491), or this agent refused its answer. */
  | { type: 'offerRejected' };

/** An event the state does not allow: loud, naming both and the rule. */
export class OfferAnswerStateError extends Error {
  /** An offer received while ours awaits its answer. */
  readonly glare: boolean;
  constructor(
    readonly state: OfferAnswer['state'],
    readonly event: OfferAnswerEvent['type'],
    readonly rule: string,
    why: string,
  ) {
    super(`offer/answer: ${event} is not allowed in ${state}: ${why} [${rule}]`);
    this.name = 'OfferAnswerStateError';
    this.glare = state === 'HaveLocalOffer' && event === 'receiveOffer';
  }
}

/** A new session: nothing offered yet. */
export const startOfferAnswer = (): Stable => ({ state: 'Stable' });

export function offerAnswerStep(oa: OfferAnswer, event: OfferAnswerEvent): OfferAnswer {
  const refuse = (rule: string, why: string): never => {
    throw new OfferAnswerStateError(oa.state, event.type, rule, why);
  };
  switch (oa.state) {
    case 'Stable':
      switch (event.type) {
        case 'sendOffer':
          // @implements RFC3264 P4L18-P4L19, P4L31-P4L32
          return { state: 'HaveLocalOffer', offer: event.offer, stable: oa };
        case 'receiveOffer':
          // @implements RFC3264 P4L25-P4L26
          return { state: 'HaveRemoteOffer', offer: event.offer, stable: oa };
        case 'sendAnswer':
        case 'receiveAnswer':
        case 'rejectOffer':
        case 'offerRejected':
          // @implements RFC3264 P3L38-P3L39
          return refuse('RFC3264 P3L38-P3L39', 'no offer is outstanding, and an answer (or a rejection) responds to an offer');
        default:
          return unknown(event);
      }
    case 'HaveLocalOffer':
      switch (event.type) {
        case 'receiveAnswer':
          // The answer ends the wait: either side may offer again.
          // @implements RFC3264 P4L34-P4L36
          return { state: 'Stable', local: oa.offer, remote: event.answer, bindings: bindingsAfter(oa.stable.bindings, oa.offer, event.answer) };
        case 'offerRejected':
          // @implements RFC3264 P4L27-P4L29
          return oa.stable;
        case 'sendOffer':
          // @implements RFC3264 P4L34-P4L36
          return refuse('RFC3264 P4L34-P4L36', 'this agent\'s offer has not been answered or rejected yet');
        case 'receiveOffer':
          // @implements RFC3264 P4L36-P4L38
          return refuse('RFC3264 P4L36-P4L38', 'glare: an offer arrived while this agent\'s offer awaits its answer');
        case 'sendAnswer':
        case 'rejectOffer':
          // @implements RFC3264 P3L38-P3L39
          return refuse('RFC3264 P3L38-P3L39', 'there is no offer from the peer to answer; this agent\'s own offer is outstanding');
        default:
          return unknown(event);
      }
    case 'HaveRemoteOffer':
      switch (event.type) {
        case 'sendAnswer':
          // @implements RFC3264 P4L25-P4L26, P4L32-P4L33
          return { state: 'Stable', local: event.answer, remote: oa.offer, bindings: bindingsAfter(oa.stable.bindings, oa.offer, event.answer) };
        case 'rejectOffer':
          // @implements RFC3264 P4L25-P4L29
          return oa.stable;
        case 'sendOffer':
          // @implements RFC3264 P4L32-P4L33
          return refuse('RFC3264 P4L32-P4L33', 'the offer received has not been answered or rejected yet');
        case 'receiveOffer':
          // The peer may not offer again before this agent answers its offer.
          // @implements RFC3264 P4L34-P4L36
          return refuse('RFC3264 P4L34-P4L36', 'the peer\'s earlier offer has not been answered or rejected yet');
        case 'receiveAnswer':
        case 'offerRejected':
          // @implements RFC3264 P3L38-P3L39
          return refuse('RFC3264 P3L38-P3L39', 'this agent has no offer outstanding; it owes an answer');
        default:
          return unknown(event);
      }
    default:
      return unknown(oa);
  }
}

function unknown(x: never): never {
  throw new Error(`offer/answer: unknown ${JSON.stringify(x)}`);
}
