/**
 * Subscription stanzas between two accounts of the same server (RFC 6121
 * §3): the user's server's processing of what the user sends (§3.1.2,
 * §3.1.5, §3.2.2, §3.3.2) and the contact's server's of what arrives
 * (§3.1.3, §3.1.6, §3.2.3, §3.3.3), with the roster pushes, the presence
 * that goes with an approval or a cancellation, and inbound requests kept
 * for a contact who is offline. The state changes are Appendix A's, from
 * ServerSubscription; this module adds who gets what, in the RFC's order.
 *
 * Remote domains are not served: a subscription to one is answered
 * <remote-server-not-found/> (no server-to-server streams here).
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, element } from '../xml/index.ts';
import { type Jid, checkJid } from '../jid/index.ts';
import type { StanzaProblem } from '../stanza/index.ts';
import { type Outgoing, PresenceSession } from './presence.ts';
import { Roster, readRosterGet, readRosterSet, removalPresence, rosterPush } from './roster.ts';
import { type SubscriptionType, SubscriptionError, isSubscriptionType } from './subscription.ts';

/** One local account as the server holds it. */
export class Account {
  readonly roster: Roster;
  readonly presence: PresenceSession;
  /** Inbound subscription requests kept while the account had no available resource: one per requester. */
  readonly pending = new Map<string, XmlElement>();
  private pushes = 0;

  /**
   * `versioning`: the server advertises roster versioning (§2.6.1), so a
   * roster get's 'ver' is honoured and each push carries the version;
   * without it, neither.
   */
  constructor(readonly jid: Jid, maxPending = 1000, readonly versioning = true) {
    this.roster = new Roster(jid.bare);
    this.presence = new PresenceSession(jid.bare);
    this.maxPending = maxPending;
  }

  private readonly maxPending: number;

  /** A roster push of `jid`'s item to every interested resource, if the item is to be shown. */
  // @implements RFC6121 P16L12
  push(jid: string): Outgoing[] {
    const change = this.roster.touched(jid);
    if (!change) return [];
    return this.pushItem(change.push, change.version);
  }

  /** Pushes of an item the roster already changed (a roster set), to every interested resource. */
  pushItem(item: XmlElement, version: number): Outgoing[] {
    return this.presence.interested().map((to) => this.pushTo(to, item, version));
  }

  /** One push of `item` to the resource `to`. */
  // @implements RFC6121 P29L42-P29L43
  pushTo(to: string, item: XmlElement, version: number): Outgoing {
    return { to, stanza: rosterPush(item, to, `push${++this.pushes}`, this.versioning ? version : undefined) };
  }

  /** Keeps one request per requester, bounded: past the bound, the oldest is dropped. */
  // @implements RFC6121 P35L7-P35L13, P35L16-P35L24
  keep(from: string, request: XmlElement): void {
    this.pending.delete(from);
    this.pending.set(from, request);
    if (this.pending.size > this.maxPending) this.pending.delete(this.pending.keys().next().value as string);
  }
}

/** What processing a stanza gives: stanzas to send in order, or the error for the sender. */
export type Processed = { send: Outgoing[] } | { error: StanzaProblem };

/**
 * The stanza to deliver to the resource `to`, as it came: its 'to' (a bare
 * JID stays bare), its content and language untouched; a 'to' is added only
 * to a stanza the server made without one.
 */
// @implements RFC6120 P100L38-P100L40, P128L11-P128L15, P104L41-P104L42, RFC6121 P88L23-P88L25, P88L39-P88L41
export const addressed = (p: XmlElement, to: string): Outgoing => ({ to, stanza: p.attrs.to === undefined ? { ...p, attrs: { ...p.attrs, to } } : p });

/**
 * A subscription stanza from one of `user`'s resources (its 'from' not yet
 * trusted). `lookup` finds a local account by bare JID; `domain` is ours.
 */
