/**
 * Plumbing, no rule of its own (so it names no document it implements): the rules are in
 * ../registrar/ and proxy.ts; this file builds the layers and routes between them.
 *
 * The `server` of the SIP CLI: a registrar (§10.3) and a stateful proxy (§16)
 * sharing one location service, one transaction layer and one transport
 * (UDP and TCP on one address and port). REGISTER requests for our domains go
 * to the registrar; every other request, and REGISTER for other domains
 * (§10.3 step 1), goes to the proxy.
 */
import { randomBytes } from 'node:crypto';
import { DigestServer, passwords } from '../../auth/digest.ts';
import { LocationService } from '../core/location.ts';
import { Registrar } from '../registrar/registrar.ts';
import { createResponse, type Request, type Response } from '../syntax/message.ts';
import type { Clock } from '../../clock.ts';
import type { TimerValues } from '../transaction/timers.ts';
import { TransactionLayer, type ServerTransaction } from '../transaction/layer.ts';
import { TransportLayer, type Origin, type TransportLimits } from '../transport/layer.ts';
import type { HostPort } from '../transport/via.ts';
import { withToTag } from '../core/ids.ts';
import { StatefulProxy } from './proxy.ts';

export interface ServerOptions {
  listen: HostPort;
  /** Digest realm; default: the listening host. */
  realm?: string;
  /** user → password; without users, REGISTER is not authenticated. */
  users?: Record<string, string>;
  /** Digest algorithms to challenge with, most preferred first. */
  algorithms?: readonly string[];
  /** Extra domains besides the listening address. */
  domains?: readonly string[];
  recordRoute?: boolean;
  minExpires?: number;
  /** Transport limits (sizes, TCP timeouts, connections); defaults in transport/README.md. */
  limits?: TransportLimits;
  /** Clock for transaction timers and Timer C (tests pass a FakeClock). */
  clock?: Clock;
  /** T1, T2, T4 for the transactions and the proxy's own timers (defaults: §17.1.1.1). */
  timers?: Partial<TimerValues>;
  log?: (line: string) => void;
}

export class SipServer {
  private constructor(
    readonly transport: TransportLayer,
    readonly transactions: TransactionLayer,
    readonly registrar: Registrar,
    readonly proxy: StatefulProxy,
    readonly location: LocationService,
    private readonly log: (line: string) => void,
  ) {}

  static async start(options: ServerOptions): Promise<SipServer> {
    const log = options.log ?? (() => {});
    const holder: { server?: SipServer } = {};
    const tu = {
      receiveRequest: (request: Request, tx: ServerTransaction | undefined, origin: Origin) => holder.server?.receiveRequest(request, tx, origin),
      receiveStrayResponse: (response: Response) => holder.server?.proxy.receiveStrayResponse(response),
    };
    const transport = await TransportLayer.start({ host: options.listen.host, port: options.listen.port, clock: options.clock, ...options.limits }, {
      receiveRequest: () => {},
      receiveResponse: () => {},
    });
    const transactions = new TransactionLayer(transport, tu, {
      ...(options.clock !== undefined && { clock: options.clock }),
      ...(options.timers !== undefined && { timers: options.timers }),
    });
    // The transaction layer takes what arrives; what the transport drops (and why: a limit, a bad message) is logged.
    transport.user = {
      receiveRequest: (request, origin) => transactions.receiveRequest(request, origin),
      receiveResponse: (response, origin) => transactions.receiveResponse(response, origin),
      dropped: (reason, origin) => log(`dropped from ${origin.source.host}:${origin.source.port}: ${reason}`),
    };

    const port = transport.sentBy.port;
    const domains = [options.listen.host, ...(options.domains ?? [])].map((d) => d.toLowerCase());
    const location = new LocationService();
    const realm = options.realm ?? options.listen.host;
    const digest = options.users === undefined
      ? undefined
      : new DigestServer({
          realm,
          lookup: passwords(realm, options.users),
          ...(options.algorithms !== undefined && { algorithms: options.algorithms }),
          // Plain user names: SIP digest (RFC 8760) has no use for userhash here.
          userhash: false,
          charset: false,
        });
    const registrar = new Registrar({ location, domains, port, ...(digest !== undefined && { digest }), ...(options.minExpires !== undefined && { minExpires: options.minExpires }) });
    const proxy = new StatefulProxy(
      { transactions, transport },
      {
        identity: { hosts: domains, port, instance: randomBytes(4).toString('hex') },
        location,
        domains: registrar,
        recordRoute: options.recordRoute ?? false,
        log,
      },
    );
    const server = new SipServer(transport, transactions, registrar, proxy, location, log);
    holder.server = server;
    return server;
  }

  get address(): HostPort {
    return this.transport.sentBy;
  }

  receiveRequest(request: Request, tx: ServerTransaction | undefined, origin: Origin): void {
    try {
      this.route(request, tx, origin);
    } catch (e) {
      // One bad request must not stop the server: it is logged and answered 500 if it still can be.
      this.log(`error on ${request.method}: ${(e as Error).stack ?? e}`);
      if (tx !== undefined && (tx.state === 'Proceeding' || tx.state === 'Trying')) {
        try {
          tx.respond(withToTag(createResponse(request, 500, `Server Internal Error (${(e as Error).message})`)));
        } catch {}
      }
    }
  }

  // A REGISTER for a domain the registrar is not responsible for is proxied (§10.3 step 1).
  // @implements RFC3261 P64L3-P64L8
  private route(request: Request, tx: ServerTransaction | undefined, origin: Origin): void {
    if (request.method === 'REGISTER' && tx !== undefined && this.registrar.isResponsibleFor(request.requestUri)) {
      const result = this.registrar.handle(request);
      if ('answer' in result) {
        this.log(`REGISTER ${request.headers.get('To')}: ${result.answer.status} ${result.answer.reason}`);
        tx.respond(result.answer);
        return;
      }
    }
    this.proxy.receiveRequest(request, tx, origin);
  }

  async close(): Promise<void> {
    this.proxy.close();
    this.transactions.close();
    await this.transport.close();
  }
}
