/**
 * The roster (RFC 6121 §2): items, the get, set and push, and versioning
 * (§2.6), as the user's server keeps one user's roster and as the client
 * checks what its server sends. Each item's subscription is the contact's
 * ServerSubscription: the roster shows it, the subscription rules change it.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, childOf, element, isElement, textOf } from '../xml/index.ts';
import { type Jid, checkJid } from '../jid/index.ts';
import type { StanzaProblem } from '../stanza/index.ts';
import { ServerSubscription, type SubscriptionState, type SubscriptionType, isSubscribedTo, isSubscriber, rosterView } from './subscription.ts';

// @implements RFC6121 P9L45-P9L48
export const ROSTER_NS = 'jabber:iq:roster';
/** The stream feature a server supporting versioning advertises (§2.6.1). */
// @implements RFC6121 P26L31-P26L32
export const ROSTER_VERSIONING_FEATURE = element('ver', { xmlns: 'urn:xmpp:features:rosterver' }, [], 'urn:xmpp:features:rosterver');
/** The stream feature a server supporting pre-approvals advertises (§3.4). */
// @implements RFC6121 P46L24-P46L26
export const PRE_APPROVAL_FEATURE = element('sub', { xmlns: 'urn:xmpp:features:pre-approval' }, [], 'urn:xmpp:features:pre-approval');

/** Limits a server configures (§2.3.3's not-acceptable cases). */
export interface RosterLimits {
  maxNameChars: number;
  maxGroupChars: number;
  maxGroups: number;
  maxItems: number;
}
export const DEFAULT_ROSTER_LIMITS: RosterLimits = { maxNameChars: 1023, maxGroupChars: 1023, maxGroups: 64, maxItems: 1000 };

/** What a client asks an item to be. */
export interface RequestedItem {
  jid: string;
  name?: string;
  groups: string[];
  remove: boolean;
}

export interface RosterEntry {
  jid: string;
  name?: string;
  groups: string[];
  subscription: ServerSubscription;
  /** In the roster proper: false while only a pending inbound request is noted (A.1 state 3). */
  listed: boolean;
  /** The roster version that last changed it. */
  version: number;
}

const isProblem = (x: object): x is StanzaProblem => 'condition' in x && 'reason' in x;

const problem = (condition: StanzaProblem['condition'], reason: string): StanzaProblem => ({ condition, reason: `${reason} (RFC 6121 §2)` });

/** The one <item/> of a roster set's or push's <query/>, or the rule it breaks. */
function theItem(iq: XmlElement): XmlElement | StanzaProblem {
  const query = childOf(iq, 'query', ROSTER_NS);
  if (!query) return problem('bad-request', 'no <query/> in jabber:iq:roster');
  const items = query.children.filter((c): c is XmlElement => isElement(c) && c.name === 'item');
  // @implements RFC6121 P14L10-P14L11, P14L45-P14L46, P19L6-P19L10
  if (items.length !== 1) return problem('bad-request', `a roster set or push holds exactly one <item/>, not ${items.length}`);
  return items[0]!;
}

/**
 * A roster set from `sender` (its stamped full JID) for `owner`'s roster:
 * the item asked for, or the error to answer with.
 */
