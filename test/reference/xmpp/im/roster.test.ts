/**
 * The roster (RFC 6121 §2): the RFC's own roster sets and pushes (read
 * from its text) through readRosterSet and readRosterPush, each §2.3.3
 * error case, removal's presence, and versioning's interim pushes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xmppExamples, type XmppExample } from '../../../../tools/testkit/xmppExamples.ts';
import { type XmlElement, StreamReader, element } from '../../../../reference/xmpp/xml/index.ts';
import { parseJid } from '../../../../reference/xmpp/jid/index.ts';
import { checkIq, type StanzaProblem } from '../../../../reference/xmpp/stanza/index.ts';
import { ROSTER_NS, Roster, type RequestedItem, readRosterPush, readRosterSet, rosterGet } from '../../../../reference/xmpp/im/index.ts';

const STREAM = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const read = (xml: string): XmlElement => {
  const ev = new StreamReader().feed(STREAM + xml).find((x) => x.type === 'element');
  if (ev?.type !== 'element') throw new Error(`no stanza in ${xml}`);
  return ev.element;
};
const isProblem = (x: object): x is StanzaProblem => 'condition' in x;

const juliet = parseJid('juliet@example.com/balcony');

/** The RFC's roster iqs of §2: a set from the user's client (UC/C) or a push from its server (US/S). */
async function rosterIqs(type: 'set'): Promise<{ e: XmppExample; iq: XmlElement }[]> {
  const out: { e: XmppExample; iq: XmlElement }[] = [];
  for (const e of await xmppExamples(6121)) {
    if (!/^2\./.test(e.section) || !/^<iq/.test(e.xml) || !e.xml.includes(ROSTER_NS)) continue;
    // §2.5.3 elides the JID of an item not in the roster: made a real one.
    const iq = read(e.xml.replace('[ ... non-existent-jid ... ]', 'nobody@example.com'));
    if (iq.attrs.type === type) out.push({ e, iq });
  }
  return out;
}

// @tests RFC6121 P14L10-P14L11, P14L45-P14L46, P15L1-P15L4, P17L27-P17L29
test("RFC 6121 §2's roster sets and pushes as printed: each set read, each push from the account accepted", async () => {
  let pushes = 0;
  let accepted = 0;
  for (const { e, iq } of await rosterIqs('set')) {
    if (e.section === '2.3.3') continue;
    const where = `§${e.section} ${e.ref} (${e.marker})`;
    assert.is(checkIq(iq), undefined, where);
    if (/S$/.test(e.marker)) {
      const r = readRosterPush(iq, parseJid(iq.attrs.to ?? 'juliet@example.com').bare);
      assert.not.ok(isProblem(r), `${where}: ${JSON.stringify(r)}`);
      pushes++;
    } else {
      const sender = parseJid(iq.attrs.from ?? 'juliet@example.com/balcony');
      const r = readRosterSet(iq, sender, parseJid(iq.attrs.to ?? sender.bare.toString()));
      assert.not.ok(isProblem(r), `${where}: ${JSON.stringify(r)}`);
      // Removing an item not in the (here empty) roster: §2.5.3's item-not-found.
      if (e.section === '2.5.3' && !isProblem(r)) assert.equal((new Roster(sender.bare).set(r) as StanzaProblem).condition, 'item-not-found');
      accepted++;
    }
  }
  assert.ok(pushes >= 5 && accepted >= 3, `pushes ${pushes}, sets ${accepted}`);
});

