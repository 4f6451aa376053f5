// @implements RFC3261 (SIP)
// @implements RFC5393 (loop detection)
/**
 * A stateful proxy (§16.2): the transaction user that validates a request
 * (§16.3), preprocesses its route (§16.4), determines its targets (§16.5),
 * forwards a copy to every target in parallel (§16.6), gathers the responses
 * in a response context and forwards the right ones (§16.7), runs Timer C
 * (§16.8), treats transport errors as 503 (§16.9) and propagates CANCEL
 * (§16.10). It sits on a TransactionLayer; messages it answers or forwards
 * without a transaction go straight to the transport.
 */
import type { LocationService } from '../core/location.ts';
import { createResponse, topVia, type Request, type Response } from '../syntax/message.ts';
import type { URI } from '../syntax/uri.ts';
import { MAGIC_COOKIE } from '../syntax/via.ts';
import type { ClientTransaction, ServerTransaction, TransactionLayer } from '../transaction/layer.ts';
import type { TimerHandle } from '../clock.ts';
import type { Destination, Origin } from '../transport/layer.ts';
import { unbracket, type HostPort } from '../transport/via.ts';
import { createHash } from 'node:crypto';
import { withToTag } from '../core/ids.ts';
import { aggregateChallenges, chooseBestResponse } from './bestResponse.ts';
import { forwardedRequest } from './forward.ts';
import { recordRouteUri, type ProxyIdentity } from './identity.ts';
import { proxyBranch } from './loop.ts';
import { preprocessRoute } from './routing.ts';
import { determineTargets, type Domains, type Target } from './targets.ts';
import { validateRequest } from './validation.ts';

/** What the proxy needs below it: the transaction layer, and the transport for stateless sends. */
export interface ProxyLayers {
  transactions: Pick<TransactionLayer, 'sendRequest' | 'sendAck' | 'cancel' | 'findCancelTarget' | 'clock' | 'timers'>;
  transport: {
    readonly sentBy: HostPort;
    sendResponse(response: Response, origin: Origin): Promise<void>;
  };
}

export interface ProxyOptions {
  identity: ProxyIdentity;
  location: LocationService;
  /** Domains the proxy is responsible for (those of the registrar). */
  domains: Domains;
  /** Insert Record-Route into forwarded requests (§16.6 step 4). */
  recordRoute?: boolean;
  /** Timer C in ms; must be above 3 minutes. */
  timerC?: number;
  proxyRequireSupported?: readonly string[];
  /** Called with a line for each event worth logging. */
  log?: (line: string) => void;
}

/** One forwarded copy and what became of it. */
interface Branch {
  target: URI;
  request: Request;
  transaction?: ClientTransaction;
  /** A provisional response arrived (so a CANCEL may be sent). */
  provisional: boolean;
  final?: Response;
  /** A CANCEL was asked of the transaction layer (which sends it once a provisional response is in, §9.1). */
  cancelled: boolean;
  timerC?: TimerHandle;
}

/** §16.6: the state kept per proxied request, keyed by its server transaction. */
// @implements RFC3261 P99L27-P99L31
export interface ResponseContext {
  original: Request;
  server: ServerTransaction;
  branches: Branch[];
  /** Final responses received (§16.7 step 4). */
  finals: Response[];
  finalForwarded: boolean;
  /** A 6xx arrived: no new branches (§16.7 step 5). */
  sixxx: boolean;
  /** The timer that drops the context once it is done (forgetWhenDone), set once. */
  cleanup?: TimerHandle;
}

/** Timer C default: a little above the 3-minute floor. */
export const TIMER_C = 181_000;

// Forking means state: every request is proxied through server and client transactions.
// @implements RFC3261 P92L15-P92L17
export class StatefulProxy {
  readonly contexts = new Map<ServerTransaction, ResponseContext>();
  readonly #timerC: number;

