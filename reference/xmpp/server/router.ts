/**
 * What the server does with each stanza a bound client sends (RFC 6120
 * §8, §10; RFC 6121 §2-§5, §8): 'from' stamped with the sender's full JID;
 * stanzas for the server (no 'to', or our domain, or the user's own bare
 * JID for an iq) handled on the account's behalf: the roster, presence
 * broadcast; the rest routed to a local user's sessions by the rules of
 * RFC 6121 §8.5. No server-to-server: another domain is unreachable.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, childOf, element, textOf } from '../xml/index.ts';
import { type Jid, parseJid } from '../jid/index.ts';
import { type StanzaCondition, addressee, checkIq, errorReply, fromServer, iqResult, payloadOf, stampFrom, withAttrs } from '../stanza/index.ts';
import { isSubscriptionType, pendingIn } from '../im/index.ts';
import { MAX_ROSTER_ITEMS, ROSTER_NS, Roster, itemElement, readRosterSet, rosterQuery } from './roster.ts';
import { type StreamConnection } from '../stream/index.ts';

/** A client's stream after binding: its full JID, and its presence as the router keeps it. */
export interface Session {
  jid: Jid;
  connection: StreamConnection;
  /** The last presence broadcast (available), undefined before initial presence or after unavailable. */
  presence?: XmlElement;
  /** It asked for the roster (RFC 6121 §2.1.6: pushes go to interested resources). */
  interested: boolean;
  send(stanza: XmlElement): void;
}

export class Router {
  private readonly bound = new Map<string, Set<Session>>();
  private readonly rosters = new Map<string, Roster>();

  constructor(readonly domain: string, private readonly exists: (localpart: string) => boolean) {}

  add(s: Session): void {
    const bare = s.jid.bare.toString();
    let set = this.bound.get(bare);
    if (!set) this.bound.set(bare, (set = new Set()));
    set.add(s);
  }

  /** A session's end: unavailable presence broadcast for it if it was available (RFC 6121 §4.5.1 when the stream ends without one). */
  // @implements RFC6121 P60L1-P60L4
  remove(s: Session): void {
    const set = this.bound.get(s.jid.bare.toString());
    set?.delete(s);
    if (set?.size === 0) this.bound.delete(s.jid.bare.toString());
    if (s.presence) {
      s.presence = undefined;
      this.broadcast(s, element('presence', { type: 'unavailable', from: s.jid.toString() }));
    }
  }

  // @implements RFC6120 P94L20-P94L21
  // A full JID names one session: the stream layer makes a fresh resourcepart when one is taken.
  session(full: Jid): Session | undefined {
    for (const s of this.bound.get(full.bare.toString()) ?? []) if (s.jid.toString() === full.toString()) return s;
    return undefined;
  }

  sessions(): Session[] {
    return [...this.bound.values()].flatMap((s) => [...s]);
  }

  /** Rosters are made on first use, one per account, kept while the server runs. */
  // @implements RFC6121 P9L19-P9L20
  roster(bare: Jid): Roster {
    const key = bare.bare.toString();
    let r = this.rosters.get(key);
    if (!r) this.rosters.set(key, (r = new Roster(bare.bare)));
    return r;
  }

  private available(bare: string): Session[] {
    return [...(this.bound.get(bare) ?? [])].filter((s) => s.presence !== undefined);
  }

  /** The available resources a message may go to: those of non-negative priority. */
  // @implements RFC6121 P88L17-P88L21
  private messageable(bare: string): Session[] {
    return this.available(bare).filter((s) => priority(s.presence!) >= 0);
  }

  private isLocal(j: Jid): boolean {
    return j.domainpart === this.domain && j.localpart !== undefined && this.exists(j.localpart);
  }

