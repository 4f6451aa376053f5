// @implements RFC3261 (SIP)
/**
 * The UAC side of an INVITE (RFC 3261 §13.2): place the call, follow its
 * responses (early dialog on 1xx, one authentication retry, failure), ACK
 * every 2xx and hang up the 2xx of extra forks (§13.2.2.4), and cancel it
 * while it has no final response (§9.1).
 */
import { parseAddress } from '../syntax/address.ts';
import { callId, cseq, type Request, type Response } from '../syntax/message.ts';
import { parseUri, type URI } from '../syntax/uri.ts';
import type { Origin } from '../transport/layer.ts';
import { retryWithCredentials, type Credentials } from './auth.ts';
import { Call } from './call.ts';
import { later, type Core } from './core.ts';
import { createsDialog, Dialog, dialogKey, uacDialogId } from './dialog.ts';
import { buildAck2xx, createUacRequest, nextHop } from './uac.ts';
import { bye, sendBye } from './uacCore.ts';
import { allowedMethods } from './uas.ts';
import { startOfferAnswer } from '../../sdp/offerAnswer/index.ts';
import { answerInAck, offerAgain, receiveAnswer, offerRefused, sendOffer, sessionBody } from './session.ts';

export interface InviteOptions {
  from?: string;
  /** false: the INVITE carries no offer; the 2xx must, and the ACK carries our answer (§13.2.1). */
  offer?: boolean;
  credentials?: Credentials;
}

/** §13.2.1: place a call. Listen on the returned Call for 'answered', 'failed', 'ended'. */
export function invite(core: Core, target: string | URI, options: InviteOptions = {}): Call {
  const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
  const fromAddress = options.from !== undefined ? parseAddress(options.from.includes('<') ? options.from : `<${options.from}>`, 'From') : core.identity;
  // The initial offer goes in the INVITE, unless the caller asks for it in the 2xx.
  // @implements RFC3261 P79L43-P79L45
  const offered = options.offer === false ? undefined : sendOffer(startOfferAnswer(), core.media);
  // @implements RFC3261 P78L33-P78L35
  const request = createUacRequest(
    {
      method: 'INVITE',
      target: uri,
      from: fromAddress,
      contact: core.contact,
      routeSet: core.routeSet,
      ...(offered === undefined ? {} : { body: offered.body, contentType: 'application/sdp' }),
    },
    core.sentBy,
  );
  // @implements RFC3261 P78L38-P78L40, P78L45-P78L46
  request.headers.append('Allow', allowedMethods(core.capabilities));
  request.headers.append('Supported', core.capabilities.extensions.join(', '));
  const call = new Call('UAC', request, undefined, core.owner);
  if (offered !== undefined) call.offerAnswer = offered.state;
  sendInvite(core, call, request, options.credentials);
  return call;
}

function sendInvite(core: Core, call: Call, request: Request, credentials: Credentials | undefined): void {
  call.invite = request;
  core.uacCalls.set(callId(request), call);
  // @implements RFC3261 P81L1-P81L4
  const transaction = core.transactions.sendRequest(request, nextHop(request), {
    response: (response) => inviteResponse(core, call, request, response, credentials),
    failure: (failure) => {
      // A timeout after a CANCEL went is the transaction layer giving the
      // INVITE up 64*T1 later: the call counts as cancelled.
      // @implements RFC3261 P54L46-P55L3
      if (failure === 'timeout' && cancelling(call) && core.inviteTransaction.get(call)?.provisionalReceived === true) {
        inviteFailed(core, call, 487);
        return;
      }
      // @implements RFC3261 P81L8-P81L12, P42L29-P42L34
      inviteFailed(core, call, failure === 'timeout' ? 408 : 503);
    },
  });
  core.inviteTransaction.set(call, transaction);
}

// @exception RFC3261 P43L12-P43L16, P43L22-P43L24, P44L12-P44L15, P44L43-P44L45: a 3xx is not recursed on (no target set, no new request to its Contacts); the call fails with the 3xx status.
// @exception RFC3261 P43L3-P43L4: a response with more than one Via is not discarded here; the transaction layer has already matched it by its branch.
function inviteResponse(core: Core, call: Call, request: Request, response: Response, credentials: Credentials | undefined): void {
  const status = response.status;
  // Responses are handled by class: any 1xx as a provisional (100, 183 and
  // codes not known alike), any 2xx as an answer, any other final as a
  // failure of the call, so an unknown code acts as the x00 of its class.
  // @implements RFC3261 P42L38-P42L40, P42L43-P42L45, P42L45-P42L46
  if (status < 200) {
    // @implements RFC3261 P81L18-P81L21
    if (createsDialog(request, response) && call.dialog === undefined) {
      call.dialog = Dialog.asUac(request, response);
      core.calls.set(call.dialog.key, call);
    }
    // The first session description received is the answer, a provisional's
    // included (that same answer may come again in the 2xx, and is ignored there).
    // @implements RFC3261 P80L4-P80L7
    const sdp = sessionBody(response);
    if (sdp !== undefined && call.offerAnswer.state === 'HaveLocalOffer' && createsDialog(request, response)) {
      call.answerFrom = dialogKey(uacDialogId(response));
      takeAnswer(core, call, sdp, `${status} response`);
    }
    call.emit('progress', response);
    return;
  }
  if (status < 300) {
    inviteAnswered(core, call, request, response);
    return;
  }
  core.owner.log(`INVITE ${callId(request)} -> ${status} ${response.reason}`);
  // §8.1.3.5: a challenge is answered once.
  // @implements RFC3261 P45L15-P45L18
  if ((status === 401 || status === 407) && credentials !== undefined && !cancelling(call)) {
    const retried = retryWithCredentials(request, response, credentials);
    if (retried !== undefined) {
      dropEarlyDialog(core, call);
      sendInvite(core, call, retried, undefined);
      return;
    }
  }
  // @implements RFC3261 P81L46-P81L47, P82L1-P82L4
  inviteFailed(core, call, status, response);
}

