// @implements RFC3261 (SIP)
/**
 * The UAS core's request handling (RFC 3261 §8.2): every request the
 * transaction layer passes up goes through the general checks, then to its
 * method — INVITE (uasInvite.ts), ACK, CANCEL (§9.2), OPTIONS (§11.2), and
 * within a dialog (§12.2.2) BYE (§15.1.2) and re-INVITE (§14.2).
 */
import { tagOf } from '../syntax/address.ts';
import { createResponse, to, type Request } from '../syntax/message.ts';
import type { ServerTransaction } from '../transaction/layer.ts';
import type { Origin } from '../transport/layer.ts';
import type { Call } from './call.ts';
import { endCall, legKey, respond, type Core } from './core.ts';
import { dialogKey, uasDialogId, type Dialog } from './dialog.ts';
import { newTag } from '../core/ids.ts';
import { inspectRequest, optionsResponse, unsupportedMethod } from './uas.ts';
import { capabilitiesSdp } from './session.ts';
import { endUasAttempt, receiveAck, receiveInvite, receiveReinvite } from './uasInvite.ts';

/** A request from the transaction layer (an ACK for a 2xx comes without a transaction). */
export function receiveRequest(core: Core, request: Request, transaction: ServerTransaction | undefined, origin: Origin): void {
  // An ACK reaching the TU acknowledges a 2xx (the 2xx ended its transaction).
  if (transaction === undefined) {
    receiveAck(core, request);
    return;
  }
  try {
    dispatch(core, request, transaction, origin);
  } catch (error) {
    // A header the checks did not foresee failed to parse: the request is malformed.
    // @implements RFC3261 P185L38-P185L40
    const reason = `Bad Request: ${(error as Error).message}`.slice(0, 100).replace(/[\r\n]/g, ' ');
    try {
      respond(core, transaction, createResponse(request, 400, reason));
    } catch {
      transaction.abandon();
    }
  }
}

// @exception RFC3261 P51L7, P51L9, P51L11, P51L13, P51L15-P51L17: this UAS is never stateless (§8.2.7): every request it answers has a server transaction.
function dispatch(core: Core, request: Request, transaction: ServerTransaction, origin: Origin): void {
  // One To tag per request: every response to it, provisional or final, carries it.
  // @implements RFC3261 P50L24-P50L26
  const toTag = newTag();
  // A retransmitted INVITE whose 2xx already ended the server transaction:
  // the 2xx goes out again (the INVITE must not become a second call).
  if (request.method === 'INVITE' && request.headers.lines('To').length === 1 && tagOf(to(request)) === undefined) {
    const answered = core.awaitingAck.get(legKey(request));
    if (answered?.answer !== undefined) {
      respond(core, transaction, answered.answer);
      return;
    }
  }

  // §8.2: the general checks, in order.
  // @implements RFC3261 P46L15-P46L18, P83L15-P83L17, P91L7-P91L8
  const rejection = inspectRequest(request, core.capabilities, toTag, (r) => isMerged(core, r, transaction));
  // The checks only read: a rejected request leaves no state behind.
  // @implements RFC3261 P46L12-P46L13
  if (rejection !== undefined) {
    respond(core, transaction, rejection);
    return;
  }
  remember(core, request, transaction);

  // CANCEL is hop-by-hop and matched to a transaction, not a dialog (§9.2).
  if (request.method === 'CANCEL') {
    receiveCancel(core, request, transaction);
    return;
  }

  const remoteTagged = tagOf(to(request)) !== undefined;
  if (remoteTagged) {
    // @implements RFC3261 P76L20-P76L25
    const call = core.calls.get(dialogKey(uasDialogId(request)));
    if (call === undefined || call.dialog === undefined) {
      // @implements RFC3261 P76L42-P76L45, P91L9-P91L12
      respond(core, transaction, createResponse(request, 481));
      return;
    }
    receiveInDialog(core, request, transaction, call);
    return;
  }

  switch (request.method) {
    case 'INVITE':
      receiveInvite(core, request, transaction, origin, toTag);
      return;
    case 'OPTIONS':
      // §11.2: the same status an INVITE would get (200: we would accept a call); the body
      // says what we could accept (RFC 3264 §9), never an offer that would set up a stream.
      // @implements RFC3261 P68L3-P68L7, P68L40-P68L42
      respond(core, transaction, optionsResponse(request, core.capabilities, toTag, capabilitiesSdp(core.media)));
      return;
    case 'BYE':
      // A BYE without a To tag cannot match a dialog.
      // @implements RFC3261 P91L9-P91L16
      respond(core, transaction, createResponse(request, 481, undefined, { toTag }));
      return;
    default:
      // A method listed in capabilities that this core does not implement.
      respond(core, transaction, unsupportedMethod(request, core.capabilities, toTag));
  }
}

