/**
 * Restricted XML for XMPP (RFC 6120 §11): the public face of reference/xmpp/xml/.
 *
 *   streamErrors.ts  the stream error conditions (§4.9.3), StreamError
 *   element.ts       the element tree, the serializer and escaping
 *   reader.ts        StreamReader: bytes in, header and first-level elements out, §11 and §13.12 enforced
 *
 * @implements RFC6120 (XMPP core)
 */
export { StreamCondition, STREAMS_NS, StreamError, type StreamPosition, receivedStreamCondition } from './streamErrors.ts';
export { type XmlElement, type XmlNode, isElement, qname, textOf, childOf, element, escapeText, escapeAttribute, openTag, serialize } from './element.ts';
export { type ReaderLimits, type StreamEvent, StreamReader, ReaderClosedError, DEFAULT_MAX_STANZA_OCTETS, DEFAULT_MAX_DEPTH } from './reader.ts';
