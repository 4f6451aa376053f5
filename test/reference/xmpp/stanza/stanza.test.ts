/**
 * Stanzas (RFC 6120 §8) against the RFC text: §8.3.3's conditions and the
 * error type each recommends, read at test time; every C:/S: pair of §8.3.3
 * where the server answers with a stanza error is answered by errorReply as
 * the RFC shows it; then the §8.2.3 iq rules and §8.1 addressing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { type XmppExample, xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { type XmlElement, StreamReader, childOf, element } from '../../../../reference/xmpp/xml/index.ts';
import { parseJid } from '../../../../reference/xmpp/jid/index.ts';
import {
  CONDITIONS, STANZAS_NS, StanzaRuleError, addressee, checkIq, errorReply, fromServer, iqResult, isExtension, isLanguageTag, isStanzaCondition, languageOf, onAccountsBehalf,
  readError, recipientOf, senderOf, stampFrom, understood, withDefaultLanguage, withoutPresenceLeak,
  type ErrorType, type StanzaCondition,
} from '../../../../reference/xmpp/stanza/index.ts';

const STREAM = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/** An example's first element, read by our reader inside a client stream. */
function stanzaOf(e: XmppExample): XmlElement | undefined {
  const ev = new StreamReader().feed(STREAM + e.xml).find((x) => x.type === 'element');
  return ev?.type === 'element' ? ev.element : undefined;
}

// @tests RFC6120 P110L37-P110L41
test('§8.3.3 as printed: the 22 conditions, each with the error type its section recommends', async () => {
  const doc = await realDoc('RFC6120');
  const sections = doc.sections.filter((s) => /^8\.3\.3\.\d+$/.test(s.number));
  assert.equal(sections.map((s) => s.title), Object.keys(CONDITIONS));
  const text = (s: (typeof sections)[number]) => doc.lines.slice(s.begin, s.end + 1).map((l) => l.text).join(' ').replace(/\s+/g, ' ');
  for (const s of sections) {
    const prose = text(s);
    const ours = CONDITIONS[s.title as StanzaCondition];
    const recommended = /the associated error type SHOULD be "(\w+)"(?: or "(\w+)")?/.exec(prose);
    if (s.title === 'undefined-condition') {
      assert.match(prose, /any error type can be associated/);
      continue;
    }
    assert.ok(recommended, `§${s.number} ${s.title}: no recommended type found`);
    assert.ok([recommended[1], recommended[2]].includes(ours), `§${s.number} ${s.title}: RFC says ${recommended[0]}, ours '${ours}'`);
  }
});

const AMP_EXAMPLE = 'P123L20';
/** Error stanzas RFC 6120 prints without type='error' (§8.3.3.9, .11, .13, .15, .19), against its own §8.3.1 rule 7. */
const UNTYPED = ['P116L1', 'P117L1', 'P118L1', 'P119L32', 'P122L1'];
/** Errors whose addresses the RFC prints otherwise than swapped (rule 2 is a SHOULD), each with why. */
const ADDRESSES_NOT_SWAPPED = new Map<string, string>([
  ['P122L1', "§8.3.3.19: the resource moved sides (from='juliet@im.example.com/foo' to='romeo@example.net' for a request from romeo@example.net/foo)"],
]);

