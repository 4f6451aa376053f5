/**
 * What the transport answers on the wire to requests it cannot take (issue 7,
 * "Defects found with independent SIP software"): another SIP-Version, a
 * missing empty line, messages over the size limits, a truncated datagram,
 * faults in a stream however it was split. Real sockets on loopback; the
 * limits are made small through the transport's options. How long
 * connections live and how many there may be: connections.test.ts.
 */
import { test } from 'uvu';
import { topVia } from '../../../../reference/sip/syntax/message.ts';
import * as assert from 'uvu/assert';
import { closedIn, element, rawTcp, rawUdp, requestText, until } from './net.ts';

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

// @tests RFC3261 P147L18-P147L20
test('TCP: the same answers however the stream is split: a bad CSeq, then a message without Content-Length, in one write or two', async () => {
  const { layer, seen } = await element({}, () => 200);
  const badCSeq = requestText({ via: via('TCP', 'z9hG4bKbad'), cseq: 'x OPTIONS' });
  const noLength = requestText({ via: via('TCP', 'z9hG4bKnocl'), cseq: '2 OPTIONS' }).replace('Content-Length: 0\r\n', '');
  const answers: string[] = [];
  for (const writes of [[badCSeq + noLength], [badCSeq, noLength]]) {
    const peer = await rawTcp(layer.local.tcp.port);
    const closed = closedIn(peer);
    for (const w of writes) {
      peer.socket.write(w);
      if (writes.length > 1) await until(() => /\r\n\r\n/.test(peer.data()), 'the first answer');
    }
    await closed;
    answers.push(peer.data());
  }
  assert.match(answers[0] as string, /^SIP\/2\.0 400 Bad CSeq: [^\r\n]*\r\n[^]*\r\n\r\nSIP\/2\.0 400 Bad Content-Length: required on stream transports but absent[^\r\n]*\r\n[^]*\r\n\r\n$/);
  assert.is(answers[1], answers[0]);
  assert.is(seen.requests.length, 0);
  await layer.close();
});

// @tests RFC3261 P147L11-P147L14
test('UDP: a body shorter than a huge Content-Length is a truncated datagram, 400 (not 513); a body really over maxBodyBytes is 513', async () => {
  const { layer, seen } = await element({ maxBodyBytes: 64 }, () => 200);
  const peer = await rawUdp();
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKt1'), body: 'short' }).replace('Content-Length: 5', 'Content-Length: 9999999'), layer.local.udp.port);
  await until(() => peer.received.length === 1, 'the 400');
  assert.match(peer.received[0]!.text, /^SIP\/2\.0 400 Bad Content-Length: is 9999999 but only 5 octets of body follow\r\n/);
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKt2'), body: 'b'.repeat(65) }).replace('Content-Length: 65', 'Content-Length: 100000'), layer.local.udp.port);
  await until(() => peer.received.length === 2, 'the second 400');
  assert.match(peer.received[1]!.text, /^SIP\/2\.0 400 Bad Content-Length: is 100000 but only 65 octets/);
  await peer.send(requestText({ via: via('UDP', 'z9hG4bKt3'), body: 'b'.repeat(65) }), layer.local.udp.port);
  await until(() => peer.received.length === 3, 'the 513');
  assert.match(peer.received[2]!.text, /^SIP\/2\.0 513 Message Too Large: a body of 65 octets is over the limit \(maxBodyBytes = 64\)\r\n/);
  assert.is(seen.requests.length, 0);
  await peer.close();
  await layer.close();
});

test.run();
