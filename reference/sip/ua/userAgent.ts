// @implements RFC3261 (SIP)
/**
 * The UA core (RFC 3261 §8, §9, §11–§15): the transaction user above the
 * transaction layer (reference/sip/transaction/layer.ts) and the transport
 * (reference/sip/transport/layer.ts). It places calls (INVITE, ACK for the
 * 2xx, CANCEL, BYE), answers them (inspection, 100/180/200, 2xx
 * retransmission, 487 on CANCEL), answers OPTIONS and BYE, and keeps the
 * dialogs. Nothing is kept after a call ends: the maps below are emptied as
 * calls finish, so memory does not grow with the number of calls.
 *
 * Events: 'invite' (call: Call) for each new incoming INVITE — the listener
 * answers with call.accept() / call.reject(); with no listener the INVITE is
 * answered 480 (Temporarily Unavailable). 'log' (line: string), one line per
 * transaction. 'response' (response, request) for every response the UAS core
 * hands to a server transaction.
 */
import { EventEmitter } from 'node:events';
import { formatAddress, parseAddress, tagOf, type Address } from '../syntax/address.ts';
import { callId, createResponse, cseq, from, to, type Request, type Response } from '../syntax/message.ts';
import { parseUri, type URI } from '../syntax/uri.ts';
import type { Failure } from '../transaction/actions.ts';
import { systemClock, type Clock, type TimerHandle } from '../transaction/clock.ts';
import { TransactionLayer, type ServerTransaction, type TransactionUser } from '../transaction/layer.ts';
import { timerValues, type TimerValues } from '../transaction/timers.ts';
import { TransportLayer, type Destination, type Origin } from '../transport/layer.ts';
import { formatHost, type HostPort } from '../transport/via.ts';
import { Accepted2xx } from './accepted.ts';
import { retryWithCredentials, type Credentials } from './auth.ts';
import { Call, type CallDriver } from './call.ts';
import { createsDialog, Dialog, dialogKey, uacDialogId, uasDialogId } from './dialog.ts';
import { newTag } from './ids.ts';
import { minimalSdp } from './sdp.ts';
import { buildAck2xx, buildCancel, createDialogRequest, createUacRequest, nextHop, setBody } from './uac.ts';
import { defaultCapabilities, inspectRequest, optionsResponse, type Capabilities } from './uas.ts';

export interface UserAgentOptions {
  /** Address and port to listen on (UDP and TCP); port 0 picks one. */
  listen: HostPort;
  /** Host written into Via sent-by and Contact; defaults to the listen address. */
  sentByHost?: string;
  /** Our address-of-record, the From of requests we originate; default sip:ua@<host>. */
  identity?: string;
  /** User part of our Contact URI. */
  contactUser?: string;
  /** A pre-existing route set (outbound proxy) for requests outside a dialog. */
  routeSet?: string[];
  timers?: Partial<TimerValues>;
  clock?: Clock;
  capabilities?: Partial<Capabilities>;
  /** The session description we offer and answer with. */
  sdp?: () => string;
  /** The audio port written into the default SDP. */
  mediaPort?: number;
}

/** The outcome of a non-INVITE request: the final status and response (408/503 without one, §8.1.3.1). */
export interface Outcome {
  status: number;
  response?: Response;
}

export interface InviteOptions {
  from?: string;
  body?: string;
  credentials?: Credentials;
}

interface AckCache {
  ack: Request;
  destination: Destination;
}

export class UserAgent extends EventEmitter implements TransactionUser, CallDriver {
  readonly capabilities: Capabilities;
  readonly timers: TimerValues;
  readonly clock: Clock;
  readonly identity: Address;
  readonly contact: Address;
  readonly routeSet: Address[];
  /** Confirmed and early dialogs, by dialog ID, with their call. */
  readonly calls = new Map<string, Call>();
  /** UAS: INVITEs answered 2xx and not yet ACKed, by Call-ID + From tag + CSeq (their retransmissions get the 2xx again). */
  readonly awaitingAck = new Map<string, Call>();
  /** UAC: the ACK sent for each 2xx, re-sent on 2xx retransmissions for 64*T1 (§13.2.2.4). */
  readonly acks = new Map<string, AckCache>();
  /** UAC: our calls by Call-ID, until they end (a 2xx from another fork finds its call here). */
  readonly uacCalls = new Map<string, Call>();
  /** UAS: server transactions by Call-ID + From tag + CSeq, for §8.2.2.2 (swept of ended ones). */
  readonly ongoing = new Map<string, ServerTransaction>();
  /** UAS: the call of each INVITE server transaction (for CANCEL). */
  readonly #callOf = new WeakMap<ServerTransaction, Call>();
  #sweepCountdown = 256;
  /** The core's own timers (ACK cache expiry, CANCEL give-up), cleared on close. */
  readonly #timers = new Set<TimerHandle>();
  #sdp: () => string;

