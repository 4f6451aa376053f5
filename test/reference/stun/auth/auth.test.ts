/**
 * STUN authentication: the string profiles on the examples printed in RFC
 * 8265 and RFC 4013 (read from the RFC text), the keys on RFC 8489's own
 * example, and §9's client and server decisions driven against each other
 * through real encoded messages.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import {
  type StunAttribute,
  type StunMessage,
  Binding,
  decodeMessage,
  encodeMessage,
  firstAttribute,
} from '../../../../reference/stun/message/index.ts';
import {
  LongTermClient,
  LongTermServer,
  NonceIssuer,
  PrepError,
  ShortTermClient,
  checkShortTerm,
  mayTryAlternate,
  longTermKey,
  nonceCookie,
  opaqueString,
  readNonceCookie,
  saslprep,
  shortTermKey,
  userhash,
} from '../../../../reference/stun/auth/index.ts';
import { unicodeEscapes } from '../../../../tools/testkit/stunVectors.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let n = 0;
const tid = () => Uint8Array.from({ length: 12 }, (_, i) => (i + ++n) & 0xff);

async function sectionLines(doc: string, number: string): Promise<string[]> {
  const d = await realDoc(doc);
  const s = d.sections.find((x) => x.number === number)!;
  return d.lines.slice(s.begin, s.end + 1).map((l) => l.text);
}

// --- the profiles -------------------------------------------------------------

// @tests RFC8265 P15L34-P16L37
test('OpaqueString on RFC 8265 §4.3: every legal password passes (OGHAM SPACE MARK mapped to SPACE), the illegal ones are refused', async () => {
  const rows = (await sectionLines('RFC8265', '4.3')).map((l) => /^\s+\|\s*(\d+)\|\s*<(.*?)>\s*\|/.exec(l)).filter((m) => m !== null);
  const examples = new Map(rows.map((m) => [Number(m![1]), m![2]!.replace(/&#x([0-9A-Fa-f]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))]));
  assert.ok(examples.size >= 7, `found ${examples.size} examples`);
  for (const [i, s] of examples) {
    if (i === 17 || i === 18) assert.throws(() => opaqueString(s), (e: unknown) => e instanceof PrepError, `example ${i}`);
    else assert.is(opaqueString(s), i === 16 ? s.replace('\u1680', ' ') : s, `example ${i}`);
  }
  assert.ok(examples.get(16)!.includes('\u1680'), 'example 16 holds OGHAM SPACE MARK');
});

// @tests RFC4013 P3L28-P3L41
test('SASLprep on RFC 4013 §3: examples 1-6 (7, the bidirectional check, is not implemented)', async () => {
  const rows = (await sectionLines('RFC4013', '3')).map((l) => /^\s{3}(\d)\s{2}(\S+)\s+(\S*)\s{2,}(.*)$/.exec(l)).filter((m) => m !== null);
  assert.is(rows.length, 7);
  for (const m of rows) {
    const [, i, input, output, comment] = m!;
    if (i === '7') { assert.match(comment!, /bidirectional check/); continue; }
    const s = unicodeEscapes(input!);
    if (/^Error/.test(output!) || /^Error/.test(comment!)) assert.throws(() => saslprep(s), /RFC4013 §2.3/, `example ${i}`);
    else assert.is(saslprep(s), output, `example ${i}`);
  }
});

// --- keys ---------------------------------------------------------------------

// @tests RFC8489 P28L8-P28L12
test("long-term key: RFC 8489 §9.2.2's example 'user', 'realm', 'pass'", async () => {
  const text = (await sectionLines('RFC8489', '9.2.2')).join(' ');
  const m = /username is\s+'(\w+)', the realm is '(\w+)', and the password is '(\w+)'.*?hash being\s+0x([0-9a-f]{32})/.exec(text);
  assert.ok(m, 'the example is in §9.2.2');
  assert.is(hex(longTermKey(m![1]!, m![2]!, m![3]!)), m![4]);
  assert.is(longTermKey('user', 'realm', 'pass', 2).length, 32);
  assert.throws(() => longTermKey('user', 'realm', 'pass', 3), /RFC8489 §18.5: password algorithm 0x0003/);
  // quotes and trailing nulls removed from username and realm, trailing nulls from the password
  assert.is(hex(longTermKey('"user"\0', '"realm"\0\0', 'pass\0')), m![4]);
});

// @tests RFC8489 P23L19-P23L25, P40L14
test('short-term key and USERHASH go through OpaqueString', () => {
  assert.is(hex(shortTermKey('a\u00a0b')), hex(new TextEncoder().encode('a b')));
  assert.throws(() => shortTermKey(''), (e: unknown) => e instanceof PrepError && /zero-length/.test(String(e)));
  assert.is(hex(userhash('a\u2000', 'r')), hex(userhash('a ', 'r')));
});

// --- the nonce ----------------------------------------------------------------

// @tests RFC8489 P26L41-P27L3, P53L43-P54L2
test('the nonce cookie: "obMatJos2" and the base64 of the 24 feature bits, bit 0 first', () => {
  assert.is(nonceCookie({ passwordAlgorithms: false, usernameAnonymity: false }), 'obMatJos2AAAA');
  assert.is(nonceCookie({ passwordAlgorithms: true, usernameAnonymity: false }), 'obMatJos2gAAA');
  assert.is(nonceCookie({ passwordAlgorithms: true, usernameAnonymity: true }), 'obMatJos2wAAA');
  for (const pa of [false, true]) for (const ua of [false, true]) assert.equal(readNonceCookie(nonceCookie({ passwordAlgorithms: pa, usernameAnonymity: ua }) + 'xyz'), { passwordAlgorithms: pa, usernameAnonymity: ua });
  assert.is(readNonceCookie('f//499k954d6OL34oL9FSTvy64sA'), undefined);
});

// @tests RFC8489 P29L26-P29L29, P30L41-P30L42
test("a server's nonces: never the same twice, bound to the source, stale after their lifetime", () => {
  const issuer = new NonceIssuer({ passwordAlgorithms: true, usernameAnonymity: false }, 1000);
  const a = { address: '127.0.0.1', port: 4000 };
  const nonces = new Set(Array.from({ length: 100 }, () => issuer.issue(a, 5000)));
  assert.is(nonces.size, 100);
  const x = [...nonces][0]!;
  assert.ok(x.length < 128 && x.startsWith('obMatJos2gAAA'));
  assert.is(issuer.check(x, a, 5500), 'valid');
  assert.is(issuer.check(x, { ...a, port: 4001 }, 5500), 'invalid');
  assert.is(issuer.check(x, a, 6001), 'stale');
  assert.is(issuer.check(x.slice(0, -2) + 'AA', a, 5500), 'invalid');
  assert.is(new NonceIssuer(issuer.features).check(x, a, 5500), 'invalid', 'another secret');
});

// --- short-term, both sides ---------------------------------------------------

const users = new Map([['alice', 'wonderland']]);
const passwordOf = (u: string) => users.get(u);

function send(attributes: StunAttribute[], options: Parameters<typeof encodeMessage>[1] = {}, cls: StunMessage['class'] = 'request') {
  const bytes = encodeMessage({ class: cls, method: Binding, transactionId: tid(), attributes }, options);
  const r = decodeMessage(bytes);
  if (!r.ok) throw new Error(r.reason);
  return { message: r.message, bytes };
}

// @tests RFC8489 P23L45-P24L32, P24L34-P24L42
test('§9.1.3: the server checks in order: 400 without integrity and USERNAME, 401 for an unknown user or a wrong HMAC; indications are dropped', () => {
  const none = send([]);
  assert.equal(checkShortTerm(none.message, none.bytes, passwordOf), { ok: false, action: 'reject', code: 400, attributes: [], reason: 'RFC8489 §9.1.3: no MESSAGE-INTEGRITY(-SHA256) and USERNAME' });
  const ind = send([], {}, 'indication');
  assert.is(checkShortTerm(ind.message, ind.bytes, passwordOf).ok, false);
  assert.is((checkShortTerm(ind.message, ind.bytes, passwordOf) as { action: string }).action, 'discard');
  const stranger = send([{ type: 'USERNAME', value: 'bob' }], { integrity: { key: shortTermKey('x') } });
  assert.is((checkShortTerm(stranger.message, stranger.bytes, passwordOf) as { code: number }).code, 401);
  const wrong = send([{ type: 'USERNAME', value: 'alice' }], { integrity: { key: shortTermKey('Wonderland') } });
  assert.match((checkShortTerm(wrong.message, wrong.bytes, passwordOf) as { reason: string }).reason, /MESSAGE-INTEGRITY does not match/);
  const both = send([{ type: 'USERNAME', value: 'alice' }], { integrity: { key: shortTermKey('wonderland'), both: true } });
  assert.equal(checkShortTerm(both.message, both.bytes, passwordOf), { ok: true, username: 'alice', key: shortTermKey('wonderland'), sha256: true });
  const sha1 = send([{ type: 'USERNAME', value: 'alice' }], { integrity: { key: shortTermKey('wonderland') } });
  assert.is((checkShortTerm(sha1.message, sha1.bytes, passwordOf) as { sha256: boolean }).sha256, false);
});

// @tests RFC8489 P23L29-P23L34, P25L9-P25L37, P25L41-P25L43
test('§9.1.2, §9.1.4, §9.1.5: the client sends both, then only what the server answered with; a wrong or missing HMAC is discarded (UDP) or ends the transaction (TCP)', () => {
  const client = new ShortTermClient('alice', 'wonderland');
  const first = client.request();
  assert.is(first.sent, 'both');
  const req = send(first.attributes, { integrity: first.integrity });
  const auth = checkShortTerm(req.message, req.bytes, passwordOf);
  assert.ok(auth.ok);
  const resp = send([], { integrity: { key: client.key, sha256: true } }, 'success');
  assert.equal(client.onResponse(resp.message, resp.bytes, 'both', false), { action: 'accept', integrity: 'MESSAGE-INTEGRITY-SHA256' });
  const next = client.request();
  assert.is(next.sent, 'MESSAGE-INTEGRITY-SHA256');
  assert.equal(next.integrity, { key: client.key, sha256: true });
  // the algorithm in the response has to match the only one sent
  const sha1Resp = send([], { integrity: { key: client.key } }, 'success');
  assert.is(client.onResponse(sha1Resp.message, sha1Resp.bytes, 'MESSAGE-INTEGRITY-SHA256', false).action, 'discard');
  const forged = send([], { integrity: { key: shortTermKey('guess'), sha256: true } }, 'success');
  assert.equal(client.onResponse(forged.message, forged.bytes, 'MESSAGE-INTEGRITY-SHA256', false), { action: 'discard', reason: "RFC8489 §9.1.4: the response's message integrity does not match", integrityViolated: true });
  const bare = send([], {}, 'success');
  assert.is(client.onResponse(bare.message, bare.bytes, 'MESSAGE-INTEGRITY-SHA256', true).action, 'violated');
});

// @tests RFC8489 P43L14-P43L23, P43L30-P43L35
test('§14.8: 300 only after the checks passed, protected, and validated by the client; a 400 fails the transaction without integrity', () => {
  const client = new ShortTermClient('alice', 'wonderland', 'MESSAGE-INTEGRITY');
  const req = send(client.request().attributes, { integrity: client.request().integrity });
  const check = checkShortTerm(req.message, req.bytes, passwordOf);
  assert.ok(mayTryAlternate(check));
  const none = send([]);
  assert.not.ok(mayTryAlternate(checkShortTerm(none.message, none.bytes, passwordOf)));
  const alt: StunAttribute[] = [{ type: 'ERROR-CODE', code: 300, reason: 'Try Alternate' }, { type: 'ALTERNATE-SERVER', value: { family: 'IPv4', address: '127.0.0.2', port: 3478 } }];
  const good = send(alt, { integrity: { key: client.key } }, 'error');
  assert.is(client.onResponse(good.message, good.bytes, 'MESSAGE-INTEGRITY', false).action, 'accept');
  const forged = send(alt, {}, 'error');
  assert.is(client.onResponse(forged.message, forged.bytes, 'MESSAGE-INTEGRITY', false).action, 'discard');
  const bad = send([{ type: 'ERROR-CODE', code: 400, reason: 'Bad Request' }], {}, 'error');
  assert.equal(client.onResponse(bad.message, bad.bytes, 'MESSAGE-INTEGRITY', false), { action: 'fail', reason: 'RFC8489 §14.8: 400 Bad Request (a 400 need not carry valid message integrity)' });
});

// --- long-term, both sides ----------------------------------------------------

const source = { address: '127.0.0.1', port: 5000 };

function server(features = { passwordAlgorithms: true, usernameAnonymity: false }, lifetimeMs = 60_000) {
  return new LongTermServer({ realm: 'example.org', nonces: new NonceIssuer(features, lifetimeMs), users: new Map([['alice', 'wonderland'], ['マトリックス', 'TheMatrIX']]) });
}

/** The client's request as the server gets it, and the server's answer as the client gets it. */
function exchange(client: LongTermClient, srv: LongTermServer, now: number, reliable = false, tamper?: (a: StunAttribute[]) => StunAttribute[]) {
  const auth = client.request();
  const req = send([{ type: 'SOFTWARE', value: 'test' }, ...auth.attributes], { integrity: auth.integrity });
  const check = srv.check(req.message, req.bytes, source, now);
  const response = check.ok
    ? send([{ type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv4', address: '127.0.0.1', port: 5000 } }], { integrity: { key: check.key, sha256: check.sha256 } }, 'success')
    : check.action === 'reject'
      ? send([{ type: 'ERROR-CODE', code: check.code, reason: '' }, ...(tamper ? tamper(check.attributes) : check.attributes)], {}, 'error')
      : undefined;
  return { auth, check, verdict: response && client.onResponse(response.message, response.bytes, reliable), response };
}

// @tests RFC8489 P28L41-P28L46, P29L23-P29L37, P31L24-P31L38, P31L5-P31L13, P32L21-P32L27, P32L43-P32L45
test('the long-term dance: first request bare, 401 with REALM, NONCE and PASSWORD-ALGORITHMS, the retry with SHA-256, a response with MESSAGE-INTEGRITY-SHA256', () => {
  const srv = server();
  const client = new LongTermClient('alice', 'wonderland');
  const one = exchange(client, srv, 1000);
  assert.equal(one.auth, { attributes: [] });
  assert.ok(!one.check.ok && one.check.action === 'reject' && one.check.code === 401);
  if (!one.check.ok && one.check.action === 'reject') assert.equal(one.check.attributes.map((a) => a.type), ['REALM', 'NONCE', 'PASSWORD-ALGORITHMS']);
  assert.equal(one.verdict, { action: 'retry', reason: 'RFC8489 §9.2.5: 401 Unauthenticated: retry with credentials for the REALM' });
  const two = exchange(client, srv, 2000);
  assert.equal(two.auth.attributes.map((a) => a.type), ['USERNAME', 'REALM', 'NONCE', 'PASSWORD-ALGORITHMS', 'PASSWORD-ALGORITHM']);
  assert.equal(firstAttribute({ attributes: two.auth.attributes } as StunMessage, 'PASSWORD-ALGORITHM')?.value.algorithm, 2, 'the first supported on the list: SHA-256');
  assert.equal(two.auth.integrity?.sha256, true, 'a response carried PASSWORD-ALGORITHMS: MESSAGE-INTEGRITY-SHA256 only');
  assert.ok(two.check.ok && two.check.sha256);
  assert.equal(two.verdict, { action: 'accept', integrity: 'MESSAGE-INTEGRITY-SHA256' });
});

// @tests RFC8489 P30L41-P30L45, P32L1-P32L5
test('a stale nonce: 438 with a new NONCE, REALM and PASSWORD-ALGORITHMS; the client retries with it and succeeds', () => {
  const srv = server(undefined, 1000);
  const client = new LongTermClient('alice', 'wonderland');
  exchange(client, srv, 0);
  assert.ok(exchange(client, srv, 500).check.ok);
  const stale = exchange(client, srv, 5000);
  assert.ok(!stale.check.ok && stale.check.action === 'reject' && stale.check.code === 438);
  if (!stale.check.ok && stale.check.action === 'reject') assert.equal(stale.check.attributes.map((a) => a.type).sort(), ['NONCE', 'PASSWORD-ALGORITHMS', 'REALM']);
  assert.is(stale.verdict?.action, 'retry');
  assert.ok(exchange(client, srv, 5100).check.ok);
});

// @tests RFC8489 P30L20-P30L25, P31L42-P31L44, P30L29-P30L39
test('a wrong username or password: 401; the client does not retry with the same credentials', () => {
  const srv = server();
  const client = new LongTermClient('mallory', 'x');
  exchange(client, srv, 0);
  const bad = exchange(client, srv, 1);
  assert.ok(!bad.check.ok && bad.check.action === 'reject' && bad.check.code === 401 && /USERNAME "mallory" is not valid/.test(bad.check.reason));
  if (!bad.check.ok && bad.check.action === 'reject') assert.ok(bad.check.attributes.some((a) => a.type === 'PASSWORD-ALGORITHMS'));
  assert.equal(bad.verdict?.action, 'fail');
  const liar = new LongTermClient('alice', 'not-it');
  exchange(liar, srv, 0);
  const wrong = exchange(liar, srv, 1);
  assert.ok(!wrong.check.ok && /MESSAGE-INTEGRITY-SHA256 does not match/.test(wrong.check.reason));
});

// @tests RFC8489 P31L17-P31L22, P31L39-P31L42, P30L13-P30L18
test('bid-down: a 401 whose nonce cookie promises PASSWORD-ALGORITHMS without the attribute is not retried; nor one with no algorithm the client supports; a request with a changed list is refused 400', () => {
  const srv = server();
  const stripped = exchange(new LongTermClient('alice', 'wonderland'), srv, 0, false, (a) => a.filter((x) => x.type !== 'PASSWORD-ALGORITHMS'));
  assert.match((stripped.verdict as { reason: string }).reason, /a bid-down/);
  const md5Only = new LongTermClient('alice', 'wonderland', [1]);
  const none = exchange(md5Only, srv, 0, false, (a) => a.map((x) => (x.type === 'PASSWORD-ALGORITHMS' ? { ...x, value: [{ algorithm: 2, parameters: new Uint8Array(0) }] } : x)));
  assert.match((none.verdict as { reason: string }).reason, /none of the PASSWORD-ALGORITHMS is supported/);
  const client = new LongTermClient('alice', 'wonderland');
  exchange(client, srv, 0);
  client.passwordAlgorithms = [{ algorithm: 1, parameters: new Uint8Array(0) }];
  const changed = exchange(client, srv, 1);
  assert.ok(!changed.check.ok && changed.check.action === 'reject' && changed.check.code === 400);
});

// @tests RFC8489 P30L9-P30L11, P31L9-P31L13
test('an RFC 5389 client (no PASSWORD-ALGORITHMS, no PASSWORD-ALGORITHM) is processed as MD5 and answered with MESSAGE-INTEGRITY', () => {
  const srv = server();
  const nonce = srv.challenge(source, 0).find((a) => a.type === 'NONCE')!;
  const key = longTermKey('alice', 'example.org', 'wonderland');
  const req = send([{ type: 'USERNAME', value: 'alice' }, { type: 'REALM', value: 'example.org' }, nonce], { integrity: { key } });
  assert.equal(srv.check(req.message, req.bytes, source, 1), { ok: true, username: 'alice', key, sha256: false, md5Compat: true });
});

// @tests RFC8489 P29L42-P30L3
test('integrity without USERNAME, REALM or NONCE: 400 with nothing else', () => {
  const req = send([{ type: 'USERNAME', value: 'alice' }], { integrity: { key: new Uint8Array(16) } });
  const r = server().check(req.message, req.bytes, source, 0);
  assert.ok(!r.ok && r.action === 'reject' && r.code === 400 && r.attributes.length === 0);
});

// @tests RFC8489 P31L28-P31L31, P29L33-P29L35
test('username anonymity: the cookie bit makes the client send USERHASH, which the server resolves', () => {
  const srv = server({ passwordAlgorithms: true, usernameAnonymity: true });
  const client = new LongTermClient('マトリックス', 'TheMatrIX');
  exchange(client, srv, 0);
  const two = exchange(client, srv, 1);
  assert.equal(two.auth.attributes[0], { type: 'USERHASH', value: userhash('マトリックス', 'example.org') });
  assert.ok(two.check.ok && two.check.username === 'マトリックス');
  assert.is(two.verdict?.action, 'accept');
});

// @tests RFC8489 P32L12-P32L16, P32L7-P32L10, P32L32-P32L41
test('the client discards a 400 without integrity, a response whose cookie promises PASSWORD-ALGORITHMS without it, and a response failing integrity (UDP: discard, TCP: violated)', () => {
  const srv = server();
  const client = new LongTermClient('alice', 'wonderland');
  exchange(client, srv, 0);
  const nonce = client.nonce!;
  const bad400 = send([{ type: 'ERROR-CODE', code: 400, reason: '' }], {}, 'error');
  assert.equal(client.onResponse(bad400.message, bad400.bytes, false), { action: 'discard', reason: 'RFC8489 §9.2.5: a 400 without message integrity is discarded', integrityViolated: false });
  const stripped = send([{ type: 'NONCE', value: nonce }], { integrity: { key: client.key(), sha256: true } }, 'success');
  assert.match((client.onResponse(stripped.message, stripped.bytes, false) as { reason: string }).reason, /ignored/);
  client.request(); // credentials are in play now
  const forged = send([], { integrity: { key: new Uint8Array(32), sha256: true } }, 'success');
  assert.equal(client.onResponse(forged.message, forged.bytes, false).action, 'discard');
  assert.equal(client.onResponse(forged.message, forged.bytes, true).action, 'violated');
});

test('long-term refuses what it cannot protect: indications', () => {
  const ind = send([], {}, 'indication');
  assert.throws(() => server().check(ind.message, ind.bytes, source, 0), /cannot be challenged/);
  assert.throws(() => new LongTermServer({ realm: 'r', nonces: new NonceIssuer({ passwordAlgorithms: false, usernameAnonymity: false }), users: new Map(), passwordAlgorithms: [{ algorithm: 2, parameters: new Uint8Array(0) }] }), /MUST set the "Password algorithms" security feature bit/);
});

test.run();