  /** A stanza from a bound client. */
  // @implements RFC6120 P101L46-P102L5
  fromClient(s: Session, raw: XmlElement): void {
    const stanza = stampFrom(raw, s.jid);
    const to = addressee(stanza);
    if ('problem' in to) return this.bounce(s, stanza, to.problem.condition, to.problem.reason);
    if (stanza.name === 'iq') {
      const problem = checkIq(stanza);
      if (problem) return this.bounce(s, stanza, problem.condition, problem.reason);
    }
    const target = 'to' in to ? to.to : undefined;
    // @implements RFC6120 P100L28-P100L32
    if (stanza.name === 'presence') return this.presence(s, stanza, target);
    // An iq to the user's own bare JID is for the server, on the account's behalf.
    if (target === undefined || (target.localpart === undefined && target.domainpart === this.domain) || (stanza.name === 'iq' && !target.isFull && target.toString() === s.jid.bare.toString()))
      return this.forServer(s, stanza);
    this.route(s, stanza, target);
  }

  // @implements RFC6120 P109L1-P109L3
  private bounce(s: Session, stanza: XmlElement, condition: StanzaCondition, text?: string): void {
    if (stanza.attrs.type === 'error') return;
    s.send(errorReply(withAttrs(stanza, { to: stanza.attrs.to ?? this.domain }), condition, text === undefined ? {} : { text }));
  }

  /** An iq or message for the server itself. */
  private forServer(s: Session, stanza: XmlElement): void {
    if (stanza.name !== 'iq') return;
    const type = stanza.attrs.type;
    if (type === 'result' || type === 'error') return;
    // @implements RFC6121 P9L45-P9L48
    const query = rosterQuery(stanza);
    if (query && payloadOf(stanza) === query) return type === 'get' ? this.rosterGet(s, stanza) : this.rosterSet(s, stanza, query);
    this.bounce(s, stanza, 'service-unavailable', `no service for <${payloadOf(stanza)?.name}/> in '${payloadOf(stanza)?.ns}'`);
  }

  // @implements RFC6121 P12L47-P12L48
  private rosterGet(s: Session, iq: XmlElement): void {
    s.interested = true;
    s.send(fromServer(iqResult(withAttrs(iq, { to: undefined }), this.roster(s.jid).query()), this.domain, s.jid));
  }

  private rosterSet(s: Session, iq: XmlElement, query: XmlElement): void {
    const roster = this.roster(s.jid);
    const set = readRosterSet(query, s.jid);
    if ('condition' in set) return this.bounce(s, iq, set.condition, set.reason);
    // @implements RFC6121 P25L12-P25L16, P25L22-P25L25, P25L27-P25L30, P25L32-P25L34
    if (set.remove) {
      const item = roster.get(set.jid);
      if (!item?.listed) return this.bounce(s, iq, 'item-not-found', `'${set.jid}' is not in the roster`);
      const view = item.subscription.roster;
      const contact = parseJid(set.jid);
      if (view.subscription === 'to' || view.subscription === 'both' || view.ask) this.subscription(s.jid.bare, contact, 'unsubscribe');
      if (view.subscription === 'from' || view.subscription === 'both') this.subscription(s.jid.bare, contact, 'unsubscribed');
      roster.remove(set.jid);
      s.send(fromServer(iqResult(withAttrs(iq, { to: undefined })), this.domain, s.jid));
      this.push(s.jid.bare, element('item', { jid: set.jid, subscription: 'remove' }, [], ROSTER_NS));
      return;
    }
    if (!roster.get(set.jid) && roster.size >= MAX_ROSTER_ITEMS) return this.bounce(s, iq, 'resource-constraint', `a roster holds at most ${MAX_ROSTER_ITEMS} items`);
    // @implements RFC6121 P17L27-P17L29, P17L31-P17L32
    const item = roster.item(set.jid);
    item.listed = true;
    item.groups = set.groups;
    if (set.name === undefined) delete item.name;
    else item.name = set.name;
    s.send(fromServer(iqResult(withAttrs(iq, { to: undefined })), this.domain, s.jid));
    this.push(s.jid.bare, itemElement(item));
  }

  /** A roster push of one item to each interested resource of the account. */
  // @implements RFC6121 P14L45-P14L46
  private push(bare: Jid, item: XmlElement): void {
    for (const r of this.bound.get(bare.toString()) ?? []) {
      if (!r.interested) continue;
      r.send(element('iq', { to: r.jid.toString(), type: 'set', id: `push-${Math.random().toString(36).slice(2, 10)}` }, [element('query', { xmlns: ROSTER_NS }, [item], ROSTER_NS)]));
    }
  }

