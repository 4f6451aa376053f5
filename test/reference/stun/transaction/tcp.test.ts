import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Socket } from 'node:net';
import { FakeClock } from '../../../../reference/clock.ts';
import { FramingError, StreamDeframer } from '../../../../reference/stun/transaction/framing.ts';
import { request, TransactionFailed, type StunTransport } from '../../../../reference/stun/transaction/request.ts';
import { DEFAULT_TI, startTcpTransaction, tcpStep } from '../../../../reference/stun/transaction/tcp.ts';
import { TransactionStateError } from '../../../../reference/stun/transaction/udp.ts';
import { TcpClientTransport } from '../../../../reference/stun/transaction/transports.ts';
import { realDoc } from '../../../helpers.ts';

function message(id: number, bodyLength = 0, type = 0x0001): Uint8Array {
  const m = new Uint8Array(20 + bodyLength);
  m.set([type >> 8, type & 0xff, bodyLength >> 8, bodyLength & 0xff, 0x21, 0x12, 0xa4, 0x42]);
  m.fill(id, 8, 20);
  return m;
}

// @tests RFC8489 P14L6-P14L8
test('deframer: messages split across chunks and several in one chunk come out whole, in order', () => {
  const a = message(1, 8);
  const b = message(2, 0);
  const c = message(3, 12);
  const stream = new Uint8Array([...a, ...b, ...c]);
  const d = new StreamDeframer();
  const out: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += 7) out.push(...d.push(stream.subarray(i, i + 7)));
  assert.equal(out.map((m) => [...m]), [[...a], [...b], [...c]]);
  assert.is(d.buffered, 0);
  assert.equal(new StreamDeframer().push(stream).length, 3);
});

test('deframer: a stream that is not STUN, a length not a multiple of 4, or a message over the limit is an error naming the offset', () => {
  const d = new StreamDeframer();
  assert.equal(d.push(message(1, 4)).length, 1);
  const bad = message(2);
  bad[0] = 0x80;
  assert.throws(() => d.push(bad), (e: unknown) => e instanceof FramingError && e.offset === 24 && /top two bits/.test(e.message));
  assert.throws(() => new StreamDeframer().push(message(3, 6)), /length 6 is not a multiple of 4/);
  const small = new StreamDeframer(100);
  assert.throws(() => small.push(message(4, 200).subarray(0, 20)), /announces 220 bytes, more than the 100 accepted/);
});

// @tests RFC8489 P14L22-P14L29
test('TCP: one send, no retransmission; Ti (default read from §6.2.2: 39.5 s) times it out', async () => {
  const doc = await realDoc('RFC8489');
  const text = doc.lines.filter((l) => l.page === 14).map((l) => l.text.trim()).join(' ');
  const ti = Number(/SHOULD have a default of ([\d.]+) s\./.exec(text)![1]) * 1000;
  assert.is(DEFAULT_TI, ti);
  const clock = new FakeClock();
  const sent: number[] = [];
  const transport: StunTransport = { reliable: true, remoteAddress: '127.0.0.1', send: () => void sent.push(clock.now()), subscribe: () => () => {} };
  let at: number | undefined;
  let err: TransactionFailed | undefined;
  request(transport, message(9), { clock }).catch((e) => {
    at = clock.now();
    err = e;
  });
  clock.advance(ti - 1);
  await new Promise((r) => setImmediate(r));
  assert.is(at, undefined);
  clock.advance(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(sent, [0]);
  assert.is(at, ti);
  assert.is(err!.failure, 'timeout');
});

// @tests RFC8489 P14L31-P14L34
test('TCP: the connection closing before the response fails the transaction', async () => {
  let peer: Socket | undefined;
  const server = createServer((s) => {
    peer = s;
    s.once('data', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const t = await TcpClientTransport.open({ address: '127.0.0.1', port });
  const e = await request(t, message(5)).then(() => undefined, (x) => x);
  assert.instance(e, TransactionFailed);
  assert.is(e.failure, 'transportError');
  assert.ok(peer);
  t.socket.destroy();
  await new Promise((r) => server.close(r));
});

test('TCP: a response on the connection completes; the finished machine refuses more events', async () => {
  const server = createServer((s) => {
    const d = new StreamDeframer();
    s.on('data', (c) => {
      // Both responses, cut in the middle of the first header and sent apart.
      const out = Buffer.concat(d.push(c).map((m) => Buffer.from([0x01, ...m.subarray(1)])));
      s.write(out.subarray(0, 5));
      setTimeout(() => s.write(out.subarray(5)), 5);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const t = await TcpClientTransport.open({ address: '127.0.0.1', port });
  const [r1, r2] = await Promise.all([request(t, message(6)), request(t, message(7))]);
  assert.is(r1[8], 6);
  assert.is(r2[8], 7);
  t.socket.destroy();
  await new Promise((r) => server.close(r));
  const done = tcpStep(startTcpTransaction('req').next, { type: 'Response', response: 'res' });
  assert.throws(() => tcpStep(done.next, { type: 'Timer' }), (e: unknown) => e instanceof TransactionStateError && /Completed refuses event Timer/.test((e as Error).message));
});

test.run();