// @implements RFC6121 P32L3-P32L4, P40L16-P40L17, P43L22-P43L23, P47L3-P47L5, P47L11-P47L18
// Table 4 holds §3.4.2's cases: "subscribed" in a Pending In state is an approval, elsewhere a pre-approval.
export function outbound(user: Account, p: XmlElement, lookup: (bare: string) => Account | undefined, domain: string): Processed {
  const type = p.attrs.type;
  if (!isSubscriptionType(type)) throw new SubscriptionError(`presence type '${type}' is not a subscription type (RFC 6121 §3)`);
  // @implements RFC6121 P32L6-P32L9
  if (p.attrs.to === undefined) return { error: { condition: 'bad-request', reason: "a subscription stanza names its contact in 'to' (RFC 6121 §3.1.2)" } };
  // @implements RFC6121 P32L6-P32L15
  // A full JID is treated as its bare JID; one that is no JID at all is refused.
  const to = checkJid(p.attrs.to ?? '');
  if (!to.ok) return { error: { condition: 'jid-malformed', reason: `'to' of a subscription stanza: ${to.error.message}` } };
  const contactJid = to.jid.bare.toString();
  // @implements RFC6121 P30L25-P30L30, P32L28-P32L31, P36L28-P36L31, P41L9-P41L12, P43L35-P43L37
  const stamped: XmlElement = { ...p, attrs: { ...p.attrs, from: user.jid.bare.toString(), to: contactJid } };
  const contact = lookup(contactJid);
  // @implements RFC6121 P32L22-P32L26, P32L38-P32L43, P43L29-P43L32
  // @exception RFC6121 P32L22-P32L25: no server-to-server streams here, so a remote contact cannot be reached: the user is told so
  if (!contact && to.jid.domainpart !== domain) return { error: { condition: 'remote-server-not-found', reason: `${to.jid.domainpart} is not served here and we do not federate` } };
  const entry = user.roster.contact(contactJid);
  const approvedBefore = entry.subscription.preApproved;
  const outcome = entry.subscription.outbound(type);
  const send: Outgoing[] = [];
  const available = user.presence.available();
  // @implements RFC6121 P40L38-P40L42, P40L19-P40L24
  // A cancellation that changes the state: unavailable from each available resource first, while the contact is still subscribed.
  if (type === 'unsubscribed' && outcome.forward && contact) for (const a of available) send.push(...deliverPresence(contact, element('presence', { from: `${user.jid.bare}/${a.resource}`, type: 'unavailable' })));
  // @implements RFC6121 P32L17-P32L20, P43L25-P43L27, P40L33-P40L36, P86L32-P86L34
  // The contact has no account here: we still note our side; the stanza goes nowhere (§8.5.1: a presence to no such user is ignored).
  if (outcome.forward && contact) send.push(...inbound(contact, stamped, user));
  // @implements RFC6121 P47L20-P47L25, P40L26-P40L31
  // A pre-approval changes no state but is in the roster ('approved'): pushed too.
  if (outcome.from !== outcome.to || approvedBefore !== entry.subscription.preApproved) send.push(...user.push(contactJid));
  // The user answered a request: the kept copy has done its job.
  if (type === 'subscribed' || type === 'unsubscribed') user.pending.delete(contactJid);
  // @implements RFC6121 P37L26-P37L27
  if (type === 'subscribed' && outcome.forward && contact) for (const a of available) send.push(...deliverPresence(contact, { ...a.presence, attrs: { ...a.presence.attrs, from: `${user.jid.bare}/${a.resource}` } }));
  // @implements RFC6121 P33L11-P33L16, P36L38-P36L40, P41L19-P41L21, P43L44-P43L46
  return { send };
}

/** A subscription stanza arriving at `contact` from `user` (already stamped with the user's bare JID). */
// @implements RFC6121 P34L13-P34L14, P44L21-P44L24
// Table 7 makes §3.3.3's check: only "From", "From + Pending Out" and "Both" move on an unsubscribe.
export function inbound(contact: Account, p: XmlElement, user: Account): Outgoing[] {
  const type = p.attrs.type as SubscriptionType;
  const userJid = user.jid.bare.toString();
  const entry = contact.roster.contact(userJid);
  const outcome = entry.subscription.inbound(type);
  const send: Outgoing[] = [];
  // @implements RFC6121 P45L47-P46L7
  // A withdrawn request: a copy kept for an offline contact goes, whatever the state.
  if (type === 'unsubscribe') contact.pending.delete(userJid);
  if (outcome.forward) {
    if (type === 'subscribe') {
      const available = contact.presence.available();
      // @implements RFC6121 P34L23-P34L26, P34L43-P34L47
      if (available.length) for (const a of available) send.push(addressed(p, `${contact.jid.bare}/${a.resource}`));
      // @implements RFC6121 P35L7-P35L16
      else contact.keep(userJid, p);
    } else {
      // @implements RFC6121 P38L8-P38L16, P41L46-P42L7, P44L25-P44L33
      // Told to the interested resources before the push, so a client knows why its roster changed.
      for (const to of contact.presence.interested()) send.push(addressed(p, to));
    }
    // @implements RFC6121 P38L23-P38L28, P44L40-P44L44
    send.push(...contact.push(userJid));
    // @implements RFC6121 P45L19-P45L20
    if (type === 'unsubscribe') for (const a of contact.presence.available()) send.push(...deliverPresence(user, element('presence', { from: `${contact.jid.bare}/${a.resource}`, type: 'unavailable' })));
  } else {
    // @implements RFC6121 P39L38-P39L44, P43L1-P43L7, P45L41-P45L47
    // Silently ignored: nothing delivered, and no push unless the tables moved the state.
    if (outcome.from !== outcome.to) send.push(...contact.push(userJid));
  }
  // @implements RFC6121 P34L16-P34L23, P34L28-P34L31, P107L34, P108L17
  // The only answers made for the contact: the tables' auto-replies, and a pre-approval's.
  if (outcome.autoReply) {
    const reply = element('presence', { from: contact.jid.bare.toString(), to: userJid, type: outcome.autoReply });
    send.push(...inbound(user, reply, contact));
    // @implements RFC6121 P37L26-P37L27
    if (outcome.autoReply === 'subscribed') for (const a of contact.presence.available()) send.push(...deliverPresence(user, { ...a.presence, attrs: { ...a.presence.attrs, from: `${contact.jid.bare}/${a.resource}` } }));
  }
  return send;
}

