/**
 * `npm run xmpp -- server` run as a user runs it: users added with
 * --add-user (password on stdin, the file holding no password), the server
 * started on a free loopback port, our own `listen` and `send` logging in
 * to it and a message going through; SIGTERM ends it with exit 0; a bad
 * users file exits 1 naming the line; a bad command line exits 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../../helpers.ts';
import { stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { certificate, startXmppCli, xmppCli } from './harness.ts';

const USERS = { alice: 'wonder-land', bob: 'b0b-the-builder' };

const test = suite<{ dir?: string; certFile?: string; keyFile?: string }>('xmpp server: the CLI command, with our listen and send', {});

test.before((ctx) => {
  ctx.dir = tempDir('xmpp-server-cli-');
  const { caFile, keyFile } = certificate(ctx.dir);
  ctx.certFile = caFile;
  ctx.keyFile = keyFile;
});

test('--add-user reads the password from stdin and writes only SCRAM credentials; a second time exits 1', async ({ dir }) => {
  const users = join(dir!, 'users');
  for (const [u, p] of Object.entries(USERS)) {
    const r = await xmppCli(['server', '--users', users, '--add-user', u], `${p}\n`);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, `added ${u} to ${users}\n`);
  }
  const text = readFileSync(users, 'utf8');
  assert.match(text, /^alice SCRAM-SHA-1\$4096:\S+ SCRAM-SHA-256\$4096:\S+\nbob /);
  for (const p of Object.values(USERS)) assert.not.ok(text.includes(p), 'no password in the users file');
  const again = await xmppCli(['server', '--users', users, '--add-user', 'alice'], 'x\n');
  assert.is(again.code, 1);
  assert.match(again.stderr, /'alice' is there already/);
});

test('the server runs; our listen prints what our send sent through it; SIGTERM ends it with exit 0', async ({ dir, certFile, keyFile }) => {
  const server = startXmppCli(['server', '--domain', 'localhost', '--cert', certFile!, '--key', keyFile!, '--users', join(dir!, 'users'), '--listen', '127.0.0.1:0']);
  let listen: ReturnType<typeof startXmppCli> | undefined;
  try {
    await waitFor('the server to listen', () => /listening on 127\.0\.0\.1:\d+/.test(server.stdout()), 30_000, server);
    const port = /listening on 127\.0\.0\.1:(\d+) \(domain localhost\)/.exec(server.stdout())![1]!;
    const as = (u: keyof typeof USERS) => ['--jid', `${u}@localhost`, '--password', USERS[u], '--server', `127.0.0.1:${port}`, '--ca', certFile!];
    listen = startXmppCli(['listen', ...as('bob'), '--json']);
    await waitFor('listen to log in', () => /listening as bob@localhost\//.test(listen!.stderr()), 30_000, listen);
    const sent = await xmppCli(['send', ...as('alice'), '--to', 'bob@localhost', '--message', 'hello, bob & co <3']);
    assert.is(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^sent to bob@localhost as alice@localhost\/\S+ \(SCRAM-SHA-256-PLUS\)\n$/);
    await waitFor('the message to be printed', () => /"kind":"message"/.test(listen!.stdout()), 15_000, listen);
    const m = JSON.parse(listen.stdout().split('\n').find((l) => l.includes('"kind":"message"'))!);
    assert.is(m.body, 'hello, bob & co <3');
    assert.match(m.from, /^alice@localhost\//);
    assert.match(server.stderr(), /bob@localhost\/\S+ bound \(SCRAM-SHA-256-PLUS, TLS\)/);
    server.child.kill('SIGTERM');
    assert.is(await server.exited, 0, server.stderr());
  } finally {
    if (listen) await stop(listen);
    await stop(server);
  }
});

test('a bad users file exits 1 naming the file and line; usage errors exit 2', async ({ dir, certFile, keyFile }) => {
  const bad = join(dir!, 'bad-users');
  writeFileSync(bad, '# ok\nmallory:secret\n');
  const r = await xmppCli(['server', '--domain', 'localhost', '--cert', certFile!, '--key', keyFile!, '--users', bad]);
  assert.is(r.code, 1);
  assert.match(r.stderr, new RegExp(`${bad}:2: `));
  const usage = await xmppCli(['server', '--users', bad]);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /--domain/);
  const listen = await xmppCli(['server', '--domain', 'localhost', '--cert', 'c', '--key', 'k', '--users', bad, '--listen', 'nowhere']);
  assert.is(listen.code, 2);
  const perAddress = await xmppCli(['server', '--domain', 'localhost', '--cert', 'c', '--key', 'k', '--users', bad, '--max-per-address', '0']);
  assert.is(perAddress.code, 2);
  assert.match(perAddress.stderr, /--max-per-address wants a whole number from 1 to 100000, got "0"/);
});

test.run();
