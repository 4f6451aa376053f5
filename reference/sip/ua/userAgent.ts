/**
 * Plumbing, no rule of its own (so it names no document it implements): it builds the
 * layers and the Core and hands each API call to the core that owns the rule.
 *
 * The UA core (RFC 3261 §8, §9, §11–§15): the transaction user above the
 * transaction layer (reference/sip/transaction/layer.ts) and the transport
 * (reference/sip/transport/layer.ts). This file builds the layers and the
 * core's tables and offers the UA's API; the rules live in the cores:
 * uasCore.ts (§8.2: every incoming request, CANCEL, OPTIONS, BYE),
 * uasInvite.ts (§13.3, §14.2: answering INVITEs), uacInvite.ts (§13.2, §9.1:
 * placing and cancelling calls) and uacCore.ts (§8.1, §11.1, §14.1, §15.1.1:
 * other requests, re-INVITE, BYE). Nothing is kept after a call ends: the
 * tables are emptied as calls finish, so memory does not grow with the
 * number of calls.
 *
 * Events: 'invite' (call: Call) for each new incoming INVITE — the listener
 * answers with call.accept() / call.reject(); with no listener the INVITE is
 * answered 480 (Temporarily Unavailable). 'log' (line: string), one line per
 * transaction. 'response' (response, request) for every response the UAS core
 * hands to a server transaction.
 */
import { EventEmitter } from 'node:events';
import { parseAddress, type Address } from '../syntax/address.ts';
import type { Request, Response } from '../syntax/message.ts';
import type { URI } from '../syntax/uri.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { TransactionLayer, type ServerTransaction, type TransactionUser } from '../transaction/layer.ts';
import { timerValues, type TimerValues } from '../transaction/timers.ts';
import { TransportLayer, type Destination, type Origin, type TransportLimits } from '../transport/layer.ts';
import { formatHost, type HostPort } from '../transport/via.ts';
import type { Credentials } from './auth.ts';
import type { Call, CallDriver } from './call.ts';
import type { AckCache, AwaitingAck, Core } from './core.ts';
import { audioCapabilities, codecsFromNames, localAddressProblem, type Codec } from '../../sdp/offerAnswer/index.ts';
import type { Change } from './session.ts';
import { defaultCapabilities, type Capabilities } from './uas.ts';
import * as uac from './uacCore.ts';
import type { Outcome } from './uacCore.ts';
import * as uacInvite from './uacInvite.ts';
import type { InviteOptions } from './uacInvite.ts';
import * as uas from './uasCore.ts';
import * as uasInvite from './uasInvite.ts';

export type { Outcome } from './uacCore.ts';
export type { InviteOptions } from './uacInvite.ts';

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
  /** Transport limits (sizes, TCP timeouts, connections); defaults in transport/README.md. */
  limits?: TransportLimits;
  clock?: Clock;
  capabilities?: Partial<Capabilities>;
  /**
   * What our offers and answers say (RFC 3264): one audio stream of these codecs
   * (default PCMU, PCMA, telephone-event) received at this address (default the
   * sent-by host) and port (default 49170).
   */
  media?: { codecs?: Codec[]; address?: string; port?: number; rtcpMux?: boolean };
}

/** The codecs offered and answered when none are given. */
export const DEFAULT_CODECS = 'PCMU,PCMA,telephone-event';

/**
 * The UA's life: Running, with the Core (its settings and tables) that the
 * UAS and UAC cores work on, until close(); then Closed, holding nothing.
 */
export type UserAgentState = { name: 'Running'; core: Core } | { name: 'Closed' };

