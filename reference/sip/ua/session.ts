// @implements RFC3261 (SIP)
/**
 * The session of a call as SIP carries it (RFC 3261 §13.2.1, §13.3.1, §14
 * on RFC 3264): which bodies are session descriptions, how one is read, and
 * each step of the call's offer/answer machine (reference/sdp/offerAnswer/
 * machine.ts, one per call) with the SDP it sends. Each function takes the
 * machine's state and returns the next one with what to send; where the
 * offer and the answer go (INVITE, 2xx, ACK, re-INVITE) is the cores'.
 *
 * Security of the offers and answers is SIP's to give (RFC 3264 §11):
 * @exception RFC3264 P23L13-P23L19: this UA has no S/MIME (RFC 3261 §23) and no TLS, so its offers and answers carry no end-to-end authentication, integrity or encryption
 * @exception RFC3264 P23L23-P23L25: an old offer is refused within a dialog (CSeq order, 500; the o= version must go up by one, 400), but without TLS or S/MIME nothing stops a forged one
 */
import { parse } from '../../sdp/description/parse.ts';
import { serialize } from '../../sdp/description/serialize.ts';
import { SdpError } from '../../sdp/description/errors.ts';
import type { Direction, SessionDescription } from '../../sdp/description/types.ts';
import { directionOf } from '../../sdp/description/direction.ts';
import {
  createAnswer,
  createOffer,
  hold,
  offerAnswerStep,
  OfferAnswerStateError,
  processAnswer,
  resume,
  startOfferAnswer,
  type Capabilities,
  type NegotiatedStream,
  type OfferAnswer,
} from '../../sdp/offerAnswer/index.ts';
import type { Request, Response } from '../syntax/message.ts';

/** What a re-INVITE of ours offers: our capabilities again, the session on hold, or off hold (RFC 3264 §8.4). */
export type Change = 'offer' | 'hold' | 'resume';

/** Why an offer is refused, as the response says it: 400 (unreadable), 488 (nothing acceptable, §13.3.1.3), 491 (glare, §14.2). */
export interface Refusal {
  status: 400 | 488 | 491;
  /** A Warning's code and text (RFC 3261 §20.43); 399 for an unreadable body. */
  warning?: { code: number; text: string };
  reason: string;
}

/**
 * The session description a message carries, if any: a body of type
 * application/sdp whose disposition is "session" (the default for that type).
 * A body of another disposition is not an offer or an answer.
 */
