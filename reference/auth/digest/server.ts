/**
 * The server side: issue challenges, verify credentials, detect stale nonces and replays.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ALGORITHM_PREFERENCE, type Algorithm, algorithmByName } from './algorithm.ts';
import { authenticationInfoFor } from './authentication-info.ts';
import { buildChallenge, type DigestChallenge } from './challenge.ts';
import { type DigestCredentials, parseCredentials } from './credentials.ts';
import { DigestError } from './errors.ts';
import { NonceCounts } from './nonce-count.ts';
import { checkNonce, createNonce, type NonceKey } from './nonce.ts';
import { requestDigest, type ResponseInput, type Secret } from './response.ts';
import type { LookupUser } from './users.ts';

export interface VerifyInput {
  credentials: DigestCredentials;
  /** The plain username (A1 never uses the userhash). */
  username: string;
  secret: Secret;
  method: string;
  body?: string | Uint8Array;
}

/** The request's fields as the response computation takes them. */
export function responseInput(i: VerifyInput, algorithm: Algorithm): ResponseInput {
  const c = i.credentials;
  return {
    algorithm,
    username: i.username,
    realm: c.realm,
    secret: i.secret,
    nonce: c.nonce,
    method: i.method,
    uri: c.uri,
    ...(c.cnonce !== undefined && { cnonce: c.cnonce }),
    ...(c.nc !== undefined && { nc: c.nc }),
    ...(c.qop !== undefined && { qop: c.qop as 'auth' | 'auth-int' }),
    ...(i.body !== undefined && { entityBody: i.body }),
  };
}

/**
 * The digest check alone: recompute the response from the credentials and
 * the user's secret, and compare in constant time.
 */
// @implements RFC7616 P15L38-P15L42
export function verifyCredentials(i: VerifyInput): boolean {
  const algorithm = algorithmByName(i.credentials.algorithm);
  if (algorithm === undefined) throw new DigestError(`algorithm ${i.credentials.algorithm} is not supported`, 'RFC7616 P7L37-P7L38');
  const q = i.credentials.qop;
  if (q !== undefined && q !== 'auth' && q !== 'auth-int') throw new DigestError(`qop ${q} is not known`, 'RFC7616 P10L3-P10L5');
  const expected = requestDigest(responseInput(i, algorithm));
  const got = i.credentials.response;
  return got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
}

export interface DigestServerOptions {
  realm: string;
  lookup: LookupUser;
  /** Key for nonce integrity; keep it across restarts so nonces stay valid. */
  secret?: Uint8Array;
  /**
   * Algorithms to challenge with, most preferred first. Default SHA-256,
   * SHA-512-256, MD5: MD5 last, for old SIP phones; drop it to rule out a
   * downgrade (RFC 8760 §3).
   */
  algorithms?: readonly string[];
  qop?: readonly ('auth' | 'auth-int')[];
  nonceLifetimeMs?: number;
  /** Ask clients to hash the username (default true). */
  userhash?: boolean;
  /** Announce charset=UTF-8 (default true). */
  charset?: boolean;
  /** Returned unchanged by clients; Base64 or hex data is advised. */
  opaque?: string;
  /** Act as a proxy: 407 and Proxy-Authenticate. */
  proxy?: boolean;
  /** Accept credentials without qop (RFC 2069 / RFC 3261 clients; default true). */
  acceptNoQop?: boolean;
  /**
   * Does the "uri" parameter designate the request's resource? Default:
   * string equality. A SIP registrar may widen this (RFC 8760 §2.6 item 6).
   */
  uriMatches?: (digestUri: string, requestUri: string) => boolean;
  /** Clock, in milliseconds. */
  now?: () => number;
}

export interface DigestRequest {
  /** The Authorization (or Proxy-Authorization) header values, if any. */
  authorization: string | readonly string[] | undefined;
  method: string;
  /** The request-target / Request-URI of the request line. */
  uri: string;
  body?: string | Uint8Array;
}

