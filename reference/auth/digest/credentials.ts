/**
 * The Digest credentials of Authorization / Proxy-Authorization: their parameters, parsed and printed.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { DigestError } from './errors.ts';
import { type AuthParam, formatAuthItem, parseAuthItem } from './params.ts';
import { decodeExtValue } from './username.ts';

export interface DigestCredentials {
  /** The name as sent: plain, or its userhash when `userhash` is true. */
  username: string;
  /** The name came in username* (RFC 5987) and was decoded. */
  usernameExtended: boolean;
  realm: string;
  nonce: string;
  uri: string;
  /** Lower-case hex; empty when the client had no challenge yet (SIP). */
  response: string;
  /** The algorithm token as sent; "MD5" when absent. */
  algorithm: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** The nonce count as sent, 8 hexadecimal digits. */
  nc?: string;
  userhash: boolean;
  params: Map<string, AuthParam>;
}

// @implements RFC2617 P11L29
// @implements RFC7616 P15L33-P15L34
const ncValue = /^[0-9a-fA-F]{8}$/;
// @implements RFC8760 P7L17-P7L22
const requestDigest = /^([0-9a-f]{32,})?$/;

/** Parses an Authorization / Proxy-Authorization value with the Digest scheme. */
export function parseCredentials(value: string): DigestCredentials {
  const item = parseAuthItem(value);
  // @implements RFC2617 P11L15
  if (item.scheme.toLowerCase() !== 'digest') throw new DigestError(`scheme is ${item.scheme}, not Digest`, 'RFC2617 P11L15');
  const get = (name: string) => item.params.get(name)?.value;
  const required = (name: string) => {
    const v = get(name);
    // @implements RFC2617 P11L16-P11L19, P12L44-P12L45
    if (v === undefined) throw new DigestError(`credentials have no ${name}`, 'RFC2617 P11L16-P11L19');
    return v;
  };

  // @implements RFC7616 P9L25-P9L30
  let username = get('username');
  const star = get('username*');
  if (username !== undefined && star !== undefined) throw new DigestError('both username and username* are present', 'RFC7616 P9L29-P9L30');
  // @implements RFC7616 P10L34-P10L36
  const userhash = get('userhash')?.toLowerCase() === 'true';
  if (star !== undefined) {
    // @implements RFC7616 P9L34-P9L37
    if (userhash) throw new DigestError('username* is only for an unhashed username', 'RFC7616 P9L34-P9L37');
    username = decodeExtValue(star);
  }
  if (username === undefined) throw new DigestError('credentials have no username', 'RFC2617 P11L16-P11L19');

  const c: DigestCredentials = {
    username,
    usernameExtended: star !== undefined,
    realm: required('realm'),
    nonce: required('nonce'),
    uri: required('uri'),
    response: required('response'),
    algorithm: get('algorithm') ?? 'MD5',
    userhash,
    // @implements RFC2617 P12L40-P12L42
    params: item.params,
  };
  if (!requestDigest.test(c.response)) throw new DigestError(`response ${JSON.stringify(c.response)} is not lower-case hex of at least 32 digits`, 'RFC8760 P7L17-P7L22');

  const cnonce = get('cnonce');
  const nc = get('nc');
  const qop = get('qop');
  if (cnonce !== undefined) c.cnonce = cnonce;
  if (nc !== undefined) {
    if (!ncValue.test(nc)) throw new DigestError(`nc ${JSON.stringify(nc)} is not 8 hexadecimal digits`, 'RFC7616 P15L33-P15L34');
    c.nc = nc;
  }
  const opaque = get('opaque');
  if (opaque !== undefined) c.opaque = opaque;
  if (qop !== undefined) {
    // @implements RFC7616 P10L6-P10L8
    if (!/^[^\s,]+$/.test(qop)) throw new DigestError(`qop ${JSON.stringify(qop)} is not a single token`, 'RFC7616 P10L6-P10L8');
    // @implements RFC2617 P12L18-P12L20, P12L28-P12L30
    if (cnonce === undefined) throw new DigestError('qop is present but cnonce is not', 'RFC2617 P12L18-P12L19');
    if (nc === undefined) throw new DigestError('qop is present but nc is not', 'RFC2617 P12L28-P12L29');
    c.qop = qop;
  } else if (cnonce !== undefined || nc !== undefined) {
    throw new DigestError('cnonce/nc without qop', 'RFC2617 P12L18-P12L19');
  }
  return c;
}

export interface CredentialsInput {
  username: string;
  /** Send the name as username* (non-ASCII name, no userhash, HTTP). */
  usernameExtended?: boolean;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  nc?: string;
  userhash?: boolean;
}

/** Prints credentials as an Authorization / Proxy-Authorization value. */
export function buildCredentials(c: CredentialsInput, encodeExtValue: (u: string) => string): string {
  const params: AuthParam[] = [];
  // @implements RFC7616 P10L38-P10L40
  if (c.usernameExtended) params.push({ name: 'username*', value: encodeExtValue(c.username), quoted: false });
  else params.push({ name: 'username', value: c.username, quoted: true });
  params.push({ name: 'realm', value: c.realm, quoted: true });
  // @implements RFC8760 P6L5-P6L6
  params.push({ name: 'uri', value: c.uri, quoted: true });
  // @implements RFC7616 P10L42-P10L43
  params.push({ name: 'algorithm', value: c.algorithm, quoted: false });
  params.push({ name: 'nonce', value: c.nonce, quoted: true });
  if (c.qop !== undefined) {
    params.push({ name: 'nc', value: c.nc ?? '', quoted: false });
    params.push({ name: 'cnonce', value: c.cnonce ?? '', quoted: true });
    params.push({ name: 'qop', value: c.qop, quoted: false });
  }
  params.push({ name: 'response', value: c.response, quoted: true });
  if (c.opaque !== undefined) params.push({ name: 'opaque', value: c.opaque, quoted: true });
  if (c.userhash) params.push({ name: 'userhash', value: 'true', quoted: false });
  return formatAuthItem('Digest', params);
}