function dropEarlyDialog(core: Core, call: Call): void {
  if (call.dialog === undefined) return;
  call.dialog.dispatch({ type: 'non-2xx final' });
  core.calls.delete(call.dialog.key);
  call.dialog = undefined;
}

function inviteFailed(core: Core, call: Call, status: number, response?: Response): void {
  core.uacCalls.delete(callId(call.invite));
  // A final response after the first changes nothing.
  // @implements RFC3261 P81L43-P81L44
  if (call.state !== 'Calling') return;
  dropEarlyDialog(core, call);
  // Our offer went unanswered: no session.
  call.offerAnswer = offerRefused(call.offerAnswer);
  call.transition({ type: 'non-2xx final', status });
  call.emit('failed', status, response);
}

/** §13.2.2.4: a 2xx — confirm the dialog, ACK it; a 2xx of another fork is ACKed and hung up. */
function inviteAnswered(core: Core, call: Call, request: Request, response: Response): void {
  const id = uacDialogId(response);
  const key = dialogKey(id);
  // @implements RFC3261 P82L13-P82L18
  let dialog = call.dialog !== undefined && call.dialog.key === key ? call.dialog : undefined;
  const otherFork = call.state !== 'Calling' && dialog === undefined;
  if (dialog === undefined || dialog.state === 'Early') {
    // A new confirmed dialog; for an early one only the route set is recomputed,
    // which building it again from the 2xx does (no request was sent in it).
    const fresh = Dialog.asUac(request, response);
    if (dialog !== undefined) fresh.localSeq = dialog.localSeq;
    dialog = fresh;
  }
  dialog.dispatch({ type: '2xx received', response });
  // Each dialog is an offer/answer exchange of its own; a 2xx of a dialog
  // already confirmed (its ACK cache gone) has nothing new to say.
  // @implements RFC3261 P79L34-P79L36, P80L6-P80L9
  const settled = otherFork ? forkSession(core, request, response) : call.state === 'Calling' ? callSession(core, call, response) : { ok: true };
  // @implements RFC3261 P82L29-P82L35
  const ack = buildAck2xx(dialog, request, core.sentBy, settled.answer);
  // @implements RFC3261 P82L41-P82L45
  const destination = nextHop(ack);
  void core.transactions.sendAck(ack, destination).catch(() => {});
  core.acks.set(key, { ack, destination });
  // @implements RFC3261 P83L1-P83L5
  later(core, 64 * core.timers.T1, () => core.acks.delete(key));
  if (otherFork) {
    // @implements RFC3261 P83L7-P83L9
    void sendBye(core, dialog);
    return;
  }
  if (call.dialog !== undefined && call.dialog !== dialog) core.calls.delete(call.dialog.key);
  call.dialog = dialog;
  core.calls.set(key, call);
  // (A 2xx of the same dialog again, its ACK cache gone, finds the call confirmed already.)
  const cancelled = cancelling(call);
  if (call.state === 'Calling') call.transition({ type: '2xx received', status: response.status });
  call.remoteBody = response.body.length > 0 ? response.body : undefined;
  core.owner.log(`INVITE ${callId(request)} -> ${response.status} ${response.reason}, ACK sent`);
  call.emit('answered', response);
  // A CANCEL crossed the 2xx: the call is up but the user gave up on it (§15).
  // @implements RFC3261 P90L11-P90L14
  if (cancelled) void bye(core, call);
  // With no session agreed the dialog is of no use: it ends at once.
  // @implements RFC3261 P83L7-P83L9, P82L38-P82L39
  else if (!settled.ok) void bye(core, call);
}

/**
 * The call's first 2xx: the answer to the INVITE's offer (unless a
 * provisional response of the same dialog brought it), or the offer (our
 * INVITE had none) whose answer goes in the ACK. `ok` false: no session.
 */
