import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nonInviteClientStep, startNonInviteClient, type NonInviteClient, type NonInviteClientEvent } from '../../../../reference/sip/transaction/nonInviteClient.ts';
import { timerValues } from '../../../../reference/sip/transaction/timers.ts';
import { run, times } from './harness.ts';

const start = (reliable: boolean, t = timerValues()) =>
  run<NonInviteClient<string>, NonInviteClientEvent<string>>(
    startNonInviteClient('OPTIONS', { reliable, timers: t }),
    nonInviteClientStep,
  );

// @tests RFC3261 P131L10-P131L27
test('UDP Trying: E doubles from T1 and caps at T2 (500 ms, 1 s, 2 s, 4 s, 4 s …); Timer F at 64*T1 = 32 s', () => {
  const { clock, log, driver } = start(false);
  clock.advance(31999);
  assert.equal(times(log, 'OPTIONS'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.is(driver.state, 'Trying');
  clock.advance(1);
  assert.equal(log.failures, [[32000, 'timeout']]);
  assert.is(driver.state, 'Terminated');
  assert.is(clock.pending, 0);
});

// @tests RFC3261 P131L15-P131L19
test('the cap follows a configured T2', () => {
  const { clock, log } = start(false, timerValues({ T1: 100, T2: 300 }));
  clock.advance(1500);
  assert.equal(times(log, 'OPTIONS'), [0, 100, 300, 600, 900, 1200, 1500]);
});

// @tests RFC3261 P131L12-P131L15
test('TCP: sent once, no Timer E; Timer F still times out', () => {
  const { clock, log } = start(true);
  clock.advance(32000);
  assert.equal(times(log, 'OPTIONS'), [0]);
  assert.equal(log.failures, [[32000, 'timeout']]);
});

// @tests RFC3261 P131L27-P131L30, P131L35-P131L39
test('Proceeding: retransmissions go on, every T2; Timer F still times out', () => {
  const { clock, log, driver } = start(false);
  clock.advance(600);
  driver.dispatch({ type: '1xx', response: '100' });
  assert.is(driver.state, 'Proceeding');
  assert.equal(log.toTU, [[600, '100']]);
  clock.advance(32000 - 600);
  // E was running at 1 s when the 1xx came (fires at 1500); from then on T2.
  assert.equal(times(log, 'OPTIONS'), [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
  assert.equal(log.failures, [[32000, 'timeout']]);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC3261 P131L30-P131L33, P131L44-P131L47, P132L3-P132L6
test('final response in Trying: to the TU, Completed absorbs retransmissions, Timer K = T4 over UDP', () => {
  const { clock, log, driver } = start(false);
  clock.advance(700);
  driver.dispatch({ type: '200-699', response: '200' });
  assert.is(driver.state, 'Completed');
  clock.advance(1000);
  driver.dispatch({ type: '200-699', response: '200' });
  driver.dispatch({ type: '1xx', response: '100' });
  assert.equal(log.toTU, [[700, '200']]);
  assert.equal(times(log, 'OPTIONS'), [0, 500]);
  clock.advance(3999);
  assert.is(driver.state, 'Completed');
  clock.advance(1);
  assert.is(log.terminatedAt, 5700);
});

// @tests RFC3261 P131L39-P131L46
test('final response in Proceeding; TCP: Timer K is zero', () => {
  const { clock, log, driver } = start(true);
  driver.dispatch({ type: '1xx', response: '100' });
  driver.dispatch({ type: '200-699', response: '404' });
  assert.equal(log.toTU, [[0, '100'], [0, '404']]);
  assert.is(driver.state, 'Completed');
  clock.advance(0);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC3261 P133L46-P134L3
test('a failed retransmission informs the TU and terminates', () => {
  let sends = 0;
  const { clock, log, driver } = run<NonInviteClient<string>, NonInviteClientEvent<string>>(
    startNonInviteClient('OPTIONS', { reliable: false, timers: timerValues() }),
    nonInviteClientStep,
    { failSend: () => ++sends === 3 },
  );
  clock.advance(5000);
  assert.equal(times(log, 'OPTIONS'), [0, 500]);
  assert.equal(log.failures, [[1500, 'transportError']]);
  assert.is(driver.state, 'Terminated');
});

test.run();