  private constructor(
    readonly transport: TransportLayer,
    readonly transactions: TransactionLayer,
    options: UserAgentOptions,
    readonly sentBy: HostPort,
  ) {
    super();
    this.capabilities = { ...defaultCapabilities, ...options.capabilities };
    this.timers = transactions.timers;
    this.clock = transactions.clock;
    const host = formatHost(sentBy.host);
    this.identity = parseAddress(options.identity ?? `<sip:ua@${host}>`, 'identity');
    this.contact = parseAddress(`<sip:${options.contactUser ?? 'ua'}@${host}:${sentBy.port}>`, 'Contact');
    this.routeSet = (options.routeSet ?? []).map((r) => parseAddress(r.startsWith('<') ? r : `<${r}>`, 'route set'));
    this.#sdp = options.sdp ?? (() => minimalSdp({ address: sentBy.host, port: options.mediaPort ?? 49170 }));
  }

  static async start(options: UserAgentOptions): Promise<UserAgent> {
    const timers = timerValues(options.timers);
    const holder: { ua?: UserAgent } = {};
    const transport = await TransportLayer.start(
      { host: options.listen.host, port: options.listen.port, sentByHost: options.sentByHost },
      { receiveRequest() {}, receiveResponse() {} },
    );
    const tu: TransactionUser = {
      receiveRequest: (request, transaction, origin) => holder.ua?.receiveRequest(request, transaction, origin),
      receiveStrayResponse: (response, origin) => holder.ua?.receiveStrayResponse(response, origin),
    };
    const transactions = new TransactionLayer(transport, tu, { timers, clock: options.clock ?? systemClock });
    transport.user = {
      receiveRequest: (request, origin) => transactions.receiveRequest(request, origin),
      receiveResponse: (response, origin) => transactions.receiveResponse(response, origin),
      dropped: (reason, origin) => holder.ua?.log(`dropped from ${origin.source.host}:${origin.source.port}: ${reason}`),
    };
    holder.ua = new UserAgent(transport, transactions, options, transport.sentBy);
    return holder.ua;
  }

