/** L16 (RFC 3551 §4.5.11) and the encoding-independent audio rules (§4.1, §4.2). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { channel, decodeL16, encodeL16 } from '../../../../reference/rtp/profile/l16.ts';
import { acceptsPacket, audioMarker, DEFAULT_PACKET_MS, samplesPerPacket, silenceBefore } from '../../../../reference/rtp/profile/audio.ts';

// @tests RFC3551 P27L26-P27L30, P10L38-P10L40
test('L16: two\'s complement, most significant octet first', () => {
  const payload = encodeL16(Int16Array.from([0x1234, -2, 32767, -32768]));
  assert.equal([...payload], [0x12, 0x34, 0xff, 0xfe, 0x7f, 0xff, 0x80, 0x00]);
  assert.equal([...decodeL16(payload)], [0x1234, -2, 32767, -32768]);
});

// @tests RFC3551 P10L33-P10L35, P9L30-P9L31
test('L16 stereo: the samples of one instant in consecutive octets, left first; half an instant refused', () => {
  const payload = encodeL16(Int16Array.from([1, 2, 3, 4])); // (L1, R1), (L2, R2)
  assert.equal([...payload], [0, 1, 0, 2, 0, 3, 0, 4]);
  assert.equal([...decodeL16(payload, 2)], [1, 2, 3, 4]);
  assert.throws(() => decodeL16(payload.subarray(0, 6), 2), /L16 payload of 6 octets is not a whole number of 2-channel sampling instants \(4 octets each\)/);
  assert.throws(() => decodeL16(Uint8Array.of(1, 2, 3)), /L16 payload of 3 octets/);
});

// @tests RFC3551 P9L40-P9L42, P8L44-P8L46
test('a stereo stream taken, one channel played: channel 1 is the left', () => {
  const stereo = decodeL16(encodeL16(Int16Array.from([1, -1, 2, -2, 3, -3])), 2);
  assert.equal([...channel(stereo, 2, 1)], [1, 2, 3]);
  assert.equal([...channel(stereo, 2, 2)], [-1, -2, -3]);
  assert.throws(() => channel(stereo, 2, 0), /channel 0 of 2: channels are numbered from 1/);
});

test('L16 decodes from a payload that sits inside a larger buffer (a packet)', () => {
  const packet = Uint8Array.of(0xaa, 0xbb, 0xcc, 0x00, 0x05, 0xff, 0xfb);
  assert.equal([...decodeL16(packet.subarray(3))], [5, -5]);
});

// @tests RFC3551 P8L26-P8L31, P8L33-P8L34
test('the marker: first packet of a talkspurt with silence suppression; never without', () => {
  assert.is(audioMarker({ silenceSuppression: true }, true), true);
  assert.is(audioMarker({ silenceSuppression: true }, false), false);
  assert.is(audioMarker({ silenceSuppression: false }, true), false);
});

// @tests RFC3551 P10L7-P10L9, P10L14-P10L15, P9L47, P9L35-P9L36
test('20 ms packets by default (160 samples at 8 kHz); a receiver takes 0 to 200 ms, any size between', () => {
  assert.is(DEFAULT_PACKET_MS, 20);
  assert.is(samplesPerPacket(8000), 160);
  assert.is(samplesPerPacket(44100, 20), 882);
  assert.throws(() => samplesPerPacket(44100, 1), /1 ms at 44100 Hz is not a whole/);
  assert.throws(() => samplesPerPacket(22254), /22254 Hz is not one of the sampling rates of RFC 3551 §4\.1/);
  assert.ok(acceptsPacket(0, 8000) && acceptsPacket(1600, 8000) && acceptsPacket(240, 8000) && acceptsPacket(8820, 44100));
  assert.not.ok(acceptsPacket(1601, 8000));
});

// @tests RFC3551 P8L10-P8L12
test('a timestamp jump is silence to play, not an error; a packet from the past leaves none (mod 2^32)', () => {
  assert.is(silenceBefore(1000, 1000), 0);
  assert.is(silenceBefore(1000, 1800), 800);
  assert.is(silenceBefore(0xffffff00, 0x100), 0x200);
  assert.is(silenceBefore(1800, 1000), 0);
});

test.run();
