/**
 * JIDs (RFC 7622): the public face of reference/xmpp/jid/.
 *
 *   parts.ts  the localpart, domainpart and resourcepart rules, JidError
 *   jid.ts    parseJid, Jid (bare, full, equals), checkJid
 *
 * @implements RFC7622 (XMPP address format)
 */
export { type JidPart, JidError, enforceLocalpart, enforceDomainpart, enforceResourcepart } from './parts.ts';
export { Jid, parseJid, checkJid } from './jid.ts';
