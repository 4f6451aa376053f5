/**
 * What the client does with what the server sends it (RFC 8656 §11.4, §12.6,
 * §5's 437), on a transport the test speaks for: coturn sends only well-formed
 * Data indications, so the ones to discard are made here. The "server" answers
 * each request at once, unauthenticated (no 401), as a STUN server with no
 * credentials may.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../../reference/clock.ts';
import { decodeMessage, encodeMessage, Data, type StunAttribute, type StunMessage } from '../../../../reference/stun/message/index.ts';
import type { StunTransport, TransportReceiver } from '../../../../reference/stun/transaction/request.ts';
import { TurnClient, type Received } from '../../../../reference/stun/turn/client.ts';
import { encodeChannelData } from '../../../../reference/stun/turn/channelData.ts';
import type { TransportAddress } from '../../../../reference/stun/turn/allocation.ts';

const relayed: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: 49152 };
const peer: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: 40000 };
const stranger: TransportAddress = { family: 'IPv4', address: '127.0.0.2', port: 40000 };

/** A transport whose far end is this test: each request is answered by `answer`, and `push` delivers bytes as from the server. */
class Scripted implements StunTransport {
  readonly reliable = false;
  readonly remoteAddress = '127.0.0.1';
  readonly sent: StunMessage[] = [];
  #receivers = new Set<TransportReceiver>();
  constructor(private readonly answer: (request: StunMessage) => StunMessage | undefined) {}
  send(bytes: Uint8Array): void {
    const d = decodeMessage(bytes);
    if (!d.ok) return;
    this.sent.push(d.message);
    const reply = d.message.class === 'request' ? this.answer(d.message) : undefined;
    if (reply) queueMicrotask(() => this.push(encodeMessage(reply)));
  }
  subscribe(r: TransportReceiver): () => void {
    this.#receivers.add(r);
    return () => this.#receivers.delete(r);
  }
  push(bytes: Uint8Array): void {
    for (const r of [...this.#receivers]) r.message(bytes);
  }
}

const success = (request: StunMessage, attributes: StunAttribute[] = []): StunMessage => ({ class: 'success', method: request.method, transactionId: request.transactionId, attributes });
const error = (request: StunMessage, code: number, reason: string): StunMessage => ({ class: 'error', method: request.method, transactionId: request.transactionId, attributes: [{ type: 'ERROR-CODE', code, reason }] });

function allocateAnswer(request: StunMessage): StunMessage {
  return success(request, [
    { type: 'XOR-RELAYED-ADDRESS', value: relayed },
    { type: 'XOR-MAPPED-ADDRESS', value: { family: 'IPv4', address: '127.0.0.1', port: 50000 } },
    { type: 'LIFETIME', value: 600 },
  ]);
}

const clocks = new WeakMap<TurnClient, FakeClock>();
const fakeClockOf = (c: TurnClient): FakeClock => clocks.get(c)!;

async function ready(answer: (r: StunMessage) => StunMessage | undefined = (r) => (r.method === 0x003 ? allocateAnswer(r) : success(r))) {
  const transport = new Scripted(answer);
  const clock = new FakeClock();
  const client = new TurnClient(transport, { username: 'u', password: 'p', clock });
  clocks.set(client, clock);
  const got: Received[] = [];
  client.onData = (r) => got.push(r);
  await client.allocate();
  await client.permit(peer);
  return { transport, client, got };
}

const dataIndication = (attributes: StunAttribute[]) => encodeMessage({ class: 'indication', method: Data, transactionId: new Uint8Array(12), attributes });
const bytes = (s: string) => new TextEncoder().encode(s);

// @tests RFC8656 P43L21-P43L26, P43L32-P43L35, P43L39-P43L42
test('Data indications: delivered with the peer; without XOR-PEER-ADDRESS, from an IP with no permission, or without DATA: discarded, saying why', async () => {
  const { transport, got, client } = await ready();
  transport.push(dataIndication([{ type: 'XOR-PEER-ADDRESS', value: peer }, { type: 'DATA', value: bytes('hi') }]));
  transport.push(dataIndication([{ type: 'DATA', value: bytes('no peer') }]));
  transport.push(dataIndication([{ type: 'XOR-PEER-ADDRESS', value: stranger }, { type: 'DATA', value: bytes('stranger') }]));
  transport.push(dataIndication([{ type: 'XOR-PEER-ADDRESS', value: peer }]));
  transport.push(dataIndication([{ type: 'XOR-PEER-ADDRESS', value: peer }, { type: 'DATA', value: new Uint8Array(0) }]));
  assert.equal(got.map((r) => [r.via, new TextDecoder().decode(r.data), r.peer.address]), [['Data indication', 'hi', '127.0.0.1'], ['Data indication', '', '127.0.0.1']]);
  assert.equal(client.discarded, [
    'a Data indication without XOR-PEER-ADDRESS (RFC 8656 §11.4)',
    'a Data indication from 127.0.0.2, for which there is no permission (RFC 8656 §11.4)',
    'a Data indication from 127.0.0.1 without DATA (RFC 8656 §11.4)',
  ]);
});

// @tests RFC8656 P50L40-P50L41, P50L43-P50L44, P50L25-P50L28, P45L42-P46L7
test('ChannelData: delivered on a bound channel with its peer; on an unbound or reserved channel, or with a reserved first byte: discarded', async () => {
  const { transport, got, client } = await ready();
  const n = await client.bindChannel(peer);
  transport.push(encodeChannelData({ channel: n, data: bytes('on the channel') }, 'udp'));
  transport.push(encodeChannelData({ channel: n + 1, data: bytes('unbound') }, 'udp'));
  transport.push(Uint8Array.from([0x50, 0x00, 0x00, 0x00]));
  transport.push(Uint8Array.from([0xc0, 0x00, 0x00, 0x00]));
  assert.equal(got.map((r) => [r.via, r.channel, new TextDecoder().decode(r.data), r.peer.port]), [['ChannelData', 0x4000, 'on the channel', 40000]]);
  assert.equal(client.discarded, [
    'ChannelData on channel 0x4001, which is not bound (RFC 8656 §12.6)',
    'first byte 80 is neither STUN (0-3) nor a channel (64-79) (RFC 8656 §12, Table 3)',
    'first byte 192 is neither STUN (0-3) nor a channel (64-79) (RFC 8656 §12, Table 3)',
  ]);
});

// @tests RFC8656 P24L6-P24L7, P39L40-P39L42, P46L25-P46L26
test('a 437 to a CreatePermission: the allocation is gone, and its permissions and channels with it', async () => {
  let mismatch = false;
  const { client, transport } = await ready((r) => (r.method === 0x003 ? allocateAnswer(r) : mismatch ? error(r, 437, 'Allocation Mismatch') : success(r)));
  await client.bindChannel(peer);
  mismatch = true;
  const why = await client.permit(stranger).then(() => 'permitted', (e: Error) => e.message);
  assert.match(why, 'TURN permission for 127.0.0.2: its allocation is gone');
  assert.is(client.allocation?.name, 'Expired');
  assert.is(client.permission('127.0.0.1')?.name, 'Expired');
  assert.is(client.channel(peer)?.name, 'Unbound');
  assert.throws(() => client.relayed, /no allocation to use \(it is Expired/);
  transport.push(dataIndication([{ type: 'XOR-PEER-ADDRESS', value: peer }, { type: 'DATA', value: bytes('late') }]));
  assert.match(client.discarded.at(-1) ?? '', 'no permission');
});

test('an answer that comes after its machine moved on (a permission expired while its refresh was out) is noted and dropped, not thrown', async () => {
  let answering = true;
  const { client } = await ready((r) => (r.method === 0x003 ? allocateAnswer(r) : answering ? success(r) : undefined));
  const clock = fakeClockOf(client);
  answering = false;
  clock.advance(240_000); // the refresh goes out, unanswered
  assert.is(client.permission('127.0.0.1')?.name, 'Refreshing');
  clock.advance(60_000); // its transaction times out (39.5 s) and the permission expires (300 s) in the same advance
  await new Promise((r) => setTimeout(r, 0));
  assert.is(client.permission('127.0.0.1')?.name, 'Expired');
  assert.match(client.discarded.at(-1) ?? '', 'the answer to CreatePermission for 127.0.0.1 came when it was Expired');
});

test.run();
