/**
 * Server nonces that validate statelessly: timestamp, random, and an HMAC over both and the realm.
 *
 * nonce = base64( timestamp(8) || random(12) || HMAC-SHA-256(secret-data, timestamp || random || realm)[0..16] )
 *
 * The server recomputes the HMAC on receipt: a mismatch means the nonce is
 * not one it issued (forged, or for another realm); a match with an old
 * timestamp means it is stale, which lets the server answer stale=true.
 *
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NonceKey {
  /** The secret-data known only to the server (at least 16 random octets). */
  secret: Uint8Array;
  realm: string;
}

const TIMESTAMP = 8;
const RANDOM = 12;
const MAC = 16;

function mac(key: NonceKey, body: Uint8Array): Buffer {
  return createHmac('sha256', key.secret).update(body).update(key.realm, 'utf8').digest().subarray(0, MAC);
}

/** A fresh nonce, issued at `now` (milliseconds since the epoch). */
// @implements RFC7616 P6L30-P6L37, P26L37-P26L40
// @exception RFC7616 P6L38-P6L39: no ETag in the nonce; SIP has none to offer (RFC 8760 P6L12-P6L13)
export function createNonce(key: NonceKey, now: number): string {
  const body = Buffer.alloc(TIMESTAMP + RANDOM);
  body.writeBigUInt64BE(BigInt(Math.floor(now)), 0);
  randomBytes(RANDOM).copy(body, TIMESTAMP);
  return Buffer.concat([body, mac(key, body)]).toString('base64');
}

export type NonceCheck =
  | { valid: false }
  | { valid: true; issuedAt: number; fresh: boolean };

/**
 * Recomputes the hash portion and compares; then tells whether the
 * timestamp is recent enough (issued less than `lifetimeMs` before `now`).
 */
// @implements RFC7616 P6L40-P6L45, P23L3-P23L10
export function checkNonce(key: NonceKey, nonce: string, now: number, lifetimeMs: number): NonceCheck {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(nonce)) return { valid: false };
  const raw = Buffer.from(nonce, 'base64');
  if (raw.length !== TIMESTAMP + RANDOM + MAC) return { valid: false };
  const body = raw.subarray(0, TIMESTAMP + RANDOM);
  if (!timingSafeEqual(raw.subarray(TIMESTAMP + RANDOM), mac(key, body))) return { valid: false };
  const issuedAt = Number(body.readBigUInt64BE(0));
  // A nonce from the future (clock stepped back) is treated as stale too.
  const fresh = issuedAt <= now && now - issuedAt < lifetimeMs;
  return { valid: true, issuedAt, fresh };
}
