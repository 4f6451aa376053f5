/**
 * The 'to' and 'from' of stanzas on a client-to-server stream (RFC 6120
 * §8.1.1.1, §8.1.2.1): what the server stamps on what a client sends, what
 * it puts on what it generates, and what a client assumes when either is
 * missing.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement } from '../xml/index.ts';
import { type Jid, checkJid, parseJid } from '../jid/index.ts';
import type { StanzaProblem } from './iq.ts';

// @exception RFC6120 P101L17-P101L20, P101L22-P101L29, P102L34-P102L37, P102L39-P102L45: no server-to-server streams are built, so their addressing rules have nothing to apply to
const SUBSCRIPTION_TYPES = new Set(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

/** A copy of the stanza with these attributes set (undefined deletes), attribute order kept. */
export function withAttrs(stanza: XmlElement, set: Record<string, string | undefined>): XmlElement {
  const attrs = { ...stanza.attrs };
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) delete attrs[k];
    else attrs[k] = v;
  }
  return { ...stanza, attrs };
}

/**
 * The server, on a stanza from a connected client: 'from' added or
 * overridden with the client's full JID, or the bare JID on a
 * subscription-related presence. The client's own 'from' is never trusted.
 */
// @implements RFC6120 P101L46-P102L5, P100L38-P100L40, P104L41-P104L42
// Only 'from' changes: the 'to' and 'xml:lang' the client gave are kept.
export function stampFrom(stanza: XmlElement, client: Jid): XmlElement {
  const subscription = stanza.name === 'presence' && SUBSCRIPTION_TYPES.has(stanza.attrs.type ?? '');
  return withAttrs(stanza, { from: (subscription ? client.bare : client).toString() });
}

/**
 * The server, on a stanza it sends on the account's behalf (a roster push,
 * stored data): no 'from', which the client reads as its own account.
 */
// @implements RFC6120 P102L13-P102L18
export const onAccountsBehalf = (stanza: XmlElement): XmlElement => withAttrs(stanza, { from: undefined });

/** The server, on a stanza it generates on its own behalf: from its domain, to the client's full JID. */
// @implements RFC6120 P102L7-P102L11, P100L42-P100L45
export function fromServer(stanza: XmlElement, domain: string, client: Jid): XmlElement {
  return withAttrs(stanza, { from: domain, to: client.toString() });
}

/**
 * The server, on a stanza from a client: the 'to' it is for. Without one
 * it is for the server to handle on the account's behalf (a roster query,
 * presence to broadcast); with one, it must be a JID.
 */
// @implements RFC6120 P100L24-P100L32
export function addressee(stanza: XmlElement): { to: Jid } | { forServer: true } | { problem: StanzaProblem } {
  const to = stanza.attrs.to;
  if (to === undefined) return { forServer: true };
  const c = checkJid(to);
  if (c.ok) return { to: c.jid };
  // @implements RFC6120 P114L38-P114L43
  return { problem: { condition: 'jid-malformed', reason: `'to' is not a JID: ${c.error.message}` } };
}

/**
 * The client, on a stanza from its server: whom it is from. None means the
 * user's own account (rule 4), which the server must never leave out for
 * another entity's stanza.
 */
// @implements RFC6120 P102L20-P102L26
export function senderOf(stanza: XmlElement, account: Jid): Jid {
  return stanza.attrs.from === undefined ? account.bare : parseJid(stanza.attrs.from);
}

/** The client, on a stanza from its server: whom it is to; none means our full JID. */
// @implements RFC6120 P100L45-P100L48
export function recipientOf(stanza: XmlElement, us: Jid): Jid {
  return stanza.attrs.to === undefined ? us : parseJid(stanza.attrs.to);
}
