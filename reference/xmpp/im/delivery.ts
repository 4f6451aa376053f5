/**
 * Stanzas for the users of our own domain (RFC 6121 §8.5): what a stanza a
 * user's resource sends becomes, per kind and type. Subscription stanzas
 * go through §3 (flow.ts), probes through §4.3, presence with no 'to' is
 * broadcast and directed presence remembered (presence.ts); what is then
 * delivered goes to the addressee's resources by the rules of §8.5.1 (no
 * such user), §8.5.2 (bare JID) and §8.5.3 (full JID). Pure: the server
 * sends what this returns, to the resources it names.
 *
 * Another domain is unreachable: no server-to-server streams here.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement } from '../xml/index.ts';
import { type Jid, parseJid } from '../jid/index.ts';
import { StanzaRuleError } from '../stanza/index.ts';
import { type Account, type Processed, clientProbe, outbound, pendingFor } from './flow.ts';
import { type Delivery, type Resource, deliverMessage } from './message.ts';
import { type Outgoing } from './presence.ts';
import { SubscriptionError, isSubscriber, isSubscriptionType } from './subscription.ts';

type Lookup = (bare: string) => Account | undefined;

/**
 * A stanza from the resource `from` of `user` (already stamped), to `to`
 * (none: presence to broadcast). A message or iq with no 'to' is the
 * server's own business (RFC 6120 §10.3), not this.
 */
// @implements RFC6121 P86L11-P86L14
// @exception RFC6121 P85L26-P85L28: no privacy lists or blocking (XEP-0016, XEP-0191) here, so no local policy sets these rules aside
export function fromResource(user: Account, from: Jid, stanza: XmlElement, to: Jid | undefined, lookup: Lookup, domain: string): Processed {
  const type = stanza.attrs.type;
  if (stanza.name === 'presence') {
    // @implements RFC6121 P88L32-P88L34, P89L31-P89L33, P90L32-P90L34, P91L40-P91L41
    // The user's server's side (A.2), then the contact's (A.3): a full JID is taken as the bare one there, so the
    // contact's server never sees one (§3.1.2).
    // @exception RFC6121 P91L43-P91L44: we are the user's server too, and outbound() takes a full 'to' as the bare JID (§3.1.2, §3.2.2, §3.3.2), so no subscription stanza reaches a user here addressed to a full JID
    if (isSubscriptionType(type)) return outbound(user, stanza, lookup, domain);
    // @implements RFC6120 P141L23-P141L26
    if (to === undefined) return { send: broadcast(user, from, stanza, lookup) };
    if (type === 'probe') return { send: clientProbe(user, stanza, lookup) };
  }
  if (to === undefined) throw new StanzaRuleError(`a <${stanza.name}/> with no 'to' is for the server (RFC 6120 §10.3), not for a user`);
  // @implements RFC6120 P143L3-P143L4, P143L5-P143L6, P143L22-P143L26
  // Only another domain is refused; one of ours is delivered here, never forwarded.
  // @exception RFC6120 P143L6-P143L8: no server-to-server, so no remote domain is resolved and no stream negotiated: every one is not found
  // @exception RFC6120 P139L3-P139L8, P139L8-P139L12, P139L18-P139L22, P143L10-P143L13: no stanza is routed to or from a remote server here
  // @exception RFC6120 P141L10-P141L13, P142L23-P142L26: no server-to-server stream is accepted, so every stanza comes from a local client
  if (to.domainpart !== domain) return { error: { condition: 'remote-server-not-found', reason: `no server-to-server: '${to.domainpart}' is not served here` } };
  // @implements RFC6121 P63L17-P63L25
  // Directed presence: remembered by the session (to send it unavailable later), then delivered like any presence.
  if (stanza.name === 'presence') {
    const d = user.presence.directed(from.resourcepart!, stanza, to, user.roster.states());
    // Our limit, not the RFC's (presence.ts MAX_DIRECTED): memory per session stays bounded.
    if ('refused' in d) return { error: { condition: 'resource-constraint', reason: d.refused } };
    return delivered(d[0]!.stanza, to, from, lookup);
  }
  return delivered(stanza, to, from, lookup);
}