  private presence(s: Session, stanza: XmlElement, target: Jid | undefined): void {
    const type = stanza.attrs.type;
    if (isSubscriptionType(type)) {
      // @implements RFC6121 P32L6-P32L9
      if (!target) return this.bounce(s, stanza, 'bad-request', "a subscription stanza names its contact in 'to' (RFC 6121 §3.1.2)");
      // @implements RFC6121 P32L22-P32L26
      if (target.domainpart !== this.domain) return this.bounce(s, stanza, 'remote-server-not-found', `no server-to-server: '${target.domainpart}' is not served here`);
      return this.subscription(s.jid.bare, target.bare, type);
    }
    if (target === undefined) {
      if (type === undefined) return this.availablePresence(s, stanza);
      // @implements RFC6121 P60L27-P60L29
      if (type === 'unavailable') {
        s.presence = undefined;
        return this.broadcast(s, stanza);
      }
      return;
    }
    // A probe from a client: we answer probes ourselves from what we hold (see availablePresence), so none is routed.
    if (type === 'probe') return;
    this.route(s, stanza, target);
  }

  /** Available presence from a session: broadcast; the first one also gets the contacts' presence and pending requests. */
  // @implements RFC6121 P50L35-P50L37, P35L7-P35L16
  // The contacts are local, so "probing" them is reading their sessions' last presence; a request still pending is delivered again.
  private availablePresence(s: Session, stanza: XmlElement): void {
    const initial = s.presence === undefined;
    s.presence = stanza;
    this.broadcast(s, stanza);
    if (!initial) return;
    for (const item of this.roster(s.jid).all()) {
      const sub = item.subscription.roster.subscription;
      if (sub === 'to' || sub === 'both') for (const c of this.available(item.jid)) s.send(withAttrs(c.presence!, { to: s.jid.toString() }));
      if (pendingIn(item.subscription.state)) s.send(element('presence', { from: item.jid, to: s.jid.bare.toString(), type: 'subscribe' }));
    }
    for (const other of this.available(s.jid.bare.toString())) if (other !== s) s.send(withAttrs(other.presence!, { to: s.jid.toString() }));
  }

  /** Presence to the contacts subscribed to the user, and to the user's own available resources. */
  // @implements RFC6121 P50L3-P50L8, P50L19-P50L23, P60L1-P60L4, P88L29-P88L30
  private broadcast(s: Session, stanza: XmlElement): void {
    const from = s.jid.toString();
    for (const item of this.roster(s.jid).all()) {
      const sub = item.subscription.roster.subscription;
      if (sub !== 'from' && sub !== 'both') continue;
      for (const c of this.available(item.jid)) c.send(withAttrs(stanza, { from, to: c.jid.toString() }));
    }
    for (const own of this.available(s.jid.bare.toString())) own.send(withAttrs(stanza, { from, to: own.jid.toString() }));
  }

