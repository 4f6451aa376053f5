/**
 * coturn (Debian package coturn) on loopback: `turnserver --stun-only`
 * answers our `binding` over UDP and TCP; coturn's `turnutils_stunclient`
 * gets a correct answer from our server. turnserver runs in the foreground
 * (no daemon), with its pid file, log and SQLite database in a temp dir.
 */
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { peerSuite } from '../../../peers.ts';
import { freePort, start, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { tempDir } from '../../../helpers.ts';
import { StunServer } from '../../../../reference/stun/agent/listener.ts';
import { runStun } from '../cli/harness.ts';

/** turnserver --stun-only on 127.0.0.1:port, everything it writes under dir. */
export async function startCoturn(port: number, extra: string[] = []): Promise<Running> {
  const dir = tempDir('coturn-');
  const t = start('turnserver', [
    '-n', '--stun-only', '--no-cli', '--no-tls', '--no-dtls',
    '-L', '127.0.0.1', '-p', String(port),
    '--log-file', 'stdout', '--simple-log',
    '--pidfile', join(dir, 'turnserver.pid'), '--userdb', join(dir, 'turndb.sqlite'),
    ...extra,
  ], { cwd: dir });
  // Its listeners are up once the relay initialization line has been printed and a moment passed.
  await waitFor('turnserver to start', () => /relay 127\.0\.0\.1 initialization/.test(t.stdout()), 20_000, t);
  await new Promise((r) => setTimeout(r, 300));
  return t;
}

const coturn = peerSuite<{ server?: Running; port: number }>('coturn --stun-only', ['coturn']);

coturn.before(async (ctx) => {
  ctx.port = await freePort();
  ctx.server = await startCoturn(ctx.port);
});

coturn.after(async (ctx) => {
  await stop(ctx.server);
});

// @tests RFC8489 P18L20-P18L27, P19L25-P19L26
coturn('our binding over UDP gets 127.0.0.1 and our own port back', async (ctx) => {
  const r = await runStun(['binding', `127.0.0.1:${ctx.port}`, '--json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.attribute, 'XOR-MAPPED-ADDRESS');
  assert.equal(j.mapped, { family: 'IPv4', address: '127.0.0.1', port: j.local.port });
  assert.is(j.transport, 'udp');
});

// @tests RFC8489 P18L25-P18L27, P14L22-P14L23
coturn('our binding over TCP gets 127.0.0.1 and our connection\'s port back', async (ctx) => {
  const r = await runStun(['binding', `127.0.0.1:${ctx.port}`, '--tcp', '--json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.mapped, { family: 'IPv4', address: '127.0.0.1', port: j.local.port });
  assert.is(j.transport, 'tcp');
});

coturn('with FINGERPRINT in the request, coturn still answers and our client takes it', async (ctx) => {
  const r = await runStun(['binding', `127.0.0.1:${ctx.port}`, '--fingerprint', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).mapped.address, '127.0.0.1');
});

const theirs = peerSuite('turnutils_stunclient against our server', ['coturn']);

// @tests RFC8489 P18L20-P18L24, P18L31-P18L36
theirs('coturn\'s turnutils_stunclient gets the source address and port we saw as its reflexive address', async () => {
  const seen: string[] = [];
  const server = await StunServer.listen({ address: '127.0.0.1', port: 0, tcp: false, onAnswer: (_r, to) => seen.push(`${to.source.address}:${to.source.port}`) });
  try {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('turnutils_stunclient', ['-L', '127.0.0.1', '-p', String(server.address.port), '127.0.0.1'], { timeout: 20_000 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? -1) : 0, stdout, stderr })),
    );
    assert.is(out.code, 0, out.stderr);
    const m = /UDP reflexive addr: (127\.0\.0\.1:\d+)/.exec(out.stdout + out.stderr);
    assert.ok(m, `no reflexive address in: ${out.stdout}${out.stderr}`);
    assert.ok(seen.length >= 1, 'our server answered');
    assert.ok(seen.includes(m![1]!), `it printed ${m![1]}, we answered ${seen.join(', ')}`);
  } finally {
    await server.close();
  }
});

coturn.run();
theirs.run();
