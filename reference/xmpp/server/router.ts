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
import { type XmlElement, element } from '../xml/index.ts';
import { type Jid, parseJid } from '../jid/index.ts';
import { type StanzaCondition, addressee, checkIq, errorReply, fromServer, iqResult, payloadOf, stampFrom, withAttrs } from '../stanza/index.ts';
import { isSubscriptionType, pendingIn } from '../im/index.ts';
import { ROSTER_NS, Roster, itemElement, readRosterSet, rosterQuery } from './roster.ts';
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
  remove(s: Session): void {
    const set = this.bound.get(s.jid.bare.toString());
    set?.delete(s);
    if (set?.size === 0) this.bound.delete(s.jid.bare.toString());
    if (s.presence) {
      s.presence = undefined;
      this.broadcast(s, element('presence', { type: 'unavailable', from: s.jid.toString() }));
    }
  }

  session(full: Jid): Session | undefined {
    for (const s of this.bound.get(full.bare.toString()) ?? []) if (s.jid.toString() === full.toString()) return s;
    return undefined;
  }

  sessions(): Session[] {
    return [...this.bound.values()].flatMap((s) => [...s]);
  }

  /** Rosters are made on first use, one per account, kept while the server runs. */
  roster(bare: Jid): Roster {
    const key = bare.bare.toString();
    let r = this.rosters.get(key);
    if (!r) this.rosters.set(key, (r = new Roster(bare.bare)));
    return r;
  }

  private available(bare: string): Session[] {
    return [...(this.bound.get(bare) ?? [])].filter((s) => s.presence !== undefined);
  }

  private isLocal(j: Jid): boolean {
    return j.domainpart === this.domain && j.localpart !== undefined && this.exists(j.localpart);
  }

  /** A stanza from a bound client. */
  fromClient(s: Session, raw: XmlElement): void {
    const stanza = stampFrom(raw, s.jid);
    const to = addressee(stanza);
    if ('problem' in to) return this.bounce(s, stanza, to.problem.condition, to.problem.reason);
    if (stanza.name === 'iq') {
      const problem = checkIq(stanza);
      if (problem) return this.bounce(s, stanza, problem.condition, problem.reason);
    }
    const target = 'to' in to ? to.to : undefined;
    if (stanza.name === 'presence') return this.presence(s, stanza, target);
    // An iq to the user's own bare JID is for the server, on the account's behalf.
    if (target === undefined || (target.localpart === undefined && target.domainpart === this.domain) || (stanza.name === 'iq' && !target.isFull && target.toString() === s.jid.bare.toString()))
      return this.forServer(s, stanza);
    this.route(s, stanza, target);
  }

  private bounce(s: Session, stanza: XmlElement, condition: StanzaCondition, text?: string): void {
    if (stanza.attrs.type === 'error') return;
    s.send(errorReply(withAttrs(stanza, { to: stanza.attrs.to ?? this.domain }), condition, text === undefined ? {} : { text }));
  }

  /** An iq or message for the server itself. */
  private forServer(s: Session, stanza: XmlElement): void {
    if (stanza.name !== 'iq') return;
    const type = stanza.attrs.type;
    if (type === 'result' || type === 'error') return;
    const query = rosterQuery(stanza);
    if (query && payloadOf(stanza) === query) return type === 'get' ? this.rosterGet(s, stanza) : this.rosterSet(s, stanza, query);
    this.bounce(s, stanza, 'service-unavailable', `no service for <${payloadOf(stanza)?.name}/> in '${payloadOf(stanza)?.ns}'`);
  }

  private rosterGet(s: Session, iq: XmlElement): void {
    s.interested = true;
    s.send(fromServer(iqResult(withAttrs(iq, { to: undefined }), this.roster(s.jid).query()), this.domain, s.jid));
  }

  private rosterSet(s: Session, iq: XmlElement, query: XmlElement): void {
    const roster = this.roster(s.jid);
    const set = readRosterSet(query, s.jid);
    if ('condition' in set) return this.bounce(s, iq, set.condition, set.reason);
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
    const item = roster.item(set.jid);
    item.listed = true;
    item.groups = set.groups;
    if (set.name === undefined) delete item.name;
    else item.name = set.name;
    s.send(fromServer(iqResult(withAttrs(iq, { to: undefined })), this.domain, s.jid));
    this.push(s.jid.bare, itemElement(item));
  }

  /** A roster push of one item to each interested resource of the account. */
  private push(bare: Jid, item: XmlElement): void {
    for (const r of this.bound.get(bare.toString()) ?? []) {
      if (!r.interested) continue;
      r.send(element('iq', { to: r.jid.toString(), type: 'set', id: `push-${Math.random().toString(36).slice(2, 10)}` }, [element('query', { xmlns: ROSTER_NS }, [item], ROSTER_NS)]));
    }
  }

  private presence(s: Session, stanza: XmlElement, target: Jid | undefined): void {
    const type = stanza.attrs.type;
    if (isSubscriptionType(type)) {
      if (!target) return this.bounce(s, stanza, 'bad-request', 'a subscription request names its contact in \'to\'');
      return this.subscription(s.jid.bare, target.bare, type);
    }
    if (target === undefined) {
      if (type === undefined) return this.availablePresence(s, stanza);
      if (type === 'unavailable') {
        s.presence = undefined;
        return this.broadcast(s, stanza);
      }
      return;
    }
    // Directed presence, or a probe: delivered as it is.
    if (type === 'probe') return;
    this.route(s, stanza, target);
  }

  /** Available presence from a session: broadcast; the first one also gets the contacts' presence and pending requests. */
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
    const mine = this.roster(user).item(contact.toString());
    const before = JSON.stringify(mine.subscription.roster);
    const out = mine.subscription.outbound(type);
    if (type === 'subscribe' || type === 'subscribed') mine.listed = true;
    if (mine.listed && JSON.stringify(mine.subscription.roster) !== before) this.push(user, itemElement(mine));
    if (!out.forward) return;
    const stanza = element('presence', { from: user.toString(), to: contact.toString(), type });
    if (!this.isLocal(contact)) {
      // No such contact here, and no other server reachable: the request is refused on its behalf.
      if (type === 'subscribe') this.subscription(contact, user, 'unsubscribed');
      return;
    }
    const theirs = this.roster(contact).item(user.toString());
    const was = JSON.stringify(theirs.subscription.roster);
    const inb = theirs.subscription.inbound(type);
    if (theirs.listed && JSON.stringify(theirs.subscription.roster) !== was) this.push(contact, itemElement(theirs));
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
    if (!this.isLocal(to)) {
      if (stanza.name === 'presence') return;
      return this.bounce(s, stanza, 'service-unavailable');
    }
    const full = to.isFull ? this.session(to) : undefined;
    if (full) return full.send(stanza);
    const type = stanza.attrs.type ?? 'normal';
    if (stanza.name === 'message') {
      if (type === 'error' || type === 'headline' && this.available(to.bare.toString()).length === 0) return;
      const targets = this.available(to.bare.toString());
      if (targets.length === 0 || type === 'groupchat') return this.bounce(s, stanza, 'service-unavailable', 'the user has no available resource, and messages are not stored');
      for (const t of targets) t.send(stanza);
      return;
    }
    if (stanza.name === 'presence') {
      if (to.isFull) return;
      for (const t of this.available(to.bare.toString())) t.send(stanza);
      return;
    }
    if (type === 'result' || type === 'error') return;
    this.bounce(s, stanza, 'service-unavailable');
  }
}
