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
import type { TimerHandle } from '../../clock.ts';
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

/**
 * Where one forwarded copy stands. Each state carries what it needs: the
 * client transaction and Timer C (INVITE only) while the branch is pending,
 * the final response once it has one.
 */
export type BranchState =
  /** Sent; no response yet. */
  | { name: 'Trying'; transaction: ClientTransaction; timerC: TimerHandle | undefined }
  /** A provisional response arrived: a CANCEL would go at once (§9.1). */
  | { name: 'Proceeding'; transaction: ClientTransaction; timerC: TimerHandle | undefined }
  /** CANCEL asked for before any provisional response: the transaction layer sends it with the first one (§9.1). */
  | { name: 'Cancel waiting'; transaction: ClientTransaction; timerC: TimerHandle | undefined }
  /** CANCEL sent: waiting for the final response (a 487, or whatever crossed the CANCEL). */
  | { name: 'Cancelled'; transaction: ClientTransaction; timerC: TimerHandle | undefined }
  /** The final response: received, or made up (408 on Timer C, 503 when the copy could not be sent). */
  | { name: 'Completed'; final: Response };

export type BranchEvent =
  | { type: '1xx'; response: Response }
  | { type: 'final'; response: Response }
  /** §16.7 step 10, §16.8, §16.10: the branch is to be CANCELled. */
  | { type: 'cancel' }
  | { type: 'Timer C' };

/** One forwarded copy and what became of it. */
interface Branch {
  readonly target: URI;
  readonly request: Request;
  state: BranchState;
}

/**
 * Where a response context stands (§16.7). Only the last state holds a
 * timer: the one that drops the context.
 */
export type ContextState =
  /** Collecting responses; no final response forwarded yet. */
  | { name: 'Collecting' }
  /** A 6xx arrived: no new branches (§16.7 step 5); the best response is still to be chosen. */
  | { name: 'No new branches' }
  /** A final response went upstream; only later 2xx to an INVITE follow it (§16.7 step 5). */
  | { name: 'Final forwarded' }
  /** Final forwarded and every branch completed: the context is dropped when `cleanup` fires. */
  | { name: 'Done'; cleanup: TimerHandle };

export type ContextEvent = { type: '6xx received' } | { type: 'final forwarded' } | { type: 'every branch completed' };

/** §16.6: the state kept per proxied request, keyed by its server transaction. */
// @implements RFC3261 P99L27-P99L31
export interface ResponseContext {
  readonly original: Request;
  readonly server: ServerTransaction;
  readonly branches: Branch[];
  /** Final responses received (§16.7 step 4). */
  readonly finals: Response[];
  state: ContextState;
}

function newContext(original: Request, server: ServerTransaction): ResponseContext {
  return { original, server, branches: [], finals: [], state: { name: 'Collecting' } };
}

const completed = (context: ResponseContext): boolean => context.branches.every((b) => b.state.name === 'Completed');

