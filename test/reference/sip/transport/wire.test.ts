/**
 * What the transport answers on the wire to requests it cannot take (issue 7,
 * "Defects found with independent SIP software"): another SIP-Version, a
 * missing empty line, messages over the size limits, connections that
 * trickle or idle, more connections than allowed. Real sockets on loopback;
 * the limits are made short through the transport's options.
 */
import { test } from 'uvu';
import { topVia } from '../../../../reference/sip/syntax/message.ts';
import * as assert from 'uvu/assert';
import { element, rawTcp, rawUdp, requestText, sleep, until, type RawTcp } from './net.ts';

const via = (transport: string, branch: string) => `SIP/2.0/${transport} 127.0.0.1:9;rport;branch=${branch}`;

// @tests RFC3261 P28L17-P28L19, P191L44-P191L47
test('SIP/3.0 in the Request-Line is answered 505, over UDP and over TCP', async () => {
  const { layer, seen } = await element({}, () => 200);
  const udp = await rawUdp();
  await udp.send(requestText({ via: via('UDP', 'z9hG4bKv1') }).replace(' SIP/2.0\r\n', ' SIP/3.0\r\n'), layer.local.udp.port);
  await until(() => udp.received.length === 1, 'the answer over UDP');
  assert.match(udp.received[0].text, /^SIP\/2\.0 505 [^\r\n]*SIP\/3\.0[^\r\n]*\r\n/);
  const tcp = await rawTcp(layer.local.tcp.port);
  tcp.socket.write(requestText({ via: via('TCP', 'z9hG4bKv2') }).replace(' SIP/2.0\r\n', ' SIP/3.0\r\n'));
  await until(() => /\r\n\r\n/.test(tcp.data()), 'the answer over TCP');
  assert.match(tcp.data(), /^SIP\/2\.0 505 /);
  assert.is(seen.requests.length, 0);
  assert.match(seen.dropped.join('\n'), /answered with 505/);
  tcp.close();
  await udp.close();
  await layer.close();
});

// @tests RFC3261 P27L18-P27L20
test('a datagram without the empty line gets 400, as one whose last line lacks its CRLF does', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawUdp();
  const whole = requestText({ via: via('UDP', 'z9hG4bKe1') });
  assert.ok(whole.endsWith('Content-Length: 0\r\n\r\n'));
  await peer.send(whole.slice(0, -2), layer.local.udp.port); // the last header line ends in CRLF, no empty line
  await peer.send(whole.slice(0, -4), layer.local.udp.port); // the last header line lacks its CRLF
  await until(() => peer.received.length === 2, 'two answers');
  for (const { text } of peer.received) assert.match(text, /^SIP\/2\.0 400 Bad message-header: [^\r\n]*empty line/);
  assert.is(seen.requests.length, 0);
  // The same request with its empty line is taken.
  await peer.send(whole, layer.local.udp.port);
  await until(() => peer.received.length === 3, 'the 200');
  assert.match(peer.received[2].text, /^SIP\/2\.0 200 OK\r\n/);
  await peer.close();
  await layer.close();
});

/** Resolves with the ms from now until the far end closes the connection; rejects if it is still open after 5 s. */
function closedIn(peer: RawTcp): Promise<number> {
  const started = Date.now();
  peer.socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      peer.close();
      reject(new Error('the connection is still open after 5 s'));
    }, 5000);
    peer.socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

// @tests RFC3261 P192L3-P192L4, P147L18-P147L20
test('TCP: Content-Length 9999999999 is answered 513 naming maxBodyBytes, and the connection is closed', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = closedIn(peer);
  peer.socket.write(requestText({ via: via('TCP', 'z9hG4bKcl1') }).replace('Content-Length: 0', 'Content-Length: 9999999999') + 'some of the body');
  await closed;
  assert.match(peer.data(), /^SIP\/2\.0 513 Message Too Large: a body of 9999999999 octets is over the limit \(maxBodyBytes = 262144\)\r\n/);
  assert.match(peer.data(), /\r\nCall-ID: call-1@example.com\r\n/);
  assert.match(seen.dropped.join('\n'), /answered with 513: .*maxBodyBytes = 262144/);
  assert.is(seen.requests.length, 0);
  await layer.close();
});

// @tests RFC3261 P192L3-P192L4
test('TCP: a 70 KB header section gets 513 and the close, whether written at once or 512 octets at a time', async () => {
  const { layer, seen } = await element({}, () => 200);
  const text = requestText({ via: via('TCP', 'z9hG4bKbig'), extra: [`X-Pad: ${'p'.repeat(70 * 1024)}`] });
  const answers: string[] = [];
  for (const size of [text.length, 512]) {
    const peer = await rawTcp(layer.local.tcp.port);
    const closed = closedIn(peer);
    for (let at = 0; at < text.length; at += size) {
      if (peer.socket.destroyed) break;
      peer.socket.write(text.slice(at, at + size));
      if (size < text.length) await new Promise((r) => setImmediate(r));
    }
    await closed;
    answers.push(peer.data());
  }
  assert.match(answers[0] as string, /^SIP\/2\.0 513 Message Too Large: no empty line ends the header section within 65536 octets \(maxHeaderBytes = 65536\)\r\n/);
  assert.is(answers[1], answers[0]);
  assert.is(seen.requests.length, 0);
  await layer.close();
});

