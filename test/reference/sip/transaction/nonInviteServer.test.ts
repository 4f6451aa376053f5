import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nonInviteServerStep, startNonInviteServer, type NonInviteServer, type NonInviteServerEvent } from '../../../../reference/sip/transaction/nonInviteServer.ts';
import { timerValues } from '../../../../reference/sip/transaction/timers.ts';
import { run, times } from './harness.ts';

const start = (reliable: boolean) =>
  run<NonInviteServer<string>, NonInviteServerEvent<string>>(
    startNonInviteServer('BYE', { reliable, timers: timerValues() }),
    nonInviteServerStep,
  );

// @tests RFC3261 P137L17-P137L20
test('Trying: the request goes to the TU, retransmissions are discarded', () => {
  const { log, driver } = start(false);
  assert.is(driver.state, 'Trying');
  assert.equal(log.toTU, [[0, 'BYE']]);
  driver.dispatch({ type: 'Request' });
  assert.equal(log.sent, []);
  assert.equal(log.toTU.length, 1);
});

// @tests RFC3261 P137L24-P137L35
test('Proceeding: provisionals sent; a retransmission re-sends the latest; a final moves to Completed', () => {
  const { log, driver } = start(false);
  driver.dispatch({ type: '1xx from TU', response: '100' });
  assert.is(driver.state, 'Proceeding');
  driver.dispatch({ type: '1xx from TU', response: '101' });
  driver.dispatch({ type: 'Request' });
  assert.equal(log.sent.map(([, m]) => m), ['100', '101', '101']);
  driver.dispatch({ type: '200-699 from TU', response: '200' });
  assert.is(driver.state, 'Completed');
  assert.equal(log.sent.map(([, m]) => m), ['100', '101', '101', '200']);
});

// @tests RFC3261 P137L37-P137L45
test('UDP Completed: the final is re-sent per retransmitted request, other finals discarded, Timer J = 64*T1', () => {
  const { clock, log, driver } = start(false);
  clock.advance(100);
  driver.dispatch({ type: '200-699 from TU', response: '200' });
  clock.advance(1000);
  driver.dispatch({ type: 'Request' });
  driver.dispatch({ type: '200-699 from TU', response: '500' });
  assert.equal(times(log, '200'), [100, 1100]);
  assert.equal(times(log, '500'), []);
  clock.advance(30999);
  assert.is(driver.state, 'Completed');
  clock.advance(1);
  assert.is(driver.state, 'Terminated');
  assert.is(log.terminatedAt, 32100);
});

// @tests RFC3261 P137L37-P137L39
test('TCP Completed: Timer J is zero', () => {
  const { clock, driver } = start(true);
  driver.dispatch({ type: '200-699 from TU', response: '200' });
  assert.is(driver.state, 'Completed');
  clock.advance(0);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC3261 P141L16-P141L20
test('a transport error informs the TU and terminates', () => {
  const { log, driver } = run<NonInviteServer<string>, NonInviteServerEvent<string>>(
    startNonInviteServer('BYE', { reliable: false, timers: timerValues() }),
    nonInviteServerStep,
    { failSend: () => true },
  );
  driver.dispatch({ type: '200-699 from TU', response: '200' });
  assert.equal(log.failures, [[0, 'transportError']]);
  assert.is(driver.state, 'Terminated');
});

test.run();
