// @implements RFC3261 (SIP)
/**
 * The UAS side of an INVITE (RFC 3261 §13.3): a new call offered to the
 * application, which rings, accepts or rejects it; the 2xx retransmitted
 * until its ACK (§13.3.1.4); and a re-INVITE within the dialog (§14.2).
 */
import { formatAddress } from '../syntax/address.ts';
import { quote } from '../syntax/grammar.ts';
import { callId, createResponse, cseq, type Request, type Response } from '../syntax/message.ts';
import type { Failure } from '../transaction/actions.ts';
import type { ServerTransaction } from '../transaction/layer.ts';
import type { Origin } from '../transport/layer.ts';
import { formatHost } from '../transport/via.ts';
import { Accepted2xx } from './accepted.ts';
import { Call } from './call.ts';
import { later, legKey, respond, type Core } from './core.ts';
import { Dialog, dialogKey, uasDialogId } from './dialog.ts';
import { setBody } from './uac.ts';
import { bye } from './uacCore.ts';
import { acceptsType, allowedMethods } from './uas.ts';
import { capabilitiesSdp, receiveAnswer, receiveOffer, refusedOffer, sendAnswer, sendOffer, sessionBody, type Refusal } from './session.ts';

/** A new INVITE outside any dialog: a new call, offered to the application. */
export function receiveInvite(core: Core, request: Request, transaction: ServerTransaction, origin: Origin, toTag: string): void {
  const call = new Call('UAS', request, toTag, core.owner, transaction, origin);
  call.remoteBody = request.body.length > 0 ? request.body : undefined;
  core.callOf.set(transaction, call);
  // A failure of the server transaction (no ACK for a non-2xx, transport error) ends the call.
  transaction.onFailure = (failure: Failure) => core.owner.log(`INVITE ${callId(request)} server transaction failed: ${failure}`);
  // The INVITE's offer is answered as it arrives: one this UA cannot take is
  // refused (400, 488) before the application sees the call.
  // @implements RFC3261 P83L42-P83L43
  const offer = sessionBody(request);
  if (offer !== undefined) {
    const answered = receiveOffer(call.offerAnswer, offer, core.media);
    call.offerAnswer = answered.state;
    if (!answered.ok) {
      respond(core, transaction, refusalResponse(core, request, answered, toTag));
      endUasAttempt(core, call, answered.status);
      return;
    }
    for (const warning of answered.warnings) core.owner.log(`INVITE ${callId(request)} offer: ${warning}`);
    call.answer = answered.answer;
    call.streams = answered.streams;
  }
  if (core.owner.listenerCount('invite') === 0) {
    call.reject(480);
    return;
  }
  // @implements RFC3261 P83L22-P83L27
  const expires = Number(request.headers.get('Expires'));
  if (request.headers.has('Expires') && Number.isFinite(expires) && expires >= 0) {
    later(core, expires * 1000, () => {
      if (call.state !== 'Calling' || call.transaction === undefined) return;
      respond(core, call.transaction, createResponse(request, 487, undefined, { toTag }));
      endUasAttempt(core, call, 487);
    });
  }
  core.owner.emit('invite', call);
}

export function ring(core: Core, call: Call): void {
  if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
  // No session description in a provisional: the one offer or answer of the
  // initial INVITE is the 2xx's.
  // @implements RFC3261 P80L22-P80L24
  const response = dialogResponse(core, call, 180);
  // A 180 with a To tag creates an early dialog (§13.3.1.1).
  // @implements RFC3261 P84L22-P84L26
  if (call.dialog === undefined) {
    call.dialog = Dialog.asUas(call.invite, response);
    core.calls.set(call.dialog.key, call);
  }
  respond(core, call.transaction, response);
  // A proxy may cancel after 3 minutes without a response: while the INVITE
  // is unanswered the 180 goes again every minute (ring() does nothing once
  // the call is answered, rejected or cancelled).
  // @implements RFC3261 P84L33-P84L35
  const phase = call.phase;
  if (phase.name === 'Calling' && phase.role === 'UAS' && phase.ringAgain !== undefined) return;
  const timer = later(core, 60_000, () => {
    if (call.state !== 'Calling') return;
    call.transition({ type: 'ring again', timer: undefined });
    ring(core, call);
  });
  call.transition({ type: 'ring again', timer });
}