export function readRosterSet(iq: XmlElement, sender: Jid, owner: Jid, limits: RosterLimits = DEFAULT_ROSTER_LIMITS): RequestedItem | StanzaProblem {
  // @implements RFC6121 P14L23-P14L26, P19L1-P19L4, P9L22-P9L25
  if (!sender.bare.equals(owner.bare)) return problem('forbidden', `${sender} may not change ${owner.bare}'s roster`);
  const item = theItem(iq);
  if (isProblem(item)) return item;
  const jid = checkJid(item.attrs.jid ?? '');
  if (!jid.ok) return problem('bad-request', `<item jid='${item.attrs.jid ?? ''}'/>: ${jid.error.message}`);
  // The user is subscribed to its own presence implicitly (§4.2.2): an item for its own bare JID would be a second, contradicting view.
  if (jid.jid.bare.equals(owner.bare)) return problem('not-acceptable', "a roster item for the user's own bare JID");
  // @implements RFC6121 P12L9-P12L12, P14L13-P14L14
  // 'ask' and 'approved' in a set (which a client MUST NOT send, P10L34, P11L2) are ignored with the rest.
  const remove = item.attrs.subscription === 'remove';
  const name = item.attrs.name;
  const groups = item.children.filter((c): c is XmlElement => isElement(c) && c.name === 'group').map(textOf);
  // @implements RFC6121 P19L12-P19L15
  // Compared as exact strings, the simplest of the comparisons the RFC leaves open.
  if (new Set(groups).size !== groups.length) return problem('bad-request', 'the same <group/> twice in one item');
  // @implements RFC6121 P19L17-P19L28
  if (name !== undefined && [...name].length > limits.maxNameChars) return problem('not-acceptable', `name longer than ${limits.maxNameChars} characters`);
  if (groups.some((g) => g === '')) return problem('not-acceptable', 'an empty <group/>: leave the element out to remove an item from all groups');
  if (groups.some((g) => [...g].length > limits.maxGroupChars)) return problem('not-acceptable', `a <group/> longer than ${limits.maxGroupChars} characters`);
  if (groups.length > limits.maxGroups) return problem('not-acceptable', `more than ${limits.maxGroups} groups`);
  return { jid: jid.jid.bare.toString(), ...(name !== undefined && { name }), groups, remove };
}

/** The <item/> as a roster result or push shows it. */
export function itemElement(e: Pick<RosterEntry, 'jid' | 'name' | 'groups' | 'subscription'>, removed = false): XmlElement {
  const view = e.subscription.roster;
  const attrs: Record<string, string> = { jid: e.jid };
  if (e.name !== undefined && !removed) attrs.name = e.name;
  attrs.subscription = removed ? 'remove' : view.subscription;
  // @implements RFC6121 P11L1-P11L2
  if (view.ask && !removed) attrs.ask = view.ask;
  // @implements RFC6121 P47L20-P47L23
  if (e.subscription.preApproved && !removed) attrs.approved = 'true';
  return element('item', attrs, removed ? [] : e.groups.map((g) => element('group', {}, [g], ROSTER_NS)), ROSTER_NS);
}

/** A roster push of one item, to one interested resource. */
// @implements RFC6121 P14L38-P14L46, P29L42-P29L43
export function rosterPush(item: XmlElement, to: string, id: string, version?: number): XmlElement {
  return element('iq', { to, id, type: 'set' }, [element('query', { xmlns: ROSTER_NS, ...(version !== undefined && { ver: String(version) }) }, [item], ROSTER_NS)]);
}

/** What a roster change asks the server to do next. */
export interface RosterChange {
  /** The item to push to every interested resource (§2.3.2, §2.4.2, §2.5.2). */
  push: XmlElement;
  version: number;
  /** Presence to send to the contact on the user's behalf (§2.5.2). */
  presence: SubscriptionType[];
}

/**
 * One user's roster as the server keeps it, versioned: each change gets the
 * next number, so versions are unique and increase in the order of
 * modification. The version is a decimal string to the client, and opaque.
 */
export class Roster {
  private readonly entries = new Map<string, RosterEntry>();
  /** Removed items' versions, for interim pushes of removals; bounded by maxItems like the entries. */
  private readonly removed = new Map<string, number>();
  private version = 0;

  constructor(readonly owner: Jid, readonly limits: RosterLimits = DEFAULT_ROSTER_LIMITS) {}

  /** The subscription with `jid`, noted (not listed) when new: a request alone adds no item. */
  // @implements RFC6121 P35L26-P35L29, P104L1-P104L8, P31L42-P31L44
  // Whichever comes first, the roster set or the subscribe, finds or makes the same entry.
  contact(jid: string): RosterEntry {
    let e = this.entries.get(jid);
    if (!e) {
      e = { jid, groups: [], subscription: new ServerSubscription(), listed: false, version: this.version };
      this.entries.set(jid, e);
    }
    return e;
  }

