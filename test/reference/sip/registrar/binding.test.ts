/**
 * The binding machine (reference/sip/core/binding.ts): every arrow §10.2.2
 * and §10.3 steps 6-7 describe, walked in turn, and the arrows they do not
 * describe refused with the state and the event named. Then the same life
 * seen through the registrar and the location service it writes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bindingEvent, bound, current, OutOfOrder, type Binding, type BindingState } from '../../../../reference/sip/core/binding.ts';
import { LocationService } from '../../../../reference/sip/core/location.ts';
import { Registrar } from '../../../../reference/sip/registrar/registrar.ts';
import { parse } from '../../../../reference/sip/syntax/index.ts';
import { parseUri } from '../../../../reference/sip/syntax/uri.ts';
import type { Request, Response } from '../../../../reference/sip/syntax/message.ts';

const record = (callId: string, cseq: number, expiresAt: number): Binding => ({
  contact: { uri: parseUri('sip:carol@192.0.2.4'), params: new Map(), nameAddr: true },
  callId,
  cseq,
  expiresAt,
});
const register = (callId: string, cseq: number, expires: number, now = 0) =>
  ({ type: 'REGISTER', expires, binding: record(callId, cseq, now + expires) }) as const;

// @tests RFC3261 P66L1-P66L11, P61L18-P61L24, P65L8-P65L13
test('the arrows: added, refreshed (another Call-ID, or a higher CSeq), removed (expiration 0, Contact *), expired', () => {
  const unbound: BindingState = { name: 'Unbound' };
  const added = bindingEvent(unbound, register('a', 1, 3600));
  assert.equal(added, { name: 'Bound', binding: record('a', 1, 3600) });
  // Expiration 0 for a binding that is not there: nothing is added.
  assert.equal(bindingEvent(unbound, register('a', 1, 0)), unbound);

  const higher = bindingEvent(added, register('a', 2, 600, 100));
  assert.equal(higher, { name: 'Bound', binding: record('a', 2, 700) }, 'same Call-ID, higher CSeq: updated');
  const otherCallId = bindingEvent(higher, register('b', 1, 60, 200));
  assert.equal(otherCallId, { name: 'Bound', binding: record('b', 1, 260) }, 'another Call-ID: updated whatever its CSeq');

  assert.equal(bindingEvent(otherCallId, register('b', 2, 0)), { name: 'Removed' });
  assert.equal(bindingEvent(otherCallId, register('c', 1, 0)), { name: 'Removed' });
  assert.equal(bindingEvent(otherCallId, { type: 'Contact *', callId: 'b', cseq: 2 }), { name: 'Removed' });
  assert.equal(bindingEvent(otherCallId, { type: 'Contact *', callId: 'c', cseq: 1 }), { name: 'Removed' });

  assert.equal(bindingEvent(otherCallId, { type: 'time', now: 259 }), otherCallId, 'before its expiry it stays');
  assert.equal(bindingEvent(otherCallId, { type: 'time', now: 260 }), { name: 'Expired', binding: record('b', 1, 260) });
  assert.ok(current(record('b', 1, 260), 259));
  assert.not.ok(current(record('b', 1, 260), 260));
});

// @tests RFC3261 P66L8-P66L14, P65L10-P65L13
test('out of order: the same Call-ID with a CSeq not higher is refused (OutOfOrder), for a Contact and for Contact *', () => {
  const b = bound(record('a', 5, 3600));
  for (const event of [register('a', 5, 600), register('a', 4, 0), { type: 'Contact *', callId: 'a', cseq: 5 } as const]) {
    assert.throws(
      () => bindingEvent(b, event),
      (e: unknown) => e instanceof OutOfOrder && e.message === `CSeq ${'binding' in event ? event.binding.cseq : event.cseq} is not higher than 5: out of order`,
    );
  }
});

test('arrows §10.3 does not draw are refused, naming the state and the event', () => {
  const unbound: BindingState = { name: 'Unbound' };
  assert.throws(() => bindingEvent(unbound, { type: 'time', now: 1 }), /^binding: time in state Unbound \(RFC 3261 §10\.3\)$/);
  assert.throws(() => bindingEvent(unbound, { type: 'Contact *', callId: 'a', cseq: 1 }), /Contact \* in state Unbound/);
  const removed: BindingState = { name: 'Removed' };
  const expired: BindingState = { name: 'Expired', binding: record('a', 1, 10) };
  for (const event of [register('a', 9, 60), { type: 'time', now: 1 } as const, { type: 'Contact *', callId: 'a', cseq: 9 } as const]) {
    assert.throws(() => bindingEvent(removed, event), new RegExp(`${event.type.replace('*', '\\*')} in state Removed`));
    assert.throws(() => bindingEvent(expired, event), new RegExp(`binding of 192\\.0\\.2\\.4: ${event.type.replace('*', '\\*')} in state Expired`));
  }
});

// @tests RFC3261 P61L18-P61L24, P66L16-P66L17
test('through the registrar: added, refreshed, expired on the clock, added again, removed; an old CSeq is a 500', () => {
  let now = 1000;
  const location = new LocationService(() => now);
  const registrar = new Registrar({ location, domains: ['192.0.2.1'] });
  const req = (cseq: number, contact: string, extra = '', callId = 'life@192.0.2.4'): Request =>
    parse(
      `REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK-${cseq}\r\nMax-Forwards: 70\r\n` +
        `To: <sip:carol@192.0.2.1>\r\nFrom: <sip:carol@192.0.2.1>;tag=c\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} REGISTER\r\n` +
        `Contact: ${contact}\r\n${extra}Content-Length: 0\r\n\r\n`,
    ) as Request;
  const answer = (r: Request) => {
    const result = registrar.handle(r);
    assert.ok('answer' in result);
    return (result as { answer: Response }).answer;
  };
  const aor = registrar.aorOf(parseUri('sip:carol@192.0.2.1'));
  const expiries = () => location.lookup(aor).map((b) => [b.cseq, b.expiresAt - now]);

  assert.is(answer(req(1, '<sip:carol@192.0.2.4>;expires=600')).status, 200);
  assert.equal(expiries(), [[1, 600]], 'added');
  now += 500;
  assert.is(answer(req(2, '<sip:carol@192.0.2.4>;expires=600')).status, 200);
  assert.equal(expiries(), [[2, 600]], 'refreshed');
  const stale = answer(req(2, '<sip:carol@192.0.2.4>;expires=900'));
  assert.is(stale.status, 500);
  assert.is(stale.reason, 'Server Internal Error (CSeq 2 is not higher than 2: out of order)');
  assert.equal(expiries(), [[2, 600]], 'an aborted update changes nothing');
  now += 600;
  assert.equal(expiries(), [], 'expired');
  assert.is(answer(req(3, '<sip:carol@192.0.2.4>;expires=60')).status, 200);
  assert.equal(expiries(), [[3, 60]], 'added again after it expired');
  assert.is(answer(req(4, '*', 'Expires: 0\r\n')).status, 200);
  assert.equal(expiries(), [], 'removed by Contact *');
});

test.run();