test('TCP: a request before an oversized one in the same write is answered too (nothing lost), then the 513', async () => {
  const { layer, seen } = await element({ maxBodyBytes: 10 }, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = closedIn(peer);
  peer.socket.write(requestText({ via: via('TCP', 'z9hG4bKok') }) + requestText({ via: via('TCP', 'z9hG4bKtoo'), cseq: '2 OPTIONS', body: 'x'.repeat(11) }));
  await closed;
  assert.is(seen.requests.length, 1);
  assert.is(topVia(seen.requests[0]!.request)?.branch, 'z9hG4bKok');
  assert.match(peer.data(), /^SIP\/2\.0 200 OK\r\n[^]*\r\n\r\nSIP\/2\.0 513 Message Too Large: a body of 11 octets is over the limit \(maxBodyBytes = 10\)\r\n/);
  await layer.close();
});

// @tests RFC3261 P192L3-P192L4
test('UDP: a datagram over maxHeaderBytes or maxBodyBytes is answered 513 naming the limit', async () => {
  const { layer, seen } = await element({ maxHeaderBytes: 512, maxBodyBytes: 64 }, () => 200);
  const peer = await rawUdp();
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKu1'), extra: [`X-Pad: ${'p'.repeat(600)}`] }), layer.local.udp.port);
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKu2'), body: 'b'.repeat(65) }), layer.local.udp.port);
  await until(() => peer.received.length === 2, 'two answers');
  const answers = peer.received.map((r) => r.text.split('\r\n')[0]).sort();
  assert.equal(answers, [
    'SIP/2.0 513 Message Too Large: a body of 65 octets is over the limit (maxBodyBytes = 64)',
    'SIP/2.0 513 Message Too Large: no empty line ends the header section within 512 octets (maxHeaderBytes = 512)',
  ]);
  // Within the limits the same request is taken.
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKu3'), body: 'b'.repeat(64) }), layer.local.udp.port);
  await until(() => seen.requests.length === 1, 'the request within the limits');
  await peer.close();
  await layer.close();
});

test('TCP: a trickle of one octet every 50 ms is closed at messageTimeout, counted from the first octet', async () => {
  const { layer, seen } = await element({ messageTimeout: 400, idleTimeout: 60_000 }, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = closedIn(peer);
  const text = requestText({ via: via('TCP', 'z9hG4bKtr') });
  let sent = 0;
  const trickle = setInterval(() => {
    if (!peer.socket.destroyed) peer.socket.write(text[sent++ % text.length] as string);
  }, 50);
  const lived = await closed;
  clearInterval(trickle);
  // Every octet came within 50 ms of the last: only the message deadline can have closed it.
  assert.ok(lived >= 350 && lived < 3000, `closed after ${lived} ms`);
  assert.ok(sent < text.length, 'the request never completed');
  assert.match(seen.dropped.join('\n'), /closed: a message took longer than messageTimeout \(400 ms\)/);
  await layer.close();
});

// @tests RFC3261 P142L1-P142L9
test('TCP: CRLFs between messages do not keep a connection: it is closed at idleTimeout after the last message', async () => {
  const { layer, seen } = await element({ idleTimeout: 400, messageTimeout: 60_000 }, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = closedIn(peer);
  peer.socket.write(requestText({ via: via('TCP', 'z9hG4bKid') }));
  await until(() => /200 OK/.test(peer.data()), 'the 200');
  const keepalive = setInterval(() => peer.socket.destroyed || peer.socket.write('\r\n'), 50);
  const lived = await closed;
  clearInterval(keepalive);
  assert.ok(lived >= 300 && lived < 3000, `closed after ${lived} ms`);
  assert.match(seen.dropped.join('\n'), /closed: idle for idleTimeout \(400 ms\)/);
  await layer.close();
});

test('TCP: over maxConnections a new connection is closed at once; those open go on working', async () => {
  const { layer, seen } = await element({ maxConnections: 2 }, () => 200);
  const [a, b] = [await rawTcp(layer.local.tcp.port), await rawTcp(layer.local.tcp.port)];
  await until(() => layer.local.tcp.port > 0 && seen.dropped.length === 0, 'two accepted');
  await sleep(50);
  const c = await rawTcp(layer.local.tcp.port);
  const lived = await closedIn(c);
  assert.ok(lived < 2000, `the third was closed after ${lived} ms`);
  assert.match(seen.dropped.join('\n'), /refused: maxConnections \(2\) are open/);
  a.socket.write(requestText({ via: via('TCP', 'z9hG4bKca') }));
  b.socket.write(requestText({ via: via('TCP', 'z9hG4bKcb'), cseq: '2 OPTIONS' }));
  await until(() => /200 OK/.test(a.data()) && /200 OK/.test(b.data()), 'both answered');
  // Once one closes, a new one is taken again.
  const gone = closedIn(a);
  a.close();
  await gone;
  await sleep(50);
  const d = await rawTcp(layer.local.tcp.port);
  d.socket.write(requestText({ via: via('TCP', 'z9hG4bKcd'), cseq: '3 OPTIONS' }));
  await until(() => /200 OK/.test(d.data()), 'the new one answered');
  b.close();
  d.close();
  await layer.close();
});

test.run();
