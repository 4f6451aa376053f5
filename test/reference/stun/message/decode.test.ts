/**
 * The message layer on bad and unusual input: each malformed form is refused
 * with the rule it breaks and where, what the RFC says to ignore is kept
 * aside with its reason, and a wrong MESSAGE-INTEGRITY or FINGERPRINT is
 * detected. Messages are built by our encoder or taken from RFC 5769.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rfc5769Vectors } from '../../../../tools/testkit/stunVectors.ts';
import {
  type StunAttribute,
  type StunMessage,
  ATTRIBUTE,
  Allocate,
  Binding,
  ChannelBind,
  decodeMessage,
  encodeMessage,
  firstAttribute,
  isClassPermitted,
  maxUdpMessageSize,
  isComprehensionRequired,
  responseTo,
  Send,
  isStun,
  messageType,
  splitMessageType,
  unknownComprehensionRequired,
  verifyFingerprint,
  verifyIntegrity,
} from '../../../../reference/stun/message/index.ts';

const tid = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
const key = new TextEncoder().encode('secret');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const base = (attributes: StunAttribute[] = [{ type: 'SOFTWARE', value: 'rfcdoc' }]): StunMessage => ({ class: 'request', method: Binding, transactionId: tid, attributes });

function refused(bytes: Uint8Array, pattern: RegExp, offset?: number) {
  const r = decodeMessage(bytes);
  assert.not.ok(r.ok, `expected refusal matching ${pattern}`);
  if (r.ok) return;
  assert.match(r.reason, pattern);
  if (offset !== undefined) assert.is(r.offset, offset);
}

/** An attribute's TLV bytes, unpadded value padded with zeros. */
function tlv(type: number, value: number[]): number[] {
  const pad = (4 - (value.length % 4)) % 4;
  return [type >> 8, type & 0xff, value.length >> 8, value.length & 0xff, ...value, ...new Array(pad).fill(0)];
}
/** A Binding request of raw attribute bytes, with the right length field. */
function raw(attrs: number[]): Uint8Array {
  const out = new Uint8Array(20 + attrs.length);
  out.set([0x00, 0x01, attrs.length >> 8, attrs.length & 0xff, 0x21, 0x12, 0xa4, 0x42], 0);
  out.set(tid, 8);
  out.set(attrs, 20);
  return out;
}

// @tests RFC8489 P9L13-P9L15, P9L31, P10L34-P10L35
test('the header: 20 bytes, top two bits zero, the magic cookie', () => {
  refused(new Uint8Array(19), /RFC8489 §5: .*20-byte header/, 0);
  const m = encodeMessage(base());
  const topBits = m.slice(); topBits[0]! |= 0x80;
  refused(topBits, /most significant 2 bits/, 0);
  const cookie = m.slice(); cookie[4] = 0;
  refused(cookie, /Magic Cookie field MUST contain 0x2112A442/, 4);
  // §11: an RFC 3489 message, only when asked for, with its cookie bits returned and encoded back
  const r = decodeMessage(cookie, { rfc3489: true });
  assert.ok(r.ok);
  if (r.ok) {
    assert.is(r.message.cookie, 0x0012a442);
    assert.equal([...encodeMessage(r.message)], [...cookie]);
  }
});

// @tests RFC8489 P11L15-P11L18
test('a message length that is not a multiple of 4, or not the bytes that follow, is refused', () => {
  const m = encodeMessage(base());
  const odd = m.slice(); odd[3]! += 1;
  refused(odd, /message length \d+ is not a multiple of 4/, 2);
  refused(m.subarray(0, m.length - 4), /message length says \d+ bytes after the header, the message has \d+/, 2);
  const longer = new Uint8Array(m.length + 4); longer.set(m);
  refused(longer, /message length says/, 2);
});

// @tests RFC8489 P36L17-P36L19, P36L33-P36L37
test('an attribute running past the end of the message is refused at its length', () => {
  const bytes = raw([...tlv(ATTRIBUTE.SOFTWARE, [0x61, 0x62, 0x63, 0x64])]);
  bytes[23] = 9; // SOFTWARE says 9 bytes (12 padded); 4 are there
  refused(bytes, /attribute 0x8022 of length 9 \(12 padded\) runs past the end/, 22);
  // the last attribute's padding must fit too: USERNAME of 5 bytes with only 1 of its 3 padding bytes
  const short = raw([...tlv(ATTRIBUTE.USERNAME, [0x61, 0x62, 0x63, 0x64, 0x65]), 0, 0, 0]).subarray(0, 20 + 4 + 5 + 3);
  const cut = short.slice(); cut[3] = 8; // length 8: 4 + 5 would need 4 + 8
  refused(cut.subarray(0, 28), /attribute 0x0006 of length 5 \(8 padded\) runs past the end/, 22);
});

