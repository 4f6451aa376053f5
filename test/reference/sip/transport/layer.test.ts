import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { TransportLayer } from '../../../../reference/sip/transport/layer.ts';
import { createRequest, createResponse, topVia, type Response } from '../../../../reference/sip/syntax/message.ts';
import { parse } from '../../../../reference/sip/syntax/parse.ts';
import { element, rawTcp, rawUdp, requestText, sleep, until } from './net.ts';

const options = (uri: string) =>
  createRequest('OPTIONS', uri, {
    Via: 'SIP/2.0/UDP set-by-transport.invalid;branch=z9hG4bKopt1',
    From: '<sip:uac@example.com>;tag=a',
    To: `<${uri}>`,
    'Call-ID': 'opt-1@example.com',
    CSeq: '1 OPTIONS',
    'Max-Forwards': '70',
  });

// @tests RFC3261 P145L16-P145L19
test('UDP and TCP listen on the same configured address and port (ephemeral here, never 5060 by default)', async () => {
  const { layer } = await element();
  const { udp, tcp } = layer.local;
  assert.is(udp.port, tcp.port);
  assert.is.not(udp.port, 5060);
  assert.is(udp.host, '127.0.0.1');
  await layer.close();
});

// @tests RFC3581 P4L15-P4L35
// @tests RFC3261 P145L25-P145L31
test('UDP + rport: received and rport filled in, the response goes to the source port from the listening port', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawUdp();
  // sent-by names a port nobody listens on: only rport can bring the response back.
  await peer.send(requestText({ via: 'SIP/2.0/UDP client.example.com:9;rport;branch=z9hG4bKr1' }), layer.local.udp.port);
  await until(() => peer.received.length === 1, 'the response');
  const via = topVia(seen.requests[0].request);
  assert.is(via?.received, '127.0.0.1');
  assert.is(via?.rport, peer.port);
  assert.is(peer.received[0].port, layer.local.udp.port);
  const response = parse(peer.received[0].text) as Response;
  assert.is(response.status, 200);
  assert.is(topVia(response)?.rport, peer.port);
  await peer.close();
  await layer.close();
});

// @tests RFC3261 P146L39-P146L43, P147L1-P147L3
test('UDP without rport: the response goes to the sent-by port, not to the source port', async () => {
  const { layer, seen } = await element({}, () => 200);
  const sender = await rawUdp();
  const listener = await rawUdp();
  await sender.send(requestText({ via: `SIP/2.0/UDP 127.0.0.1:${listener.port};branch=z9hG4bKs1` }), layer.local.udp.port);
  await until(() => listener.received.length === 1, 'the response at the sent-by port');
  // sent-by host equals the packet source: no received parameter.
  assert.is(topVia(seen.requests[0].request)?.received, undefined);
  await sleep(50);
  assert.is(sender.received.length, 0);
  await sender.close();
  await listener.close();
  await layer.close();
});

// @tests RFC3261 P146L39-P146L43
test('UDP with a domain sent-by: received is added and the response goes to received at the sent-by port', async () => {
  const { layer, seen } = await element({}, () => 200);
  const sender = await rawUdp();
  const listener = await rawUdp();
  await sender.send(requestText({ via: `SIP/2.0/UDP uac.example.invalid:${listener.port};branch=z9hG4bKs2` }), layer.local.udp.port);
  await until(() => listener.received.length === 1, 'the response at received:sent-by-port');
  assert.is(topVia(seen.requests[0].request)?.received, '127.0.0.1');
  await sender.close();
  await listener.close();
  await layer.close();
});

