/**
 * The Digest challenge of WWW-Authenticate / Proxy-Authenticate: its parameters, parsed and printed.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { DigestError } from './errors.ts';
import { type AuthItem, type AuthParam, formatAuthItem, parseAuthItems } from './params.ts';

export interface DigestChallenge {
  realm: string;
  /** The protection space's URIs; absent in a proxy challenge. */
  domain?: string[];
  nonce: string;
  opaque?: string;
  stale: boolean;
  /** The algorithm token as sent; "MD5" when absent. */
  algorithm: string;
  /** The qop-options as sent, unknown ones included; undefined when absent. */
  qop?: string[];
  charset?: 'UTF-8';
  userhash: boolean;
  /** It came in Proxy-Authenticate: answer in Proxy-Authorization. */
  proxy?: boolean;
  /** Every parameter, the unknown ones too (auth-param extensions). */
  params: Map<string, AuthParam>;
}

export interface ChallengeOptions {
  /** The value came from Proxy-Authenticate. */
  proxy?: boolean;
}

/**
 * All Digest challenges in one or more header field values, in the order
 * written. Challenges of other schemes are skipped.
 */
export function parseChallenges(values: string | readonly string[], options: ChallengeOptions = {}): DigestChallenge[] {
  const list = typeof values === 'string' ? [values] : values;
  // @implements RFC8760 P5L41-P5L42
  // @implements RFC7616 P24L20-P24L24
  // @implements RFC2617 P4L23-P4L26, P23L17-P23L21, P20L6-P20L8
  // @implements RFC7616 P25L8-P25L12
  return list.flatMap((v) => parseAuthItems(v)).flatMap((item) => (isDigest(item) ? [toChallenge(item, options)] : []));
}

/** The one Digest challenge of a header field value. */
export function parseChallenge(value: string, options: ChallengeOptions = {}): DigestChallenge {
  const found = parseChallenges(value, options);
  if (found.length === 0) throw new DigestError('no Digest challenge in header value', 'RFC2617 P8L9');
  if (found.length > 1) throw new DigestError(`${found.length} Digest challenges in one value; use parseChallenges`, 'RFC2617 P3L38-P3L42');
  return found[0]!;
}

// @implements RFC9110 P102L17-P102L18
function isDigest(item: AuthItem): boolean {
  return item.scheme.toLowerCase() === 'digest';
}

function toChallenge(item: AuthItem, options: ChallengeOptions): DigestChallenge {
  const get = (name: string) => item.params.get(name)?.value;
  // @implements RFC2617 P8L11-P8L13, P4L1-P4L2
  const realm = get('realm');
  if (realm === undefined) throw new DigestError('challenge has no realm', 'RFC2617 P4L1-P4L2');
  const nonce = get('nonce');
  if (nonce === undefined) throw new DigestError('challenge has no nonce', 'RFC2617 P8L11-P8L13');

  const challenge: DigestChallenge = {
    realm,
    nonce,
    // @implements RFC7616 P7L29-P7L31
    stale: get('stale')?.toLowerCase() === 'true',
    // @implements RFC7616 P7L35-P7L37
    algorithm: get('algorithm') ?? 'MD5',
    // @implements RFC7616 P8L43-P8L45
    userhash: get('userhash')?.toLowerCase() === 'true',
    // @implements RFC2617 P11L5-P11L7
    params: item.params,
  };
  if (options.proxy) challenge.proxy = true;
  const opaque = get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;

  // @implements RFC7616 P8L27-P8L29
  const qop = get('qop');
  if (qop !== undefined) challenge.qop = qop.split(',').map((t) => t.trim()).filter((t) => t !== '');

  // @implements RFC7616 P8L37-P8L39
  const charset = get('charset');
  if (charset !== undefined) {
    // @implements RFC7616 P20L43-P20L44
    if (charset.toLowerCase() !== 'utf-8') throw new DigestError(`charset ${JSON.stringify(charset)} is not "UTF-8"`, 'RFC7616 P8L37-P8L39');
    challenge.charset = 'UTF-8';
  }

  const domain = get('domain');
  // @implements RFC7616 P6L18-P6L20
  if (domain !== undefined && !options.proxy) {
    // @implements RFC7616 P6L6-P6L7
    challenge.domain = domain.split(/[ \t]+/).filter((u) => u !== '');
  }
  return challenge;
}

/** Prints a challenge as a WWW-Authenticate / Proxy-Authenticate value. */
export function buildChallenge(c: Omit<DigestChallenge, 'params' | 'proxy'>): string {
  const params: AuthParam[] = [];
  // @implements RFC7616 P9L1-P9L3
  params.push({ name: 'realm', value: c.realm, quoted: true });
  if (c.domain !== undefined) params.push({ name: 'domain', value: c.domain.join(' '), quoted: true });
  params.push({ name: 'nonce', value: c.nonce, quoted: true });
  if (c.opaque !== undefined) params.push({ name: 'opaque', value: c.opaque, quoted: true });
  // @implements RFC7616 P9L5-P9L6
  if (c.stale) params.push({ name: 'stale', value: 'true', quoted: false });
  params.push({ name: 'algorithm', value: c.algorithm, quoted: false });
  // @implements RFC8760 P7L2-P7L3
  if (c.qop === undefined || c.qop.length === 0) throw new DigestError('a challenge must carry qop', 'RFC8760 P7L2-P7L3');
  params.push({ name: 'qop', value: c.qop.join(','), quoted: true });
  if (c.charset !== undefined) params.push({ name: 'charset', value: c.charset, quoted: false });
  // @implements RFC7616 P12L18-P12L20
  if (c.userhash) params.push({ name: 'userhash', value: 'true', quoted: false });
  return formatAuthItem('Digest', params);
}
