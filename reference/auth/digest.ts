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
 *   nonce.ts               stateless server nonces (timestamp + HMAC)
 *   nonce-count.ts         nc replay detection
 *   users.ts               the server's password / H(A1) lookup
 *   server.ts              verifyCredentials, DigestServer
 *   authentication-info.ts rspauth and nextnonce
 *
 * @implements RFC2617 (HTTP Digest)
 * @implements RFC7616 (HTTP Digest)
 * @implements RFC8760 (SIP Digest)
 */

export { DigestError } from './digest/errors.ts';
export { type Algorithm, type HashName, ALGORITHM_PREFERENCE, algorithmByName, H, KD } from './digest/algorithm.ts';
export { type DigestChallenge, type ChallengeOptions, parseChallenge, parseChallenges, buildChallenge } from './digest/challenge.ts';
export { type DigestCredentials, parseCredentials } from './digest/credentials.ts';
export { type ResponseInput, type Secret, HA1, requestDigest, responseDigest } from './digest/response.ts';
export { userhash } from './digest/username.ts';
export { type Profile, type AuthorizationInput, type Authorization, chooseChallenge, buildAuthorization, formatNc } from './digest/client.ts';
export { createNonce, checkNonce } from './digest/nonce.ts';
export { NonceCounts } from './digest/nonce-count.ts';
export { type LookupUser, type LookupQuery, type UserRecord, passwords, storedHA1 } from './digest/users.ts';
export { type DigestServerOptions, type DigestRequest, type Verdict, type VerifyInput, DigestServer, verifyCredentials } from './digest/server.ts';
export { type AuthenticationInfo, buildAuthenticationInfo, parseAuthenticationInfo, verifyResponseAuth } from './digest/authentication-info.ts';
