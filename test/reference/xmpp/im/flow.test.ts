/**
 * Two accounts on one server through RFC 6121 §3: what each resource gets
 * (requests, approvals, pushes, presence), in order, and each client's
 * ClientSubscription checking every push it receives against the tables.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, childOf, element } from '../../../../reference/xmpp/xml/index.ts';
import { parseJid } from '../../../../reference/xmpp/jid/index.ts';
import { Account, ClientSubscription, ROSTER_NS, type Outgoing, outbound, pendingFor, readRosterPush } from '../../../../reference/xmpp/im/index.ts';

const DOMAIN = 'example.com';

function world() {
  const accounts = new Map<string, Account>();
  const add = (bare: string, resource: string) => {
    const a = new Account(parseJid(bare));
    a.presence.connect(resource);
    a.presence.requestedRoster(resource);
    a.presence.broadcast(resource, element('presence', {}, [], 'jabber:client'), a.roster.states());
    accounts.set(bare, a);
    return a;
  };
  return { accounts, add, lookup: (b: string) => accounts.get(b) };
}

/** What a resource was sent, as short strings: "push none ask", "presence subscribe from …". */
const seen = (out: Outgoing[], to: string) =>
  out.filter((o) => o.to === to).map((o) => {
    const q = childOf(o.stanza, 'query', ROSTER_NS);
    if (q) {
      const item = q.children[0] as XmlElement;
      return `push ${item.attrs.subscription}${item.attrs.ask ? ' ask' : ''}`;
    }
    return `presence ${o.stanza.attrs.type ?? 'available'} from ${o.stanza.attrs.from}`;
  });

/** A client view per side: each push it gets checked against the prediction. */
function clientOf(jid: string, other: string) {
  const view = new ClientSubscription();
  const disagreements: string[] = [];
  const take = (out: Outgoing[]) => {
    for (const o of out.filter((x) => x.to.startsWith(`${jid}/`))) {
      const push = childOf(o.stanza, 'query', ROSTER_NS) ? readRosterPush(o.stanza, parseJid(jid)) : undefined;
      if (push && 'item' in push) {
        if (push.item.jid !== other) continue;
        const c = view.pushed(push.item);
        if (!c.agrees) disagreements.push(`${JSON.stringify(c.expected)} got ${JSON.stringify(c.got)}`);
      } else if (o.stanza.name === 'presence' && ['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed'].includes(o.stanza.attrs.type ?? '')) view.received(o.stanza.attrs.type!);
    }
  };
  return { view, disagreements, take };
}

// @tests RFC6121 P32L6-P32L15, RFC6120 P100L38-P100L40, RFC6121 P33L11-P33L16, P34L23-P34L26, P36L38-P36L40, P37L26-P37L27, P38L8-P38L16, P38L23-P38L28, P39L1-P39L3, P30L25-P30L30
test('the handshake: request delivered, approval, pushes in order; presence follows the approval; both clients agree with every push', () => {
  const w = world();
  const romeo = w.add('romeo@example.com', 'orchard');
  const juliet = w.add('juliet@example.com', 'balcony');
  const rc = clientOf('romeo@example.com', 'juliet@example.com');
  const jc = clientOf('juliet@example.com', 'romeo@example.com');
  const send = (from: Account, client: ReturnType<typeof clientOf>, type: string, to: string) => {
    client.view.sent(type);
    const r = outbound(from, element('presence', { to, type, from: 'forged@evil.example/x' }, [], 'jabber:client'), w.lookup, DOMAIN);
    assert.ok('send' in r, JSON.stringify(r));
    rc.take(r.send);
    jc.take(r.send);
    return r.send;
  };
  const s1 = send(romeo, rc, 'subscribe', 'juliet@example.com/balcony');
  assert.equal(seen(s1, 'juliet@example.com/balcony'), ['presence subscribe from romeo@example.com'], 'stamped with the bare JID, not the forged from');
  assert.equal(seen(s1, 'romeo@example.com/orchard'), ['push none ask']);
  // Delivered with its 'to' as routed: the contact's bare JID (the full one the client gave treated as bare), never rewritten to the resource.
  assert.is(s1.find((o) => o.to === 'juliet@example.com/balcony')!.stanza.attrs.to, 'juliet@example.com');
  const s2 = send(juliet, jc, 'subscribed', 'romeo@example.com');
  assert.equal(seen(s2, 'romeo@example.com/orchard'), ['presence subscribed from juliet@example.com', 'push to', 'presence available from juliet@example.com/balcony']);
  assert.equal(seen(s2, 'juliet@example.com/balcony'), ['push from']);
  send(juliet, jc, 'subscribe', 'romeo@example.com');
  send(romeo, rc, 'subscribed', 'juliet@example.com');
  assert.is(romeo.roster.contact('juliet@example.com').subscription.state, 'Both');
  assert.is(juliet.roster.contact('romeo@example.com').subscription.state, 'Both');
  assert.is(rc.view.state, 'Both');
  assert.is(jc.view.state, 'Both');
  assert.equal([rc.disagreements, jc.disagreements], [[], []]);
  // Unsubscribe: the contact's resources' unavailable presence reaches the user.
  const s3 = send(romeo, rc, 'unsubscribe', 'juliet@example.com');
  assert.equal(seen(s3, 'juliet@example.com/balcony'), ['presence unsubscribe from romeo@example.com', 'push to']);
  assert.ok(seen(s3, 'romeo@example.com/orchard').includes('presence unavailable from juliet@example.com/balcony'));
  // Cancelling: unavailable first, then "unsubscribed".
  const s4 = send(romeo, rc, 'unsubscribed', 'juliet@example.com');
  assert.equal(seen(s4, 'juliet@example.com/balcony'), ['presence unavailable from romeo@example.com/orchard', 'presence unsubscribed from romeo@example.com', 'push none']);
  assert.equal(seen(s4, 'romeo@example.com/orchard'), ['push none']);
  assert.equal([rc.view.state, jc.view.state], ['None', 'None']);
  assert.equal([rc.disagreements, jc.disagreements], [[], []]);
});

