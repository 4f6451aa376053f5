/**
 * RFC 6121 §8.5 for the users of one domain (reference/xmpp/im/delivery.ts):
 * each rule of no such user, bare JID and full JID, for message, presence
 * and iq by type; and what a user's resource sends coming out as the
 * stanzas each resource gets (directed presence, initial presence with its
 * probes answered, a stream that just ended, roster removal).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, element } from '../../../../reference/xmpp/xml/index.ts';
import { type Jid, parseJid } from '../../../../reference/xmpp/jid/index.ts';
import {
  Account, MAX_DIRECTED, type Outgoing, ROSTER_NS, type Resource, SubscriptionError, deliverLocal, disconnected, fromResource, removalPresence, rosterGetFrom, rosterSetFrom,
} from '../../../../reference/xmpp/im/index.ts';

const DOMAIN = 'example.com';
const C = 'jabber:client';
const el = (name: string, attrs: Record<string, string> = {}, children: (XmlElement | string)[] = []) => element(name, attrs, children, C);
const j = (s: string): Jid => parseJid(s);

/** Accounts of one domain; `online` binds a resource and, unless told otherwise, sends its initial presence. */
function world() {
  const accounts = new Map<string, Account>();
  const lookup = (bare: string) => accounts.get(bare);
  const account = (bare: string) => {
    let a = accounts.get(bare);
    if (!a) accounts.set(bare, (a = new Account(j(bare), undefined, false)));
    return a;
  };
  const online = (full: string, o: { available?: boolean; priority?: number } = {}): Outgoing[] => {
    const jid = j(full);
    const a = account(jid.bare.toString());
    a.presence.connect(jid.resourcepart!);
    if (o.available === false) return [];
    const p = el('presence', { from: full }, o.priority === undefined ? [] : [el('priority', {}, [String(o.priority)])]);
    const r = fromResource(a, jid, p, undefined, lookup, DOMAIN);
    assert.ok('send' in r);
    return r.send;
  };
  /** What `from` sending `stanza` comes to. */
  const send = (from: string, stanza: XmlElement) => {
    const jid = j(from);
    const to = stanza.attrs.to === undefined ? undefined : j(stanza.attrs.to);
    return fromResource(account(jid.bare.toString()), jid, { ...stanza, attrs: { ...stanza.attrs, from } }, to, lookup, DOMAIN);
  };
  return { accounts, lookup, account, online, send };
}

/** Each stanza as "to type from" (type 'available' when none), in order. */
const lines = (out: Outgoing[]) => out.map((o) => `${o.to} ${o.stanza.name}:${o.stanza.attrs.type ?? (o.stanza.name === 'presence' ? 'available' : 'normal')} from ${o.stanza.attrs.from}`);

const res = (...rs: [string, boolean, number][]): Resource[] => rs.map(([resource, available, priority]) => ({ resource, available, priority }));
const TWO = res(['balcony', true, 0], ['chamber', true, 1], ['connected', false, 0]);
const iq = (type: string) => el('iq', { type, id: 'q' }, type === 'get' || type === 'set' ? [element('query', { xmlns: 'jabber:iq:version' }, [], 'jabber:iq:version')] : []);
const kinds = (to: string, resources: Resource[] | undefined, shares = true) => {
  const d = (s: XmlElement) => {
    const x = deliverLocal(s, j(to), resources, shares);
    return 'deliver' in x ? `deliver ${x.deliver.join(',')}` : 'refuse' in x ? `refuse ${x.refuse}` : 'ignore';
  };
  return {
    iq: ['get', 'set', 'result', 'error'].map((t) => `${t}: ${d(iq(t))}`),
    message: ['normal', 'chat', 'groupchat', 'headline', 'error'].map((t) => `${t}: ${d(el('message', { type: t }, [el('body', {}, ['x'])]))}`),
    presence: [undefined, 'unavailable'].map((t) => `${t ?? 'available'}: ${d(el('presence', t ? { type: t } : {}))}`),
  };
};

// @tests RFC6121 P86L21-P86L22, P86L24-P86L26, P86L28-P86L30
test('§8.5.1 no such user: an iq request and a message get service-unavailable, presence is dropped, an error or iq result is never answered', () => {
  assert.equal(kinds('tybalt@example.com', undefined), {
    iq: ['get: refuse service-unavailable', 'set: refuse service-unavailable', 'result: ignore', 'error: ignore'],
    message: ['normal: refuse service-unavailable', 'chat: refuse service-unavailable', 'groupchat: refuse service-unavailable', 'headline: refuse service-unavailable', 'error: ignore'],
    presence: ['available: ignore', 'unavailable: ignore'],
  });
});