// @tests RFC6121 P18L41-P18L42, P19L1-P19L4, P19L6-P19L15, P19L17-P19L28
test("§2.3.3's error cases as printed: each refused roster set gets the condition the RFC's answer shows", async () => {
  const examples = (await xmppExamples(6121)).filter((e) => e.section === '2.3.3');
  const seen: string[] = [];
  for (let i = 1; i < examples.length; i++) {
    const [c, s] = [examples[i - 1]!, examples[i]!];
    if (c.marker !== 'C' || s.marker !== 'S') continue;
    // The RFC elides its oversized values as "[ ... some-very-long-handle ... ]": made real, longer than our limits.
    const iq = read(c.xml.replace(/\[ \.\.\. some-very-long-[\w-]+ \.\.\. \]/g, 'x'.repeat(2000)));
    const answer = /<([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/.exec(s.xml)![1]!;
    const sender = parseJid(iq.attrs.from!);
    const r = readRosterSet(iq, sender, parseJid(iq.attrs.to ?? sender.bare.toString()));
    assert.ok(isProblem(r), `${c.ref}: accepted`);
    assert.is(r.condition, answer, `${c.ref}: ${r.reason}`);
    seen.push(answer);
  }
  assert.equal(seen, ['forbidden', 'bad-request', 'not-acceptable', 'bad-request', 'not-acceptable', 'not-acceptable']);
});

const set = (item: XmlElement[] | XmlElement, from = juliet, owner = juliet): RequestedItem | StanzaProblem =>
  readRosterSet(element('iq', { id: 'r1', type: 'set' }, [element('query', { xmlns: ROSTER_NS }, Array.isArray(item) ? item : [item], ROSTER_NS)]), from, owner);
const item = (attrs: Record<string, string>, groups: string[] = []) => element('item', attrs, groups.map((g) => element('group', {}, [g], ROSTER_NS)), ROSTER_NS);

// @tests RFC6121 P19L6-P19L15, P19L17-P19L28, P12L9-P12L12, P14L13-P14L14
test('readRosterSet: each §2.3.3 case gets its condition; subscription values but remove ignored', () => {
  const condition = (r: RequestedItem | StanzaProblem) => (isProblem(r) ? r.condition : 'ok');
  assert.is(condition(set(item({ jid: 'nurse@example.com' }), parseJid('romeo@example.net/orchard'))), 'forbidden');
  assert.is(condition(set([item({ jid: 'a@example.com' }), item({ jid: 'b@example.com' })])), 'bad-request');
  assert.is(condition(set(item({ jid: 'a@example.com' }, ['Friends', 'Friends']))), 'bad-request');
  assert.is(condition(set(item({ jid: 'a@example.com' }, ['']))), 'not-acceptable');
  assert.is(condition(set(item({ jid: 'a@example.com', name: 'x'.repeat(1024) }))), 'not-acceptable');
  assert.is(condition(set(item({ jid: 'a@example.com' }, ['g'.repeat(1024)]))), 'not-acceptable');
  assert.is(condition(set(item({ jid: 'a@@example.com' }))), 'bad-request');
  assert.equal(set(item({ jid: 'nurse@example.com', subscription: 'both', ask: 'subscribe', approved: 'true', name: 'Nurse' }, ['Servants'])), { jid: 'nurse@example.com', name: 'Nurse', groups: ['Servants'], remove: false });
  assert.equal(set(item({ jid: 'nurse@example.com/x', subscription: 'remove' })), { jid: 'nurse@example.com', groups: [], remove: true });
});

// @tests RFC6121 P17L31-P17L32, P17L38-P17L40, P22L31-P22L32, P26L3-P26L5, P25L22-P25L34, P13L21-P13L24
test('Roster: add, update atomically, remove with the presence §2.5.2 asks for; removing what is not there is item-not-found', () => {
  const r = new Roster(juliet.bare);
  assert.equal(r.get().query?.children, [], 'an empty roster is a result with an empty query');
  const added = r.set({ jid: 'nurse@example.com', name: 'Nurse', groups: ['Servants'], remove: false });
  assert.ok(!isProblem(added));
  assert.equal(added.push.attrs, { jid: 'nurse@example.com', name: 'Nurse', subscription: 'none' });
  const updated = r.set({ jid: 'nurse@example.com', groups: [], remove: false });
  assert.ok(!isProblem(updated));
  assert.equal(updated.push.attrs, { jid: 'nurse@example.com', subscription: 'none' }, 'name cleared: atomic');
  assert.is(updated.push.children.length, 0);
  r.contact('nurse@example.com').subscription.state = 'Both';
  const removed = r.set({ jid: 'nurse@example.com', groups: [], remove: true });
  assert.ok(!isProblem(removed));
  assert.equal(removed.presence, ['unsubscribe', 'unsubscribed']);
  assert.is(removed.push.attrs.subscription, 'remove');
  const again = r.set({ jid: 'nurse@example.com', groups: [], remove: true });
  assert.ok(isProblem(again) && again.condition === 'item-not-found');
  // A lone inbound request notes the contact but lists no item.
  const c = r.contact('romeo@example.net');
  c.subscription.inbound('subscribe');
  assert.is(r.touched('romeo@example.net'), undefined);
  assert.equal(r.get().query?.children, []);
});

// @tests RFC6121 P27L19-P27L24, P28L1-P28L4, P29L42-P29L45, P26L44-P26L46, P27L8-P27L11
test('versioning: a current version gets no items; an older one the changes since, in order, removals included; unknown ones the whole roster', () => {
  const r = new Roster(juliet.bare);
  const add = (jid: string) => r.set({ jid, groups: [], remove: false }) as { version: number };
  const v1 = add('a@example.com').version;
  const v2 = add('b@example.com').version;
  r.set({ jid: 'a@example.com', groups: [], remove: true });
  add('c@example.com');
  assert.ok(v2 > v1);
  const whole = r.get('');
  assert.equal(whole.query?.children.map((c) => (c as XmlElement).attrs.jid), ['b@example.com', 'c@example.com']);
  const current = whole.query!.attrs.ver!;
  assert.equal(r.get(current), { pushes: [] });
  const since = r.get(String(v2)).pushes.map((p) => [p.item.attrs.jid, p.item.attrs.subscription]);
  assert.equal(since, [['a@example.com', 'remove'], ['c@example.com', 'none']]);
  assert.ok(r.get('999').query, 'a version we never gave gets the whole roster');
  assert.is((rosterGet('g1', false).children[0] as XmlElement).attrs.ver, undefined);
  assert.is((rosterGet('g1', true).children[0] as XmlElement).attrs.ver, '');
  assert.is((rosterGet('g1', true, '7').children[0] as XmlElement).attrs.ver, '7');
});

test('removal records are bounded by maxItems; a version older than the oldest kept gets the whole roster', () => {
  const r = new Roster(juliet.bare, { maxNameChars: 100, maxGroupChars: 100, maxGroups: 4, maxItems: 2 });
  const first = (r.set({ jid: 'x0@example.com', groups: [], remove: false }) as { version: number }).version;
  for (let i = 0; i < 5; i++) {
    r.set({ jid: `x${i}@example.com`, groups: [], remove: false });
    r.set({ jid: `x${i}@example.com`, groups: [], remove: true });
  }
  assert.ok(r.get(String(first)).query, 'too old: the whole roster, not a partial list of removals');
  const full = r.set({ jid: 'y1@example.com', groups: [], remove: false });
  r.set({ jid: 'y2@example.com', groups: [], remove: false });
  assert.ok(!isProblem(full));
  const over = r.set({ jid: 'y3@example.com', groups: [], remove: false });
  assert.ok(isProblem(over) && over.condition === 'not-acceptable', 'the roster is full');
});

// @tests RFC6121 P15L34-P15L41
test('readRosterPush: from another entity, not processed', () => {
  const push = element('iq', { from: 'mallory@evil.example', id: 'p1', type: 'set' }, [element('query', { xmlns: ROSTER_NS }, [item({ jid: 'x@example.com' })], ROSTER_NS)]);
  const r = readRosterPush(push, juliet);
  assert.ok(isProblem(r) && r.condition === 'service-unavailable');
});

// @tests RFC6121 P25L22-P25L25, P25L27-P25L30
test("the rules the server kept a copy of: an item for the user's own bare JID is not-acceptable; removing a contact we asked and were not yet answered by withdraws the request", () => {
  const own = readRosterSet(element('iq', { type: 'set', id: 's' }, [element('query', { xmlns: ROSTER_NS }, [element('item', { jid: 'juliet@example.com' }, [], ROSTER_NS)], ROSTER_NS)]), juliet, juliet);
  assert.ok(isProblem(own) && own.condition === 'not-acceptable', JSON.stringify(own));
  const r = new Roster(juliet.bare);
  r.set({ jid: 'romeo@example.com', groups: [], remove: false });
  r.contact('romeo@example.com').subscription.outbound('subscribe');
  const removed = r.set({ jid: 'romeo@example.com', groups: [], remove: true });
  assert.ok(!isProblem(removed));
  assert.equal(removed.presence, ['unsubscribe']);
});

test.run();