/** A stanza from `from` for `to` in our domain, as the stanzas the addressee's resources get; or the error for the sender. */
// @implements RFC6121 P88L23-P88L25, P88L39-P88L41
// Each copy keeps the 'to' it came with, or none: a bare JID is not rewritten to the resource's.
function delivered(stanza: XmlElement, to: Jid, from: Jid | undefined, lookup: Lookup): Processed {
  const account = lookup(to.bare.toString());
  // Asked only where it decides something: an iq request to a full JID.
  const shares = stanza.name === 'iq' && to.resourcepart !== undefined && account !== undefined && from !== undefined && sharesPresence(account, to, from);
  const d = deliverLocal(stanza, to, account?.presence.connected(), shares);
  if ('refuse' in d) return { error: { condition: d.refuse, reason: d.reason } };
  // @implements RFC6120 P100L38-P100L40
  // A message with no 'to' (RFC 6120 §10.3.1) is delivered as if to the bare JID, and still with no 'to'.
  return { send: 'deliver' in d ? d.deliver.map((r) => ({ to: `${to.bare}/${r}`, stanza })) : [] };
}

/**
 * The addressee `to` (one of `account`'s resources) shares presence with
 * `from`: the same account (subscribed to itself, §4.2.2), a subscription
 * "from" or "both", or directed presence from that resource.
 */
// @implements RFC6121 P90L14-P90L17
function sharesPresence(account: Account, to: Jid, from: Jid): boolean {
  if (from.bare.equals(account.jid.bare)) return true;
  if (isSubscriber(account.roster.subscriptionOf(from.bare.toString()))) return true;
  return to.resourcepart !== undefined && account.presence.sentDirectedTo(to.resourcepart, from);
}

/**
 * Presence with no 'to' from `from`: broadcast (presence.ts), the probes of
 * an initial presence answered by the contacts' sessions, and the
 * subscription requests kept while the user was offline delivered.
 */
function broadcast(user: Account, from: Jid, p: XmlElement, lookup: Lookup): Outgoing[] {
  const type = p.attrs.type;
  // A probe or error with no 'to' is addressed to no one: nothing to broadcast or answer.
  if (type !== undefined && type !== 'unavailable') return [];
  const resource = from.resourcepart!;
  // @implements RFC6121 P35L13-P35L16, P50L35-P50L37
  // Initial presence: the probes it makes are answered (resolved), and the requests kept for this moment delivered.
  const initial = type === undefined && !user.presence.available().some((a) => a.resource === resource);
  const out = user.presence.broadcast(resource, p, user.roster.states());
  return [...resolved(user, out, lookup), ...(initial ? pendingFor(user, resource) : [])];
}

/** The resource `resource` of `user` is gone without its unavailable presence: the one we send for it, delivered. */
// @implements RFC6121 P59L40-P59L44
export function disconnected(user: Account, resource: string, lookup: Lookup): Outgoing[] {
  return resolved(user, user.presence.disconnect(resource, user.roster.states()), lookup);
}

/** What a presence session sends (to bare or full JIDs), as stanzas for resources: probes answered, the rest delivered. */
function resolved(user: Account, out: Outgoing[], lookup: Lookup): Outgoing[] {
  return out.flatMap((o) => {
    if (o.stanza.attrs.type === 'probe') return clientProbe(user, o.stanza, lookup);
    const r = delivered(o.stanza, parseJid(o.to), undefined, lookup);
    return 'send' in r ? r.send : [];
  });
}