export function accept(core: Core, call: Call): void {
  if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
  // The 2xx carries the answer to the INVITE's offer, or the offer when the
  // INVITE had none (answered in the ACK).
  // @implements RFC3261 P85L22-P85L24, P85L32-P85L35, P80L1-P80L3, P84L9-P84L10, P79L43-P79L46
  const sent = call.answer !== undefined ? sendAnswer(call.offerAnswer, call.answer) : sendOffer(call.offerAnswer, call.media ?? core.media);
  call.offerAnswer = sent.state;
  call.answer = undefined;
  const response = dialogResponse(core, call, 200, sent.body);
  // Built from the 2xx, the dialog is confirmed at once; an early one is confirmed by it.
  if (call.dialog === undefined) {
    call.dialog = Dialog.asUas(call.invite, response);
    core.calls.set(call.dialog.key, call);
  } else call.dialog.dispatch({ type: '2xx sent' });
  const origin = call.origin as Origin;
  const leg = legKey(call.invite);
  // @implements RFC3261 P85L40-P85L42
  const accepted = new Accepted2xx(
    core.clock,
    core.timers,
    () => void core.transport.sendResponse(response, origin).catch(() => {}),
    () => {
      // No ACK within 64*T1: the dialog counts as confirmed, but the session ends with a BYE.
      // @implements RFC3261 P86L6-P86L9, P89L5-P89L6
      core.awaitingAck.delete(leg);
      const waiting = call.phase.name === 'Answered' && call.phase.bye !== undefined;
      call.transition({ type: 'no ACK' });
      core.owner.log(`INVITE ${callId(call.invite)}: no ACK for the 2xx within 64*T1, sending BYE`);
      call.emit('ackTimeout');
      if (!waiting) void bye(core, call);
    },
  );
  call.transition({ type: '2xx sent', answer: response, accepted });
  // @implements RFC3261 P85L37-P85L40
  respond(core, call.transaction, response);
  core.awaitingAck.set(leg, { answer: response, accepted });
  call.emit('answered', response);
}

export function reject(core: Core, call: Call, status: number, reason?: string): void {
  if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
  if (status < 300) throw new Error(`reject takes a failure status (300-699), not ${status}`);
  respond(core, call.transaction, createResponse(call.invite, status, reason, { toTag: call.localTag }));
  endUasAttempt(core, call, status);
}

/** A non-2xx final response ends the attempt and any early dialog (§12.3). */
// @implements RFC3261 P77L32-P77L35
export function endUasAttempt(core: Core, call: Call, status: number): void {
  call.transition({ type: 'non-2xx final', status });
  // The offer is refused with the INVITE: no session.
  call.offerAnswer = refusedOffer(call.offerAnswer);
  call.answer = undefined;
  if (call.dialog !== undefined) {
    call.dialog.dispatch({ type: 'non-2xx final' });
    core.calls.delete(call.dialog.key);
  }
  call.emit('failed', status);
}

/**
 * The refusal of an offer as a response: 400 naming the SDP error, 488 with
 * the Warning that says why nothing is acceptable and our capabilities as its
 * body, 491 while an offer of ours is outstanding.
 */
