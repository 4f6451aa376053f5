/**
 * MESSAGE-INTEGRITY (HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
 * (CRC-32 XOR 0x5354554e): computing them while a message is encoded, and
 * checking them on the bytes of a received one.
 *
 * @implements RFC8489 (STUN)
 *
 * @exception RFC8489 P40L26-P40L27: a rule for other credential mechanisms; the keys of the two defined here are in reference/stun/auth/keys.ts
 * @exception RFC8489 P41L16-P41L17: a rule for other credential mechanisms; the keys of the two defined here are in reference/stun/auth/keys.ts
 */
import { createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ATTRIBUTE, FINGERPRINT_XOR, HEADER_LENGTH } from './constants.ts';
import { copyBytes } from './attributes.ts';

/**
 * The HMAC over a message's first `end` bytes with the header's length set to
 * point at `end + 4 + size` (the end of the integrity attribute itself), as
 * if the attribute were last; the bytes are not changed.
 */
// @implements RFC8489 P40L29-P40L33, P40L38-P40L42
export function integrityOver(bytes: Uint8Array, end: number, key: Uint8Array, sha256: boolean, size = sha256 ? 32 : 20): Uint8Array {
  const header = copyBytes(bytes, 0, 4); // the received bytes are not changed
  const length = end - HEADER_LENGTH + 4 + size;
  header[2] = length >> 8;
  header[3] = length & 0xff;
  // @implements RFC8489 P40L18, P41L3-P41L4
  const h = createHmac(sha256 ? 'sha256' : 'sha1', key);
  h.update(header);
  h.update(bytes.subarray(4, end));
  return new Uint8Array(h.digest());
}

/** CRC-32 of the message up to the FINGERPRINT attribute (at `end`), XOR'd with 0x5354554e. */
// @implements RFC8489 P41L42-P41L44, P42L12-P42L16
export function fingerprintOver(bytes: Uint8Array, end: number): number {
  return (crc32(bytes.subarray(0, end)) ^ FINGERPRINT_XOR) >>> 0;
}

/** Where an attribute of `type` begins (its header), walking the attributes; -1 if absent or malformed. */
// @implements RFC8489 P36L41-P36L44
function findAttribute(bytes: Uint8Array, type: number): number {
  if (bytes.length < HEADER_LENGTH) return -1;
  const end = Math.min(bytes.length, HEADER_LENGTH + ((bytes[2]! << 8) | bytes[3]!));
  for (let at = HEADER_LENGTH; at + 4 <= end; ) {
    const t = (bytes[at]! << 8) | bytes[at + 1]!;
    const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (t === type) return at + 4 + len <= end ? at : -1;
    at += 4 + ((len + 3) & ~3);
  }
  return -1;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * Whether the message's (first) MESSAGE-INTEGRITY, or with `sha256` its
 * MESSAGE-INTEGRITY-SHA256, matches the HMAC under `key`. False when the
 * attribute is absent. A truncated MESSAGE-INTEGRITY-SHA256 (16 to 32 bytes)
 * is compared with the same initial portion of the HMAC.
 */
// @implements RFC8489 P40L38-P40L42, P41L29-P41L33
export function verifyIntegrity(bytes: Uint8Array, key: Uint8Array, sha256 = false): boolean {
  const at = findAttribute(bytes, sha256 ? ATTRIBUTE['MESSAGE-INTEGRITY-SHA256'] : ATTRIBUTE['MESSAGE-INTEGRITY']);
  if (at < 0) return false;
  const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
  if (sha256 ? len < 16 || len > 32 || len % 4 !== 0 : len !== 20) return false;
  // the header's length points at the end of the attribute as received, truncated or not
  const mac = integrityOver(bytes, at, key, sha256, len);
  return equal(mac.subarray(0, len), bytes.subarray(at + 4, at + 4 + len));
}

/** Whether the message has a FINGERPRINT, last, whose value is right. */
// @implements RFC8489 P20L36-P20L39, P42L5
export function verifyFingerprint(bytes: Uint8Array): boolean {
  const at = findAttribute(bytes, ATTRIBUTE.FINGERPRINT);
  if (at < 0 || at + 8 !== bytes.length || ((bytes[at + 2]! << 8) | bytes[at + 3]!) !== 4) return false;
  const v = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  return v === fingerprintOver(bytes, at);
}
