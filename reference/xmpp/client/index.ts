/**
 * The XMPP client: the public face of reference/xmpp/client/.
 *
 *   session.ts  ClientSession: connect, STARTTLS, SASL, bind, then stanzas; chatMessage
 *
 * @implements RFC6120 (XMPP core)
 */
export { type ClientOptions, type Ending, ClientSession, chatMessage } from './session.ts';
