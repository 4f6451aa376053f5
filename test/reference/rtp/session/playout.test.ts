/** The playout buffer: reorders, counts late, duplicate and missing packets, plays at the media clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlayoutBuffer } from '../../../../reference/rtp/session/playout.ts';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import type { RtpPacket } from '../../../../reference/rtp/packet/rtp.ts';
import { FakeClock, session } from './harness.ts';

const pkt = (seq: number, ts = seq * 160) => ({ sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, payload: new Uint8Array([seq & 0xff]) });

test('reordered packets play in sequence order, each at arrival of the first + delay + its timestamp offset', () => {
  const b = new PlayoutBuffer({ clockRate: 8000, delayMs: 60 });
  b.push(pkt(10), 0);
  b.push(pkt(12), 25);
  b.push(pkt(11), 30);
  b.push(pkt(13), 55);
  assert.equal(b.pop(59).map((p) => p.sequenceNumber), []);
  assert.equal(b.pop(60).map((p) => p.sequenceNumber), [10]);
  assert.is(b.playAt(pkt(12).timestamp), 100);
  assert.equal(b.pop(100).map((p) => p.sequenceNumber), [11, 12]);
  assert.equal(b.pop(1000).map((p) => p.sequenceNumber), [13]);
  assert.equal(b.counts, { queued: 4, played: 4, late: 0, duplicates: 0, overflow: 0, missing: 0 });
});

test('a packet after its turn has played is late; a gap that never filled is missing; duplicates are dropped', () => {
  const b = new PlayoutBuffer({ clockRate: 8000, delayMs: 40 });
  b.push(pkt(1), 0);
  b.push(pkt(3), 40);
  b.push(pkt(3), 41);
  assert.equal(b.pop(80).map((p) => p.sequenceNumber), [1, 3]);
  assert.is(b.counts.missing, 1);
  assert.is(b.counts.duplicates, 1);
  assert.is(b.push(pkt(2), 81), 'late');
  assert.is(b.counts.late, 1);
});

test('a packet that arrives after its time, even before the next one played, is late', () => {
  const b = new PlayoutBuffer({ clockRate: 8000, delayMs: 40 });
  b.push(pkt(1), 0);
  assert.equal(b.pop(40).map((p) => p.sequenceNumber), [1]);
  assert.equal(b.pop(61).map((p) => p.sequenceNumber), [], 'packet 2 was due at 60 ms and is not here');
  assert.is(b.push(pkt(2), 62), 'late');
  assert.is(b.push(pkt(3), 63), 'queued', 'due at 80 ms: in time');
});

test('across the 16-bit wrap, and memory bounded by capacity', () => {
  const b = new PlayoutBuffer({ clockRate: 8000, delayMs: 1000, capacity: 3 });
  b.push(pkt(65534), 0);
  b.push(pkt(0, 65536 * 160), 1);
  b.push(pkt(65535), 2);
  assert.is(b.push(pkt(1, 65537 * 160), 3), 'overflow');
  assert.equal(b.pop(1e9).map((p) => p.sequenceNumber), [65534, 65535, 0]);
});

test('a packet reordered before anything played still gets its turn', () => {
  const b = new PlayoutBuffer({ clockRate: 8000, delayMs: 60 });
  b.push(pkt(5), 0);
  assert.is(b.push(pkt(4), 10), 'queued');
  assert.equal(b.pop(100).map((p) => p.sequenceNumber), [4, 5]);
  assert.throws(() => new PlayoutBuffer({ clockRate: 0, delayMs: 1 }), /clock rate/);
});

/** 500 packets, 20 ms apart, through a network that delays each by 0-`jitterMs` ms (seeded), into a session feeding a buffer. */
function playThrough(jitterMs: number, delayMs: number) {
  const clock = new FakeClock();
  const buffer = new PlayoutBuffer<RtpPacket>({ clockRate: 8000, delayMs });
  const { s } = session(clock, { onPacket: (p) => buffer.push(p, clock.now()) });
  let x = 7;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < 500; k++) {
    const bytes = serializeRtp({ marker: false, payloadType: 0, sequenceNumber: (65000 + k) & 0xffff, timestamp: 160 * k, ssrc: 77, csrc: [], payload: new Uint8Array(160), padding: 0 });
    clock.setTimer(20 * k + rnd() * jitterMs, () => s.receiveRtp(bytes, '127.0.0.1:4000'));
  }
  const played: number[] = [];
  const times: number[] = [];
  for (let t = 0; t < 20 * 500 + 1000; t += 5) {
    clock.advance(5);
    for (const p of buffer.pop(clock.now())) {
      played.push(p.sequenceNumber);
      times.push(clock.now());
    }
  }
  return { played, times, buffer, jitter: s.stats()[0].jitterMs!, probation: s.rtpDrops.get('probation') };
}

test('behind a session: 40 ms of network jitter and an 80 ms playout delay, every packet plays, in order, 20 ms apart', () => {
  const { played, times, buffer, jitter, probation } = playThrough(40, 80);
  // what A.1 kept on probation (the first packet, or two when the first two came out of order) never reaches the buffer
  assert.is(played.length, 500 - probation);
  assert.ok(played.every((seq, i) => i === 0 || seq === ((played[i - 1] + 1) & 0xffff)), 'in sequence, across the 16-bit wrap');
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps.every((g) => g >= 15 && g <= 25), 'at the media clock: one packet per 20 ms (to the 5 ms tick)');
  assert.equal([buffer.counts.late, buffer.counts.missing], [0, 0]);
  assert.ok(jitter > 5 && jitter < 20, `A.8 sees the network's jitter: ${jitter} ms`);
});

test('behind a session: a 5 ms playout delay under 40 ms of jitter: packets come late, are counted, and the rest still play in order', () => {
  const { played, buffer, probation } = playThrough(40, 5);
  assert.ok(buffer.counts.late > 50, `${JSON.stringify(buffer.counts)}`);
  assert.is(played.length + buffer.counts.late, 500 - probation);
  assert.ok(played.every((seq, i) => i === 0 || ((seq - played[i - 1]) & 0xffff) < 0x8000), 'never backwards');
});

test.run();
