/**
 * SASL negotiation over XMPP elements (RFC 6120 §6.3-§6.5): RFC 6120
 * §9.1.2's SCRAM-SHA-1 negotiation replayed element by element from both
 * ends; the §6.4/§6.5 examples our receiver can be put in the position of,
 * answered as the RFC answers them; offers, the client's order, payloads,
 * retries, aborts and authorization identities. Every element goes through
 * the serializer and the stream reader, as on a wire.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { type XmppExample, xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { StreamCondition, StreamReader, type XmlElement, isElement, serialize, textOf } from '../../../../reference/xmpp/xml/index.ts';
import {
  SASL_NS, SaslCondition, SaslInitiator, SaslReceiver, clientMechanism, decodePayload, encodePayload, failureCondition, mechanismOrder,
  mechanismsElement, offeredMechanisms, readMechanisms, serverMechanism, storedCredentials, type ServerAccounts, type StoredCredentials,
} from '../../../../reference/xmpp/sasl/index.ts';

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/** An element as the other end reads it: serialized, then read by a stream reader. */
function wire(e: XmlElement): XmlElement {
  const events = new StreamReader().feed(HEADER + serialize(e, ['stream']));
  const el = events.find((x) => x.type === 'element');
  assert.ok(el?.type === 'element', `read back: ${serialize(e, ['stream'])}`);
  return el.type === 'element' ? el.element : (undefined as never);
}

/** An RFC example read as one first-level element. */
function read(e: XmppExample): XmlElement {
  const events = new StreamReader().feed(HEADER + e.xml.replace(/\[ \.\.\. [^\]]*\]/g, ''));
  const el = events.find((x) => x.type === 'element');
  assert.ok(el?.type === 'element', `${e.ref} reads`);
  return el.type === 'element' ? el.element : (undefined as never);
}

/** Two SASL elements alike: name, namespace, child condition names, and the payload (whitespace in it is the RFC's, for readability). */
function same(ours: XmlElement, rfc: XmlElement, where: string): void {
  const shape = (e: XmlElement) => ({
    name: e.name, ns: e.ns, mechanism: e.attrs.mechanism,
    children: e.children.filter(isElement).map((c) => `${c.ns} ${c.name}`),
    payload: textOf(e).replace(/\s+/g, ''),
  });
  assert.equal(shape(ours), shape(rfc), where);
}

const PASSWORD_LINE = /with a password of\s+"([^"]+)"/;

async function julietAccounts(salt?: Uint8Array, iterations?: number): Promise<ServerAccounts & { password: string }> {
  const d = await realDoc('RFC6120');
  const s = d.sections.find((x) => x.number === '9.1')!;
  const password = PASSWORD_LINE.exec(d.lines.slice(s.begin, s.end + 1).map((l) => l.text.trim()).join(' '))![1]!;
  const creds = new Map<string, StoredCredentials>();
  return {
    password,
    scram: (u, hash) => {
      if (u !== 'juliet') return undefined;
      if (!creds.has(hash)) creds.set(hash, storedCredentials(hash, password, { ...(salt ? { salt } : {}), ...(iterations ? { iterations } : {}) }));
      return creds.get(hash);
    },
    plain: (u, p) => u === 'juliet' && p === password,
  };
}

