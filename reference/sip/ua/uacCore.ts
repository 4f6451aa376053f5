// @implements RFC3261 (SIP)
/**
 * The UAC core's requests (RFC 3261 §8.1) other than the first INVITE
 * (uacInvite.ts): any non-INVITE request in its own client transaction,
 * OPTIONS (§11.1), and within a dialog the re-INVITE (§14.1) and the BYE
 * that ends the session (§15.1.1).
 */
import { randomInt } from 'node:crypto';
import { parseAddress } from '../syntax/address.ts';
import { callId, type Request, type Response } from '../syntax/message.ts';
import { parseUri, type URI } from '../syntax/uri.ts';
import type { Destination } from '../transport/layer.ts';
import { retryWithCredentials, type Credentials } from './auth.ts';
import type { Call } from './call.ts';
import { endCall, later, type Core } from './core.ts';
import type { Dialog } from './dialog.ts';
import { buildAck2xx, createDialogRequest, createUacRequest, nextHop } from './uac.ts';
import { offerRefused, receiveAnswer, sendOffer, sessionBody, type Change } from './session.ts';

/** The outcome of a non-INVITE request: the final status and response (408/503 without one, §8.1.3.1). */
export interface Outcome {
  status: number;
  response?: Response;
}

/** A request outside a dialog with our identity, Contact and route set (§8.1.1), ready for request(). */
export function createRequest(core: Core, method: string, target: string | URI, options: { from?: string; body?: string; contentType?: string } = {}): Request {
  const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
  // The From is the identity this UA was configured with, unless the caller names another.
  // @implements RFC3261 P37L17-P37L19
  const fromAddress = options.from !== undefined ? parseAddress(options.from.includes('<') ? options.from : `<${options.from}>`, 'From') : core.identity;
  return createUacRequest(
    { method, target: uri, from: fromAddress, contact: core.contact, routeSet: core.routeSet, body: options.body, contentType: options.contentType },
    core.sentBy,
  );
}

/**
 * Sends any non-INVITE request (built with createRequest or by hand with a
 * top Via carrying a fresh branch) in its own client transaction, answering
 * one 401/407 when credentials are given.
 */
export function request(core: Core, message: Request, options: { destination?: Destination; credentials?: Credentials } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const send = (r: Request, credentials: Credentials | undefined) => {
      core.transactions.sendRequest(r, options.destination ?? nextHop(r), {
        response: (response) => {
          if (response.status < 200) return;
          core.owner.log(`${r.method} ${callId(r)} -> ${response.status} ${response.reason}`);
          // @implements RFC3261 P45L15-P45L18
          if ((response.status === 401 || response.status === 407) && credentials !== undefined) {
            const retried = retryWithCredentials(r, response, credentials);
            if (retried !== undefined) return send(retried, undefined);
          }
          resolve({ status: response.status, response });
        },
        // @implements RFC3261 P42L29-P42L34
        failure: (failure) => resolve({ status: failure === 'timeout' ? 408 : 503 }),
      });
    };
    send(message, options.credentials);
  });
}

/** §11.1: ask a UA for its capabilities. */
export function options(core: Core, target: string | URI): Promise<Outcome> {
  const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
  const query = createUacRequest({ method: 'OPTIONS', target: uri, from: core.identity, contact: core.contact, routeSet: core.routeSet }, core.sentBy);
  // @implements RFC3261 P67L25-P67L28
  query.headers.append('Accept', 'application/sdp');
  return request(core, query);
}

/** §15.1.1: end the session with a BYE (the UAS waits for the ACK first). */
export function bye(core: Core, call: Call): Promise<number> {
  if (call.dialog === undefined || call.state === 'Ended' || call.state === 'Failed') return Promise.resolve(0);
  // @implements RFC3261 P89L47-P90L3
  const phase = call.phase;
  if (phase.name === 'Answered') {
    if (phase.bye !== undefined) return phase.bye;
    const outcome = new Promise<number>((resolve) => {
      const go = () => {
        call.off('confirmed', go);
        call.off('ackTimeout', go);
        resolve(bye(core, call));
      };
      call.on('confirmed', go);
      call.on('ackTimeout', go);
    });
    call.transition({ type: 'BYE wanted', outcome });
    return outcome;
  }
  if (call.role === 'UAS' && call.state === 'Calling') throw new Error('the callee must not send BYE on an early dialog (RFC 3261 §15); reject the INVITE instead');
  const dialog = call.dialog;
  // @implements RFC3261 P90L40-P90L44
  const outcome = sendBye(core, dialog);
  endCall(core, call, 'local BYE');
  return outcome;
}

/** Sends a BYE in the dialog, which ends with it; resolves with its final status. */
export function sendBye(core: Core, dialog: Dialog): Promise<number> {
  // @implements RFC3261 P90L37-P90L38
  const request = createDialogRequest(dialog, 'BYE', core.sentBy);
  dialog.dispatch({ type: 'BYE sent' });
  return new Promise((resolve) => {
    core.transactions.sendRequest(request, nextHop(request), {
      response: (response) => {
        if (response.status < 200) return;
        core.owner.log(`BYE ${callId(request)} -> ${response.status} ${response.reason}`);
        resolve(response.status);
      },
      // @implements RFC3261 P90L44-P91L3
      failure: (failure) => resolve(failure === 'timeout' ? 408 : 503),
    });
  });
}

