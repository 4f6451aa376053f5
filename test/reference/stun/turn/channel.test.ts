import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHANNEL_LIFETIME,
  channelStep,
  mayBind,
  startChannel,
  type Binding,
  type ChannelAction,
  type ChannelEvent,
  type ChannelState,
  type ChannelTimer,
} from '../../../../reference/stun/turn/channel.ts';
import { run, timerEvent, when } from './harness.ts';

const peer = { family: 'IPv4' as const, address: '127.0.0.1', port: 40010 };
const binding: Binding = { number: 0x4000, peer };

const start = (b = binding) => run<ChannelState, ChannelEvent, ChannelAction, ChannelTimer>(() => startChannel(b), channelStep, timerEvent);

function bound() {
  const r = start();
  r.machine.dispatch({ type: 'Success' });
  return r;
}

// @tests RFC8656 P47L28-P47L31, P49L3-P49L6, P46L42-P46L45
test('ChannelBind sent at once; Bound on success for 10 minutes, rebound (same number, same peer) at 9', () => {
  const { machine, acts, clock } = bound();
  assert.is(machine.state.name, 'Bound');
  assert.is(CHANNEL_LIFETIME, 600_000);
  clock.advance(539_999);
  assert.equal(when(acts, 'sendChannelBind'), [0]);
  clock.advance(1);
  assert.equal(acts.at(-1), [540_000, { do: 'sendChannelBind', binding }]);
  assert.is(machine.state.name, 'Rebinding');
  machine.dispatch({ type: 'Success' });
  clock.advance(540_000);
  assert.equal(when(acts, 'sendChannelBind'), [0, 540_000, 1_080_000]);
});

// @tests RFC8656 P46L47-P47L5
test('unanswered rebind: Unbound at 600 s, then 5 minutes before the number or peer is Free', () => {
  const { machine, clock } = bound();
  clock.advance(599_999);
  assert.is(machine.state.name, 'Rebinding');
  clock.advance(1);
  assert.is(machine.state.name, 'Unbound');
  clock.advance(299_999);
  assert.is(machine.state.name, 'Unbound');
  clock.advance(1);
  assert.is(machine.state.name, 'Free');
  assert.is(clock.pending, 0);
});

test('a rebind error keeps it Bound until its expiry; a first bind error is Failed', () => {
  const a = bound();
  a.clock.advance(540_000);
  a.machine.dispatch({ type: 'Error', code: 400, reason: 'Bad Request' });
  assert.is(a.machine.state.name, 'Bound');
  a.clock.advance(60_000);
  assert.is(a.machine.state.name, 'Unbound');
  const b = start();
  b.machine.dispatch({ type: 'Error', code: 400, reason: 'Bad Request' });
  assert.is(b.machine.state.name, 'Failed');
});

// @tests RFC8656 P46L25-P46L26
test('the allocation gone: the binding goes with it (and its quarantine runs)', () => {
  const { machine, clock } = bound();
  machine.dispatch({ type: 'AllocationGone' });
  assert.is(machine.state.name, 'Unbound');
  assert.equal(machine.timers, ['quarantine']);
  clock.advance(300_000);
  assert.is(machine.state.name, 'Free');
});

// @tests RFC8656 P46L36-P46L40, P47L2-P47L5
test('mayBind: neither the number nor the peer twice, the same pair again is a refresh; a quarantined pair blocks both until Free', () => {
  const other = { ...peer, port: 40011 };
  const { machine, clock } = bound();
  const table = () => [machine.state];
  assert.is(mayBind(table(), binding), undefined);
  assert.match(mayBind(table(), { number: 0x4000, peer: other }) ?? '', 'channel 0x4000 is Bound to 127.0.0.1:40010');
  assert.match(mayBind(table(), { number: 0x4001, peer }) ?? '', '127.0.0.1:40010 is Bound to channel 0x4000');
  assert.is(mayBind(table(), { number: 0x4001, peer: other }), undefined);
  clock.advance(600_000); // rebind unanswered: Unbound
  assert.match(mayBind(table(), { number: 0x4000, peer: other }) ?? '', 'in its 5 minutes after expiry');
  clock.advance(300_000);
  assert.is(mayBind(table(), { number: 0x4000, peer: other }), undefined);
});

test('a channel number outside 0x4000-0x4FFF is refused before anything is sent', () => {
  for (const number of [0x3fff, 0x5000, 0xffff]) {
    assert.throws(() => start({ number, peer }), /is not in 0x4000-0x4FFF \(RFC 8656 §12, Table 2\)/);
  }
});

test('events a state does not allow are refused, naming the channel, state and event', () => {
  const a = start();
  assert.throws(() => a.machine.dispatch({ type: 'RefreshTimer' }), /channel 0x4000: event RefreshTimer is not allowed in state Binding/);
  const b = bound();
  assert.throws(() => b.machine.dispatch({ type: 'Success' }), /event Success is not allowed in state Bound/);
  b.clock.advance(900_000);
  assert.is(b.machine.state.name, 'Free');
  assert.throws(() => b.machine.dispatch({ type: 'AllocationGone' }), /event AllocationGone is not allowed in state Free/);
});

test.run();
