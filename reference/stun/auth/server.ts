/**
 * A server's side of STUN authentication (RFC 8489 §9.1.3, §9.2.4): the
 * checks on a received request, in the order the RFC lists them, as pure
 * decisions. Each failure says what to answer (the error code and the
 * attributes the response must carry) or that the message is to be dropped;
 * each success says which message-integrity attribute the response carries.
 *
 * @implements RFC8489 (STUN)
 */
import {
  type PasswordAlgorithm,
  type StunAttribute,
  type StunMessage,
  PASSWORD_ALGORITHM,
  firstAttribute,
  verifyIntegrity,
} from '../message/index.ts';
import { longTermKey, shortTermKey, userhash } from './keys.ts';
import { type NonceIssuer, type NonceSource, readNonceCookie } from './nonce.ts';

/** A request that passed: the key to protect the response with, and which attribute to use. */
export interface Authenticated {
  ok: true;
  username: string;
  key: Uint8Array;
  /** Protect the response with MESSAGE-INTEGRITY-SHA256 (true) or MESSAGE-INTEGRITY (false). */
  sha256: boolean;
  /** Long-term, processed as though PASSWORD-ALGORITHM were MD5: the response should leave out REALM, NONCE, USERNAME and USERHASH. */
  md5Compat?: boolean;
}

/** A request that failed: the error response to send (never with MESSAGE-INTEGRITY), or an indication to drop. */
export type Refused =
  | { ok: false; action: 'reject'; code: 400 | 401 | 438; attributes: StunAttribute[]; reason: string }
  | { ok: false; action: 'discard'; reason: string };

export type AuthCheck = Authenticated | Refused;

function reject(code: 400 | 401 | 438, reason: string, attributes: StunAttribute[] = []): Refused {
  return { ok: false, action: 'reject', code, attributes, reason };
}

/** Which integrity attribute a request carries, for the check: SHA-256 when present (§9.1.3, §9.2.4). */
function integrityOf(message: StunMessage): { sha256: boolean } | undefined {
  if (firstAttribute(message, 'MESSAGE-INTEGRITY-SHA256')) return { sha256: true };
  if (firstAttribute(message, 'MESSAGE-INTEGRITY')) return { sha256: false };
  return undefined;
}

// --- short-term ---------------------------------------------------------------

/**
 * §9.1.3: a request or indication under short-term credentials.
 * `passwordOf` gives the password of a username currently valid, or undefined.
 */
export function checkShortTerm(message: StunMessage, bytes: Uint8Array, passwordOf: (username: string) => string | undefined): AuthCheck {
  if (message.class !== 'request' && message.class !== 'indication') throw new Error(`RFC8489 §9.1.3 is for requests and indications, not a ${message.class} response`);
  const refuse = (code: 400 | 401, reason: string): Refused =>
    // @implements RFC8489 P24L5-P24L6, P24L15-P24L16, P24L31-P24L32, P25L1-P25L5
    message.class === 'indication' ? { ok: false, action: 'discard', reason } : reject(code, reason); // no attributes, no key: nothing to protect it with
  const integrity = integrityOf(message);
  const username = firstAttribute(message, 'USERNAME');
  // @implements RFC8489 P23L45-P24L3
  if (!integrity || !username) return refuse(400, 'RFC8489 §9.1.3: no MESSAGE-INTEGRITY(-SHA256) and USERNAME');
  const password = passwordOf(username.value);
  // @implements RFC8489 P24L8-P24L13
  if (password === undefined) return refuse(401, `RFC8489 §9.1.3: USERNAME ${JSON.stringify(username.value)} is not currently valid`);
  const key = shortTermKey(password);
  // @implements RFC8489 P24L18-P24L29
  if (!verifyIntegrity(bytes, key, integrity.sha256))
    return refuse(401, `RFC8489 §9.1.3: MESSAGE-INTEGRITY${integrity.sha256 ? '-SHA256' : ''} does not match`);
  // @implements RFC8489 P24L34-P24L42
  return { ok: true, username: username.value, key, sha256: integrity.sha256 };
}

/**
 * Whether a server may answer a request 300 (Try Alternate): only one that
 * carried USERNAME or USERHASH and a valid MESSAGE-INTEGRITY(-SHA256), i.e.
 * that passed the checks; the 300 is then protected with the returned key
 * (encodeMessage's integrity option, `sha256` as returned).
 */
// @implements RFC8489 P43L14-P43L21
export function mayTryAlternate(check: AuthCheck): check is Authenticated {
  return check.ok;
}

// --- long-term ----------------------------------------------------------------

export interface LongTermOptions {
  realm: string;
  /** Issues and checks NONCE values; its features say whether PASSWORD-ALGORITHMS and USERHASH are offered. */
  nonces: NonceIssuer;
  /** username → password. */
  users: ReadonlyMap<string, string>;
  /** The algorithms offered in PASSWORD-ALGORITHMS, most preferred first (when nonces.features.passwordAlgorithms). */
  passwordAlgorithms?: readonly PasswordAlgorithm[];
}

const sameAlgorithms = (a: readonly PasswordAlgorithm[], b: readonly PasswordAlgorithm[]) =>
  a.length === b.length && a.every((x, i) => x.algorithm === b[i]!.algorithm && Buffer.from(x.parameters).equals(Buffer.from(b[i]!.parameters)));

/** The long-term mechanism's server: §9.2.4's checks on each request. */
export class LongTermServer {
  readonly #byHash = new Map<string, string>();
  readonly passwordAlgorithms: readonly PasswordAlgorithm[];

