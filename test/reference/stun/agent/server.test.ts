import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Binding, decodeMessage, encodeMessage, type StunMessage } from '../../../../reference/stun/message/index.ts';
import { answer } from '../../../../reference/stun/agent/server.ts';
import { StunServer } from '../../../../reference/stun/agent/listener.ts';
import { binding, BindingFailed, processResponse } from '../../../../reference/stun/agent/client.ts';
import { TcpClientTransport, UdpClientTransport } from '../../../../reference/stun/transaction/transports.ts';

const udpFrom = { source: { address: '127.0.0.1', port: 40000 }, transport: 'udp' as const };
const id = (n: number) => new Uint8Array(12).fill(n);
const req = (attributes: StunMessage['attributes'] = [], cls: StunMessage['class'] = 'request'): StunMessage => ({ class: cls, method: Binding, transactionId: id(1), attributes });
const decode = (b: Uint8Array) => {
  const d = decodeMessage(b, { rfc3489: true });
  if (!d.ok) throw new Error(d.reason);
  return d.message;
};

// @tests RFC8489 P18L20-P18L27, P17L43-P17L46, P18L17-P18L18
test('a Binding request gets a success response with XOR-MAPPED-ADDRESS of its source, same id, SOFTWARE', () => {
  const a = answer(encodeMessage(req()), udpFrom, { software: 'test' });
  assert.ok('respond' in a);
  const r = decode((a as { respond: Uint8Array }).respond);
  assert.is(r.class, 'success');
  assert.is(r.method, Binding);
  assert.equal([...r.transactionId], [...id(1)]);
  assert.equal(r.attributes[0], { type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv4', address: '127.0.0.1', port: 40000 } });
  assert.equal(r.attributes[1], { type: 'SOFTWARE', value: 'test' });
  assert.is(r.cookie, undefined);
});

// @tests RFC8489 P17L6-P17L10, P18L1-P18L2, P18L7-P18L8, P16L45-P16L46
test('an unknown comprehension-required attribute → 420 listing it; an unknown comprehension-optional one is ignored', () => {
  const bytes = encodeMessage(req([{ type: 'unknown', code: 0x0777, value: new Uint8Array(4) }, { type: 'unknown', code: 0x8777, value: new Uint8Array(4) }]));
  const r = decode((answer(bytes, udpFrom) as { respond: Uint8Array }).respond);
  assert.is(r.class, 'error');
  assert.equal(r.attributes[0], { type: 'ERROR-CODE', code: 420, reason: 'Unknown Attribute' });
  assert.equal(r.attributes[1], { type: 'UNKNOWN-ATTRIBUTES', value: [0x0777] });
  const optional = encodeMessage(req([{ type: 'unknown', code: 0x8777, value: new Uint8Array(4) }]));
  assert.is(decode((answer(optional, udpFrom) as { respond: Uint8Array }).respond).class, 'success');
});

// @tests RFC5389 P29L30-P29L36
test('§11: an RFC 3489 request (no magic cookie) gets its cookie field back and MAPPED-ADDRESS', () => {
  const bytes = encodeMessage({ ...req(), cookie: 0x01020304 });
  const a = answer(bytes, udpFrom);
  const raw = (a as { respond: Uint8Array }).respond;
  assert.equal([...raw.subarray(4, 8)], [1, 2, 3, 4]);
  const r = decode(raw);
  assert.equal(r.attributes, [{ type: 'MAPPED-ADDRESS', value: { family: 'IPv4', address: '127.0.0.1', port: 40000 } }]);
});

// @tests RFC8489 P16L31-P16L34, P20L36-P20L39, P34L31-P34L32
test('FINGERPRINT: not required; when present it must be right and last, else the request is dropped; a response carries it when the request did', () => {
  const good = encodeMessage(req(), { fingerprint: true });
  const r = decode((answer(good, udpFrom) as { respond: Uint8Array }).respond);
  assert.is(r.attributes.at(-1)!.type, 'FINGERPRINT');
  const bad = good.slice();
  bad[bad.length - 1]! ^= 1;
  assert.match((answer(bad, udpFrom) as { discard: string }).discard, /FINGERPRINT/);
  const after = encodeMessage(req([{ type: 'FINGERPRINT', value: 0 }, { type: 'SOFTWARE', value: 'x' }]));
  assert.ok('discard' in answer(after, udpFrom));
});

// @tests RFC8489 P16L24-P16L34, P19L3-P19L4, P18L45-P18L46
test('discarded silently: not STUN, a response, another method, an indication', () => {
  assert.ok('discard' in answer(new Uint8Array([0x80, 1, 2, 3]), udpFrom));
  assert.match((answer(encodeMessage(req([], 'success')), udpFrom) as { discard: string }).discard, /no transaction/);
  assert.match((answer(encodeMessage({ ...req(), method: 0x003 }), udpFrom) as { discard: string }).discard, /not supported/);
  assert.match((answer(encodeMessage(req([], 'indication')), udpFrom) as { discard: string }).discard, /indication/);
});

// @tests RFC8489 P19L17-P19L19, P19L25-P19L26, P19L35-P19L37, P19L46-P19L48, P20L1-P20L4, P20L11-P20L12
test('client §6.3.3/§6.3.4: what a response means', () => {
  const ok = processResponse({ ...req([{ type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv4', address: '192.0.2.1', port: 1 } }], 'success') });
  assert.ok(ok.ok);
  assert.not.ok(processResponse(req([], 'success')).ok);
  assert.match((processResponse(req([{ type: 'unknown', code: 0x0777, value: new Uint8Array(0) }, { type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv4', address: '192.0.2.1', port: 1 } }], 'success')) as { why: string }).why, /unknown comprehension-required/);
  assert.match((processResponse(req([], 'error')) as { why: string }).why, /no ERROR-CODE/);
  assert.is((processResponse(req([{ type: 'ERROR-CODE', code: 500, reason: 'x' }], 'error')) as { retry?: string }).retry, '5xx');
  assert.is((processResponse(req([{ type: 'ERROR-CODE', code: 401, reason: 'x' }], 'error')) as { retry?: string }).retry, 'auth');
  assert.is((processResponse(req([{ type: 'ERROR-CODE', code: 300, reason: 'x' }], 'error')) as { retry?: string }).retry, undefined);
  assert.match((processResponse(req([{ type: 'ERROR-CODE', code: 420, reason: 'x' }, { type: 'UNKNOWN-ATTRIBUTES', value: [7] }], 'error')) as { why: string }).why, /0x0007/);
  assert.is((processResponse(req([{ type: 'ERROR-CODE', code: 600, reason: 'x' }], 'error')) as { retry?: string }).retry, undefined);
});

// @tests RFC8489 P18L31-P18L38, P34L26-P34L27
test('over real sockets: our client gets 127.0.0.1 and its own port back from our server, over UDP and TCP', async () => {
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0 });
  const { port } = server.address;
  const udp = await UdpClientTransport.open({ address: '127.0.0.1', port });
  const u = await binding(udp);
  assert.equal(u.mapped, { family: 'IPv4', address: '127.0.0.1', port: udp.local.port });
  udp.close();
  const tcp = await TcpClientTransport.open({ address: '127.0.0.1', port });
  const t = await binding(tcp, { fingerprint: true });
  assert.equal(t.mapped, { family: 'IPv4', address: '127.0.0.1', port: tcp.local.port });
  tcp.socket.destroy();
  await server.close();
});

test('limits: an oversized datagram is dropped unread, the server still answers after', async () => {
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0, tcp: false, limits: { maxDatagram: 100 } });
  const { port } = server.address;
  const s = createSocket('udp4');
  const big = encodeMessage(req([{ type: 'unknown', code: 0x8777, value: new Uint8Array(200) }]));
  await new Promise<void>((r) => s.send(big, port, '127.0.0.1', () => r()));
  const udp = await UdpClientTransport.open({ address: '127.0.0.1', port });
  await binding(udp);
  assert.is(server.counters.discarded, 1);
  assert.is(server.counters.answered, 1);
  udp.close();
  s.close();
  await server.close();
});

test('limits: connections past maxConnections are closed at once; idle connections are closed; a message over maxMessage closes its connection', async () => {
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0, udp: false, limits: { maxConnections: 2, idleMs: 200, maxMessage: 64 } });
  const { port } = server.address;
  const open = () => new Promise<import('node:net').Socket>((r) => { const c = connect(port, '127.0.0.1', () => r(c)); c.on('error', () => {}); });
  const closed = (c: import('node:net').Socket) => new Promise<number>((r) => { const t0 = Date.now(); c.once('close', () => r(Date.now() - t0)); });
  const a = await open();
  const b = await open();
  await new Promise((r) => setTimeout(r, 20));
  const c = await open();
  await closed(c);
  assert.is(server.counters.refusedConnections, 1);
  assert.is(server.connections, 2);
  // idle: a and b close by themselves after ~200 ms
  await Promise.all([closed(a), closed(b)]);
  assert.is(server.counters.idleClosed, 2);
  // oversize header
  const d = await open();
  const header = encodeMessage(req()).slice(0, 20);
  header[2] = 0x01; // 256-byte body announced
  d.write(header);
  await closed(d);
  assert.match(String(server.counters.discarded), /1/);
  // and it still answers
  const tcp = await TcpClientTransport.open({ address: '127.0.0.1', port });
  assert.is((await binding(tcp)).mapped.port, tcp.local.port);
  tcp.socket.destroy();
  for (const x of [a, b, c, d]) x.destroy();
  await server.close();
});

test('a server that never answers: binding fails with the transaction failure, not a hang', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const udp = await UdpClientTransport.open({ address: '127.0.0.1', port: silent.address().port });
  const e = await binding(udp, { timers: { rto: 10, rc: 2, rm: 2 } }).then(() => undefined, (x) => x);
  assert.match(String(e), /no response after 2 request/);
  assert.not.instance(e, BindingFailed);
  udp.close();
  silent.close();
});

test.run();
