/**
 * The REGISTER client (reference/sip/ua/register.ts) against our registrar
 * (SipServer) on loopback: real transports, the client's timers on a fake
 * clock so refreshes can be brought forward.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipServer } from '../../../../reference/sip/proxy/server.ts';
import { parseAddress } from '../../../../reference/sip/syntax/address.ts';
import { FakeClock } from '../../../../reference/clock.ts';
import { TransactionLayer } from '../../../../reference/sip/transaction/layer.ts';
import { TransportLayer } from '../../../../reference/sip/transport/layer.ts';
import { RegisterClient, type RegisterResult } from '../../../../reference/sip/ua/register.ts';
import { formatUri, parseUri } from '../../../../reference/sip/syntax/uri.ts';
import { until } from '../transport/net.ts';

async function setup(serverOptions: Partial<Parameters<typeof SipServer.start>[0]> = {}, clientOptions: { expires?: number; user?: string; password?: string } = {}) {
  const log: string[] = [];
  const server = await SipServer.start({ listen: { host: '127.0.0.1', port: 0 }, users: { alice: 'pw-a' }, log: (l) => log.push(l), ...serverOptions });
  const clock = new FakeClock();
  const transport = await TransportLayer.start({ host: '127.0.0.1', port: 0 }, { receiveRequest() {}, receiveResponse() {} });
  const transactions = new TransactionLayer(transport, { receiveRequest() {}, receiveStrayResponse() {} }, { clock });
  transport.user = transactions;
  const port = server.address.port;
  const aor = `sip:${clientOptions.user ?? 'alice'}@127.0.0.1:${port}`;
  const client = new RegisterClient(
    { transactions, sentBy: transport.sentBy },
    {
      aor: parseUri(aor),
      registrar: parseUri(`sip:127.0.0.1:${port}`),
      contact: parseAddress(`<sip:alice@127.0.0.1:${transport.sentBy.port}>`),
      credentials: { username: clientOptions.user ?? 'alice', password: clientOptions.password ?? 'pw-a' },
      ...(clientOptions.expires !== undefined && { expires: clientOptions.expires }),
    },
  );
  const close = async () => {
    client.stopRefresh();
    transactions.close();
    await transport.close();
    await server.close();
  };
  // The registrar indexes the AoR without its own port.
  const registers = () => log.filter((l) => l.startsWith('REGISTER')).map((l) => l.replace(/^.*: /, ''));
  return { server, client, clock, close, registers, key: 'sip:alice@127.0.0.1' };
}

const ok = (r: RegisterResult) => {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r as Extract<RegisterResult, { ok: true }>;
};

// @tests RFC3261 P58L6-P58L8, P58L14-P58L16, P62L10-P62L11, P196L45-P196L48, P66L16-P66L17, P196L13-P196L18
test('one Call-ID for every REGISTER of the client; CSeq up by one for each, the digest retry included; credentials reused', async () => {
  const { server, client, close, key, registers } = await setup({}, { expires: 300 });
  try {
    const first = ok(await client.register());
    assert.is(first.ours, 300);
    assert.is(client.seq, 2); // 1 challenged, 2 with credentials
    let b = server.location.lookup(key)[0];
    assert.is(b?.callId, client.callId);
    assert.is(b?.cseq, 2);
    // The next REGISTER carries the cached credentials (nonce count 2): no new challenge.
    ok(await client.register());
    assert.is(client.seq, 3);
    assert.equal(registers(), ['401 Unauthorized', '200 OK', '200 OK']);
    b = server.location.lookup(key)[0];
    assert.is(b?.callId, client.callId);
    assert.is(b?.cseq, 3);
    assert.is(server.location.lookup(key).length, 1);
  } finally {
    await close();
  }
});

// @tests RFC3261 P62L1-P62L7, P61L43-P61L44
test('refresh: the client registers again before its binding expires', async () => {
  const { server, client, clock, close, key } = await setup({ minExpires: 10 }, { expires: 60 });
  try {
    const refreshed: RegisterResult[] = [];
    const first = ok(await client.registerAndRefresh((r) => refreshed.push(r)));
    assert.is(first.ours, 60);
    clock.advance(29_000);
    assert.is(refreshed.length, 0);
    clock.advance(1_000);
    await until(() => refreshed.length === 1, 'the refresh', 5000);
    assert.ok(refreshed[0]?.ok);
    assert.is(server.location.lookup(key)[0]?.cseq, client.seq);
    assert.is(client.seq, 3);
  } finally {
    await close();
  }
});

// @tests RFC3261 P63L12-P63L16, P65L30-P65L36
test('423 Interval Too Brief: the client retries with the Min-Expires value', async () => {
  const { client, close } = await setup({ minExpires: 120 }, { expires: 30 });
  try {
    const r = ok(await client.register());
    assert.is(r.ours, 120);
  } finally {
    await close();
  }
});

// @tests RFC3261 P61L21-P61L23, P61L26-P61L28, P61L36-P61L39
test('fetch lists bindings; expires=0 removes ours; Contact * with Expires 0 removes all', async () => {
  const { server, client, close, key } = await setup({}, { expires: 300 });
  try {
    ok(await client.register());
    server.location.bind(key, { contact: parseAddress('<sip:alice@192.0.2.44>'), callId: 'other-ua', cseq: 1, expiresAt: Date.now() / 1000 + 100 });
    const fetched = ok(await client.fetch());
    assert.is(fetched.bindings.length, 2);
    const removed = ok(await client.unregister());
    assert.equal(removed.bindings.map((b) => formatUri(b.contact.uri)), ['sip:alice@192.0.2.44']);
    const all = ok(await client.unregisterAll());
    assert.equal(all.bindings, []);
    assert.equal(server.location.lookup(key), []);
  } finally {
    await close();
  }
});

test('a wrong password fails after one retry; a pending REGISTER blocks a new one', async () => {
  const { client, close } = await setup({}, { password: 'wrong' });
  try {
    const pending = client.register();
    let refused = '';
    try {
      await client.register();
    } catch (e) {
      refused = (e as Error).message;
    }
    assert.match(refused, /a REGISTER is still pending/);
    const r = await pending;
    assert.not.ok(r.ok);
    assert.match(r.ok ? '' : r.reason, /401 Unauthorized: credentials refused/);
  } finally {
    await close();
  }
});

test.run();