// @tests RFC6121 P86L42-P86L44, P87L15-P87L25, P88L29-P88L30, P88L45-P88L47, P88L47-P89L5, P89L27-P89L29, P89L40-P89L47
test('§8.5.2 bare JID: messages to the non-negative available resources, presence to every available one, an iq answered by the server (service-unavailable); nothing available: presence dropped', () => {
  assert.equal(kinds('juliet@example.com', TWO), {
    iq: ['get: refuse service-unavailable', 'set: refuse service-unavailable', 'result: ignore', 'error: ignore'],
    message: ['normal: deliver balcony,chamber', 'chat: deliver balcony,chamber', 'groupchat: refuse service-unavailable', 'headline: deliver balcony,chamber', 'error: ignore'],
    presence: ['available: deliver balcony,chamber', 'unavailable: deliver balcony,chamber'],
  });
  assert.equal(kinds('juliet@example.com', res(['connected', false, 0])).presence, ['available: ignore', 'unavailable: ignore']);
});

// @tests RFC6121 P90L14-P90L20, P90L3-P90L7, P90L22-P90L23, P90L25-P90L26, P90L28-P90L30, P91L3-P91L6, P91L20-P91L22, P91L24-P91L30, P91L32-P91L33, P91L37-P91L38, P92L3-P92L4
test('§8.5.3 full JID: a connected resource gets every kind; no such resource: chat as to the bare JID, other messages and iq requests refused, presence dropped', () => {
  const all = ['get', 'set', 'result', 'error'].map((t) => `${t}: deliver connected`);
  assert.equal(kinds('juliet@example.com/connected', TWO), {
    iq: all,
    message: ['normal: deliver connected', 'chat: deliver connected', 'groupchat: deliver connected', 'headline: deliver connected', 'error: ignore'],
    presence: ['available: deliver connected', 'unavailable: deliver connected'],
  });
  assert.equal(kinds('juliet@example.com/connected', TWO, false).iq, ['get: refuse service-unavailable', 'set: refuse service-unavailable', 'result: deliver connected', 'error: deliver connected'], 'a request from one she shares no presence with');
  assert.equal(kinds('juliet@example.com/gone', TWO), {
    iq: ['get: refuse service-unavailable', 'set: refuse service-unavailable', 'result: ignore', 'error: ignore'],
    message: ['normal: refuse service-unavailable', 'chat: deliver balcony,chamber', 'groupchat: refuse service-unavailable', 'headline: refuse service-unavailable', 'error: ignore'],
    presence: ['available: ignore', 'unavailable: ignore'],
  });
});

test('deliverLocal refuses, loudly, a subscription stanza or probe: those are processed (§3, §4.3), not delivered', () => {
  for (const type of ['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed', 'probe']) assert.throws(() => deliverLocal(el('presence', { type }), j('juliet@example.com'), TWO, true), (e: Error) => e instanceof SubscriptionError && /processed/.test(e.message));
});

// @tests RFC6121 P88L23-P88L25, P88L39-P88L41, P86L11-P86L14
test("delivered as it came: a bare 'to' stays bare on each resource's copy; another domain is remote-server-not-found", () => {
  const w = world();
  w.online('juliet@example.com/balcony');
  w.online('juliet@example.com/chamber');
  w.online('romeo@example.com/orchard');
  const r = w.send('romeo@example.com/orchard', el('message', { to: 'juliet@example.com', type: 'chat', id: 'm1' }, [el('body', {}, ['hi'])]));
  assert.ok('send' in r);
  assert.equal(r.send.map((o) => [o.to, o.stanza.attrs.to]), [['juliet@example.com/balcony', 'juliet@example.com'], ['juliet@example.com/chamber', 'juliet@example.com']]);
  const p = w.send('romeo@example.com/orchard', el('presence', { to: 'juliet@example.com' }));
  assert.ok('send' in p && p.send.every((o) => o.stanza.attrs.to === 'juliet@example.com') && p.send.length === 2);
  const remote = w.send('romeo@example.com/orchard', el('message', { to: 'mercutio@example.org' }));
  assert.ok('error' in remote && remote.error.condition === 'remote-server-not-found');
});

