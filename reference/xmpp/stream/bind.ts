/**
 * Resource binding (RFC 6120 §7): the feature, the client's request (a
 * resource of its choosing, or none so the server generates one), the
 * server's result carrying the full JID, and the server's random
 * resourcepart.
 *
 * @implements RFC6120 (XMPP core)
 */
import { randomBytes } from 'node:crypto';
import { type XmlElement, element, childOf, textOf } from '../xml/index.ts';
import { type Jid, checkJid } from '../jid/index.ts';

// @implements RFC6120 P93L40-P93L43
export const BIND_NS = 'urn:ietf:params:xml:ns:xmpp-bind';

/** The <bind/> feature: offered only after SASL succeeded (the caller's duty: see ReceivingStream). */
// @implements RFC6120 P93L40-P93L43, P93L45-P93L47
export const bindFeature = () => element('bind', { xmlns: BIND_NS }, [], BIND_NS);

/** The client's request: an iq set with <bind/>, holding <resource/> when it asks for one. */
// @implements RFC6120 P94L14-P94L16
export function bindRequest(id: string, resource?: string): XmlElement {
  return element('iq', { id, type: 'set' }, [element('bind', { xmlns: BIND_NS }, resource === undefined ? [] : [element('resource', {}, [resource], BIND_NS)], BIND_NS)]);
}

/** The resource a bind request asks for, or undefined for "generate one". */
export function requestedResource(iq: XmlElement): string | undefined {
  const r = childOf(childOf(iq, 'bind', BIND_NS) ?? iq, 'resource', BIND_NS);
  return r ? textOf(r) : undefined;
}

/** A resourcepart made by the server: 96 random bits. */
// @implements RFC6120 P94L37-P94L38, P94L38-P94L39
export function generateResource(): string {
  return randomBytes(12).toString('base64url');
}

/** The server's answer: an iq result holding the full JID. */
// @implements RFC6120 P95L5-P95L8
export function bindResult(id: string, jid: Jid): XmlElement {
  return element('iq', { id, type: 'result' }, [element('bind', { xmlns: BIND_NS }, [element('jid', {}, [jid.toString()], BIND_NS)], BIND_NS)]);
}

/**
 * The client's reading of the answer: the full JID the server bound, which
 * is the client's JID from now on (it does not guess its own), or why not.
 */
// @implements RFC6120 P28L39-P28L42
export function readBindResult(iq: XmlElement, id: string, bare: Jid): { ok: true; jid: Jid } | { ok: false; reason: string } {
  if (iq.name !== 'iq' || iq.attrs.id !== id) return { ok: false, reason: `expected the answer to bind request '${id}', got <${iq.name} id='${iq.attrs.id ?? ''}'>` };
  if (iq.attrs.type === 'error') {
    const condition = childOf(iq, 'error')?.children.find((c): c is XmlElement => typeof c !== 'string')?.name ?? 'unknown';
    return { ok: false, reason: `the server refused to bind a resource: <${condition}/> (RFC 6120 §7.6.2)` };
  }
  const text = textOf(childOf(childOf(iq, 'bind', BIND_NS) ?? iq, 'jid', BIND_NS) ?? iq);
  const parsed = checkJid(text);
  if (iq.attrs.type !== 'result' || !parsed.ok) return { ok: false, reason: `the bind result holds no JID we can read ('${text}') (RFC 6120 §7.6.1)` };
  // @implements RFC6120 P92L34-P92L37
  if (!parsed.jid.isFull || parsed.jid.bare.toString() !== bare.toString())
    return { ok: false, reason: `the server bound '${text}', which is not a full JID of ${bare} (RFC 6120 §7.1)` };
  return { ok: true, jid: parsed.jid };
}
