import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StunServer } from '../../../../reference/stun/agent/listener.ts';
import { binding, BindingFailed } from '../../../../reference/stun/agent/client.ts';
import { longTermAuthentication, longTermCredentials } from '../../../../reference/stun/agent/auth.ts';
import { TcpClientTransport, UdpClientTransport } from '../../../../reference/stun/transaction/transports.ts';
import { firstAttribute } from '../../../../reference/stun/message/index.ts';

const users = new Map([['alice', 'wonderland']]);

// @tests RFC8489 P19L39-P19L41, P18L12-P18L14
test('long-term: the first request is challenged (401 with REALM, NONCE), the retry is answered and protected, over UDP and TCP', async () => {
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0, authenticate: longTermAuthentication({ realm: 'example.org', users }) });
  const { port } = server.address;
  const udp = await UdpClientTransport.open({ address: '127.0.0.1', port });
  const r = await binding(udp, { credentials: longTermCredentials('alice', 'wonderland') });
  assert.is(r.transactions, 2, 'one 401, then the answer');
  assert.is(r.mapped.port, udp.local.port);
  assert.ok(firstAttribute(r.response, 'MESSAGE-INTEGRITY-SHA256'), 'the response is protected (SHA-256: PASSWORD-ALGORITHMS offered)');
  udp.close();
  const tcp = await TcpClientTransport.open({ address: '127.0.0.1', port });
  const t = await binding(tcp, { credentials: longTermCredentials('alice', 'wonderland') });
  assert.is(t.mapped.port, tcp.local.port);
  tcp.socket.destroy();
  await server.close();
});

test('long-term: a wrong password fails after the second 401, naming why; no credentials at all fails on the 401', async () => {
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0, tcp: false, authenticate: longTermAuthentication({ realm: 'example.org', users }) });
  const { port } = server.address;
  const udp = await UdpClientTransport.open({ address: '127.0.0.1', port });
  const e = await binding(udp, { credentials: longTermCredentials('alice', 'looking-glass') }).then(() => undefined, (x) => x);
  assert.instance(e, BindingFailed);
  assert.match(e.message, /401/);
  const bare = await binding(udp).then(() => undefined, (x) => x);
  assert.instance(bare, BindingFailed);
  assert.match(bare.message, /401 Unauthenticated/);
  udp.close();
  await server.close();
});

test.run();
