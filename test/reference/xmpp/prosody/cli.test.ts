/**
 * `npm run xmpp` (reference/xmpp/cli.ts) against Prosody on loopback, run
 * as a user runs it: `listen` prints what `send` sent, `roster --add`
 * and `--remove` change what `roster` prints, a wrong password and an
 * untrusted certificate exit 1 saying why, `--insecure` warns, a bad
 * command line exits 2.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { peerSuite } from '../../../peers.ts';
import { tempDir } from '../../../helpers.ts';
import { ROOT, start, stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { type Prosody, startProsody } from './prosody.ts';

const CLI = 'reference/xmpp/cli.ts';
const USERS = { alice: 'wonder-land', bob: 'b0b-the-builder' };

const prosody = peerSuite<{ server?: Prosody; ca?: string }>('Prosody: npm run xmpp (send, listen, roster)', ['prosody']);

prosody.before(async (ctx) => {
  ctx.server = await startProsody(USERS);
  ctx.ca = join(tempDir('xmpp-cli-'), 'ca.pem');
  writeFileSync(ctx.ca, ctx.server.cert);
});

prosody.after(async (ctx) => {
  await ctx.server?.stop();
});

function xmpp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

const as = (ctx: { server?: Prosody; ca?: string }, user: keyof typeof USERS, extra: string[] = []) =>
  ['--jid', `${user}@localhost`, '--password', USERS[user], '--server', `127.0.0.1:${ctx.server!.port}`, '--ca', ctx.ca!, ...extra];

prosody('listen --count 1 stops after the first change that is not its own presence reflected: the message send sent', async (ctx) => {
  const listen = start(process.execPath, ['--import', 'tsx', CLI, 'listen', ...as(ctx, 'bob', ['--count', '1'])]);
  try {
    await waitFor('listen to log in', () => /listening as bob@localhost\//.test(listen.stderr()), 30_000, listen);
    // Prosody reflects bob's initial presence to bob (RFC 6121 §4.2.2) first: not counted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = await xmpp(['send', ...as(ctx, 'alice'), '--to', 'bob@localhost', '--message', 'one']);
    assert.is(sent.code, 0, sent.stderr);
    assert.is(await listen.exited, 0, listen.stderr());
    assert.match(listen.stdout(), /^message from alice@localhost\/\S+ \(chat\): one\n$/);
  } finally {
    await stop(listen);
  }
});

prosody('listen prints the message send sent, as a JSON line; Ctrl-C (SIGTERM) ends it with exit 0', async (ctx) => {
  const listen = start(process.execPath, ['--import', 'tsx', CLI, 'listen', ...as(ctx, 'bob', ['--json'])]);
  try {
    await waitFor('listen to log in', () => /listening as bob@localhost\//.test(listen.stderr()), 30_000, listen);
    const sent = await xmpp(['send', ...as(ctx, 'alice'), '--to', 'bob@localhost', '--message', 'hello, bob & co <3']);
    assert.is(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^sent to bob@localhost as alice@localhost\/\S+ \(SCRAM-SHA-1\)\n$/);
    await waitFor('the message to be printed', () => /"kind":"message"/.test(listen.stdout()), 15_000, listen);
    const line = listen.stdout().split('\n').find((l) => l.includes('"kind":"message"'))!;
    const m = JSON.parse(line);
    assert.is(m.body, 'hello, bob & co <3');
    assert.is(m.type, 'chat');
    assert.match(m.from, /^alice@localhost\//);
    listen.child.kill('SIGTERM');
    assert.is(await listen.exited, 0, listen.stderr());
  } finally {
    await stop(listen);
  }
});

// @tests RFC6121 P15L14-P15L18
prosody('roster --add puts the contact in the roster with a pending subscription; --remove takes it out', async (ctx) => {
  const added = await xmpp(['roster', ...as(ctx, 'alice'), '--add', 'bob@localhost']);
  assert.is(added.code, 0, added.stderr);
  assert.is(added.stdout, 'added bob@localhost; asked for its presence\n');
  const listed = await xmpp(['roster', ...as(ctx, 'alice'), '--json']);
  assert.is(listed.code, 0, listed.stderr);
  const items = JSON.parse(listed.stdout).items;
  assert.equal(items.map((i: { jid: string }) => i.jid), ['bob@localhost']);
  assert.is(items[0].subscription, 'none');
  assert.is(items[0].ask, 'subscribe');
  const removed = await xmpp(['roster', ...as(ctx, 'alice'), '--remove', 'bob@localhost']);
  assert.is(removed.code, 0, removed.stderr);
  const after = await xmpp(['roster', ...as(ctx, 'alice')]);
  assert.is(after.stdout, '');
});

prosody('a wrong password exits 1 with not-authorized; a certificate not from --ca exits 1; --insecure warns and goes on', async (ctx) => {
  const wrong = await xmpp(['send', '--jid', 'alice@localhost', '--password', 'nope', '--server', `127.0.0.1:${ctx.server!.port}`, '--ca', ctx.ca!, '--to', 'bob@localhost', '--message', 'x']);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, /^xmpp send: login as alice@localhost: SASL SCRAM-SHA-1 failed: .*<not-authorized\/>/);
  const untrusted = await xmpp(['send', '--jid', 'alice@localhost', '--password', USERS.alice, '--server', `127.0.0.1:${ctx.server!.port}`, '--to', 'bob@localhost', '--message', 'x']);
  assert.is(untrusted.code, 1);
  assert.match(untrusted.stderr, /TLS with localhost failed: .*certificate/);
  const insecure = await xmpp(['send', '--jid', 'alice@localhost', '--password', USERS.alice, '--server', `127.0.0.1:${ctx.server!.port}`, '--insecure', '--to', 'bob@localhost', '--message', 'x']);
  assert.is(insecure.code, 0, insecure.stderr);
  assert.match(insecure.stderr, /WARNING: --insecure/);
});

prosody('usage errors exit 2: no --jid, a --server without a port, a --to that is no JID, an unknown command', async (ctx) => {
  for (const args of [
    ['send', '--password', 'p', '--to', 'bob@localhost', '--message', 'x'],
    ['send', ...as(ctx, 'alice').map((a) => (a.startsWith('127.0.0.1:') ? '127.0.0.1' : a)), '--to', 'bob@localhost', '--message', 'x'],
    ['send', ...as(ctx, 'alice'), '--to', '@localhost', '--message', 'x'],
    ['frobnicate'],
  ]) {
    const r = await xmpp(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  }
  const help = await xmpp(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /send .*\n.*listen .*\n.*roster /);
});

prosody.run();
