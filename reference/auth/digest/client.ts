/**
 * The client side: choose a challenge, then answer it with an Authorization / Proxy-Authorization value.
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 */
import { randomBytes } from 'node:crypto';
import { type Algorithm, type HashName, algorithmByName } from './algorithm.ts';
import type { DigestChallenge } from './challenge.ts';
import { buildCredentials, type DigestCredentials } from './credentials.ts';
import { DigestError } from './errors.ts';
import { requestDigest, type ResponseInput } from './response.ts';
import { encodeExtValue, needsExtendedNotation, prepare, userhash } from './username.ts';

/**
 * "SIP" follows RFC 8760 (a challenge without qop is answered as qop=auth,
 * non-ASCII names travel in the quoted-string as SIP allows); "HTTP" follows
 * RFC 7616 with RFC 2617's no-qop form for old servers and username*.
 */
export type Profile = 'SIP' | 'HTTP';

export interface ChooseOptions {
  /** Local policy: the hashes this client is willing to use (default: all it knows). */
  accept?: readonly HashName[];
}

/**
 * The challenge to answer: the topmost one whose algorithm is understood and
 * allowed by local policy. Challenges of other realms compete on equal
 * terms, since one set of credentials for the topmost realm suffices.
 */
// @implements RFC7616 P17L21-P17L22
// @implements RFC8760 P4L42-P4L46, P4L48-P5L4
export function chooseChallenge(challenges: readonly DigestChallenge[], options: ChooseOptions = {}): DigestChallenge | undefined {
  for (const c of challenges) {
    // @implements RFC7616 P7L37-P7L38
    const algorithm = algorithmByName(c.algorithm);
    if (algorithm === undefined) continue;
    if (options.accept && !options.accept.includes(algorithm.hash)) continue;
    if (chooseQop(c, 'SIP', undefined) === null) continue;
    return c;
  }
  // @implements RFC8760 P5L6-P5L9
  return undefined;
}

/**
 * The qop to apply: the caller's wish if offered, else "auth", else
 * "auth-int". `undefined` is RFC 2069's no-qop form; `null` means the
 * challenge offers only options this client does not know.
 */
function chooseQop(c: DigestChallenge, profile: Profile, wanted: 'auth' | 'auth-int' | undefined): 'auth' | 'auth-int' | undefined | null {
  if (c.qop === undefined) {
    // @implements RFC8760 P6L47-P6L48, P7L2-P7L4
    if (profile === 'SIP') return 'auth';
    // @implements RFC2617 P13L15-P13L16
    return undefined;
  }
  // @implements RFC7616 P8L33
  // @implements RFC2617 P11L1-P11L3
  const known = c.qop.filter((q): q is 'auth' | 'auth-int' => q === 'auth' || q === 'auth-int');
  // @implements RFC7616 P10L3-P10L5
  // @implements RFC2617 P12L6-P12L8, P12L11-P12L15
  if (wanted !== undefined && known.includes(wanted)) return wanted;
  if (known.includes('auth')) return 'auth';
  if (known.includes('auth-int')) return 'auth-int';
  return null;
}

export interface AuthorizationInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  /** Request method: "REGISTER", "INVITE", "GET". */
  method: string;
  /**
   * The Request-URI exactly as on the request line: the caller passes the
   * very string it puts there, which is how "uri" agrees with it.
   */
  uri: string;
  /** The entity-body, needed when qop=auth-int is applied. */
  body?: string | Uint8Array;
  /** Preferred qop when the challenge offers both. */
  qop?: 'auth' | 'auth-int';
  /** Client nonce; a fresh random one by default. */
  cnonce?: string;
  /** Nonce count: requests sent so far with this nonce, this one included (default 1). */
  nc?: number;
  profile?: Profile;
}

export interface Authorization {
  /** Where it goes: Proxy-Authorization answers Proxy-Authenticate. */
  field: 'Authorization' | 'Proxy-Authorization';
  /** The header field value to send. */
  header: string;
  /** The same, as values (what a server would parse back). */
  credentials: Omit<DigestCredentials, 'params'>;
  /** What went into the response, kept to check the server's rspauth. */
  request: ResponseInput;
}

/** Computes the credentials answering `challenge` for one request. */
export function buildAuthorization(i: AuthorizationInput): Authorization {
  const profile = i.profile ?? 'SIP';
  const c = i.challenge;
  const algorithm: Algorithm | undefined = algorithmByName(c.algorithm);
  // @implements RFC7616 P7L37-P7L38
  if (algorithm === undefined) throw new DigestError(`algorithm ${c.algorithm} is not supported`, 'RFC7616 P7L37-P7L38');

  const qop = chooseQop(c, profile, i.qop);
  if (qop === null) throw new DigestError(`none of the qop options ${JSON.stringify(c.qop)} is known`, 'RFC7616 P10L3-P10L5');

  // @implements RFC7616 P20L43-P20L47
  const username = prepare(i.username, c.charset);
  const passwd = prepare(i.password, c.charset);

  // @implements RFC2617 P12L18-P12L20, P12L28-P12L30
  // @implements RFC7616 P10L12-P10L17, P26L16-P26L17
  const cnonce = qop === undefined ? undefined : (i.cnonce ?? randomBytes(24).toString('base64'));
  // @implements RFC7616 P10L21-P10L26
  const nc = qop === undefined ? undefined : formatNc(i.nc ?? 1);

  const request: ResponseInput = {
    algorithm,
    username,
    realm: c.realm,
    secret: { passwd },
    nonce: c.nonce,
    ...(cnonce !== undefined && { cnonce }),
    ...(nc !== undefined && { nc }),
    ...(qop !== undefined && { qop }),
    method: i.method,
    uri: i.uri,
    ...(i.body !== undefined && { entityBody: i.body }),
  };
  const response = requestDigest(request);

  // @implements RFC7616 P12L22-P12L26
  const hashed = c.userhash;
  const sentName = hashed ? userhash(algorithm, username, c.realm) : username;
  // @implements RFC7616 P21L11-P21L13
  const usernameExtended = !hashed && profile === 'HTTP' && needsExtendedNotation(sentName);

  const credentials: Omit<DigestCredentials, 'params'> = {
    username: sentName,
    usernameExtended,
    realm: c.realm,
    nonce: c.nonce,
    // @implements RFC7616 P13L26-P13L29
    // @implements RFC2617 P15L7-P15L12
    uri: i.uri,
    response,
    // @implements RFC7616 P9L12-P9L14
    algorithm: c.algorithm,
    userhash: hashed,
    // @implements RFC7616 P7L16-P7L18
    ...(c.opaque !== undefined && { opaque: c.opaque }),
    ...(qop !== undefined && { qop }),
    ...(cnonce !== undefined && { cnonce }),
    ...(nc !== undefined && { nc }),
  };
  // @implements RFC7616 P17L40-P17L42
  const field = c.proxy ? 'Proxy-Authorization' : 'Authorization';
  return { field, header: buildCredentials(credentials, encodeExtValue), credentials, request };
}

/** nc as exactly 8 lower-case hexadecimal digits. */
// @implements RFC7616 P15L33-P15L34
export function formatNc(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new DigestError(`nonce count ${n} is not in 1..ffffffff`, 'RFC7616 P15L33-P15L34');
  return n.toString(16).padStart(8, '0');
}
