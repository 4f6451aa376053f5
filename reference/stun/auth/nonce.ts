/**
 * The long-term mechanism's nonce: the "nonce cookie" that carries the STUN
 * Security Feature bits (bid-down prevention), and a stateless server nonce
 * that names its issue time and the source it was given to.
 *
 * @implements RFC8489 (STUN)
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The STUN Security Features (§18.1): bit 0 Password algorithms, bit 1 Username anonymity. */
export interface SecurityFeatures {
  passwordAlgorithms: boolean;
  usernameAnonymity: boolean;
}

// @implements RFC8489 P26L41-P26L44
const COOKIE_PREFIX = 'obMatJos2';

/** The 13-character nonce cookie for a feature set. */
// @implements RFC8489 P26L44-P27L3, P53L43-P53L44, P54L1-P54L2
export function nonceCookie(features: SecurityFeatures): string {
  const bits = new Uint8Array(3); // all 24 bits zero when no feature is used
  if (features.passwordAlgorithms) bits[0]! |= 0x80; // bit 0: the most significant bit of the first byte
  if (features.usernameAnonymity) bits[0]! |= 0x40;
  return COOKIE_PREFIX + Buffer.from(bits).toString('base64');
}

/** The features of a NONCE that starts with the nonce cookie, or undefined when it does not. */
// @implements RFC8489 P31L18-P31L21
export function readNonceCookie(nonce: string): SecurityFeatures | undefined {
  if (nonce.length < 13 || !nonce.startsWith(COOKIE_PREFIX)) return undefined;
  const b64 = nonce.slice(9, 13);
  if (!/^[A-Za-z0-9+/]{4}$/.test(b64)) return undefined;
  const bits = Buffer.from(b64, 'base64');
  return { passwordAlgorithms: (bits[0]! & 0x80) !== 0, usernameAnonymity: (bits[0]! & 0x40) !== 0 };
}

export interface NonceSource {
  address: string;
  port: number;
}

export type NonceCheck = 'valid' | 'stale' | 'invalid';

/**
 * A server's nonces: cookie + base64(issue time, salt, HMAC(secret, time,
 * salt, source)). A nonce is bound to the source IP address and port it was
 * given to, and each has its own salt, so no two requests get the same NONCE
 * unless they come from the same address and port (and not even then).
 */
export class NonceIssuer {
  readonly #secret: Uint8Array;
  constructor(
    readonly features: SecurityFeatures,
    /** How long a nonce stays valid, in ms. */
    readonly lifetimeMs = 10 * 60_000,
    secret: Uint8Array = randomBytes(32),
  ) {
    this.#secret = secret;
  }

  #mac(time: Buffer, salt: Buffer, source: NonceSource): Buffer {
    return createHmac('sha256', this.#secret).update(time).update(salt).update(`${source.address}|${source.port}`).digest().subarray(0, 12);
  }

  /** A fresh nonce for a request from `source`, issued at `nowMs`. */
  // @implements RFC8489 P29L26-P29L29
  issue(source: NonceSource, nowMs: number): string {
    const time = Buffer.alloc(6);
    time.writeUIntBE(Math.floor(nowMs), 0, 6);
    const salt = randomBytes(6);
    // @implements RFC8489 P44L26-P44L28
    return nonceCookie(this.features) + Buffer.concat([time, salt, this.#mac(time, salt, source)]).toString('base64'); // 13 + 32 characters
  }

  /** Whether a NONCE is one this issuer gave `source` ('valid'), gave it and expired ('stale'), or not ('invalid'). */
  // @implements RFC8489 P30L41-P30L42
  check(nonce: string, source: NonceSource, nowMs: number): NonceCheck {
    if (!nonce.startsWith(nonceCookie(this.features))) return 'invalid';
    const raw = Buffer.from(nonce.slice(13), 'base64');
    if (raw.length !== 24) return 'invalid';
    const time = raw.subarray(0, 6), salt = raw.subarray(6, 12), mac = raw.subarray(12);
    if (!this.#mac(time, salt, source).equals(mac)) return 'invalid';
    const issued = time.readUIntBE(0, 6);
    return nowMs - issued > this.lifetimeMs || issued > nowMs ? 'stale' : 'valid';
  }
}
