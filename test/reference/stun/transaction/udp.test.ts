import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../../reference/clock.ts';
import { request, TransactionFailed, type StunTransport, type TransportReceiver } from '../../../../reference/stun/transaction/request.ts';
import { startUdpTransaction, TransactionStateError, udpStep } from '../../../../reference/stun/transaction/udp.ts';
import { RtoCache } from '../../../../reference/stun/transaction/rto.ts';
import { realDoc } from '../../../helpers.ts';

/** RFC 8489 §6.2.1's example, read from the RFC: the RTO, the send times and the time it gives up. */
async function example(): Promise<{ rto: number; sends: number[]; timeout: number }> {
  const doc = await realDoc('RFC8489');
  const text = doc.lines.filter((l) => l.page === 13).map((l) => l.text.trim()).join(' ');
  const m = /assuming an RTO of (\d+) ms, requests would be sent at times ([\d ms,and]+?)\.\s+If the client has not received a response after (\d+) ms/.exec(text);
  if (!m) throw new Error('RFC 8489 §6.2.1 example sentence not found on page 13');
  return { rto: Number(m[1]), sends: [...m[2]!.matchAll(/(\d+) ms/g)].map((x) => Number(x[1])), timeout: Number(m[3]) };
}

/** A transport that records what is sent and lets the test answer. */
function fakeTransport(clock: FakeClock, reliable = false) {
  const sent: number[] = [];
  const receivers = new Set<TransportReceiver>();
  const transport: StunTransport = {
    reliable,
    remoteAddress: '127.0.0.1',
    send: () => void sent.push(clock.now()),
    subscribe(r) {
      receivers.add(r);
      return () => receivers.delete(r);
    },
  };
  return { transport, sent, receivers, deliver: (m: Uint8Array) => [...receivers].forEach((r) => r.message(m)) };
}

