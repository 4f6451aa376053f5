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
import { DEFAULT_ROSTER_LIMITS, ROSTER_NS, ServerSubscription } from '../im/index.ts';

export { ROSTER_NS };

/** The most items a roster holds: what one user can make the server keep is bounded. */
export const MAX_ROSTER_ITEMS = DEFAULT_ROSTER_LIMITS.maxItems;
/** The longest 'name' and <group/> we keep, in characters (RFC 6121 §2.3.3 leaves the limit to the server). */
export const MAX_NAME = DEFAULT_ROSTER_LIMITS.maxNameChars;

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
  condition: 'bad-request' | 'not-acceptable' | 'item-not-found' | 'forbidden' | 'resource-constraint';
  reason: string;
}

export class Roster {
  private readonly items = new Map<string, RosterItem>();

  constructor(readonly owner: Jid) {}

  get(contact: string): RosterItem | undefined {
    return this.items.get(contact);
  }

  /** The item for `contact`, made (unlisted, state None) when there is none. */
  // @implements RFC6121 P103L32-P103L34
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

  /** Items held, listed or not (a pending inbound request is one). */
  get size(): number {
    return this.items.size;
  }

  /** The <query/> of a roster result: every listed item, and an empty <query/> for an empty roster. */
  // @implements RFC6121 P13L21-P13L24
  query(): XmlElement {
    return element('query', { xmlns: ROSTER_NS }, this.listed().map(itemElement), ROSTER_NS);
  }
}

/** An item as the roster shows it: jid, name, subscription, ask, groups. */
// @implements RFC6121 P11L12-P11L13
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

// @implements RFC6121 P18L41-P18L42
export function readRosterSet(query: XmlElement, owner: Jid): RosterSet | RosterProblem {
  const items = query.children.filter(isElement);
  // @implements RFC6121 P14L10-P14L11, P19L6-P19L10
  if (items.length !== 1 || items[0]!.name !== 'item') return { condition: 'bad-request', reason: `a roster set holds exactly one <item/>, this one ${items.length} (RFC 6121 §2.3.3)` };
  const item = items[0]!;
  const parsed = checkJid(item.attrs.jid ?? '');
  // @implements RFC6121 P11L12-P11L13
  if (!parsed.ok) return { condition: 'bad-request', reason: `the item's 'jid' is not a JID: ${parsed.ok ? '' : parsed.error.message} (RFC 6121 §2.3.3)` };
  const jid = parsed.jid.bare.toString();
  // The user is subscribed to its own presence implicitly (§4.2.2); an item for it would be a second, contradicting view.
  if (jid === owner.bare.toString()) return { condition: 'not-acceptable', reason: "a roster item for the user's own bare JID" };
  // @implements RFC6121 P12L9-P12L12, P14L13-P14L14
  if (item.attrs.subscription === 'remove') return { remove: true, jid };
  const groups = item.children.filter(isElement).filter((g) => g.name === 'group').map(textOf);
  // @implements RFC6121 P19L12-P19L15
  if (new Set(groups).size !== groups.length) return { condition: 'bad-request', reason: 'the same <group/> twice in one item (RFC 6121 §2.3.3)' };
  // @implements RFC6121 P19L17-P19L18, P19L23-P19L25, P19L27-P19L28
  if (groups.some((g) => g === '')) return { condition: 'not-acceptable', reason: 'an empty <group/> (RFC 6121 §2.3.3)' };
  if (groups.some((g) => [...g].length > MAX_NAME)) return { condition: 'not-acceptable', reason: `a <group/> over ${MAX_NAME} characters (RFC 6121 §2.3.3)` };
  const name = item.attrs.name;
  // @implements RFC6121 P19L20-P19L21
  if (name !== undefined && [...name].length > MAX_NAME) return { condition: 'not-acceptable', reason: `a 'name' over ${MAX_NAME} characters (RFC 6121 §2.3.3)` };
  return { remove: false, jid, ...(name !== undefined && { name }), groups };
}

export const rosterQuery = (iq: XmlElement) => childOf(iq, 'query', ROSTER_NS);
