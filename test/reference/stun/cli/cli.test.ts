import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, stop } from '../../../../tools/testkit/processes.ts';
import { rfc5769Vectors } from '../../../../tools/testkit/stunVectors.ts';
import { tempDir } from '../../../helpers.ts';
import { runStun, startStunServer } from './harness.ts';

test('--help, no command, an unknown command, a bad option: exit 0 / 2 / 2 / 2, errors on stderr', async () => {
  const help = await runStun(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /binding/);
  assert.match(help.stdout, /server/);
  assert.match(help.stdout, /decode/);
  assert.is((await runStun([])).code, 2);
  const unknown = await runStun(['bind']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "bind"/);
  const bad = await runStun(['binding', 'stun.example.org:3478']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /wants IP:PORT \(an IP address/);
  assert.is((await runStun(['binding', '127.0.0.1:0x10'])).code, 2);
  assert.match((await runStun(['binding', '127.0.0.1:3478', '--user', 'u'])).stderr, /--user and --password go together/);
  assert.is((await runStun(['server'])).code, 2);
});

// @tests RFC8489 P18L20-P18L27
test('binding against our server, UDP and TCP, with and without long-term credentials; a silent port is exit 1 naming it', async () => {
  const port = await freePort();
  const dir = tempDir('stun-users-');
  const users = join(dir, 'users');
  writeFileSync(users, '# test users\nalice:wonderland\n');
  const server = await startStunServer(['--listen', `127.0.0.1:${port}`, '--tcp', '--realm', 'example.org', '--users', users]);
  try {
    const udp = await runStun(['binding', `127.0.0.1:${port}`, '--user', 'alice', '--password', 'wonderland', '--json']);
    assert.is(udp.code, 0, udp.stderr);
    const r = JSON.parse(udp.stdout);
    assert.equal(r.mapped, { family: 'IPv4', address: '127.0.0.1', port: r.local.port });
    assert.is(r.transactions, 2);
    const tcp = await runStun(['binding', `127.0.0.1:${port}`, '--tcp', '--user', 'alice', '--password', 'wonderland']);
    assert.is(tcp.code, 0, tcp.stderr);
    assert.match(tcp.stdout, /^127\.0\.0\.1:\d+\n$/);
    const wrong = await runStun(['binding', `127.0.0.1:${port}`, '--user', 'alice', '--password', 'nope']);
    assert.is(wrong.code, 1);
    assert.match(wrong.stderr, /^stun binding: 127\.0\.0\.1:\d+: .*401/);
  } finally {
    await stop(server, 3000, 'SIGINT');
  }
  assert.match(server.stdout(), /answered \d+/);
  const silent = await runStun(['binding', `127.0.0.1:${port}`, '--rto', '20']);
  assert.is(silent.code, 1);
  assert.match(silent.stderr, /unreachable|no response/);
});

test('server: a users file with a bad line is exit 1 naming file:line', async () => {
  const dir = tempDir('stun-users-');
  const users = join(dir, 'users');
  writeFileSync(users, 'alice:x\nbob\n');
  const r = await runStun(['server', '--listen', '127.0.0.1:1', '--realm', 'r', '--users', users]);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes(`${users}:2: want user:password`), r.stderr);
});

// @tests RFC5769 P4L3-P4L9
test('decode: RFC 5769 §2.1 (read from the RFC) verifies with its password; a flipped byte makes MESSAGE-INTEGRITY wrong (exit 1); garbage is exit 1', async () => {
  const [v] = await rfc5769Vectors();
  const hex = Buffer.from(v!.bytes).toString('hex');
  const password = v!.parameters.get('Password')![0]!;
  const ok = await runStun(['decode', hex, '--password', password]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /request 0x001 \(Binding\)/);
  assert.match(ok.stdout, /SOFTWARE: /);
  assert.match(ok.stdout, /MESSAGE-INTEGRITY: verified/);
  assert.match(ok.stdout, /FINGERPRINT: verified/);
  const flipped = Buffer.from(v!.bytes);
  flipped[flipped.length - 20]! ^= 1; // inside MESSAGE-INTEGRITY's value
  const bad = await runStun(['decode', flipped.toString('hex'), '--password', password, '--json']);
  assert.is(bad.code, 1);
  assert.is(JSON.parse(bad.stdout).checks['MESSAGE-INTEGRITY'], 'wrong');
  const dir = tempDir('stun-decode-');
  writeFileSync(join(dir, 'msg.bin'), v!.bytes);
  const file = await runStun(['decode', join(dir, 'msg.bin')]);
  assert.is(file.code, 0);
  assert.match(file.stdout, /MESSAGE-INTEGRITY: not checked/);
  const garbage = await runStun(['decode', 'ffff0000']);
  assert.is(garbage.code, 1);
  assert.match(garbage.stderr, /not a STUN message: RFC8489 §5/);
});

test.run();