  /**
   * A subscription stanza from `user` to `contact`: the user's side (A.2),
   * then, if routed and the contact is ours, the contact's side (A.3), with
   * roster pushes where an item changed and the contact's server's
   * automatic replies.
   */
  private subscription(user: Jid, contact: Jid, type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'): void {
    // @implements RFC6121 P32L28-P32L31, P33L11-P33L16
    const mine = this.roster(user).item(contact.toString());
    const before = JSON.stringify(mine.subscription.roster);
    const out = mine.subscription.outbound(type);
    if (type === 'subscribe' || type === 'subscribed') mine.listed = true;
    if (mine.listed && JSON.stringify(mine.subscription.roster) !== before) this.push(user, itemElement(mine));
    if (!out.forward) return;
    const stanza = element('presence', { from: user.toString(), to: contact.toString(), type });
    // @implements RFC6121 P86L32-P86L34
    if (!this.isLocal(contact)) return;
    const theirs = this.roster(contact).item(user.toString());
    const was = JSON.stringify(theirs.subscription.roster);
    const inb = theirs.subscription.inbound(type);
    if (theirs.listed && JSON.stringify(theirs.subscription.roster) !== was) this.push(contact, itemElement(theirs));
    // @implements RFC6121 P34L16-P34L26, P34L43-P34L47
    if (inb.forward) for (const c of this.available(contact.toString())) c.send(withAttrs(stanza, { to: c.jid.toString() }));
    if (out.to.startsWith('From') || out.to === 'Both') {
      // The contact may now see the user: the user's available resources' presence.
      if (type === 'subscribed') for (const u of this.available(user.toString())) this.deliverTo(contact, withAttrs(u.presence!, { from: u.jid.toString() }));
    }
    if (type === 'unsubscribed' || type === 'unsubscribe') {
      const [who, whom] = type === 'unsubscribed' ? [user, contact] : [contact, user];
      for (const u of this.available(who.toString())) this.deliverTo(whom, element('presence', { from: u.jid.toString(), type: 'unavailable' }));
    }
    if (inb.autoReply) this.subscription(contact, user, inb.autoReply);
  }

  private deliverTo(bare: Jid, stanza: XmlElement): void {
    for (const c of this.available(bare.toString())) c.send(withAttrs(stanza, { to: c.jid.toString() }));
  }

  /** A message, iq or directed presence for another JID. */
  private route(s: Session, stanza: XmlElement, to: Jid): void {
    if (to.domainpart !== this.domain) return this.bounce(s, stanza, 'remote-server-not-found', `no server-to-server: '${to.domainpart}' is not served here`);
    const type = stanza.attrs.type ?? 'normal';
    // @implements RFC6121 P86L21-P86L22, P86L24-P86L26, P86L28-P86L30
    if (!this.isLocal(to)) {
      if (stanza.name === 'presence' || type === 'error' || type === 'result') return;
      return this.bounce(s, stanza, 'service-unavailable', 'no such user');
    }
    const full = to.isFull ? this.session(to) : undefined;
    if (full) return full.send(stanza);
    const bare = to.bare.toString();
    if (stanza.name === 'message') {
      // @implements RFC6121 P91L3-P91L6, P91L32-P91L33
      // To a full JID no session holds: only chat goes on as if to the bare JID; the rest are refused.
      if (to.isFull && type !== 'chat') return type === 'error' ? undefined : this.bounce(s, stanza, 'service-unavailable', 'no such resource');
      const targets = this.messageable(bare);
      // @implements RFC6121 P88L14-P88L15, P89L22-P89L23
      if (type === 'error' || (type === 'headline' && targets.length === 0)) return;
      // @implements RFC6121 P87L46-P87L48, P89L19-P89L21
      if (type === 'groupchat') return this.bounce(s, stanza, 'service-unavailable', 'no groupchat for a user');
      // @implements RFC6121 P89L15-P89L18, P87L19-P87L25, P87L38-P87L44
      // No offline storage: choice (b), refused. With several resources of non-negative priority, each gets it (choice (b) of both lists).
      if (targets.length === 0) return this.bounce(s, stanza, 'service-unavailable', 'the user has no available resource, and messages are not stored');
      for (const t of targets) t.send(stanza);
      return;
    }
    if (stanza.name === 'presence') {
      // @implements RFC6121 P91L37-P91L38
      if (to.isFull) return;
      // @implements RFC6121 P88L29-P88L30, P89L27-P89L29
      for (const t of this.available(bare)) t.send(stanza);
      return;
    }
    if (type === 'result' || type === 'error') return;
    // @implements RFC6121 P88L45-P89L5, P89L40-P89L45
    this.bounce(s, stanza, 'service-unavailable');
  }
}

/** A presence's <priority/>: an integer from -128 to 127, 0 when absent or unreadable. */
// @implements RFC6121 P68L18, P68L31-P68L32
function priority(presence: XmlElement): number {
  const p = childOf(presence, 'priority');
  const n = p ? Number(textOf(p)) : 0;
  return Number.isInteger(n) && n >= -128 && n <= 127 ? n : 0;
}