// @tests RFC6120 P130L18-P131L33, P84L8-P84L20, P86L20-P86L24, P83L16-P83L20, P86L36-P86L42, P79L26-P79L33, P80L35-P80L41
test('RFC 6120 §9.1.2 replayed element by element: features, auth, challenge, response, success, from both ends', async () => {
  const ex = (await xmppExamples(6120)).filter((e) => e.section === '9.1.2');
  const rfc = (name: string) => read(ex.find((e) => e.xml.startsWith(`<${name}`))!);
  const features = rfc('stream:features');
  const mechanisms = features.children.find((c): c is XmlElement => isElement(c) && c.name === 'mechanisms')!;
  const offered = readMechanisms(mechanisms);
  assert.equal(offered, ['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'PLAIN']);
  same(wire(mechanismsElement(offered)), mechanisms, 'our <mechanisms/> is the RFC\'s');

  const [auth, challenge, response, success] = ['auth', 'challenge', 'response', 'success'].map(rfc) as XmlElement[];
  const payload = (e: XmlElement) => new TextDecoder().decode(decodePayload(textOf(e).replace(/\s+/g, '')).ok ? (decodePayload(textOf(e).replace(/\s+/g, '')) as { data: Uint8Array }).data : new Uint8Array());
  const cNonce = /r=([^,]*)/.exec(payload(auth!))![1]!;
  const serverFirst = payload(challenge!);
  const salt = new Uint8Array(Buffer.from(/s=([^,]*)/.exec(serverFirst)![1]!, 'base64'));
  const accounts = await julietAccounts(salt, Number(/i=(\d+)/.exec(serverFirst)![1]));

  // No channel binding on the client's side: it takes SCRAM-SHA-1 (its order, then what is offered).
  const initiator = new SaslInitiator(['SCRAM-SHA-1', 'PLAIN'], offered, (name) => clientMechanism(name, { username: 'juliet', password: accounts.password, nonce: cNonce }));
  const receiver = new SaslReceiver({
    offered, domain: 'im.example.com', tls: true,
    mechanism: (name) => serverMechanism(name, accounts, { nonce: /r=([^,]*)/.exec(serverFirst)![1]!.slice(cNonce.length) }),
  });
  const ourAuth = wire(initiator.next()!);
  same(ourAuth, auth!, '<auth/>');
  const ourChallenge = receiver.receive(ourAuth);
  same(wire(ourChallenge.send!), challenge!, '<challenge/>');
  const ourResponse = initiator.receive(wire(ourChallenge.send!));
  same(wire(ourResponse.send!), response!, '<response/>');
  const ourSuccess = receiver.receive(wire(ourResponse.send!));
  same(wire(ourSuccess.send!), success!, '<success/>');
  assert.equal(ourSuccess.authenticated, { authcid: 'juliet', authzid: 'juliet@im.example.com' });
  assert.is(initiator.receive(wire(ourSuccess.send!)).outcome, 'success');
  // Nothing but the elements: no whitespace between them, no authzid when the client acts as itself.
  for (const e of [ourAuth, ourChallenge.send!, ourResponse.send!, ourSuccess.send!]) assert.not.match(serialize(e), />\s|\s</);
  assert.match(payload(ourAuth), /^n,,n=/);
  assert.is(initiator.state, 'Succeeded');
  assert.is(receiver.state, 'Succeeded');
});

// @tests RFC6120 P83L34-P83L43, P84L45-P84L48, P89L7-P89L9, P90L3-P90L5, P86L28, P85L7-P85L11
test('the §6.4 and §6.5 examples our receiver can face are answered as the RFC answers them; the others name their section', async () => {
  const doc = await realDoc('RFC6120');
  const all = await xmppExamples(6120);
  const accounts = await julietAccounts();
  const receiver = (tls: boolean) => new SaslReceiver({ offered: offeredMechanisms({ tls, channelBinding: false }), domain: 'im.example.com', tls, mechanism: (n) => serverMechanism(n, accounts) });
  const pair = (section: string) => [all.find((e) => e.section === section && e.marker === 'I')!, all.find((e) => e.section === section && e.marker === 'R')!] as const;
  const answered: string[] = [];
  for (const [section, tls] of [['6.4.4', true], ['6.5.1', true], ['6.5.4', false], ['6.5.7', true]] as const) {
    const [i, r] = pair(section);
    const ours = receiver(tls).receive(read(i));
    same(wire(ours.send!), read(r), `§${section} ${r.ref}`);
    answered.push(section);
  }
  // §6.4.2: juliet's PLAIN <auth/> over TLS succeeds with an empty <success/> (§6.4.6's example).
  const [plain] = pair('6.4.2');
  const ok = receiver(true).receive(read(plain));
  same(wire(ok.send!), read(all.find((e) => e.section === '6.4.6' && e.xml.startsWith('<success'))!), '§6.4.2 → §6.4.6');
  assert.equal(ok.authenticated, { authcid: 'juliet', authzid: 'juliet@im.example.com' });
  // Each §6.5.N example's failure names §6.5.N's condition.
  for (const s of doc.sections.filter((x) => /^6\.5\.\d+$/.test(x.number))) {
    const r = all.find((e) => e.section === s.number && e.marker === 'R')!;
    assert.is(failureCondition(read(r)), s.title, `§${s.number}`);
  }
  assert.equal(answered, ['6.4.4', '6.5.1', '6.5.4', '6.5.7']);
});

// @tests RFC6120 P78L7-P78L18
test("the client's order rules: RFC 6120 §6.3.3's example lists, read from the text", async () => {
  const d = await realDoc('RFC6120');
  const s = d.sections.find((x) => x.number === '6.3.3')!;
  const text = d.lines.slice(s.begin, s.end + 1).map((l) => l.text.trim()).join(' ');
  const m = /offers the ordered list "([^"]+)" or "([^"]+)" but the client's ordered list is "([^"]+)", the client MUST try (\w[\w-]*) first and then ([\w-]+) but MUST NOT try (\w+)/.exec(text)!;
  assert.ok(m, 'the example is in §6.3.3');
  for (const server of [m[1]!, m[2]!]) {
    const order = mechanismOrder(m[3]!.split(' '), server.split(' '));
    assert.equal(order, [m[4], m[5]]);
    assert.not.ok(order.includes(m[6]!));
  }
});

// @tests RFC6120 P78L22-P78L26, P162L30-P162L32, P79L15-P79L16, RFC5802 P14L26-P14L28
test('offers: PLAIN only over TLS, -PLUS only with a channel binding, strongest first', () => {
  assert.equal(offeredMechanisms({ tls: false, channelBinding: false }), ['SCRAM-SHA-256', 'SCRAM-SHA-1']);
  assert.equal(offeredMechanisms({ tls: true, channelBinding: true }), ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  assert.equal(offeredMechanisms({ tls: true, channelBinding: true, requireChannelBinding: true }), ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'], 'a policy of binding only: only -PLUS');
  assert.throws(() => offeredMechanisms({ tls: false, channelBinding: false, requireChannelBinding: true }), /needs a channel/);
});

// @tests RFC6120 P79L38-P79L41, P83L40-P83L43, P86L25-P86L26, P89L21-P89L23
test('payloads: "=" is present and empty, nothing is absent; anything but canonical base64 is incorrect-encoding', () => {
  assert.is(encodePayload(new Uint8Array()), '=');
  assert.is(encodePayload(undefined), '');
  assert.equal(decodePayload('='), { ok: true, data: new Uint8Array() });
  assert.equal(decodePayload(''), { ok: true, data: undefined });
  assert.equal(decodePayload('QQ=='), { ok: true, data: new Uint8Array([0x41]) });
  for (const bad of ['QR==', 'QQ', 'Q Q==', '[ ... ]', 'QQ==QQ=='])
    assert.equal((decodePayload(bad) as { condition?: string }).condition, SaslCondition.IncorrectEncoding, bad);
});

// @tests RFC6120 P84L1-P84L4, P85L17-P85L19, P85L35-P85L38, P80L43-P80L45, P81L1-P81L5, P77L44-P77L46
test('the receiver: a new <auth/> restarts, a <response/> out of turn is malformed, the fourth failure closes the stream, a full-JID authzid is refused', async () => {
  const accounts = await julietAccounts();
  const make = (o = {}) => new SaslReceiver({ offered: ['SCRAM-SHA-256', 'PLAIN'], domain: 'im.example.com', tls: true, mechanism: (n) => serverMechanism(n, accounts), ...o });
  const auth = (mechanism: string, data?: Uint8Array) => wire({ name: 'auth', prefix: '', ns: SASL_NS, attrs: { xmlns: SASL_NS, mechanism }, children: data ? [encodePayload(data)] : [] });
  const plain = (s: string) => new TextEncoder().encode(s);
  const r = make();
  assert.is(r.receive(auth('SCRAM-SHA-256', plain('n,,n=juliet,r=abc'))).send!.name, 'challenge');
  // Another <auth/> in the middle: the first handshake is dropped, the new one runs.
  const again = r.receive(auth('PLAIN', plain(`\0juliet\0${accounts.password}`)));
  assert.is(again.send!.name, 'success');
  assert.is(r.receive(auth('PLAIN')).streamError, StreamCondition.NotAuthorized, 'nothing after success but a restart');

  const out = make();
  assert.is(failureCondition(out.receive(wire({ name: 'response', prefix: '', ns: SASL_NS, attrs: { xmlns: SASL_NS }, children: [] })).send!), SaslCondition.MalformedRequest);
  const tries = make({ retries: 3 });
  const results = [1, 2, 3].map(() => tries.receive(auth('PLAIN', plain('\0juliet\0wrong'))));
  assert.ok(results.every((x) => failureCondition(x.send!) === SaslCondition.NotAuthorized && x.streamError === undefined));
  const fourth = tries.receive(auth('PLAIN', plain('\0juliet\0wrong')));
  assert.is(fourth.streamError, StreamCondition.PolicyViolation);
  assert.is(tries.state, 'Closed');
  // Unknown user and wrong password look the same.
  assert.is(failureCondition(make().receive(auth('PLAIN', plain('\0nobody\0wrong'))).send!), SaslCondition.NotAuthorized);
  // An authzid must be a bare JID the user may act as.
  for (const [authzid, ok] of [['juliet@im.example.com/balcony', false], ['romeo@im.example.com', false], ['juliet@im.example.com', true]] as const) {
    const x = make().receive(auth('PLAIN', plain(`${authzid}\0juliet\0${accounts.password}`)));
    assert.is(x.send!.name === 'success', ok, authzid);
    if (!ok) assert.is(failureCondition(x.send!), SaslCondition.InvalidAuthzid);
  }
  assert.throws(() => make({ retries: 6 }), /at least 2 and no more than 5/);
  assert.is(make().receive(wire({ name: 'message', prefix: '', ns: 'jabber:client', attrs: {}, children: [] })).streamError, StreamCondition.NotAuthorized);
});

// @tests RFC6120 P85L25-P85L33
test('the initiator falls back to its next mechanism after a failure, and has none left after the last', async () => {
  const accounts = await julietAccounts();
  const receiver = new SaslReceiver({ offered: ['SCRAM-SHA-256', 'PLAIN'], domain: 'im.example.com', tls: true, mechanism: (n) => serverMechanism(n, accounts) });
  const passwords: Record<string, string> = { 'SCRAM-SHA-256': 'wrong', PLAIN: accounts.password };
  const i = new SaslInitiator(['SCRAM-SHA-256', 'PLAIN'], ['PLAIN', 'SCRAM-SHA-256'], (n) => clientMechanism(n, { username: 'juliet', password: passwords[n]! }));
  let send = i.next();
  assert.is(send!.attrs.mechanism, 'SCRAM-SHA-256', "the client's order, not the server's");
  const outcomes: string[] = [];
  while (send) {
    const answer = receiver.receive(wire(send));
    const r = i.receive(wire(answer.send!));
    if (r.outcome) outcomes.push(`${i.mechanism} ${r.outcome}`);
    send = r.send ?? (r.outcome === 'failure' ? i.next() : undefined);
  }
  assert.equal(outcomes, ['SCRAM-SHA-256 failure', 'PLAIN success']);
  const none = new SaslInitiator(['SCRAM-SHA-1'], ['PLAIN'], (n) => clientMechanism(n, { username: 'juliet', password: 'x' }));
  assert.is(none.next(), undefined);
  assert.is(none.state, 'Failed');
});

test.run();