// @tests RFC8489 P36L38-P36L39
test('padding: zero on sending, ignored on receiving', () => {
  const out = encodeMessage(base([{ type: 'USERNAME', value: 'abcde' }]));
  assert.equal([...out.subarray(29, 32)], [0, 0, 0]);
  const spaced = encodeMessage(base([{ type: 'USERNAME', value: 'abcde' }]), { padding: 0x20 });
  const r = decodeMessage(spaced);
  assert.ok(r.ok && firstAttribute(r.message, 'USERNAME')?.value === 'abcde');
});

// @tests RFC8489 P22L41-P22L43
test('a duplicate MESSAGE-INTEGRITY is ignored, as every attribute after MESSAGE-INTEGRITY but MESSAGE-INTEGRITY-SHA256 and FINGERPRINT', () => {
  const signed = encodeMessage(base(), { integrity: { key } });
  // append a second MESSAGE-INTEGRITY (20 bytes of 0xee) and a USERNAME after the first
  const extra = [...tlv(ATTRIBUTE['MESSAGE-INTEGRITY'], new Array(20).fill(0xee)), ...tlv(ATTRIBUTE.USERNAME, [0x78])];
  const bytes = new Uint8Array(signed.length + extra.length);
  bytes.set(signed); bytes.set(extra, signed.length);
  const len = bytes.length - 20; bytes[2] = len >> 8; bytes[3] = len & 0xff;
  const r = decodeMessage(bytes);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.message.attributes.map((a) => a.type), ['SOFTWARE', 'MESSAGE-INTEGRITY']);
  assert.equal(r.message.ignored!.map((x) => [x.attribute.type, x.offset]), [['MESSAGE-INTEGRITY', signed.length], ['USERNAME', signed.length + 24]]);
  assert.match(r.message.ignored![0]!.reason, /RFC8489 §9: agents MUST ignore all attributes that follow MESSAGE-INTEGRITY/);
  assert.is(firstAttribute(r.message, 'USERNAME'), undefined, 'the ignored USERNAME is not taken');
  // the first MESSAGE-INTEGRITY still verifies: its input ends before it
  assert.ok(verifyIntegrity(bytes, key));
});

// @tests RFC8489 P22L43-P22L46
test('after MESSAGE-INTEGRITY-SHA256 alone, everything but FINGERPRINT is ignored', () => {
  const signed = encodeMessage(base(), { integrity: { key, sha256: true } });
  const extra = tlv(ATTRIBUTE.REALM, [0x72]);
  const bytes = new Uint8Array(signed.length + extra.length);
  bytes.set(signed); bytes.set(extra, signed.length);
  bytes[3] = bytes.length - 20;
  const r = decodeMessage(bytes);
  assert.ok(r.ok && r.message.ignored?.[0]?.attribute.type === 'REALM' && /MESSAGE-INTEGRITY-SHA256/.test(r.message.ignored[0].reason));
  assert.ok(verifyIntegrity(bytes, key, true));
});

// @tests RFC8489 P42L5-P42L7
test('attributes after FINGERPRINT are ignored with the rule, and the fingerprint no longer checks', () => {
  const fp = encodeMessage(base(), { fingerprint: true });
  assert.ok(verifyFingerprint(fp));
  const extra = tlv(ATTRIBUTE.SOFTWARE, [0x7a]);
  const bytes = new Uint8Array(fp.length + extra.length);
  bytes.set(fp); bytes.set(extra, fp.length);
  bytes[3] = bytes.length - 20;
  const r = decodeMessage(bytes);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.message.attributes.map((a) => a.type), ['SOFTWARE', 'FINGERPRINT']);
  assert.match(r.message.ignored![0]!.reason, /FINGERPRINT attribute MUST be the last attribute/);
  assert.not.ok(verifyFingerprint(bytes), 'FINGERPRINT is not last: the check fails (§6.3 discards it when FINGERPRINT is in use)');
});

