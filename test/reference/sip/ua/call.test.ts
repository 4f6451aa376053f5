/**
 * The Call machine (reference/sip/ua/callMachine.ts, driven through call.ts's Call) arrow by arrow: the states of
 * an INVITE session as §13 (initiating), §14 (modifying) and §15 (ending)
 * describe them, and the refusal of every arrow they do not draw. The calls
 * are driven by a real UserAgent on loopback; the 2xx retransmitter runs on
 * a FakeClock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../../reference/clock.ts';
import { createRequest, createResponse } from '../../../../reference/sip/syntax/message.ts';
import { Accepted2xx } from '../../../../reference/sip/ua/accepted.ts';
import { Call, type CallEvent } from '../../../../reference/sip/ua/call.ts';
import { UserAgent } from '../../../../reference/sip/ua/userAgent.ts';
import { defaultTimerValues } from '../../../../reference/sip/transaction/timers.ts';

const invite = createRequest('INVITE', 'sip:bob@127.0.0.1', [
  ['Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKcall1'],
  ['Max-Forwards', '70'],
  ['To', '<sip:bob@127.0.0.1>'],
  ['From', '<sip:alice@127.0.0.1>;tag=a1'],
  ['Call-ID', 'call-machine@test'],
  ['CSeq', '1 INVITE'],
  ['Contact', '<sip:alice@127.0.0.1>'],
]);

const refused = (call: Call, event: CallEvent) =>
  assert.throws(() => call.transition(event), new RegExp(`${event.type} in state ${call.state}`), `${event.type} in ${call.state}`);

// @tests RFC3261 P82L13-P82L18, P81L46-P81L47, P87L23-P87L25, P77L35-P77L37, P89L46-P89L48
test('UAC: Calling → (cancel) → Confirmed on a 2xx → re-INVITE pending → Ended by BYE; Calling → Failed on a non-2xx; other arrows refused', async () => {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const accepted = new Accepted2xx(new FakeClock(), defaultTimerValues, () => {}, () => {});
  try {
    const call = new Call('UAC', invite, undefined, ua);
    assert.is(call.state, 'Calling');
    assert.is(call.status, undefined);
    refused(call, { type: '2xx sent', answer: createResponse(invite, 200), accepted });
    refused(call, { type: 'ACK' });
    refused(call, { type: 're-INVITE sent', outcome: Promise.resolve(200) });
    const cancel = Promise.resolve(200);
    call.transition({ type: 'cancel', outcome: cancel });
    assert.is(call.phase.name === 'Calling' && call.phase.role === 'UAC' && call.phase.cancel, cancel);
    refused(call, { type: 'cancel', outcome: cancel });
    // The CANCEL crossed the 2xx: the call is confirmed all the same.
    call.transition({ type: '2xx received', status: 200 });
    assert.is(call.state, 'Confirmed');
    assert.is(call.status, 200);
    refused(call, { type: '2xx received', status: 200 });
    refused(call, { type: 'non-2xx final', status: 486 });
    refused(call, { type: 'cancel', outcome: cancel });
    call.transition({ type: 're-INVITE sent', outcome: Promise.resolve(200) });
    refused(call, { type: 're-INVITE sent', outcome: Promise.resolve(200) });
    call.transition({ type: 're-INVITE done' });
    call.transition({ type: 're-INVITE sent', outcome: Promise.resolve(200) });
    call.transition({ type: 'BYE' });
    assert.is(call.state, 'Ended');
    assert.is(call.status, 200);
    // The re-INVITE's final response may come after the BYE.
    call.transition({ type: 're-INVITE done' });
    refused(call, { type: 'BYE' });

    const failed = new Call('UAC', invite, undefined, ua);
    failed.transition({ type: 'non-2xx final', status: 486 });
    assert.is(failed.state, 'Failed');
    assert.is(failed.status, 486);
    for (const event of [{ type: 'BYE' }, { type: '2xx received', status: 200 }, { type: 'non-2xx final', status: 487 }, { type: 're-INVITE done' }] as const) refused(failed, event);
  } finally {
    accepted.stop();
    await ua.close();
  }
});

// @tests RFC3261 P84L33-P84L35, P85L37-P85L47, P86L6-P86L9, P89L47-P90L3, P77L32-P77L35
test('UAS: Calling (180 timer) → Answered on our 2xx → Confirmed on the ACK or after 64*T1 without one; a BYE asked for meanwhile waits; other arrows refused', async () => {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const clock = new FakeClock();
  try {
    const answered = () => {
      const call = new Call('UAS', invite, 'b1', ua);
      const accepted = new Accepted2xx(clock, defaultTimerValues, () => {}, () => {});
      call.transition({ type: 'ring again', timer: clock.setTimer(60_000, () => {}) });
      refused(call, { type: 'cancel', outcome: Promise.resolve(0) });
      refused(call, { type: '2xx received', status: 200 });
      call.transition({ type: '2xx sent', answer: createResponse(invite, 200, undefined, { toTag: 'b1' }), accepted });
      assert.is(call.state, 'Answered');
      assert.is(call.status, 200);
      return { call, accepted };
    };
    const { call, accepted } = answered();
    refused(call, { type: '2xx sent', answer: createResponse(invite, 200), accepted });
    refused(call, { type: 're-INVITE sent', outcome: Promise.resolve(200) });
    refused(call, { type: 'non-2xx final', status: 500 });
    const bye = Promise.resolve(200);
    call.transition({ type: 'BYE wanted', outcome: bye });
    assert.is(call.phase.name === 'Answered' && call.phase.bye, bye);
    refused(call, { type: 'BYE wanted', outcome: bye });
    call.transition({ type: 'ACK' });
    assert.is(call.state, 'Confirmed');
    // ACK retransmissions change nothing.
    call.transition({ type: 'ACK' });
    refused(call, { type: 'no ACK' });
    accepted.stop();

    const noAck = answered();
    noAck.call.transition({ type: 'no ACK' });
    assert.is(noAck.call.state, 'Confirmed');
    noAck.accepted.stop();

    // A BYE from the caller before its ACK ends the call.
    const early = answered();
    early.call.transition({ type: 'BYE' });
    assert.is(early.call.state, 'Ended');
    early.accepted.stop();

    // Rejected: Calling → Failed.
    const rejected = new Call('UAS', invite, 'b2', ua);
    rejected.transition({ type: 'non-2xx final', status: 486 });
    assert.is(rejected.state, 'Failed');
    refused(rejected, { type: '2xx sent', answer: createResponse(invite, 200), accepted: noAck.accepted });
  } finally {
    await ua.close();
  }
});

test.run();