function unreachable(value: never): never {
  throw new Error(`unknown proxy state or event ${JSON.stringify(value)}`);
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
    // §16.4 (routing.ts)
    // @implements RFC3261 P96L17-P96L18
    preprocessRoute(received, this.options.identity, origin.transport);
    // §16.5 (targets.ts): a 404 or 480 when there is no target.
    // @implements RFC3261 P97L11-P97L12, P99L5-P99L10
    const found = determineTargets(received, this.options.domains, this.options.location);
    if ('status' in found) {
      server.respond(withToTag(createResponse(request, found.status)));
      return;
    }
    // §16.6: the response context exists before the first copy goes out.
    // @implements RFC3261 P99L27-P99L31
    const context = newContext(request, server);
    this.contexts.set(server, context);
    server.onFailure = () => {};
    for (const target of orderByQ(found.targets)) {
      // @implements RFC3261 P109L42-P109L43
      if (context.state.name === 'No new branches') break;
      this.forwardToTarget(context, received, target, branchFor());
    }
    // No copy could be sent: the best of the 503s goes.
    if (completed(context)) this.chooseAndForward(context);
  }

  /** §16.6 steps 1-11 for one target. */
  forwardToTarget(context: ResponseContext, received: Request, target: Target, branch: string): void {
    const { request: copy, destination } = forwardedRequest(received, target.uri, {
      branch,
      ...(this.options.recordRoute && { recordRoute: recordRouteUri(this.options.identity) }),
    });
    this.#log(`${copy.method} forwarded to ${destination.host}:${destination.port} (${copy.requestUri.user ?? ''}@${copy.requestUri.host})`);
    // 10. Forward: a new client transaction.
    // @implements RFC3261 P106L29-P106L32
    let transaction: ClientTransaction;
    try {
      // The callbacks run later, once `b` below exists.
      transaction = this.layers.transactions.sendRequest(copy, destination, {
        response: (response) => this.receiveResponse(context, b, response),
        // §16.9 and §16.6 step 7: a transport error is a 503, a timeout a 408.
        // @implements RFC3261 P115L7-P115L9, P105L6-P105L12
        failure: (failure) => this.receiveResponse(context, b, createResponse(copy, failure === 'timeout' ? 408 : 503)),
      });
    } catch (e) {
      // The transport refused the copy at once: as if it had answered 503 (§16.9).
      // @implements RFC3261 P115L7-P115L9
      this.#log(`forwarding failed: ${(e as Error).message}`);
      const final = createResponse(copy, 503);
      final.headers.removeFirst('Via');
      context.finals.push(final);
      context.branches.push({ target: target.uri, request: copy, state: { name: 'Completed', final } });
      return;
    }
    // 11. Timer C for INVITE.
    // @implements RFC3261 P106L36-P106L40
    const b: Branch = { target: target.uri, request: copy, state: { name: 'Trying', transaction, timerC: undefined } };
    if (copy.method === 'INVITE') b.state = { name: 'Trying', transaction, timerC: this.#setTimerC(context, b) };
    context.branches.push(b);
  }

  // @implements RFC3261 P106L38-P106L39
  #setTimerC(context: ResponseContext, b: Branch): TimerHandle {
    return this.layers.transactions.clock.setTimer(this.#timerC, () => this.timerCFired(context, b));
  }

  /**
   * The branch's machine, state × event (the arrows §16.7, §16.8 and §9.1
   * describe); an event the RFC does not allow in a state throws.
   */
  branchEvent(context: ResponseContext, b: Branch, event: BranchEvent): void {
    const s = b.state;
    const clock = this.layers.transactions.clock;
    const refuse = (why: string) => new Error(`proxy branch to ${b.request.requestUri.host}: ${event.type} in state ${s.name}: ${why}`);
    switch (s.name) {
      case 'Trying':
      case 'Proceeding':
      case 'Cancel waiting':
      case 'Cancelled':
        switch (event.type) {
          case '1xx': {
            // 2. Timer C restarts on a provisional other than 100.
            // @implements RFC3261 P108L12-P108L16
            let timerC = s.timerC;
            if (timerC !== undefined && event.response.status > 100) {
              clock.clearTimer(timerC);
              timerC = this.#setTimerC(context, b);
            }
            const name = s.name === 'Trying' ? 'Proceeding' : s.name === 'Cancel waiting' ? 'Cancelled' : s.name;
            b.state = { name, transaction: s.transaction, timerC };
            return;
          }
          // A final response ends what Timer C guards: the transaction is no longer pending.
          // @implements RFC3261 P106L36-P106L38
          case 'final':
            if (s.timerC !== undefined) clock.clearTimer(s.timerC);
            b.state = { name: 'Completed', final: event.response };
            return;
          case 'cancel': {
            if (s.name === 'Cancel waiting' || s.name === 'Cancelled') throw refuse('the CANCEL was asked for already');
            // §9.1 is the transaction layer's: it holds the CANCEL until a provisional response is in.
            // @implements RFC3261 P115L22-P115L24
            try {
              const outcome = this.layers.transactions.cancel(s.transaction, {
                response: () => {},
                failure: (failure) => this.#log(`CANCEL for branch ${topVia(b.request)?.branch} failed: ${failure}`),
              });
              this.#log(`CANCEL for branch ${topVia(b.request)?.branch}: ${outcome}`);
            } catch (e) {
              this.#log(`CANCEL not sent: ${(e as Error).message}`);
            }
            b.state = { name: s.name === 'Trying' ? 'Cancel waiting' : 'Cancelled', transaction: s.transaction, timerC: s.timerC };
            return;
          }
          case 'Timer C':
            // §16.8: a branch with a provisional response is CANCELled, one without acts as if it answered 408.
            // @implements RFC3261 P114L42-P114L46
            if (s.name === 'Proceeding') {
              this.branchEvent(context, b, { type: 'cancel' });
              return;
            }
            // A CANCEL went already: its own 64*T1 give-up covers the branch.
            if (s.name === 'Cancelled') return;
            // @implements RFC3261 P114L46-P114L48
            s.transaction.abandon();
            this.receiveResponse(context, b, createResponse(b.request, 408));
            return;
          default:
            return unreachable(event);
        }
      case 'Completed':
        switch (event.type) {
          case 'final':
            // A second final on one branch: the INVITE client transaction passes only 2xx again (RFC 6026), and it is dropped.
            return;
          // A CANCEL is for a pending client transaction, one with no final response yet;
          // nor does a 1xx or Timer C come after the final response.
          // @implements RFC3261 P114L26-P114L28
          case 'cancel':
          case '1xx':
          case 'Timer C':
            throw refuse('the branch has its final response');
          default:
            return unreachable(event);
        }
      default:
        return unreachable(s);
    }
  }

  /** The response context's machine, state × event (§16.7 steps 5, 6 and 10). */
  contextEvent(context: ResponseContext, event: ContextEvent): void {
    const s = context.state;
    const refuse = () => new Error(`proxy response context for ${context.original.method} ${context.original.headers.get('Call-ID')}: ${event.type} in state ${s.name}`);
    switch (s.name) {
      case 'Collecting':
      case 'No new branches':
        switch (event.type) {
          // @implements RFC3261 P109L40-P109L43, P114L23-P114L26
          case '6xx received':
            context.state = { name: 'No new branches' };
            this.generateCancels(context);
            return;
          // From now on only a 2xx to an INVITE is forwarded: one final response, or 2xx ones.
          // @implements RFC3261 P110L24-P110L27
          case 'final forwarded':
            context.state = { name: 'Final forwarded' };
            return;
          case 'every branch completed':
            throw refuse();
          default:
            return unreachable(event);
        }
      case 'Final forwarded':
        switch (event.type) {
          // A 2xx to an INVITE after the final response (§16.7 step 5).
          // @implements RFC3261 P110L9-P110L12
          case 'final forwarded':
            if (context.original.method !== 'INVITE') throw refuse();
            return;
          // The context is kept until its client transactions are over; then,
          // after the time a late 2xx retransmission may still arrive, it is dropped.
          // @implements RFC3261 P114L15-P114L17
          case 'every branch completed': {
            const cleanup = this.layers.transactions.clock.setTimer(64 * this.layers.transactions.timers.T1, () => this.contexts.delete(context.server));
            context.state = { name: 'Done', cleanup };
            return;
          }
          case '6xx received':
            throw refuse();
          default:
            return unreachable(event);
        }
      case 'Done':
        throw refuse();
      default:
        return unreachable(s);
    }
  }

  // @implements RFC3261 P114L42-P114L43
  timerCFired(context: ResponseContext, b: Branch): void {
    if (b.state.name !== 'Completed') b.state = { ...b.state, timerC: undefined };
    this.branchEvent(context, b, { type: 'Timer C' });
  }

  /** §16.7: a response handed up by one of the context's client transactions. */
  receiveResponse(context: ResponseContext, b: Branch, received: Response): void {
    // 1. The context is the one this branch belongs to (closure).
    // @implements RFC3261 P108L5-P108L8
    if (received.status < 200) this.branchEvent(context, b, { type: '1xx', response: received });

    // 3. Remove the topmost Via (ours); none left means it was for this element.
    // @implements RFC3261 P108L20-P108L24
    const response: Response = { ...received, headers: received.headers.clone() };
    response.headers.removeFirst('Via');
    if (!response.headers.has('Via')) return;

    // 4. Final responses are kept in the context; 3xx and 416 are not recursed on.
    // @implements RFC3261 P108L35-P108L40
    // @exception RFC3261 P108L42-P108L46, P109L14-P109L19: no recursion on 3xx Contacts or on a 416 (the proxy never changes a SIP scheme); they compete for best response as they are.
    if (response.status >= 200) {
      if (b.state.name === 'Completed') return;
      this.branchEvent(context, b, { type: 'final', response });
      context.finals.push(response);
    }

    // 5. Forward at once: before a final was sent, provisionals but 100 and any 2xx.
    if (context.state.name === 'Collecting' || context.state.name === 'No new branches') {
      // A 100 (Trying) and the other finals are held back.
      // @implements RFC3261 P109L33-P109L38, P110L14-P110L16
      if ((response.status > 100 && response.status < 200) || (response.status >= 200 && response.status < 300)) {
        this.forwardResponse(context, response);
        return;
      }
      if (response.status >= 600) this.contextEvent(context, { type: '6xx received' });
      // 6. Every branch has its final response and none was forwarded: the best one goes.
      // @implements RFC3261 P107L30-P107L33, P110L31-P110L34
      if (completed(context)) this.chooseAndForward(context);
    } else if (response.status >= 200 && response.status < 300 && context.original.method === 'INVITE') {
      this.forwardResponse(context, response);
      return;
    }
    this.#endWhenCompleted(context);
  }

  /** A context whose final response went and whose branches all completed is done. */
  #endWhenCompleted(context: ResponseContext): void {
    if (context.state.name === 'Final forwarded' && completed(context)) this.contextEvent(context, { type: 'every branch completed' });
  }

  /** Stops the proxy's own timers (Timer C, context cleanup) and forgets every context. */
  close(): void {
    const clock = this.layers.transactions.clock;
    for (const context of this.contexts.values()) {
      if (context.state.name === 'Done') clock.clearTimer(context.state.cleanup);
      for (const b of context.branches) if (b.state.name !== 'Completed' && b.state.timerC !== undefined) clock.clearTimer(b.state.timerC);
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
    if (response.status >= 200) this.contextEvent(context, { type: 'final forwarded' });
    this.#log(`${response.status} ${response.reason} forwarded upstream`);
    if (context.server.state === 'Terminated') {
      this.layers.transport.sendResponse(response, context.server.origin).catch(() => {});
    } else {
      context.server.respond(response);
    }
    // 10. A final response forwarded: CANCEL the pending branches.
    // @implements RFC3261 P114L21-P114L23
    if (response.status >= 200) this.generateCancels(context);
    this.#endWhenCompleted(context);
  }

  /**
   * CANCEL every pending client transaction of the context: INVITE branches
   * with no final response and no CANCEL yet (one without a provisional
   * response is cancelled as soon as one arrives, §9.1).
   */
  // @implements RFC3261 P114L26-P114L30
  generateCancels(context: ResponseContext): void {
    for (const b of context.branches) {
      if (b.request.method !== 'INVITE') continue;
      if (b.state.name === 'Trying' || b.state.name === 'Proceeding') this.branchEvent(context, b, { type: 'cancel' });
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
    const own = newContext(cancel, server);
    this.contexts.set(server, own);
    this.forwardToTarget(own, received, found.targets[0] as Target, proxyBranch(cancel));
  }

  /** An ACK for a 2xx: it has no transaction, and is forwarded statelessly (§16.11). */
  forwardAckStatelessly(ack: Request, origin: Origin): void {
    const received: Request = { ...ack, headers: ack.headers.clone() };
    // @implements RFC3261 P116L18-P116L19, P116L21-P116L22
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
