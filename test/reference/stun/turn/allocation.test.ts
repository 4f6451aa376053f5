import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  allocationStep,
  refreshAfter,
  startAllocation,
  type AllocationAction,
  type AllocationEvent,
  type AllocationOptions,
  type AllocationState,
  type AllocationTimer,
  type TransportAddress,
} from '../../../../reference/stun/turn/allocation.ts';
import { RefusedEvent } from '../../../../reference/stun/turn/machine.ts';
import { run, timerEvent, when } from './harness.ts';

const relayed: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: 49200 };
const mapped: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: 40000 };
const challenge = { realm: 'example.org', nonce: 'n1' };
const options: AllocationOptions = { lifetime: 600, families: ['IPv4'] };

const start = (o = options) =>
  run<AllocationState, AllocationEvent, AllocationAction, AllocationTimer>(() => startAllocation(), (s, e) => allocationStep(s, e, o), timerEvent);

/** Through the 401 dance to Allocated with `lifetime`. */
function allocated(lifetime = 600, o = options) {
  const r = start(o);
  r.machine.dispatch({ type: 'Unauthorized', challenge });
  r.machine.dispatch({ type: 'Success', relayed, mapped, lifetime });
  return r;
}

const sent = (acts: [number, AllocationAction][]) => acts.map(([t, a]) => [t, a.do, 'lifetime' in a ? a.lifetime : undefined, 'challenge' in a ? a.challenge?.nonce : undefined]);

// @tests RFC8656 P26L40, P28L29-P28L30, P23L6-P23L8, P33L47-P34L5
test('Allocate without credentials, 401 with REALM and NONCE, the retry carries them; success keeps the lifetime the server gave', () => {
  const { machine, acts } = allocated(900);
  assert.equal(sent(acts), [[0, 'sendAllocate', undefined, undefined], [0, 'sendAllocate', undefined, 'n1']]);
  const s = machine.state;
  assert.is(s.name, 'Allocated');
  if (s.name !== 'Allocated') return;
  assert.equal(s.allocation.relayed, relayed);
  assert.is(s.allocation.lifetime, 900);
  assert.equal(s.allocation.challenge, challenge);
  assert.equal(machine.timers.sort(), ['expiry', 'refresh']);
});

// @tests RFC8656 P35L6-P35L10
test('a second 401, after answering the first with credentials: Failed, nothing more sent', () => {
  const { machine, acts } = start();
  machine.dispatch({ type: 'Unauthorized', challenge });
  machine.dispatch({ type: 'Unauthorized', challenge: { ...challenge, nonce: 'n2' } });
  assert.is(machine.state.name, 'Failed');
  assert.is(acts.length, 2);
});

// @tests RFC8656 P35L44-P35L46
test('438 Stale Nonce on Allocate: retried with the new nonce and the same realm', () => {
  const { machine, acts } = start();
  machine.dispatch({ type: 'Unauthorized', challenge });
  machine.dispatch({ type: 'StaleNonce', nonce: 'n2' });
  assert.equal(sent(acts).at(-1), [0, 'sendAllocate', undefined, 'n2']);
  assert.equal(acts.at(-1)?.[1], { do: 'sendAllocate', challenge: { realm: 'example.org', nonce: 'n2' } });
  machine.dispatch({ type: 'Success', relayed, mapped, lifetime: 600 });
  assert.is(machine.state.name, 'Allocated');
});

test('438 before any challenge is refused, naming state and event', () => {
  const { machine } = start();
  assert.throws(() => machine.dispatch({ type: 'StaleNonce', nonce: 'x' }), (e: unknown) => e instanceof RefusedEvent && /StaleNonce is not allowed in state Allocating/.test(e.message));
});

// @tests RFC8656 P34L27-P34L28, P36L2-P36L4, P35L32-P35L38
test('an Allocate error (440, 437) fails the allocation; it is not retried', () => {
  for (const e of [{ type: 'Error', code: 440, reason: 'Address Family not Supported' }, { type: 'Mismatch' }] as AllocationEvent[]) {
    const { machine, acts } = start();
    machine.dispatch({ type: 'Unauthorized', challenge });
    machine.dispatch(e);
    const s = machine.state;
    assert.is(s.name, 'Failed');
    if (s.name === 'Failed') assert.is(s.code, e.type === 'Mismatch' ? 437 : 440);
    assert.is(acts.length, 2);
  }
});

// @tests RFC8656 P33L38-P33L45, P37L9-P37L11
test('success with a relayed address of a family the client does not handle: deleted at once (Refresh, LIFETIME 0)', () => {
  const { machine, acts } = start();
  machine.dispatch({ type: 'Unauthorized', challenge });
  machine.dispatch({ type: 'Success', relayed: { family: 'IPv6', address: '::1', port: 50000 }, mapped, lifetime: 600 });
  assert.is(machine.state.name, 'Deleting');
  assert.equal(sent(acts).at(-1), [0, 'sendRefresh', 0, 'n1']);
  assert.equal(machine.timers, []);
  machine.dispatch({ type: 'Success', lifetime: 0 });
  assert.is(machine.state.name, 'Deleted');
});

test('a success response without XOR-RELAYED-ADDRESS fails, naming the attribute', () => {
  const { machine } = start();
  machine.dispatch({ type: 'Success', mapped, lifetime: 600 });
  const s = machine.state;
  assert.is(s.name, 'Failed');
  if (s.name === 'Failed') assert.match(s.reason, 'XOR-RELAYED-ADDRESS');
});

