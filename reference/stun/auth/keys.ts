/**
 * The HMAC keys of STUN's two credential mechanisms and the USERHASH.
 *
 * @implements RFC8489 (STUN)
 */
import { createHash } from 'node:crypto';
import { PASSWORD_ALGORITHM } from '../message/index.ts';
import { opaqueString } from '../../precis/index.ts';

const utf8 = new TextEncoder();

/** Short-term credentials: key = OpaqueString(password), UTF-8. */
// @implements RFC8489 P23L19-P23L25
export function shortTermKey(password: string, prep: (s: string) => string = opaqueString): Uint8Array {
  return utf8.encode(prep(password));
}

/** A known password algorithm's number (§18.5), or undefined. */
export type PasswordAlgorithmNumber = (typeof PASSWORD_ALGORITHM)[keyof typeof PASSWORD_ALGORITHM];

/** Quotes and trailing nulls removed, as §9.2.2 says of username and realm (the password: trailing nulls). */
function trimmed(s: string, quotes: boolean): string {
  let out = s.replace(/\0+$/, '');
  if (quotes) out = out.replace(/"/g, '');
  return out;
}

/**
 * Long-term credentials: key = MD5(username ":" OpaqueString(realm) ":"
 * OpaqueString(password)) (16 bytes), or with PASSWORD-ALGORITHM SHA-256 the
 * same input under SHA-256 (32 bytes). `username` is as taken from USERNAME
 * (OpaqueString already applied by its sender). `prep` replaces OpaqueString
 * for an RFC 5389 peer (SASLprep), as RFC 5769's vector needs.
 */
// @implements RFC8489 P27L38-P27L46, P28L1-P28L8
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: number = PASSWORD_ALGORITHM.MD5,
  prep: (s: string) => string = opaqueString,
): Uint8Array {
  const input = `${trimmed(username, true)}:${prep(trimmed(realm, true))}:${prep(trimmed(password, false))}`;
  // @implements RFC8489 P57L7, P57L12-P57L13
  if (algorithm === PASSWORD_ALGORITHM.MD5) return new Uint8Array(createHash('md5').update(input, 'utf8').digest());
  // @implements RFC8489 P57L19-P57L22
  if (algorithm === PASSWORD_ALGORITHM['SHA-256']) return new Uint8Array(createHash('sha256').update(input, 'utf8').digest());
  // @implements RFC8489 P28L22-P28L23
  throw new Error(`RFC8489 §18.5: password algorithm 0x${algorithm.toString(16).padStart(4, '0')} is not one this agent knows (MD5 0x0001, SHA-256 0x0002)`);
}

/** userhash = SHA-256(OpaqueString(username) ":" OpaqueString(realm)), 32 bytes. */
// @implements RFC8489 P40L6-P40L9, P40L14
export function userhash(username: string, realm: string, prep: (s: string) => string = opaqueString): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${prep(username)}:${prep(realm)}`, 'utf8').digest());
}
