/**
 * The server's rosters (RFC 6121 §2): one per account, each item a
 * contact's bare JID with its name, groups and the subscription state the
 * server keeps for it (reference/xmpp/im's ServerSubscription, Appendix A).
 * An item made only by an inbound request (the contact asked, the user has
 * not answered) is kept for its state but not listed in the roster (§3.1.3:
 * the request is not a roster item until the user approves or adds it).
 * Kept in memory: the users file holds credentials only.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, element, childOf, isElement, textOf } from '../xml/index.ts';
import { type Jid, checkJid } from '../jid/index.ts';
import { ServerSubscription } from '../im/index.ts';

export const ROSTER_NS = 'jabber:iq:roster';

export interface RosterItem {
  jid: string;
  name?: string;
  groups: string[];
  subscription: ServerSubscription;
  /** In the roster (a roster set, or the user's own subscription stanza), not only a pending inbound request. */
  listed: boolean;
}

/** A roster set that cannot be applied: the stanza error condition and why. */
export interface RosterProblem {
  condition: 'bad-request' | 'not-acceptable' | 'item-not-found' | 'forbidden';
  reason: string;
}

export class Roster {
  private readonly items = new Map<string, RosterItem>();

  constructor(readonly owner: Jid) {}

  get(contact: string): RosterItem | undefined {
    return this.items.get(contact);
  }

  /** The item for `contact`, made (unlisted, state None) when there is none. */
  item(contact: string): RosterItem {
    let i = this.items.get(contact);
    if (!i) this.items.set(contact, (i = { jid: contact, groups: [], subscription: new ServerSubscription(), listed: false }));
    return i;
  }

  remove(contact: string): void {
    this.items.delete(contact);
  }

  listed(): RosterItem[] {
    return [...this.items.values()].filter((i) => i.listed);
  }

  all(): RosterItem[] {
    return [...this.items.values()];
  }

  /** The <query/> of a roster result: every listed item. */
  query(): XmlElement {
    return element('query', { xmlns: ROSTER_NS }, this.listed().map(itemElement), ROSTER_NS);
  }
}

/** An item as the roster shows it: jid, name, subscription, ask, groups. */
export function itemElement(i: RosterItem): XmlElement {
  const view = i.subscription.roster;
  return element(
    'item',
    { jid: i.jid, ...(i.name !== undefined && { name: i.name }), subscription: view.subscription, ...(view.ask && { ask: view.ask }) },
    i.groups.map((g) => element('group', {}, [g], ROSTER_NS)),
    ROSTER_NS,
  );
}

/** The one item of a roster set, checked as §2.3.3 says. */
export type RosterSet = { remove: true; jid: string } | { remove: false; jid: string; name?: string; groups: string[] };

export function readRosterSet(query: XmlElement, owner: Jid): RosterSet | RosterProblem {
  const items = query.children.filter(isElement);
  if (items.length !== 1 || items[0]!.name !== 'item') return { condition: 'bad-request', reason: `a roster set holds exactly one <item/>, this one ${items.length} (RFC 6121 §2.3.3)` };
  const item = items[0]!;
  const parsed = checkJid(item.attrs.jid ?? '');
  if (!parsed.ok) return { condition: 'bad-request', reason: `the item's 'jid' is not a JID: ${parsed.ok ? '' : parsed.error.message} (RFC 6121 §2.3.3)` };
  const jid = parsed.jid.bare.toString();
  if (jid === owner.bare.toString()) return { condition: 'not-acceptable', reason: "a roster item for the user's own bare JID (RFC 6121 §2.3.3)" };
  if (item.attrs.subscription === 'remove') return { remove: true, jid };
  const groups = item.children.filter(isElement).filter((g) => g.name === 'group').map(textOf);
  if (new Set(groups).size !== groups.length) return { condition: 'bad-request', reason: 'the same <group/> twice in one item (RFC 6121 §2.3.3)' };
  if (groups.some((g) => g === '')) return { condition: 'not-acceptable', reason: 'an empty <group/> (RFC 6121 §2.3.3)' };
  const name = item.attrs.name;
  return { remove: false, jid, ...(name !== undefined && { name }), groups };
}

export const rosterQuery = (iq: XmlElement) => childOf(iq, 'query', ROSTER_NS);
