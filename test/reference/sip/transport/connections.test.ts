/**
 * How long TCP connections live and how many there may be (issue 7 §3 and
 * its review): real sockets on 127.0.0.1, the connection timers on a
 * FakeClock the test advances, so nothing here depends on how fast the
 * machine is. Waits are for events on the sockets; their bounds are a
 * safety net only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:net';
import { FakeClock } from '../../../../reference/clock.ts';
import { createResponse } from '../../../../reference/sip/syntax/message.ts';
import type { TcpConnection } from '../../../../reference/sip/transport/tcp.ts';
import { closedIn, element, rawTcp, rawUdp, requestText, stack, until, } from './net.ts';

const via = (transport: string, branch: string, port = 9) => `SIP/2.0/${transport} 127.0.0.1:${port};branch=${branch}`;

/**
 * An element on a FakeClock with `config`, and one connection to it that has
 * carried a request and its 200: the peer, the connection as the transport
 * holds it, and a promise of its close.
 */
async function afterOneExchange(config: Parameters<typeof element>[0]) {
  const clock = new FakeClock();
  const { layer, seen } = await element({ clock, ...config }, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  peer.socket.write(requestText({ via: via('TCP', 'z9hG4bKx') }));
  await until(() => /200 OK/.test(peer.data()), 'the 200');
  const connection = seen.requests[0]!.origin.connection as TcpConnection;
  return { clock, layer, seen, peer, connection, closed: closedIn(peer) };
}

// @tests RFC3261 P142L1-P142L3
test('TCP: a lone CR, then its LF, after a message do not stop the idle timer: closed at idleTimeout after the message', async () => {
  const { clock, layer, seen, peer, connection, closed } = await afterOneExchange({ idleTimeout: 400, messageTimeout: 60_000 });
  peer.socket.write('\r');
  await until(() => connection.framer.pending === 1, 'the CR read');
  peer.socket.write('\n');
  await until(() => connection.framer.pending === 0, 'the LF read');
  clock.advance(399);
  assert.not.ok(connection.closing, 'open until idleTimeout');
  clock.advance(1);
  await closed;
  assert.match(seen.dropped.join('\n'), /closed: idle for idleTimeout \(400 ms\)/);
  await layer.close();
});

test('TCP: a trickle of one octet every 50 ms is closed at messageTimeout, counted from its first octet', async () => {
  const { clock, layer, seen, peer, connection, closed } = await afterOneExchange({ messageTimeout: 400, idleTimeout: 60_000 });
  const text = requestText({ via: via('TCP', 'z9hG4bKtr') });
  let elapsed = 0;
  for (let sent = 1; !connection.closing; sent++) {
    peer.socket.write(text[sent - 1] as string);
    await until(() => connection.framer.pending === sent, `octet ${sent} read`);
    clock.advance(50);
    elapsed += 50;
  }
  await closed;
  assert.is(elapsed, 400);
  assert.match(seen.dropped.join('\n'), /closed: a message took longer than messageTimeout \(400 ms\) to arrive/);
  await layer.close();
});

// @tests RFC3261 P142L1-P142L3, RFC5626 P25L14-P25L16
test('TCP: each double-CRLF ping gets a single-CRLF pong, and pings do not keep the connection: closed at idleTimeout', async () => {
  const { clock, layer, seen, peer, connection, closed } = await afterOneExchange({ idleTimeout: 400, messageTimeout: 60_000 });
  const answered = peer.data().length;
  let pings = 0;
  while (!connection.closing) {
    peer.socket.write('\r\n\r\n');
    pings++;
    await until(() => peer.data().length === answered + 2 * pings, `pong ${pings}`);
    clock.advance(50);
  }
  await closed;
  assert.is(pings, 8);
  assert.is(peer.data().slice(answered), '\r\n'.repeat(8));
  assert.match(seen.dropped.join('\n'), /closed: idle for idleTimeout \(400 ms\)/);
  await layer.close();
});

test('TCP: a connection that never carries a whole message is closed at messageTimeout', async () => {
  const clock = new FakeClock();
  const { layer, seen } = await element({ clock, messageTimeout: 400, idleTimeout: 60_000 }, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = closedIn(peer);
  await until(() => layer.tcpConnections === 1, 'the connection accepted');
  clock.advance(399);
  assert.not.ok(peer.socket.destroyed);
  clock.advance(1);
  await closed;
  assert.match(seen.dropped.join('\n'), /closed: no whole message within messageTimeout \(400 ms\) of the connection opening/);
  await layer.close();
});

// @tests RFC3261 P142L3-P142L9
test('TCP: the idle timeout defaults to 64*T1 of the T1 given (T1 = 100 ms: 6400 ms)', async () => {
  const { clock, layer, seen, connection, closed } = await afterOneExchange({ T1: 100 });
  clock.advance(6399);
  assert.not.ok(connection.closing);
  clock.advance(1);
  await closed;
  assert.match(seen.dropped.join('\n'), /closed: idle for idleTimeout \(6400 ms\)/);
  await layer.close();
});

// @tests RFC3261 P142L3-P142L9
test('TCP: an INVITE ringing three times 64*T1 keeps its connection; the 200 goes back on it; then idleTimeout closes it', async () => {
  const { clock, transport, seen, close } = await stack();
  const peer = await rawTcp(transport.local.tcp.port);
  peer.socket.write(requestText({ method: 'INVITE', via: via('TCP', 'z9hG4bKring') }));
  await until(() => seen.transactions.length === 1, 'the INVITE');
  const invite = seen.transactions[0]!;
  invite.respond(createResponse(invite.request, 180, undefined, { toTag: 'uas1' }));
  await until(() => /180 Ringing/.test(peer.data()), 'the 180');
  clock.advance(3 * 64 * 500);
  const connection = invite.origin.connection as TcpConnection;
  assert.not.ok(connection.closing, 'still open while the INVITE rings');
  invite.respond(createResponse(invite.request, 200, undefined, { toTag: 'uas1' }));
  await until(() => /200 OK/.test(peer.data()), 'the 200 on the same connection');
  // The 2xx ends the server transaction: from the 200 on, idleTimeout counts again.
  const closed = closedIn(peer);
  clock.advance(64 * 500 - 1);
  assert.not.ok(connection.closing);
  clock.advance(1);
  await closed;
  await close();
});

// @tests RFC3261 P146L18-P146L23
test('TCP: after a framing fault the requests framed before it are still answered on the connection, then it closes', async () => {
  const { clock, transport, seen, close } = await stack({ idleTimeout: 400 });
  const peer = await rawTcp(transport.local.tcp.port);
  const closed = closedIn(peer);
  peer.socket.write(requestText({ via: via('TCP', 'z9hG4bKfirst') }) + requestText({ via: via('TCP', 'z9hG4bKnocl'), cseq: '2 OPTIONS' }).replace('Content-Length: 0\r\n', ''));
  await until(() => /^SIP\/2\.0 400 /.test(peer.data()), 'the 400 for the message without Content-Length');
  const first = seen.transactions[0]!;
  const connection = first.origin.connection as TcpConnection;
  assert.ok(connection.closing && connection.writable, 'nothing more is read, but it can still answer');
  first.respond(createResponse(first.request, 200));
  clock.advance(0); // Timer J is 0 over TCP: the transaction ends, and with it the connection's last use
  await closed;
  assert.match(peer.data(), /^SIP\/2\.0 400 Bad Content-Length: required[^]*\r\n\r\nSIP\/2\.0 200 OK\r\n[^]*Via: SIP\/2\.0\/TCP 127\.0\.0\.1:9;branch=z9hG4bKfirst/);
  // A transaction that is never answered holds it half-open for idleTimeout at most.
  const second = await rawTcp(transport.local.tcp.port);
  const secondClosed = closedIn(second);
  second.socket.write(requestText({ via: via('TCP', 'z9hG4bKlate'), cseq: '3 OPTIONS' }) + 'OPTIONS sip:x SIP/2.0\r\nContent-Length: x\r\n\r\n');
  await until(() => /^SIP\/2\.0 400 /.test(second.data()) || seen.transactions.length === 2, 'the fault read');
  await until(() => seen.transactions.length === 2, 'the second transaction');
  clock.advance(400);
  await secondClosed;
  assert.match(seen.dropped.join('\n'), /closed: its transactions outlived idleTimeout \(400 ms\) after a framing fault/);
  await close();
});

/** A TCP listener on 127.0.0.1 counting the connections made to it. */
async function victim(): Promise<{ server: Server; port: number; data: () => string }> {
  let data = '';
  const server = createServer((socket) => socket.on('data', (d) => (data += d.toString('latin1'))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port, data: () => data };
}

test('TCP: responses to Vias naming other hosts open no more than maxConnections connections', async () => {
  const { layer, seen } = await element({ maxConnections: 2 }, () => 200);
  const victims = await Promise.all([victim(), victim(), victim()]);
  const udp = await rawUdp();
  for (const [i, v] of victims.entries()) {
    await udp.send(requestText({ via: via('TCP', `z9hG4bKv${i}`, v.port), cseq: `${i + 1} OPTIONS` }), layer.local.udp.port);
    await until(() => /200 OK/.test(v.data()) || seen.dropped.some((d) => /response not sent/.test(d)), `the response to request ${i + 1}`);
  }
  assert.equal(victims.map((v) => /^SIP\/2\.0 200 OK/.test(v.data())), [true, true, false]);
  assert.match(seen.dropped.join('\n'), /cannot open a TCP connection to 127\.0\.0\.1\|\d+: maxConnections \(2\) are open/);
  assert.is(layer.tcpConnections, 2);
  await udp.close();
  await layer.close();
  await Promise.all(victims.map((v) => new Promise((r) => v.server.close(r))));
});

test('TCP: over maxConnections a new connection is closed at once; those open go on; once one closes, a new one is taken', async () => {
  const { layer, seen } = await element({ maxConnections: 2 }, () => 200);
  const a = await rawTcp(layer.local.tcp.port);
  const b = await rawTcp(layer.local.tcp.port);
  await until(() => layer.tcpConnections === 2, 'two accepted');
  const c = await rawTcp(layer.local.tcp.port);
  await closedIn(c);
  assert.match(seen.dropped.join('\n'), /refused: maxConnections \(2\) are open/);
  a.socket.write(requestText({ via: via('TCP', 'z9hG4bKca') }));
  b.socket.write(requestText({ via: via('TCP', 'z9hG4bKcb'), cseq: '2 OPTIONS' }));
  await until(() => /200 OK/.test(a.data()) && /200 OK/.test(b.data()), 'both answered');
  const gone = closedIn(a);
  a.close();
  await gone;
  await until(() => layer.tcpConnections === 1, 'the server saw it close');
  const d = await rawTcp(layer.local.tcp.port);
  d.socket.write(requestText({ via: via('TCP', 'z9hG4bKcd'), cseq: '3 OPTIONS' }));
  await until(() => /200 OK/.test(d.data()), 'the new one answered');
  b.close();
  d.close();
  await layer.close();
});

test('TCP: maxConnectionsPerAddress caps what one address has open; refusals are logged once, then once a second', async () => {
  const clock = new FakeClock();
  const { layer, seen } = await element({ clock, maxConnectionsPerAddress: 2, maxConnections: 100 }, () => 200);
  const open = [await rawTcp(layer.local.tcp.port), await rawTcp(layer.local.tcp.port)];
  await until(() => layer.tcpConnections === 2, 'two accepted');
  for (let i = 0; i < 5; i++) await closedIn(await rawTcp(layer.local.tcp.port));
  const refused = () => seen.dropped.filter((d) => /refused/.test(d));
  assert.is(refused().length, 1);
  assert.match(refused()[0] as string, /refused: maxConnectionsPerAddress \(2\) are open from 127\.0\.0\.1$/);
  clock.advance(1000);
  assert.is(refused().length, 2);
  assert.match(refused()[1] as string, /^4 more TCP connections refused in the last 1000 ms/);
  clock.advance(1000);
  assert.is(refused().length, 2, 'nothing more refused: no more lines');
  for (const p of open) p.close();
  await layer.close();
});

test.run();