// @tests RFC3261 P146L18-P146L23, P147L18-P147L20
test('TCP: two messages in one segment and one split over three are framed; responses go back on the same connection', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const a = requestText({ via: 'SIP/2.0/TCP uac.example.invalid:9;branch=z9hG4bKt1', body: 'hello' });
  const b = requestText({ via: 'SIP/2.0/TCP uac.example.invalid:9;branch=z9hG4bKt2', cseq: '2 OPTIONS' });
  peer.socket.write(a + b);
  await until(() => seen.requests.length === 2, 'two requests');
  const c = requestText({ via: 'SIP/2.0/TCP uac.example.invalid:9;branch=z9hG4bKt3', cseq: '3 OPTIONS', body: 'x'.repeat(100) });
  peer.socket.write(c.slice(0, 10));
  await sleep(20);
  peer.socket.write(c.slice(10, 150));
  await sleep(20);
  peer.socket.write(c.slice(150));
  await until(() => seen.requests.length === 3, 'the split request');
  assert.is(Buffer.from(seen.requests[0].request.body).toString(), 'hello');
  assert.is(seen.requests[2].request.body.length, 100);
  assert.is(seen.requests[0].origin.transport, 'TCP');
  // Three 200s on the connection the requests came on (sent-by port 9 is unreachable).
  await until(() => (peer.data().match(/SIP\/2\.0 200 OK/g) ?? []).length === 3, 'three responses on the connection');
  peer.close();
  await layer.close();
});

// @tests RFC3261 P147L11-P147L14, P147L18-P147L20
test('TCP: a framed request that does not parse gets 400 on the connection; the stream goes on', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const bad = requestText({ via: 'SIP/2.0/TCP a.example.invalid;branch=z9hG4bKtb1', cseq: 'x OPTIONS', body: 'abc' });
  const good = requestText({ via: 'SIP/2.0/TCP a.example.invalid;branch=z9hG4bKtb2', cseq: '2 OPTIONS' });
  peer.socket.write('\r\n' + bad + good);
  await until(() => /SIP\/2\.0 400 Bad CSeq/.test(peer.data()) && /SIP\/2\.0 200 OK/.test(peer.data()), 'the 400 and the 200');
  assert.is(seen.requests.length, 1);
  assert.is(topVia(seen.requests[0].request)?.branch, 'z9hG4bKtb2');
  assert.ok(peer.data().indexOf('400 Bad CSeq') < peer.data().indexOf('200 OK'));
  peer.close();
  await layer.close();
});

// @tests RFC3261 P147L18-P147L20
test('TCP: a message without Content-Length cannot be framed; the connection is closed', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  const closed = new Promise<void>((r) => peer.socket.once('close', () => r()));
  peer.socket.write(requestText({ via: 'SIP/2.0/TCP a.example.invalid;branch=z9hG4bKt9' }).replace(/Content-Length: 0\r\n/, ''));
  await closed;
  assert.is(seen.requests.length, 0);
  assert.match(seen.dropped[0], /Content-Length/);
  await layer.close();
});

// @tests RFC3261 P142L32-P142L37, P144L19-P144L22, P143L39-P143L42
test('client: a large request switches to TCP (Via says so), connections are reused, the response comes back', async () => {
  const server = await element({}, () => 200);
  const client = await element({ sentByHost: '127.0.0.1' });
  const small = options(`sip:uas@127.0.0.1:${server.layer.local.udp.port}`);
  const dest = { host: '127.0.0.1', port: server.layer.local.udp.port, transport: 'UDP' as const };
  const used = client.layer.prepareRequest(small, dest);
  assert.is(used.transport, 'UDP');
  assert.match(small.headers.get('Via') ?? '', new RegExp(`^SIP/2.0/UDP 127.0.0.1:${client.layer.sentBy.port};branch=z9hG4bKopt1;rport$`));

  const big = options(`sip:uas@127.0.0.1:${server.layer.local.udp.port}`);
  big.headers.set('Via', 'SIP/2.0/UDP set-by-transport.invalid;branch=z9hG4bKbig1');
  big.headers.append('Subject', 'x'.repeat(1300));
  const usedBig = client.layer.prepareRequest(big, dest);
  assert.is(usedBig.transport, 'TCP');
  assert.is(topVia(big)?.transport, 'TCP');
  await client.layer.sendRequest(big, usedBig);
  await until(() => server.seen.requests.length === 1, 'the big request over TCP');
  assert.is(server.seen.requests[0].origin.transport, 'TCP');
  await until(() => client.seen.responses.length === 1, 'its response on the same connection');
  // A second request to the same place reuses the open connection.
  const again = options(`sip:uas@127.0.0.1:${server.layer.local.udp.port}`);
  again.headers.set('Via', 'SIP/2.0/UDP x.invalid;branch=z9hG4bKbig2');
  again.headers.append('Subject', 'y'.repeat(1300));
  await client.layer.sendRequest(again, client.layer.prepareRequest(again, dest));
  await until(() => client.seen.responses.length === 2, 'the second response');
  assert.is(server.seen.requests[1].origin.connection, server.seen.requests[0].origin.connection);
  await client.layer.close();
  await server.layer.close();
});

