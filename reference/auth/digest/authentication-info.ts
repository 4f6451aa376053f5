/**
 * Authentication-Info / Proxy-Authentication-Info: rspauth, nextnonce, and the client's check of rspauth.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { timingSafeEqual } from 'node:crypto';
import { DigestError } from './errors.ts';
import { type AuthParam, formatParam, parseAuthItems } from './params.ts';
import { type ResponseInput, responseDigest } from './response.ts';

export interface AuthenticationInfo {
  nextnonce?: string;
  qop?: string;
  rspauth?: string;
  cnonce?: string;
  nc?: string;
}

/** Prints the value; rspauth, cnonce and nc go together whenever qop is set. */
export function buildAuthenticationInfo(info: AuthenticationInfo): string {
  const params: AuthParam[] = [];
  // @implements RFC7616 P15L27-P15L28
  if (info.nextnonce !== undefined) params.push({ name: 'nextnonce', value: info.nextnonce, quoted: true });
  if (info.qop !== undefined) {
    // @implements RFC7616 P15L19-P15L22
    if (info.rspauth === undefined || info.cnonce === undefined || info.nc === undefined) {
      throw new DigestError('qop needs rspauth, cnonce and nc', 'RFC7616 P15L19-P15L22');
    }
    // @implements RFC7616 P15L30-P15L31
    params.push({ name: 'qop', value: info.qop, quoted: false });
    params.push({ name: 'rspauth', value: info.rspauth, quoted: true });
    params.push({ name: 'cnonce', value: info.cnonce, quoted: true });
    params.push({ name: 'nc', value: info.nc, quoted: false });
  } else if (info.rspauth !== undefined) {
    params.push({ name: 'rspauth', value: info.rspauth, quoted: true });
  }
  return params.map(formatParam).join(', ');
}

/** The server's Authentication-Info for a request it accepted. */
// @implements RFC7616 P14L41-P14L43, P15L19-P15L20
// @implements RFC2617 P16L32-P16L34, P17L2-P17L6
// @implements RFC7616 P14L17-P14L19
export function authenticationInfoFor(request: ResponseInput, responseBody?: string | Uint8Array, nextnonce?: string): string {
  const info: AuthenticationInfo = {
    rspauth: responseDigest({ ...request, ...(responseBody !== undefined && { entityBody: responseBody }) }),
    ...(nextnonce !== undefined && { nextnonce }),
  };
  if (request.qop !== undefined) {
    info.qop = request.qop;
    info.cnonce = request.cnonce!;
    info.nc = request.nc!;
  }
  return buildAuthenticationInfo(info);
}

/** Parses the value: a bare comma-separated auth-param list, no scheme. */
// @implements RFC7616 P14L9-P14L11
export function parseAuthenticationInfo(value: string): AuthenticationInfo {
  // Reuse the challenge parser by giving the list a scheme to hang on.
  const [item] = parseAuthItems(`Info ${value}`);
  const info: AuthenticationInfo = {};
  for (const key of ['nextnonce', 'qop', 'rspauth', 'cnonce', 'nc'] as const) {
    const v = item?.params.get(key)?.value;
    if (v !== undefined) info[key] = v;
  }
  return info;
}

/**
 * The client's mutual-authentication check: the server proves it knows the
 * secret by the rspauth digest over the same nonce, cnonce and nc.
 */
// @implements RFC7616 P15L3-P15L6
export function verifyResponseAuth(request: ResponseInput, info: AuthenticationInfo, responseBody?: string | Uint8Array): boolean {
  if (info.rspauth === undefined) return false;
  // @implements RFC7616 P15L19-P15L20
  if (info.cnonce !== request.cnonce || info.nc !== request.nc) return false;
  const expected = responseDigest({ ...request, ...(responseBody !== undefined && { entityBody: responseBody }) });
  return info.rspauth.length === expected.length && timingSafeEqual(Buffer.from(info.rspauth), Buffer.from(expected));
}
