// @implements RFC3261 (SIP)
/**
 * What the UAS core (uasCore.ts, uasInvite.ts) and the UAC core (uacCore.ts,
 * uacInvite.ts) share: the UA's settings, the tables of calls and
 * transactions, and the few steps both sides take (respond, end a call).
 * The UserAgent (userAgent.ts) builds one Core and hands it to every
 * function; nothing here keeps state of its own.
 */
import { tagOf, type Address } from '../syntax/address.ts';
import { callId, cseq, from, type Request, type Response } from '../syntax/message.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { ClientTransaction, ServerTransaction, TransactionLayer } from '../transaction/layer.ts';
import type { TimerValues } from '../transaction/timers.ts';
import type { Destination, TransportLayer } from '../transport/layer.ts';
import type { HostPort } from '../transport/via.ts';
import type { Accepted2xx } from './accepted.ts';
import type { Call, CallDriver } from './call.ts';
import type { Capabilities } from './uas.ts';
import type { Capabilities as MediaCapabilities } from '../../sdp/offerAnswer/index.ts';

/** UAS: a 2xx (to an INVITE or a re-INVITE) retransmitted until its ACK (§13.3.1.4). */
export interface AwaitingAck {
  answer: Response;
  accepted: Accepted2xx;
}

/** UAC: the ACK sent for a 2xx and where it went, re-sent on 2xx retransmissions. */
export interface AckCache {
  ack: Request;
  destination: Destination;
}

/** The UserAgent as the cores see it: the driver of its calls and the emitter of its events. */
export interface CoreOwner extends CallDriver {
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
  log(line: string): void;
}

export interface Core {
  readonly owner: CoreOwner;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly capabilities: Capabilities;
  readonly identity: Address;
  readonly contact: Address;
  readonly routeSet: Address[];
  readonly sentBy: HostPort;
  /** What our offers and answers are made of (RFC 3264): address, media port, codecs. */
  readonly media: MediaCapabilities;
  /** Confirmed and early dialogs, by dialog ID, with their call. */
  readonly calls: Map<string, Call>;
  /** UAS: INVITEs answered 2xx and not yet ACKed, by Call-ID + From tag + CSeq (their retransmissions get the 2xx again). */
  readonly awaitingAck: Map<string, AwaitingAck>;
  /** UAC: the ACK sent for each 2xx, re-sent on 2xx retransmissions for 64*T1 (§13.2.2.4). */
  readonly acks: Map<string, AckCache>;
  /** UAC: our calls by Call-ID, until they end (a 2xx from another fork finds its call here). */
  readonly uacCalls: Map<string, Call>;
  /** UAS: server transactions by Call-ID + From tag + CSeq, for §8.2.2.2 (swept of ended ones). */
  readonly ongoing: Map<string, ServerTransaction>;
  /** UAS: the call of each INVITE server transaction (for CANCEL). */
  readonly callOf: WeakMap<ServerTransaction, Call>;
  /** UAS: the 2xx of each answered re-INVITE by dialog, until its ACK (CSeq number) arrives. */
  readonly reinviteAcks: Map<string, { seq: number; stop: (ack?: Request) => void }>;
  /** A re-INVITE of ours answered 491, waiting for its §14.1 retry (a new re-INVITE asked for meanwhile replaces it). */
  readonly retries: WeakMap<Call, TimerHandle>;
  /** UAC: each call's INVITE client transaction (the one a CANCEL cancels). */
  readonly inviteTransaction: WeakMap<Call, ClientTransaction>;
  /** The core's own timers (ACK cache expiry, CANCEL give-up, INVITE Expires), cleared on close. */
  readonly pending: Set<TimerHandle>;
  /** Requests left until the next sweep of ended transactions out of `ongoing`. */
  sweepCountdown: number;
}

/** Runs fire after ms on the core's clock; close() clears whatever has not fired. */
export function later(core: Core, ms: number, fire: () => void): TimerHandle {
  const handle = core.clock.setTimer(ms, () => {
    core.pending.delete(handle);
    fire();
  });
  core.pending.add(handle);
  return handle;
}

/** Passes a response to its server transaction and logs the transaction. */
// @implements RFC3261 P124L11-P124L13
export function respond(core: Core, transaction: ServerTransaction, response: Response): void {
  transaction.respond(response);
  if (core.owner.listenerCount('response') > 0) core.owner.emit('response', response, transaction.request);
  if (response.status >= 200) {
    const request = transaction.request;
    const source = transaction.origin.source;
    core.owner.log(`${request.method} ${safeCallId(request)} from ${source.host}:${source.port} -> ${response.status} ${response.reason}`);
  }
}

/** The session is over (BYE sent or received): the call leaves every table. */
export function endCall(core: Core, call: Call, why: 'local BYE' | 'remote BYE'): void {
  if (call.state === 'Ended') return;
  if (call.phase.name === 'Answered') call.phase.accepted.stop();
  // The session is over for the UAC as its BYE goes, for the UAS once it has the BYE.
  // @implements RFC3261 P90L41-P90L44, P91L19-P91L21
  call.transition({ type: 'BYE' });
  core.awaitingAck.delete(legKey(call.invite));
  if (call.role === 'UAC') core.uacCalls.delete(callId(call.invite));
  if (call.dialog !== undefined) {
    // A local BYE ended the dialog as it went (sendBye).
    if (why === 'remote BYE') call.dialog.dispatch({ type: 'BYE received' });
    core.calls.delete(call.dialog.key);
    core.reinviteAcks.delete(call.dialog.key);
  }
  call.emit('ended', why);
}

/** Call-ID, From tag and CSeq: what §8.2.2.2 compares, and what a retransmitted INVITE shares. */
// @implements RFC3261 P47L24-P47L25
export function legKey(request: Request): string {
  const c = cseq(request);
  return `${callId(request)}\n${tagOf(from(request)) ?? ''}\n${c.seq} ${c.method}`;
}

function safeCallId(request: Request): string {
  return request.headers.get('Call-ID') ?? '(no Call-ID)';
}
