/**
 * IQ semantics (RFC 6120 §8.2.3): request and response, checked, and the
 * result built. A check gives the stanza error condition the rule breaks
 * and the rule, so the receiver can answer with `errorReply`.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, element, isElement, childOf } from '../xml/index.ts';
import { type StanzaCondition, StanzaRuleError } from './errors.ts';

// @implements RFC6120 P106L32-P107L3
export const IQ_TYPES = ['get', 'set', 'result', 'error'] as const;
export type IqType = (typeof IQ_TYPES)[number];

/** What is wrong with a stanza: the condition to answer with, and why. */
export interface StanzaProblem {
  condition: StanzaCondition;
  reason: string;
}

const problem = (condition: StanzaCondition, reason: string): StanzaProblem => ({ condition, reason });

/** The rule an iq breaks, or undefined when it keeps them all. */
export function checkIq(iq: XmlElement): StanzaProblem | undefined {
  const children = iq.children.filter(isElement);
  // @implements RFC6120 P106L30, P103L12-P103L14
  if (iq.attrs.id === undefined) return problem('bad-request', "an <iq/> without an 'id': it is REQUIRED (RFC 6120 §8.2.3 rule 1)");
  const type = iq.attrs.type;
  // @implements RFC6120 P106L32-P106L35
  if (!(IQ_TYPES as readonly string[]).includes(type ?? '')) return problem('bad-request', `<iq type='${type ?? ''}'/>: the type MUST be get, set, result or error (RFC 6120 §8.2.3 rule 2)`);
  // @implements RFC6120 P107L16-P107L18
  if ((type === 'get' || type === 'set') && children.length !== 1) return problem('bad-request', `<iq type='${type}'/> with ${children.length} child elements: a request MUST contain exactly one (RFC 6120 §8.2.3 rule 5)`);
  // @implements RFC6120 P107L20-P107L21
  if (type === 'result' && children.length > 1) return problem('bad-request', `<iq type='result'/> with ${children.length} child elements: zero or one (RFC 6120 §8.2.3 rule 6)`);
  // @implements RFC6120 P107L23-P107L25
  if (type === 'error' && childOf(iq, 'error') === undefined) return problem('bad-request', "<iq type='error'/> without an <error/> child (RFC 6120 §8.2.3 rule 7)");
  // @implements RFC6120 P108L45-P108L47
  if (type !== 'error' && childOf(iq, 'error', iq.ns) !== undefined) return problem('bad-request', `<iq type='${type}'/> holding an <error/>: only type 'error' may (RFC 6120 §8.3.1 rule 7)`);
  return undefined;
}

/** Whether the iq asks for an answer: get or set. */
export const isRequest = (iq: XmlElement): boolean => iq.name === 'iq' && (iq.attrs.type === 'get' || iq.attrs.type === 'set');

/** The child element that says what a get or set asks for. */
export function payloadOf(iq: XmlElement): XmlElement | undefined {
  return iq.children.find(isElement);
}

/**
 * The result answering a get or set: 'id' kept, 'from'/'to' swapped, zero or
 * one child. Refuses to answer a result or an error (rule 4).
 */
// @implements RFC6120 P107L5-P107L8
export function iqResult(request: XmlElement, payload?: XmlElement): XmlElement {
  // @implements RFC6120 P107L10-P107L12
  if (!isRequest(request)) throw new StanzaRuleError(`<iq type='${request.attrs.type ?? ''}'/> is not a request: a result or error is never answered with another (RFC 6120 §8.2.3 rule 4)`);
  const attrs: Record<string, string> = {};
  if (request.attrs.to !== undefined) attrs.from = request.attrs.to;
  if (request.attrs.from !== undefined) attrs.to = request.attrs.from;
  attrs.id = request.attrs.id ?? '';
  attrs.type = 'result';
  return element('iq', attrs, payload ? [payload] : [], request.ns);
}