// @tests RFC8489 P40L38-P40L42, P42L19-P42L23, P20L36-P20L39
test('a wrong MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT is detected, each byte of the message counted', async () => {
  const good = encodeMessage(base([{ type: 'USERNAME', value: 'alice' }]), { integrity: { key, both: true }, fingerprint: true });
  assert.ok(verifyIntegrity(good, key) && verifyIntegrity(good, key, true) && verifyFingerprint(good));
  assert.not.ok(verifyIntegrity(good, new TextEncoder().encode('Secret')));
  for (let i = 0; i < good.length; i++) {
    const bad = good.slice();
    bad[i]! ^= 0x01;
    assert.not.ok(verifyFingerprint(bad), `a flipped bit at ${i} fails FINGERPRINT`);
    const miEnd = good.length - 8 - 36; // the first MESSAGE-INTEGRITY's end
    if (i < miEnd && i !== 2 && i !== 3) assert.not.ok(verifyIntegrity(bad, key), `a flipped bit at ${i} fails MESSAGE-INTEGRITY`);
  }
  // RFC 5769 §2.2 with one byte of its XOR-MAPPED-ADDRESS changed
  const v = (await rfc5769Vectors())[1]!;
  const changed = v.bytes.slice(); changed[47]! ^= 0xff;
  assert.not.ok(verifyIntegrity(changed, new TextEncoder().encode(v.parameters.get('Password')![0]!)));
  assert.not.ok(verifyFingerprint(changed));
  assert.not.ok(verifyIntegrity(encodeMessage(base()), key), 'absent: false');
});

// @tests RFC8489 P37L18-P37L19, P40L6, P41L7-P41L9, P43L5-P43L9
test("a known attribute's value breaking its rule is refused naming it, at the value", () => {
  refused(raw(tlv(ATTRIBUTE['XOR-MAPPED-ADDRESS'], [0, 3, 0, 0, 1, 2, 3, 4])), /§14.2 XOR-MAPPED-ADDRESS: address family 0x03/, 25);
  refused(raw(tlv(ATTRIBUTE['MAPPED-ADDRESS'], [0, 1, 0, 0, 1, 2, 3])), /§14.1 MAPPED-ADDRESS: an IPv4 address is 32 bits/, 28);
  refused(raw(tlv(ATTRIBUTE.USERHASH, new Array(31).fill(1))), /§14.4 USERHASH: the value is 31 bytes, not 32/, 24);
  refused(raw(tlv(ATTRIBUTE['MESSAGE-INTEGRITY-SHA256'], new Array(12).fill(1))), /§14.6 MESSAGE-INTEGRITY-SHA256: 12 bytes/);
  refused(raw(tlv(ATTRIBUTE['ERROR-CODE'], [0, 0, 7, 0])), /§14.8 ERROR-CODE: class 7 is not between 3 and 6/, 26);
  refused(raw(tlv(ATTRIBUTE['ERROR-CODE'], [0, 0, 4, 100])), /number 100 is not between 0 and 99/, 27);
  refused(raw(tlv(ATTRIBUTE.USERNAME, [0xff, 0xfe])), /§14.3 USERNAME: not UTF-8/);
  refused(raw(tlv(ATTRIBUTE.SOFTWARE, new Array(764).fill(0x61))), /§14.14 SOFTWARE: 764 bytes, more than the 763/);
});

// @tests RFC8489 P43L5-P43L7, P37L41-P37L42
test('reserved bits are ignored on receipt', () => {
  const r = decodeMessage(raw([...tlv(ATTRIBUTE['ERROR-CODE'], [0xff, 0xff, 0xfc | 4, 1, 0x61]), ...tlv(ATTRIBUTE['MAPPED-ADDRESS'], [0xff, 1, 0, 80, 10, 0, 0, 1])]));
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.message.attributes[0], { type: 'ERROR-CODE', code: 401, reason: 'a' });
    assert.equal(r.message.attributes[1], { type: 'MAPPED-ADDRESS', value: { family: 'IPv4', address: '10.0.0.1', port: 80 } });
  }
});

// @tests RFC8489 P10L13-P10L18, P10L24-P10L28
test('message type: method and class interleaved as Figure 3', () => {
  assert.is(messageType(Binding, 'request'), 0x0001);
  assert.is(messageType(Binding, 'success'), 0x0101);
  assert.is(messageType(Binding, 'error'), 0x0111);
  assert.is(messageType(Binding, 'indication'), 0x0011);
  assert.is(messageType(Allocate, 'request'), 0x0003);
  for (const m of [0, 1, 0x0f, 0x10, 0x7f, 0x80, 0xfff]) for (const c of ['request', 'indication', 'success', 'error'] as const) assert.equal(splitMessageType(messageType(m, c)), { method: m, class: c });
  assert.throws(() => messageType(0x1000, 'request'), /RFC8489 §5: a method is 12 bits/);
});