  #later(ms: number, fire: () => void): void {
    const handle = this.clock.setTimer(ms, () => {
      this.#timers.delete(handle);
      fire();
    });
    this.#timers.add(handle);
  }

  log(line: string): void {
    if (this.listenerCount('log') > 0) this.emit('log', line);
  }

  /** Stops every timer and transaction and closes the sockets. */
  async close(): Promise<void> {
    for (const call of this.awaitingAck.values()) call.accepted?.stop();
    for (const handle of this.#timers) this.clock.clearTimer(handle);
    this.#timers.clear();
    this.awaitingAck.clear();
    this.calls.clear();
    this.acks.clear();
    this.uacCalls.clear();
    this.ongoing.clear();
    this.transactions.close();
    await this.transport.close();
  }

  /** Sizes of every table, to show they do not grow with finished calls. */
  stats(): Record<string, number> {
    this.#sweep();
    return {
      calls: this.calls.size,
      awaitingAck: this.awaitingAck.size,
      acks: this.acks.size,
      uacCalls: this.uacCalls.size,
      ongoing: this.ongoing.size,
      clientTransactions: this.transactions.clients.size,
      serverTransactions: this.transactions.servers.size,
    };
  }

  // =====================================================================
  // UAS (§8.2, §9.2, §11.2, §12.2.2, §13.3, §14.2, §15.1.2)
  // =====================================================================

  receiveRequest(request: Request, transaction: ServerTransaction | undefined, origin: Origin): void {
    // An ACK reaching the TU acknowledges a 2xx (the 2xx ended its transaction).
    if (transaction === undefined) {
      this.#receiveAck(request);
      return;
    }
    try {
      this.#receiveRequest(request, transaction, origin);
    } catch (error) {
      // A header the checks did not foresee failed to parse: the request is malformed.
      // @implements RFC3261 P185L38-P185L40
      const reason = `Bad Request: ${(error as Error).message}`.slice(0, 100).replace(/[\r\n]/g, ' ');
      try {
        this.#respond(transaction, createResponse(request, 400, reason));
      } catch {
        transaction.abandon();
      }
    }
  }

  #receiveRequest(request: Request, transaction: ServerTransaction, origin: Origin): void {
    const toTag = newTag();
    // A retransmitted INVITE whose 2xx already ended the server transaction:
    // the 2xx goes out again (the INVITE must not become a second call).
    if (request.method === 'INVITE' && request.headers.lines('To').length === 1 && tagOf(to(request)) === undefined) {
      const answered = this.awaitingAck.get(legKey(request));
      if (answered?.answer !== undefined) {
        this.#respond(transaction, answered.answer);
        return;
      }
    }

    // §8.2: the general checks, in order.
    // @implements RFC3261 P46L15-P46L18, P83L15-P83L17, P91L7-P91L8
    const rejection = inspectRequest(request, this.capabilities, toTag, (r) => this.#isMerged(r, transaction));
    if (rejection !== undefined) {
      this.#respond(transaction, rejection);
      return;
    }
    this.#remember(request, transaction);

    // CANCEL is hop-by-hop and matched to a transaction, not a dialog (§9.2).
    if (request.method === 'CANCEL') {
      this.#receiveCancel(request, transaction);
      return;
    }

    const remoteTagged = tagOf(to(request)) !== undefined;
    if (remoteTagged) {
      // @implements RFC3261 P76L20-P76L25
      const call = this.calls.get(dialogKey(uasDialogId(request)));
      if (call === undefined || call.dialog === undefined) {
        // @implements RFC3261 P76L42-P76L45, P91L9-P91L12
        this.#respond(transaction, createResponse(request, 481));
        return;
      }
      this.#receiveInDialog(request, transaction, call);
      return;
    }

    switch (request.method) {
      case 'INVITE':
        this.#receiveInvite(request, transaction, origin, toTag);
        return;
      case 'OPTIONS':
        // §11.2: the same status an INVITE would get (200: we would accept a call).
        // @implements RFC3261 P68L3-P68L7
        this.#respond(transaction, optionsResponse(request, this.capabilities, toTag, this.#sdp()));
        return;
      case 'BYE':
        // A BYE without a To tag cannot match a dialog.
        // @implements RFC3261 P91L9-P91L16
        this.#respond(transaction, createResponse(request, 481, undefined, { toTag }));
        return;
      default:
        // A method listed in capabilities that this core does not implement.
        // @implements RFC3261 P46L24-P46L27
        this.#respond(transaction, createResponse(request, 405, undefined, { toTag, headers: [['Allow', this.capabilities.methods.join(', ')]] }));
    }
  }

  /** §8.2.2.2: the same From tag, Call-ID and CSeq as a live transaction it did not match. */
  #isMerged(request: Request, transaction: ServerTransaction): boolean {
    const other = this.ongoing.get(legKey(request));
    return other !== undefined && other !== transaction && other.state !== 'Terminated';
  }

  #remember(request: Request, transaction: ServerTransaction): void {
    this.ongoing.set(legKey(request), transaction);
    // Ended transactions are swept out now and then so the table stays small.
    if (--this.#sweepCountdown > 0) return;
    this.#sweep();
  }

  #sweep(): void {
    this.#sweepCountdown = 256;
    for (const [key, t] of this.ongoing) if (t.state === 'Terminated') this.ongoing.delete(key);
  }

  /** A new INVITE outside any dialog: a new call, offered to the application. */
  #receiveInvite(request: Request, transaction: ServerTransaction, origin: Origin, toTag: string): void {
    const call = new Call('UAS', request, toTag, this, transaction, origin);
    call.remoteBody = request.body.length > 0 ? request.body : undefined;
    this.#callOf.set(transaction, call);
    // A failure of the server transaction (no ACK for a non-2xx, transport error) ends the call.
    transaction.onFailure = (failure: Failure) => this.log(`INVITE ${callId(request)} server transaction failed: ${failure}`);
    if (this.listenerCount('invite') === 0) {
      call.reject(480);
      return;
    }
    // @implements RFC3261 P83L22-P83L27
    const expires = Number(request.headers.get('Expires'));
    if (request.headers.has('Expires') && Number.isFinite(expires) && expires >= 0) {
      this.#later(expires * 1000, () => {
        if (call.state !== 'Calling' || call.transaction === undefined) return;
        this.#respond(call.transaction, createResponse(request, 487, undefined, { toTag }));
        this.#endUasAttempt(call, 487);
      });
    }
    this.emit('invite', call);
  }

  ring(call: Call): void {
    if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
    const response = this.#dialogResponse(call, 180);
    // A 180 with a To tag creates an early dialog (§13.3.1.1).
    // @implements RFC3261 P84L22-P84L26
    if (call.dialog === undefined) {
      call.dialog = Dialog.asUas(call.invite, response);
      this.calls.set(call.dialog.key, call);
    }
    this.#respond(call.transaction, response);
  }

  accept(call: Call, body?: string): void {
    if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
    // @implements RFC3261 P85L22-P85L24, P85L32-P85L35
    const response = this.#dialogResponse(call, 200, body ?? this.#sdp());
    if (call.dialog === undefined) {
      call.dialog = Dialog.asUas(call.invite, response);
      this.calls.set(call.dialog.key, call);
    }
    call.dialog.confirm();
    call.state = 'Answered';
    call.status = 200;
    call.answer = response;
    // @implements RFC3261 P85L37-P85L40
    this.#respond(call.transaction, response);
    const origin = call.origin as Origin;
    const leg = legKey(call.invite);
    this.awaitingAck.set(leg, call);
    // @implements RFC3261 P85L40-P85L42
    call.accepted = new Accepted2xx(
      this.clock,
      this.timers,
      () => void this.transport.sendResponse(response, origin).catch(() => {}),
      () => {
        // No ACK within 64*T1: the dialog counts as confirmed, but the session ends with a BYE.
        // @implements RFC3261 P86L6-P86L9, P89L5-P89L6
        this.awaitingAck.delete(leg);
        call.state = 'Confirmed';
        this.log(`INVITE ${callId(call.invite)}: no ACK for the 2xx within 64*T1, sending BYE`);
        const waiting = call.byeAfterAck;
        call.emit('ackTimeout');
        if (!waiting) void this.bye(call);
      },
    );
    call.emit('answered', response);
  }

  reject(call: Call, status: number, reason?: string): void {
    if (call.role !== 'UAS' || call.state !== 'Calling' || call.transaction === undefined) return;
    if (status < 300) throw new Error(`reject takes a failure status (300-699), not ${status}`);
    this.#respond(call.transaction, createResponse(call.invite, status, reason, { toTag: call.localTag }));
    this.#endUasAttempt(call, status);
  }

  /** A non-2xx final response ends the attempt and any early dialog (§12.3). */
  // @implements RFC3261 P77L32-P77L35
  #endUasAttempt(call: Call, status: number): void {
    call.state = 'Failed';
    call.status = status;
    if (call.dialog !== undefined) {
      call.dialog.terminate();
      this.calls.delete(call.dialog.key);
    }
    call.emit('failed', status);
  }

  /**
   * A response to the INVITE that creates or belongs to the dialog (§12.1.1):
   * our To tag, our Contact, the request's Record-Route copied in order, and
   * Allow/Supported on the 2xx (§13.3.1.4).
   */
  #dialogResponse(call: Call, status: number, body?: string): Response {
    const headers: [string, string][] = [];
    // @implements RFC3261 P70L37-P70L42
    for (const line of call.invite.headers.lines('Record-Route')) headers.push(['Record-Route', line.value]);
    // @implements RFC3261 P70L42-P70L45
    headers.push(['Contact', formatAddress(this.contact)]);
    if (status >= 200) {
      // @implements RFC3261 P85L26-P85L27
      headers.push(['Allow', this.capabilities.methods.join(', ')]);
      headers.push(['Supported', this.capabilities.extensions.join(', ')]);
    }
    const response = createResponse(call.invite, status, undefined, { toTag: call.localTag, headers });
    if (body !== undefined) setBody(response, body, 'application/sdp');
    return response;
  }

  /** An ACK for a 2xx we sent: retransmissions stop, the session is up. */
  #receiveAck(ack: Request): void {
    let call: Call | undefined;
    let key: string;
    try {
      key = dialogKey(uasDialogId(ack));
      call = this.calls.get(key);
    } catch {
      return; // an ACK is never answered, not even when malformed
    }
    const reinvite = this.#reinviteAcks.get(key);
    if (reinvite !== undefined && reinvite.seq === cseq(ack).seq) {
      reinvite.stop();
      this.#reinviteAcks.delete(key);
      return;
    }
    if (call === undefined || call.role !== 'UAS' || call.accepted === undefined) return;
    if (cseq(ack).seq !== cseq(call.invite).seq) return;
    call.accepted.acknowledged();
    this.awaitingAck.delete(legKey(call.invite));
    if (call.state !== 'Answered') return;
    call.state = 'Confirmed';
    this.log(`ACK ${callId(ack)} received`);
    call.emit('confirmed', ack);
  }

  /** §9.2: 200 to the CANCEL, and 487 to the INVITE if it has no final response yet. */
  #receiveCancel(cancel: Request, transaction: ServerTransaction): void {
    // @implements RFC3261 P55L7-P55L12
    const target = this.transactions.findCancelTarget(cancel);
    if (target === undefined) {
      // @implements RFC3261 P55L26-P55L28
      this.#respond(transaction, createResponse(cancel, 481, undefined, { toTag: newTag() }));
      return;
    }
    const call = this.#callOf.get(target);
    // The To tag of the 200 is the one of the INVITE's responses.
    // @implements RFC3261 P55L41-P55L46
    this.#respond(transaction, createResponse(cancel, 200, undefined, { toTag: call?.localTag ?? newTag() }));
    // @implements RFC3261 P55L29-P55L34
    if (call === undefined || call.state !== 'Calling') return;
    // @implements RFC3261 P55L34-P55L38
    this.#respond(target, createResponse(call.invite, 487, undefined, { toTag: call.localTag }));
    call.emit('cancelled', cancel);
    this.#endUasAttempt(call, 487);
  }

  /** §12.2.2: a request within a dialog we know. */
  #receiveInDialog(request: Request, transaction: ServerTransaction, call: Call): void {
    const dialog = call.dialog as Dialog;
    // @implements RFC3261 P77L7-P77L10
    const outOfOrder = dialog.receiveRequest(request);
    if (outOfOrder !== undefined) {
      this.#respond(transaction, createResponse(request, outOfOrder, 'Out of order CSeq'));
      return;
    }
    switch (request.method) {
      case 'BYE': {
        // @implements RFC3261 P91L18-P91L26
        this.#respond(transaction, createResponse(request, 200));
        // Pending requests of the dialog get 487: here, an unanswered INVITE.
        // @implements RFC3261 P91L28-P91L30
        if (call.role === 'UAS' && call.state === 'Calling' && call.transaction !== undefined) {
          this.#respond(call.transaction, createResponse(call.invite, 487, undefined, { toTag: call.localTag }));
        }
        this.#endCall(call, 'remote BYE');
        return;
      }
      case 'OPTIONS':
        // @implements RFC3261 P68L12-P68L14
        this.#respond(transaction, optionsResponse(request, this.capabilities, call.localTag ?? newTag(), this.#sdp()));
        return;
      case 'INVITE':
        this.#receiveReinvite(request, transaction, call);
        return;
      default:
        this.#respond(transaction, createResponse(request, 405, undefined, { headers: [['Allow', this.capabilities.methods.join(', ')]] }));
    }
  }

  /** §14.2: a re-INVITE — accepted with the same session description, as a target refresh. */
  #receiveReinvite(request: Request, transaction: ServerTransaction, call: Call): void {
    // @implements RFC3261 P88L33-P88L35
    if (call.reinviting) {
      this.#respond(transaction, createResponse(request, 491));
      return;
    }
    // @implements RFC3261 P88L27-P88L31
    if (call.role === 'UAS' && call.state === 'Answered') {
      const retryAfter = String(Math.floor(Math.random() * 11));
      this.#respond(transaction, createResponse(request, 500, undefined, { headers: [['Retry-After', retryAfter]] }));
      return;
    }
    const dialog = call.dialog as Dialog;
    // @implements RFC3261 P77L26-P77L28
    dialog.refreshTarget(request);
    // @exception RFC3261 P88L37-P88L42: the session description of a re-INVITE is not examined; this UA carries no media, so nothing changes and the same description is answered.
    const response = createResponse(request, 200, undefined, {
      headers: [['Contact', formatAddress(this.contact)], ['Allow', this.capabilities.methods.join(', ')]],
    });
    setBody(response, this.#sdp(), 'application/sdp');
    this.#respond(transaction, response);
    const leg = legKey(request);
    const reinvite = new Call('UAS', request, dialog.id.localTag, this);
    reinvite.dialog = dialog;
    reinvite.answer = response;
    reinvite.state = 'Answered';
    this.awaitingAck.set(leg, reinvite);
    const origin = transaction.origin;
    reinvite.accepted = new Accepted2xx(
      this.clock,
      this.timers,
      () => void this.transport.sendResponse(response, origin).catch(() => {}),
      () => this.awaitingAck.delete(leg),
    );
    // The ACK of a re-INVITE carries the dialog ID and the re-INVITE's CSeq number.
    const stop = () => {
      reinvite.accepted?.acknowledged();
      this.awaitingAck.delete(leg);
    };
    call.once('ended', stop);
    this.#reinviteAcks.set(dialog.key, { seq: cseq(request).seq, stop });
  }

  readonly #reinviteAcks = new Map<string, { seq: number; stop: () => void }>();

  /** Passes a response to its server transaction and logs the transaction. */
  #respond(transaction: ServerTransaction, response: Response): void {
    transaction.respond(response);
    if (this.listenerCount('response') > 0) this.emit('response', response, transaction.request);
    if (response.status >= 200) {
      const request = transaction.request;
      const source = transaction.origin.source;
      this.log(`${request.method} ${safeCallId(request)} from ${source.host}:${source.port} -> ${response.status} ${response.reason}`);
    }
  }

  // =====================================================================
  // UAC (§8.1, §9.1, §11.1, §12.2.1, §13.2, §15.1.1)
  // =====================================================================

  /** §13.2.1: place a call. Listen on the returned Call for 'answered', 'failed', 'ended'. */
  invite(target: string | URI, options: InviteOptions = {}): Call {
    const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
    const fromAddress = options.from !== undefined ? parseAddress(options.from.includes('<') ? options.from : `<${options.from}>`, 'From') : this.identity;
    // @implements RFC3261 P78L33-P78L35
    const request = createUacRequest(
      {
        method: 'INVITE',
        target: uri,
        from: fromAddress,
        contact: this.contact,
        routeSet: this.routeSet,
        body: options.body ?? this.#sdp(),
        contentType: 'application/sdp',
      },
      this.sentBy,
    );
    // @implements RFC3261 P78L38-P78L40, P78L45-P78L46
    request.headers.append('Allow', this.capabilities.methods.join(', '));
    request.headers.append('Supported', this.capabilities.extensions.join(', '));
    const call = new Call('UAC', request, undefined, this);
    this.#sendInvite(call, request, options.credentials);
    return call;
  }

  #sendInvite(call: Call, request: Request, credentials: Credentials | undefined): void {
    call.invite = request;
    this.uacCalls.set(callId(request), call);
    // @implements RFC3261 P81L1-P81L4
    const transaction = this.transactions.sendRequest(request, nextHop(request), {
      response: (response) => this.#inviteResponse(call, request, response, credentials),
      failure: (failure) => {
        // @implements RFC3261 P81L8-P81L12, P42L29-P42L34
        this.#inviteFailed(call, failure === 'timeout' ? 408 : 503);
      },
    });
    this.#inviteDestination.set(call, transaction.destination);
  }

  readonly #inviteDestination = new WeakMap<Call, Destination>();

  // @exception RFC3261 P43L12-P43L16: a 3xx is not recursed on (no new request to its Contacts); the call fails with the 3xx status.
  // @exception RFC3261 P43L3-P43L4: a response with more than one Via is not discarded here; the transaction layer has already matched it by its branch.
  #inviteResponse(call: Call, request: Request, response: Response, credentials: Credentials | undefined): void {
    const status = response.status;
    if (status < 200) {
      call.provisionalReceived = true;
      // @implements RFC3261 P81L18-P81L21
      if (createsDialog(request, response) && call.dialog === undefined) {
        call.dialog = Dialog.asUac(request, response);
        this.calls.set(call.dialog.key, call);
      }
      call.emit('progress', response);
      // A CANCEL asked for before any provisional response can go now (§9.1).
      if (call.cancelRequested) void this.#sendCancel(call);
      return;
    }
    if (status < 300) {
      this.#inviteAnswered(call, request, response);
      return;
    }
    this.log(`INVITE ${callId(request)} -> ${status} ${response.reason}`);
    // §8.1.3.5: a challenge is answered once.
    if ((status === 401 || status === 407) && credentials !== undefined && !call.cancelRequested) {
      const retried = retryWithCredentials(request, response, credentials);
      if (retried !== undefined) {
        this.#dropEarlyDialog(call);
        this.#sendInvite(call, retried, undefined);
        return;
      }
    }
    // @implements RFC3261 P81L46-P81L47, P82L1-P82L4
    this.#inviteFailed(call, status, response);
  }

  #dropEarlyDialog(call: Call): void {
    if (call.dialog === undefined) return;
    call.dialog.terminate();
    this.calls.delete(call.dialog.key);
    call.dialog = undefined;
  }

  #inviteFailed(call: Call, status: number, response?: Response): void {
    this.uacCalls.delete(callId(call.invite));
    if (call.state !== 'Calling') return;
    this.#dropEarlyDialog(call);
    call.state = 'Failed';
    call.status = status;
    call.emit('failed', status, response);
  }

  /** §13.2.2.4: a 2xx — confirm the dialog, ACK it; a 2xx of another fork is ACKed and hung up. */
  #inviteAnswered(call: Call, request: Request, response: Response): void {
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
    dialog.confirm(response);
    // @implements RFC3261 P82L29-P82L35
    const ack = buildAck2xx(dialog, request, this.sentBy);
    // @implements RFC3261 P82L41-P82L45
    const destination = nextHop(ack);
    void this.transactions.sendAck(ack, destination).catch(() => {});
    this.acks.set(key, { ack, destination });
    // @implements RFC3261 P83L1-P83L5
    this.#later(64 * this.timers.T1, () => this.acks.delete(key));
    if (otherFork) {
      // @implements RFC3261 P83L7-P83L9
      void this.#sendBye(dialog);
      return;
    }
    if (call.dialog !== undefined && call.dialog !== dialog) this.calls.delete(call.dialog.key);
    call.dialog = dialog;
    this.calls.set(key, call);
    call.state = 'Confirmed';
    call.status = response.status;
    call.remoteBody = response.body.length > 0 ? response.body : undefined;
    this.log(`INVITE ${callId(request)} -> ${response.status} ${response.reason}, ACK sent`);
    call.emit('answered', response);
    // A CANCEL crossed the 2xx: the call is up but the user gave up on it (§15).
    // @implements RFC3261 P90L11-P90L14
    if (call.cancelRequested) void this.bye(call);
  }

  /**
   * A response no client transaction claimed: with the RFC 3261 INVITE client
   * machine, every 2xx after the first. Each gets the ACK again (§13.2.2.4);
   * a 2xx of a new fork gets its own ACK and a BYE.
   */
  receiveStrayResponse(response: Response, _origin: Origin): void {
    let method: string;
    try {
      method = cseq(response).method;
    } catch {
      return;
    }
    if (method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const key = dialogKey(uacDialogId(response));
    const cached = this.acks.get(key);
    if (cached !== undefined) {
      // @implements RFC3261 P82L45-P82L48
      void this.transactions.sendAck(cached.ack, cached.destination).catch(() => {});
      return;
    }
    // A first 2xx from another fork, within 64*T1 of the first: ACK, then BYE.
    const call = this.uacCalls.get(callId(response));
    if (call !== undefined && call.state !== 'Ended') this.#inviteAnswered(call, call.invite, response);
  }

  /** §9.1: cancel a call that has no final response yet. */
  cancel(call: Call): Promise<number> {
    if (call.role !== 'UAC') throw new Error('only the caller cancels an INVITE (RFC 3261 §9.1)');
    // @implements RFC3261 P54L29-P54L31
    if (call.state !== 'Calling') return Promise.resolve(0);
    call.cancelRequested = true;
    // @implements RFC3261 P54L26-P54L28
    if (!call.provisionalReceived) {
      return new Promise((resolve) => {
        call.once('progress', () => resolve(this.#cancelOutcome(call)));
        call.once('failed', () => resolve(0));
        call.once('answered', () => resolve(0));
      });
    }
    return this.#sendCancel(call);
  }

  readonly #cancels = new WeakMap<Call, Promise<number>>();

  #cancelOutcome(call: Call): Promise<number> {
    return this.#cancels.get(call) ?? this.#sendCancel(call);
  }

  #sendCancel(call: Call): Promise<number> {
    const existing = this.#cancels.get(call);
    if (existing !== undefined) return existing;
    const cancel = buildCancel(call.invite);
    // @implements RFC3261 P54L32-P54L36
    const destination = this.#inviteDestination.get(call) ?? nextHop(call.invite);
    const sent = new Promise<number>((resolve) => {
      this.transactions.sendRequest(cancel, destination, {
        response: (response) => {
          if (response.status >= 200) resolve(response.status);
        },
        failure: (failure) => resolve(failure === 'timeout' ? 408 : 503),
      });
    });
    // With no final response to the INVITE within 64*T1, it counts as cancelled.
    // @implements RFC3261 P54L46-P55L3
    this.#later(64 * this.timers.T1, () => this.#inviteFailed(call, 487));
    this.#cancels.set(call, sent);
    return sent;
  }

  /** §15.1.1: end the session with a BYE (the UAS waits for the ACK first). */
  bye(call: Call): Promise<number> {
    if (call.dialog === undefined || call.state === 'Ended' || call.state === 'Failed') return Promise.resolve(0);
    // @implements RFC3261 P89L47-P90L3
    if (call.role === 'UAS' && call.state === 'Answered') {
      call.byeAfterAck = true;
      return new Promise((resolve) => {
        const go = () => {
          call.off('confirmed', go);
          call.off('ackTimeout', go);
          resolve(this.bye(call));
        };
        call.on('confirmed', go);
        call.on('ackTimeout', go);
      });
    }
    if (call.role === 'UAS' && call.state === 'Calling') throw new Error('the callee must not send BYE on an early dialog (RFC 3261 §15); reject the INVITE instead');
    const dialog = call.dialog;
    // @implements RFC3261 P90L40-P90L44
    const outcome = this.#sendBye(dialog);
    this.#endCall(call, 'local BYE');
    return outcome;
  }

  /** §14.1: a re-INVITE within the dialog; a 2xx refreshes the remote target and is ACKed like the first. */
  // @exception RFC3261 P88L1-P88L10: no retry timer after a 491; reinvite() resolves with 491 and the application decides.
  reinvite(call: Call, body?: string): Promise<number> {
    const dialog = call.dialog;
    if (dialog === undefined || call.state !== 'Confirmed') throw new Error('a re-INVITE needs a confirmed dialog (RFC 3261 §14)');
    // @implements RFC3261 P87L23-P87L25, P87L27-P87L29
    if (call.reinviting) throw new Error('a re-INVITE is already in progress on this dialog (RFC 3261 §14.1)');
    call.reinviting = true;
    // @implements RFC3261 P87L9-P87L11
    const request = createDialogRequest(dialog, 'INVITE', this.sentBy, { body: body ?? this.#sdp() });
    return new Promise((resolve) => {
      const done = (status: number) => {
        call.reinviting = false;
        this.log(`re-INVITE ${callId(request)} -> ${status}`);
        // @implements RFC3261 P76L1-P76L8, P87L41-P87L45
        if ((status === 481 || status === 408) && call.state === 'Confirmed') void this.bye(call);
        resolve(status);
      };
      this.transactions.sendRequest(request, nextHop(request), {
        response: (response) => {
          if (response.status < 200) return;
          if (response.status >= 300) {
            // The session stays as it was.
            // @implements RFC3261 P87L39-P87L40
            done(response.status);
            return;
          }
          // @implements RFC3261 P75L44-P75L46
          dialog.refreshTarget(response);
          // @implements RFC3261 P88L17-P88L19
          const ack = buildAck2xx(dialog, request, this.sentBy);
          const destination = nextHop(ack);
          void this.transactions.sendAck(ack, destination).catch(() => {});
          this.acks.set(dialog.key, { ack, destination });
          this.#later(64 * this.timers.T1, () => this.acks.delete(dialog.key));
          done(response.status);
        },
        failure: (failure) => done(failure === 'timeout' ? 408 : 503),
      });
    });
  }

  #sendBye(dialog: Dialog): Promise<number> {
    // @implements RFC3261 P90L37-P90L38
    const request = createDialogRequest(dialog, 'BYE', this.sentBy);
    dialog.terminate();
    return new Promise((resolve) => {
      this.transactions.sendRequest(request, nextHop(request), {
        response: (response) => {
          if (response.status < 200) return;
          this.log(`BYE ${callId(request)} -> ${response.status} ${response.reason}`);
          resolve(response.status);
        },
        // @implements RFC3261 P90L44-P91L3
        failure: (failure) => resolve(failure === 'timeout' ? 408 : 503),
      });
    });
  }

  #endCall(call: Call, why: string): void {
    if (call.state === 'Ended') return;
    call.state = 'Ended';
    call.accepted?.stop();
    this.awaitingAck.delete(legKey(call.invite));
    if (call.role === 'UAC') this.uacCalls.delete(callId(call.invite));
    if (call.dialog !== undefined) {
      call.dialog.terminate();
      this.calls.delete(call.dialog.key);
      this.#reinviteAcks.delete(call.dialog.key);
    }
    call.emit('ended', why);
  }

  /** §11.1: ask a UA for its capabilities. */
  options(target: string | URI): Promise<Outcome> {
    const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
    const request = createUacRequest({ method: 'OPTIONS', target: uri, from: this.identity, contact: this.contact, routeSet: this.routeSet }, this.sentBy);
    // @implements RFC3261 P67L25-P67L28
    request.headers.append('Accept', 'application/sdp');
    return this.request(request);
  }

  /**
   * Sends any non-INVITE request (built with createRequest or by hand with a
   * top Via carrying a fresh branch) in its own client transaction, answering
   * one 401/407 when credentials are given.
   */
  request(request: Request, options: { destination?: Destination; credentials?: Credentials } = {}): Promise<Outcome> {
    return new Promise((resolve) => {
      const send = (r: Request, credentials: Credentials | undefined) => {
        this.transactions.sendRequest(r, options.destination ?? nextHop(r), {
          response: (response) => {
            if (response.status < 200) return;
            this.log(`${r.method} ${callId(r)} -> ${response.status} ${response.reason}`);
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
      send(request, options.credentials);
    });
  }

  /** A request outside a dialog with our identity, Contact and route set (§8.1.1), ready for request(). */
  createRequest(method: string, target: string | URI, options: { from?: string; body?: string; contentType?: string } = {}): Request {
    const uri = typeof target === 'string' ? parseUri(target, undefined, 'target URI') : target;
    const fromAddress = options.from !== undefined ? parseAddress(options.from.includes('<') ? options.from : `<${options.from}>`, 'From') : this.identity;
    return createUacRequest(
      { method, target: uri, from: fromAddress, contact: this.contact, routeSet: this.routeSet, body: options.body, contentType: options.contentType },
      this.sentBy,
    );
  }
}

/** Call-ID, From tag and CSeq: what §8.2.2.2 compares, and what a retransmitted INVITE shares. */
function legKey(request: Request): string {
  const c = cseq(request);
  return `${callId(request)}\n${tagOf(from(request)) ?? ''}\n${c.seq} ${c.method}`;
}

function safeCallId(request: Request): string {
  return request.headers.get('Call-ID') ?? '(no Call-ID)';
}