/**
 * A probe from `user`: sent by the user's server on initial presence, or by
 * one of its clients (which SHOULD NOT, but may). A client's is answered
 * like a server's, and never with an error for having been sent; the
 * contact's session answers (§4.3.2) and the answers go to the user's
 * available resources. To no such user, nothing happens.
 */
// @implements RFC6121 P52L4-P52L9, P88L36-P88L37, P89L35-P89L36, P90L36-P90L37, P91L46-P91L47
// @implements RFC6121 P86L36-P86L38
// Choice (a): a probe to no such user is ignored, as one to a user who is there but not subscribed-to is not.
export function clientProbe(user: Account, p: XmlElement, lookup: (bare: string) => Account | undefined): Outgoing[] {
  const to = checkJid(p.attrs.to ?? '');
  const contact = to.ok ? lookup(to.jid.bare.toString()) : undefined;
  if (!to.ok || !contact) return [];
  const state = contact.roster.subscriptionOf(user.jid.bare.toString());
  return contact.presence.answerProbe(user.jid.bare.toString(), to.jid, state).flatMap((o) => deliverPresence(user, o.stanza));
}

/** Presence from elsewhere, to each of `to`'s available resources. */
// @implements RFC6121 P50L41-P50L43, P58L39-P58L41, P61L24-P61L26, P39L1-P39L3, P42L38-P42L39
export function deliverPresence(to: Account, p: XmlElement): Outgoing[] {
  return to.presence.available().map((a) => addressed(p, `${to.jid.bare}/${a.resource}`));
}

/** Requests kept while the account was offline, delivered to a resource that just became available. */
// @implements RFC6121 P35L13-P35L16
export function pendingFor(account: Account, resource: string): Outgoing[] {
  return [...account.pending.values()].map((p) => addressed(p, `${account.jid.bare}/${resource}`));
}

/** What a roster get or set comes to: the result's payload (none: an empty result), and what else goes out; or the error. */
export type RosterAnswer = { result?: XmlElement; send: Outgoing[] } | { error: StanzaProblem };

/**
 * A roster get from the resource `sender` (its stamped full JID) of `user`:
 * the roster, or with versioning the pushes since the client's version;
 * from now on that resource is interested and gets the pushes.
 */
// @implements RFC6121 P12L47-P12L48, P16L8-P16L12
export function rosterGetFrom(user: Account, sender: Jid, iq: XmlElement): RosterAnswer {
  const get = readRosterGet(iq, sender, user.jid);
  if ('condition' in get) return { error: get };
  user.presence.requestedRoster(sender.resourcepart!);
  // Without versioning advertised the client MUST NOT send 'ver' (P26L44-P26L46): one that does gets the whole roster.
  const r = user.roster.get(user.versioning ? get.ver : undefined);
  // @implements RFC6121 P29L43-P29L45
  return { ...(r.query && { result: r.query }), send: r.pushes.map((p) => user.pushTo(sender.toString(), p.item, p.version)) };
}

/**
 * A roster set from `sender` for `user`'s roster (§2.3, §2.4, §2.5): the
 * item changed and pushed to every interested resource; a removal first
 * sends the contact the subscription stanzas §2.5.2 asks for, as if the
 * user had sent them (so the tables move both sides, and pushes follow),
 * then drops the item.
 */
// @implements RFC6121 P17L27-P17L29, P25L12-P25L17
export function rosterSetFrom(user: Account, sender: Jid, iq: XmlElement, lookup: (bare: string) => Account | undefined, domain: string): RosterAnswer {
  const set = readRosterSet(iq, sender, user.jid, user.roster.limits);
  if ('condition' in set) return { error: set };
  const send: Outgoing[] = [];
  // @implements RFC6121 P25L22-P25L25, P25L27-P25L30, P25L32-P25L34
  // Only an item in the roster: what is not there is item-not-found below, and sends nothing.
  if (set.remove && user.roster.isListed(set.jid)) {
    for (const type of removalPresence(user.roster.subscriptionOf(set.jid))) {
      const r = outbound(user, element('presence', { to: set.jid, type }), lookup, domain);
      if ('send' in r) send.push(...r.send);
    }
  }
  const change = user.roster.set(set);
  if ('condition' in change) return { error: change };
  // @implements RFC6121 P17L31-P17L32
  send.push(...user.pushItem(change.push, change.version));
  return { send };
}
