/** The playout buffer: reorders, counts late, duplicate and missing packets, plays at the media clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlayoutBuffer } from '../../../../reference/rtp/session/playout.ts';

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

test.run();
