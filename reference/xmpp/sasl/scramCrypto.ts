/**
 * SCRAM's computations (RFC 5802 §2.2, §3) with SHA-1 (RFC 5802) or
 * SHA-256 (RFC 7677 §3): Hi, the keys, the proof and the signatures.
 *
 * @implements RFC5802 (SCRAM)
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The hash a mechanism name carries. */
export type ScramHash = 'SHA-1' | 'SHA-256';

// @implements RFC7677 P2L41-P2L44
const NODE_NAME: Record<ScramHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };

const utf8 = new TextEncoder();
const bytes = (s: string | Uint8Array) => (typeof s === 'string' ? utf8.encode(s) : s);

// @implements RFC5802 P6L42-P6L46
function hmac(hash: ScramHash, key: Uint8Array, str: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(NODE_NAME[hash], key).update(bytes(str)).digest());
}

// @implements RFC5802 P7L1-P7L4
export function h(hash: ScramHash, str: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(NODE_NAME[hash]).update(str).digest());
}

// @implements RFC5802 P7L6-P7L9
export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new Error(`RFC5802 §2.2 XOR: the inputs are ${a.length} and ${b.length} octets; they must be the same length`);
  return a.map((x, i) => x ^ b[i]!);
}

/** Hi(str, salt, i): U1 = HMAC(str, salt + INT(1)), Ui = HMAC(str, Ui-1), Hi = U1 XOR ... XOR Ui (PBKDF2 with HMAC). */
// @implements RFC5802 P7L11-P7L23
export function hi(hash: ScramHash, str: string, salt: Uint8Array, i: number): Uint8Array {
  const key = utf8.encode(str);
  const int1 = new Uint8Array([0, 0, 0, 1]);
  let u = hmac(hash, key, new Uint8Array([...salt, ...int1]));
  const result = u.slice();
  for (let n = 2; n <= i; n++) {
    u = hmac(hash, key, u);
    for (let k = 0; k < result.length; k++) result[k]! ^= u[k]!;
  }
  return result;
}

/** What a server stores for a user: never the password, nor SaltedPassword. */
export interface StoredCredentials {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

/** SaltedPassword, ClientKey, StoredKey, ServerKey from the normalized password. */
// @implements RFC5802 P8L15-P8L17, P8L23
export function deriveKeys(hash: ScramHash, normalizedPassword: string, salt: Uint8Array, iterations: number) {
  const saltedPassword = hi(hash, normalizedPassword, salt, iterations);
  const clientKey = hmac(hash, saltedPassword, 'Client Key');
  const storedKey = h(hash, clientKey);
  const serverKey = hmac(hash, saltedPassword, 'Server Key');
  return { saltedPassword, clientKey, storedKey, serverKey };
}

/** AuthMessage := client-first-message-bare + "," + server-first-message + "," + client-final-message-without-proof. */
// @implements RFC5802 P8L18-P8L20
export function authMessage(clientFirstBare: string, serverFirst: string, clientFinalWithoutProof: string): string {
  return `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
}

/** ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage). */
// @implements RFC5802 P8L21-P8L22
export function clientProof(hash: ScramHash, clientKey: Uint8Array, storedKey: Uint8Array, message: string): Uint8Array {
  return xor(clientKey, hmac(hash, storedKey, message));
}

/** ServerSignature := HMAC(ServerKey, AuthMessage). */
// @implements RFC5802 P8L24
export function serverSignature(hash: ScramHash, serverKey: Uint8Array, message: string): Uint8Array {
  return hmac(hash, serverKey, message);
}

/** The server's check: ClientKey recovered from the proof, hashed, compared with StoredKey (in constant time). */
// @implements RFC5802 P8L26-P8L31
export function verifyProof(hash: ScramHash, stored: StoredCredentials, message: string, proof: Uint8Array): boolean {
  const signature = hmac(hash, stored.storedKey, message);
  if (proof.length !== signature.length) return false;
  return timingSafeEqual(h(hash, xor(proof, signature)), stored.storedKey);
}

/** Equal octets, in constant time. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
