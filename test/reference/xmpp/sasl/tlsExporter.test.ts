/**
 * tls-exporter over a real TLS connection on loopback: both ends export the
 * same 32 octets, each connection its own, and SCRAM-SHA-256-PLUS runs
 * over the socket with them; TLS 1.2 is refused. The certificate is made
 * by openssl for the test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { tempDir } from '../../../helpers.ts';
import { certificate } from '../../../../tools/testkit/prosody.ts';
import { ScramClient, ScramServer, storedCredentials, tlsExporter } from '../../../../reference/xmpp/sasl/index.ts';

function selfSigned(): { key: Buffer; cert: Buffer } {
  const files = certificate(tempDir('xmpp-tls-'), 'localhost');
  return { key: readFileSync(files.key), cert: readFileSync(files.cert) };
}

const CREDS = selfSigned();

/** One TLS connection on 127.0.0.1: the server's socket and the client's. */
async function connect(maxVersion: tls.SecureVersion = 'TLSv1.3'): Promise<{ server: tls.TLSSocket; client: tls.TLSSocket; close: () => Promise<void> }> {
  const srv = tls.createServer({ ...CREDS, maxVersion });
  const accepted = new Promise<tls.TLSSocket>((resolve) => srv.once('secureConnection', resolve));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  const client = tls.connect({ host: '127.0.0.1', port, ca: CREDS.cert, servername: 'localhost', maxVersion });
  await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
  const server = await accepted;
  const close = async () => {
    const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
    client.end();
    server.end();
    await Promise.all([closed, new Promise((resolve) => client.once('close', resolve)), new Promise((resolve) => server.once('close', resolve))]);
  };
  return { server, client, close };
}

/** Lines over the socket: one SCRAM message per line (base64 is not needed: the messages are printable). */
function lines(socket: tls.TLSSocket): () => Promise<string> {
  let buffer = '';
  const waiting: ((s: string) => void)[] = [];
  const queue: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  return () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

// @tests RFC9266 P3L4-P3L13, P3L36-P3L37
test('both ends of a TLS 1.3 connection export the same 32 octets; another connection exports others', async () => {
  const a = await connect();
  const b = await connect();
  try {
    const [as, ac, bs] = [tlsExporter(a.server), tlsExporter(a.client), tlsExporter(b.server)];
    assert.is(as.type, 'tls-exporter');
    assert.is(as.data.length, 32);
    assert.equal(as.data, ac.data);
    assert.not.equal(as.data, bs.data);
  } finally {
    await a.close();
    await b.close();
  }
});

// @tests RFC9266 P3L15-P3L18, P5L9-P5L14, P5L16-P5L18, RFC7677 P3L22-P3L24
test('TLS 1.2: refused, as the binding is defined there only with the extended master secret, which Node cannot confirm', async () => {
  const c = await connect('TLSv1.2');
  try {
    assert.throws(() => tlsExporter(c.client), /only TLS 1\.3 guarantees/);
  } finally {
    await c.close();
  }
});

// @tests RFC5802 P14L35-P14L37, P15L15-P15L17
test('SCRAM-SHA-256-PLUS with tls-exporter over the socket: the server authenticates the client and the channel', async () => {
  const c = await connect();
  try {
    const stored = storedCredentials('SHA-256', 'pencil');
    const server = new ScramServer({ hash: 'SHA-256', plus: true, lookup: (u) => (u === 'user' ? stored : undefined), channelBindings: [tlsExporter(c.server)] });
    const serverRead = lines(c.server);
    const serverSide = (async () => {
      const first = server.receiveClientFirst(await serverRead());
      if (!first.ok) throw new Error(first.reason);
      c.server.write(`${first.message}\n`);
      const final = server.receiveClientFinal(await serverRead());
      c.server.write(`${final.message}\n`);
      return final;
    })();
    const client = new ScramClient({ hash: 'SHA-256', username: 'user', password: 'pencil', channelBinding: tlsExporter(c.client), serverOffersPlus: true });
    const clientRead = lines(c.client);
    c.client.write(`${client.clientFirst()}\n`);
    c.client.write(`${client.receiveServerFirst(await clientRead())}\n`);
    client.receiveServerFinal(await clientRead());
    assert.is(client.state, 'Done');
    assert.is(client.mechanism, 'SCRAM-SHA-256-PLUS');
    assert.ok((await serverSide).ok);
    assert.is(server.authzid, 'user');
  } finally {
    await c.close();
  }
});

test.run();
