/**
 * RFC 5769's four STUN test vectors and RFC 8489 Appendix B.1's, read out of
 * the RFC text at test time (tools/testkit/stunVectors.ts): each verifies,
 * decodes to what its parameters say, and our encoder reproduces the RFC 5769
 * ones byte for byte.
 */
import { createHmac } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type StunVector, rfc5769Vectors, rfc8489VectorB1 } from '../../../../tools/testkit/stunVectors.ts';
import {
  type StunMessage,
  Binding,
  PASSWORD_ALGORITHM,
  decodeMessage,
  encodeMessage,
  firstAttribute,
  verifyFingerprint,
  verifyIntegrity,
} from '../../../../reference/stun/message/index.ts';
import { PrepError, longTermKey, opaqueString, readNonceCookie, saslprep, shortTermKey, userhash } from '../../../../reference/stun/auth/index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function parameter(v: StunVector, name: string, index = 0): string {
  const p = v.parameters.get(name)?.[index];
  if (p === undefined) throw new Error(`${v.doc} §${v.section}: no parameter ${name}[${index}]`);
  return p;
}

function decoded(v: StunVector): StunMessage {
  const r = decodeMessage(v.bytes);
  if (!r.ok) throw new Error(`${v.doc} §${v.section}: ${r.reason} at ${r.offset}`);
  return r.message;
}

/** The message as given to the encoder: the decoded attributes without the MI and FINGERPRINT it computes. */
function withoutComputed(m: StunMessage): StunMessage {
  return { ...m, attributes: m.attributes.filter((a) => a.type !== 'MESSAGE-INTEGRITY' && a.type !== 'MESSAGE-INTEGRITY-SHA256' && a.type !== 'FINGERPRINT') };
}

let vectors: StunVector[] = [];
test.before(async () => {
  vectors = await rfc5769Vectors();
});

test('RFC 5769: four vectors are extracted, each a whole message', () => {
  assert.equal(vectors.map((v) => v.section), ['2.1', '2.2', '2.3', '2.4']);
  for (const v of vectors) assert.is(v.bytes.length, 20 + ((v.bytes[2]! << 8) | v.bytes[3]!), `§${v.section}: the length field counts the bytes after the header`);
});

// @tests RFC5769 P4L1-P4L37
test('RFC 5769 §2.1: the sample request verifies and decodes to its parameters', () => {
  const v = vectors[0]!;
  const key = shortTermKey(parameter(v, 'Password'));
  assert.ok(verifyIntegrity(v.bytes, key), 'MESSAGE-INTEGRITY with the stated password');
  assert.ok(verifyFingerprint(v.bytes), 'FINGERPRINT');
  const m = decoded(v);
  assert.is(m.class, 'request');
  assert.is(m.method, Binding);
  assert.is(firstAttribute(m, 'SOFTWARE')?.value, parameter(v, 'Software name'));
  assert.is(firstAttribute(m, 'USERNAME')?.value, parameter(v, 'Username'));
  // PRIORITY (0x0024) and ICE-CONTROLLED (0x8029) are ICE's: kept as unknown, raw
  assert.equal(m.attributes.filter((a) => a.type === 'unknown').map((a) => (a.type === 'unknown' ? a.code : 0)), [0x0024, 0x8029]);
  assert.not.ok(verifyIntegrity(v.bytes, shortTermKey(parameter(v, 'Password') + 'x')), 'a wrong password does not verify');
});

// @tests RFC5769 P5L1-P5L30, P6L1-P6L33
test('RFC 5769 §2.2, §2.3: the responses verify and give the mapped address', () => {
  for (const v of vectors.slice(1, 3)) {
    const key = shortTermKey(parameter(v, 'Password'));
    assert.ok(verifyIntegrity(v.bytes, key), `§${v.section} MESSAGE-INTEGRITY`);
    assert.ok(verifyFingerprint(v.bytes), `§${v.section} FINGERPRINT`);
    const m = decoded(v);
    assert.is(m.class, 'success');
    const [address, port] = parameter(v, 'Mapped address').split(' port ');
    assert.equal(firstAttribute(m, 'XOR-MAPPED-ADDRESS')?.value, { family: v.section === '2.2' ? 'IPv4' : 'IPv6', address: address!, port: Number(port) });
    assert.is(firstAttribute(m, 'SOFTWARE')?.value, parameter(v, 'Software name'));
  }
});

// @tests RFC5769 P7L1-P7L43
test('RFC 5769 §2.4: long-term credentials, the key made with SASLprep as RFC 5389 did', () => {
  const v = vectors[3]!;
  const m = decoded(v);
  const username = parameter(v, 'Username');
  assert.is(firstAttribute(m, 'USERNAME')?.value, username);
  assert.is(firstAttribute(m, 'NONCE')?.value, parameter(v, 'Nonce'));
  assert.is(firstAttribute(m, 'REALM')?.value, parameter(v, 'Realm'));
  // the password "before and after SASLprep processing"
  assert.is(saslprep(parameter(v, 'Password', 0)), parameter(v, 'Password', 1));
  const key = longTermKey(username, parameter(v, 'Realm'), parameter(v, 'Password', 0), undefined, saslprep);
  assert.ok(verifyIntegrity(v.bytes, key), 'MESSAGE-INTEGRITY with MD5(username:realm:SASLprep(password))');
  assert.not.ok(verifyFingerprint(v.bytes), 'this vector has no FINGERPRINT');
});

