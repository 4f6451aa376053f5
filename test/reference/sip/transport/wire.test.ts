/**
 * What the transport answers on the wire to requests it cannot take (issue 7,
 * "Defects found with independent SIP software"): another SIP-Version, a
 * missing empty line. Real sockets on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { element, rawTcp, rawUdp, requestText, until } from './net.ts';

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

test.run();
