import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyFirstByte, decodeChannelData, encodeChannelData } from '../../../../reference/stun/turn/channelData.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

// @tests RFC8656 P49L19-P49L40, P50L17-P50L18
test('UDP: channel number, length of the data alone, the data; no padding', () => {
  const out = encodeChannelData({ channel: 0x4001, data: text('hello') }, 'udp');
  assert.equal([...out], [0x40, 0x01, 0x00, 0x05, ...text('hello')]);
  const back = decodeChannelData(out, 'udp');
  assert.equal(back, { kind: 'message', message: { channel: 0x4001, data: text('hello') }, size: 9 });
});

// @tests RFC8656 P50L12-P50L17
test('TCP: padded to a multiple of four, the padding not in Length', () => {
  for (const [n, size] of [[0, 4], [1, 8], [3, 8], [4, 8], [5, 12]]) {
    const out = encodeChannelData({ channel: 0x4fff, data: new Uint8Array(n).fill(7) }, 'tcp');
    assert.is(out.length, size, `${n} bytes of data`);
    assert.is((out[2] << 8) | out[3], n);
    assert.ok(out.subarray(4 + n).every((b) => b === 0), 'padding is zeros');
  }
});

// @tests RFC8656 P49L38-P49L40
test('0 is a valid length', () => {
  const out = encodeChannelData({ channel: 0x4000, data: new Uint8Array(0) }, 'udp');
  assert.equal([...out], [0x40, 0x00, 0x00, 0x00]);
  assert.equal(decodeChannelData(out, 'udp'), { kind: 'message', message: { channel: 0x4000, data: new Uint8Array(0) }, size: 4 });
});

// @tests RFC8656 P50L36-P50L38, P50L14-P50L17
test('TCP stream: two messages back to back, each taken with its padding; a partial one is incomplete', () => {
  const a = encodeChannelData({ channel: 0x4000, data: text('abc') }, 'tcp');
  const b = encodeChannelData({ channel: 0x4002, data: text('hello') }, 'tcp');
  const stream = new Uint8Array([...a, ...b]);
  const first = decodeChannelData(stream, 'tcp');
  assert.equal(first, { kind: 'message', message: { channel: 0x4000, data: text('abc') }, size: 8 });
  const second = decodeChannelData(stream.subarray(8), 'tcp');
  assert.equal(second, { kind: 'message', message: { channel: 0x4002, data: text('hello') }, size: 12 });
  // The data is there but not yet the padding: still incomplete.
  assert.equal(decodeChannelData(stream.subarray(8, 8 + 9), 'tcp'), { kind: 'incomplete', need: 12 });
  assert.equal(decodeChannelData(stream.subarray(0, 2), 'tcp'), { kind: 'incomplete', need: 4 });
});

test('UDP: padding after the data is accepted and is not data', () => {
  assert.equal(decodeChannelData(bytes(0x40, 0x00, 0x00, 0x01, 0x41, 0, 0, 0), 'udp'), { kind: 'message', message: { channel: 0x4000, data: bytes(0x41) }, size: 8 });
});

// @tests RFC8656 P50L30-P50L34
test('UDP: a datagram shorter than the claimed length is discarded, saying by how much', () => {
  const d = decodeChannelData(bytes(0x40, 0x00, 0x00, 0x08, 1, 2, 3), 'udp');
  assert.is(d.kind, 'discard');
  if (d.kind === 'discard') assert.match(d.why, 'holds 3 bytes of data, the Length field claims 8');
  assert.is(decodeChannelData(bytes(0x40, 0x00), 'udp').kind, 'discard');
});

// @tests RFC8656 P50L25-P50L28, P45L20-P45L29
test('channel numbers outside 0x4000-0x4FFF: discarded on receipt, refused on sending', () => {
  for (const channel of [0x5000, 0x7fff, 0xffff]) {
    const d = decodeChannelData(bytes(channel >> 8, channel & 0xff, 0, 0), 'udp');
    assert.is(d.kind, 'discard');
    if (d.kind === 'discard') assert.match(d.why, 'reserved range 0x5000-0xFFFF');
    assert.throws(() => encodeChannelData({ channel, data: new Uint8Array(0) }, 'udp'), /is not in 0x4000-0x4FFF/);
  }
  assert.throws(() => encodeChannelData({ channel: 0x3fff, data: new Uint8Array(0) }, 'tcp'), /0x3FFF is not in 0x4000-0x4FFF/);
  assert.throws(() => encodeChannelData({ channel: 0x4000, data: new Uint8Array(0x10000) }, 'udp'), /do not fit the 16-bit Length field/);
});

// @tests RFC8656 P45L38-P46L7, P46L11-P46L13
test('first byte demultiplexing (Table 3): 0-3 STUN, 64-79 a channel, the rest by range, reserved values dropped', () => {
  const classes = new Map<string, number[]>();
  for (let b = 0; b < 256; b++) {
    const c = classifyFirstByte(b);
    classes.set(c, [...(classes.get(c) ?? []), b]);
  }
  const span = (c: string) => { const v = classes.get(c) ?? []; return [v[0], v.at(-1), v.length]; };
  assert.equal(span('stun'), [0, 3, 4]);
  assert.equal(span('zrtp'), [16, 19, 4]);
  assert.equal(span('dtls'), [20, 63, 44]);
  assert.equal(span('channel'), [64, 79, 16]);
  assert.equal(span('rtp'), [128, 191, 64]);
  assert.is(classes.get('reserved')?.length, 256 - 4 - 4 - 44 - 16 - 64);
  // Every valid channel number's first byte is a channel's.
  assert.is(classifyFirstByte(0x4f), 'channel');
  assert.is(classifyFirstByte(0x50), 'reserved');
});

test.run();
