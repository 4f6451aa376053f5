/**
 * XML stanzas (RFC 6120 §8): the public face of reference/xmpp/stanza/.
 * Pure logic over XmlElement: no sockets, for the client and the server.
 *
 *   errors.ts      §8.3: conditions, types, errorReply, readError
 *   iq.ts          §8.2.3: checkIq, iqResult
 *   addressing.ts  §8.1.1, §8.1.2: stampFrom, fromServer, onAccountsBehalf, addressee, senderOf, recipientOf
 *   extended.ts    §8.4, §8.1.5: understood (unknown extensions), languageOf, withDefaultLanguage
 *
 * @implements RFC6120 (XMPP core)
 */
export { CONDITIONS, ERROR_TYPES, type ErrorOptions, type ErrorType, type ReceivedError, STANZAS_NS, STANZA_KINDS, type StanzaCondition, type StanzaKind, StanzaRuleError, errorReply, isStanzaCondition, readError, withoutPresenceLeak } from './errors.ts';
export { IQ_TYPES, type IqType, type StanzaProblem, checkIq, iqResult, isRequest, payloadOf } from './iq.ts';
export { addressee, fromServer, onAccountsBehalf, recipientOf, senderOf, stampFrom, withAttrs } from './addressing.ts';
export { type Understood, isExtension, isLanguageTag, languageOf, understood, withDefaultLanguage } from './extended.ts';
