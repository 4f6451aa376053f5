/**
 * Presence subscriptions (RFC 6121 §3 and Appendix A): the nine states of
 * one user × contact pair, and what the user's server does with each
 * subscription-related presence stanza, as the tables of Appendix A.2 and
 * A.3 give it. The tables are data, cell by cell; the test reads the RFC's
 * tables and compares every cell.
 *
 * Two views of one contact:
 * - `ServerSubscription`: the user's server, which routes the user's
 *   outbound stanzas and delivers the contact's inbound ones.
 * - `ClientSubscription`: the user's client, which sees its own stanzas go
 *   out, the stanzas its server delivers, and the roster pushes; it checks
 *   that each push says what the tables predict.
 *
 * @implements RFC6121 (XMPP IM)
 */

/** The nine states, from the user's perspective (A.1). */
// @implements RFC6121 P103L32-P103L34
export const SUBSCRIPTION_STATES = [
  'None', 'None + Pending Out', 'None + Pending In', 'None + Pending Out+In',
  'To', 'To + Pending In', 'From', 'From + Pending Out', 'Both',
] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** The presence types that manage subscriptions (RFC 6121 §4.7.1's subscription-related values). */
export const SUBSCRIPTION_TYPES = ['subscribe', 'unsubscribe', 'subscribed', 'unsubscribed'] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

export const isSubscriptionType = (t: string | undefined): t is SubscriptionType => (SUBSCRIPTION_TYPES as readonly string[]).includes(t ?? '');

/** A cell's key word: what the server does with the stanza (route or deliver). */
export type Obligation = 'MUST' | 'MUST NOT' | 'SHOULD NOT';

/** One row of a Table 2-5 (outbound): route the stanza to the contact?, and the new state. */
export interface OutboundRule {
  route: Obligation;
  next: SubscriptionState;
  /** Table 4's "pre-approval": the state is unchanged, the server notes a pre-approval (§3.4). */
  preApproval?: true;
  /** Table 5's note [1]: the stanza can cancel a pre-approval (§3.4). */
  cancelsPreApproval?: true;
}

/** One row of a Table 6-9 (inbound): deliver the stanza to the user?, and the new state. */
export interface InboundRule {
  deliver: Obligation;
  next: SubscriptionState;
  /** Notes "Server SHOULD auto-reply with ...": what the server answers on the user's behalf. */
  autoReply?: 'subscribed' | 'unsubscribed';
  /** Table 6's note [1]: a pre-approved request MAY be answered "subscribed" and the state become "From". */
  preApprovalApplies?: true;
}

type Rules<R> = Record<SubscriptionState, R>;

const route = (o: Obligation, next: SubscriptionState, extra: Partial<OutboundRule> = {}): OutboundRule => ({ route: o, next, ...extra });
const deliver = (o: Obligation, next: SubscriptionState, extra: Partial<InboundRule> = {}): InboundRule => ({ deliver: o, next, ...extra });

/** Appendix A.2: the user's server, for a stanza the user sends to the contact. */
export const OUTBOUND: Record<SubscriptionType, Rules<OutboundRule>> = {
  // @implements RFC6121 P105L8-P105L16
  // A move to "Pending Out" is the roster's ask='subscribe' (note [1], P105L19): see rosterView.
  subscribe: {
    None: route('MUST', 'None + Pending Out'),
    'None + Pending Out': route('MUST', 'None + Pending Out'),
    'None + Pending In': route('MUST', 'None + Pending Out+In'),
    'None + Pending Out+In': route('MUST', 'None + Pending Out+In'),
    To: route('MUST', 'To'),
    'To + Pending In': route('MUST', 'To + Pending In'),
    From: route('MUST', 'From + Pending Out'),
    'From + Pending Out': route('MUST', 'From + Pending Out'),
    Both: route('MUST', 'Both'),
  },
  // @implements RFC6121 P105L29-P105L37
  unsubscribe: {
    None: route('MUST', 'None'),
    'None + Pending Out': route('MUST', 'None'),
    'None + Pending In': route('MUST', 'None + Pending In'),
    'None + Pending Out+In': route('MUST', 'None + Pending In'),
    To: route('MUST', 'None'),
    'To + Pending In': route('MUST', 'None + Pending In'),
    From: route('MUST', 'From'),
    'From + Pending Out': route('MUST', 'From'),
    Both: route('MUST', 'From'),
  },
  // @implements RFC6121 P106L8-P106L16, P106L19-P106L20
  subscribed: {
    None: route('MUST NOT', 'None', { preApproval: true }),
    'None + Pending Out': route('MUST NOT', 'None + Pending Out', { preApproval: true }),
    'None + Pending In': route('MUST', 'From'),
    'None + Pending Out+In': route('MUST', 'From + Pending Out'),
    To: route('MUST NOT', 'To', { preApproval: true }),
    'To + Pending In': route('MUST', 'Both'),
    From: route('MUST NOT', 'From'),
    'From + Pending Out': route('MUST NOT', 'From + Pending Out'),
    Both: route('MUST NOT', 'Both'),
  },
  // @implements RFC6121 P106L29-P106L37, P106L40-P106L41
  unsubscribed: {
    None: route('SHOULD NOT', 'None', { cancelsPreApproval: true }),
    'None + Pending Out': route('SHOULD NOT', 'None + Pending Out', { cancelsPreApproval: true }),
    'None + Pending In': route('MUST', 'None'),
    'None + Pending Out+In': route('MUST', 'None + Pending Out'),
    To: route('SHOULD NOT', 'To', { cancelsPreApproval: true }),
    'To + Pending In': route('MUST', 'To'),
    From: route('MUST', 'None'),
    'From + Pending Out': route('MUST', 'None + Pending Out'),
    Both: route('MUST', 'To'),
  },
};

/** Appendix A.3: the user's server, for a stanza the contact sends to the user. */
export const INBOUND: Record<SubscriptionType, Rules<InboundRule>> = {
  // @implements RFC6121 P107L18-P107L26, P107L29-P107L34
  subscribe: {
    None: deliver('MUST', 'None + Pending In', { preApprovalApplies: true }),
    'None + Pending Out': deliver('MUST', 'None + Pending Out+In'),
    'None + Pending In': deliver('SHOULD NOT', 'None + Pending In'),
    'None + Pending Out+In': deliver('SHOULD NOT', 'None + Pending Out+In'),
    To: deliver('MUST', 'To + Pending In'),
    'To + Pending In': deliver('SHOULD NOT', 'To + Pending In'),
    From: deliver('SHOULD NOT', 'From', { autoReply: 'subscribed' }),
    'From + Pending Out': deliver('SHOULD NOT', 'From + Pending Out', { autoReply: 'subscribed' }),
    Both: deliver('SHOULD NOT', 'Both', { autoReply: 'subscribed' }),
  },
  // @implements RFC6121 P107L38-P107L46, P108L6-P108L14, P108L17
  unsubscribe: {
    None: deliver('SHOULD NOT', 'None'),
    'None + Pending Out': deliver('SHOULD NOT', 'None + Pending Out'),
    'None + Pending In': deliver('MUST', 'None', { autoReply: 'unsubscribed' }),
    'None + Pending Out+In': deliver('MUST', 'None + Pending Out', { autoReply: 'unsubscribed' }),
    To: deliver('SHOULD NOT', 'To'),
    'To + Pending In': deliver('MUST', 'To', { autoReply: 'unsubscribed' }),
    From: deliver('MUST', 'None', { autoReply: 'unsubscribed' }),
    'From + Pending Out': deliver('MUST', 'None + Pending Out', { autoReply: 'unsubscribed' }),
    Both: deliver('MUST', 'To', { autoReply: 'unsubscribed' }),
  },
  // @implements RFC6121 P109L6-P109L14
  subscribed: {
    None: deliver('SHOULD NOT', 'None'),
    'None + Pending Out': deliver('MUST', 'To'),
    'None + Pending In': deliver('SHOULD NOT', 'None + Pending In'),
    'None + Pending Out+In': deliver('MUST', 'To + Pending In'),
    To: deliver('SHOULD NOT', 'To'),
    'To + Pending In': deliver('SHOULD NOT', 'To + Pending In'),
    From: deliver('SHOULD NOT', 'From'),
    'From + Pending Out': deliver('MUST', 'Both'),
    Both: deliver('SHOULD NOT', 'Both'),
  },
  // @implements RFC6121 P109L34-P109L42
  unsubscribed: {
    None: deliver('SHOULD NOT', 'None'),
    'None + Pending Out': deliver('MUST', 'None'),
    'None + Pending In': deliver('SHOULD NOT', 'None + Pending In'),
    'None + Pending Out+In': deliver('MUST', 'None + Pending In'),
    To: deliver('MUST', 'None'),
    'To + Pending In': deliver('MUST', 'None + Pending In'),
    From: deliver('SHOULD NOT', 'From'),
    'From + Pending Out': deliver('MUST', 'From'),
    Both: deliver('MUST', 'From'),
  },
};

/** The roster's 'subscription' values for a contact (RFC 6121 §2.1.2.5), 'remove' apart. */
export type RosterSubscription = 'none' | 'to' | 'from' | 'both';

/** How a state shows in the user's roster: subscription and ask (A.1's list). */
export interface RosterView {
  subscription: RosterSubscription;
  ask?: 'subscribe';
}

// @implements RFC6121 P103L36-P104L32
// "None + Pending In" and "To + Pending In" show no ask: a pending inbound request is never in the roster.
const VIEWS: Record<SubscriptionState, RosterView> = {
  None: { subscription: 'none' },
  'None + Pending Out': { subscription: 'none', ask: 'subscribe' },
  'None + Pending In': { subscription: 'none' },
  'None + Pending Out+In': { subscription: 'none', ask: 'subscribe' },
  To: { subscription: 'to' },
  'To + Pending In': { subscription: 'to' },
  From: { subscription: 'from' },
  'From + Pending Out': { subscription: 'from', ask: 'subscribe' },
  Both: { subscription: 'both' },
};

export const rosterView = (s: SubscriptionState): RosterView => VIEWS[s];

/** The contact is subscribed to the user's presence: the roster says "from" or "both". */
// @implements RFC6121 P50L3-P50L8, P57L26-P57L29, P60L1-P60L4
export const isSubscriber = (s: SubscriptionState): boolean => s === 'From' || s === 'From + Pending Out' || s === 'Both';

/** The user is subscribed to the contact's presence: "to" or "both". */
export const isSubscribedTo = (s: SubscriptionState): boolean => s === 'To' || s === 'To + Pending In' || s === 'Both';

/** Whether the contact has asked and the user not answered: "Pending In", "Pending Out+In". */
export const pendingIn = (s: SubscriptionState): boolean => /Pending (Out\+)?In$/.test(s);

/** A roster view and whether a request from the contact is pending, back to the state; refuses what A.1 lists no state for. */
export function stateOf(view: RosterView, inbound: boolean): SubscriptionState {
  const found = SUBSCRIPTION_STATES.find((s) => VIEWS[s].subscription === view.subscription && VIEWS[s].ask === view.ask && pendingIn(s) === inbound);
  // @implements RFC6121 P103L32-P103L34
  if (found === undefined) throw new SubscriptionError(`subscription='${view.subscription}'${view.ask ? ` ask='${view.ask}'` : ''}${inbound ? ' with a request pending in' : ''} is none of the nine states of RFC 6121 Appendix A.1`);
  return found;
}

/** A stanza or roster item the subscription rules have no place for. */
export class SubscriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

function checkType(type: string): asserts type is SubscriptionType {
  // @implements RFC6121 P65L11-P65L14
  if (!isSubscriptionType(type)) throw new SubscriptionError(`presence type '${type}' is not one of the subscription types ${SUBSCRIPTION_TYPES.join(', ')} (RFC 6121 §3, Appendix A)`);
}

/** What the server does with one subscription stanza. */
export interface Outcome {
  /** Route (outbound) or deliver (inbound) the stanza. */
  forward: boolean;
  /** The key word the table gives for forwarding, so a caller can say why it did not. */
  obligation: Obligation;
  from: SubscriptionState;
  to: SubscriptionState;
  /** A presence stanza of this type to send to the contact on the user's behalf. */
  autoReply?: 'subscribed' | 'unsubscribed';
}

/**
 * The user's server's view of one contact. Stanzas whose cell says SHOULD
 * NOT are not forwarded: the RFC's reasons (no state change, nothing to tell)
 * hold for us.
 */
export class ServerSubscription {
  /**
   * The roster's 'approved' flag: a "subscribed" sent before the contact
   * asked (§3.4), kept until the request comes (then dropped, as the note at
   * P48L5 leaves to us) or "unsubscribed" cancels it.
   */
  preApproved = false;
  readonly history: { direction: 'outbound' | 'inbound'; type: SubscriptionType; from: SubscriptionState; to: SubscriptionState }[] = [];

  constructor(public state: SubscriptionState = 'None') {}

  /** The user sent `type` to the contact (A.2). */
  outbound(type: string): Outcome {
    checkType(type);
    const rule = OUTBOUND[type][this.state];
    // @implements RFC6121 P47L20-P47L25, P47L27-P47L32
    // Only a server that supports pre-approvals does this; we do, and say so in the stream features (approved flag).
    if (rule.preApproval) this.preApproved = true;
    // @implements RFC6121 P106L40-P106L41
    if (rule.cancelsPreApproval) this.preApproved = false;
    return this.move('outbound', type, rule.next, { forward: rule.route === 'MUST', obligation: rule.route });
  }

  /** The contact sent `type` to the user (A.3). */
  inbound(type: string): Outcome {
    checkType(type);
    const rule = INBOUND[type][this.state];
    // @implements RFC6121 P107L29-P107L32, P47L46-P48L3
    // Table 6's note names "None"; §3.4.2 makes it a MUST wherever a pre-approval is noted ("None",
    // "None + Pending Out", "To"): approved at once as if the user had sent "subscribed", never delivered.
    if (type === 'subscribe' && this.preApproved) {
      this.preApproved = false;
      return this.move('inbound', type, OUTBOUND.subscribed[rule.next].next, { forward: false, obligation: 'MUST NOT', autoReply: 'subscribed' });
    }
    return this.move('inbound', type, rule.next, { forward: rule.deliver === 'MUST', obligation: rule.deliver, ...(rule.autoReply && { autoReply: rule.autoReply }) });
  }

  /** The roster item's subscription and ask. */
  get roster(): RosterView {
    return rosterView(this.state);
  }

  private move(direction: 'outbound' | 'inbound', type: SubscriptionType, next: SubscriptionState, o: Omit<Outcome, 'from' | 'to'>): Outcome {
    const from = this.state;
    this.state = next;
    // @implements RFC6121 P47L7-P47L9
    // Once the contact is subscribed, a pre-approval has nothing left to approve.
    if (next.startsWith('From') || next === 'Both') this.preApproved = false;
    this.history.push({ direction, type, from, to: next });
    return { ...o, from, to: next };
  }
}

/** A roster push's item, as the client checks it against the state it expects. */
export interface PushCheck {
  expected: RosterView;
  got: RosterView;
  agrees: boolean;
}

/**
 * The user's client's view of one contact: it predicts, from the same
 * tables, what its server's roster pushes must say. What it sends moves the
 * state by A.2; what its server delivers, by A.3 (the server changed the
 * state before delivering); a roster push sets the roster part (it is the
 * server's word) and says whether it agreed with the prediction.
 */
export class ClientSubscription {
  readonly history: { event: string; from: SubscriptionState; to: SubscriptionState }[] = [];

  constructor(public state: SubscriptionState = 'None') {}

  /** We sent `type` to the contact. */
  sent(type: string): SubscriptionState {
    checkType(type);
    // @implements RFC6121 P31L12-P31L16
    return this.move(`sent ${type}`, OUTBOUND[type][this.state].next);
  }

  /** Our server delivered `type` from the contact: it applied A.3 before delivering, and so do we. */
  received(type: string): SubscriptionState {
    checkType(type);
    return this.move(`received ${type}`, INBOUND[type][this.state].next);
  }

  /** A roster push (or result) for this contact; 'remove' means the item is gone and both subscriptions with it. */
  pushed(item: { subscription?: string; ask?: string }): PushCheck {
    const expected = rosterView(this.state);
    const subscription = item.subscription ?? 'none';
    // @implements RFC6121 P11L29-P11L33
    if (subscription === 'remove') {
      const got: RosterView = { subscription: 'none' };
      this.move('pushed remove', 'None');
      return { expected, got, agrees: true };
    }
    // @implements RFC6121 P12L5-P12L7, P12L1-P12L3
    // Ignored: the state stays, and the check says the push did not agree.
    if (!['none', 'to', 'from', 'both'].includes(subscription)) return { expected, got: { subscription: subscription as RosterSubscription }, agrees: false };
    // @implements RFC6121 P10L46-P10L48
    const got: RosterView = { subscription: subscription as RosterSubscription, ...(item.ask === 'subscribe' && { ask: 'subscribe' as const }) };
    // @implements RFC6121 P103L45-P104L8
    // A request pending in is not in the roster: kept while the pushed values leave a state with it.
    const keep = pendingIn(this.state) && SUBSCRIPTION_STATES.some((s) => pendingIn(s) && VIEWS[s].subscription === got.subscription && VIEWS[s].ask === got.ask);
    this.move(`pushed ${subscription}${got.ask ? ' ask' : ''}`, stateOf(got, keep));
    // @implements RFC6121 P11L1-P11L2
    // A push without ask where a "Pending Out" is expected disagrees: the server left out what it SHOULD include.
    return { expected, got, agrees: expected.subscription === got.subscription && expected.ask === got.ask };
  }

  private move(event: string, next: SubscriptionState): SubscriptionState {
    this.history.push({ event, from: this.state, to: next });
    return (this.state = next);
  }
}