// @tests RFC6120 P107L36-P108L4, P108L14-P108L19, P108L21-P108L27, P108L29
test("§8.3.3's examples: each server error answering the client's stanza before it is what errorReply makes of that stanza", async () => {
  const examples = (await xmppExamples(6120)).filter((e) => /^8\.3\.3\.\d+$/.test(e.section));
  let answered = 0;
  const untyped: string[] = [];
  for (let i = 1; i < examples.length; i++) {
    const [c, s] = [examples[i - 1]!, examples[i]!];
    if (c.marker !== 'C' || s.section !== c.section || !['S', 'E'].includes(s.marker)) continue;
    const request = stanzaOf(c);
    const printed = stanzaOf(s);
    if (!request || !printed || childOf(printed, 'error') === undefined) continue;
    const where = `RFC 6120 §${s.section} at ${s.ref}`;
    // Some examples leave out type='error' that §8.3 and §8.3.1 rule 7 require: listed below, and read as if it were there.
    if (printed.attrs.type !== 'error') untyped.push(s.ref);
    const shown: XmlElement = { ...printed, attrs: { ...printed.attrs, type: 'error' } };
    const got = readError(shown)!;
    // §8.3.3.21's example answers a message of another exchange: its id ('amp1' for 'richard2-4.1.247') and
    // addresses (other domains) break §8.3.1 rule 3 and rule 2, so it is no answer to the stanza printed before it.
    if (s.ref === AMP_EXAMPLE) {
      assert.is.not(shown.attrs.id, request.attrs.id, `${where} is no longer the mismatched example: drop the exception`);
      continue;
    }
    assert.ok(isStanzaCondition(got.condition) && got.received === undefined, `${where}: condition`);
    const reply = errorReply(request, got.condition, { type: got.type as ErrorType });
    assert.is(reply.name, shown.name, `${where}: kind`);
    assert.is(reply.attrs.id, shown.attrs.id, `${where}: id`);
    assert.is(reply.attrs.type, 'error');
    assert.equal(readError(reply), { type: got.type, condition: got.condition }, where);
    // The RFC's responder swaps the addresses (rule 2), unless it answers for a service or a server
    // (§8.3.3.16-.17: the user's server for the unreachable remote one).
    const swapped = (request.attrs.from === undefined || reply.attrs.to === shown.attrs.to) && (request.attrs.to === undefined || reply.attrs.from === shown.attrs.from);
    if (ADDRESSES_NOT_SWAPPED.has(s.ref)) {
      assert.not.ok(swapped, `${where}: now swaps the addresses (${ADDRESSES_NOT_SWAPPED.get(s.ref)}): drop it from ADDRESSES_NOT_SWAPPED`);
      continue;
    }
    assert.ok(swapped, `${where}: from='${shown.attrs.from}' to='${shown.attrs.to}', ours from='${reply.attrs.from}' to='${reply.attrs.to}'`);
    answered++;
  }
  assert.equal(untyped, UNTYPED, "the examples printed without type='error'");
  assert.ok(answered >= 15, `only ${answered} request/error pairs found in §8.3.3`);
});

// @tests RFC6120 P109L1-P109L3, P108L36-P108L40, P108L31-P108L34, P110L9-P110L13
test('errorReply: never to an error, the original payload when asked, by and text, the recommended type by default', () => {
  const iq = element('iq', { from: 'juliet@example.com/balcony', to: 'example.com', id: 'q1', type: 'get' }, [element('query', { xmlns: 'jabber:iq:roster' }, [], 'jabber:iq:roster')], 'jabber:client');
  const r = errorReply(iq, 'service-unavailable', { by: 'example.com', text: 'no such service', includeOriginal: true });
  assert.equal(Object.keys(r.attrs), ['from', 'to', 'id', 'type']);
  assert.equal([r.attrs.from, r.attrs.to, r.attrs.id], ['example.com', 'juliet@example.com/balcony', 'q1']);
  assert.is((r.children[0] as XmlElement).name, 'query');
  const e = childOf(r, 'error')!;
  assert.equal(e.attrs, { by: 'example.com', type: 'cancel' });
  assert.equal(readError(r), { type: 'cancel', condition: 'service-unavailable', text: 'no such service', by: 'example.com' });
  assert.throws(() => errorReply(r, 'bad-request'), (x: Error) => x instanceof StanzaRuleError && /rule 8/.test(x.message));
  assert.throws(() => errorReply(element('body'), 'bad-request'), (x: Error) => x instanceof StanzaRuleError);
  // A message without id gets none; an iq without id gets an empty one.
  assert.not.ok('id' in errorReply(element('message', { to: 'a@b' }), 'item-not-found').attrs);
  assert.is(errorReply(element('iq', { type: 'set' }, [element('x')]), 'bad-request').attrs.id, '');
});

// @tests RFC6120 P109L41-P109L46
test('readError: an unknown condition reads as undefined-condition, the received name kept', () => {
  const s = element('message', { type: 'error' }, [element('error', { type: 'wait' }, [element('frobnicated', { xmlns: STANZAS_NS }, [], STANZAS_NS)])]);
  assert.equal(readError(s), { type: 'wait', condition: 'undefined-condition', received: 'frobnicated' });
  assert.is(readError(element('message', {})), undefined);
});