  /** The state with `jid`: "None" when there is no entry (none is made). */
  subscriptionOf(jid: string): SubscriptionState {
    return this.entries.get(jid)?.subscription.state ?? 'None';
  }

  /** `jid` is an item of the roster proper, not only a noted request or nothing. */
  isListed(jid: string): boolean {
    return this.entries.get(jid)?.listed === true;
  }

  /** Listed items and their states, for presence: bare JID → state. */
  states(): Map<string, ServerSubscription['state']> {
    return new Map([...this.entries.values()].map((e) => [e.jid, e.subscription.state]));
  }

  /** The subscription state changed (or an item came to need listing): a push is due. */
  // @implements RFC6121 P33L11-P33L16, P36L38-P36L40, P43L44-P43L46, P41L19-P41L21
  touched(jid: string): RosterChange | undefined {
    const e = this.entries.get(jid);
    if (!e) return undefined;
    // An item appears once there is a subscription or a request of ours; a lone inbound request stays unlisted.
    if (!e.listed && e.subscription.state === 'None + Pending In') return undefined;
    if (!e.listed && e.subscription.state === 'None' && !e.subscription.preApproved) return undefined;
    e.listed = true;
    e.version = ++this.version;
    return { push: itemElement(e), version: e.version, presence: [] };
  }

  /** A roster set already read by readRosterSet. */
  // @implements RFC6121 P17L27-P17L29, P22L31-P22L32, P24L27-P24L31
  set(item: RequestedItem): RosterChange | StanzaProblem {
    const existing = this.entries.get(item.jid);
    if (item.remove) {
      // @implements RFC6121 P26L3-P26L5
      if (!existing?.listed) return problem('item-not-found', `${item.jid} is not in the roster`);
      const presence = removalPresence(existing.subscription.state);
      this.entries.delete(item.jid);
      const version = ++this.version;
      this.removed.set(item.jid, version);
      this.bound();
      // @implements RFC6121 P25L12-P25L17
      return { push: itemElement(existing, true), version, presence };
    }
    if (!existing?.listed && [...this.entries.values()].filter((e) => e.listed).length >= this.limits.maxItems) return problem('not-acceptable', `the roster is full (${this.limits.maxItems} items)`);
    const e = existing ?? this.contact(item.jid);
    // A roster item is atomic: name and groups exactly as given, an absent name cleared.
    e.name = item.name;
    e.groups = item.groups;
    e.listed = true;
    e.version = ++this.version;
    this.removed.delete(item.jid);
    // @implements RFC6121 P17L31-P17L32, P17L38-P17L40
    return { push: itemElement(e), version: e.version, presence: [] };
  }

  /**
   * A roster get, with the client's 'ver' when it sent one: the whole
   * roster (with the version), or, when `ver` is current or recent enough,
   * nothing but the pushes of what changed since (§2.6.3).
   */
  // @implements RFC6121 P13L21-P13L24, P27L19-P27L24, P28L1-P28L4, P9L16-P9L20, P10L4-P10L5
  // @exception RFC6121 P13L32-P13L33: every account has a roster (empty until used), so there is no roster that does not exist
  get(ver?: string): { query?: XmlElement; pushes: { item: XmlElement; version: number }[] } {
    const listed = [...this.entries.values()].filter((e) => e.listed);
    const since = ver !== undefined && /^\d+$/.test(ver) ? Number(ver) : undefined;
    // A version we never gave (or from before our oldest removal record) gets the whole roster.
    if (since === undefined || since > this.version || since < this.oldestKnown()) {
      return { query: element('query', { xmlns: ROSTER_NS, ...(ver !== undefined && { ver: String(this.version) }) }, listed.map((e) => itemElement(e)), ROSTER_NS), pushes: [] };
    }
    // @implements RFC6121 P29L43-P29L45
    const changed = [
      ...listed.filter((e) => e.version > since).map((e) => ({ item: itemElement(e), version: e.version })),
      ...[...this.removed].filter(([, v]) => v > since).map(([jid, v]) => ({ item: element('item', { jid, subscription: 'remove' }, [], ROSTER_NS), version: v })),
    ].sort((a, b) => a.version - b.version);
    return { pushes: changed };
  }

