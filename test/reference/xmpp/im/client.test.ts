/**
 * What the client sends (RFC 6121 §2, §3): each refusal of
 * subscriptionStanza and rosterSet, the roster get as the server reads it,
 * and a client's probe answered without an error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, element } from '../../../../reference/xmpp/xml/index.ts';
import { parseJid } from '../../../../reference/xmpp/jid/index.ts';
import { Account, ClientSubscription, ROSTER_NS, SubscriptionError, clientProbe, readRosterGet, readRosterSet, rosterSet, subscriptionStanza } from '../../../../reference/xmpp/im/index.ts';

const romeo = parseJid('romeo@example.net');
const refused = (f: () => unknown, why: RegExp) => assert.throws(f, (e: Error) => e instanceof SubscriptionError && why.test(e.message));

// @tests RFC6121 P31L22-P31L27, P46L44-P46L46, P36L22-P36L24, P46L9-P46L15
test('subscriptionStanza: bare JIDs only, no pre-approval the server does not offer, never the request id, the view moved on sending', () => {
  const view = new ClientSubscription();
  refused(() => subscriptionStanza(view, 'subscribe', parseJid('romeo@example.net/orchard'), 's1', { preApprovals: false }), /bare JID/);
  refused(() => subscriptionStanza(view, 'subscribed', romeo, 's1', { preApprovals: false }), /pre-approval/);
  assert.is(view.state, 'None', 'a refused stanza does not move the view');
  assert.equal(subscriptionStanza(view, 'subscribed', romeo, 's1', { preApprovals: true }).attrs, { id: 's1', to: 'romeo@example.net', type: 'subscribed' });
  const asked = new ClientSubscription();
  asked.received('subscribe');
  const request = element('presence', { from: 'romeo@example.net', id: 'xk3h1v69', type: 'subscribe' });
  refused(() => subscriptionStanza(asked, 'subscribed', romeo, 'xk3h1v69', { preApprovals: false, answering: request }), /mirrors/);
  subscriptionStanza(asked, 'subscribed', romeo, 'a1', { preApprovals: false, answering: request });
  assert.is(asked.state, 'From');
  const to = new ClientSubscription('To');
  subscriptionStanza(to, 'unsubscribe', romeo, 'u1', { preApprovals: false });
  assert.is(to.state, 'None', 'void as soon as it is sent');
});

// @tests RFC6121 P10L34-P10L38, P12L35-P12L39, P17L1-P17L5
test("rosterSet carries no ask, approved or subscription but remove; readRosterGet refuses items and other accounts", () => {
  const s = rosterSet('r1', { jid: parseJid('nurse@example.com/x'), name: 'Nurse', groups: ['Servants'] });
  const item = (s.children[0] as XmlElement).children[0] as XmlElement;
  assert.equal(item.attrs, { jid: 'nurse@example.com', name: 'Nurse' });
  const juliet = parseJid('juliet@example.com/balcony');
  assert.equal(readRosterSet(s, juliet, juliet), { jid: 'nurse@example.com', name: 'Nurse', groups: ['Servants'], remove: false });
  assert.equal(((rosterSet('r2', { remove: romeo }).children[0] as XmlElement).children[0] as XmlElement).attrs, { jid: 'romeo@example.net', subscription: 'remove' });
  const get = (children: XmlElement[] = [], ver?: string) => element('iq', { id: 'g', type: 'get' }, [element('query', { xmlns: ROSTER_NS, ...(ver !== undefined && { ver }) }, children, ROSTER_NS)]);
  assert.equal(readRosterGet(get([], 'ver7'), juliet, juliet), { ver: 'ver7' });
  assert.equal(readRosterGet(get([element('item', { jid: 'a@b' }, [], ROSTER_NS)]), juliet, juliet), { condition: 'bad-request', reason: 'a roster get MUST NOT contain <item/> elements (RFC 6121 §2)' });
  assert.is((readRosterGet(get(), romeo, juliet) as { condition: string }).condition, 'forbidden');
});

// @tests RFC6121 P52L4-P52L9
test("a client's probe is answered as a server's would be, with no error", () => {
  const a = new Account(parseJid('juliet@example.com'));
  const b = new Account(parseJid('romeo@example.com'));
  a.presence.connect('balcony');
  a.presence.broadcast('balcony', element('presence'), a.roster.states());
  b.presence.connect('orchard');
  b.presence.broadcast('orchard', element('presence'), b.roster.states());
  const lookup = (j: string) => (j === 'romeo@example.com' ? b : undefined);
  const probe = element('presence', { to: 'romeo@example.com', type: 'probe' });
  assert.equal(clientProbe(a, probe, lookup).map((o) => [o.to, o.stanza.attrs.from, o.stanza.attrs.type]), [['juliet@example.com/balcony', 'romeo@example.com', 'unsubscribed']]);
  b.roster.contact('juliet@example.com').subscription.state = 'From';
  assert.equal(clientProbe(a, probe, lookup).map((o) => [o.stanza.attrs.from, o.stanza.attrs.type ?? 'available']), [['romeo@example.com/orchard', 'available']]);
  assert.equal(clientProbe(a, element('presence', { to: 'nobody@example.com', type: 'probe' }), lookup), []);
});

test.run();
