import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PERMISSION_LIFETIME,
  permissionStep,
  startPermission,
  type PermissionAction,
  type PermissionEvent,
  type PermissionState,
  type PermissionTimer,
} from '../../../../reference/stun/turn/permission.ts';
import { run, timerEvent, when } from './harness.ts';

const start = () =>
  run<PermissionState, PermissionEvent, PermissionAction, PermissionTimer>(() => startPermission('127.0.0.1'), permissionStep, timerEvent);

function installed() {
  const r = start();
  r.machine.dispatch({ type: 'Success', now: r.clock.now() });
  return r;
}

// @tests RFC8656 P40L15-P40L16, P39L11-P39L13, P39L18
test('CreatePermission sent at once; installed on success with a 300 s lifetime', () => {
  const { machine, acts, clock } = installed();
  assert.equal(acts, [[0, { do: 'sendCreatePermission', ip: '127.0.0.1' }]]);
  assert.is(machine.state.name, 'Installed');
  assert.is(PERMISSION_LIFETIME, 300_000);
  assert.equal(machine.timers.sort(), ['expiry', 'refresh']);
  assert.is(clock.pending, 2);
});

// @tests RFC8656 P40L15-P40L22, P39L15-P39L16
test('refreshed every 240 s (< 300 s) while each refresh succeeds: never expires', () => {
  const { machine, acts, clock } = installed();
  for (let i = 1; i <= 5; i++) {
    clock.advance(240_000);
    assert.is(machine.state.name, 'Refreshing');
    machine.dispatch({ type: 'Success', now: clock.now() });
  }
  assert.equal(when(acts, 'sendCreatePermission'), [0, 240_000, 480_000, 720_000, 960_000, 1_200_000]);
  assert.is(machine.state.name, 'Installed');
});

// @tests RFC8656 P39L20-P39L22
test('a refresh unanswered: Expired at 300 s after the last install, not before', () => {
  const { machine, clock } = installed();
  clock.advance(299_999);
  assert.is(machine.state.name, 'Refreshing');
  clock.advance(1);
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

test('a refresh error: still Installed until its expiry', () => {
  const { machine, clock } = installed();
  clock.advance(240_000);
  machine.dispatch({ type: 'Error', code: 403, reason: 'Forbidden' });
  assert.is(machine.state.name, 'Installed');
  clock.advance(60_000);
  assert.is(machine.state.name, 'Expired');
});

// @tests RFC8656 P39L24-P39L27
test('a ChannelBind success refreshes the permission too (timers restart)', () => {
  const { machine, clock, acts } = installed();
  clock.advance(200_000);
  machine.dispatch({ type: 'Success', now: clock.now() });
  clock.advance(239_999);
  assert.equal(when(acts, 'sendCreatePermission'), [0]);
  clock.advance(1);
  assert.equal(when(acts, 'sendCreatePermission'), [0, 440_000]);
});

test('an error installing it: Failed, nothing scheduled', () => {
  const { machine, clock } = start();
  machine.dispatch({ type: 'Error', code: 403, reason: 'Forbidden' });
  assert.is(machine.state.name, 'Failed');
  assert.is(clock.pending, 0);
});

// @tests RFC8656 P39L40-P39L42
test('the allocation gone: the permission expires with it', () => {
  const { machine, clock } = installed();
  machine.dispatch({ type: 'AllocationGone' });
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

test('events a state does not allow are refused, naming the address, the state and the event', () => {
  const a = start();
  assert.throws(() => a.machine.dispatch({ type: 'RefreshTimer' }), /permission for 127\.0\.0\.1: event RefreshTimer is not allowed in state Installing/);
  const b = installed();
  assert.throws(() => b.machine.dispatch({ type: 'Error', code: 400, reason: 'x' }), /event Error is not allowed in state Installed/);
  b.machine.dispatch({ type: 'AllocationGone' });
  assert.throws(() => b.machine.dispatch({ type: 'Success', now: 0 }), /event Success is not allowed in state Expired/);
});

test.run();
