import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '../../../../reference/sip/syntax/parse.ts';
import { topVia, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { insertSentBy, responseRoute, sentByIsOurs, stampReceived } from '../../../../reference/sip/transport/via.ts';
import { transportForSize } from '../../../../reference/sip/transport/sizeRule.ts';

const withVia = (...vias: string[]) =>
  parse(['OPTIONS sip:x@example.com SIP/2.0', ...vias.map((v) => `Via: ${v}`), 'From: <sip:a@example.com>;tag=1', 'To: <sip:x@example.com>', 'Call-ID: c', 'CSeq: 1 OPTIONS', '', ''].join('\r\n')) as Request;
const response = (...vias: string[]) =>
  parse(['SIP/2.0 200 OK', ...vias.map((v) => `Via: ${v}`), 'From: <sip:a@example.com>;tag=1', 'To: <sip:x@example.com>;tag=2', 'Call-ID: c', 'CSeq: 1 OPTIONS', '', ''].join('\r\n')) as Response;

// @tests RFC3261 P143L31-P143L35, P142L35-P142L37
test('insertSentBy writes transport, host and port into the top Via only, keeping the branch', () => {
  const r = withVia('SIP/2.0/UDP placeholder.invalid;branch=z9hG4bK1;rport', 'SIP/2.0/UDP other.example.com');
  insertSentBy(r, 'TCP', { host: '192.0.2.7', port: 5070 });
  assert.equal(r.headers.getAll('Via'), ['SIP/2.0/TCP 192.0.2.7:5070;branch=z9hG4bK1;rport', 'SIP/2.0/UDP other.example.com']);
  insertSentBy(r, 'UDP', { host: '::1', port: 5070 });
  assert.is(topVia(r)?.host, '[::1]');
});

// @tests RFC3261 P145L25-P145L31, P145L36-P145L47
test('received is added when sent-by is a domain name or differs from the source, not when equal', () => {
  const r = withVia('SIP/2.0/UDP bobspc.biloxi.com:5060');
  stampReceived(r, { host: '192.0.2.4', port: 5060 });
  assert.is(r.headers.getAll('Via')[0], 'SIP/2.0/UDP bobspc.biloxi.com:5060;received=192.0.2.4');
  const same = withVia('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK2');
  stampReceived(same, { host: '192.0.2.4', port: 33333 });
  assert.is(same.headers.getAll('Via')[0], 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK2');
  const mapped = withVia('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK2');
  stampReceived(mapped, { host: '::ffff:192.0.2.4', port: 5060 });
  assert.is(topVia(mapped)?.received, undefined);
  const other = withVia('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK2');
  stampReceived(other, { host: '198.51.100.9', port: 5060 });
  assert.is(topVia(other)?.received, '198.51.100.9');
});

// @tests RFC3581 P4L15-P4L24
test('rport without a value gets the source port, and received is then always added', () => {
  const r = withVia('SIP/2.0/UDP 192.0.2.4:5060;rport;branch=z9hG4bK3');
  stampReceived(r, { host: '192.0.2.4', port: 41000 });
  assert.is(r.headers.getAll('Via')[0], 'SIP/2.0/UDP 192.0.2.4:5060;rport=41000;branch=z9hG4bK3;received=192.0.2.4');
  // An rport that already has a value is left alone.
  const filled = withVia('SIP/2.0/UDP 192.0.2.4:5060;rport=7;branch=z9hG4bK3');
  stampReceived(filled, { host: '192.0.2.4', port: 41000 });
  assert.is(topVia(filled)?.rport, 7);
});

// @tests RFC3261 P146L18-P146L27
test('route: a reliable sent-protocol means the request connection; fallback is received + sent-by port', () => {
  assert.equal(responseRoute(response('SIP/2.0/TCP a.example.com:5080;received=192.0.2.1;rport=999')), {
    kind: 'connection',
    fallback: { host: '192.0.2.1', port: 5080 },
  });
  assert.equal(responseRoute(response('SIP/2.0/TCP a.example.com')), { kind: 'connection', fallback: { host: 'a.example.com', port: 5060 } });
});

// @tests RFC3261 P146L32-P146L37
test('route: maddr comes before received and rport, with the ttl (1 by default)', () => {
  assert.equal(responseRoute(response('SIP/2.0/UDP a.example.com:5090;maddr=239.1.1.1;received=192.0.2.1;rport=999')), {
    kind: 'datagram', to: { host: '239.1.1.1', port: 5090 }, ttl: 1, rule: 'maddr',
  });
  assert.equal(responseRoute(response('SIP/2.0/UDP a.example.com;maddr=239.1.1.1;ttl=4')).kind, 'datagram');
  const r = responseRoute(response('SIP/2.0/UDP a.example.com;maddr=239.1.1.1;ttl=4'));
  assert.equal(r, { kind: 'datagram', to: { host: '239.1.1.1', port: 5060 }, ttl: 4, rule: 'maddr' });
});

// @tests RFC3581 P4L26-P4L35
test('route: received + rport → the source address and port', () => {
  assert.equal(responseRoute(response('SIP/2.0/UDP a.example.com:5090;received=192.0.2.1;rport=40001')), {
    kind: 'datagram', to: { host: '192.0.2.1', port: 40001 }, rule: 'rport',
  });
});

// @tests RFC3261 P146L39-P146L43, P147L1-P147L3
test('route: received → that address at the sent-by port (5060 if none); else sent-by itself', () => {
  assert.equal(responseRoute(response('SIP/2.0/UDP a.example.com:5090;received=192.0.2.1')), {
    kind: 'datagram', to: { host: '192.0.2.1', port: 5090 }, rule: 'received',
  });
  assert.equal(responseRoute(response('SIP/2.0/UDP a.example.com;received=192.0.2.1')).kind, 'datagram');
  assert.equal((responseRoute(response('SIP/2.0/UDP a.example.com;received=192.0.2.1')) as { to: unknown }).to, { host: '192.0.2.1', port: 5060 });
  assert.equal(responseRoute(response('SIP/2.0/UDP [2001:db8::1]:5070')), {
    kind: 'datagram', to: { host: '2001:db8::1', port: 5070 }, rule: 'sent-by',
  });
});

// @tests RFC3261 P144L31-P144L35
test('client: a response is ours only if its top Via sent-by is what we insert', () => {
  const ours = [{ host: '127.0.0.1', port: 5080 }];
  assert.ok(sentByIsOurs(response('SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1'), ours));
  assert.not.ok(sentByIsOurs(response('SIP/2.0/UDP 127.0.0.1:5081;branch=z9hG4bK1'), ours));
  assert.not.ok(sentByIsOurs(response('SIP/2.0/UDP 127.0.0.2:5080;branch=z9hG4bK1'), ours));
  // The second Via is not looked at.
  assert.not.ok(sentByIsOurs(response('SIP/2.0/UDP proxy.example.com', 'SIP/2.0/UDP 127.0.0.1:5080'), ours));
  // No port means the default port of the transport.
  assert.ok(sentByIsOurs(response('SIP/2.0/UDP host.example.com'), [{ host: 'HOST.example.com', port: 5060 }]));
});

// @tests RFC3261 P142L32-P142L37
test('size rule: over 1300 bytes with unknown MTU, or within 200 bytes of a known MTU, goes over TCP', () => {
  assert.is(transportForSize('UDP', 1300), 'UDP');
  assert.is(transportForSize('UDP', 1301), 'TCP');
  assert.is(transportForSize('UDP', 1300, 1500), 'UDP');
  assert.is(transportForSize('UDP', 1301, 1500), 'TCP');
  assert.is(transportForSize('UDP', 1000, 1100), 'TCP');
  assert.is(transportForSize('UDP', 8000, 9000), 'UDP');
  assert.is(transportForSize('TCP', 10), 'TCP');
});

test.run();