  private removedFloor = 0;

  private oldestKnown(): number {
    return this.removedFloor;
  }

  /** Removal records kept bounded: past maxItems, the oldest go, and older versions get the whole roster. */
  private bound(): void {
    while (this.removed.size > this.limits.maxItems) {
      const [jid, v] = this.removed.entries().next().value as [string, number];
      this.removed.delete(jid);
      this.removedFloor = v;
    }
  }
}

/**
 * The subscription stanzas removing a contact in `state` sends it (§2.5.2):
 * "unsubscribe" when the user is subscribed to the contact or has asked to
 * be, "unsubscribed" when the contact is subscribed to the user.
 */
// @implements RFC6121 P25L22-P25L25, P25L27-P25L30, P25L32-P25L34
// A request of ours still pending goes too (Table 3: "unsubscribe" from "Pending Out" is routed): the contact is not left asked by an item that is gone.
export function removalPresence(state: SubscriptionState): SubscriptionType[] {
  const presence: SubscriptionType[] = [];
  if (isSubscribedTo(state) || rosterView(state).ask) presence.push('unsubscribe');
  if (isSubscriber(state)) presence.push('unsubscribed');
  return presence;
}

/** A roster get from `sender` for `owner`'s roster, or the error to answer with. */
// @implements RFC6121 P12L35-P12L39, P17L1-P17L5, P9L22-P9L25
export function readRosterGet(iq: XmlElement, sender: Jid, owner: Jid): { ver?: string } | StanzaProblem {
  if (!sender.bare.equals(owner.bare)) return problem('forbidden', `${sender} may not read ${owner.bare}'s roster`);
  const query = childOf(iq, 'query', ROSTER_NS);
  if (!query) return problem('service-unavailable', 'an iq get without a jabber:iq:roster query is not a roster get');
  if (query.children.some((c) => isElement(c) && c.name === 'item')) return problem('bad-request', 'a roster get MUST NOT contain <item/> elements');
  return query.attrs.ver === undefined ? {} : { ver: query.attrs.ver };
}

/** A roster get as a client sends it: 'ver' only when the server offered versioning ('' to start). */
// @implements RFC6121 P26L44-P26L46, P27L8-P27L11, P10L4-P10L5
// The cached version is sent back as it came: opaque.
export function rosterGet(id: string, versioning: boolean, cached?: string): XmlElement {
  return element('iq', { id, type: 'get' }, [element('query', { xmlns: ROSTER_NS, ...(versioning && { ver: cached ?? '' }) }, [], ROSTER_NS)]);
}

/**
 * A roster push as a client checks it: from its own account (no 'from', or
 * its bare JID), exactly one item. Anything else is not processed; the
 * caller may answer service-unavailable or nothing.
 */
// @implements RFC6121 P15L1-P15L4, P15L34-P15L41, P29L32-P29L36
export function readRosterPush(iq: XmlElement, account: Jid): { item: { jid: string; subscription?: string; ask?: string; name?: string }; ver?: string } | StanzaProblem {
  if (iq.attrs.from !== undefined && iq.attrs.from !== account.bare.toString()) return problem('service-unavailable', `a roster push from ${iq.attrs.from}, not from our account ${account.bare}: not processed`);
  const item = theItem(iq);
  if (isProblem(item)) return item;
  const ver = childOf(iq, 'query', ROSTER_NS)!.attrs.ver;
  const { jid = '', subscription, ask, name } = item.attrs;
  return { item: { jid, ...(subscription !== undefined && { subscription }), ...(ask !== undefined && { ask }), ...(name !== undefined && { name }) }, ...(ver !== undefined && { ver }) };
}