// @implements RFC3261 P80L39-P80L41, P80L46-P80L48
export function sessionBody(message: Request | Response): Uint8Array | undefined {
  if (message.body.length === 0) return undefined;
  const type = (message.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  const disposition = (message.headers.get('Content-Disposition') ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/sdp' && (disposition === '' || disposition === 'session') ? message.body : undefined;
}

/**
 * A body read as SDP (RFC 8866, leniently: RFC 3264's examples put t= before
 * c=), or why it cannot be: the rule it breaks and its line and column. A
 * second description in the body is a v= after the first one's m= lines,
 * which the parser refuses: a body holds exactly one.
 */
// @implements RFC3261 P80L34-P80L35
// @implements RFC3264 P5L15-P5L18
export function readSdp(body: Uint8Array): { ok: true; description: SessionDescription; warnings: string[] } | { ok: false; reason: string } {
  try {
    const { description, warnings } = parse(body, { lenient: true });
    return { ok: true, description, warnings: warnings.map((w) => `SDP line ${w.line}:${w.col}: ${w.rule}: ${w.message}`) };
  } catch (error) {
    if (!(error instanceof SdpError)) throw error;
    return { ok: false, reason: `SDP line ${error.line}:${error.col}: ${error.rule}: ${error.detail}` };
  }
}

/**
 * Our offer, the machine moved to HaveLocalOffer: the capabilities (a new
 * session, or a modification of the one so far), or the last SDP we sent put
 * on hold or taken off it. Refused (throws) while an offer is outstanding.
 */
// @implements RFC3261 P80L35-P80L37, P86L41-P86L46
export function sendOffer(state: OfferAnswer, local: Capabilities, change: Change = 'offer'): { state: OfferAnswer; offer: SessionDescription; body: string } {
  const sent = state.state === 'Stable' ? state.local : undefined;
  if (change !== 'offer' && sent === undefined) throw new Error(`cannot ${change}: no session description was sent yet`);
  // A new offer in a session names its version change (RFC 3264 §8 does it: the version one more).
  // @implements RFC3261 P87L5-P87L7
  const offer = change === 'hold' ? hold(sent!) : change === 'resume' ? resume(state.state === 'Stable' ? state : sent!, local) : createOffer(local, state.state === 'Stable' ? state : undefined);
  return { state: offerAnswerStep(state, { type: 'sendOffer', offer }), offer, body: serialize(offer) };
}

/**
 * The answer to an offer received, the machine in HaveRemoteOffer until the
 * answer is sent (`sendAnswer`); or the refusal, the machine back where it
 * was (the session unchanged): 400 naming the SDP error, 488 with the
 * Warning that says why nothing is acceptable, 491 when ours is outstanding.
 */
// @implements RFC3261 P80L35-P80L37
export function receiveOffer(state: OfferAnswer, body: Uint8Array, local: Capabilities): { ok: true; state: OfferAnswer; answer: SessionDescription; streams: NegotiatedStream[]; warnings: string[] } | ({ ok: false; state: OfferAnswer } & Refusal) {
  const read = readSdp(body);
  // @implements RFC3261 P185L38-P185L40
  if (!read.ok) return { ok: false, state, status: 400, warning: { code: 399, text: read.reason }, reason: read.reason };
  let offered: OfferAnswer;
  try {
    offered = offerAnswerStep(state, { type: 'receiveOffer', offer: read.description });
  } catch (error) {
    // @implements RFC3261 P88L33-P88L35
    if (error instanceof OfferAnswerStateError && error.glare) return { ok: false, state, status: 491, reason: error.message };
    throw error;
  }
  const stable = offered.state === 'HaveRemoteOffer' ? offered.stable : undefined;
  const result = createAnswer(read.description, local, stable);
  if (!result.ok) {
    const refused = offerAnswerStep(offered, { type: 'rejectOffer' });
    // @implements RFC3261 P85L16-P85L18
    if (result.status === 488) return { ok: false, state: refused, status: 488, warning: { code: result.warning.code, text: `${result.warning.text}: ${result.reason}` }, reason: result.reason };
    return { ok: false, state: refused, status: 400, warning: { code: 399, text: `${result.rule}: ${result.reason}` }, reason: `${result.rule}: ${result.reason}` };
  }
  return { ok: true, state: offered, answer: result.answer, streams: result.streams, warnings: read.warnings };
}

/** The answer goes (in the 2xx or the ACK): its body, and the machine Stable again. */
export function sendAnswer(state: OfferAnswer, answer: SessionDescription): { state: OfferAnswer; body: string } {
  return { state: offerAnswerStep(state, { type: 'sendAnswer', answer }), body: serialize(answer) };
}

/** We refused the peer's offer (a non-2xx final response, §13.3.1.3): the session stays as it was. */
export function refusedOffer(state: OfferAnswer): OfferAnswer {
  // @implements RFC3264 P4L25-P4L27
  return state.state === 'HaveRemoteOffer' ? offerAnswerStep(state, { type: 'rejectOffer' }) : state;
}

/**
 * The answer to our offer, or why there is none: the body missing, unreadable
 * or breaking a rule of RFC 3264 §6 — the offer then counts as refused and
 * the session stays as it was.
 */
export function receiveAnswer(state: OfferAnswer, body: Uint8Array | undefined): { ok: true; state: OfferAnswer; answer: SessionDescription; streams: NegotiatedStream[]; warnings: string[] } | { ok: false; state: OfferAnswer; reason: string } {
  if (state.state !== 'HaveLocalOffer') throw new Error(`offer/answer: an answer arrived in ${state.state}, with no offer of ours outstanding`);
  // A refused answer leaves the session as it was before the offer.
  // @implements RFC3264 P4L27-P4L29
  const refused = (reason: string) => ({ ok: false as const, state: offerAnswerStep(state, { type: 'offerRejected' }), reason });
  if (body === undefined) return refused('no session description where the answer must be');
  const read = readSdp(body);
  if (!read.ok) return refused(read.reason);
  const checked = processAnswer(state.offer, read.description);
  if (!checked.ok) return refused(`${checked.rule}: ${checked.reason}`);
  return { ok: true, state: offerAnswerStep(state, { type: 'receiveAnswer', answer: read.description }), answer: read.description, streams: checked.streams, warnings: read.warnings };
}

/**
 * The machine of a dialog that starts from an offer already sent (the INVITE's,
 * `offer`) and is answered on its own: another fork's.
 */
export function offerAgain(offer: Uint8Array): OfferAnswer {
  const read = readSdp(offer);
  if (!read.ok) throw new Error(`our own offer does not parse: ${read.reason}`);
  return offerAnswerStep(startOfferAnswer(), { type: 'sendOffer', offer: read.description });
}

/** The peer refused our offer (a non-2xx final response, 491 included): the session stays as it was. */
export function offerRefused(state: OfferAnswer): OfferAnswer {
  return state.state === 'HaveLocalOffer' ? offerAnswerStep(state, { type: 'offerRejected' }) : state;
}

/**
 * A valid answer that accepts nothing: every offered stream rejected with
 * port 0, in the offer's order, with its time description. The UAC sends it
 * in the ACK when the offer of a 2xx is not acceptable, then hangs up.
 */
// @implements RFC3261 P82L37-P82L39
// @implements RFC3264 P9L14-P9L18, P9L20-P9L21, P9L25-P9L28
export function refusingAnswer(offer: SessionDescription, local: Capabilities): SessionDescription {
  const ours = createOffer({ ...local, media: [] });
  return {
    ...ours,
    timings: offer.timings.map((t) => ({ ...t, repeats: [...t.repeats] })),
    media: offer.media.map((m) => ({ media: m.media, port: 0, proto: m.proto, formats: m.formats.slice(0, 1), connections: [], bandwidths: [], attributes: [] })),
  };
}

/**
 * The answer to the offer of a 2xx (our INVITE had none), for its ACK: the
 * answer, or — when nothing offered is acceptable — a valid answer accepting
 * nothing; `ok` false when there is no usable session (the caller hangs up).
 * A 2xx without an offer breaks §13.2.1, and one that cannot be read gets an
 * ACK without a body: there is nothing to answer.
 */
// @implements RFC3261 P80L11-P80L14, P82L35-P82L39
export function answerInAck(state: OfferAnswer, body: Uint8Array | undefined, local: Capabilities): { ok: boolean; state: OfferAnswer; body?: string; streams?: NegotiatedStream[]; reason?: string } {
  // @implements RFC3261 P79L43-P79L46
  if (body === undefined) return { ok: false, state, reason: 'the 2xx to an INVITE without an offer carries none' };
  const answered = receiveOffer(state, body, local);
  if (answered.ok) {
    const sent = sendAnswer(answered.state, answered.answer);
    return { ok: true, state: sent.state, body: sent.body, streams: answered.streams };
  }
  const read = readSdp(body);
  if (!read.ok) return { ok: false, state: answered.state, reason: answered.reason };
  return { ok: false, state: answered.state, body: serialize(refusingAnswer(read.description, local)), reason: answered.reason };
}

/**
 * Our capabilities as an SDP that sets up no stream (RFC 3264 §9), for the
 * 200 to an OPTIONS and the 488 to an INVITE: a new session each time, t=0 0,
 * one m= line per stream with every format and its rtpmap, and port 0.
 */
// @implements RFC3264 P18L35-P18L41, P18L46-P19L1
export function capabilitiesSdp(local: Capabilities): string {
  return serialize(createOffer({ ...local, media: local.media.map((m) => ({ ...m, port: 0 })) }));
}

/** The o= version and each stream's direction of an SDP, as the logs and the CLI show them. */
export function summary(description: SessionDescription): { version: bigint; directions: Direction[] } {
  return { version: description.origin.sessionVersion, directions: description.media.map((m) => directionOf(description, m)) };
}