// @tests RFC8656 P36L48-P37L2, P37L25-P37L28, P38L31-P38L33
test('refreshed a minute before each expiry, with the lifetime the last response gave', () => {
  const { clock, machine, acts } = allocated(600);
  clock.advance(539_999);
  assert.equal(when(acts, 'sendRefresh'), []);
  clock.advance(1);
  assert.equal(sent(acts).at(-1), [540_000, 'sendRefresh', 600, 'n1']);
  assert.is(machine.state.name, 'Refreshing');
  machine.dispatch({ type: 'Success', lifetime: 300 });
  assert.is(machine.state.name, 'Allocated');
  clock.advance(240_000);
  // 300 s granted: next refresh 240 s later; the old expiry timer (600 s) was replaced.
  assert.equal(when(acts, 'sendRefresh'), [540_000, 780_000]);
  assert.is(machine.state.name, 'Refreshing');
});

test('a lifetime of two minutes or less is refreshed halfway', () => {
  assert.is(refreshAfter(100), 50_000);
  assert.is(refreshAfter(121), 61_000);
});

// @tests RFC8656 P38L36-P38L38
test('438 on a Refresh: sent again with the new nonce, and kept for the next', () => {
  const { clock, machine, acts } = allocated(600);
  clock.advance(540_000);
  machine.dispatch({ type: 'StaleNonce', nonce: 'n3' });
  assert.equal(sent(acts).at(-1), [540_000, 'sendRefresh', 600, 'n3']);
  machine.dispatch({ type: 'Success', lifetime: 600 });
  clock.advance(540_000);
  assert.equal(sent(acts).at(-1), [1_080_000, 'sendRefresh', 600, 'n3']);
});

// @tests RFC8656 P38L34-P38L36, P24L6-P24L7
test('437 on a Refresh: the allocation no longer exists; timers stop', () => {
  const { clock, machine } = allocated(600);
  clock.advance(540_000);
  machine.dispatch({ type: 'Mismatch' });
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

test('437 to any other request while Allocated (a CreatePermission, say): the allocation is gone', () => {
  const { clock, machine } = allocated(600);
  machine.dispatch({ type: 'Mismatch' });
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

test('a Refresh error other than 437/438: still Allocated, tried again before the expiry; if every refresh fails, Expired at the lifetime', () => {
  const { clock, machine, acts } = allocated(600);
  clock.advance(540_000);
  machine.dispatch({ type: 'Error', code: 500, reason: 'Server Error' });
  assert.is(machine.state.name, 'Allocated');
  clock.advance(29_999);
  assert.equal(when(acts, 'sendRefresh'), [540_000]);
  clock.advance(1);
  assert.equal(when(acts, 'sendRefresh'), [540_000, 570_000]);
  machine.dispatch({ type: 'Error', code: 500, reason: 'Server Error' });
  clock.advance(29_999);
  assert.is(machine.state.name, 'Allocated');
  clock.advance(1);
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

test('expiry timer while Allocated (no refresh answered): Expired at exactly the lifetime', () => {
  const { clock, machine } = allocated(600);
  clock.advance(540_000);
  assert.is(machine.state.name, 'Refreshing');
  clock.advance(59_999);
  assert.is(machine.state.name, 'Refreshing');
  clock.advance(1);
  assert.is(machine.state.name, 'Expired');
  assert.is(clock.pending, 0);
});

// @tests RFC8656 P37L9-P37L11, P38L40-P38L43
test('delete: Refresh with LIFETIME 0; its success or a 437 both end in Deleted', () => {
  for (const answer of [{ type: 'Success', lifetime: 0 }, { type: 'Mismatch' }] as AllocationEvent[]) {
    const { clock, machine, acts } = allocated(600);
    clock.advance(10_000);
    machine.dispatch({ type: 'Delete' });
    assert.equal(sent(acts).at(-1), [10_000, 'sendRefresh', 0, 'n1']);
    assert.is(clock.pending, 0);
    machine.dispatch(answer);
    assert.is(machine.state.name, 'Deleted');
  }
});

test('438 to another request (CreatePermission, ChannelBind) while Allocated or Refreshing: the new nonce kept, nothing sent; refused while Allocating', () => {
  const { clock, machine, acts } = allocated(600);
  machine.dispatch({ type: 'NonceChanged', nonce: 'n4' });
  assert.is(acts.length, 2);
  clock.advance(540_000);
  assert.equal(sent(acts).at(-1), [540_000, 'sendRefresh', 600, 'n4']);
  machine.dispatch({ type: 'NonceChanged', nonce: 'n5' });
  assert.is(machine.state.name, 'Refreshing');
  machine.dispatch({ type: 'Success', lifetime: 600 });
  const s = machine.state;
  if (s.name === 'Allocated') assert.equal(s.allocation.challenge, { realm: 'example.org', nonce: 'n5' });
  assert.throws(() => start().machine.dispatch({ type: 'NonceChanged', nonce: 'x' }), /event NonceChanged is not allowed in state Allocating/);
});

test('events a state does not allow are refused, naming the state and the event', () => {
  const a = allocated(600);
  assert.throws(() => a.machine.dispatch({ type: 'Unauthorized', challenge }), /allocation: event Unauthorized is not allowed in state Allocated/);
  assert.throws(() => a.machine.dispatch({ type: 'Success', lifetime: 600 }), /event Success is not allowed in state Allocated/);
  const b = start();
  assert.throws(() => b.machine.dispatch({ type: 'Delete' }), /event Delete is not allowed in state Allocating/);
  const c = allocated(600);
  c.machine.dispatch({ type: 'Delete' });
  c.machine.dispatch({ type: 'Success', lifetime: 0 });
  for (const e of [{ type: 'Delete' }, { type: 'RefreshTimer' }, { type: 'Mismatch' }] as AllocationEvent[]) {
    assert.throws(() => c.machine.dispatch(e), new RegExp(`event ${e.type} is not allowed in state Deleted`));
  }
});

test.run();
