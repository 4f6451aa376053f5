/**
 * The limit options of the listening commands reach the transport: a real
 * `npm run sip -- uas` and `server` with small limits, real UDP and TCP
 * sockets on loopback; the log line names the limit and its value.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, stop, waitFor, type Running } from '../../../tools/testkit/processes.ts';
import { sip } from './proxy/processes.ts';
import { rawTcp, rawUdp, requestText, until } from './transport/net.ts';

async function listening(command: 'uas' | 'server', port: number, flags: string[]): Promise<Running> {
  const running = sip([command, '--listen', `127.0.0.1:${port}`, ...flags]);
  await waitFor(`${command} to listen`, () => /listening on/.test(running.stderr() + running.stdout()), 20000, running);
  return running;
}

test('uas --max-body-bytes and --message-timeout: 513 over UDP, a trickling TCP connection closed, each logged with its value', async () => {
  const port = await freePort();
  const uas = await listening('uas', port, ['--max-body-bytes', '16', '--message-timeout', '300']);
  const peer = await rawUdp();
  const tcp = await rawTcp(port);
  try {
    await peer.send(requestText({ via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKcli1`, body: 'b'.repeat(17) }), port);
    await until(() => peer.received.length === 1, 'the 513', 5000);
    assert.match(peer.received[0]!.text, /^SIP\/2\.0 513 Message Too Large: a body of 17 octets is over the limit \(maxBodyBytes = 16\)\r\n/);
    const closed = new Promise<void>((r) => tcp.socket.once('close', () => r()));
    tcp.socket.write('OPTIONS sip:uas@127.0.0.1 SIP/2.0\r\n');
    await closed;
    await waitFor('the log lines', () => /maxBodyBytes = 16/.test(uas.stderr()) && /messageTimeout \(300 ms\)/.test(uas.stderr()), 5000, uas);
  } finally {
    tcp.close();
    await peer.close();
    await stop(uas);
  }
});

test('server --max-connections 1: a second TCP connection is closed at once and logged', async () => {
  const port = await freePort();
  const server = await listening('server', port, ['--max-connections', '1']);
  const first = await rawTcp(port);
  try {
    const second = await rawTcp(port);
    await new Promise<void>((r) => second.socket.once('close', () => r()));
    await waitFor('the log line', () => /refused: maxConnections \(1\) are open/.test(server.stderr()), 5000, server);
    assert.ok(!first.socket.destroyed, 'the first connection stays open');
  } finally {
    first.close();
    await stop(server);
  }
});

test('a limit option that is not a positive integer is a usage error (exit 2)', async () => {
  const port = await freePort();
  const uas = sip(['uas', '--listen', `127.0.0.1:${port}`, '--max-header-bytes', '0']);
  try {
    // A uas that took the value would listen for ever: it gets 20 s to exit, then the test fails (and stop() ends it).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([uas.exited, new Promise<string>((r) => (timer = setTimeout(() => r('still running after 20 s'), 20000)))]);
    clearTimeout(timer);
    assert.is(code, 2);
    assert.match(uas.stderr(), /^--max-header-bytes wants a positive integer, got "0"\n/);
  } finally {
    await stop(uas);
  }
});

test.run();
