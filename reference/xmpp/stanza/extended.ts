/**
 * Extended content (RFC 6120 §8.4) and the language of a stanza (§8.1.5):
 * what a recipient does with child elements it does not understand, and
 * what a server leaves alone when it only routes.
 *
 * A stanza here is always a whole first-level element: the XML layer's
 * reader gives nothing before its end tag, so nothing is processed from a
 * partial stanza, and the time its parts took to arrive is not seen.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, isElement } from '../xml/index.ts';
import { errorReply } from './errors.ts';

/** The namespaces an extension may not use: the content and stream namespaces. */
// @implements RFC6120 P125L29-P125L32
const RESERVED = new Set(['jabber:client', 'jabber:server', 'http://etherx.jabber.org/streams']);

/** Whether a child element is extended content (qualified by a namespace of its own). */
export const isExtension = (parent: XmlElement, child: XmlElement): boolean => child.ns !== parent.ns && !RESERVED.has(child.ns);

/** What a recipient makes of a stanza with content it does not understand. */
export type Understood = { stanza: XmlElement } | { ignore: string } | { reply: XmlElement };

/**
 * The stanza as the recipient may process it, given the namespaces it
 * understands: unknown extensions dropped from messages and presence, an
 * iq request with one answered service-unavailable.
 */
// @implements RFC6120 P99L43-P99L45, P127L31-P127L33, P127L18-P127L23
// Elements are told by namespace name, never by prefix.
export function understood(stanza: XmlElement, known: ReadonlySet<string>): Understood {
  const children = stanza.children.filter(isElement);
  const unknown = children.filter((c) => isExtension(stanza, c) && !known.has(c.ns));
  if (unknown.length === 0) return { stanza };
  // @implements RFC6120 P128L6-P128L9, P125L25-P125L29, P108L10-P108L12
  if (stanza.name === 'iq') {
    if (stanza.attrs.type === 'get' || stanza.attrs.type === 'set') return { reply: errorReply(stanza, 'service-unavailable', { text: `no support for ${unknown[0]!.ns}` }) };
    return { stanza: { ...stanza, children: stanza.children.filter((c) => !unknown.includes(c as XmlElement)) } };
  }
  // @implements RFC6120 P127L35-P127L39
  // We take "ignore the entire stanza": a message that says nothing we understand.
  if (stanza.name === 'message' && children.length === unknown.length) return { ignore: `a message whose only content is in ${unknown.map((u) => u.ns).join(', ')}` };
  // @implements RFC6120 P127L41-P127L44, P128L1-P128L4
  return { stanza: { ...stanza, children: stanza.children.filter((c) => !unknown.includes(c as XmlElement)) } };
}

// A language tag (RFC 5646), checked for its shape: subtags of 1-8 letters or digits joined by hyphens.
const LANGTAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** Whether an xml:lang value is a language tag; NMTOKEN follows from the shape. */
// @implements RFC6120 P104L37-P104L39
export const isLanguageTag = (s: string): boolean => LANGTAG.test(s);

/** The language of a received stanza: its own xml:lang, else the stream's. */
// @implements RFC6120 P104L32-P104L35
export function languageOf(stanza: XmlElement, streamLang: string | undefined): string | undefined {
  return stanza.attrs['xml:lang'] ?? streamLang;
}

/** The server on a client's stanza without xml:lang: the client stream's language added; one it has is kept. */
// @implements RFC6120 P104L15-P104L18, P104L41-P104L42
export function withDefaultLanguage(stanza: XmlElement, streamLang: string | undefined): XmlElement {
  if (stanza.attrs['xml:lang'] !== undefined || streamLang === undefined) return stanza;
  return { ...stanza, attrs: { ...stanza.attrs, 'xml:lang': streamLang } };
}
