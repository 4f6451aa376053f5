/**
 * SCRAM: the exchanges of RFC 5802 §5 and RFC 7677 §3 reproduced byte for
 * byte by our client and our server with the RFC's nonces and salt, and RFC
 * 6120 §9.1.2's SCRAM-SHA-1 exchange (its base64 payloads read out of the
 * XML examples) verified with the password §9.1 states; all read from the
 * RFC text at test time. Then §6's channel binding rules, failures, states.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { scramExchange, xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { StreamReader, textOf } from '../../../../reference/xmpp/xml/index.ts';
import {
  SASLPREP, SaslCondition, ScramClient, ScramFailure, ScramServer, ScramStateError, type ScramHash, type ServerStep, type StoredCredentials,
  decodeSaslname, encodeSaslname, hi, receivedCondition, storedCredentials,
} from '../../../../reference/xmpp/sasl/index.ts';
import { pbkdf2Sync } from 'node:crypto';

async function sectionText(doc: string, number: string): Promise<string> {
  const d = await realDoc(doc);
  const s = d.sections.find((x) => x.number === number)!;
  return d.lines.slice(s.begin, s.end + 1).map((l) => l.text.trim()).join(' ');
}

const attr = (message: string, name: string) => new RegExp(`(?:^|,)${name}=([^,]*)`).exec(message)![1]!;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const ok = (step: ServerStep): string => {
  if (!step.ok) throw new Error(`server failed: ${step.reason}`);
  return step.message;
};

/** Our client and our server replay an RFC's exchange with its nonces and salt; every message must be the RFC's. */
async function replay(doc: string, section: string, hash: ScramHash) {
  const messages = await scramExchange(doc, section);
  assert.equal(messages.map((m) => m.marker), ['C', 'S', 'C', 'S'], `${doc} §${section}: four messages`);
  const [clientFirst, serverFirst, clientFinal, serverFinal] = messages.map((m) => m.text) as [string, string, string, string];
  const said = /username '([^']+)' and password '([^']+)'/.exec(await sectionText(doc, section));
  assert.ok(said, `${doc} §${section} names the username and password`);
  const [, username, password] = said!;
  const cNonce = attr(clientFirst, 'r');
  const combined = attr(serverFirst, 'r');
  const salt = b64(attr(serverFirst, 's'));
  const iterations = Number(attr(serverFirst, 'i'));

  const client = new ScramClient({ hash, username: username!, password: password!, nonce: cNonce });
  assert.is(client.mechanism, `SCRAM-${hash}`);
  assert.is(client.clientFirst(), clientFirst);
  assert.is(client.receiveServerFirst(serverFirst), clientFinal);
  client.receiveServerFinal(serverFinal);
  assert.is(client.state, 'Done');

  const stored = storedCredentials(hash, password!, { salt, iterations });
  const server = new ScramServer({ hash, plus: false, lookup: (u) => (u === username ? stored : undefined), nonce: combined.slice(cNonce.length) });
  assert.is(ok(server.receiveClientFirst(clientFirst)), serverFirst);
  assert.is(ok(server.receiveClientFinal(clientFinal)), serverFinal);
  assert.is(server.state, 'Done');
  assert.is(server.authcid, username);
}

// @tests RFC5802 P9L38-P9L47, P8L15-P8L24, P9L11-P9L14
test('RFC 5802 §5: the SCRAM-SHA-1 exchange, byte for byte, from both ends', () => replay('RFC5802', '5', 'SHA-1'));

// @tests RFC7677 P3L4-P3L16
test('RFC 7677 §3: the SCRAM-SHA-256 exchange, byte for byte, from both ends', () => replay('RFC7677', '3', 'SHA-256'));

// @tests RFC5802 P7L11-P7L27
test('Hi is PBKDF2 with HMAC, as §2.2 says', () => {
  const salt = new Uint8Array([1, 2, 3, 4]);
  assert.equal(hi('SHA-1', 'pencil', salt, 4096), new Uint8Array(pbkdf2Sync('pencil', salt, 4096, 20, 'sha1')));
  assert.equal(hi('SHA-256', 'pencil', salt, 10), new Uint8Array(pbkdf2Sync('pencil', salt, 10, 32, 'sha256')));
});

// @tests RFC6120 P128L26-P128L29, P130L38-P131L33
test("RFC 6120 §9.1.2: the SCRAM-SHA-1 payloads of the XML examples verify with the RFC's password, and reproduce from both ends", async () => {
  const examples = (await xmppExamples(6120)).filter((e) => e.section === '9.1.2');
  const payload = (name: string) => {
    const e = examples.find((x) => x.xml.startsWith(`<${name} `))!;
    const events = new StreamReader().feed(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>${e.xml}`);
    const el = events.find((x) => x.type === 'element');
    assert.ok(el?.type === 'element' && el.element.name === name, `<${name}/> read from ${e.ref}`);
    return Buffer.from(textOf(el.type === 'element' ? el.element : (undefined as never)).replace(/\s+/g, ''), 'base64').toString('utf8');
  };
  const [auth, challenge, response, success] = ['auth', 'challenge', 'response', 'success'].map(payload) as [string, string, string, string];
  const text = await sectionText('RFC6120', '9.1');
  // What the RFC says each decodes to, its line breaks taken out.
  const decoded = [...(await sectionText('RFC6120', '9.1.2')).matchAll(/The decoded base 64 data is\s+"([^"]+)"/g)].map((m) => m[1]!.replace(/\s+/g, ''));
  assert.equal(decoded, [auth, challenge, response, success]);
  const password = /with a password of\s+"([^"]+)"/.exec(text)![1]!;
  assert.is(password, 'r0m30myr0m30');
  const username = decodeSaslname(attr(auth.slice(3), 'n'), 'username');
  assert.is(username, 'juliet');

  const client = new ScramClient({ hash: 'SHA-1', username, password, nonce: attr(auth, 'r') });
  assert.is(client.clientFirst(), auth);
  assert.is(client.receiveServerFirst(challenge), response);
  client.receiveServerFinal(success);
  assert.is(client.state, 'Done');

  const stored = storedCredentials('SHA-1', password, { salt: b64(attr(challenge, 's')), iterations: Number(attr(challenge, 'i')) });
  const server = new ScramServer({ hash: 'SHA-1', plus: false, lookup: () => stored, nonce: attr(challenge, 'r').slice(attr(auth, 'r').length) });
  assert.is(ok(server.receiveClientFirst(auth)), challenge);
  assert.is(ok(server.receiveClientFinal(response)), success);
});

// --- channel binding (§6) -----------------------------------------------------

const CB = { type: 'tls-exporter', data: new Uint8Array(32).fill(7) };
const STORED = storedCredentials('SHA-256', 'pencil', { salt: new Uint8Array(16).fill(1) });
const lookup = (u: string): StoredCredentials | undefined => (u === 'user' ? STORED : undefined);

function exchange(client: ScramClient, server: ScramServer): ServerStep {
  const first = server.receiveClientFirst(client.clientFirst());
  if (!first.ok) return first;
  const final = server.receiveClientFinal(client.receiveServerFirst(first.message));
  if (final.message) {
    try {
      client.receiveServerFinal(final.message);
    } catch (e) {
      if (!(e instanceof ScramFailure)) throw e;
    }
  }
  return final;
}

// @tests RFC5802 P14L30-P14L45
test('the client picks its flag as §6 says: n without binding, p with it when -PLUS is offered, y when it is not', () => {
  assert.equal(new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil' }).cbind, { flag: 'n' });
  const plus = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', channelBinding: CB, serverOffersPlus: true });
  assert.equal(plus.cbind, { flag: 'p', name: 'tls-exporter' });
  assert.is(plus.mechanism, 'SCRAM-SHA-256-PLUS');
  assert.match(plus.clientFirst(), /^p=tls-exporter,,n=user,r=/);
  const y = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', channelBinding: CB, serverOffersPlus: false });
  assert.equal(y.cbind, { flag: 'y' });
  assert.is(y.mechanism, 'SCRAM-SHA-256');
});

// @tests RFC5802 P14L47-P15L17, P15L38-P15L39
test("the server's §6 rules: y to a server that binds is a downgrade; p it cannot honour fails; c= must be this channel's", () => {
  const client = (o: object) => new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', ...o });
  const server = (o: object) => new ScramServer({ hash: 'SHA-256', plus: false, lookup, ...o });
  const downgraded = exchange(client({ channelBinding: CB, serverOffersPlus: false }), server({ channelBindings: [CB] }));
  assert.equal([downgraded.ok, !downgraded.ok && downgraded.error, !downgraded.ok && downgraded.condition], [false, 'server-does-support-channel-binding', SaslCondition.NotAuthorized]);
  // y to a server that does not bind: fine.
  assert.ok(exchange(client({ channelBinding: CB, serverOffersPlus: false }), server({})).ok);
  const noBinding = exchange(client({ channelBinding: CB, serverOffersPlus: true }), server({ plus: true }));
  assert.is(!noBinding.ok && noBinding.error, 'channel-binding-not-supported');
  const otherType = exchange(client({ channelBinding: { ...CB, type: 'tls-unique' }, serverOffersPlus: true }), server({ plus: true, channelBindings: [CB] }));
  assert.is(!otherType.ok && otherType.error, 'unsupported-channel-binding-type');
  // A man in the middle: two TLS connections, two different bindings.
  const mitm = exchange(client({ channelBinding: CB, serverOffersPlus: true }), server({ plus: true, channelBindings: [{ ...CB, data: new Uint8Array(32).fill(8) }] }));
  assert.is(!mitm.ok && mitm.error, 'channel-bindings-dont-match');
  assert.is(!mitm.ok && mitm.message, 'e=channel-bindings-dont-match');
  const bound = exchange(client({ channelBinding: CB, serverOffersPlus: true }), server({ plus: true, channelBindings: [CB] }));
  assert.ok(bound.ok, 'the same binding at both ends');
  // The -PLUS name with "n", or the plain name with "p": refused.
  assert.not.ok(exchange(client({}), server({ plus: true, channelBindings: [CB] })).ok);
});

// --- failures -----------------------------------------------------------------

// @tests RFC5802 P13L19-P13L28, P10L28-P10L32
test('a wrong password fails with e=invalid-proof; an unknown user fails the same way, with a stable salt, so the two look alike', () => {
  const server = () => new ScramServer({ hash: 'SHA-256', plus: false, lookup, secret: new Uint8Array(32).fill(3) });
  const wrong = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pen' });
  const step = exchange(wrong, server());
  assert.equal([step.ok, !step.ok && step.error, !step.ok && step.condition, !step.ok && step.message], [false, 'invalid-proof', SaslCondition.NotAuthorized, 'e=invalid-proof']);
  assert.is(wrong.state, 'Failed');
  const salts = [0, 1].map(() => {
    const s = server();
    const first = s.receiveClientFirst('n,,n=nobody,r=abc');
    return first.ok ? attr(first.message, 's') + attr(first.message, 'i') : '';
  });
  assert.is(salts[0], salts[1], 'the same salt each time');
  const nobody = exchange(new ScramClient({ hash: 'SHA-256', username: 'nobody', password: 'pencil' }), server());
  assert.equal(!nobody.ok && [nobody.error, nobody.condition, nobody.message], [step.ok || step.error, step.ok || step.condition, step.ok || step.message]);
  const known = server().receiveClientFirst('n,,n=user,r=abc');
  assert.is(known.ok && attr(known.message, 'i'), '4096');
});

test('the client refuses a server that does not know the password (wrong v=) and one that drops its nonce', () => {
  const c = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', nonce: 'abc' });
  c.clientFirst();
  c.receiveServerFirst(`r=abcdef,s=${Buffer.from(STORED.salt).toString('base64')},i=4096`);
  assert.throws(() => c.receiveServerFinal(`v=${Buffer.alloc(32).toString('base64')}`), /ServerSignature/);
  assert.is(c.state, 'Failed');
  const d = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', nonce: 'abc' });
  d.clientFirst();
  assert.throws(() => d.receiveServerFirst('r=xyz,s=AAAA,i=4096'), /nonce does not start with ours/);
  const e = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', nonce: 'abc' });
  e.clientFirst();
  e.receiveServerFirst('r=abcdef,s=AAAA,i=1');
  assert.throws(() => e.receiveServerFinal('e=unknown-user'), (x: unknown) => x instanceof ScramFailure && x.serverError === 'unknown-user');
  const f = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', nonce: 'abc' });
  f.clientFirst();
  f.receiveServerFirst('r=abcdef,s=AAAA,i=1');
  assert.throws(() => f.receiveServerFinal('e=something-new'), (x: unknown) => x instanceof ScramFailure && x.serverError === 'other-error');
});

// @tests RFC5802 P10L9-P10L12, P12L5-P12L13, P13L35-P13L37, P18L40-P18L44
test("the server's parse: a bad first letter, a bad '=' in the username, m= are each refused with their e= value", () => {
  const s = () => new ScramServer({ hash: 'SHA-256', plus: false, lookup });
  const fails = (m: string) => {
    const step = s().receiveClientFirst(m);
    return step.ok ? 'ok' : `${step.error} ${step.condition}`;
  };
  assert.is(fails('x,,n=user,r=abc'), 'invalid-encoding malformed-request');
  assert.is(fails('n,,n=us=er,r=abc'), 'invalid-username-encoding malformed-request');
  assert.is(fails('n,,m=ext,n=user,r=abc'), 'extensions-not-supported malformed-request');
  assert.is(fails('n,,n=user'), 'invalid-encoding malformed-request');
  assert.is(fails('n,,n=user,r=abc,x=ignored'), 'ok', 'an unknown optional extension is ignored');
  assert.is(encodeSaslname('a,b=c'), 'a=2Cb=3Dc');
  assert.is(decodeSaslname('a=2Cb=3Dc', 'username'), 'a,b=c');
  const server = s();
  server.receiveClientFirst('n,,n=user,r=abc');
  const badNonce = server.receiveClientFinal('c=biws,r=abcXYZ,p=AAAA');
  assert.is(!badNonce.ok && badNonce.message, 'e=other-error');
});

test('out-of-order messages are refused naming the state and the message', () => {
  const c = new ScramClient({ hash: 'SHA-1', username: 'user', password: 'pencil' });
  assert.throws(() => c.receiveServerFinal('v=AAAA'), (e: unknown) => e instanceof ScramStateError && /client in state Initial cannot take server-final-message/.test(e.message));
  c.clientFirst();
  assert.throws(() => c.clientFirst(), /state SentClientFirst cannot take sending client-first-message/);
  const s = new ScramServer({ hash: 'SHA-1', plus: false, lookup });
  assert.throws(() => s.receiveClientFinal('c=biws,r=a,p=AAAA'), /server in state Initial cannot take client-final-message/);
  s.receiveClientFirst('n,,n=user,r=abc');
  assert.throws(() => s.receiveClientFirst('n,,n=user,r=abc'), /state SentServerFirst cannot take client-first-message/);
});

// @tests RFC5802 P8L8-P8L13, P6L33-P6L40
test("preparation: PRECIS's OpaqueString keeps U+00BD, SASLprep makes it '1⁄2': the two give different keys", () => {
  const salt = new Uint8Array(16);
  const precis = storedCredentials('SHA-1', 'pen\u00bd', { salt, iterations: 1 });
  const sasl = storedCredentials('SHA-1', 'pen\u00bd', { salt, iterations: 1, prep: SASLPREP });
  assert.not.equal(precis.storedKey, sasl.storedKey);
  assert.equal(sasl.storedKey, storedCredentials('SHA-1', 'pen1\u20442', { salt, iterations: 1, prep: SASLPREP }).storedKey);
  // A username PRECIS refuses (a space) fails the exchange before anything is sent.
  assert.throws(() => new ScramClient({ hash: 'SHA-1', username: 'foo bar', password: 'x' }).clientFirst(), /username preparation: U\+0020/);
});

// @tests RFC6120 P87L43-P87L48
test('RFC 6120 §6.5: the eleven conditions are the section titles; an unknown one is not-authorized', async () => {
  const doc = await realDoc('RFC6120');
  const titles = doc.sections.filter((s) => /^6\.5\.\d+$/.test(s.number)).map((s) => s.title);
  assert.equal(Object.values(SaslCondition), titles);
  assert.is(receivedCondition('account-disabled'), SaslCondition.AccountDisabled);
  assert.is(receivedCondition('bad-karma'), SaslCondition.NotAuthorized);
});

test.run();
