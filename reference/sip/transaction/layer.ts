// @implements RFC3261 (SIP)
/**
 * The transaction layer (RFC 3261 §17): creates client transactions for the
 * TU's requests and server transactions for new requests from the network,
 * routes each incoming message to its transaction (§17.1.3, §17.2.3) and
 * hands everything else to the TU. It sits on a transport (TransportLayer, or
 * anything with the same three methods) and runs on a Clock.
 *
 * How a UA core or stateful proxy uses it:
 *   const tl = new TransactionLayer(transport, tu);   // transport.user = tl
 *   const ct = tl.sendRequest(invite, { host, port, transport: 'UDP' },
 *                             { response(r) {…}, failure(f) {…} });
 *   // tu.receiveRequest(request, serverTransaction, origin) for new requests:
 *   serverTransaction.respond(createResponse(request, 180));
 *   // tu.receiveRequest(ack, undefined, origin) for an ACK to a 2xx;
 *   // tu.receiveStrayResponse(response) for 2xx retransmissions and strays.
 */
import { cseq, createResponse, topVia, to, type Message, type Request, type Response } from '../syntax/message.ts';
import { tagOf } from '../syntax/address.ts';
import type { Destination, Origin } from '../transport/layer.ts';
import { isReliable } from '../transport/via.ts';
import { statusClass, type Failure } from './actions.ts';
import { systemClock, type Clock, type TimerHandle } from '../../clock.ts';
import { TransactionDriver, type DriverEnv } from './driver.ts';
import { buildAck } from './ack.ts';
import { buildCancel } from './cancel.ts';
import { cancelMatchesServer, clientTransactionKey, requestMatchesServer } from './matching.ts';
import { MAGIC_COOKIE } from '../syntax/via.ts';
import { timerValues, type TimerValues } from './timers.ts';
import { inviteClientStep, startInviteClient, type InviteClient, type InviteClientEvent } from './inviteClient.ts';
import { nonInviteClientStep, startNonInviteClient, type NonInviteClient, type NonInviteClientEvent } from './nonInviteClient.ts';
import { inviteServerStep, startInviteServer, type InviteServer, type InviteServerEvent } from './inviteServer.ts';
import { nonInviteServerStep, startNonInviteServer, type NonInviteServer, type NonInviteServerEvent } from './nonInviteServer.ts';

/** What the transaction layer needs from the transport layer. */
export interface TransactionTransport {
  prepareRequest(request: Request, destination: Destination): Destination;
  sendRequest(request: Request, destination: Destination): Promise<void>;
  sendResponse(response: Response, origin: Origin): Promise<void>;
}

/** The element above: a UA core or a stateful proxy core. */
// @exception RFC3261 P125L6-P125L7: when to answer is the TU's decision; this layer adds no delay of its own
export interface TransactionUser {
  /**
   * A request no transaction claimed. A server transaction has been created for
   * it, except for ACK (an ACK reaching the TU acknowledges a 2xx, §18.2.1).
   */
  receiveRequest(request: Request, transaction: ServerTransaction | undefined, origin: Origin): void;
  /** A response no client transaction claimed (e.g. a retransmitted 2xx to INVITE). */
  receiveStrayResponse(response: Response, origin: Origin): void;
}

export interface ClientCallbacks {
  response(response: Response): void;
  failure(failure: Failure): void;
}

/** Where the responses of a CANCEL go (§9.1), and what the TU hears of one that is never sent. */
export interface CancelCallbacks extends ClientCallbacks {
  /** The INVITE got its final response while the CANCEL waited for a provisional one: no CANCEL goes. */
  notSent?(): void;
}

/** What TransactionLayer.cancel did with the CANCEL. */
export type CancelOutcome = 'sent' | 'waiting for a provisional response' | 'not sent: the INVITE has a final response';

export interface TransactionLayerOptions {
  timers?: Partial<TimerValues>;
  clock?: Clock;
  /**
   * The TU promises a provisional or final response to every INVITE within
   * 200 ms, so the server transaction need not send 100 (Trying) itself.
   */
  tuAnswersInviteWithin200ms?: boolean;
  /**
   * Use RFC 6026's "Accepted" states in the INVITE transactions: the client
   * passes every 2xx to the TU for 64*T1 (Timer M), the server sends the TU's
   * 2xx retransmissions, absorbs INVITE retransmissions and passes ACKs up for
   * 64*T1 (Timer L). Off by default: RFC 3261 as written.
   */
  rfc6026?: boolean;
}