// @implements RFC3261 P80L28-P80L32
function callSession(core: Core, call: Call, response: Response): { ok: boolean; answer?: string } {
  const offer = sessionBody(call.invite);
  if (offer !== undefined && call.offerAnswer.state !== 'HaveLocalOffer') {
    // The answer came in a provisional response of this dialog: what the 2xx carries is ignored.
    // @implements RFC3261 P80L6-P80L9
    if (call.answerFrom === dialogKey(uacDialogId(response))) return { ok: call.session.remote !== undefined };
    // It came in another early dialog: this one is an exchange of its own, from the same offer.
    // @implements RFC3261 P79L34-P79L36
    call.offerAnswer = offerAgain(offer);
    call.streams = undefined;
  }
  if (call.offerAnswer.state === 'HaveLocalOffer') {
    // @implements RFC3261 P80L1-P80L4
    return { ok: takeAnswer(core, call, sessionBody(response), '2xx') };
  }
  const what = `INVITE ${callId(call.invite)}`;
  // @implements RFC3261 P82L35-P82L37
  const answered = answerInAck(call.offerAnswer, sessionBody(response), core.media);
  call.offerAnswer = answered.state;
  if (!answered.ok) core.owner.log(`${what}: the 2xx's offer is not acceptable (${answered.reason}), sending BYE`);
  else call.streams = answered.streams;
  return { ok: answered.ok, answer: answered.body };
}

/** The answer to our offer in a response to the INVITE, taken (true) or refused with the reason logged. */
function takeAnswer(core: Core, call: Call, body: Uint8Array | undefined, where: string): boolean {
  const what = `INVITE ${callId(call.invite)}`;
  // @implements RFC3261 P80L6-P80L7
  const answered = receiveAnswer(call.offerAnswer, body);
  call.offerAnswer = answered.state;
  if (!answered.ok) {
    core.owner.log(`${what}: the ${where} has no usable answer (${answered.reason}): no session`);
    return false;
  }
  for (const warning of answered.warnings) core.owner.log(`${what} answer: ${warning}`);
  call.streams = answered.streams;
  return true;
}

/** A 2xx of another fork, to be hung up: its offer (when our INVITE had none) is still answered in its ACK. */
function forkSession(core: Core, request: Request, response: Response): { ok: boolean; answer?: string } {
  if (sessionBody(request) !== undefined) return { ok: true };
  // @implements RFC3261 P82L35-P82L37
  return { ok: true, answer: answerInAck(startOfferAnswer(), sessionBody(response), core.media).body };
}

/**
 * A response no client transaction claimed: with the RFC 3261 INVITE client
 * machine, every 2xx after the first. Each gets the ACK again (§13.2.2.4);
 * a 2xx of a new fork gets its own ACK and a BYE.
 */
export function receiveStrayResponse(core: Core, response: Response, _origin: Origin): void {
  let method: string;
  try {
    method = cseq(response).method;
  } catch {
    return;
  }
  if (method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
  const key = dialogKey(uacDialogId(response));
  const cached = core.acks.get(key);
  if (cached !== undefined) {
    // @implements RFC3261 P82L45-P82L48
    void core.transactions.sendAck(cached.ack, cached.destination).catch(() => {});
    return;
  }
  // A first 2xx from another fork, within 64*T1 of the first: ACK, then BYE.
  const call = core.uacCalls.get(callId(response));
  if (call !== undefined && call.state !== 'Ended') inviteAnswered(core, call, call.invite, response);
}

/**
 * §9.1: cancel a call that has no final response yet. When the CANCEL goes
 * (after a provisional response) and the 64*T1 give-up are the transaction
 * layer's (TransactionLayer.cancel); resolves with the CANCEL's final status,
 * or 0 when none was sent.
 */
export function cancel(core: Core, call: Call): Promise<number> {
  if (call.role !== 'UAC') throw new Error('only the caller cancels an INVITE (RFC 3261 §9.1)');
  const asked = pendingCancel(call);
  if (asked !== undefined) return asked;
  const transaction = core.inviteTransaction.get(call);
  // @implements RFC3261 P54L29-P54L31
  if (call.state !== 'Calling' || transaction === undefined) return Promise.resolve(0);
  const sent = new Promise<number>((resolve) => {
    const outcome = core.transactions.cancel(transaction, {
      response: (response) => {
        if (response.status >= 200) resolve(response.status);
      },
      failure: (failure) => resolve(failure === 'timeout' ? 408 : 503),
      notSent: () => resolve(0),
    });
    if (outcome === 'not sent: the INVITE has a final response') resolve(0);
  });
  call.transition({ type: 'cancel', outcome: sent });
  return sent;
}

/** The CANCEL the user asked for, while the call has no final response yet. */
function pendingCancel(call: Call): Promise<number> | undefined {
  const phase = call.phase;
  return phase.name === 'Calling' && phase.role === 'UAC' ? phase.cancel : undefined;
}

/** The user asked to cancel this call, which has no final response yet. */
function cancelling(call: Call): boolean {
  return pendingCancel(call) !== undefined;
}