/**
 * Where a stanza for `to`, one of our domain's JIDs, goes, given the
 * addressee's connected resources (undefined: no such user), and whether
 * the addressee shares presence with the sender (for an iq request to a
 * full JID). Messages by deliverMessage (message.ts); presence and iq
 * here. Subscription stanzas and probes are processed, never delivered as
 * they are (§3, §4.3).
 */
// @implements RFC6121 P86L42-P86L44, P90L3-P90L7
export function deliverLocal(stanza: XmlElement, to: Jid, resources: readonly Resource[] | undefined, sharesPresence: boolean): Delivery {
  const type = stanza.attrs.type;
  if (stanza.name === 'presence' && (isSubscriptionType(type) || type === 'probe')) throw new SubscriptionError(`<presence type='${type}'/> is processed by RFC 6121 §3 or §4.3, not delivered as it is`);
  if (resources === undefined) return noSuchUser(stanza);
  if (stanza.name === 'message') return deliverMessage(stanza, to, resources);
  const exact = to.resourcepart === undefined ? undefined : resources.find((r) => r.resource === to.resourcepart);
  if (stanza.name === 'presence') {
    if (to.resourcepart !== undefined) {
      // @implements RFC6121 P90L28-P90L30
      // @implements RFC6120 P145L1-P145L4
      if (exact) return { deliver: [exact.resource] };
      // @implements RFC6121 P91L37-P91L38
      return { ignore: `no resource '${to.resourcepart}': presence to it is dropped (RFC 6121 §8.5.3.2.2)` };
    }
    const available = resources.filter((r) => r.available).map((r) => r.resource);
    // @implements RFC6121 P88L29-P88L30
    if (available.length > 0) return { deliver: available };
    // @implements RFC6121 P89L27-P89L29
    // Nothing stored, nothing answered.
    return { ignore: `${to.bare} has no available resource: presence is not kept for later (RFC 6121 §8.5.2.2.2)` };
  }
  // @implements RFC6121 P90L14-P90L20
  // Else a request would tell its sender that the resource is there: a presence leak (§11).
  if (exact && (type === 'get' || type === 'set') && !sharesPresence) return { refuse: 'service-unavailable', reason: `${to.bare} shares no presence with the sender (RFC 6121 §8.5.3.1)` };
  // @implements RFC6121 P90L22-P90L23
  // @implements RFC6120 P145L1-P145L4
  if (exact) return { deliver: [exact.resource] };
  // @implements RFC6120 P109L1-P109L3
  // A result or error is never answered, by the user's server least of all.
  if (type === 'result' || type === 'error') return { ignore: `an iq ${type} for ${to}, which no resource holds, is dropped` };
  // @implements RFC6121 P88L45-P88L47, P88L47-P89L5, P89L40-P89L41, P89L41-P89L47, P92L3-P92L4
  // @implements RFC6120 P144L38-P144L39
  // No namespace here has a reply the server makes for another user (the roster is the user's own, to its own bare JID).
  return { refuse: 'service-unavailable', reason: to.resourcepart === undefined ? `no service answers for ${to} here` : `no resource '${to.resourcepart}' (RFC 6121 §8.5.3.2.3)` };
}

/** A stanza for a user we do not have (§8.5.1). */
function noSuchUser(stanza: XmlElement): Delivery {
  const type = stanza.attrs.type;
  // @implements RFC6121 P86L28-P86L30
  if (stanza.name === 'presence') return { ignore: 'presence to no such user is dropped (RFC 6121 §8.5.1)' };
  // @implements RFC6120 P109L1-P109L3
  if (type === 'error' || (stanza.name === 'iq' && type === 'result')) return { ignore: `a ${stanza.name} ${type} to no such user is dropped` };
  // @implements RFC6121 P86L21-P86L22, P86L24-P86L26
  // @implements RFC6120 P144L7-P144L9, P144L14-P144L15
  // Choice (b) for a message: the sender learns at once, as for a user who is offline (message.ts).
  return { refuse: 'service-unavailable', reason: 'no such user' };
}