export type Verdict =
  | { ok: true; username: string; credentials: DigestCredentials; request: ResponseInput }
  /** Improper credentials: answer 400 (HTTP) or 400 Bad Request (SIP). */
  | { ok: false; status: 400; reason: string; rule: string }
  /** Answer 401/407 with `challenges` in the WWW-/Proxy-Authenticate header. */
  | { ok: false; status: 401 | 407; reason: string; stale: boolean; header: 'WWW-Authenticate' | 'Proxy-Authenticate'; challenges: string[] };

export class DigestServer {
  readonly realm: string;
  readonly #o: Required<Omit<DigestServerOptions, 'opaque' | 'secret'>> & { opaque?: string };
  readonly #key: NonceKey;
  readonly #counts = new NonceCounts();
  readonly #algorithms: Algorithm[];

  constructor(options: DigestServerOptions) {
    this.realm = options.realm;
    this.#o = {
      // @implements RFC7616 P5L18-P5L20
      // @implements RFC8760 P7L33-P7L42
      algorithms: ALGORITHM_PREFERENCE,
      qop: ['auth', 'auth-int'],
      nonceLifetimeMs: 300_000,
      userhash: true,
      charset: true,
      proxy: false,
      acceptNoQop: true,
      uriMatches: (a, b) => a === b,
      now: Date.now,
      ...options,
    };
    this.#key = { secret: options.secret ?? randomBytes(32), realm: options.realm };
    this.#algorithms = this.#o.algorithms.map((name) => {
      const a = algorithmByName(name);
      if (a === undefined) throw new DigestError(`algorithm ${name} is not supported`, 'RFC7616 P28L3-P28L12');
      return a;
    });
    // @implements RFC7616 P17L6-P17L8
    // @implements RFC8760 P4L32-P4L34
    const hashes = new Set(this.#algorithms.map((a) => `${a.hash}${a.session ? '-sess' : ''}`));
    if (hashes.size !== this.#algorithms.length) throw new DigestError('each challenge must use a different algorithm', 'RFC8760 P4L32-P4L34');
  }

  /** One challenge per algorithm, most preferred first, all with one fresh nonce. */
  // @implements RFC8760 P4L28-P4L30
  // @implements RFC7616 P17L8-P17L11
  // @implements RFC8760 P4L34-P4L37
  challenge(stale = false): DigestChallenge[] {
    // @implements RFC7616 P6L24-P6L25
    const nonce = createNonce(this.#key, this.#o.now());
    return this.#algorithms.map((a) => ({
      realm: this.realm,
      nonce,
      stale,
      algorithm: a.name,
      // @implements RFC8760 P7L2-P7L3
      // @implements RFC7616 P8L27-P8L29
      // @implements RFC2617 P10L39-P10L42
      qop: [...this.#o.qop],
      // @implements RFC7616 P12L18-P12L20
      userhash: this.#o.userhash,
      // @implements RFC7616 P20L38-P20L41
      ...(this.#o.charset && { charset: 'UTF-8' as const }),
      ...(this.#o.opaque !== undefined && { opaque: this.#o.opaque }),
      params: new Map(),
    }));
  }

  /** The header values of `challenge()`. */
  challengeHeaders(stale = false): string[] {
    return this.challenge(stale).map(buildChallenge);
  }

  #reject(reason: string, stale = false): Verdict {
    // @implements RFC2617 P3L27-P3L34, P4L42-P5L2
    // @implements RFC7616 P17L33-P17L36
    return {
      ok: false,
      status: this.#o.proxy ? 407 : 401,
      reason,
      stale,
      header: this.#o.proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate',
      challenges: this.challengeHeaders(stale),
    };
  }

  /**
   * Verifies a request's credentials. `reason` is meant for the log: it
   * names the user and the failure, never the password.
   */
  // @implements RFC7616 P10L45-P11L3
  verify(req: DigestRequest): Verdict {
    const now = this.#o.now();
    const values = req.authorization === undefined ? [] : typeof req.authorization === 'string' ? [req.authorization] : req.authorization;

    let credentials: DigestCredentials | undefined;
    try {
      // One value per realm may come (SIP); ours is the one to check.
      for (const v of values) {
        const c = parseCredentials(v);
        if (c.realm === this.realm) credentials = c;
      }
    } catch (e) {
      if (e instanceof DigestError) return { ok: false, status: 400, reason: e.message, rule: e.rule };
      throw e;
    }
    if (credentials === undefined) return this.#reject('no credentials for this realm');
    const c = credentials;
    // @implements RFC8760 P7L20-P7L22
    if (c.response === '') return this.#reject('empty response: the client had no challenge yet');

    // @implements RFC7616 P9L12-P9L14
    const algorithm = this.#algorithms.find((a) => a.name.toLowerCase() === c.algorithm.toLowerCase());
    if (algorithm === undefined) return bad(`algorithm ${c.algorithm} was not offered`, 'RFC7616 P9L12-P9L14');
    if (c.opaque !== this.#o.opaque) return bad('opaque differs from the one sent', 'RFC7616 P9L12-P9L14');
    if (c.qop === undefined) {
      // @implements RFC8760 P6L44-P6L46
      if (!this.#o.acceptNoQop) return bad('qop is missing', 'RFC8760 P7L3-P7L4');
      // @implements RFC7616 P11L32-P11L38
      if (algorithm.session) return bad(`${algorithm.name} needs qop, cnonce and nc`, 'RFC7616 P11L32-P11L38');
    } else if (!(this.#o.qop as readonly string[]).includes(c.qop)) {
      // @implements RFC7616 P10L3-P10L5
      // @implements RFC2617 P12L6-P12L8
      return bad(`qop ${c.qop} was not offered`, 'RFC7616 P10L3-P10L5');
    }
    // @implements RFC7616 P13L33-P13L36
    // @implements RFC2617 P15L16-P15L19
    // @implements RFC8760 P6L18-P6L26
    if (!this.#o.uriMatches(c.uri, req.uri)) return bad(`uri ${JSON.stringify(c.uri)} does not designate the request's ${JSON.stringify(req.uri)}`, 'RFC7616 P13L33-P13L36');

    const nonce = checkNonce(this.#key, c.nonce, now, this.#o.nonceLifetimeMs);
    if (!nonce.valid) return this.#reject('nonce was not issued by this server');

    const user = this.#o.lookup({ username: c.username, userhash: c.userhash, realm: c.realm, algorithm });
    // The name is left out: it may be a password typed in the wrong field.
    if (user === undefined) return this.#reject('unknown user');
    const input: VerifyInput = { credentials: c, username: user.username, secret: user.secret, method: req.method, ...(req.body !== undefined && { body: req.body }) };
    if (!verifyCredentials(input)) return this.#reject(`wrong response for user ${JSON.stringify(user.username)}`);

    // The digest is right from here on: failures are about the nonce only.
    // @implements RFC2617 P10L6-P10L9
    // @implements RFC7616 P7L27-P7L28, P16L10-P16L17
    if (!nonce.fresh) return this.#reject('nonce is stale', true);
    // Credentials without qop carry no nc: their nonce is good for one use.
    const nc = c.nc === undefined ? 0 : parseInt(c.nc, 16);
    // @implements RFC7616 P10L26-P10L29
    const count = this.#counts.record(c.nonce, nc, nonce.issuedAt, nonce.issuedAt + this.#o.nonceLifetimeMs, now);
    if (count === 'replay') return this.#reject(`nc ${c.nc ?? '(none)'} already used with this nonce: replay`, true);
    if (count === 'forgotten') return this.#reject('nonce no longer tracked', true);

    return { ok: true, username: user.username, credentials: c, request: responseInput(input, algorithm) };
  }

  /**
   * The Authentication-Info value for an accepted request: rspauth, and with
   * `nextnonce` a fresh nonce for the client's next request. Nonces here are
   * not one-time, so nextnonce is optional; nc guards against replay without
   * breaking pipelined requests.
   */
  // @implements RFC7616 P14L4-P14L11, P14L17-P14L19
  // @implements RFC7616 P14L25-P14L34
  authenticationInfo(accepted: Extract<Verdict, { ok: true }>, responseBody?: string | Uint8Array, nextnonce = false): string {
    return authenticationInfoFor(accepted.request, responseBody, nextnonce ? createNonce(this.#key, this.#o.now()) : undefined);
  }
}

function bad(reason: string, rule: string): Verdict {
  return { ok: false, status: 400, reason: `${reason} (${rule})`, rule };
}
