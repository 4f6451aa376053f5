/**
 * What a client sends for RFC 6121 (§2 and §3), built so that the rules
 * on the client's side hold: subscription stanzas to bare JIDs, approvals
 * with their own ids, no pre-approval unless the server offers it, roster
 * sets without the server's attributes.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, element } from '../xml/index.ts';
import type { Jid } from '../jid/index.ts';
import { ROSTER_NS } from './roster.ts';
import { type ClientSubscription, SubscriptionError, isSubscriptionType, pendingIn } from './subscription.ts';

export interface SubscriptionOptions {
  /** The server advertised pre-approvals (RFC 6121 §3.4's stream feature). */
  preApprovals: boolean;
  /** The request this answers, when it answers one: its id is never reused. */
  answering?: XmlElement;
}

/**
 * A subscription stanza from the client, moving `view` as the tables say;
 * refuses what the client must not send.
 */
export function subscriptionStanza(view: ClientSubscription, type: string, to: Jid, id: string, o: SubscriptionOptions): XmlElement {
  if (!isSubscriptionType(type)) throw new SubscriptionError(`presence type '${type}' is not a subscription type (RFC 6121 §3)`);
  // @implements RFC6121 P31L22-P31L27
  if (to.isFull) throw new SubscriptionError(`a subscription stanza goes to the contact's bare JID, not ${to} (RFC 6121 §3.1.1)`);
  // @implements RFC6121 P46L44-P46L46
  if (type === 'subscribed' && !pendingIn(view.state) && !o.preApprovals) throw new SubscriptionError(`"subscribed" to ${to} with no request from it would be a pre-approval, which this server does not advertise (RFC 6121 §3.4.1)`);
  // @implements RFC6121 P36L22-P36L24
  if (o.answering?.attrs.id !== undefined && o.answering.attrs.id === id) throw new SubscriptionError(`the answer's id '${id}' mirrors the request's: it MUST NOT (RFC 6121 §3.1.4)`);
  // @implements RFC6121 P46L9-P46L15
  // The view moves now, on sending: an unsubscribe voids our subscription whatever the contact answers.
  view.sent(type);
  return element('presence', { id, to: to.toString(), type });
}

/** A roster set adding or updating an item: jid, name, groups, nothing else. */
// @implements RFC6121 P10L34-P10L38, P11L2-P11L5
// Never 'ask', 'approved' or a subscription but "remove": those are the server's to say, changed through presence.
export function rosterSet(id: string, item: { jid: Jid; name?: string; groups?: string[] } | { remove: Jid }): XmlElement {
  const child = 'remove' in item
    ? element('item', { jid: item.remove.bare.toString(), subscription: 'remove' }, [], ROSTER_NS)
    : element('item', { jid: item.jid.bare.toString(), ...(item.name !== undefined && { name: item.name }) }, (item.groups ?? []).map((g) => element('group', {}, [g], ROSTER_NS)), ROSTER_NS);
  return element('iq', { id, type: 'set' }, [element('query', { xmlns: ROSTER_NS }, [child], ROSTER_NS)]);
}
