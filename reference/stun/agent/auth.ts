/**
 * The agents' credentials (plumbing: the decisions are ../auth/'s): a
 * long-term server as server.ts's `authenticate` hook, and the short- and
 * long-term clients as client.ts's `Credentials`.
 */
import { LongTermClient, LongTermServer, NonceIssuer, ShortTermClient, type IntegritySent, type SecurityFeatures } from '../auth/index.ts';
import { systemClock, type Clock } from '../../clock.ts';
import type { Credentials } from './client.ts';
import type { AuthVerdict, ServerOptions } from './server.ts';

/** §9.2.4's reason phrases for the codes it answers with (§14.8). */
const REASON: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthenticated', 438: 'Stale Nonce' };

export interface LongTermServerOptions {
  realm: string;
  users: ReadonlyMap<string, string>;
  /** The security features its nonces announce: PASSWORD-ALGORITHMS (default on) and USERHASH (default off). */
  features?: Partial<SecurityFeatures>;
  clock?: Clock;
}

/** A long-term credential server (§9.2.4) as the `authenticate` hook. */
export function longTermAuthentication(options: LongTermServerOptions): NonNullable<ServerOptions['authenticate']> {
  const clock = options.clock ?? systemClock;
  const features: SecurityFeatures = { passwordAlgorithms: true, usernameAnonymity: false, ...options.features };
  const server = new LongTermServer({ realm: options.realm, users: options.users, nonces: new NonceIssuer(features) });
  return (request, bytes, received): AuthVerdict => {
    const check = server.check(request, bytes, received.source, clock.now());
    if (check.ok) return { ok: true, key: check.key, sha256: check.sha256 };
    if (check.action === 'discard') return { ok: false, discard: check.reason };
    // The error response carries no MESSAGE-INTEGRITY (§9.2.4): the client has no key the server trusts yet.
    return { ok: false, code: check.code, reason: REASON[check.code]!, attributes: check.attributes };
  };
}

/** Long-term credentials for the Binding client (§9.2.3, §9.2.5): the first request goes bare, the 401 teaches the realm and nonce. */
export function longTermCredentials(username: string, password: string): Credentials {
  const client = new LongTermClient(username, password);
  return { request: () => client.request(), onResponse: (r, b, reliable) => client.onResponse(r, b, reliable) };
}

/** Short-term credentials (§9.1.2, §9.1.4). */
export function shortTermCredentials(username: string, password: string): Credentials {
  const client = new ShortTermClient(username, password);
  let sent: IntegritySent = 'both';
  return {
    request() {
      const r = client.request();
      sent = r.sent;
      return r;
    },
    onResponse: (r, b, reliable) => client.onResponse(r, b, sent, reliable),
  };
}