/** A Binding request header with this transaction id byte; the response flips the class to success. */
function binding(id: number): { req: Uint8Array; res: Uint8Array } {
  const req = new Uint8Array(20);
  req.set([0x00, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
  req.fill(id, 8);
  const res = req.slice();
  res[0] = 0x01;
  return { req, res };
}

const settle = () => new Promise((r) => setImmediate(r));

// @tests RFC8489 P13L14-P13L16, P13L36-P13L48, P13L37-P13L38, P13L42
test('§6.2.1 example, as the RFC prints it: sends at 0 … 31500 ms, fails at 39500 ms', async () => {
  const ex = await example();
  assert.equal(ex.sends.length, 7, 'the example lists seven sends (Rc 7)');
  const clock = new FakeClock();
  const { transport, sent, receivers } = fakeTransport(clock);
  let failedAt: number | undefined;
  let failure: TransactionFailed | undefined;
  request(transport, binding(1).req, { clock, timers: { rto: ex.rto } }).catch((e) => {
    failedAt = clock.now();
    failure = e;
  });
  clock.advance(ex.timeout - 1);
  await settle();
  assert.equal(sent, ex.sends);
  assert.is(failedAt, undefined, 'still waiting 1 ms before the timeout');
  clock.advance(1);
  await settle();
  assert.is(failedAt, ex.timeout);
  assert.instance(failure, TransactionFailed);
  assert.is(failure!.failure, 'timeout');
  assert.is(failure!.sent, 7);
  assert.is(receivers.size, 0, 'the transaction unsubscribed');
  assert.is(clock.pending, 0, 'no timer left');
  clock.advance(100_000);
  assert.is(sent.length, 7, 'nothing sent after failing');
});

// @tests RFC8489 P13L36-P13L37
test('a response ends retransmission; a response to another transaction id or a request class is ignored', async () => {
  const clock = new FakeClock();
  const { transport, sent, deliver } = fakeTransport(clock);
  const { req, res } = binding(2);
  const p = request(transport, req, { clock });
  clock.advance(600);
  deliver(binding(3).res); // another transaction
  deliver(req); // our own request echoed back: not a response
  clock.advance(1000);
  assert.equal(sent, [0, 500, 1500]);
  deliver(res);
  assert.equal(await p, res);
  clock.advance(100_000);
  assert.equal(sent, [0, 500, 1500]);
  assert.is(clock.pending, 0);
});

// @tests RFC8489 P13L42-P13L44
test('a hard ICMP error fails the transaction at once', async () => {
  const clock = new FakeClock();
  const { transport, receivers, sent } = fakeTransport(clock);
  const p = request(transport, binding(4).req, { clock });
  clock.advance(700);
  [...receivers].forEach((r) => r.error(new Error('ECONNREFUSED'), 'icmpError'));
  const e = await p.then(() => undefined, (x) => x);
  assert.instance(e, TransactionFailed);
  assert.is(e.failure, 'icmpError');
  assert.match(e.message, /unreachable/);
  assert.equal(sent, [0, 500]);
  assert.is(clock.pending, 0);
});

test('Rc and Rm are configurable: Rc 3, Rm 2, RTO 100 → sends at 0, 100, 300, fails at 500', async () => {
  const clock = new FakeClock();
  const { transport, sent } = fakeTransport(clock);
  let at: number | undefined;
  request(transport, binding(5).req, { clock, timers: { rto: 100, rc: 3, rm: 2 } }).catch(() => (at = clock.now()));
  clock.advance(499);
  await settle();
  assert.is(at, undefined);
  clock.advance(1);
  await settle();
  assert.equal(sent, [0, 100, 300]);
  assert.is(at, 500);
});

// @tests RFC8489 P13L24-P13L25
test('bad parameters are refused before anything is sent, naming which', () => {
  assert.throws(() => startUdpTransaction('x', { rto: 0.5, rc: 7, rm: 16 }, 0), /RTO must be a whole number of ms/);
  assert.throws(() => startUdpTransaction('x', { rto: 500, rc: 0, rm: 16 }, 0), /Rc/);
  assert.throws(() => startUdpTransaction('x', { rto: 500, rc: 7, rm: NaN }, 0), /Rm/);
});

test('a finished transaction refuses any further event, naming state and event', () => {
  const s = startUdpTransaction('req', { rto: 500, rc: 7, rm: 16 }, 0);
  const done = udpStep(s.next, { type: 'Response', response: 'res', now: 20 });
  assert.is(done.next.state, 'Completed');
  assert.equal(done.actions.map((a) => a.do), ['stopTimer', 'complete']);
  const e = (() => {
    try {
      udpStep(done.next, { type: 'Timer', now: 30 });
    } catch (x) {
      return x;
    }
  })();
  assert.instance(e, TransactionStateError);
  assert.match((e as Error).message, /state Completed refuses event Timer/);
});

// @tests RFC8489 P13L25-P13L28, P13L30-P13L34
test('RTO cache: a clean round trip sets the next RTO (never under the floor), a retransmitted one does not (Karn), stale after 10 minutes', () => {
  const cache = new RtoCache(500, 100);
  assert.is(cache.rto('192.0.2.1', 0), 500);
  cache.completed('192.0.2.1', 0, 200);
  assert.is(cache.rto('192.0.2.1', 1), 600, 'RFC 6298: SRTT + 4·RTTVAR = 200 + 400');
  cache.completed('192.0.2.1', 10, undefined);
  assert.is(cache.rto('192.0.2.1', 11), 600, 'a retransmitted transaction gives no estimate');
  assert.is(cache.rto('192.0.2.2', 11), 500, 'per server address');
  for (let i = 0; i < 20; i++) cache.completed('192.0.2.1', 20 + i, 10);
  assert.ok(cache.rto('192.0.2.1', 40) < 200, 'short round trips bring it down');
  assert.is(cache.rto('192.0.2.1', 39 + 10 * 60 * 1000 + 1), 500, 'stale after 10 minutes');
  const floored = new RtoCache(500, 500);
  floored.completed('192.0.2.3', 0, 1);
  assert.is(floored.rto('192.0.2.3', 1), 500);
});

test('the RTO cache feeds request(): a second transaction starts at the cached RTO', async () => {
  const clock = new FakeClock();
  const cache = new RtoCache(500, 100);
  const { transport, sent, deliver } = fakeTransport(clock);
  const a = binding(6);
  const p = request(transport, a.req, { clock, rtoCache: cache });
  clock.advance(50);
  deliver(a.res);
  await p;
  const rto = cache.rto('127.0.0.1', clock.now());
  assert.is(rto, 150, '50 + 4·25');
  sent.length = 0;
  const start = clock.now();
  request(transport, binding(7).req, { clock, rtoCache: cache }).catch(() => {});
  clock.advance(rto * 3);
  assert.equal(sent.map((t) => t - start), [0, rto, rto * 3]);
  clock.advance(100_000);
  await settle();
});

test.run();
