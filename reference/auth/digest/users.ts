/**
 * The server's "password file": look a user up by plain name or by userhash.
 *
 * @implements RFC7616 (HTTP Digest)
 */
import type { Algorithm } from './algorithm.ts';
import { HA1, type Secret } from './response.ts';
import { userhash } from './username.ts';

export interface LookupQuery {
  /** The username parameter as received: plain, or a userhash. */
  username: string;
  userhash: boolean;
  realm: string;
  algorithm: Algorithm;
}

/** The user found, with the plain name (needed for A1) and the secret. */
export interface UserRecord {
  username: string;
  secret: Secret;
}

export type LookupUser = (q: LookupQuery) => UserRecord | undefined;

/**
 * A lookup over stored H(A1) values rather than passwords; `HA1(name,
 * algorithm)` returns H(name ":" realm ":" passwd) for the given hash.
 */
// @implements RFC7616 P21L35-P21L40
export function storedHA1(realm: string, names: readonly string[], HA1Of: (username: string, algorithm: Algorithm) => string | undefined): LookupUser {
  return (q) => {
    if (q.realm !== realm) return undefined;
    const username = q.userhash ? names.find((n) => userhash(q.algorithm, n, realm) === q.username) : q.username;
    if (username === undefined) return undefined;
    const ha1 = HA1Of(username, q.algorithm);
    return ha1 === undefined ? undefined : { username, secret: { HA1: ha1 } };
  };
}

/** A lookup over clear-text passwords, for tests and small deployments. */
export function passwords(realm: string, users: Readonly<Record<string, string>>): LookupUser {
  const names = Object.keys(users);
  return storedHA1(realm, names, (username, algorithm) => {
    const passwd = Object.hasOwn(users, username) ? users[username] : undefined;
    return passwd === undefined ? undefined : HA1(algorithm, username, realm, passwd);
  });
}