/** §8.2.2.2: the same From tag, Call-ID and CSeq as a live transaction it did not match. */
function isMerged(core: Core, request: Request, transaction: ServerTransaction): boolean {
  const other = core.ongoing.get(legKey(request));
  return other !== undefined && other !== transaction && other.state !== 'Terminated';
}

function remember(core: Core, request: Request, transaction: ServerTransaction): void {
  core.ongoing.set(legKey(request), transaction);
  // Ended transactions are swept out now and then so the table stays small.
  if (--core.sweepCountdown > 0) return;
  sweep(core);
}

/** Drops ended server transactions from the §8.2.2.2 table. */
export function sweep(core: Core): void {
  core.sweepCountdown = 256;
  for (const [key, t] of core.ongoing) if (t.state === 'Terminated') core.ongoing.delete(key);
}

/** §9.2: 200 to the CANCEL, and 487 to the INVITE if it has no final response yet. */
function receiveCancel(core: Core, cancel: Request, transaction: ServerTransaction): void {
  // @implements RFC3261 P55L7-P55L12
  const target = core.transactions.findCancelTarget(cancel);
  if (target === undefined) {
    // @implements RFC3261 P55L26-P55L28
    respond(core, transaction, createResponse(cancel, 481, undefined, { toTag: newTag() }));
    return;
  }
  const call = core.callOf.get(target);
  // The To tag of the 200 is the one of the INVITE's responses.
  // @implements RFC3261 P55L41-P55L46
  respond(core, transaction, createResponse(cancel, 200, undefined, { toTag: call?.localTag ?? newTag() }));
  // @implements RFC3261 P55L29-P55L34
  if (call === undefined || call.state !== 'Calling') return;
  // @implements RFC3261 P55L34-P55L38
  respond(core, target, createResponse(call.invite, 487, undefined, { toTag: call.localTag }));
  call.emit('cancelled', cancel);
  endUasAttempt(core, call, 487);
}

/** §12.2.2: a request within a dialog we know. */
function receiveInDialog(core: Core, request: Request, transaction: ServerTransaction, call: Call): void {
  const dialog = call.dialog as Dialog;
  // @implements RFC3261 P77L7-P77L10
  const outOfOrder = dialog.receiveRequest(request);
  if (outOfOrder !== undefined) {
    respond(core, transaction, createResponse(request, outOfOrder, 'Out of order CSeq'));
    return;
  }
  switch (request.method) {
    case 'BYE': {
      // @implements RFC3261 P91L18-P91L26
      respond(core, transaction, createResponse(request, 200));
      // Pending requests of the dialog get 487: here, an unanswered INVITE.
      // @implements RFC3261 P91L28-P91L30
      if (call.role === 'UAS' && call.state === 'Calling' && call.transaction !== undefined) {
        respond(core, call.transaction, createResponse(call.invite, 487, undefined, { toTag: call.localTag }));
      }
      endCall(core, call, 'remote BYE');
      return;
    }
    case 'OPTIONS':
      // @implements RFC3261 P68L12-P68L14
      respond(core, transaction, optionsResponse(request, core.capabilities, call.localTag ?? newTag(), capabilitiesSdp(core.media)));
      return;
    case 'INVITE':
      receiveReinvite(core, request, transaction, call);
      return;
    default:
      // A method listed in capabilities that no in-dialog handler implements.
      respond(core, transaction, unsupportedMethod(request, core.capabilities));
  }
}
