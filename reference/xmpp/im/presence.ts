/**
 * Presence (RFC 6121 §4): what a presence stanza may hold (§4.7), and the
 * user's server's bookkeeping of one user's presence session: broadcast of
 * initial, subsequent and unavailable presence to the subscribers and the
 * user's own resources, probes sent and answered, directed presence.
 *
 * The server gives each contact's subscription state (from its
 * ServerSubscription); this module says who gets which stanza, and the
 * caller sends them. Only local contacts are assumed: a probe is answered
 * by the contact's session directly.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, childOf, element, isElement, textOf } from '../xml/index.ts';
import type { Jid } from '../jid/index.ts';
import type { StanzaProblem } from '../stanza/index.ts';
import { type Resource, mixedContent } from './message.ts';
import { type SubscriptionState, isSubscribedTo, isSubscriber } from './subscription.ts';

// @implements RFC6121 P66L30-P66L41
/** The most entities one resource's directed presence is remembered for (our limit: the RFC sets none). */
export const MAX_DIRECTED = 1000;

export const SHOW_VALUES = ['away', 'chat', 'dnd', 'xa'] as const;

const childCount = (p: XmlElement, name: string) => p.children.filter((c) => isElement(c) && c.name === name && c.ns === p.ns).length;

/** The rule a presence stanza breaks (§4.7), or undefined. */
export function checkPresence(p: XmlElement): StanzaProblem | undefined {
  const bad = (reason: string): StanzaProblem => ({ condition: 'bad-request', reason: `${reason} (RFC 6121 §4.7)` });
  // @implements RFC6121 P66L25-P66L26, P68L18-P68L19
  for (const name of ['show', 'priority']) if (childCount(p, name) > 1) return bad(`more than one <${name}/>`);
  // @implements RFC6121 P66L27-P66L28, P67L17-P67L19, P68L20-P68L22
  for (const name of ['show', 'status', 'priority']) {
    const mixed = mixedContent(p, name);
    if (mixed) return bad(mixed);
  }
  const show = childOf(p, 'show', p.ns);
  // @implements RFC6121 P66L29-P66L32
  if (show && !(SHOW_VALUES as readonly string[]).includes(textOf(show))) return bad(`<show>${textOf(show)}</show>: one of ${SHOW_VALUES.join(', ')}`);
  const priority = childOf(p, 'priority', p.ns);
  // @implements RFC6121 P68L18
  if (priority && !isPriority(textOf(priority))) return bad(`<priority>${textOf(priority)}</priority>: an integer from -128 to +127`);
  // @implements RFC6121 P59L34-P59L36
  if (p.attrs.type === 'unavailable' && (show || priority)) return bad('unavailable presence with <show/> or <priority/>, which apply only to available resources');
  // @implements RFC6121 P65L24-P65L27
  if (p.attrs.type === 'error' && childOf(p, 'error') === undefined) return bad("a presence of type 'error' without <error/>");
  return undefined;
}

const isPriority = (s: string): boolean => /^[+-]?\d+$/.test(s.trim()) && Number(s) >= -128 && Number(s) <= 127;

/** A presence's priority: 0 when none is given, or when what is given is no integer from -128 to +127. */
// @exception RFC6121 P68L37-P68L42: we never override the priority a client gives, so there is no modified value to communicate
// @implements RFC6121 P68L31-P68L32, P68L18
// A server that did not refuse the stanza (checkPresence) still ranks it: an unreadable value counts as none given.
export function priorityOf(p: XmlElement | undefined): number {
  const e = p && childOf(p, 'priority', p.ns);
  return e && isPriority(textOf(e)) ? Number(textOf(e)) : 0;
}

/** Directed presence not taken: the resource's session holds MAX_DIRECTED entities already (our limit). */
export interface DirectedRefusal {
  refused: string;
}

/** A stanza to send, and to whom. */
export interface Outgoing {
  to: string;
  stanza: XmlElement;
}

/** The user's contacts and their states, as the roster has them: bare JID → state. */
export type Contacts = ReadonlyMap<string, SubscriptionState>;

interface ResourceState {
  /** It asked for the roster: an "interested resource", which gets roster pushes (RFC 6121 §2.2). */
  interested?: boolean;
  /** The last available presence with no 'to' (the broadcast one); undefined while not available. */
  last?: XmlElement;
  /** Entities sent directed presence outside the subscription, while available (§4.6.3 case 2). */
  directed: Set<string>;
}

const withAddresses = (p: XmlElement, from: string, to: string): XmlElement => ({ ...p, attrs: { ...p.attrs, from, to } });

/**
 * One user's presence, as the user's server keeps it: a state per
 * connected resource. Each method returns the stanzas to send.
 */
