/**
 * STUN authentication (RFC 8489 §9): the public face of reference/stun/auth/.
 *
 *   keys.ts          short-term and long-term keys (MD5, SHA-256), USERHASH
 *   nonce.ts         the nonce cookie, security feature bits, a server's nonces
 *   client.ts        a client's decisions: what a request carries, what a response means
 *   server.ts        a server's checks on a request, in the RFC's order
 *
 * OpaqueString and SASLprep, which the keys apply, live in reference/precis/
 * (XMPP needs them too) and are re-exported here for STUN's users.
 *
 * @implements RFC8489 (STUN)
 */
export { PrepError, opaqueString, saslprep } from '../../precis/index.ts';
export { shortTermKey, longTermKey, userhash } from './keys.ts';
export { type SecurityFeatures, type NonceSource, type NonceCheck, NonceIssuer, nonceCookie, readNonceCookie } from './nonce.ts';
export { type RequestAuthentication, type IntegritySent, type ResponseVerdict, ShortTermClient, LongTermClient } from './client.ts';
export { type Authenticated, type Refused, type AuthCheck, type LongTermOptions, LongTermServer, checkShortTerm, mayTryAlternate } from './server.ts';
