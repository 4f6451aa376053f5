/**
 * Stanza errors (RFC 6120 §8.3): the defined conditions of §8.3.3 with the
 * error type each recommends, the types of §8.3.2, the error reply built as
 * the rules of §8.3.1 say, and the reading of a received one.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, childOf, element, isElement, textOf } from '../xml/index.ts';

// @implements RFC6120 P109L18
export const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** The error types (§8.3.2). */
// @implements RFC6120 P109L29-P109L39
export const ERROR_TYPES = ['auth', 'cancel', 'continue', 'modify', 'wait'] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** The defined conditions (§8.3.3), with the type each one's section recommends. */
// @implements RFC6120 P110L37-P110L41
// The recommended type is "the usual expected type": a caller may give another.
export const CONDITIONS = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'modify',
  'unexpected-request': 'wait',
} as const satisfies Record<string, ErrorType>;
export type StanzaCondition = keyof typeof CONDITIONS;

export const isStanzaCondition = (c: string): c is StanzaCondition => Object.hasOwn(CONDITIONS, c);

/**
 * The condition to send when the true one would tell an entity not entitled
 * to the recipient's presence whether the recipient is online: <item-not-found/>
 * and <recipient-unavailable/> become <service-unavailable/>.
 */
// @implements RFC6120 P114L30-P114L36, P118L11-P118L17, P122L9-P122L16
export function withoutPresenceLeak(condition: StanzaCondition, mayKnowPresence: boolean): StanzaCondition {
  return !mayKnowPresence && (condition === 'item-not-found' || condition === 'recipient-unavailable') ? 'service-unavailable' : condition;
}

/** The three kinds of stanza. */
// @implements RFC6120 P109L27
export const STANZA_KINDS = ['message', 'presence', 'iq'] as const;
export type StanzaKind = (typeof STANZA_KINDS)[number];

/** A stanza the rules forbid answering, or an error that cannot be built. */
export class StanzaRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StanzaRuleError';
  }
}

export interface ErrorOptions {
  /** Default: the condition's recommended type. */
  type?: ErrorType;
  /** Descriptive text (§8.3.2), for diagnostics, never to be acted on. */
  text?: string;
  /** The entity returning the error (rule 5). */
  by?: string;
  /** Send the original child elements back (rule 6): only when they are not the problem (too large, say). */
  includeOriginal?: boolean;
  /** An application-specific condition, in a namespace of its own (§8.3.4). */
  application?: XmlElement;
  /** For <gone/> and <redirect/>: the address to use instead, a URI (an xmpp: IRI). */
  newAddress?: string;
}

/**
 * The error stanza answering `stanza` (§8.3, §8.3.1): the same kind, type
 * "error", 'from' and 'to' swapped, the same 'id', an <error/> with the
 * condition. Refuses to answer an error (rule 8).
 */
// @implements RFC6120 P107L36-P108L4
export function errorReply(stanza: XmlElement, condition: StanzaCondition, o: ErrorOptions = {}): XmlElement {
  if (!(STANZA_KINDS as readonly string[]).includes(stanza.name)) throw new StanzaRuleError(`<${stanza.name}/> is not a stanza (message, presence, iq; RFC 6120 §8.3.2): no stanza error answers it`);
  // @implements RFC6120 P109L1-P109L3
  if (stanza.attrs.type === 'error') throw new StanzaRuleError(`a <${stanza.name} type='error'/> is never answered with another error (RFC 6120 §8.3.1 rule 8: no loops)`);
  const type = o.type ?? CONDITIONS[condition];
  // @implements RFC6120 P113L6-P113L10, P118L24-P118L28
  if (o.newAddress !== undefined && (condition !== 'gone' && condition !== 'redirect' || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(o.newAddress))) throw new StanzaRuleError(`a new address goes only in <gone/> or <redirect/>, and is a URI (xmpp:…): got <${condition}/> '${o.newAddress}' (RFC 6120 §8.3.3.5, §8.3.3.14)`);
  // @implements RFC6120 P110L7
  const children: XmlElement[] = [element(condition, { xmlns: STANZAS_NS }, o.newAddress !== undefined ? [o.newAddress] : [], STANZAS_NS)];
  // @implements RFC6120 P110L9-P110L13
  if (o.text !== undefined) children.push(element('text', { xmlns: STANZAS_NS, 'xml:lang': 'en' }, [o.text], STANZAS_NS));
  // @implements RFC6120 P110L15-P110L18
  if (o.application) {
    if (!o.application.ns || o.application.ns === STANZAS_NS || o.application.ns === stanza.ns) throw new StanzaRuleError(`an application-specific condition needs a namespace of its own, not '${o.application.ns}' (RFC 6120 §8.3.2)`);
    children.push(o.application);
  }
  // @implements RFC6120 P108L31-P108L34
  const error = element('error', { ...(o.by !== undefined && { by: o.by }), type }, children, stanza.ns);
  // @implements RFC6120 P108L14-P108L19
  const attrs: Record<string, string> = {};
  if (stanza.attrs.to !== undefined) attrs.from = stanza.attrs.to;
  if (stanza.attrs.from !== undefined) attrs.to = stanza.attrs.from;
  // @implements RFC6120 P108L21-P108L27
  // An iq always gets one, empty when the request had none; a message or presence only when it had one.
  if (stanza.attrs.id !== undefined || stanza.name === 'iq') attrs.id = stanza.attrs.id ?? '';
  attrs.type = 'error';
  // @implements RFC6120 P108L36-P108L40, P107L23-P107L24
  const original = o.includeOriginal ? stanza.children.filter(isElement) : [];
  // @implements RFC6120 P108L29
  return element(stanza.name, attrs, [...original, error], stanza.ns);
}

/** A received stanza error, read. */
export interface ReceivedError {
  type: ErrorType | undefined;
  /** Unknown conditions read as undefined-condition (§8.3.2). */
  condition: StanzaCondition;
  /** The condition as received, when it was not one we know. */
  received?: string;
  text?: string;
  by?: string;
}

/**
 * The <error/> of a stanza of type "error", or undefined when it has none.
 * The text is for people: nothing is decided by it. An application-specific
 * condition is not read: the defined one says what happened.
 */
// @implements RFC6120 P109L41-P109L46, P110L22-P110L23, P125L13-P125L15
export function readError(stanza: XmlElement): ReceivedError | undefined {
  const e = childOf(stanza, 'error');
  if (stanza.attrs.type !== 'error' || e === undefined) return undefined;
  const c = e.children.find((x): x is XmlElement => isElement(x) && x.ns === STANZAS_NS && x.name !== 'text');
  const name = c?.name ?? '';
  const type = (ERROR_TYPES as readonly string[]).includes(e.attrs.type ?? '') ? (e.attrs.type as ErrorType) : undefined;
  const text = childOf(e, 'text', STANZAS_NS);
  return {
    type,
    condition: isStanzaCondition(name) ? name : 'undefined-condition',
    ...(!isStanzaCondition(name) && { received: name }),
    ...(text && { text: textOf(text) }),
    ...(e.attrs.by !== undefined && { by: e.attrs.by }),
  };
}