function refusalResponse(core: Core, request: Request, refusal: Refusal, toTag?: string): Response {
  const headers: [string, string][] = [];
  // @implements RFC3261 P85L17-P85L18, P89L1-P89L3, P180L40-P180L43
  if (refusal.warning !== undefined) headers.push(['Warning', `${refusal.warning.code} ${formatHost(core.sentBy.host)}:${core.sentBy.port} ${quote(refusal.warning.text.replace(/[\r\n]+/g, ' '))}`]);
  // A reason phrase takes no quote, angle bracket and the like: those become '; the Warning has the text as it is.
  const reason = refusal.status === 400 ? `Bad Request: ${refusal.reason}`.replace(/["<>#{}|\\^`\[\]%\r\n]/g, "'").slice(0, 120) : undefined;
  const response = createResponse(request, refusal.status, reason, { toTag, headers });
  // @implements RFC3261 P190L16-P190L19
  if (refusal.status === 488 && acceptsType(request, 'application/sdp')) setBody(response, capabilitiesSdp(core.media), 'application/sdp');
  return response;
}

/**
 * A response to the INVITE that creates or belongs to the dialog (§12.1.1):
 * our To tag, our Contact, the request's Record-Route copied in order, and
 * Allow/Supported on the 2xx (§13.3.1.4).
 */
// @exception RFC3261 P49L3-P49L5, P49L11-P49L13, P49L16-P49L17, P49L17-P49L19: this UAS applies no extension to its responses, so it puts no Require in them.
function dialogResponse(core: Core, call: Call, status: number, body?: string): Response {
  const headers: [string, string][] = [];
  // @implements RFC3261 P70L37-P70L42
  for (const line of call.invite.headers.lines('Record-Route')) headers.push(['Record-Route', line.value]);
  // @implements RFC3261 P70L42-P70L45
  headers.push(['Contact', formatAddress(core.contact)]);
  if (status >= 200) {
    // @implements RFC3261 P85L26-P85L27
    headers.push(['Allow', allowedMethods(core.capabilities)]);
    headers.push(['Supported', core.capabilities.extensions.join(', ')]);
  }
  const response = createResponse(call.invite, status, undefined, { toTag: call.localTag, headers });
  if (body !== undefined) setBody(response, body, 'application/sdp');
  return response;
}

/** An ACK for a 2xx we sent: retransmissions stop, the session is up. */
export function receiveAck(core: Core, ack: Request): void {
  let call: Call | undefined;
  let key: string;
  try {
    // @implements RFC3261 P76L20-P76L23
    key = dialogKey(uasDialogId(ack));
    call = core.calls.get(key);
  } catch {
    return; // an ACK is never answered, not even when malformed
  }
  // The ACK carries the CSeq number of the INVITE it acknowledges: a re-INVITE's, or the call's.
  // @implements RFC3261 P82L33-P82L35
  const reinvite = core.reinviteAcks.get(key);
  if (reinvite !== undefined && reinvite.seq === cseq(ack).seq) {
    reinvite.stop(ack);
    core.reinviteAcks.delete(key);
    return;
  }
  if (call === undefined || call.role !== 'UAS') return;
  if (cseq(ack).seq !== cseq(call.invite).seq) return;
  // Retransmissions of the ACK (one per 2xx retransmission) find the call confirmed already.
  const phase = call.phase;
  if (phase.name !== 'Answered') return;
  // @implements RFC3261 P85L45-P85L47
  phase.accepted.acknowledged();
  core.awaitingAck.delete(legKey(call.invite));
  call.transition({ type: 'ACK' });
  core.owner.log(`ACK ${callId(ack)} received`);
  const answered = takeAckAnswer(core, call, ack);
  call.emit('confirmed', ack);
  if (!answered) void bye(core, call);
}

/**
 * The ACK of a 2xx that carried our offer carries the answer. Without a
 * usable one no session is agreed: false, and the caller hangs up.
 */
function takeAckAnswer(core: Core, call: Call, ack: Request): boolean {
  if (call.offerAnswer.state !== 'HaveLocalOffer') return true;
  // @implements RFC3261 P80L11-P80L14
  const answered = receiveAnswer(call.offerAnswer, sessionBody(ack));
  call.offerAnswer = answered.state;
  if (!answered.ok) {
    core.owner.log(`ACK ${callId(ack)}: no answer to our offer (${answered.reason}), sending BYE`);
    return false;
  }
  for (const warning of answered.warnings) core.owner.log(`ACK ${callId(ack)} answer: ${warning}`);
  call.streams = answered.streams;
  return true;
}

/** §14.2: a re-INVITE — its offer answered (or, with none, ours in the 2xx), the target refreshed. */
export function receiveReinvite(core: Core, request: Request, transaction: ServerTransaction, call: Call): void {
  // @implements RFC3261 P88L33-P88L35
  if (call.reinviting) {
    respond(core, transaction, createResponse(request, 491));
    return;
  }
  // @implements RFC3261 P88L27-P88L31
  if (call.role === 'UAS' && call.state === 'Answered') {
    const retryAfter = String(Math.floor(Math.random() * 11));
    respond(core, transaction, createResponse(request, 500, undefined, { headers: [['Retry-After', retryAfter]] }));
    return;
  }
  const dialog = call.dialog as Dialog;
  // @implements RFC3261 P77L26-P77L28
  dialog.refreshTarget(request);
  // The offer is checked against the session so far (its o= version says
  // whether it changed) and answered: the same answer for the same offer, the
  // version one more for a changed one. What the streams now are is call.streams.
  // @implements RFC3261 P88L37-P88L42, P86L41-P86L43
  const offer = sessionBody(request);
  let body: string;
  if (offer !== undefined) {
    const answered = receiveOffer(call.offerAnswer, offer, call.media ?? core.media);
    call.offerAnswer = answered.state;
    // The session stays as it was.
    if (!answered.ok) {
      respond(core, transaction, refusalResponse(core, request, answered));
      return;
    }
    for (const warning of answered.warnings) core.owner.log(`re-INVITE ${callId(request)} offer: ${warning}`);
    const sent = sendAnswer(call.offerAnswer, answered.answer);
    call.offerAnswer = sent.state;
    call.streams = answered.streams;
    body = sent.body;
  } else {
    // A re-INVITE without an offer asks for ours: in the 2xx, answered in the ACK.
    // None while an offer of ours awaits its answer (in an ACK still to come).
    // @implements RFC3261 P87L1-P87L3
    // @implements RFC3264 P4L34-P4L36
    if (call.offerAnswer.state !== 'Stable') {
      respond(core, transaction, createResponse(request, 491));
      return;
    }
    // Our offer is every codec we have, as for a new call, made as a modification
    // of the session (the same o=, slots kept): it overlaps what we sent before.
    // @implements RFC3261 P89L14-P89L22
    const sent = sendOffer(call.offerAnswer, call.media ?? core.media);
    call.offerAnswer = sent.state;
    body = sent.body;
  }
  const response = createResponse(request, 200, undefined, {
    headers: [['Contact', formatAddress(core.contact)], ['Allow', core.capabilities.methods.join(', ')]],
  });
  setBody(response, body, 'application/sdp');
  respond(core, transaction, response);
  const leg = legKey(request);
  const origin = transaction.origin;
  // @implements RFC3261 P85L40-P85L42
  const accepted = new Accepted2xx(
    core.clock,
    core.timers,
    () => void core.transport.sendResponse(response, origin).catch(() => {}),
    // No ACK within 64*T1: as for the first INVITE, the session ends with a BYE.
    // @implements RFC3261 P89L5-P89L6
    () => {
      core.awaitingAck.delete(leg);
      core.reinviteAcks.delete(dialog.key);
      core.owner.log(`re-INVITE ${callId(request)}: no ACK for the 2xx within 64*T1, sending BYE`);
      if (call.state === 'Confirmed') void bye(core, call);
    },
  );
  core.awaitingAck.set(leg, { answer: response, accepted });
  // The ACK of a re-INVITE carries the dialog ID and the re-INVITE's CSeq number.
  const stop = (ack?: Request) => {
    // @implements RFC3261 P85L45-P85L47
    accepted.acknowledged();
    core.awaitingAck.delete(leg);
    if (ack !== undefined && !takeAckAnswer(core, call, ack)) void bye(core, call);
  };
  call.once('ended', () => stop());
  core.reinviteAcks.set(dialog.key, { seq: cseq(request).seq, stop });
}