/**
 * §14.1: a re-INVITE within the dialog, with a new offer (`change`: our
 * capabilities again, or the session put on hold or off it); a 2xx carries
 * the answer, refreshes the remote target and is ACKed like the first. A 491
 * is tried again after a random delay. Resolves with this attempt's final
 * status; the call emits 'reinvited' (status, retry) for each attempt's.
 */
// @exception RFC3261 P89L23-P89L26: this UA's re-INVITEs always carry an offer, so it never answers one in the ACK of a re-INVITE's 2xx.
export function reinvite(core: Core, call: Call, change: Change = 'offer', retry = false): Promise<number> {
  const dialog = call.dialog;
  if (dialog === undefined || call.state !== 'Confirmed') throw new Error('a re-INVITE needs a confirmed dialog (RFC 3261 §14)');
  // @implements RFC3261 P87L23-P87L25, P87L27-P87L29
  if (call.reinviting) throw new Error('a re-INVITE is already in progress on this dialog (RFC 3261 §14.1)');
  // Nor while a re-INVITE received is unfinished: our offer in its 2xx awaits the ACK.
  // @implements RFC3261 P87L31-P87L33
  if (call.offerAnswer.state !== 'Stable') throw new Error(`an offer/answer exchange is under way on this dialog (${call.offerAnswer.state}): the re-INVITE waits for it (RFC 3261 §14.1)`);
  // A modification asked for now replaces one waiting for its retry.
  const waiting = core.retries.get(call);
  if (waiting !== undefined) core.clock.clearTimer(waiting);
  core.retries.delete(call);
  // The full description of the session, not just the change.
  // @implements RFC3261 P86L41-P86L46
  const offered = sendOffer(call.offerAnswer, call.media ?? core.media, change);
  call.offerAnswer = offered.state;
  // @implements RFC3261 P87L9-P87L11
  const request = createDialogRequest(dialog, 'INVITE', core.sentBy, { body: offered.body });
  const outcome = new Promise<number>((resolve) => {
    const done = (status: number) => {
      call.transition({ type: 're-INVITE done' });
      core.owner.log(`re-INVITE ${callId(request)} -> ${status}`);
      // @implements RFC3261 P76L1-P76L8, P87L41-P87L45
      if ((status === 481 || status === 408) && call.state === 'Confirmed') void bye(core, call);
      // @implements RFC3261 P88L1-P88L10
      if (status === 491 && call.state === 'Confirmed') retryLater(core, call, change);
      call.emit('reinvited', status, retry);
      resolve(status);
    };
    core.transactions.sendRequest(request, nextHop(request), {
      response: (response) => {
        if (response.status < 200) return;
        if (response.status >= 300) {
          // The session stays as it was.
          // @implements RFC3261 P87L39-P87L40
          call.offerAnswer = offerRefused(call.offerAnswer);
          done(response.status);
          return;
        }
        // @implements RFC3261 P75L44-P75L46
        dialog.refreshTarget(response);
        // @implements RFC3261 P88L17-P88L19
        const ack = buildAck2xx(dialog, request, core.sentBy);
        const destination = nextHop(ack);
        void core.transactions.sendAck(ack, destination).catch(() => {});
        core.acks.set(dialog.key, { ack, destination });
        later(core, 64 * core.timers.T1, () => core.acks.delete(dialog.key));
        // The answer is in the 2xx, as for the first INVITE; without a usable one the session cannot go on.
        // @implements RFC3261 P80L1-P80L4
        const answered = receiveAnswer(call.offerAnswer, sessionBody(response));
        call.offerAnswer = answered.state;
        if (answered.ok) call.streams = answered.streams;
        else core.owner.log(`re-INVITE ${callId(request)}: the 2xx has no usable answer (${answered.reason}), sending BYE`);
        done(response.status);
        // @implements RFC3261 P83L7-P83L9
        if (!answered.ok && call.state === 'Confirmed') void bye(core, call);
      },
      failure: (failure) => {
        call.offerAnswer = offerRefused(call.offerAnswer);
        done(failure === 'timeout' ? 408 : 503);
      },
    });
  });
  call.transition({ type: 're-INVITE sent', outcome });
  return outcome;
}

/**
 * After a 491 the re-INVITE goes again once a random T has passed: 2.1 to 4 s
 * when this UA chose the dialog's Call-ID (it sent the INVITE), else 0 to 2 s,
 * in units of 10 ms — unless the call ended, or another re-INVITE is under
 * way, meanwhile. The change is made again from the session as it then is.
 */
// @implements RFC3261 P88L1-P88L10, P88L12-P88L15
function retryLater(core: Core, call: Call, change: Change): void {
  const owner = call.role === 'UAC';
  const T = 10 * (owner ? randomInt(210, 401) : randomInt(0, 201));
  core.owner.log(`re-INVITE ${callId(call.invite)}: 491, trying again in ${T} ms`);
  const timer = later(core, T, () => {
    core.retries.delete(call);
    if (call.state !== 'Confirmed' || call.reinviting || call.offerAnswer.state !== 'Stable') return;
    void reinvite(core, call, change, true);
  });
  core.retries.set(call, timer);
}