// @tests RFC6121 P50L35-P50L37, P53L46-P54L12, P54L26-P54L31, P50L19-P50L23, P88L36-P88L37, P89L35-P89L36
test("initial presence: the probes it makes are answered by the contacts' sessions (unavailable when none is available), and the new resource hears its other resources", () => {
  const w = world();
  const juliet = w.account('juliet@example.com');
  const romeo = w.account('romeo@example.com');
  juliet.roster.contact('romeo@example.com').subscription.state = 'To';
  romeo.roster.contact('juliet@example.com').subscription.state = 'From';
  w.online('juliet@example.com/chamber');
  // romeo has no available resource: his session answers the probe with unavailable from his bare JID
  assert.equal(lines(w.online('juliet@example.com/balcony')).filter((l) => l.startsWith('juliet@example.com/balcony')), [
    'juliet@example.com/balcony presence:available from juliet@example.com/balcony',
    'juliet@example.com/balcony presence:unavailable from romeo@example.com',
    'juliet@example.com/balcony presence:available from juliet@example.com/chamber',
  ]);
  w.online('romeo@example.com/orchard');
  w.online('juliet@example.com/tower', { available: false });
  const out = w.online('juliet@example.com/tower');
  assert.ok(lines(out).includes('juliet@example.com/tower presence:available from romeo@example.com/orchard'), lines(out).join('\n'));
});

// @tests RFC6121 P63L17-P63L25, P63L35-P63L39, P59L40-P59L44, P60L1-P60L4
test('directed presence: delivered, remembered, and sent unavailable when the stream just ends; a presence error is not remembered', () => {
  const w = world();
  w.online('juliet@example.com/balcony');
  w.online('nurse@example.com/kitchen');
  w.online('romeo@example.com/orchard');
  const d = w.send('romeo@example.com/orchard', el('presence', { to: 'juliet@example.com/balcony' }));
  assert.equal('send' in d && lines(d.send), ['juliet@example.com/balcony presence:available from romeo@example.com/orchard']);
  w.send('romeo@example.com/orchard', el('presence', { to: 'nurse@example.com', type: 'error' }, [el('error', { type: 'cancel' })]));
  const gone = disconnected(w.account('romeo@example.com'), 'orchard', w.lookup);
  assert.equal(lines(gone), ['juliet@example.com/balcony presence:unavailable from romeo@example.com/orchard']);
  assert.equal(disconnected(w.account('romeo@example.com'), 'orchard', w.lookup), [], 'once');
});

test('directed presence to ever new addresses: remembered for at most MAX_DIRECTED per resource, the one past refused with resource-constraint; an unavailable frees room; memory per session stays bounded', () => {
  const w = world();
  w.online('romeo@example.com/orchard');
  for (let i = 0; i < MAX_DIRECTED; i++) {
    const r = w.send('romeo@example.com/orchard', el('presence', { to: `nobody${i}@example.com` }));
    assert.ok(!('error' in r), `directed presence ${i} taken`);
  }
  const past = w.send('romeo@example.com/orchard', el('presence', { to: 'one-more@example.com' }));
  assert.equal('error' in past && past.error.condition, 'resource-constraint');
  // One already remembered is taken again, and an unavailable takes one back, making room.
  assert.ok(!('error' in w.send('romeo@example.com/orchard', el('presence', { to: 'nobody0@example.com' }))));
  w.send('romeo@example.com/orchard', el('presence', { to: 'nobody0@example.com', type: 'unavailable' }));
  w.online('juliet@example.com/balcony');
  assert.ok(!('error' in w.send('romeo@example.com/orchard', el('presence', { to: 'juliet@example.com/balcony' }))));
  assert.equal('error' in w.send('romeo@example.com/orchard', el('presence', { to: 'one-more@example.com' })), true, 'full again');
  assert.equal(lines(disconnected(w.account('romeo@example.com'), 'orchard', w.lookup)), ['juliet@example.com/balcony presence:unavailable from romeo@example.com/orchard'], 'the remembered ones are still sent unavailable (to who exists)');
});

// @tests RFC6121 P63L27-P63L39
test('at the MAX_DIRECTED cap, presence to a subscriber from an available resource is still sent: the subscription covers it, so it is not remembered and costs nothing', () => {
  const w = world();
  w.online('romeo@example.com/orchard');
  w.online('nurse@example.com/kitchen');
  for (let i = 0; i < MAX_DIRECTED; i++) w.send('romeo@example.com/orchard', el('presence', { to: `nobody${i}@example.com` }));
  const past = w.send('romeo@example.com/orchard', el('presence', { to: 'nurse@example.com/kitchen' }));
  assert.equal('error' in past && past.error.condition, 'resource-constraint', 'full, for one outside the subscription');
  w.account('romeo@example.com').roster.contact('nurse@example.com').subscription.state = 'From';
  const covered = w.send('romeo@example.com/orchard', el('presence', { to: 'nurse@example.com/kitchen' }));
  assert.equal('send' in covered && lines(covered.send), ['nurse@example.com/kitchen presence:available from romeo@example.com/orchard']);
});

const rosterIq = (type: 'get' | 'set', items: XmlElement[] = []) => el('iq', { type, id: 'r' }, [element('query', { xmlns: ROSTER_NS }, items, ROSTER_NS)]);
const item = (jid: string, attrs: Record<string, string> = {}) => element('item', { jid, ...attrs }, [], ROSTER_NS);

