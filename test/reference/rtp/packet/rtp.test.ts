/**
 * RTP packets (RFC 3550 §5.1, §5.3.1) against the bit diagrams printed in the
 * RFC, read at test time; every malformed packet is answered with its reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../../reference/rtp/packet/rtp.ts';
import { diagramAfter, field, readBits, writeBits } from './diagram.ts';

const packet = (over: Partial<RtpPacket> = {}): RtpPacket => ({
  marker: false,
  payloadType: 0,
  sequenceNumber: 1000,
  timestamp: 160000,
  ssrc: 0x11223344,
  csrc: [],
  payload: new Uint8Array([1, 2, 3, 4, 5]),
  padding: 0,
  ...over,
});

const ok = (bytes: Uint8Array): RtpPacket => {
  const r = parseRtp(bytes);
  if (!r.ok) throw new Error(`dropped: ${r.reason}: ${r.detail}`);
  return r.value;
};

// @tests RFC3550 P13L5-P13L18, P13L24-P13L46, P14L1-P14L3, P14L8-P14L10, P14L22-P14L24, P14L32-P14L34, P16L11-P16L12, P16L26-P16L30
test('§5.1: every field of the printed header diagram is where the diagram puts it, both ways', async () => {
  const { fields } = diagramAfter(await realDoc('RFC3550'), 'The RTP header has the following format:');
  assert.equal(fields.map((f) => f.name), ['V', 'P', 'X', 'CC', 'M', 'PT', 'sequence number', 'timestamp', 'synchronization source (SSRC) identifier', 'contributing source (CSRC) identifiers']);
  const p = packet({ marker: true, payloadType: 0x55, sequenceNumber: 0xabcd, timestamp: 0xdeadbeef, ssrc: 0xcafef00d, csrc: [0x01020304, 0xa0b0c0d0], padding: 3 });
  const bytes = serializeRtp(p);
  const values: Record<string, number> = {
    V: 2, P: 1, X: 0, CC: 2, M: 1, PT: 0x55, 'sequence number': 0xabcd, timestamp: 0xdeadbeef,
    'synchronization source (SSRC) identifier': 0xcafef00d, 'contributing source (CSRC) identifiers': 0x01020304,
  };
  for (const f of fields) assert.is(readBits(bytes, 0, f), values[f.name], f.label);
  assert.is(field(fields, 'V').value, 2);
  // The other way: octets written at the diagram's positions parse to those values.
  const raw = new Uint8Array(12 + 8 + 4);
  for (const f of fields) writeBits(raw, 0, f, f.name === 'P' ? 0 : values[f.name]);
  raw.set([0xa0, 0xb0, 0xc0, 0xd0], 16);
  const back = ok(raw);
  assert.equal([back.marker, back.payloadType, back.sequenceNumber, back.timestamp, back.ssrc, back.csrc], [true, 0x55, 0xabcd, 0xdeadbeef, 0xcafef00d, [0x01020304, 0xa0b0c0d0]]);
  assert.equal([...back.payload], [0, 0, 0, 0]);
});

// @tests RFC3550 P19L10-P19L22
test('§5.3.1: the extension header diagram: profile and length in words, after the CSRC list', async () => {
  const { fields } = diagramAfter(await realDoc('RFC3550'), 'Note that this header extension is intended only');
  assert.equal(fields.map((f) => f.name), ['defined by profile', 'length', 'header extension']);
  const bytes = serializeRtp(packet({ csrc: [7], extension: { profile: 0x1234, data: new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]) } }));
  const base = 12 + 4; // fixed header, one CSRC
  assert.is(readBits(bytes, base, field(fields, 'defined by profile')), 0x1234);
  assert.is(readBits(bytes, base, field(fields, 'length')), 2, 'words, the four-octet extension header excluded');
  assert.is(readBits(bytes, base, field(fields, 'header extension')), 0x09080706);
  const back = ok(bytes);
  assert.is(back.extension?.profile, 0x1234);
  assert.equal([...back.extension!.data], [9, 8, 7, 6, 5, 4, 3, 2]);
  assert.equal([...back.payload], [1, 2, 3, 4, 5]);
  // zero is a valid length
  assert.equal([...ok(serializeRtp(packet({ extension: { profile: 1, data: new Uint8Array() } }))).extension!.data], []);
});

test('round trip: header, CSRC list, extension, payload and padding come back as sent', () => {
  const p = packet({ marker: true, payloadType: 96, csrc: [1, 2, 3], extension: { profile: 0xbede, data: new Uint8Array([0x10, 0xff, 0, 0]) }, padding: 4 });
  const bytes = serializeRtp(p);
  assert.is(bytes.length, 12 + 12 + 8 + 5 + 4);
  assert.equal(ok(bytes), p);
  assert.equal(serializeRtp(ok(bytes)), bytes);
});

// @tests RFC3550 P13L30-P13L34, P12L14-P12L15
test('padding: the last octet counts the padding, itself included; the padding octets are zero and not payload', () => {
  const bytes = serializeRtp(packet({ padding: 3 }));
  assert.equal([...bytes.subarray(-3)], [0, 0, 3]);
  assert.is(bytes[0] & 0x20, 0x20);
  assert.equal([...ok(bytes).payload], [1, 2, 3, 4, 5]);
});

// @tests RFC3550 P78L39, P78L41-P78L42, P78L44-P78L46, P79L1-P79L4, P79L6-P79L7
test('A.1: malformed packets are dropped with their reason, never thrown', () => {
  const good = serializeRtp(packet({ csrc: [1, 2], extension: { profile: 0xbede, data: new Uint8Array(4) }, padding: 2 }));
  const mutate = (f: (b: Uint8Array) => void) => {
    const b = good.slice();
    f(b);
    return b;
  };
  const reason = (b: Uint8Array) => {
    const r = parseRtp(b);
    return r.ok ? 'ok' : r.reason;
  };
  assert.is(reason(good), 'ok');
  assert.is(reason(good.subarray(0, 11)), 'short');
  assert.is(reason(mutate((b) => (b[0] = (b[0] & 0x3f) | 0x40))), 'version'); // V=1
  assert.is(reason(mutate((b) => (b[0] &= 0x3f))), 'version'); // V=0 (vat)
  assert.is(reason(mutate((b) => (b[1] = 200))), 'rtcp');
  assert.is(reason(mutate((b) => (b[1] = 201))), 'rtcp');
  assert.is(reason(mutate((b) => (b[b.length - 1] = 0))), 'padding');
  assert.is(reason(mutate((b) => (b[b.length - 1] = 250))), 'padding');
  assert.is(reason(mutate((b) => (b[0] = (b[0] & 0xf0) | 15))), 'csrc');
  assert.is(reason(mutate((b) => (b[12 + 8 + 3] = 40))), 'extension');
  assert.is(reason(good.subarray(0, 12 + 8 + 2)), 'short');
  const r = parseRtp(mutate((b) => (b[0] = (b[0] & 0xf0) | 15)));
  assert.ok(!r.ok && /CC=15/.test(r.detail) && /RFC 3550/.test(r.detail), 'the detail names the field and the rule');
});

test('serialize refuses what does not fit its field, naming it', () => {
  assert.throws(() => serializeRtp(packet({ csrc: new Array(16).fill(1) })), /16 CSRC.*at most 15/);
  assert.throws(() => serializeRtp(packet({ payloadType: 128 })), /payload type 128/);
  assert.throws(() => serializeRtp(packet({ sequenceNumber: 65536 })), /sequence number/);
  assert.throws(() => serializeRtp(packet({ extension: { profile: 1, data: new Uint8Array(3) } })), /32-bit words/);
  assert.throws(() => serializeRtp(packet({ padding: 256 })), /padding 256/);
});

test.run();