// @tests RFC8489 P36L48-P37L5, P17L6-P17L10, P43L41-P43L44
test('comprehension-required: 0x0000-0x7FFF; the unknown ones a 420 lists', () => {
  assert.ok(isComprehensionRequired(0x0000) && isComprehensionRequired(0x7fff));
  assert.not.ok(isComprehensionRequired(0x8000) || isComprehensionRequired(0xffff));
  const r = decodeMessage(raw([...tlv(0x7777, [1]), ...tlv(0x8888, [2]), ...tlv(0x7777, [3]), ...tlv(0x0024, [0, 0, 0, 1])]));
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(unknownComprehensionRequired(r.message), [0x7777, 0x0024]);
    assert.equal(unknownComprehensionRequired(r.message, new Set([0x0024])), [0x7777]);
    assert.equal(r.message.attributes[0], { type: 'unknown', code: 0x7777, value: Uint8Array.of(1) });
  }
});

// @tests RFC8489 P10L19-P10L22, P16L27-P16L29, P11L9-P11L10
test('classes a method permits, and a response carrying its request\'s method and transaction ID', () => {
  for (const c of ['request', 'indication', 'success', 'error'] as const) assert.ok(isClassPermitted(Binding, c));
  assert.ok(isClassPermitted(Send, 'indication'));
  assert.not.ok(isClassPermitted(Send, 'request'));
  assert.not.ok(isClassPermitted(Allocate, 'indication'));
  assert.not.ok(isClassPermitted(0x0fff, 'request'), 'an unknown method');
  const req = base();
  const res = responseTo(req, 'error', [{ type: 'ERROR-CODE', code: 420, reason: 'Unknown Attribute' }, { type: 'UNKNOWN-ATTRIBUTES', value: [0x7777] }]);
  assert.equal([res.class, res.method, hex(res.transactionId)], ['error', Binding, hex(tid)]);
  assert.throws(() => responseTo(res, 'success'), /only a request is answered/);
});

// @tests RFC8489 P12L11-P12L19
test('the UDP size limit: 548 bytes of STUN in IPv4, 1232 in IPv6, or the path MTU less the headers', () => {
  assert.is(maxUdpMessageSize('IPv4'), 548);
  assert.is(maxUdpMessageSize('IPv6'), 1232);
  assert.is(maxUdpMessageSize('IPv4', 1500), 1472);
});

test('isStun: the first byte 0..3 (RFC 7983), not DTLS (20..63) or RTP/RTCP (128..191)', () => {
  for (let b = 0; b < 256; b++) assert.is(isStun(b), b <= 3, `byte ${b}`);
});

