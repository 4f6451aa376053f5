/**
 * A client's side of STUN authentication (RFC 8489 §9.1.2, §9.1.4, §9.1.5,
 * §9.2.3, §9.2.5): which attributes a request carries, and what to do with
 * each response: accept it, retry with a new transaction, give up, or
 * discard it (and, for a reliable transport, end the transaction as an
 * integrity violation). Pure decisions; the transaction layer acts on them.
 *
 * @implements RFC8489 (STUN)
 */
import {
  type EncodeOptions,
  type PasswordAlgorithm,
  type StunAttribute,
  type StunMessage,
  PASSWORD_ALGORITHM,
  firstAttribute,
  verifyIntegrity,
} from '../message/index.ts';
import { longTermKey, shortTermKey, userhash } from './keys.ts';
import { readNonceCookie } from './nonce.ts';

/** What a request carries for authentication: attributes to add, and how encodeMessage protects it. */
export interface RequestAuthentication {
  attributes: StunAttribute[];
  integrity?: EncodeOptions['integrity'];
}

/** Which integrity attribute(s) a request carried. */
export type IntegritySent = 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256' | 'both';

/** What to do with a response. */
export type ResponseVerdict =
  /** Authenticated (or, with no credentials in play, nothing to check). */
  | { action: 'accept'; integrity?: 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256' }
  /** Send the request again in a new transaction, with request()'s attributes. */
  | { action: 'retry'; reason: string }
  /** Do not retry: the transaction failed. */
  | { action: 'fail'; reason: string }
  /** Discard, as if never received: retransmissions go on; if all responses are discarded, report an integrity violation, not a timeout. */
  | { action: 'discard'; reason: string; integrityViolated: boolean }
  /** Discard and end the transaction now, reporting an integrity violation (reliable transport). */
  | { action: 'violated'; reason: string };

/** §9.1.4, §9.2.5: the message-integrity check of a response, and what failing it means on this transport. */
function integrityVerdict(response: StunMessage, bytes: Uint8Array, key: Uint8Array, reliable: boolean, rule: string): ResponseVerdict {
  const sha256 = firstAttribute(response, 'MESSAGE-INTEGRITY-SHA256') !== undefined;
  const sha1 = firstAttribute(response, 'MESSAGE-INTEGRITY') !== undefined;
  if (sha256 && verifyIntegrity(bytes, key, true)) return { action: 'accept', integrity: 'MESSAGE-INTEGRITY-SHA256' };
  if (!sha256 && sha1 && verifyIntegrity(bytes, key, false)) return { action: 'accept', integrity: 'MESSAGE-INTEGRITY' };
  const reason = `${rule}: ${sha1 || sha256 ? 'the response\'s message integrity does not match' : 'the response has neither MESSAGE-INTEGRITY nor MESSAGE-INTEGRITY-SHA256'}`;
  // @implements RFC8489 P25L28-P25L33, P32L32-P32L37
  if (!reliable) return { action: 'discard', reason, integrityViolated: true };
  // @implements RFC8489 P25L35-P25L37, P32L39-P32L41
  return { action: 'violated', reason };
}

// --- short-term ---------------------------------------------------------------

/**
 * A client's short-term credential: the first request carries USERNAME,
 * MESSAGE-INTEGRITY-SHA256 and MESSAGE-INTEGRITY unless the algorithm is
 * known; later ones only what the first response carried.
 */
export class ShortTermClient {
  readonly key: Uint8Array;
  /** What the server answered the first request with, once known (§9.1.5). */
  #agreed: 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256' | undefined;

  constructor(
    readonly username: string,
    password: string,
    /** Known from outside which algorithm both agents support (§9.1.2). */
    known?: 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256',
  ) {
    this.key = shortTermKey(password);
    this.#agreed = known;
  }

  /** What the next request or indication carries. */
  request(): RequestAuthentication & { sent: IntegritySent } {
    const attributes: StunAttribute[] = [{ type: 'USERNAME', value: this.username }];
    // @implements RFC8489 P23L29-P23L34, P25L41-P25L43
    if (this.#agreed === undefined) return { attributes, integrity: { key: this.key, both: true }, sent: 'both' };
    return { attributes, integrity: { key: this.key, sha256: this.#agreed === 'MESSAGE-INTEGRITY-SHA256' }, sent: this.#agreed };
  }

  /** §9.1.4 on a response to a request that carried `sent`. */
  onResponse(response: StunMessage, bytes: Uint8Array, sent: IntegritySent, reliable: boolean): ResponseVerdict {
    const error = response.class === 'error' ? firstAttribute(response, 'ERROR-CODE')?.code : undefined;
    // @implements RFC8489 P43L30-P43L35
    if (error === 400) return { action: 'fail', reason: 'RFC8489 §14.8: 400 Bad Request (a 400 need not carry valid message integrity)' };
    const got = firstAttribute(response, 'MESSAGE-INTEGRITY-SHA256') ? 'MESSAGE-INTEGRITY-SHA256' : firstAttribute(response, 'MESSAGE-INTEGRITY') ? 'MESSAGE-INTEGRITY' : undefined;
    // @implements RFC8489 P25L9-P25L15
    if (got && sent !== 'both' && got !== sent) return { action: 'discard', reason: `RFC8489 §9.1.4: the request carried only ${sent}, the response ${got}`, integrityViolated: true };
    // @implements RFC8489 P25L17-P25L26, P43L21-P43L23
    const verdict = integrityVerdict(response, bytes, this.key, reliable, 'RFC8489 §9.1.4');
    if (verdict.action === 'accept' && this.#agreed === undefined) this.#agreed = verdict.integrity;
    return verdict;
  }
}

// --- long-term ----------------------------------------------------------------

const DEFAULT_SUPPORTED = [PASSWORD_ALGORITHM['SHA-256'], PASSWORD_ALGORITHM.MD5];

/**
 * A client's long-term credential with one server: the realm, nonce and
 * password algorithms the server gave, and §9.2.3 and §9.2.5's rules on them.
 */
export class LongTermClient {
  realm: string | undefined;
  nonce: string | undefined;
  passwordAlgorithms: PasswordAlgorithm[] | undefined;
  passwordAlgorithm: PasswordAlgorithm | undefined;
  useUserhash = false;
  /** Once a response carried PASSWORD-ALGORITHMS, every request uses MESSAGE-INTEGRITY-SHA256 only. */
  sha256Only = false;
  /** The realm and credentials of the last request that carried them (the retry rule of §9.2.5). */
  #lastAttempt: string | undefined;

  constructor(
    readonly username: string,
    readonly password: string,
    /** Password algorithms this client supports, any order. */
    readonly supported: readonly number[] = DEFAULT_SUPPORTED,
  ) {}

  /** The HMAC key for the current realm and password algorithm. */
  key(): Uint8Array {
    if (this.realm === undefined) throw new Error('RFC8489 §9.2.2: no realm yet: the key is made with the realm the server gave');
    return longTermKey(this.username, this.realm, this.password, this.passwordAlgorithm?.algorithm ?? PASSWORD_ALGORITHM.MD5);
  }

  /** What the next request carries. */
  request(): RequestAuthentication {
    // @implements RFC8489 P28L41-P28L46
    if (this.realm === undefined || this.nonce === undefined) return { attributes: [] };
    // @implements RFC8489 P29L7-P29L9
    const attributes: StunAttribute[] = [
      this.useUserhash ? { type: 'USERHASH', value: userhash(this.username, this.realm) } : { type: 'USERNAME', value: this.username },
      { type: 'REALM', value: this.realm },
      { type: 'NONCE', value: this.nonce },
    ];
    // @implements RFC8489 P31L33-P31L38
    if (this.passwordAlgorithms) attributes.push({ type: 'PASSWORD-ALGORITHMS', value: this.passwordAlgorithms });
    if (this.passwordAlgorithm) attributes.push({ type: 'PASSWORD-ALGORITHM', value: this.passwordAlgorithm });
    this.#lastAttempt = JSON.stringify([this.useUserhash, this.username, this.realm, this.password]);
    // @implements RFC8489 P29L10-P29L14, P32L43-P32L45
    return { attributes, integrity: { key: this.key(), sha256: this.sha256Only } };
  }

  /** §9.2.5 on a response; `reliable` is the request's transport. */
  onResponse(response: StunMessage, bytes: Uint8Array, reliable: boolean): ResponseVerdict {
    const error = response.class === 'error' ? firstAttribute(response, 'ERROR-CODE')?.code : undefined;
    const nonce = firstAttribute(response, 'NONCE');
    const algorithms = firstAttribute(response, 'PASSWORD-ALGORITHMS');
    const cookie = nonce ? readNonceCookie(nonce.value) : undefined;
    // @implements RFC8489 P32L43-P32L45
    if (algorithms) this.sha256Only = true;

    if (error === 401 || error === 438) {
      // @implements RFC8489 P31L17-P31L22
      if (cookie?.passwordAlgorithms && !algorithms)
        return { action: 'fail', reason: `RFC8489 §9.2.5: a ${error} whose nonce cookie has the "Password algorithms" bit but no PASSWORD-ALGORITHMS (a bid-down)` };
      const realm = firstAttribute(response, 'REALM');
      if (!nonce || (error === 401 && !realm)) return { action: 'fail', reason: `RFC8489 §9.2.5: a ${error} without ${nonce ? 'REALM' : 'NONCE'} cannot be answered` };
      if (error === 438) {
        // @implements RFC8489 P32L1-P32L5
        this.nonce = nonce.value;
        if (this.realm === undefined && realm) this.realm = realm.value;
        return { action: 'retry', reason: 'RFC8489 §9.2.5: 438 Stale Nonce: retry with the new NONCE' };
      }
      // @implements RFC8489 P31L24-P31L28
      const realmNow = realm!.value;
      // @implements RFC8489 P31L28-P31L31
      const useUserhash = cookie?.usernameAnonymity === true;
      // @implements RFC8489 P31L42-P31L44
      if (this.#lastAttempt === JSON.stringify([useUserhash, this.username, realmNow, this.password]))
        return { action: 'fail', reason: 'RFC8489 §9.2.5: 401 again for the same USERNAME, REALM and password: not retried' };
      let chosen: PasswordAlgorithm | undefined;
      if (algorithms) {
        // @implements RFC8489 P31L35-P31L38
        chosen = algorithms.value.find((a) => this.supported.includes(a.algorithm));
        // @implements RFC8489 P31L39-P31L42
        if (!chosen) return { action: 'fail', reason: 'RFC8489 §9.2.5: none of the PASSWORD-ALGORITHMS is supported by this client' };
      }
      // @implements RFC8489 P31L31-P31L33
      this.realm = realmNow;
      this.nonce = nonce.value;
      this.useUserhash = useUserhash;
      this.passwordAlgorithms = algorithms?.value;
      this.passwordAlgorithm = chosen;
      return { action: 'retry', reason: 'RFC8489 §9.2.5: 401 Unauthenticated: retry with credentials for the REALM' };
    }
    // @implements RFC8489 P32L7-P32L10
    if (cookie?.passwordAlgorithms && !algorithms)
      return { action: 'discard', reason: 'RFC8489 §9.2.5: the nonce cookie has the "Password algorithms" bit but the response has no PASSWORD-ALGORITHMS: ignored', integrityViolated: false };
    const protectedResponse = firstAttribute(response, 'MESSAGE-INTEGRITY') || firstAttribute(response, 'MESSAGE-INTEGRITY-SHA256');
    // @implements RFC8489 P32L12-P32L16
    if (error === 400 && !protectedResponse)
      return { action: 'discard', reason: 'RFC8489 §9.2.5: a 400 without message integrity is discarded', integrityViolated: false };
    // no credentials sent yet (the first request): nothing to check the response with
    if (this.#lastAttempt === undefined) return { action: 'accept' };
    // @implements RFC8489 P32L21-P32L30, P43L21-P43L23
    return integrityVerdict(response, bytes, this.key(), reliable, 'RFC8489 §9.2.5');
  }
}
