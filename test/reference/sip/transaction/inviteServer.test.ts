import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inviteServerStep, startInviteServer, type InviteServer, type InviteServerEvent } from '../../../../reference/sip/transaction/inviteServer.ts';
import { timerValues } from '../../../../reference/sip/transaction/timers.ts';
import { run, times } from './harness.ts';

const start = (reliable: boolean, withTrying = true) =>
  run<InviteServer<string>, InviteServerEvent<string>>(
    startInviteServer('INVITE', withTrying ? '100' : undefined, { reliable, timers: timerValues() }),
    inviteServerStep,
  );

// @tests RFC3261 P134L22-P134L26, P134L32, P134L39-P134L42
test('Proceeding: 100 Trying sent, INVITE to the TU; a retransmitted INVITE re-sends the latest provisional', () => {
  const { clock, log, driver } = start(false);
  assert.is(driver.state, 'Proceeding');
  assert.equal(log.sent, [[0, '100']]);
  assert.equal(log.toTU, [[0, 'INVITE']]);
  clock.advance(500);
  driver.dispatch({ type: 'INVITE' });
  assert.equal(times(log, '100'), [0, 500]);
  driver.dispatch({ type: '1xx from TU', response: '180' });
  clock.advance(500);
  driver.dispatch({ type: 'INVITE' });
  assert.equal(times(log, '180'), [500, 1000]);
  assert.is(driver.state, 'Proceeding');
  // Provisionals are not retransmitted by the transaction on its own.
  clock.advance(100000);
  assert.is(log.sent.length, 4);
});

// @tests RFC3261 P134L22-P134L26
test('without a 100 (TU answers within 200 ms) a retransmitted INVITE gets nothing until a provisional exists', () => {
  const { log, driver } = start(false, false);
  driver.dispatch({ type: 'INVITE' });
  assert.equal(log.sent, []);
});

// @tests RFC3261 P134L46-P135L3
test('2xx from the TU: sent once, transaction terminated (the TU retransmits 2xx)', () => {
  const { clock, log, driver } = start(false);
  driver.dispatch({ type: '2xx from TU', response: '200' });
  assert.is(driver.state, 'Terminated');
  clock.advance(100000);
  assert.equal(times(log, '200'), [0]);
});