// @tests RFC6121 P35L7-P35L24, P35L26-P35L29, P45L47-P46L7
test('a request to an offline contact is kept (once per requester), delivered when it becomes available, and dropped when withdrawn', () => {
  const w = world();
  const romeo = w.add('romeo@example.com', 'orchard');
  const juliet = new Account(parseJid('juliet@example.com'));
  w.accounts.set('juliet@example.com', juliet);
  outbound(romeo, element('presence', { to: 'juliet@example.com', type: 'subscribe' }), w.lookup, DOMAIN);
  outbound(romeo, element('presence', { to: 'juliet@example.com', type: 'subscribe', id: 'again' }), w.lookup, DOMAIN);
  assert.is(juliet.pending.size, 1);
  assert.equal(juliet.roster.get().query?.children, [], 'no roster item for a request alone');
  juliet.presence.connect('balcony');
  assert.equal(pendingFor(juliet, 'balcony').map((o) => [o.to, o.stanza.attrs.type]), [['juliet@example.com/balcony', 'subscribe']]);
  outbound(romeo, element('presence', { to: 'juliet@example.com', type: 'unsubscribe' }), w.lookup, DOMAIN);
  assert.is(juliet.pending.size, 0);
  assert.is(juliet.roster.contact('romeo@example.com').subscription.state, 'None');
});

test('kept requests are bounded: past the bound the oldest goes, one per requester', () => {
  const a = new Account(parseJid('juliet@example.com'), 3);
  for (const who of ['a', 'b', 'c', 'a', 'd']) a.keep(`${who}@example.net`, element('presence', { from: `${who}@example.net`, type: 'subscribe' }));
  assert.equal([...a.pending.keys()], ['c@example.net', 'a@example.net', 'd@example.net']);
});

// @tests RFC6121 P32L6-P32L15, P32L38-P32L43, P34L28-P34L31
test('errors and auto-replies: a malformed to is jid-malformed, a remote domain remote-server-not-found; a subscribed contact answers for itself', () => {
  const w = world();
  const romeo = w.add('romeo@example.com', 'orchard');
  const bad = outbound(romeo, element('presence', { to: 'a@@b', type: 'subscribe' }), w.lookup, DOMAIN);
  assert.ok('error' in bad && bad.error.condition === 'jid-malformed');
  const remote = outbound(romeo, element('presence', { to: 'mercutio@example.org', type: 'subscribe' }), w.lookup, DOMAIN);
  assert.ok('error' in remote && remote.error.condition === 'remote-server-not-found');
  const juliet = w.add('juliet@example.com', 'balcony');
  juliet.roster.contact('romeo@example.com').subscription.state = 'From';
  romeo.roster.contact('juliet@example.com').subscription.state = 'None';
  const r = outbound(romeo, element('presence', { to: 'juliet@example.com', type: 'subscribe' }), w.lookup, DOMAIN);
  assert.ok('send' in r);
  assert.equal(seen(r.send, 'juliet@example.com/balcony'), [], 'not delivered to the contact');
  assert.ok(seen(r.send, 'romeo@example.com/orchard').includes('presence subscribed from juliet@example.com'));
  assert.is(romeo.roster.contact('juliet@example.com').subscription.state, 'To');
});

test.run();