export class UserAgent extends EventEmitter implements TransactionUser, CallDriver {
  /** Settings, fixed at start (the Core holds the same values for the cores). */
  readonly capabilities: Capabilities;
  readonly timers: TimerValues;
  readonly clock: Clock;
  readonly identity: Address;
  readonly contact: Address;
  readonly routeSet: Address[];
  #state: UserAgentState;

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
    // The Contact is the address this UA listens on, good inside a dialog or out.
    // @implements RFC3261 P40L18-P40L21
    this.contact = parseAddress(`<sip:${options.contactUser ?? 'ua'}@${host}:${sentBy.port}>`, 'Contact');
    this.routeSet = (options.routeSet ?? []).map((r) => parseAddress(r.startsWith('<') ? r : `<${r}>`, 'route set'));
    // The rest is settings and empty tables: the rules that read them carry
    // their tags where they apply (uac.ts, uasCore.ts, uasInvite.ts, uacInvite.ts).
    const media = audioCapabilities({
      address: options.media?.address ?? sentBy.host,
      port: options.media?.port ?? 49170,
      codecs: options.media?.codecs ?? codecsFromNames(DEFAULT_CODECS),
      rtcpMux: options.media?.rtcpMux,
    });
    const core: Core = {
      owner: this,
      transport,
      transactions,
      clock: this.clock,
      timers: this.timers,
      capabilities: this.capabilities,
      identity: this.identity,
      contact: this.contact,
      routeSet: this.routeSet,
      sentBy,
      media,
      calls: new Map<string, Call>(),
      awaitingAck: new Map<string, AwaitingAck>(),
      acks: new Map<string, AckCache>(),
      uacCalls: new Map<string, Call>(),
      ongoing: new Map<string, ServerTransaction>(),
      callOf: new WeakMap(),
      reinviteAcks: new Map(),
      retries: new WeakMap(),
      inviteTransaction: new WeakMap(),
      pending: new Set(),
      sweepCountdown: 256,
    };
    this.#state = { name: 'Running', core };
  }

  get state(): UserAgentState['name'] {
    return this.#state.name;
  }

  /** The Core, for what only a running UA does; anything asked of a closed UA is refused, naming it. */
  #core(what: string): Core {
    const state = this.#state;
    switch (state.name) {
      case 'Running':
        return state.core;
      case 'Closed':
        throw new Error(`UserAgent: ${what} in state Closed`);
      default:
        return unreachable(state);
    }
  }

  /** A message from below while closing: refused, and said so (the sockets are going). */
  #fromNetwork(what: string, handle: (core: Core) => void): void {
    const state = this.#state;
    switch (state.name) {
      case 'Running':
        handle(state.core);
        return;
      case 'Closed':
        this.log(`${what} after close: dropped`);
        return;
      default:
        unreachable(state);
    }
  }

  static async start(options: UserAgentOptions): Promise<UserAgent> {
    // The address our SDP says media goes to (the sent-by host unless given), refused before any socket opens.
    const mediaAddress = options.media?.address ?? options.sentByHost ?? options.listen.host;
    const problem = localAddressProblem(mediaAddress);
    if (problem !== undefined) throw new Error(`UserAgent: media address ${mediaAddress} cannot be written in o= and c=: ${problem}`);
    const timers = timerValues(options.timers);
    const holder: { ua?: UserAgent } = {};
    const transport = await TransportLayer.start(
      // TCP connections live 64*T1 unless told otherwise, on the transactions' clock.
      { host: options.listen.host, port: options.listen.port, sentByHost: options.sentByHost, T1: timers.T1, clock: options.clock, ...options.limits },
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

  log(line: string): void {
    if (this.listenerCount('log') > 0) this.emit('log', line);
  }

  /** Running → Closed: stops every timer and transaction, forgets every call and closes the sockets. */
  async close(): Promise<void> {
    // A second close (SIGINT then SIGTERM) has nothing left to do.
    if (this.#state.name === 'Closed') return;
    const core = this.#core('close');
    for (const waiting of core.awaitingAck.values()) waiting.accepted.stop();
    for (const handle of core.pending) this.clock.clearTimer(handle);
    this.#state = { name: 'Closed' };
    this.transactions.close();
    await this.transport.close();
  }

  /** Sizes of every table, to show they do not grow with finished calls (all 0 once closed). */
  stats(): Record<string, number> {
    const state = this.#state;
    const core = state.name === 'Running' ? state.core : undefined;
    if (core !== undefined) uas.sweep(core);
    return {
      calls: core?.calls.size ?? 0,
      awaitingAck: core?.awaitingAck.size ?? 0,
      acks: core?.acks.size ?? 0,
      uacCalls: core?.uacCalls.size ?? 0,
      ongoing: core?.ongoing.size ?? 0,
      clientTransactions: this.transactions.clients.size,
      serverTransactions: this.transactions.servers.size,
    };
  }

  // UAS (§8.2, §9.2, §11.2, §12.2.2, §13.3, §14.2, §15.1.2): uasCore.ts, uasInvite.ts

  receiveRequest(request: Request, transaction: ServerTransaction | undefined, origin: Origin): void {
    this.#fromNetwork(`${request.method} request`, (core) => uas.receiveRequest(core, request, transaction, origin));
  }

  ring(call: Call): void {
    uasInvite.ring(this.#core('ring'), call);
  }

  accept(call: Call): void {
    uasInvite.accept(this.#core('accept'), call);
  }

  reject(call: Call, status: number, reason?: string): void {
    uasInvite.reject(this.#core('reject'), call, status, reason);
  }

  // UAC (§8.1, §9.1, §11.1, §12.2.1, §13.2, §14.1, §15.1.1): uacInvite.ts, uacCore.ts

  /** §13.2.1: place a call. Listen on the returned Call for 'answered', 'failed', 'ended'. */
  invite(target: string | URI, options: InviteOptions = {}): Call {
    return uacInvite.invite(this.#core('invite'), target, options);
  }

  /** A response no client transaction claimed: a retransmitted 2xx, or the 2xx of another fork. */
  receiveStrayResponse(response: Response, origin: Origin): void {
    this.#fromNetwork(`${response.status} response`, (core) => uacInvite.receiveStrayResponse(core, response, origin));
  }

  /** §9.1: cancel a call that has no final response yet. */
  cancel(call: Call): Promise<number> {
    return uacInvite.cancel(this.#core('cancel'), call);
  }

  /** §15.1.1: end the session with a BYE (the UAS waits for the ACK first). */
  bye(call: Call): Promise<number> {
    return uac.bye(this.#core('bye'), call);
  }

  /** §14.1: a re-INVITE within the dialog, offering our capabilities again or putting the session on or off hold. */
  reinvite(call: Call, change: Change = 'offer'): Promise<number> {
    return uac.reinvite(this.#core('reinvite'), call, change);
  }

  /** §11.1: ask a UA for its capabilities. */
  options(target: string | URI): Promise<Outcome> {
    return uac.options(this.#core('options'), target);
  }

  /** Sends any non-INVITE request in its own client transaction, answering one 401/407 when credentials are given. */
  request(request: Request, options: { destination?: Destination; credentials?: Credentials } = {}): Promise<Outcome> {
    return uac.request(this.#core('request'), request, options);
  }

  /** A request outside a dialog with our identity, Contact and route set (§8.1.1), ready for request(). */
  createRequest(method: string, target: string | URI, options: { from?: string; body?: string; contentType?: string } = {}): Request {
    return uac.createRequest(this.#core('createRequest'), method, target, options);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown UserAgent state ${JSON.stringify(value)}`);
}