const iq = (attrs: Record<string, string>, children: XmlElement[] = []) => element('iq', attrs, children, 'jabber:client');
const q = () => element('query', { xmlns: 'jabber:iq:roster' }, [], 'jabber:iq:roster');

// @tests RFC6120 P106L30, P106L32-P106L35, P107L16-P107L18, P107L20-P107L21, P107L23-P107L25, P108L45-P108L47
test('checkIq: each §8.2.3 rule broken gives bad-request naming it; good ones pass', () => {
  const bad: [XmlElement, RegExp][] = [
    [iq({ type: 'get' }, [q()]), /rule 1/],
    [iq({ id: '1' }, [q()]), /rule 2/],
    [iq({ id: '1', type: 'subscribe' }, [q()]), /rule 2/],
    [iq({ id: '1', type: 'get' }), /exactly one .*rule 5/],
    [iq({ id: '1', type: 'set' }, [q(), q()]), /2 child elements.*rule 5/],
    [iq({ id: '1', type: 'result' }, [q(), q()]), /rule 6/],
    [iq({ id: '1', type: 'error' }), /rule 7/],
    [iq({ id: '1', type: 'result' }, [element('error', { type: 'cancel' }, [], 'jabber:client')]), /§8\.3\.1 rule 7/],
  ];
  for (const [s, why] of bad) {
    const p = checkIq(s);
    assert.ok(p, JSON.stringify(s.attrs));
    assert.is(p.condition, 'bad-request');
    assert.match(p.reason, why);
  }
  for (const s of [iq({ id: '1', type: 'get' }, [q()]), iq({ id: '1', type: 'result' }), iq({ id: '1', type: 'result' }, [q()])]) assert.is(checkIq(s), undefined);
});

// @tests RFC6120 P107L5-P107L8, P107L10-P107L12
test('iqResult: id kept and addresses swapped; a result or error is never answered', () => {
  const r = iqResult(iq({ id: 'b1', type: 'set', from: 'a@b/c', to: 'b' }, [q()]), q());
  assert.equal(r.attrs, { from: 'b', to: 'a@b/c', id: 'b1', type: 'result' });
  assert.is(checkIq(r), undefined);
  assert.throws(() => iqResult(r), (x: Error) => x instanceof StanzaRuleError && /rule 4/.test(x.message));
});

// @tests RFC6120 P101L46-P102L5, P102L7-P102L11, P100L24-P100L32, P102L20-P102L26, P100L45-P100L48
test("addressing: the server overrides a client's 'from' (bare for subscriptions), its own stanzas are from the domain; a client's defaults", () => {
  const juliet = parseJid('juliet@example.com/balcony');
  const forged = element('message', { from: 'romeo@example.net/orchard', to: 'romeo@example.net' });
  assert.is(stampFrom(forged, juliet).attrs.from, 'juliet@example.com/balcony');
  assert.is(stampFrom(element('presence', { to: 'romeo@example.net', type: 'subscribe' }), juliet).attrs.from, 'juliet@example.com');
  assert.is(stampFrom(element('presence', {}), juliet).attrs.from, 'juliet@example.com/balcony');
  assert.equal(fromServer(element('iq', { id: '1', type: 'result' }), 'example.com', juliet).attrs, { id: '1', type: 'result', from: 'example.com', to: 'juliet@example.com/balcony' });
  assert.equal(addressee(element('presence', {})), { forServer: true });
  const bad = addressee(element('message', { to: 'a@@b' }));
  assert.ok('problem' in bad && bad.problem.condition === 'jid-malformed', JSON.stringify(bad));
  assert.is(senderOf(element('iq', {}), juliet).toString(), 'juliet@example.com');
  assert.is(recipientOf(element('iq', {}), juliet).toString(), 'juliet@example.com/balcony');
});