// @tests RFC3261 P142L32-P142L35
test('a known path MTU moves the threshold', async () => {
  const { layer } = await element({ pathMtu: 9000 });
  const r = options('sip:uas@127.0.0.1:9');
  r.headers.append('Subject', 'x'.repeat(3000));
  assert.is(layer.prepareRequest(r, { host: '127.0.0.1', port: 9, transport: 'UDP' }).transport, 'UDP');
  await layer.close();
});

// @tests RFC3261 P144L31-P144L35, P144L37-P144L42
test('client: a response whose top Via sent-by is not ours is silently discarded', async () => {
  const { layer, seen } = await element();
  const peer = await rawUdp();
  const response = (sentBy: string) =>
    ['SIP/2.0 200 OK', `Via: SIP/2.0/UDP ${sentBy};branch=z9hG4bKx`, 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2', 'Call-ID: x', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
  await peer.send(response('127.0.0.1:1'), layer.local.udp.port);
  await peer.send(response(`127.0.0.1:${layer.local.udp.port}`), layer.local.udp.port);
  await until(() => seen.responses.length === 1, 'the response addressed to us');
  assert.equal(seen.dropped, ['response whose top Via sent-by is not ours']);
  assert.is(peer.received.length, 0);
  await peer.close();
  await layer.close();
});

// @tests RFC3261 P147L11-P147L14, P185L38-P185L40, P50L10-P50L15
test('malformed datagrams: a request gets 400 saying what is wrong; an ACK or a response is dropped', async () => {
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawUdp();
  const via = 'SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKm1';
  await peer.send(requestText({ via, cseq: 'one OPTIONS' }), layer.local.udp.port);
  await until(() => peer.received.length === 1, 'the 400');
  // The 400 copies the fields as they came, the broken CSeq included, so read it as text.
  const answer = peer.received[0].text;
  assert.match(answer, /^SIP\/2\.0 400 Bad CSeq: [^\r\n]*"one OPTIONS"[^\r\n]*\r\n/);
  assert.match(answer, /\r\nCall-ID: call-1@example.com\r\n/);
  assert.match(answer, /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:9;rport;branch=z9hG4bKm1\r\n/);
  // A repeated single-valued field is copied once, so that the 400 itself is well formed.
  await peer.send(requestText({ via, cseq: 'one OPTIONS' }).replace('\r\nCall-ID:', '\r\nTo: <sip:other@example.com>\r\nCall-ID:'), layer.local.udp.port);
  await until(() => peer.received.length === 2, 'the 400 to a request with two To fields');
  assert.is(peer.received[1].text.split('\r\n').filter((l: string) => /^To:/i.test(l)).length, 1);
  peer.received.pop();
  // Body shorter than Content-Length (§18.3).
  await peer.send(requestText({ via, body: 'abc' }).replace('Content-Length: 3', 'Content-Length: 30'), layer.local.udp.port);
  await until(() => peer.received.length === 2, 'the second 400');
  assert.match((parse(peer.received[1].text) as Response).reason, /Content-Length/);
  await peer.send(requestText({ method: 'ACK', via, cseq: 'one ACK' }), layer.local.udp.port);
  await peer.send('SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n', layer.local.udp.port);
  await until(() => seen.dropped.length === 5, 'two drops (after three malformed requests)');
  await sleep(30);
  assert.is(peer.received.length, 2);
  assert.is(seen.requests.length, 0);
  await peer.close();
  await layer.close();
});

// @tests RFC3261 P146L18-P146L27, P143L42-P143L46
test('TCP: if the request connection has closed, the response goes on a new connection to received and the sent-by port', async () => {
  const { layer, seen } = await element();
  // The client side: a TCP listener on its sent-by port, a separate connection for the request.
  const accepted: string[] = [];
  const listener = createServer((socket) => socket.on('data', (c) => accepted.push(c.toString())));
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const sentByPort = (listener.address() as { port: number }).port;
  const peer = await rawTcp(layer.local.tcp.port);
  peer.socket.write(requestText({ via: `SIP/2.0/TCP uac.example.invalid:${sentByPort};branch=z9hG4bKfb1` }));
  await until(() => seen.requests.length === 1, 'the request');
  const { request, origin } = seen.requests[0];
  peer.close();
  await until(() => origin.connection?.open === false, 'the connection to close');
  await layer.sendResponse(createResponse(request, 200), origin);
  await until(() => accepted.join('').includes('SIP/2.0 200 OK'), 'the response on a new connection');
  assert.is(topVia(request)?.received, '127.0.0.1');
  await layer.close();
  await new Promise<void>((r) => listener.close(() => r()));
});

// @tests RFC3261 P35L7-P35L10
test('a response missing a mandatory header field is dropped; such a request goes up for the TU to reject', async () => {
  const { layer, seen } = await element();
  const peer = await rawUdp();
  const noCallId = requestText({ via: 'SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKmiss1' }).replace('Call-ID: call-1@example.com\r\n', '');
  await peer.send(noCallId, layer.local.udp.port);
  await until(() => seen.requests.length === 1, 'the request at the TU');
  assert.is(topVia(seen.requests[0].request)?.rport, peer.port);
  const noCseq = ['SIP/2.0 200 OK', `Via: SIP/2.0/UDP 127.0.0.1:${layer.local.udp.port};branch=z9hG4bKx`, 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>;tag=2', 'Call-ID: x', 'Content-Length: 0', '', ''].join('\r\n');
  await peer.send(noCseq, layer.local.udp.port);
  await until(() => seen.dropped.length === 1, 'the response dropped');
  assert.match(seen.dropped[0], /Missing CSeq/);
  assert.is(seen.responses.length, 0);
  assert.is(peer.received.length, 0);
  await peer.close();
  await layer.close();
});

test('listening on all interfaces without a sentByHost is refused with a clear error', async () => {
  try {
    await TransportLayer.start({ host: '0.0.0.0', port: 0 }, { receiveRequest() {}, receiveResponse() {} });
    assert.unreachable('start should have failed');
  } catch (error) {
    assert.match((error as Error).message, /sentByHost/);
  }
  const layer = await TransportLayer.start({ host: '0.0.0.0', port: 0, sentByHost: '127.0.0.1' }, { receiveRequest() {}, receiveResponse() {} });
  assert.equal(layer.sentBy, { host: '127.0.0.1', port: layer.local.udp.port });
  await layer.close();
});

const handles = () => {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
};

test('clean shutdown: no socket, server or timer is left behind; the same UDP and TCP port can be bound again', async () => {
  const before = handles();
  const { layer, seen } = await element({}, () => 200);
  const peer = await rawTcp(layer.local.tcp.port);
  peer.socket.write(requestText({ via: 'SIP/2.0/TCP a.example.invalid;branch=z9hG4bKsd1' }));
  await until(() => peer.data().includes('200 OK'), 'a response, so a connection with its idle timer exists');
  assert.is(seen.requests.length, 1);
  const port = layer.local.udp.port;
  peer.close();
  await layer.close();
  await sleep(20);
  const after = handles();
  for (const kind of ['UDPWrap', 'TCPServerWrap', 'TCPSocketWrap', 'Timeout']) {
    // (Earlier tests' sockets may still be finishing their close when this one starts.)
    assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} handles left open: ${after[kind]} after, ${before[kind]} before`);
  }
  const udp = createSocket('udp4');
  await new Promise<void>((r, j) => {
    udp.once('error', j);
    udp.bind(port, '127.0.0.1', () => r());
  });
  const tcp = createServer();
  await new Promise<void>((r, j) => {
    tcp.once('error', j);
    tcp.listen(port, '127.0.0.1', () => r());
  });
  await new Promise<void>((r) => udp.close(() => r()));
  await new Promise<void>((r) => tcp.close(() => r()));
  peer.close();
});

test.run();
