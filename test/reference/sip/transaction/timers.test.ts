import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as t from '../../../../reference/sip/transaction/timers.ts';
import { FakeClock } from '../../../../reference/clock.ts';

// @tests RFC3261 P265L6-P265L41
test('Table 4 with the default T1 = 500 ms, T2 = 4 s, T4 = 5 s (UDP / reliable)', () => {
  const v = t.timerValues();
  assert.equal(v, { T1: 500, T2: 4000, T4: 5000 });
  assert.is(t.initialTimerA(v), 500);
  assert.is(t.timerB(v), 32000);
  assert.is(t.timerD(false), 32000);
  assert.is(t.timerD(true), 0);
  assert.is(t.initialTimerE(v), 500);
  assert.is(t.timerF(v), 32000);
  assert.is(t.initialTimerG(v), 500);
  assert.is(t.timerH(v), 32000);
  assert.is(t.timerI(v, false), 5000);
  assert.is(t.timerI(v, true), 0);
  assert.is(t.timerJ(v, false), 32000);
  assert.is(t.timerJ(v, true), 0);
  assert.is(t.timerK(v, false), 5000);
  assert.is(t.timerK(v, true), 0);
});

// @tests RFC3261 P131L15-P131L23, P135L19-P135L25, P126L5-P126L8
test('backoff: A doubles without cap; E and G double and cap at T2 (500 ms, 1 s, 2 s, 4 s, 4 s)', () => {
  const v = t.timerValues();
  const seq = (first: number, next: (x: number) => number, n: number) => {
    const out = [first];
    while (out.length < n) out.push(next(out[out.length - 1]));
    return out;
  };
  assert.equal(seq(t.initialTimerA(v), t.nextTimerA, 7), [500, 1000, 2000, 4000, 8000, 16000, 32000]);
  assert.equal(seq(t.initialTimerE(v), (x) => t.nextTimerE(v, x), 6), [500, 1000, 2000, 4000, 4000, 4000]);
  assert.equal(seq(t.initialTimerG(v), (x) => t.nextTimerG(v, x), 6), [500, 1000, 2000, 4000, 4000, 4000]);
  assert.is(t.proceedingTimerE(v), 4000);
});

// @tests RFC6026 P18L24-P18L35
test('RFC 6026 Timers L and M are 64*T1', () => {
  assert.is(t.timerL(t.timerValues({ T1: 100 })), 6400);
  assert.is(t.timerM(t.timerValues()), 32000);
});

test('bad base values are refused with the name of the timer', () => {
  assert.throws(() => t.timerValues({ T1: 0 }), /T1 must be a positive/);
  assert.throws(() => t.timerValues({ T4: Number.NaN }), /T4 must be a positive/);
  assert.throws(() => t.timerValues({ T1: 5000, T2: 4000 }), /T2 \(4000 ms\) must not be smaller than T1/);
});

test('FakeClock fires timers in due order, ties in the order set, including timers set while firing', () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
  clock.setTimer(5, () => {
    fired.push(`b@${clock.now()}`);
    clock.setTimer(5, () => fired.push(`c@${clock.now()}`));
  });
  const d = clock.setTimer(7, () => fired.push('d'));
  clock.clearTimer(d);
  clock.advance(9);
  assert.equal(fired, ['b@5']);
  clock.advance(1);
  assert.equal(fired, ['b@5', 'a@10', 'c@10']);
  assert.is(clock.now(), 10);
  assert.is(clock.pending, 0);
  assert.throws(() => clock.setTimer(-1, () => {}), /must be >= 0/);
});

test.run();