// @tests RFC6120 P113L6-P113L10, P118L24-P118L28, P110L15-P110L18, P125L13-P125L15
test('errorReply: a new address only in gone/redirect and only a URI; an application condition in its own namespace, not read back', () => {
  const m = element('message', { from: 'a@example.com/r', to: 'b@example.com', id: 'm1' }, [], 'jabber:client');
  const gone = errorReply(m, 'gone', { newAddress: 'xmpp:b@example.org' });
  assert.is((childOf(childOf(gone, 'error')!, 'gone', STANZAS_NS)!.children[0]), 'xmpp:b@example.org');
  assert.throws(() => errorReply(m, 'gone', { newAddress: 'b@example.org' }), (e: Error) => e instanceof StanzaRuleError && /URI/.test(e.message));
  assert.throws(() => errorReply(m, 'conflict', { newAddress: 'xmpp:b@example.org' }), (e: Error) => e instanceof StanzaRuleError);
  const app = element('too-many-rules', { xmlns: 'http://jabber.org/protocol/amp#errors' }, [], 'http://jabber.org/protocol/amp#errors');
  const r = errorReply(m, 'undefined-condition', { application: app });
  assert.equal(readError(r), { type: 'modify', condition: 'undefined-condition' }, 'the application condition is ignored when read');
  assert.throws(() => errorReply(m, 'bad-request', { application: element('x', {}, [], 'jabber:client') }), (e: Error) => e instanceof StanzaRuleError && /namespace of its own/.test(e.message));
});

// @tests RFC6120 P114L30-P114L36, P118L11-P118L17, P122L9-P122L16
test('withoutPresenceLeak: item-not-found and recipient-unavailable become service-unavailable for whoever may not know presence', () => {
  assert.is(withoutPresenceLeak('item-not-found', false), 'service-unavailable');
  assert.is(withoutPresenceLeak('recipient-unavailable', false), 'service-unavailable');
  assert.is(withoutPresenceLeak('recipient-unavailable', true), 'recipient-unavailable');
  assert.is(withoutPresenceLeak('bad-request', false), 'bad-request');
});

// @tests RFC6120 P128L6-P128L9, P127L35-P127L44, P128L1-P128L4, P125L29-P125L32, P108L10-P108L12
test('understood: an iq request in an unknown namespace is answered service-unavailable; unknown parts of messages and presence ignored', () => {
  const known = new Set(['jabber:iq:roster']);
  const ping = element('iq', { id: 'p1', type: 'get', from: 'a@example.com/r' }, [element('ping', { xmlns: 'urn:xmpp:ping' }, [], 'urn:xmpp:ping')], 'jabber:client');
  const r = understood(ping, known);
  assert.ok('reply' in r);
  assert.equal(readError(r.reply)?.condition, 'service-unavailable');
  const body = element('body', {}, ['hi'], 'jabber:client');
  const x = element('x', { xmlns: 'jabber:x:oob' }, [], 'jabber:x:oob');
  const m = understood(element('message', {}, [body, x], 'jabber:client'), known);
  assert.ok('stanza' in m && m.stanza.children.length === 1 && m.stanza.children[0] === body);
  assert.ok('ignore' in understood(element('message', {}, [x], 'jabber:client'), known));
  const p = understood(element('presence', {}, [x], 'jabber:client'), known);
  assert.ok('stanza' in p && p.stanza.children.length === 0);
  assert.ok('stanza' in understood(ping, new Set(['urn:xmpp:ping'])));
  assert.not.ok(isExtension(ping, element('query', {}, [], 'jabber:client')));
});

// @tests RFC6120 P104L32-P104L35, P104L37-P104L39, P104L15-P104L18, P104L41-P104L42, P102L13-P102L18
test("xml:lang: the stream's by default, added by the server when missing and never changed; the account's own stanzas without from", () => {
  const p = element('presence', {}, [], 'jabber:client');
  assert.is(languageOf(p, 'en'), 'en');
  assert.is(languageOf(withDefaultLanguage(p, 'cs'), 'en'), 'cs');
  assert.is(withDefaultLanguage(element('presence', { 'xml:lang': 'de' }), 'cs').attrs['xml:lang'], 'de');
  assert.is(stampFrom(element('message', { 'xml:lang': 'de', to: 'b@example.com' }), parseJid('a@example.com/r')).attrs['xml:lang'], 'de');
  for (const ok of ['en', 'en-US', 'zh-Hant-TW', 'i-klingon']) assert.ok(isLanguageTag(ok), ok);
  for (const bad of ['', 'en_US', 'toolongsubtag', 'en--US', 'e n']) assert.not.ok(isLanguageTag(bad), bad);
  assert.not.ok('from' in onAccountsBehalf(element('iq', { from: 'x@example.com', type: 'set', id: '1' })).attrs);
});

test.run();
