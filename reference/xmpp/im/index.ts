/**
 * XMPP instant messaging and presence (RFC 6121): pure logic, no sockets,
 * for the client (reference/xmpp/client/) and the server to call.
 *
 * @implements RFC6121 (XMPP IM)
 */
export * from './subscription.ts';
