/**
 * Presence (RFC 6121 §4) and messages (§5, §8.5): every presence and
 * message example of RFC 6121 passes checkPresence/checkMessage; each rule
 * broken is refused; a session's broadcasts, probes, directed presence and
 * ungraceful end; and where messages to a user go, offline refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { type XmlElement, StreamReader, element } from '../../../../reference/xmpp/xml/index.ts';
import { parseJid } from '../../../../reference/xmpp/jid/index.ts';
import {
  PresenceSession, type Contacts, checkMessage, checkPresence, deliverMessage, messageType, newThreadId, priorityOf, type SubscriptionState,
} from '../../../../reference/xmpp/im/index.ts';

const STREAM = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const read = (xml: string): XmlElement | undefined => {
  const ev = new StreamReader().feed(STREAM + xml).find((x) => x.type === 'element');
  return ev?.type === 'element' ? ev.element : undefined;
};
const C = 'jabber:client';
const el = (name: string, attrs: Record<string, string> = {}, children: (XmlElement | string)[] = []) => element(name, attrs, children, C);

// @tests RFC6121 P66L25-P66L32, P68L18-P68L22, P71L42-P71L43
test("every presence and message RFC 6121 prints passes our checks (the RFC keeps its own rules)", async () => {
  let presences = 0;
  let messages = 0;
  for (const e of await xmppExamples(6121)) {
    const s = /^<(presence|message)[\s>/]/.test(e.xml) ? read(e.xml.replace(/\[ \.\.\. [^\]]* \.\.\. \]/g, '')) : undefined;
    if (!s) continue;
    const problem = s.name === 'presence' ? checkPresence(s) : checkMessage(s);
    assert.is(problem, undefined, `§${e.section} ${e.ref}: ${problem?.reason}`);
    if (s.name === 'presence') presences++;
    else messages++;
  }
  assert.ok(presences > 50 && messages >= 5, `${presences} presences, ${messages} messages`);
});

// @tests RFC6121 P66L25-P66L32, P68L18-P68L22, P59L34-P59L36, P65L24-P65L27, P68L31-P68L32
test('checkPresence: each §4.7 rule broken is bad-request naming it; priority defaults to 0', () => {
  const bad: [XmlElement, RegExp][] = [
    [el('presence', {}, [el('show', {}, ['away']), el('show', {}, ['dnd'])]), /more than one <show\/>/],
    [el('presence', {}, [el('show', {}, ['sleeping'])]), /<show>sleeping<\/show>/],
    [el('presence', {}, [el('status', {}, [el('b', {}, ['x'])])]), /mixed content/],
    [el('presence', {}, [el('priority', {}, ['128'])]), /-128 to \+127/],
    [el('presence', {}, [el('priority', {}, ['1.5'])]), /-128 to \+127/],
    [el('presence', {}, [el('priority', {}, ['1']), el('priority', {}, ['2'])]), /more than one <priority\/>/],
    [el('presence', { type: 'unavailable' }, [el('show', {}, ['away'])]), /only to available/],
    [el('presence', { type: 'error' }), /without <error\/>/],
  ];
  for (const [p, why] of bad) assert.match(checkPresence(p)?.reason ?? 'passed', why);
  assert.is(checkPresence(el('presence', {}, [el('priority', {}, ['-128'])])), undefined);
  assert.is(priorityOf(el('presence')), 0);
  assert.is(priorityOf(el('presence', {}, [el('priority', {}, ['-1'])])), -1);
});

const juliet = parseJid('juliet@example.com');
const contacts: Contacts = new Map<string, SubscriptionState>([
  ['romeo@example.net', 'Both'],
  ['nurse@example.com', 'From'],
  ['benvolio@example.net', 'To'],
  ['tybalt@example.com', 'None + Pending In'],
]);
const targets = (out: { to: string; stanza: XmlElement }[]) => out.map((o) => `${o.to} ${o.stanza.attrs.type ?? 'available'}`).sort();

// @tests RFC6121 P50L3-P50L8, P50L19-P50L23, P50L35-P50L37, P57L26-P57L29, P58L23-P58L25, P51L27-P51L31
test('PresenceSession: initial presence to subscribers and own resources, probes to whom we are subscribed; subsequent without probes', () => {
  const s = new PresenceSession(juliet);
  s.connect('balcony');
  s.connect('chamber');
  const initial = s.broadcast('balcony', el('presence'), contacts);
  assert.equal(targets(initial), [
    'benvolio@example.net probe', 'juliet@example.com/balcony available', 'nurse@example.com available', 'romeo@example.net available', 'romeo@example.net probe',
  ]);
  assert.ok(initial.filter((o) => o.stanza.attrs.type !== 'probe').every((o) => o.stanza.attrs.from === 'juliet@example.com/balcony'), 'from the full JID');
  assert.ok(initial.filter((o) => o.stanza.attrs.type === 'probe').every((o) => o.stanza.attrs.from === 'juliet@example.com'), 'probes from the bare JID');
  s.broadcast('chamber', el('presence'), contacts);
  const update = s.broadcast('balcony', el('presence', {}, [el('show', {}, ['away'])]), contacts);
  assert.equal(targets(update), ['juliet@example.com/balcony available', 'juliet@example.com/chamber available', 'nurse@example.com available', 'romeo@example.net available']);
  assert.is((update[0]!.stanza.children[0] as XmlElement).name, 'show', 'the full XML');
});

// @tests RFC6121 P60L1-P60L4, P61L1-P61L3, P61L11-P61L13, P59L40-P59L44, P61L15-P61L20, P63L27-P63L39, P62L48-P63L3
test('unavailable: to subscribers, own resources and directed-presence entities; generated when a stream just ends; then initial again', () => {
  const s = new PresenceSession(juliet);
  s.connect('balcony');
  s.broadcast('balcony', el('presence'), contacts);
  s.directed('balcony', el('presence'), parseJid('room@muc.example.com/Jules'), contacts);
  s.directed('balcony', el('presence'), parseJid('friar@example.com'), contacts);
  s.directed('balcony', el('presence', { type: 'unavailable' }), parseJid('friar@example.com'), contacts);
  const gone = s.disconnect('balcony', contacts);
  assert.equal(targets(gone), ['juliet@example.com/balcony unavailable', 'nurse@example.com unavailable', 'romeo@example.net unavailable', 'room@muc.example.com/Jules unavailable']);
  assert.equal(s.available(), []);
  assert.equal(s.disconnect('balcony', contacts), [], 'once');
  const t = new PresenceSession(juliet);
  t.connect('r');
  t.broadcast('r', el('presence'), contacts);
  t.broadcast('r', el('presence', { type: 'unavailable' }), contacts);
  assert.ok(t.broadcast('r', el('presence'), contacts).some((o) => o.stanza.attrs.type === 'probe'), 'available after unavailable is initial presence again');
  assert.throws(() => t.broadcast('nowhere', el('presence'), contacts), /not a connected resource/);
});

// @tests RFC6121 P53L7-P53L18, P53L46-P54L12, P54L26-P54L31, P55L5-P55L15, P64L36-P64L44
test('answerProbe: unsubscribed to a non-subscriber, unavailable when none is available, the last presence of each resource, one resource when probed by full JID', () => {
  const s = new PresenceSession(juliet);
  const answer = (prober: string, to: string, state: SubscriptionState) => s.answerProbe(prober, parseJid(to), state).map((o) => [o.stanza.attrs.from, o.stanza.attrs.type ?? 'available']);
  assert.equal(answer('tybalt@example.com', 'juliet@example.com', 'None'), [['juliet@example.com', 'unsubscribed']]);
  assert.equal(answer('romeo@example.net', 'juliet@example.com', 'Both'), [['juliet@example.com', 'unavailable']]);
  s.connect('balcony');
  s.connect('chamber');
  s.broadcast('balcony', el('presence', {}, [el('status', {}, ['Wherefore'])]), contacts);
  s.broadcast('chamber', el('presence'), contacts);
  assert.equal(answer('romeo@example.net', 'juliet@example.com', 'From'), [['juliet@example.com/balcony', 'available'], ['juliet@example.com/chamber', 'available']]);
  const full = s.answerProbe('romeo@example.net', parseJid('juliet@example.com/balcony'), 'Both');
  assert.equal(full.map((o) => [o.stanza.attrs.from, o.stanza.children.length]), [['juliet@example.com/balcony', 0]], 'only the fact of availability');
  s.directed('chamber', el('presence'), parseJid('room@muc.example.com'), contacts);
  assert.equal(answer('room@muc.example.com', 'juliet@example.com/chamber', 'None'), [['juliet@example.com/chamber', 'available']]);
});

const resources = (...rs: [string, boolean, number][]) => rs.map(([resource, available, priority]) => ({ resource, available, priority }));

// @tests RFC6121 P73L2-P73L5, P87L15-P87L25, P88L17-P88L21, P87L46-P87L48, P88L3-P88L4, P89L15-P89L17, P91L3-P91L6, P88L14-P88L15, P90L25-P90L26
test('deliverMessage: non-negative available resources; offline refused with service-unavailable; the type rules of §8.5', () => {
  const m = (type?: string) => el('message', type ? { type } : {}, [el('body', {}, ['hi'])]);
  const bare = parseJid('juliet@example.com');
  const two = resources(['balcony', true, 1], ['chamber', true, 0], ['hidden', true, -1], ['connected', false, 0]);
  assert.equal(deliverMessage(m('chat'), bare, two), { deliver: ['balcony', 'chamber'] });
  assert.equal(deliverMessage(m(), bare, two), { deliver: ['balcony', 'chamber'] });
  assert.is(messageType(m('bogus')), 'normal');
  assert.ok('refuse' in deliverMessage(m('chat'), bare, resources(['hidden', true, -1])), 'negative priority only: as if offline');
  const offline = deliverMessage(m('chat'), bare, []);
  assert.ok('refuse' in offline && offline.refuse === 'service-unavailable' && /not stored/.test(offline.reason));
  assert.ok('refuse' in deliverMessage(m('groupchat'), bare, two));
  assert.ok('ignore' in deliverMessage(m('headline'), bare, []));
  assert.ok('ignore' in deliverMessage(m('error'), bare, two));
  assert.equal(deliverMessage(m('normal'), parseJid('juliet@example.com/hidden'), two), { deliver: ['hidden'] }, 'a full JID that matches: to it');
  assert.equal(deliverMessage(m('chat'), parseJid('juliet@example.com/gone'), two), { deliver: ['balcony', 'chamber'] }, 'chat to a gone resource: as to the bare JID');
  assert.ok('refuse' in deliverMessage(m('normal'), parseJid('juliet@example.com/gone'), two));
});

// @tests RFC6121 P71L42-P71L43, P75L35-P75L38, P75L42-P75L45, P74L13-P74L14, P76L16-P76L27
test('checkMessage and ThreadIDs', () => {
  assert.match(checkMessage(el('message', { type: 'shout' }))?.reason ?? '', /§5\.2\.2/);
  assert.match(checkMessage(el('message', {}, [el('thread', {}, ['a']), el('thread', {}, ['b'])]))?.reason ?? '', /more than one <thread\/>/);
  assert.match(checkMessage(el('message', {}, [el('thread', { parent: 'a' }, ['a'])]))?.reason ?? '', /MUST be different/);
  assert.match(checkMessage(el('message', {}, [el('body', {}, [el('i', {}, ['x'])])]))?.reason ?? '', /mixed content/);
  const ids = new Set(Array.from({ length: 1000 }, newThreadId));
  assert.is(ids.size, 1000);
  assert.match([...ids][0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a random (v4) UUID: no MAC address, no clock');
});

// @tests RFC6121 P68L18, P68L31-P68L32
test('priorityOf: what is no integer from -128 to +127 counts as none given (0), so a resource is never ranked by NaN', () => {
  for (const bad of ['high', '1.5', '300', '']) assert.is(priorityOf(el('presence', {}, [el('priority', {}, [bad])])), 0, bad);
  assert.is(priorityOf(el('presence', {}, [el('priority', {}, ['+5'])])), 5);
});

test.run();
