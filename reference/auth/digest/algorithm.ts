/**
 * Digest algorithms: H(data), KD(secret, data), the -sess variants and the preference order.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { createHash } from 'node:crypto';

/** The hash names of the "Hash Algorithms for HTTP Digest Authentication" registry. */
export type HashName = 'MD5' | 'SHA-256' | 'SHA-512-256';

export interface Algorithm {
  /** The algorithm token as written in the challenge: `SHA-256`, `MD5-sess`. */
  name: string;
  hash: HashName;
  /** True for the `<algorithm>-sess` variant. */
  session: boolean;
  /** Number of hexadecimal characters H() produces. */
  hexLength: number;
  /** The hash itself: octets or UTF-8 text in, lower-case hex out. */
  digest: (data: string | Uint8Array) => string;
}

// @implements RFC7616 P28L3-P28L12
// node:crypto names; 'sha512-256' is the FIPS 180-4 SHA-512/256 (its own
// initial hash values), not SHA-512 cut to 256 bits.
const registry: Record<HashName, { node: string; bits: number }> = {
  MD5: { node: 'md5', bits: 128 },
  'SHA-256': { node: 'sha256', bits: 256 },
  'SHA-512-256': { node: 'sha512-256', bits: 256 },
};

/**
 * The algorithm a challenge or credentials name, or undefined when it is not
 * one this module understands (the caller then ignores that challenge).
 */
// @implements RFC7616 P7L35-P7L38
export function algorithmByName(token: string | undefined): Algorithm | undefined {
  if (token === undefined) return algorithmByName('MD5');
  // @implements RFC7616 P7L40-P7L44
  const session = /-sess$/i.test(token);
  const base = session ? token.slice(0, -'-sess'.length) : token;
  // @implements RFC8760 P7L27-P7L29
  const hash = (Object.keys(registry) as HashName[]).find((h) => h.toLowerCase() === base.toLowerCase());
  if (hash === undefined) return undefined;
  // @implements RFC7616 P5L28-P5L31
  const node = registry[hash].node;
  const digest = (data: string | Uint8Array) => createHash(node).update(data).digest('hex');
  return { name: token, hash, session, hexLength: registry[hash].bits / 4, digest };
}

/**
 * H(data): the unkeyed digest as lower-case hex. Strings are digested as
 * their UTF-8 octets; an entity-body is passed as octets.
 */
// @implements RFC7616 P8L6-P8L8, P5L22-P5L31
export function H(algorithm: Algorithm, data: string | Uint8Array): string {
  return algorithm.digest(data);
}

/** KD(secret, data) = H(concat(secret, ":", data)) */
// @implements RFC7616 P8L12
export function KD(algorithm: Algorithm, secret: string, data: string): string {
  return H(algorithm, `${secret}:${data}`);
}

/**
 * The order in which a server offers its challenges by default (most
 * preferred first), as §3.7 lists the algorithms. A client does not sort by
 * this: it takes the first challenge it supports, in the server's order.
 */
// @implements RFC7616 P17L13-P17L19
export const ALGORITHM_PREFERENCE: readonly HashName[] = ['SHA-256', 'SHA-512-256', 'MD5'];