test('RFC 5769: our encoder reproduces each vector byte for byte', () => {
  const keys = [
    shortTermKey(parameter(vectors[0]!, 'Password')),
    shortTermKey(parameter(vectors[1]!, 'Password')),
    shortTermKey(parameter(vectors[2]!, 'Password')),
    longTermKey(parameter(vectors[3]!, 'Username'), parameter(vectors[3]!, 'Realm'), parameter(vectors[3]!, 'Password', 0), undefined, saslprep),
  ];
  vectors.forEach((v, i) => {
    // RFC 5769 §2: spaces pad the first three messages, nul bytes the last
    const out = encodeMessage(withoutComputed(decoded(v)), { integrity: { key: keys[i]! }, fingerprint: i < 3, padding: i < 3 ? 0x20 : 0 });
    assert.is(hex(out), hex(v.bytes), `§${v.section}`);
  });
});

// @tests RFC8489 P65L7-P66L13
test('RFC 8489 B.1: USERHASH and MESSAGE-INTEGRITY-SHA256, and what the printed vector needs', async () => {
  const v = await rfc8489VectorB1();
  const username = parameter(v, 'Username');
  const realm = parameter(v, 'Realm');
  const password = parameter(v, 'Password', 0);
  // Fact 1: the printed length field (0x9c = 156) counts the 20-byte header too; the attributes are 136 bytes.
  const printed = (v.bytes[2]! << 8) | v.bytes[3]!;
  assert.is(printed, 156);
  assert.is(v.bytes.length - 20, 136);
  const r = decodeMessage(v.bytes);
  assert.not.ok(r.ok, 'as printed, the message length breaks RFC 8489 §5');
  if (!r.ok) assert.match(r.reason, /RFC8489 §5: the message length/);
  const fixed = v.bytes.slice();
  fixed[2] = 0; fixed[3] = 136;
  const m = decoded({ ...v, bytes: fixed });
  // USERHASH verifies as SHA-256(OpaqueString(username) ":" OpaqueString(realm))
  assert.is(hex(firstAttribute(m, 'USERHASH')!.value), hex(userhash(username, realm)));
  assert.is(firstAttribute(m, 'NONCE')?.value, parameter(v, 'Nonce'));
  // Fact 2: the text says "TheMatrIX" is the password after OpaqueString; OpaqueString (RFC 8265) refuses
  // SOFT HYPHEN (a default-ignorable code point the FreeformClass disallows) and would keep ª and Ⅸ (NFC, not NFKC).
  // "TheMatrIX" is SASLprep's output (RFC 5769 §2.4).
  assert.throws(() => opaqueString(password), (e: unknown) => e instanceof PrepError && /U\+00AD/.test(String(e)));
  assert.is(saslprep(password), parameter(v, 'Password', 1));
  // Fact 3: under the text's reading (the Length field adjusted to the end of MESSAGE-INTEGRITY-SHA256,
  // §14.6) the printed HMAC matches no key: neither MD5 nor SHA-256 of username:realm:password.
  const md5Key = longTermKey(username, realm, password, PASSWORD_ALGORITHM.MD5, saslprep);
  const sha256Key = longTermKey(username, realm, password, PASSWORD_ALGORITHM['SHA-256'], saslprep);
  for (const key of [md5Key, sha256Key]) assert.not.ok(verifyIntegrity(fixed, key, true));
  // Fact 4: it matches the SHA-256 key over the header as printed, its Length field 156 counting the
  // header: the vector was computed with that length, against §5 (P11L15-P11L16) and §14.6.
  const mac = firstAttribute(m, 'MESSAGE-INTEGRITY-SHA256')!.value;
  const at = v.bytes.length - 36;
  const asPrinted = (key: Uint8Array) => createHmac('sha256', key).update(v.bytes.subarray(0, at)).digest();
  assert.is(hex(asPrinted(sha256Key)), hex(mac));
  assert.is.not(hex(asPrinted(md5Key)), hex(mac));
  // Fact 5: that key is the SHA-256 password algorithm's, yet the request has no PASSWORD-ALGORITHM,
  // without which §9.2.2 makes the key with MD5 (P27L38-P27L39).
  assert.is(firstAttribute(m, 'PASSWORD-ALGORITHM'), undefined);
  // Fact 6: the nonce cookie "obMatJos2AAAC" sets bit 22 (unassigned), not bit 1 "Username anonymity",
  // yet the request carries USERHASH, which §9.2.5 ties to that bit (P31L28-P31L31).
  assert.equal(readNonceCookie(parameter(v, 'Nonce')), { passwordAlgorithms: false, usernameAnonymity: false });
  assert.ok(firstAttribute(m, 'USERHASH'));
});

test.run();
