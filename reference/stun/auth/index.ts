/**
 * STUN authentication (RFC 8489 §9): the public face of reference/stun/auth/.
 *
 *   opaqueString.ts  OpaqueString (RFC 8265 §4.2) and SASLprep (RFC 4013)
 *   keys.ts          short-term and long-term keys (MD5, SHA-256), USERHASH
 *   nonce.ts         the nonce cookie, security feature bits, a server's nonces
 *   client.ts        a client's decisions: what a request carries, what a response means
 *   server.ts        a server's checks on a request, in the RFC's order
 *
 * @implements RFC8489 (STUN)
 */
export { PrepError, opaqueString, saslprep } from './opaqueString.ts';
export { shortTermKey, longTermKey, userhash } from './keys.ts';
export { type SecurityFeatures, type NonceSource, type NonceCheck, NonceIssuer, nonceCookie, readNonceCookie } from './nonce.ts';
export { type RequestAuthentication, type IntegritySent, type ResponseVerdict, ShortTermClient, LongTermClient } from './client.ts';
export { type Authenticated, type Refused, type AuthCheck, type LongTermOptions, LongTermServer, checkShortTerm, mayTryAlternate } from './server.ts';