test('every typed attribute, TURN ones included, encodes and decodes back', () => {
  const attributes: StunAttribute[] = [
    { type: 'MAPPED-ADDRESS', value: { family: 'IPv4', address: '192.0.2.1', port: 32853 } },
    { type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv6', address: '2001:db8::1', port: 1 } },
    { type: 'XOR-PEER-ADDRESS', value: { family: 'IPv4', address: '127.0.0.1', port: 9 } },
    { type: 'XOR-RELAYED-ADDRESS', value: { family: 'IPv6', address: '::1', port: 65535 } },
    { type: 'ALTERNATE-SERVER', value: { family: 'IPv6', address: 'fe80::1:2:3:4', port: 3478 } },
    { type: 'USERNAME', value: 'マトリックス' },
    { type: 'USERHASH', value: new Uint8Array(32).fill(7) },
    { type: 'ERROR-CODE', code: 420, reason: 'Unknown Attribute' },
    { type: 'UNKNOWN-ATTRIBUTES', value: [0x7777, 0x0024, 0x1234] },
    { type: 'REALM', value: 'example.org' },
    { type: 'NONCE', value: 'obMatJos2AAAA' },
    { type: 'PASSWORD-ALGORITHMS', value: [{ algorithm: 2, parameters: new Uint8Array(0) }, { algorithm: 0x8001, parameters: Uint8Array.of(1, 2, 3) }] },
    { type: 'PASSWORD-ALGORITHM', value: { algorithm: 1, parameters: new Uint8Array(0) } },
    { type: 'SOFTWARE', value: 'rfcdoc 1' },
    { type: 'ALTERNATE-DOMAIN', value: 'stun.example.org' },
    { type: 'CHANNEL-NUMBER', value: 0x4000 },
    { type: 'LIFETIME', value: 600 },
    { type: 'DATA', value: Uint8Array.of(1, 2, 3, 4, 5) },
    { type: 'REQUESTED-ADDRESS-FAMILY', value: 'IPv6' },
    { type: 'ADDITIONAL-ADDRESS-FAMILY', value: 'IPv6' },
    { type: 'EVEN-PORT', value: true },
    { type: 'REQUESTED-TRANSPORT', value: 17 },
    { type: 'DONT-FRAGMENT' },
    { type: 'RESERVATION-TOKEN', value: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
    { type: 'ADDRESS-ERROR-CODE', family: 'IPv4', code: 440, reason: 'Address Family not Supported' },
    { type: 'ICMP', icmpType: 3, icmpCode: 1, errorData: 0x01020304 },
    { type: 'unknown', code: 0xc001, value: Uint8Array.of(9) },
  ];
  const m: StunMessage = { class: 'success', method: ChannelBind, transactionId: tid, attributes };
  const r = decodeMessage(encodeMessage(m));
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.message, m);
});

test('the encoder refuses what it cannot write as the RFC says, naming the rule', () => {
  assert.throws(() => encodeMessage({ ...base(), transactionId: new Uint8Array(16) }), /RFC8489 §5: the transaction ID is 96 bits/);
  assert.throws(() => encodeMessage(base([{ type: 'USERNAME', value: 'x'.repeat(509) }])), /§14.3 USERNAME: 509 bytes; it must be fewer than 509/);
  assert.throws(() => encodeMessage(base([{ type: 'SOFTWARE', value: 'x'.repeat(128) }])), /fewer than 128 characters/);
  assert.throws(() => encodeMessage(base([{ type: 'ERROR-CODE', code: 299, reason: '' }])), /error code 299 is not in 300..699/);
});

test('a Node Buffer (what a socket delivers) is neither changed nor shared by decoding and verifying', async () => {
  const v = (await rfc5769Vectors())[1]!; // XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT
  const datagram = Buffer.from(v.bytes);
  const before = Buffer.from(datagram);
  const key = new TextEncoder().encode(v.parameters.get('Password')![0]!);
  assert.ok(verifyIntegrity(datagram, key));
  assert.ok(verifyFingerprint(datagram), 'verifyIntegrity left the length field as it was');
  const r = decodeMessage(datagram);
  assert.ok(r.ok);
  assert.ok(datagram.equals(before), 'decoding XOR-MAPPED-ADDRESS did not XOR the datagram in place');
  if (!r.ok) return;
  assert.equal(firstAttribute(r.message, 'XOR-MAPPED-ADDRESS')?.value, { family: 'IPv4', address: '192.0.2.1', port: 32853 });
  datagram.fill(0);
  assert.is(hex(r.message.transactionId), 'b7e7a701bc34d686fa87dfae', 'the transaction ID is a copy');
  assert.is(firstAttribute(r.message, 'MESSAGE-INTEGRITY')!.value[0], 0x2b, 'a kept value is a copy');
});

test('10,000 mutated and random datagrams: decodeMessage never throws, each refusal names a rule and an offset inside', async () => {
  const seeds = [...(await rfc5769Vectors()).map((v) => v.bytes), encodeMessage(base([{ type: 'USERNAME', value: 'u' }]), { integrity: { key, both: true }, fingerprint: true })];
  let state = 12345;
  const rand = (n: number) => ((state = (state * 1103515245 + 12345) >>> 0) % n);
  for (let i = 0; i < 10_000; i++) {
    const seed = seeds[i % seeds.length]!;
    let bytes: Uint8Array;
    if (i % 10 === 0) bytes = Uint8Array.from({ length: rand(120) }, () => rand(256));
    else {
      bytes = seed.slice(0, i % 7 === 0 ? rand(seed.length + 1) : seed.length);
      for (let k = 0, n = 1 + rand(4); k < n && bytes.length > 0; k++) bytes[rand(bytes.length)] = rand(256);
    }
    const r = decodeMessage(bytes);
    if (!r.ok) {
      assert.match(r.reason, /^RFC(8489|8656) §/);
      assert.ok(r.offset >= 0 && r.offset <= bytes.length, `offset ${r.offset} within ${bytes.length}`);
    }
    verifyFingerprint(bytes);
    verifyIntegrity(bytes, key);
  }
});

test.run();