// @tests RFC6121 P25L12-P25L17, P25L22-P25L25, P25L27-P25L30, P25L32-P25L34, P12L47-P12L48, P16L8-P16L12
test('roster set removing a contact: the unsubscribe and unsubscribed §2.5.2 asks for go first, through both sides\' tables, then the remove push; a request still pending is withdrawn too', () => {
  const w = world();
  w.online('juliet@example.com/balcony');
  w.online('romeo@example.com/orchard');
  const juliet = w.account('juliet@example.com');
  const romeo = w.account('romeo@example.com');
  const get = rosterGetFrom(juliet, j('juliet@example.com/balcony'), rosterIq('get'));
  assert.ok('send' in get && get.result?.name === 'query' && get.result.attrs.ver === undefined, 'no versioning: no ver');
  rosterGetFrom(romeo, j('romeo@example.com/orchard'), rosterIq('get'));
  juliet.roster.contact('romeo@example.com').subscription.state = 'Both';
  romeo.roster.contact('juliet@example.com').subscription.state = 'Both';
  rosterSetFrom(juliet, j('juliet@example.com/balcony'), rosterIq('set', [item('romeo@example.com')]), w.lookup, DOMAIN);
  const r = rosterSetFrom(juliet, j('juliet@example.com/balcony'), rosterIq('set', [item('romeo@example.com', { subscription: 'remove' })]), w.lookup, DOMAIN);
  assert.ok('send' in r);
  const toRomeo = r.send.filter((o) => o.to === 'romeo@example.com/orchard' && o.stanza.name === 'presence').map((o) => o.stanza.attrs.type ?? 'available');
  // To his interested resource: the notice of each (§3.2.3, §3.3.3); before the cancellation, juliet's unavailable presence (§3.2.2).
  assert.equal(toRomeo, ['unsubscribe', 'unavailable', 'unsubscribed']);
  const pushes = r.send.filter((o) => o.to === 'juliet@example.com/balcony' && o.stanza.name === 'iq');
  const last = (pushes.at(-1)!.stanza.children[0] as XmlElement).children[0] as XmlElement;
  assert.is(last.attrs.subscription, 'remove', 'the remove push comes last');
  assert.ok(pushes.every((p) => (p.stanza.children[0] as XmlElement).attrs.ver === undefined), 'no ver in a push without versioning');
  assert.is(romeo.roster.subscriptionOf('juliet@example.com'), 'None');
  assert.not.ok(juliet.roster.isListed('romeo@example.com'));
  assert.equal(removalPresence('None + Pending Out'), ['unsubscribe']);
  assert.equal(removalPresence('From + Pending Out'), ['unsubscribe', 'unsubscribed']);
  assert.equal(removalPresence('None + Pending In'), []);
  const own = rosterSetFrom(juliet, j('juliet@example.com/balcony'), rosterIq('set', [item('juliet@example.com')]), w.lookup, DOMAIN);
  assert.ok('error' in own && own.error.condition === 'not-acceptable');
  const gone = rosterSetFrom(juliet, j('juliet@example.com/balcony'), rosterIq('set', [item('romeo@example.com', { subscription: 'remove' })]), w.lookup, DOMAIN);
  assert.ok('error' in gone && gone.error.condition === 'item-not-found');
});

// @tests RFC6121 P90L14-P90L20
test('an iq request to a full JID: delivered to her own other resource, to a subscriber, to whom she sent directed presence; refused to anyone else', () => {
  const w = world();
  w.online('juliet@example.com/balcony');
  w.online('juliet@example.com/chamber');
  w.online('romeo@example.com/orchard');
  w.online('nurse@example.com/kitchen');
  const ask = (from: string) => {
    const r = w.send(from, { ...iq('get'), attrs: { ...iq('get').attrs, to: 'juliet@example.com/balcony' } });
    return 'error' in r ? r.error.condition : r.send.map((o) => o.to).join(',');
  };
  assert.is(ask('juliet@example.com/chamber'), 'juliet@example.com/balcony');
  assert.is(ask('romeo@example.com/orchard'), 'service-unavailable');
  w.account('juliet@example.com').roster.contact('romeo@example.com').subscription.state = 'From';
  assert.is(ask('romeo@example.com/orchard'), 'juliet@example.com/balcony');
  assert.is(ask('nurse@example.com/kitchen'), 'service-unavailable');
  w.send('juliet@example.com/balcony', el('presence', { to: 'nurse@example.com' }));
  assert.is(ask('nurse@example.com/kitchen'), 'juliet@example.com/balcony');
});

test.run();
