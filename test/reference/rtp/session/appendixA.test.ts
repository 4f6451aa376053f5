/** Appendix A of RFC 3550 as code: A.1 sequence validity, A.3 loss, A.8 jitter, A.6 identifiers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL, newSource, updateSeq, type SequenceState, type SequenceVerdict, type Valid } from '../../../../reference/rtp/session/sequence.ts';
import { cumulativeLost, expected, extendedMax, intervalLoss } from '../../../../reference/rtp/session/loss.ts';
import { NO_JITTER, reportedJitter, updateJitter } from '../../../../reference/rtp/session/jitter.ts';
import { random32, streamStart } from '../../../../reference/rtp/session/random.ts';

/** Feeds sequence numbers to a new source; returns the final state and each verdict. */
function run(seqs: number[]): { state: SequenceState; verdicts: SequenceVerdict[] } {
  let state: SequenceState = newSource(seqs[0]);
  const verdicts: SequenceVerdict[] = [];
  for (const seq of seqs) {
    const r = updateSeq(state, seq);
    state = r.next;
    verdicts.push(r.verdict);
  }
  return { state, verdicts };
}
const valid = (s: SequenceState): Valid => {
  if (s.state !== 'valid') throw new Error(`still ${s.state}`);
  return s;
};

// @tests RFC3550 P80L9-P80L15, P80L29-P80L34
test('A.1: the parameters are the RFC\'s typical values, read from its update_seq', async () => {
  const text = (await realDoc('RFC3550')).lines.map((l) => l.text).join('\n');
  const value = (name: string) => Number(new RegExp(`const int ${name} = (\\d+);`).exec(text)![1]);
  assert.equal([MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL], [value('MAX_DROPOUT'), value('MAX_MISORDER'), value('MIN_SEQUENTIAL')]);
});

// @tests RFC3550 P79L20-P79L38, P80L36-P81L6
test('A.1: a new source is valid after MIN_SEQUENTIAL packets in sequence; out of order, probation starts again', () => {
  assert.equal(run([100, 101]).verdicts, ['probation', 'validated']);
  assert.is(valid(run([100, 101]).state).received, 1, 'the validating packet is the first counted');
  assert.equal(run([100, 105, 106]).verdicts, ['probation', 'probation', 'validated']);
  assert.equal(run([100, 102, 104, 105]).verdicts, ['probation', 'probation', 'probation', 'validated']);
  assert.is(valid(run([100, 101]).state).baseSeq, 101);
  assert.equal(run([65535, 0]).verdicts, ['probation', 'validated'], 'in sequence across the wrap');
});

// @tests RFC3550 P79L40-P79L46, P81L7-P81L15, P83L12-P83L22
test('A.1, A.3: wrapping counts a cycle; expected spans it', () => {
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2];
  const s = valid(run(seqs).state);
  assert.is(s.cycles, 65536);
  assert.is(extendedMax(s), 65536 + 2);
  assert.is(expected(s), 8, 'from base 65531 to 2 in the next cycle');
  assert.is(cumulativeLost(s), 0);
});

// @tests RFC3550 P80L1-P80L7, P81L16-P81L29
test('A.1: a very large jump is invalid, unless the next packet follows it: then the source restarted', () => {
  const r = run([10, 11, 12, 20000, 20001, 20002]);
  assert.equal(r.verdicts, ['probation', 'validated', 'valid', 'jump', 'restarted', 'valid']);
  const s = valid(r.state);
  assert.is(s.baseSeq, 20001, 'statistics reset');
  assert.is(s.received, 2);
  assert.equal(run([10, 11, 12, 20000, 12, 13]).verdicts, ['probation', 'validated', 'valid', 'jump', 'valid', 'valid']);
});

// @tests RFC3550 P81L30-P81L34, P39L24-P39L27
test('A.1, A.3: duplicates and late packets are received, not lost: the loss can go negative', () => {
  const s = valid(run([1, 2, 3, 3, 3, 4, 2]).state);
  assert.is(s.maxSeq, 4);
  assert.is(s.received, 6);
  assert.is(expected(s), 3);
  assert.is(cumulativeLost(s), -3);
  assert.is(intervalLoss(s).fraction, 0, 'negative loss is reported as zero');
});

