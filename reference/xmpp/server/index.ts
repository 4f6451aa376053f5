/**
 * The XMPP server (RFC 6120 client-to-server, RFC 6121): the public face of reference/xmpp/server/.
 *
 *   users.ts    the users file: SCRAM stored credentials per user, never passwords
 *   router.ts   each stanza from a bound client: stamped, handled for the account or given to reference/xmpp/im; the sessions
 *   server.ts   the listener: connections, negotiation (reference/xmpp/stream), limits
 *
 * @implements RFC6120 (XMPP core)
 */
export { UsersFileError, type UserCredentials, userLine, parseUsers, readUsersFile, accountsOf } from './users.ts';
export { ROSTER_NS } from '../im/index.ts';
export { Router, type Session } from './router.ts';
export { type Limits, DEFAULT_LIMITS, type ServerOptions, XmppServer } from './server.ts';