export class PresenceSession {
  private readonly resources = new Map<string, ResourceState>();

  constructor(readonly user: Jid) {}

  /** A resource bound; not available until its initial presence. */
  connect(resource: string): void {
    if (!this.resources.has(resource)) this.resources.set(resource, { directed: new Set() });
  }

  /** The resource sent a roster get: from now on it gets the roster pushes. */
  // @implements RFC6121 P16L8-P16L12
  requestedRoster(resource: string): void {
    this.state(resource).interested = true;
  }

  /** Full JIDs of the interested resources: where roster pushes and subscription notices go. */
  interested(): string[] {
    return [...this.resources].filter(([, r]) => r.interested).map(([resource]) => this.full(resource));
  }

  /** `resource` sent directed presence to `entity` (its full JID, or its bare JID) and has not taken it back (§4.6.3). */
  sentDirectedTo(resource: string, entity: Jid): boolean {
    const d = this.resources.get(resource)?.directed;
    return d !== undefined && (d.has(entity.toString()) || d.has(entity.bare.toString()));
  }

  /** Full JIDs of the available resources, for delivering inbound presence and messages. */
  // @exception RFC6121 P61L44-P61L48: we broadcast every presence to every subscriber, online or not, so there is no separate record of who is online to update
  // @implements RFC6121 P50L41-P50L43, P58L39-P58L41, P61L24-P61L26, P88L29-P88L30
  available(): { resource: string; priority: number; presence: XmlElement }[] {
    return [...this.resources].filter(([, r]) => r.last).map(([resource, r]) => ({ resource, priority: priorityOf(r.last), presence: r.last! }));
  }

  /** Every connected resource, available or not, with its priority: where a message or iq to one of them may go (RFC 6121 §8.5). */
  // @implements RFC6121 P90L11-P90L12
  connected(): Resource[] {
    return [...this.resources].map(([resource, r]) => ({ resource, available: r.last !== undefined, priority: priorityOf(r.last) }));
  }

  private full(resource: string): string {
    return `${this.user.bare}/${resource}`;
  }

  private ownResources(): string[] {
    return this.available().map((r) => this.full(r.resource));
  }

  /**
   * A presence with no 'to' from `resource`: initial (also after an
   * unavailable), subsequent, or unavailable. The full stanza goes to every
   * subscriber and to each of the user's available resources; an initial
   * one also probes the contacts the user is subscribed to.
   */
  broadcast(resource: string, p: XmlElement, contacts: Contacts): Outgoing[] {
    const r = this.state(resource);
    const from = this.full(resource);
    const subscribers = [...contacts].filter(([, s]) => isSubscriber(s)).map(([jid]) => jid);
    if (p.attrs.type === 'unavailable') return this.unavailable(resource, p, subscribers);
    // @implements RFC6121 P61L15-P61L20
    const initial = r.last === undefined;
    r.last = p;
    // @implements RFC6121 P50L3-P50L8, P50L19-P50L23, P57L26-P57L29, P58L23-P58L25
    const out = [...subscribers, ...this.ownResources()].map((to) => ({ to, stanza: withAddresses(p, from, to) }));
    // @implements RFC6121 P50L35-P50L37, P51L27-P51L31
    if (initial) for (const [jid, s] of contacts) if (isSubscribedTo(s)) out.push({ to: jid, stanza: element('presence', { from: this.user.bare.toString(), to: jid, type: 'probe' }, [], p.ns) });
    // @implements RFC6121 P50L19-P50L23
    // An entity is subscribed to its own presence: the new resource learns its other available resources' presence, as a probe's answer would tell it.
    if (initial) for (const a of this.available()) if (a.resource !== resource) out.push({ to: from, stanza: withAddresses(a.presence, this.full(a.resource), from) });
    return out;
  }

  /**
   * Presence from `resource` to `to` (§4.6.3): an unavailable one takes
   * back directed presence, an available one is remembered when it is not
   * covered by the subscription, an error is only passed on. Refused
   * (nothing remembered, nothing to send) when it would be remembered and
   * MAX_DIRECTED entities are already.
   */
  directed(resource: string, p: XmlElement, to: Jid, contacts: Contacts): Outgoing[] | DirectedRefusal {
    const r = this.state(resource);
    const entity = to.toString();
    const subscriber = isSubscriber(contacts.get(to.bare.toString()) ?? 'None');
    // @implements RFC6121 P62L48-P63L3
    if (p.attrs.type === 'unavailable') r.directed.delete(entity);
    // @implements RFC6121 P63L27-P63L39, P63L41-P63L45
    // Remembered only to send it unavailable later; never added to the broadcasts of available presence.
    // An error answers a stanza: it is no presence of the sender's, so there is nothing to take back later.
    else if (p.attrs.type !== 'error' && (!subscriber || r.last === undefined)) {
      // Our limit, not the RFC's: each one remembered is sent unavailable later (§4.6.3), so a client
      // sending presence to ever new addresses would otherwise grow its session without end.
      if (!r.directed.has(entity) && r.directed.size >= MAX_DIRECTED) return { refused: `directed presence is remembered for at most ${MAX_DIRECTED} entities per resource; send some unavailable first` };
      r.directed.add(entity);
    }
    // @implements RFC6121 P63L17-P63L25
    return [{ to: entity, stanza: withAddresses(p, this.full(resource), entity) }];
  }

