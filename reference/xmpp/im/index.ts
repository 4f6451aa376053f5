/**
 * XMPP instant messaging and presence (RFC 6121): pure logic, no sockets,
 * for the client (reference/xmpp/client/) and the server to call.
 *
 *   subscription.ts  Appendix A: the nine states, OUTBOUND/INBOUND tables, ServerSubscription, ClientSubscription
 *   roster.ts        §2: Roster (get with versioning, set, pushes), readRosterSet, readRosterPush, rosterGet
 *   presence.ts      §4: checkPresence, PresenceSession (broadcast, probes, directed, disconnect)
 *   message.ts       §5, §8.5: message types, checkMessage, deliverMessage (offline: refused)
 *   flow.ts          §3: subscription stanzas between local accounts (Account, outbound, inbound, pendingFor); roster gets and sets (rosterGetFrom, rosterSetFrom)
 *   delivery.ts      §8.5: a stanza from a user's resource to our domain (fromResource), delivered by kind and type (deliverLocal)
 *   client.ts        what a client sends: subscriptionStanza (bare JIDs, own ids, no unoffered pre-approval), rosterSet
 *
 * @implements RFC6121 (XMPP IM)
 */
export * from './subscription.ts';
export * from './roster.ts';
export * from './presence.ts';
export * from './message.ts';
export * from './flow.ts';
export * from './delivery.ts';
export * from './client.ts';
