import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inviteClientStep, startInviteClient, type InviteClientEvent, type InviteClient } from '../../../../reference/sip/transaction/inviteClient.ts';
import { timerValues } from '../../../../reference/sip/transaction/timers.ts';
import { run, times } from './harness.ts';

const start = (reliable: boolean, t = timerValues()) =>
  run<InviteClient<string>, InviteClientEvent<string>>(
    startInviteClient('INVITE', { reliable, timers: t }),
    inviteClientStep,
  );

// @tests RFC3261 P125L38-P125L43, P125L45-P126L8, P126L21-P126L25
test('UDP: INVITE sent at 0, 500, 1500, 3500, 7500, 15500, 31500 ms; Timer B at 32000 ms tells the TU', () => {
  const { clock, log, driver } = start(false);
  assert.is(driver.state, 'Calling');
  clock.advance(31999);
  assert.equal(times(log, 'INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.is(driver.state, 'Calling');
  assert.equal(log.failures, []);
  clock.advance(1);
  assert.equal(log.failures, [[32000, 'timeout']]);
  assert.is(driver.state, 'Terminated');
  assert.is(log.terminatedAt, 32000);
  // MUST NOT generate an ACK, and nothing more is sent.
  clock.advance(100000);
  assert.is(log.sent.length, 7);
  assert.is(clock.pending, 0);
});

// @tests RFC3261 P126L18-P126L19, P126L12-P126L17
test('a larger T1 scales the whole schedule and Timer B', () => {
  const { clock, log } = start(false, timerValues({ T1: 1000 }));
  clock.advance(64000);
  assert.equal(times(log, 'INVITE'), [0, 1000, 3000, 7000, 15000, 31000, 63000]);
  assert.equal(log.failures, [[64000, 'timeout']]);
});

// @tests RFC3261 P125L40-P125L43
test('TCP: the INVITE is sent once (no Timer A), Timer B still fires at 64*T1', () => {
  const { clock, log } = start(true);
  clock.advance(32000);
  assert.equal(times(log, 'INVITE'), [0]);
  assert.equal(log.failures, [[32000, 'timeout']]);
});

// @tests RFC3261 P126L27-P126L32
test('a 1xx stops retransmissions; every 1xx in Proceeding goes up', () => {
  const { clock, log, driver } = start(false);
  clock.advance(600);
  driver.dispatch({ type: '1xx', response: '180' });
  assert.is(driver.state, 'Proceeding');
  clock.advance(100);
  driver.dispatch({ type: '1xx', response: '183' });
  clock.advance(200000);
  assert.equal(times(log, 'INVITE'), [0, 500]);
  assert.equal(log.toTU, [[600, '180'], [700, '183']]);
  // Timer B does not end Proceeding: the callee may take its time.
  assert.is(driver.state, 'Proceeding');
  assert.equal(log.failures, []);
});

// @tests RFC3261 P126L34-P126L45, P127L5-P127L8, P128L42-P128L43
test('300-699: to the TU, ACK sent; a retransmission re-sends the ACK only; Timer D 32 s over UDP', () => {
  const { clock, log, driver } = start(false);
  clock.advance(800);
  driver.dispatch({ type: '300-699', response: '486' });
  assert.is(driver.state, 'Completed');
  assert.equal(log.toTU, [[800, '486']]);
  assert.equal(times(log, 'ACK for 486'), [800]);
  clock.advance(1000);
  driver.dispatch({ type: '300-699', response: '486' });
  assert.equal(times(log, 'ACK for 486'), [800, 1800]);
  assert.equal(log.toTU, [[800, '486']]);
  // No more INVITE retransmissions after Completed.
  assert.equal(times(log, 'INVITE'), [0, 500]);
  clock.advance(32000 - 1000 - 1);
  assert.is(driver.state, 'Completed');
  clock.advance(1);
  assert.is(driver.state, 'Terminated');
  assert.is(log.terminatedAt, 32800);
  assert.equal(log.failures, []);
});

// @tests RFC3261 P126L37-P126L39, P126L43-P126L45
test('TCP: the ACK is still generated; Timer D is zero', () => {
  const { clock, log, driver } = start(true);
  driver.dispatch({ type: '300-699', response: '603' });
  assert.equal(times(log, 'ACK for 603'), [0]);
  assert.is(driver.state, 'Completed');
  clock.advance(0);
  assert.is(driver.state, 'Terminated');
});

// @tests RFC3261 P128L45-P128L47, P129L7-P129L8
test('2xx: passed to the TU, transaction destroyed at once, no ACK from the transaction', () => {
  const { clock, log, driver } = start(false);
  clock.advance(100);
  driver.dispatch({ type: '1xx', response: '100' });
  driver.dispatch({ type: '2xx', response: '200' });
  assert.is(driver.state, 'Terminated');
  assert.is(log.terminatedAt, 100);
  assert.equal(log.toTU, [[100, '100'], [100, '200']]);
  assert.is(clock.pending, 0);
  // A further 2xx is not this transaction's business any more.
  driver.dispatch({ type: '2xx', response: '200' });
  assert.is(log.toTU.length, 2);
  assert.equal(log.sent, [[0, 'INVITE']]);
});

// @tests RFC3261 P133L46-P134L3
test('a transport failure informs the TU and terminates', () => {
  const { log, driver } = run<InviteClient<string>, InviteClientEvent<string>>(
    startInviteClient('INVITE', { reliable: false, timers: timerValues() }),
    inviteClientStep,
    { failSend: (m) => m === 'INVITE' },
  );
  assert.is(driver.state, 'Terminated');
  assert.equal(log.failures, [[0, 'transportError']]);
});

// @tests RFC6026 P12L43-P13L17
test('RFC 6026: a 2xx leads to Accepted; every further 2xx goes to the TU (never ACKed here); Timer M = 64*T1 ends it', () => {
  const { clock, log, driver } = run<InviteClient<string>, InviteClientEvent<string>>(
    startInviteClient('INVITE', { reliable: false, timers: timerValues(), rfc6026: true }),
    inviteClientStep,
  );
  clock.advance(700);
  driver.dispatch({ type: '2xx', response: '200 from A' });
  assert.is(driver.state, 'Accepted');
  clock.advance(1000);
  driver.dispatch({ type: '2xx', response: '200 from A' });
  driver.dispatch({ type: '2xx', response: '200 from B' });
  assert.equal(log.toTU, [[700, '200 from A'], [1700, '200 from A'], [1700, '200 from B']]);
  // No more INVITEs, no ACKs from the transaction.
  assert.equal(log.sent.map(([t, m]) => `${t} ${m}`), ['0 INVITE', '500 INVITE']);
  clock.advance(32000 - 1000 - 1);
  assert.is(driver.state, 'Accepted');
  clock.advance(1);
  assert.is(log.terminatedAt, 32700);
  assert.equal(log.failures, []);
});

test.run();