  constructor(
    private readonly layers: ProxyLayers,
    private readonly options: ProxyOptions,
  ) {
    // @implements RFC3261 P106L38-P106L40
    this.#timerC = options.timerC ?? TIMER_C;
    if (!(this.#timerC > 180_000)) throw new RangeError(`Timer C must be larger than 3 minutes (RFC 3261 §16.6 step 11), got ${this.#timerC} ms`);
  }

  #log(line: string): void {
    this.options.log?.(line);
  }

  /**
   * A new request from the transaction layer (ACK for a 2xx comes without a
   * transaction). The server transaction was created by the layer, which also
   * sends the 100 (Trying) for INVITE and none for other methods.
   */
  // @implements RFC3261 P93L9-P93L15, P93L21-P93L22
  receiveRequest(request: Request, server: ServerTransaction | undefined, origin: Origin): void {
    if (server === undefined) {
      this.forwardAckStatelessly(request, origin);
      return;
    }
    if (request.method === 'CANCEL') {
      this.receiveCancel(request, server, origin);
      return;
    }
    // §16.3. Merged requests are not looked for: they are not an error here.
    // @implements RFC3261 P94L25-P94L26
    const invalid = validateRequest(request, {
      sentBy: this.layers.transport.sentBy,
      ...(this.options.proxyRequireSupported !== undefined && { proxyRequireSupported: this.options.proxyRequireSupported }),
    });
    if (invalid !== undefined) {
      this.#log(`${request.method} rejected: ${invalid.status} ${invalid.reason}`);
      server.respond(withToTag(invalid));
      return;
    }
    // The loop hash is computed on the request as received, before any rewrite.
    const branchFor = () => proxyBranch(request);
    const received: Request = { ...request, headers: request.headers.clone() };
    // §16.4
    preprocessRoute(received, this.options.identity, origin.transport);
    // §16.5
    const found = determineTargets(received, this.options.domains, this.options.location);
    if ('status' in found) {
      server.respond(withToTag(createResponse(request, found.status)));
      return;
    }
    // §16.6: the response context exists before the first copy goes out.
    const context: ResponseContext = { original: request, server, branches: [], finals: [], finalForwarded: false, sixxx: false };
    this.contexts.set(server, context);
    server.onFailure = () => {};
    for (const target of orderByQ(found.targets)) {
      // @implements RFC3261 P109L42-P109L43
      if (context.sixxx) break;
      this.forwardToTarget(context, received, target, branchFor());
    }
    if (context.branches.every((b) => b.final !== undefined)) this.chooseAndForward(context);
  }

  /** §16.6 steps 1-11 for one target. */
  forwardToTarget(context: ResponseContext, received: Request, target: Target, branch: string): void {
    const { request: copy, destination } = forwardedRequest(received, target.uri, {
      branch,
      ...(this.options.recordRoute && { recordRoute: recordRouteUri(this.options.identity) }),
    });
    const b: Branch = { target: target.uri, request: copy, provisional: false, cancelled: false };
    context.branches.push(b);
    this.#log(`${copy.method} forwarded to ${destination.host}:${destination.port} (${copy.requestUri.user ?? ''}@${copy.requestUri.host})`);
    // 10. Forward: a new client transaction.
    // @implements RFC3261 P106L29-P106L32
    try {
      b.transaction = this.layers.transactions.sendRequest(copy, destination, {
        response: (response) => this.receiveResponse(context, b, response),
        // §16.9 and §16.6 step 7: a transport error is a 503, a timeout a 408.
        // @implements RFC3261 P115L7-P115L9, P105L6-P105L12
        failure: (failure) => this.receiveResponse(context, b, createResponse(copy, failure === 'timeout' ? 408 : 503)),
      });
    } catch (e) {
      this.#log(`forwarding failed: ${(e as Error).message}`);
      b.final = createResponse(copy, 503);
      b.final.headers.removeFirst('Via');
      context.finals.push(b.final);
      return;
    }
    // 11. Timer C for INVITE.
    // @implements RFC3261 P106L36-P106L40
    if (copy.method === 'INVITE') this.startTimerC(context, b);
  }

  startTimerC(context: ResponseContext, b: Branch): void {
    const clock = this.layers.transactions.clock;
    if (b.timerC !== undefined) clock.clearTimer(b.timerC);
    b.timerC = clock.setTimer(this.#timerC, () => this.timerCFired(context, b));
  }

  /** §16.8: CANCEL a branch that had a provisional response, else act as if it answered 408. */
  // @implements RFC3261 P114L42-P114L48
  timerCFired(context: ResponseContext, b: Branch): void {
    b.timerC = undefined;
    if (b.final !== undefined) return;
    if (b.provisional) {
      this.cancelBranch(b);
      return;
    }
    b.transaction?.abandon();
    this.receiveResponse(context, b, createResponse(b.request, 408));
  }

  /** §16.7: a response handed up by one of the context's client transactions. */
  receiveResponse(context: ResponseContext, b: Branch, received: Response): void {
    // 1. The context is the one this branch belongs to (closure).
    // @implements RFC3261 P108L5-P108L8
    // 2. Timer C restarts on a provisional other than 100.
    // @implements RFC3261 P108L12-P108L16
    if (b.request.method === 'INVITE' && received.status > 100 && received.status < 200) this.startTimerC(context, b);
    if (received.status < 200) b.provisional = true;

    // 3. Remove the topmost Via (ours); none left means it was for this element.
    // @implements RFC3261 P108L20-P108L24
    const response: Response = { ...received, headers: received.headers.clone() };
    response.headers.removeFirst('Via');
    if (!response.headers.has('Via')) return;

    // 4. Final responses are kept in the context; 3xx and 416 are not recursed on.
    // @implements RFC3261 P108L35-P108L40
    // @exception RFC3261 P108L42-P108L46, P109L14-P109L19: no recursion on 3xx Contacts or on a 416 (the proxy never changes a SIP scheme); they compete for best response as they are.
    if (response.status >= 200) {
      if (b.final !== undefined) return; // a second final on one branch: the transaction would not pass it
      b.final = response;
      context.finals.push(response);
      if (b.timerC !== undefined) this.layers.transactions.clock.clearTimer(b.timerC);
      b.timerC = undefined;
    }

    // 5. Forward at once: before a final was sent, provisionals but 100 and any 2xx.
    if (!context.finalForwarded) {
      // A 100 (Trying) and the other finals are held back.
      // @implements RFC3261 P109L33-P109L38, P110L14-P110L16
      if ((response.status > 100 && response.status < 200) || (response.status >= 200 && response.status < 300)) {
        this.forwardResponse(context, response);
        return;
      }
      // @implements RFC3261 P109L40-P109L43, P114L23-P114L26
      if (response.status >= 600) {
        context.sixxx = true;
        this.generateCancels(context);
      }
    } else if (response.status >= 200 && response.status < 300 && context.original.method === 'INVITE') {
      // @implements RFC3261 P110L9-P110L12
      this.forwardResponse(context, response);
      return;
    }
    // 6. Every branch has its final response and none was forwarded: the best one goes.
    // @implements RFC3261 P107L30-P107L33, P110L31-P110L34
    if (!context.finalForwarded && context.branches.every((x) => x.final !== undefined)) this.chooseAndForward(context);
    this.forgetWhenDone(context);
  }

  /**
   * The context is kept until its client transactions are over; then, after
   * the time a late 2xx retransmission may still arrive, it is dropped.
   */
  // @implements RFC3261 P114L15-P114L17
  forgetWhenDone(context: ResponseContext): void {
    if (context.cleanup !== undefined || !context.finalForwarded || !context.branches.every((b) => b.final !== undefined)) return;
    const clock = this.layers.transactions.clock;
    context.cleanup = clock.setTimer(64 * this.layers.transactions.timers.T1, () => this.contexts.delete(context.server));
  }

  /** Stops the proxy's own timers (Timer C, context cleanup) and forgets every context. */
  close(): void {
    const clock = this.layers.transactions.clock;
    for (const context of this.contexts.values()) {
      if (context.cleanup !== undefined) clock.clearTimer(context.cleanup);
      for (const b of context.branches) if (b.timerC !== undefined) clock.clearTimer(b.timerC);
    }
    this.contexts.clear();
  }

  // @implements RFC3261 P110L36-P110L37
  chooseAndForward(context: ResponseContext): void {
    const best = chooseBestResponse(context.original, context.finals);
    this.forwardResponse(context, best);
  }

  /**
   * Steps 7-10 for a response that is forwarded, whether at once or as the
   * best one. The To tag of a forwarded response is never touched (only the
   * responses the proxy generates itself get one).
   */
  // @implements RFC3261 P110L20-P110L22, P111L14-P111L16, P111L25-P111L28, P111L47-P111L48
  forwardResponse(context: ResponseContext, selected: Response): void {
    // 7. Aggregate challenges.
    const response = aggregateChallenges(selected, context.finals);
    // 8. Record-Route values are left as they are.
    // @exception RFC3261 P112L41-P112L46: the proxy has no TLS transport, so no Record-Route needs a scheme rewrite.
    // 9. Forward: through the server transaction, or statelessly when it is gone.
    // @implements RFC3261 P113L44-P113L46, P114L3-P114L9
    if (response.status >= 200) context.finalForwarded = true;
    this.#log(`${response.status} ${response.reason} forwarded upstream`);
    if (context.server.state === 'Terminated') {
      this.layers.transport.sendResponse(response, context.server.origin).catch(() => {});
    } else {
      context.server.respond(response);
    }
    // 10. A final response forwarded: CANCEL the pending branches.
    // @implements RFC3261 P114L21-P114L23
    if (response.status >= 200) this.generateCancels(context);
    this.forgetWhenDone(context);
  }

  /**
   * CANCEL every pending client transaction of the context: those with a
   * provisional response, no final one, and no CANCEL yet. An INVITE branch
   * without a provisional response is cancelled as soon as one arrives.
   */
  // @implements RFC3261 P114L26-P114L30
  generateCancels(context: ResponseContext): void {
    for (const b of context.branches) {
      if (b.final !== undefined || b.cancelled || b.request.method !== 'INVITE') continue;
      this.cancelBranch(b);
    }
  }

  /** §16.10 as §9.1 has it: the transaction layer builds the CANCEL and sends it once the branch has a provisional response. */
  cancelBranch(b: Branch): void {
    if (b.transaction === undefined || b.cancelled) return;
    b.cancelled = true;
    const branch = topVia(b.request)?.branch;
    try {
      const outcome = this.layers.transactions.cancel(b.transaction, {
        response: () => {},
        failure: () => {},
      });
      this.#log(`CANCEL for branch ${branch}: ${outcome}`);
    } catch (e) {
      this.#log(`CANCEL not sent: ${(e as Error).message}`);
    }
  }

  /** §16.10: a CANCEL. */
  receiveCancel(cancel: Request, server: ServerTransaction, origin: Origin): void {
    const target = this.layers.transactions.findCancelTarget(cancel);
    const context = target === undefined ? undefined : this.contexts.get(target);
    if (context !== undefined) {
      // @implements RFC3261 P115L36-P115L43, P115L24-P115L26
      server.respond(createResponse(cancel, 200));
      this.generateCancels(context);
      return;
    }
    // @exception RFC3261 P115L45-P115L48: a CANCEL matching no response context is forwarded through a new client transaction rather than statelessly; the next hop sees the same request.
    this.#log('CANCEL matches no response context: forwarded');
    const received: Request = { ...cancel, headers: cancel.headers.clone() };
    preprocessRoute(received, this.options.identity, origin.transport);
    const found = determineTargets(received, this.options.domains, this.options.location);
    if ('status' in found) {
      server.respond(withToTag(createResponse(cancel, found.status)));
      return;
    }
    const own: ResponseContext = { original: cancel, server, branches: [], finals: [], finalForwarded: false, sixxx: false };
    this.contexts.set(server, own);
    this.forwardToTarget(own, received, found.targets[0] as Target, proxyBranch(cancel));
  }

  /** An ACK for a 2xx: it has no transaction, and is forwarded statelessly (§16.11). */
  forwardAckStatelessly(ack: Request, origin: Origin): void {
    const received: Request = { ...ack, headers: ack.headers.clone() };
    if (validateRequest(ack, { sentBy: this.layers.transport.sentBy, loopDetection: false }) !== undefined) return;
    preprocessRoute(received, this.options.identity, origin.transport);
    const found = determineTargets(received, this.options.domains, this.options.location);
    if ('status' in found) return;
    // One target, chosen from the message alone: the first (highest q) binding.
    // @implements RFC3261 P116L24-P116L28
    const target = found.targets[0] as Target;
    // A stateless branch: the same ACK always gets the same one.
    // @implements RFC3261 P116L41-P116L46
    const branch = `${MAGIC_COOKIE}${createHash('md5').update(`${topVia(ack)?.branch ?? ''}|ack`).digest('hex')}`;
    const { request: copy, destination } = forwardedRequest(received, target.uri, { branch });
    this.layers.transactions.sendAck(copy, destination).catch(() => {});
  }

  /** A response no client transaction claimed: forwarded statelessly if a Via remains below ours. */
  // @implements RFC3261 P107L3-P107L7
  receiveStrayResponse(response: Response): void {
    const via = topVia(response);
    const ours = this.layers.transport.sentBy;
    if (via === undefined || unbracket(via.host) !== ours.host || (via.port ?? 5060) !== ours.port) return;
    const copy: Response = { ...response, headers: response.headers.clone() };
    copy.headers.removeFirst('Via');
    if (!copy.headers.has('Via')) return;
    this.layers.transport.sendResponse(copy, { transport: 'UDP', source: { host: '', port: 0 } }).catch(() => {});
  }
}

/** Targets from highest q to lowest; all are then tried in parallel. */
// @implements RFC3261 P99L22-P99L25, P99L17-P99L18
function orderByQ(targets: readonly Target[]): Target[] {
  return [...targets].sort((a, b) => (b.q ?? 1) - (a.q ?? 1));
}

export type { Destination };
