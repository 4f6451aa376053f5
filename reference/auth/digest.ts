/**
 * HTTP Digest authentication as SIP uses it: parse and build challenges and credentials, compute and verify responses.
 *
 * The public face of reference/auth/digest/: a SIP or HTTP stack imports
 * from here. Files below, one concept each:
 *
 *   params.ts              auth-param lists, tokens, quoted-strings
 *   algorithm.ts           H, KD, MD5 / SHA-256 / SHA-512-256 and -sess
 *   challenge.ts           WWW-Authenticate / Proxy-Authenticate values
 *   credentials.ts         Authorization / Proxy-Authorization values
 *   response.ts            A1, A2, the response and rspauth digests
 *   username.ts            userhash, charset=UTF-8, username*
 *   client.ts              choosing a challenge, answering it
 *   session.ts             a client's session: nc, nextnonce, stale, rspauth
 *   nonce.ts               stateless server nonces (timestamp + HMAC)
 *   nonce-count.ts         nc replay detection
 *   users.ts               the server's password / H(A1) lookup
 *   server.ts              verifyCredentials, DigestServer
 *   authentication-info.ts rspauth and nextnonce
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 * @cites-obsoleted RFC2617: SIP's Digest is RFC 2617's: RFC 3261 §22 cites it, and RFC 8760 adds RFC 7616's algorithms to it; what RFC 7616 changed is cited from RFC 7616
 *
 * Knowingly left to the stack that uses this module:
 *
 * @exception RFC7616 P6L10-P6L16: which later requests fall in a protection space is the HTTP client's bookkeeping; domain is parsed and returned, and a SIP UAC keys its DigestSession by realm
 * @exception RFC7616 P7L18-P7L19: opaque is the server operator's string (DigestServerOptions.opaque); this module does not make one up
 * @exception RFC7616 P13L44-P13L45: caches are not this module's; SIP has none (RFC 8760 P6L15-P6L16)
 * @exception RFC2617 P15L27-P15L40: caches are not this module's; SIP has none (RFC 8760 P6L15-P6L16)
 * @exception RFC7616 P16L34-P16L37: forwarding untouched is the proxy's duty; a proxy built on this module passes these header fields through
 * @exception RFC2617 P5L11-P5L14: forwarding untouched is the proxy's duty; a proxy built on this module passes these header fields through
 * @exception RFC8760 P5L19-P5L30: aggregating challenges from forked branches is the forking proxy's job; parseChallenges keeps the order it is given
 * @exception RFC7616 P14L21-P14L23: nextnonce is advisory here; the previous nonce stays valid until it expires, so no stale=true for not using it
 * @exception RFC7616 P22L11-P22L14: the realm string is the operator's choice (DigestServerOptions.realm); include the host name in it
 * @exception RFC2617 P6L13-P6L18: a Basic rule; Basic is not implemented, SIP MUST NOT use it (RFC 8760 P5L41-P5L42)
 * @exception RFC2617 P20L37-P20L39: guarding against counterfeiting gateways is the deployment's concern
 * @exception RFC7616 P21L25-P21L26: password entropy is the deployment's policy, not the protocol's
 * @exception RFC7616 P21L30-P21L31: the transport (TLS for SIP, HTTPS) is chosen by the stack, not here
 */

export { DigestError } from './digest/errors.ts';
export { type Algorithm, type HashName, ALGORITHM_PREFERENCE, algorithmByName, H, KD } from './digest/algorithm.ts';
export { type DigestChallenge, type ChallengeOptions, parseChallenge, parseChallenges, buildChallenge } from './digest/challenge.ts';
export { type DigestCredentials, parseCredentials } from './digest/credentials.ts';
export { type ResponseInput, type Secret, HA1, requestDigest, responseDigest } from './digest/response.ts';
export { userhash } from './digest/username.ts';
export { type Profile, type AuthorizationInput, type Authorization, chooseChallenge, buildAuthorization, formatNc } from './digest/client.ts';
export { type ChallengeOutcome, type SessionOptions, DigestSession } from './digest/session.ts';
export { createNonce, checkNonce } from './digest/nonce.ts';
export { NonceCounts } from './digest/nonce-count.ts';
export { type LookupUser, type LookupQuery, type UserRecord, passwords, storedHA1 } from './digest/users.ts';
export { type DigestServerOptions, type DigestRequest, type Verdict, type VerifyInput, DigestServer, verifyCredentials } from './digest/server.ts';
export { type AuthenticationInfo, buildAuthenticationInfo, parseAuthenticationInfo, verifyResponseAuth } from './digest/authentication-info.ts';