  constructor(readonly options: LongTermOptions) {
    const offered = options.passwordAlgorithms ?? [
      { algorithm: PASSWORD_ALGORITHM['SHA-256'], parameters: new Uint8Array(0) },
      { algorithm: PASSWORD_ALGORITHM.MD5, parameters: new Uint8Array(0) },
    ];
    // @implements RFC8489 P29L31-P29L33
    if (offered.length > 0 && !options.nonces.features.passwordAlgorithms)
      throw new Error('RFC8489 §9.2.4: a server that lists PASSWORD-ALGORITHMS MUST set the "Password algorithms" security feature bit in its nonces');
    this.passwordAlgorithms = options.nonces.features.passwordAlgorithms ? offered : [];
    // @implements RFC8489 P29L33-P29L35
    if (options.nonces.features.usernameAnonymity)
      for (const name of options.users.keys()) this.#byHash.set(Buffer.from(userhash(name, options.realm)).toString('hex'), name);
  }

  /** REALM, a fresh NONCE and (when offered) PASSWORD-ALGORITHMS: what a challenge carries. */
  challenge(source: NonceSource, nowMs: number): StunAttribute[] {
    const out: StunAttribute[] = [
      { type: 'REALM', value: this.options.realm },
      { type: 'NONCE', value: this.options.nonces.issue(source, nowMs) },
    ];
    if (this.passwordAlgorithms.length > 0) out.push({ type: 'PASSWORD-ALGORITHMS', value: [...this.passwordAlgorithms] });
    return out;
  }

  /** §9.2.4 on a request from `source`, the checks in the order specified. */
  check(message: StunMessage, bytes: Uint8Array, source: NonceSource, nowMs: number): AuthCheck {
    // @implements RFC8489 P26L36-P26L37
    if (message.class !== 'request') throw new Error(`RFC8489 §9.2: the long-term mechanism protects requests; a ${message.class} cannot be challenged`);
    const integrity = integrityOf(message);
    // @implements RFC8489 P29L23-P29L37
    if (!integrity) return reject(401, 'RFC8489 §9.2.4: no MESSAGE-INTEGRITY(-SHA256)', this.challenge(source, nowMs));
    const username = firstAttribute(message, 'USERNAME');
    const hash = firstAttribute(message, 'USERHASH');
    const realm = firstAttribute(message, 'REALM');
    const nonce = firstAttribute(message, 'NONCE');
    // @implements RFC8489 P29L42-P30L3
    if ((!username && !hash) || !realm || !nonce) return reject(400, 'RFC8489 §9.2.4: MESSAGE-INTEGRITY without USERNAME or USERHASH, REALM and NONCE');

    let algorithm: number = PASSWORD_ALGORITHM.MD5;
    let md5Compat = false;
    const algorithms = firstAttribute(message, 'PASSWORD-ALGORITHMS');
    const chosen = firstAttribute(message, 'PASSWORD-ALGORITHM');
    // @implements RFC8489 P30L5-P30L7
    if (readNonceCookie(nonce.value)?.passwordAlgorithms) {
      // @implements RFC8489 P30L9-P30L11
      if (!algorithms && !chosen) md5Compat = true;
      // @implements RFC8489 P30L13-P30L18
      else if (!algorithms || !chosen || !sameAlgorithms(algorithms.value, this.passwordAlgorithms) || !algorithms.value.some((a) => a.algorithm === chosen.value.algorithm))
        return reject(400, 'RFC8489 §9.2.4: PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS must both be present, PASSWORD-ALGORITHMS as this server sent it, and PASSWORD-ALGORITHM one of its entries');
      else algorithm = chosen.value.algorithm;
    }

    const name = username ? username.value : this.#byHash.get(Buffer.from(hash!.value).toString('hex'));
    const password = name === undefined || realm.value !== this.options.realm ? undefined : this.options.users.get(name);
    // @implements RFC8489 P30L20-P30L25
    if (name === undefined || password === undefined)
      return reject(401, `RFC8489 §9.2.4: ${username ? `USERNAME ${JSON.stringify(username.value)}` : 'USERHASH'} is not valid`, this.#challengeWithAlgorithms(source, nowMs));
    const key = longTermKey(name, realm.value, password, algorithm);
    // @implements RFC8489 P30L29-P30L39
    if (!verifyIntegrity(bytes, key, integrity.sha256))
      return reject(401, `RFC8489 §9.2.4: MESSAGE-INTEGRITY${integrity.sha256 ? '-SHA256' : ''} does not match`, this.challenge(source, nowMs).slice(0, 2));
    // @implements RFC8489 P30L41-P30L45
    if (this.options.nonces.check(nonce.value, source, nowMs) !== 'valid')
      return reject(438, 'RFC8489 §9.2.4: the NONCE is no longer valid', this.#challengeWithAlgorithms(source, nowMs));
    // @implements RFC8489 P31L5-P31L13
    // A server that offers no password algorithms (an RFC 5389-style deployment) answers in kind: MESSAGE-INTEGRITY
    // unless the request used MESSAGE-INTEGRITY-SHA256, since its clients may not know 0x001C (comprehension-required).
    return md5Compat ? { ok: true, username: name, key, sha256: false, md5Compat } : { ok: true, username: name, key, sha256: this.passwordAlgorithms.length > 0 || integrity.sha256 };
  }

  /** A challenge that always carries PASSWORD-ALGORITHMS (§9.2.4's 401 for a bad username and 438 say MUST). */
  #challengeWithAlgorithms(source: NonceSource, nowMs: number): StunAttribute[] {
    const out = this.challenge(source, nowMs);
    if (this.passwordAlgorithms.length === 0) out.push({ type: 'PASSWORD-ALGORITHMS', value: [{ algorithm: PASSWORD_ALGORITHM.MD5, parameters: new Uint8Array(0) }] });
    return out;
  }
}