// The machines see messages as opaque values; here they are SIP messages.
type InviteClientDriver = TransactionDriver<InviteClient<Message>, InviteClientEvent<Message>, Message>;
type NonInviteClientDriver = TransactionDriver<NonInviteClient<Message>, NonInviteClientEvent<Message>, Message>;
type ClientDriver = InviteClientDriver | NonInviteClientDriver;

export class ClientTransaction {
  #driver: ClientDriver | undefined;
  /** Whether a provisional / a final response has arrived (CANCEL waits for the first, §9.1). */
  provisionalReceived = false;
  finalReceived = false;
  /**
   * Waiting for the first provisional response (a CANCEL, §9.1): each runs
   * once, with 'provisional' when one arrives, or with 'final' when the
   * transaction gets a final response or ends without any provisional one.
   */
  #awaitingProvisional: ((first: 'provisional' | 'final') => void)[] = [];

  constructor(
    readonly request: Request,
    /** Where the request went, after the transport's size rule. */
    readonly destination: Destination,
    readonly callbacks: ClientCallbacks,
  ) {}

  attach(driver: ClientDriver): void {
    this.#driver = driver;
  }

  private get driver(): ClientDriver {
    if (this.#driver === undefined) throw new Error('the client transaction is not started yet');
    return this.#driver;
  }

  get state(): string {
    return this.#driver?.state ?? 'Calling';
  }

  /** Runs `run` at the first provisional response, or with 'final' if none comes before the transaction's end. */
  // @implements RFC3261 P54L26-P54L28
  afterFirstProvisional(run: (first: 'provisional' | 'final') => void): void {
    if (this.provisionalReceived) run('provisional');
    else if (this.finalReceived || this.state === 'Terminated') run('final');
    else this.#awaitingProvisional.push(run);
  }

  /** The transaction ended (a final response, a timeout, a transport error, abandoned): nobody waits any more. */
  ended(): void {
    for (const run of this.#awaitingProvisional.splice(0)) run('final');
  }

  /** A response matched to this transaction by the layer. */
  receive(response: Response): void {
    const cls = statusClass(response.status);
    // What waits for the first provisional response (a CANCEL) goes now, or never.
    // @implements RFC3261 P54L26-P54L28
    if (cls !== '1xx') {
      this.finalReceived = true;
      this.ended();
    } else if (!this.provisionalReceived) {
      this.provisionalReceived = true;
      // The TU sees the provisional response before what waited for it goes.
      for (const run of this.#awaitingProvisional.splice(0)) queueMicrotask(() => run('provisional'));
    }
    // @implements RFC3261 P124L38-P124L43
    if (this.request.method === 'INVITE') {
      (this.driver as InviteClientDriver).dispatch({ type: cls, response });
    } else {
      const type = cls === '1xx' ? '1xx' : '200-699';
      (this.driver as NonInviteClientDriver).dispatch({ type, response });
    }
  }

  abandon(): void {
    this.#driver?.abandon();
    this.ended();
  }
}

/** A header view that may be absent or malformed in a response the TU built for a broken request. */
function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

type InviteServerDriver = TransactionDriver<InviteServer<Message>, InviteServerEvent<Message>, Message>;
type NonInviteServerDriver = TransactionDriver<NonInviteServer<Message>, NonInviteServerEvent<Message>, Message>;
type ServerDriver = InviteServerDriver | NonInviteServerDriver;

export class ServerTransaction {
  #driver: ServerDriver | undefined;
  /** The To tag of the final response sent (the RFC 2543 ACK matching rule needs it). */
  sentToTag: string | undefined;
  /** Set by the TU to hear of a timeout (no ACK) or a transport failure. */
  // @implements RFC3261 P141L18-P141L20
  onFailure: (failure: Failure) => void = () => {};
  /** Where the last matched ACK came from (an ACK passed up in RFC 6026's Accepted state). */
  ackOrigin: Origin | undefined;

  constructor(
    readonly request: Request,
    /** Where the request came from: its responses go back that way (§18.2.2). */
    readonly origin: Origin,
  ) {}

  attach(driver: ServerDriver): void {
    this.#driver = driver;
  }

  get state(): string {
    return this.#driver?.state ?? 'Proceeding';
  }

  /** The TU passes a response for this transaction's request. */
  // @implements RFC3261 P141L5-P141L8
  respond(response: Response): void {
    if (this.#driver === undefined) throw new Error('the server transaction is not started yet');
    const method = readOrUndefined(() => cseq(response).method);
    if (method !== undefined && method !== this.request.method) {
      throw new Error(`a response to ${method} passed to the ${this.request.method} server transaction`);
    }
    const cls = statusClass(response.status);
    // A 400 to a request without a usable To has no tag to remember.
    // Only the first final response counts: later ones are discarded by the machine.
    // @implements RFC3261 P138L44-P138L45
    if (cls !== '1xx') this.sentToTag ??= readOrUndefined(() => tagOf(to(response)));
    if (this.request.method === 'INVITE') {
      const type = cls === '1xx' ? '1xx from TU' : cls === '2xx' ? '2xx from TU' : '300-699 from TU';
      (this.#driver as InviteServerDriver).dispatch({ type, response });
    } else {
      const type = cls === '1xx' ? '1xx from TU' : '200-699 from TU';
      (this.#driver as NonInviteServerDriver).dispatch({ type, response });
    }
  }

  /** A retransmission of the request, or an ACK, matched to this transaction. */
  // @implements RFC3261 P146L3-P146L4
  receive(request: Request, origin?: Origin): void {
    if (this.#driver === undefined) return;
    if (request.method === 'ACK') this.ackOrigin = origin;
    if (this.request.method === 'INVITE') {
      if (request.method === 'ACK') (this.#driver as InviteServerDriver).dispatch({ type: 'ACK', request });
      else (this.#driver as InviteServerDriver).dispatch({ type: 'INVITE' });
    } else {
      (this.#driver as NonInviteServerDriver).dispatch({ type: 'Request' });
    }
  }

  abandon(): void {
    this.#driver?.abandon();
  }
}

export class TransactionLayer {
  readonly timers: TimerValues;
  readonly clock: Clock;
  /** Client transactions by the branch and CSeq method a response must match. */
  // @implements RFC3261 P132L17-P132L25
  readonly clients = new Map<string, ClientTransaction>();
  readonly servers = new Set<ServerTransaction>();
  /**
   * The same server transactions indexed for matching: by the branch of the
   * request that created them when it has the magic cookie (only such a
   * transaction can match a request with that branch), else in one set
   * scanned by the RFC 2543 rules.
   */
  // @implements RFC3261 P138L7-P138L16, P138L32-P138L35
  readonly #byBranch = new Map<string, Set<ServerTransaction>>();
  readonly #legacy = new Set<ServerTransaction>();
  /** The 64*T1 guards of sent CANCELs (cleared on close). */
  readonly #cancelGuards = new Set<TimerHandle>();

  constructor(
    private readonly transport: TransactionTransport,
    private readonly tu: TransactionUser,
    private readonly options: TransactionLayerOptions = {},
  ) {
    this.timers = timerValues(options.timers);
    this.clock = options.clock ?? systemClock;
  }

  // ---- Client transactions (§17.1) ----

  /**
   * The TU starts a client transaction: the request (with its top Via and a
   * branch, §8.1.1.7) and where to send it.
   */
  // @implements RFC3261 P124L31-P124L36
  sendRequest(request: Request, destination: Destination, callbacks: ClientCallbacks): ClientTransaction {
    // @implements RFC3261 P124L43-P124L45
    if (request.method === 'ACK') throw new Error('there is no client transaction for ACK; pass it to sendAck (RFC 3261 §17.1)');
    const branch = topVia(request)?.branch;
    // @implements RFC3261 P39L43-P39L45
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) {
      throw new Error(`the top Via branch must begin with ${MAGIC_COOKIE} (RFC 3261 §8.1.1.7), got ${JSON.stringify(branch)}`);
    }
    if (cseq(request).method !== request.method) throw new Error(`CSeq method ${cseq(request).method} differs from the request method ${request.method}`);
    const used = this.transport.prepareRequest(request, destination);
    const key = clientTransactionKey(request) as string;
    if (this.clients.has(key)) throw new Error(`a client transaction with branch ${branch} for ${request.method} already exists`);
    const reliable = isReliable(used.transport);
    const transaction = new ClientTransaction(request, used, callbacks);
    const env: DriverEnv<Message> = {
      clock: this.clock,
      send: (message) => this.transport.sendRequest(message as Request, used),
      // @implements RFC3261 P126L41-P126L42
      buildAck: (response) => buildAck(request, response as Response),
      tu: {
        receive: (message) => callbacks.response(message as Response),
        failure: (failure) => callbacks.failure(failure),
      },
      // @implements RFC3261 P129L7-P129L8
      terminated: () => {
        if (this.clients.get(key) === transaction) this.clients.delete(key);
        transaction.ended();
      },
    };
    const options = { reliable, timers: this.timers, rfc6026: this.options.rfc6026 };
    // @implements RFC3261 P124L38-P124L43
    const driver: ClientDriver =
      request.method === 'INVITE'
        ? new TransactionDriver(startInviteClient<Message>(request, options), inviteClientStep<Message>, env, true)
        : new TransactionDriver(startNonInviteClient<Message>(request, options), nonInviteClientStep<Message>, env, true);
    transaction.attach(driver);
    this.clients.set(key, transaction);
    driver.begin();
    return transaction;
  }

  /**
   * The TU wants to cancel a pending INVITE (§9.1): the one owner of when a
   * CANCEL goes, for the UA core and the proxy alike. The CANCEL is built at
   * once and goes in its own client transaction to the INVITE's destination
   * once a provisional response has arrived; its responses go to
   * `callbacks`. If the INVITE is still not answered 64*T1 later, its
   * transaction is destroyed and its TU told ('timeout').
   */
  cancel(invite: ClientTransaction, callbacks: CancelCallbacks): CancelOutcome {
    const request = buildCancel(invite.request);
    // @implements RFC3261 P54L28-P54L31
    const answered = () => invite.finalReceived || invite.state === 'Terminated';
    if (answered()) return 'not sent: the INVITE has a final response';
    const send = (later: boolean) => {
      if (answered()) {
        callbacks.notSent?.();
        return;
      }
      try {
        // @implements RFC3261 P54L31-P54L36
        this.sendRequest(request, invite.destination, callbacks);
      } catch (e) {
        // Sent with the first provisional response, the CANCEL has no caller left to throw to.
        if (!later) throw e;
        callbacks.failure('transportError');
        return;
      }
      // @implements RFC3261 P54L46-P55L3
      const guard = this.clock.setTimer(64 * this.timers.T1, () => {
        this.#cancelGuards.delete(guard);
        if (answered()) return;
        invite.abandon();
        invite.callbacks.failure('timeout');
      });
      this.#cancelGuards.add(guard);
    };
    // @implements RFC3261 P54L22-P54L28
    if (!invite.provisionalReceived) {
      invite.afterFirstProvisional((first) => (first === 'provisional' ? send(true) : callbacks.notSent?.()));
      return 'waiting for a provisional response';
    }
    send(false);
    return 'sent';
  }

  /** An ACK for a 2xx, built by the UA core (§13.2.2.4), goes straight to the transport. */
  // @implements RFC3261 P124L44-P124L45
  async sendAck(ack: Request, destination: Destination): Promise<Destination> {
    if (ack.method !== 'ACK') throw new Error(`sendAck sends ACK, not ${ack.method}`);
    const used = this.transport.prepareRequest(ack, destination);
    await this.transport.sendRequest(ack, used);
    return used;
  }

  /** From the transport: a response (its sent-by already checked, §18.1.2). */
  receiveResponse(response: Response, origin: Origin): void {
    const key = clientTransactionKey(response);
    const transaction = key === undefined ? undefined : this.clients.get(key);
    // @implements RFC3261 P144L37-P144L42
    if (transaction === undefined) {
      // RFC 6026: a stray is discarded (only a stateless proxy, which has no
      // transaction layer, would still look at it).
      // @implements RFC6026 P18L5-P18L9
      // @exception RFC6026 P5L7-P5L10, P10L44-P10L48, P11L28-P11L32, P11L38-P11L40: what a proxy forwards is the proxy core's decision (reference/sip/proxy); with rfc6026 set, strays never reach it
      if (this.options.rfc6026) return;
      // @implements RFC3261 P129L14-P129L19
      this.tu.receiveStrayResponse(response, origin);
      return;
    }
    transaction.receive(response);
  }

  // ---- Server transactions (§17.2) ----

  /** From the transport: a request (received/rport already added, §18.2.1). */
  receiveRequest(request: Request, origin: Origin): void {
    // @implements RFC3261 P146L1-P146L5
    for (const transaction of this.#candidates(request)) {
      if (requestMatchesServer(transaction.request, request, transaction.sentToTag)) {
        transaction.receive(request, origin);
        return;
      }
    }
    // @implements RFC3261 P146L6-P146L10
    if (request.method === 'ACK') {
      this.tu.receiveRequest(request, undefined, origin);
      return;
    }
    this.createServerTransaction(request, origin);
  }

  /**
   * Every new request but ACK gets a server transaction here, before the TU
   * sees it; a stateless TU can simply answer through it or ignore it.
   */
  // @implements RFC3261 P134L8-P134L12
  private createServerTransaction(request: Request, origin: Origin): ServerTransaction {
    const transaction = new ServerTransaction(request, origin);
    // The connection the request came on is kept while the transaction
    // lives, so its responses go back on it however long it takes (§18).
    // @implements RFC3261 P142L3-P142L9
    const release = origin.connection?.use();
    const env: DriverEnv<Message> = {
      clock: this.clock,
      send: (message) => this.transport.sendResponse(message as Response, origin),
      tu: {
        // The request that created the transaction, or (RFC 6026 Accepted) an ACK for the 2xx.
        receive: (message) =>
          message === request
            ? this.tu.receiveRequest(request, transaction, origin)
            : this.tu.receiveRequest(message as Request, undefined, transaction.ackOrigin ?? origin),
        failure: (failure) => transaction.onFailure(failure),
      },
      // @implements RFC3261 P137L47-P137L48
      terminated: () => {
        release?.();
        this.#forget(transaction);
      },
    };
    const options = { reliable: isReliable(origin.transport), timers: this.timers, rfc6026: this.options.rfc6026 };
    let driver: ServerDriver;
    if (request.method === 'INVITE') {
      // The 100 (Trying) gets no To tag: adding one is downgraded to SHOULD NOT.
      // @implements RFC3261 P134L28-P134L31
      const trying = this.options.tuAnswersInviteWithin200ms ? undefined : tryingFor(request);
      driver = new TransactionDriver(startInviteServer<Message>(request, trying, options), inviteServerStep<Message>, env, true);
    } else {
      driver = new TransactionDriver(startNonInviteServer<Message>(request, options), nonInviteServerStep<Message>, env, true);
    }
    transaction.attach(driver);
    this.#remember(transaction);
    driver.begin();
    return transaction;
  }

  /** §9.2: the server transaction a received CANCEL targets, if it still exists. */
  // @implements RFC3261 P55L7-P55L12
  findCancelTarget(cancel: Request): ServerTransaction | undefined {
    if (cancel.method !== 'CANCEL') throw new Error(`findCancelTarget takes a CANCEL, not ${cancel.method}`);
    for (const transaction of this.#candidates(cancel)) {
      if (cancelMatchesServer(transaction.request, cancel)) return transaction;
    }
    return undefined;
  }

  /** Stops every transaction (timers cleared, nothing more sent). */
  close(): void {
    for (const transaction of [...this.clients.values()]) transaction.abandon();
    for (const transaction of [...this.servers]) transaction.abandon();
    this.clients.clear();
    this.servers.clear();
    this.#byBranch.clear();
    this.#legacy.clear();
    for (const guard of this.#cancelGuards) this.clock.clearTimer(guard);
    this.#cancelGuards.clear();
  }

  /** The server transactions a request could match: those with its branch, or the RFC 2543 ones. */
  // @implements RFC3261 P138L7-P138L16, P138L32-P138L35
  #candidates(request: Request): Iterable<ServerTransaction> {
    const branch = topVia(request)?.branch;
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) return this.#legacy;
    return this.#byBranch.get(branch) ?? [];
  }

  // @implements RFC3261 P138L14-P138L16
  #remember(transaction: ServerTransaction): void {
    this.servers.add(transaction);
    const branch = topVia(transaction.request)?.branch;
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) {
      this.#legacy.add(transaction);
      return;
    }
    const same = this.#byBranch.get(branch) ?? new Set<ServerTransaction>();
    same.add(transaction);
    this.#byBranch.set(branch, same);
  }

  // @implements RFC3261 P137L47-P137L48
  #forget(transaction: ServerTransaction): void {
    this.servers.delete(transaction);
    this.#legacy.delete(transaction);
    const branch = topVia(transaction.request)?.branch;
    if (branch === undefined) return;
    const same = this.#byBranch.get(branch);
    same?.delete(transaction);
    if (same?.size === 0) this.#byBranch.delete(branch);
  }
}

/**
 * The 100 (Trying) the server transaction sends for an INVITE: no To tag,
 * and the request's Timestamp echoed. No delay value is added, the 100
 * leaving as the INVITE arrives.
 */
// @exception RFC3261 P50L5-P50L6: no delay value is added to the echoed Timestamp.
function tryingFor(request: Request): Response {
  const trying = createResponse(request, 100);
  // @implements RFC3261 P50L1-P50L3
  const timestamp = request.headers.get('Timestamp');
  if (timestamp !== undefined) trying.headers.append('Timestamp', timestamp);
  return trying;
}
