/**
 * PLAIN (RFC 4616): RFC 6120's PLAIN payload decoded into authcid and the
 * password §9.1 states; the grammar's NULs and limits; preparation; only
 * over TLS.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { StreamReader, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { PlainError, parsePlain, plainAllowed, preparePlain, writePlain } from '../../../../reference/xmpp/sasl/index.ts';

// @tests RFC4616 P2L39-P2L47, P3L4-P3L8
test("RFC 6120 §6.4.2's PLAIN <auth/> decodes to no authzid, juliet, and the password of §9.1", async () => {
  const e = (await xmppExamples(6120)).find((x) => x.section === '6.4.2' && /mechanism='PLAIN'/.test(x.xml))!;
  const events = new StreamReader().feed(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>${e.xml}`);
  const auth = events.find((x) => x.type === 'element');
  assert.ok(auth?.type === 'element');
  const payload = new Uint8Array(Buffer.from(textOf(auth.type === 'element' ? auth.element : (undefined as never)), 'base64'));
  const c = parsePlain(payload);
  assert.equal(c, { authcid: 'juliet', passwd: 'r0m30myr0m30' });
  assert.equal(writePlain(c), payload);
});

// @tests RFC4616 P3L21-P3L25, P3L33-P3L35
test('the grammar: two NULs, non-empty authcid and passwd, 255 octets always accepted, more up to the limit set', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.throws(() => parsePlain(enc('juliet\0pw')), (e: unknown) => e instanceof PlainError && /1 NUL separators/.test(e.message));
  assert.throws(() => parsePlain(enc('\0\0pw')), /authcid: it is empty/);
  assert.throws(() => parsePlain(enc('a\0b\0c\0d')), /3 NUL separators/);
  assert.throws(() => parsePlain(new Uint8Array([0, 0x61, 0, 0xff])), /not UTF-8/);
  const f255 = 'é'.repeat(127) + 'x'; // 255 octets
  assert.equal(parsePlain(enc(`${f255}\0${f255}\0${f255}`), 255), { authzid: f255, authcid: f255, passwd: f255 });
  assert.throws(() => parsePlain(enc(`\0${f255}x\0pw`), 255), /authcid: 256 octets, more than the 255/);
  assert.throws(() => parsePlain(enc('\0a\0b'), 100), /MUST accept .* up to 255 octets/);
  assert.throws(() => writePlain({ authcid: 'a\0b', passwd: 'x' }), /none of them NUL/);
});

// @tests RFC4616 P4L16-P4L27
test('preparation: authcid and passwd prepared, a failed preparation fails, the authzid derived from the prepared authcid', () => {
  const r = preparePlain({ authcid: 'Juliet', passwd: 'r0m30\u00a0myr0m30' });
  assert.equal(r, { ok: true, credentials: { authzid: 'juliet', authcid: 'juliet', passwd: 'r0m30 myr0m30' } });
  const bad = preparePlain({ authcid: 'juliet', passwd: 'tab\there' });
  assert.is(bad.ok, false);
  assert.match(!bad.ok ? bad.reason : '', /U\+0009/);
});

// @tests RFC6120 P162L27-P162L32
test('PLAIN only over TLS', () => {
  assert.is(plainAllowed(false), false);
  assert.is(plainAllowed(true), true);
});

test.run();