  /** The resource's stream ended without its unavailable presence: we send one for it. */
  // @implements RFC6121 P59L40-P59L44, P61L11-P61L13
  disconnect(resource: string, contacts: Contacts): Outgoing[] {
    const r = this.resources.get(resource);
    if (!r) return [];
    const subscribers = [...contacts].filter(([, s]) => isSubscriber(s)).map(([jid]) => jid);
    const out = r.last || r.directed.size ? this.unavailable(resource, element('presence', { type: 'unavailable' }, [], r.last?.ns ?? 'jabber:client'), subscribers) : [];
    this.resources.delete(resource);
    return out;
  }

  /**
   * A probe from `prober` (a bare JID) to this user (`to`, bare or full),
   * given the prober's state in the user's roster (§4.3.2).
   */
  // @implements RFC6121 P53L3-P53L5
  answerProbe(prober: string, to: Jid, state: SubscriptionState): Outgoing[] {
    const bare = this.user.bare.toString();
    // @implements RFC6121 P64L36-P64L38
    if (!isSubscriber(state)) {
      const directedTo = to.resourcepart !== undefined && this.resources.get(to.resourcepart)?.directed.has(prober);
      // @implements RFC6121 P64L38-P64L44
      if (directedTo) return [{ to: prober, stanza: element('presence', { from: to.toString(), to: prober, ...(this.resources.get(to.resourcepart!)?.last ? {} : { type: 'unavailable' }) }) }];
      // @implements RFC6121 P53L7-P53L18
      // From the bare JID: a full one would leak presence. No pre-approval is touched.
      return [{ to: prober, stanza: element('presence', { from: bare, to: prober, type: 'unsubscribed' }) }];
    }
    // @implements RFC6121 P55L5-P55L15
    // Only the resource probed, and only the fact that it is available.
    if (to.resourcepart !== undefined) {
      const last = this.resources.get(to.resourcepart)?.last;
      return [{ to: prober, stanza: element('presence', { from: to.toString(), to: prober, ...(last ? {} : { type: 'unavailable' }) }) }];
    }
    const available = this.available();
    // @implements RFC6121 P53L46-P54L12
    if (available.length === 0) return [{ to: prober, stanza: element('presence', { from: bare, to: prober, type: 'unavailable' }) }];
    // @implements RFC6121 P54L26-P54L31
    return available.map((a) => ({ to: prober, stanza: withAddresses(a.presence, this.full(a.resource), prober) }));
  }

  /**
   * The user stopped being subscribed-to by `contact` (it unsubscribed, or
   * the user cancelled): it gets unavailable presence from each available
   * resource, directed presence or not.
   */
  // @implements RFC6121 P62L29-P62L31, P62L37-P62L41
  cancelled(contact: string): Outgoing[] {
    return this.available().map((a) => ({ to: contact, stanza: element('presence', { from: this.full(a.resource), to: contact, type: 'unavailable' }, [], a.presence.ns) }));
  }

  private unavailable(resource: string, p: XmlElement, subscribers: string[]): Outgoing[] {
    const r = this.state(resource);
    const from = this.full(resource);
    // @implements RFC6121 P61L1-P61L3
    // The resource that sent it hears it too, before it stops being available.
    const own = this.ownResources();
    if (!own.includes(from)) own.push(from);
    // @implements RFC6121 P60L1-P60L4, P60L16-P60L22, P60L27-P60L29, P63L35-P63L39
    const targets = new Set([...subscribers, ...own, ...r.directed]);
    r.last = undefined;
    r.directed.clear();
    return [...targets].map((to) => ({ to, stanza: withAddresses(p, from, to) }));
  }

  private state(resource: string): ResourceState {
    const r = this.resources.get(resource);
    if (!r) throw new Error(`presence from ${this.full(resource)}, which is not a connected resource: bind it first (RFC 6120 §7)`);
    return r;
  }
}
