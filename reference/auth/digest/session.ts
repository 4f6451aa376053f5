/**
 * A client's authentication session: one chosen challenge, the nonce count, nextnonce, stale and rspauth handling.
 *
 * What a SIP UAC (or HTTP client) keeps between requests to one protection
 * space. Feed it each 401/407's challenges and each Authentication-Info; ask
 * it for the credentials of every request.
 *
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import type { HashName } from './algorithm.ts';
import { parseAuthenticationInfo, verifyResponseAuth } from './authentication-info.ts';
import { type DigestChallenge, parseChallenges } from './challenge.ts';
import { type Authorization, buildAuthorization, chooseChallenge, type Profile } from './client.ts';
import type { ResponseInput } from './response.ts';

/**
 * answer: retry with `authorize()`; rejected: the server refused these
 * credentials, new ones must be obtained; unsupported: no challenge can be
 * answered, abandon the request.
 */
export type ChallengeOutcome = 'answer' | 'rejected' | 'unsupported';

export interface SessionOptions {
  profile?: Profile;
  accept?: readonly HashName[];
}

// @implements RFC7616 P16L1-P16L8
export class DigestSession {
  #challenge: DigestChallenge | undefined;
  /** Requests sent with the current nonce. */
  #nc = 0;
  #last: ResponseInput | undefined;

  constructor(
    readonly username: string,
    readonly password: string,
    readonly options: SessionOptions = {},
  ) {}

  /** The challenge being answered, if any. */
  get challenge(): DigestChallenge | undefined {
    return this.#challenge;
  }

  /** A 401 (or a 407, with proxy) arrived carrying these challenge values. */
  onChallenge(values: string | readonly string[], proxy = false): ChallengeOutcome {
    const chosen = chooseChallenge(parseChallenges(values, { proxy }), { ...(this.options.accept && { accept: this.options.accept }) });
    // @implements RFC8760 P5L6-P5L11
    if (chosen === undefined) return 'unsupported';
    // Challenged again for the realm just answered, and not for a stale nonce:
    // @implements RFC7616 P7L29-P7L31
    if (this.#challenge !== undefined && this.#nc > 0 && this.#challenge.realm === chosen.realm && !chosen.stale) {
      this.#challenge = undefined;
      return 'rejected';
    }
    // A new challenge starts a new session: a new nonce, counted from 1.
    // @implements RFC7616 P7L23-P7L27, P16L3-P16L4
    this.#challenge = chosen;
    this.#nc = 0;
    return 'answer';
  }

  /**
   * Credentials for the next request, or undefined before any challenge.
   * Sent on every request of the session, preemptively too.
   */
  // @implements RFC7616 P16L8-P16L10, P10L21-P10L26
  // @implements RFC2617 P4L14-P4L20, P4L34-P4L38
  authorize(req: { method: string; uri: string; body?: string | Uint8Array; qop?: 'auth' | 'auth-int' }): Authorization | undefined {
    if (this.#challenge === undefined) return undefined;
    this.#nc++;
    const a = buildAuthorization({
      challenge: this.#challenge,
      username: this.username,
      password: this.password,
      nc: this.#nc,
      ...req,
      ...(this.options.profile && { profile: this.options.profile }),
    });
    this.#last = a.request;
    return a;
  }

  /**
   * The Authentication-Info of the response to the last request: checks
   * rspauth, and adopts nextnonce for the requests that follow.
   */
  onAuthenticationInfo(value: string, responseBody?: string | Uint8Array): 'verified' | 'absent' | 'failed' {
    const info = parseAuthenticationInfo(value);
    // @implements RFC7616 P14L19-P14L21
    // @implements RFC2617 P16L12-P16L14
    if (info.nextnonce !== undefined && this.#challenge !== undefined) {
      this.#challenge = { ...this.#challenge, nonce: info.nextnonce };
      this.#nc = 0;
    }
    if (info.rspauth === undefined || this.#last === undefined) return 'absent';
    // @implements RFC7616 P15L3-P15L6
    return verifyResponseAuth(this.#last, info, responseBody) ? 'verified' : 'failed';
  }
}