test('A.1: a sequence number that is not 16 bits is refused, loudly', () => {
  assert.throws(() => newSource(65536), /not 16 bits/);
  assert.throws(() => updateSeq(newSource(1), -1), /not 16 bits/);
});

// @tests RFC3550 P83L33-P83L48, P39L5-P39L14
test('A.3: with every 10th packet lost, each interval reports 10 % lost: 25 of 256', () => {
  const seqs: number[] = [];
  for (let i = 0; i < 1000; i++) if (i % 10 !== 9) seqs.push((60000 + i) % 65536);
  let s = valid(run([59999, ...seqs]).state);
  // Valid from 60000; 60000..60998 expected (999), 99 of them lost (the 10th, 20th, … 990th).
  const first = intervalLoss(s);
  assert.is(expected(s), 999);
  assert.is(first.fraction, 25, 'floor(99 * 256 / 999)');
  s = first.next;
  assert.is(cumulativeLost(s), 99);
  assert.is(intervalLoss(s).fraction, 0, 'nothing new since the report');
  // a second interval: 100 more expected, 10 lost
  for (let i = 1000; i < 1100; i++) if (i % 10 !== 9) s = valid(updateSeq(s, (60000 + i) % 65536).next);
  assert.is(intervalLoss(s).fraction, 25, 'floor(10 * 256 / 100)');
  assert.is(cumulativeLost(s), 109);
});

// @tests RFC3550 P83L29-P83L31
test('A.3: the cumulative loss clamps at 0x7fffff', () => {
  const s: Valid = { state: 'valid', maxSeq: 0, cycles: 65536 * 200, baseSeq: 0, badSeq: 0, received: 0, expectedPrior: 0, receivedPrior: 0 };
  assert.is(cumulativeLost(s), 0x7fffff);
  assert.is(cumulativeLost({ ...s, cycles: 0, received: 0x900000 }), -0x800000);
});

// @tests RFC3550 P94L3-P94L24, P40L5-P40L19
test('A.8: the jitter of a hand-computed trace', () => {
  // 8 kHz audio, 20 ms packets: timestamps step 160. Arrivals (in timestamp units)
  // with transit 1000, 1010, 990, 1000, 1040:
  //   D = 10, 20, 10, 40
  //   J1 = 0 + (10 - 0)/16          = 0.625
  //   J2 = 0.625 + (20 - 0.625)/16  = 1.8359375
  //   J3 = J2 + (10 - J2)/16        = 2.34619140625
  //   J4 = J3 + (40 - J3)/16        = 4.699554443359375
  const ts = [0, 160, 320, 480, 640];
  const transit = [1000, 1010, 990, 1000, 1040];
  let j = NO_JITTER;
  const seen: number[] = [];
  ts.forEach((t, i) => {
    j = updateJitter(j, t + transit[i], t);
    seen.push(j.jitter);
  });
  assert.equal(seen, [0, 0.625, 1.8359375, 2.34619140625, 4.699554443359375]);
  assert.is(reportedJitter(j), 4);
  // 32-bit wrap of the timestamp changes nothing: differences are signed 32-bit
  let w = NO_JITTER;
  ts.forEach((t, i) => (w = updateJitter(w, (t + transit[i] + 0xffffff00) >>> 0, (t + 0xffffff00) >>> 0)));
  assert.is(w.jitter, j.jitter);
});

// @tests RFC3550 P85L39-P85L44, P14L25-P14L26, P15L5-P15L6, P16L12-P16L15
test('A.6: identifiers, initial sequence numbers and timestamps are random 32 (16) bit quantities', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => random32()));
  assert.ok(ids.size >= 999, 'no repeats to speak of among 1000 draws');
  for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffffffff);
  const starts = Array.from({ length: 200 }, () => streamStart());
  assert.ok(new Set(starts.map((s) => s.sequenceNumber)).size > 150);
  assert.ok(starts.every((s) => s.sequenceNumber <= 0xffff && s.timestamp <= 0xffffffff));
});

test.run();
