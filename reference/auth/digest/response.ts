/**
 * The response computation: A1, A2, H(A1), the request-digest and the rspauth digest.
 *
 * Every string is built exactly as printed in the RFC: fields joined by ":"
 * with no white space around the colons, values already unquoted (unq()).
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { type Algorithm, H, KD } from './algorithm.ts';
import { DigestError } from './errors.ts';

/** The user's secret: the password, or H(A1) as a server may store it instead. */
export type Secret = { passwd: string } | { HA1: string };

export interface ResponseInput {
  algorithm: Algorithm;
  /** unq(username): the user's name, never its userhash. */
  username: string;
  realm: string;
  secret: Secret;
  nonce: string;
  /** Absent only in the RFC 2069 form (no qop). */
  cnonce?: string;
  /** The nc value as sent: 8 hexadecimal digits. */
  nc?: string;
  qop?: 'auth' | 'auth-int';
  /** The request method ("REGISTER", "GET"). */
  method: string;
  /** The digest-uri-value: the "uri" parameter. */
  uri: string;
  /** The entity-body, for qop=auth-int. */
  entityBody?: string | Uint8Array;
}

/**
 * H(A1) of the non-session form, A1 = unq(username) ":" unq(realm) ":" passwd.
 * A server may store this instead of the password.
 */
// @implements RFC7616 P11L23-P11L30, P12L46-P12L48, P13L1-P13L12
export function HA1(algorithm: Algorithm, username: string, realm: string, passwd: string): string {
  return H(algorithm, `${username}:${realm}:${passwd}`);
}

/** H(A1) for the request: the session form derives it from the plain one. */
export function sessionKey(i: ResponseInput): string {
  // @implements RFC7616 P15L44-P15L46
  const plain = 'HA1' in i.secret ? i.secret.HA1 : HA1(i.algorithm, i.username, i.realm, i.secret.passwd);
  if (!i.algorithm.session) return plain;
  // @implements RFC7616 P11L32-P11L41
  if (i.cnonce === undefined) throw new DigestError(`${i.algorithm.name} needs a cnonce to form A1`, 'RFC7616 P11L32-P11L41');
  return H(i.algorithm, `${plain}:${i.nonce}:${i.cnonce}`);
}

/** H(entity-body); an empty body digests the empty string. */
// @implements RFC8760 P6L28-P6L34
// @implements RFC7616 P13L14-P13L19
export function HEntity(algorithm: Algorithm, entityBody: string | Uint8Array | undefined): string {
  return H(algorithm, entityBody ?? '');
}

/** A2 for the request (`Method ":" uri`), or for rspauth when method is empty. */
function A2(i: ResponseInput, method: string): string {
  // @implements RFC7616 P12L12-P12L14
  if (i.qop === 'auth-int') return `${method}:${i.uri}:${HEntity(i.algorithm, i.entityBody)}`;
  // @implements RFC7616 P12L8-P12L10
  return `${method}:${i.uri}`;
}

/** KD over H(A2), with or without the qop fields. */
function digest(i: ResponseInput, A2: string): string {
  const HA1 = sessionKey(i);
  if (i.qop === undefined) {
    // @implements RFC2617 P13L15-P13L20
    return KD(i.algorithm, HA1, `${i.nonce}:${H(i.algorithm, A2)}`);
  }
  if (i.cnonce === undefined || i.nc === undefined) throw new DigestError(`qop=${i.qop} needs cnonce and nc`, 'RFC2617 P12L18-P12L19');
  // @implements RFC7616 P11L10-P11L17
  return KD(i.algorithm, HA1, `${i.nonce}:${i.nc}:${i.cnonce}:${i.qop}:${H(i.algorithm, A2)}`);
}

/** The "response" parameter of Authorization (RFC 2617's request-digest). */
export function requestDigest(i: ResponseInput): string {
  return digest(i, A2(i, i.method));
}

/**
 * The "rspauth" of Authentication-Info: as the response, but with A2 =
 * ":" request-uri [":" H(entity-body)], the body being the response's.
 */
// @implements RFC7616 P15L6-P15L15
export function responseDigest(i: ResponseInput): string {
  return digest(i, A2(i, ''));
}