// @tests RFC3261 P135L5-P135L25, P135L36-P135L39
test('UDP Completed: Timer G re-sends the final at 500, 1500, 3500, 7500, 11500 … (capped at T2); Timer H at 32 s', () => {
  const { clock, log, driver } = start(false);
  driver.dispatch({ type: '300-699 from TU', response: '486' });
  assert.is(driver.state, 'Completed');
  clock.advance(31999);
  assert.equal(times(log, '486'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  clock.advance(1);
  assert.equal(log.failures, [[32000, 'timeout']]);
  assert.is(driver.state, 'Terminated');
  assert.is(clock.pending, 0);
});

// @tests RFC3261 P135L8-P135L10, P135L15-P135L16
test('TCP Completed: no retransmission of the final response, Timer H at 32 s', () => {
  const { clock, log, driver } = start(true);
  driver.dispatch({ type: '300-699 from TU', response: '480' });
  clock.advance(32000);
  assert.equal(times(log, '480'), [0]);
  assert.equal(log.failures, [[32000, 'timeout']]);
});

// @tests RFC3261 P135L26-P135L29
test('a retransmitted INVITE in Completed re-sends the final response', () => {
  const { clock, log, driver } = start(true);
  driver.dispatch({ type: '300-699 from TU', response: '480' });
  clock.advance(700);
  driver.dispatch({ type: 'INVITE' });
  assert.equal(times(log, '480'), [0, 700]);
});

// @tests RFC3261 P135L31-P135L34, P137L1-P137L6
test('ACK: Confirmed stops Timer G, absorbs more ACKs, Timer I = T4 over UDP', () => {
  const { clock, log, driver } = start(false);
  driver.dispatch({ type: '300-699 from TU', response: '486' });
  clock.advance(2000);
  driver.dispatch({ type: 'ACK' });
  assert.is(driver.state, 'Confirmed');
  driver.dispatch({ type: 'ACK' });
  driver.dispatch({ type: 'INVITE' });
  clock.advance(4999);
  assert.equal(times(log, '486'), [0, 500, 1500]);
  assert.is(driver.state, 'Confirmed');
  clock.advance(1);
  assert.is(log.terminatedAt, 7000);
  assert.equal(log.failures, []);
  assert.equal(log.toTU, [[0, 'INVITE']]);
});

// @tests RFC3261 P137L3-P137L5
test('TCP: Timer I is zero', () => {
  const { clock, driver } = start(true);
  driver.dispatch({ type: '300-699 from TU', response: '486' });
  driver.dispatch({ type: 'ACK' });
  assert.is(driver.state, 'Confirmed');
  clock.advance(0);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC3261 P141L16-P141L20
test('transport error while sending the final response informs the TU', () => {
  const { log, driver } = run<InviteServer<string>, InviteServerEvent<string>>(
    startInviteServer('INVITE', '100', { reliable: false, timers: timerValues() }),
    inviteServerStep,
    { failSend: (m) => m === '500' },
  );
  driver.dispatch({ type: '300-699 from TU', response: '500' });
  assert.equal(log.failures, [[0, 'transportError']]);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC6026 P15L5-P15L10, P17L6-P17L27
test('RFC 6026: a 2xx leads to Accepted; INVITE retransmissions absorbed, the TU\'s 2xx retransmissions sent, ACKs passed up; Timer L = 64*T1', () => {
  const { clock, log, driver } = run<InviteServer<string>, InviteServerEvent<string>>(
    startInviteServer('INVITE', '100', { reliable: false, timers: timerValues(), rfc6026: true }),
    inviteServerStep,
  );
  clock.advance(100);
  driver.dispatch({ type: '2xx from TU', response: '200' });
  assert.is(driver.state, 'Accepted');
  clock.advance(400);
  driver.dispatch({ type: 'INVITE' });
  clock.advance(100);
  driver.dispatch({ type: '2xx from TU', response: '200' });
  driver.dispatch({ type: 'ACK', request: 'ACK' });
  assert.equal(log.sent, [[0, '100'], [100, '200'], [600, '200']]);
  assert.equal(log.toTU, [[0, 'INVITE'], [600, 'ACK']]);
  clock.advance(32000 - 500 - 1);
  assert.is(driver.state, 'Accepted');
  clock.advance(1);
  assert.is(log.terminatedAt, 32100);
});

// @tests RFC6026 P17L36-P17L40
test('RFC 6026: a failed send informs the TU and keeps the state (Accepted, and Completed as in its Figure 2)', () => {
  const completed = run<InviteServer<string>, InviteServerEvent<string>>(
    startInviteServer('INVITE', '100', { reliable: true, timers: timerValues(), rfc6026: true }),
    inviteServerStep,
    { failSend: (m) => m === '486' },
  );
  completed.driver.dispatch({ type: '300-699 from TU', response: '486' });
  assert.equal(completed.log.failures, [[0, 'transportError']]);
  assert.is(completed.driver.state, 'Completed');

  let n = 0;
  const { log, driver } = run<InviteServer<string>, InviteServerEvent<string>>(
    startInviteServer('INVITE', '100', { reliable: true, timers: timerValues(), rfc6026: true }),
    inviteServerStep,
    { failSend: (m) => m === '200' && ++n === 2 },
  );
  driver.dispatch({ type: '2xx from TU', response: '200' });
  driver.dispatch({ type: '2xx from TU', response: '200' });
  assert.equal(log.failures, [[0, 'transportError']]);
  assert.is(driver.state, 'Accepted');
});

test.run();
