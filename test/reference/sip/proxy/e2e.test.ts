/**
 * End to end on loopback with real processes: `npm run sip -- server` (our
 * registrar + proxy), `npm run sip -- register` (our REGISTER client) with
 * digest, and a call between two UserAgents (reference/sip/ua) that
 * registered through the RegisterClient and call each other via the proxy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserAgent } from '../../../../reference/sip/ua/userAgent.ts';
import type { Call } from '../../../../reference/sip/ua/call.ts';
import { RegisterClient } from '../../../../reference/sip/ua/register.ts';
import { parseUri } from '../../../../reference/sip/syntax/uri.ts';
import { sip, sipServer } from './processes.ts';
import { stop, waitFor } from '../../../../tools/testkit/processes.ts';

function usersFile(): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sip-users-'));
  const file = join(dir, 'users.txt');
  writeFileSync(file, '# test users\nalice:secret-a\nbob:secret-b\n');
  return { file, dir };
}

// @tests RFC3261 P57L37-P57L46, P58L6-P58L8, P58L14-P58L16, P196L45-P196L48, P62L1-P62L6, P66L26-P66L30
test('sip server + sip register: 401 challenge, retry with digest credentials, 200 with the bindings printed; wrong password exits 1', async () => {
  const { file, dir } = usersFile();
  const { child: server, port } = await sipServer(['--users', file, '--realm', 'test.realm']);
  try {
    const reg = sip(['register', `sip:127.0.0.1:${port}`, '--user', 'alice', '--password', 'secret-a', '--expires', '600']);
    const code = await reg.exited;
    assert.is(code, 0, reg.stderr());
    assert.match(reg.stdout(), /^200 OK\n/);
    assert.match(reg.stdout(), /binding sip:alice@127\.0\.0\.1:\d+ expires=600\n/);
    // The server saw the REGISTER twice: challenged, then accepted.
    await waitFor('the 200 in the server log', () => /REGISTER .*: 200 OK/.test(server.stderr()), 15000, server);
    const lines = server.stderr().split('\n').filter((l) => l.startsWith('REGISTER'));
    assert.match(lines[0] ?? '', /: 401 Unauthorized$/);
    assert.match(lines[1] ?? '', /: 200 OK$/);

    // A second client for the same AoR adds a binding; both are listed.
    const again = sip(['register', `sip:127.0.0.1:${port}`, '--user', 'alice', '--password', 'secret-a']);
    assert.is(await again.exited, 0, again.stderr());
    assert.is(again.stdout().match(/^binding /gm)?.length, 2);

    // Over TCP (the registrar listens on both): the same exchange.
    const tcp = sip(['register', `sip:127.0.0.1:${port};transport=tcp`, '--user', 'bob', '--password', 'secret-b']);
    assert.is(await tcp.exited, 0, tcp.stderr());
    assert.match(tcp.stdout(), /^200 OK\nbinding sip:bob@127\.0\.0\.1:\d+ expires=3600\n$/);

    const wrong = sip(['register', `sip:127.0.0.1:${port}`, '--user', 'alice', '--password', 'nope']);
    assert.is(await wrong.exited, 1);
    assert.match(wrong.stderr(), /401 Unauthorized: credentials refused/);

    // Removing all with Contact: *.
    const all = sip(['register', `sip:127.0.0.1:${port}`, '--user', 'alice', '--password', 'secret-a', '--unregister-all']);
    assert.is(await all.exited, 0, all.stderr());
    assert.match(all.stdout(), /200 OK\nno bindings\n/);
  } finally {
    // A clean shutdown on SIGINT: exit code 0.
    await stop(server, 3000, 'SIGINT');
    assert.is(await server.exited, 0);
    assert.match(server.stdout(), /stopped\n$/);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sip register/server: usage errors exit 2, a bad users file exits 1 naming the line', async () => {
  const noUser = sip(['register', 'sip:127.0.0.1:1']);
  assert.is(await noUser.exited, 2);
  assert.match(noUser.stderr(), /--user is required/);
  const userPart = sip(['register', 'sip:x@127.0.0.1:1', '--user', 'a']);
  assert.is(await userPart.exited, 2);
  const noListen = sip(['server']);
  assert.is(await noListen.exited, 2);
  const dir = mkdtempSync(join(tmpdir(), 'sip-users-'));
  try {
    writeFileSync(join(dir, 'bad.txt'), 'alice:x\nno-colon-here\n');
    const bad = sip(['server', '--listen', '127.0.0.1:0', '--users', join(dir, 'bad.txt')]);
    assert.is(await bad.exited, 1);
    assert.match(bad.stderr(), /bad\.txt:2: expected "user:password"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// @tests RFC3261 P97L38-P97L41, P99L14-P99L15, P101L3-P101L7
test('a call through the proxy between two UAs registered with digest: INVITE, 200, ACK, BYE', async () => {
  const { file, dir } = usersFile();
  const { child: server, port } = await sipServer(['--users', file, '--record-route']);
  const alice = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, identity: `sip:alice@127.0.0.1:${port}`, contactUser: 'alice' });
  const bob = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, identity: `sip:bob@127.0.0.1:${port}`, contactUser: 'bob' });
  try {
    const registrar = parseUri(`sip:127.0.0.1:${port}`);
    for (const [ua, user, password] of [[alice, 'alice', 'secret-a'], [bob, 'bob', 'secret-b']] as const) {
      const client = new RegisterClient(
        { transactions: ua.transactions, sentBy: ua.sentBy },
        { aor: parseUri(`sip:${user}@127.0.0.1:${port}`), registrar, contact: ua.contact, credentials: { username: user, password }, expires: 300 },
      );
      const result = await client.register();
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.is(result.ok && result.ours, 300);
      // The CSeq went up by one for the retry with credentials.
      assert.is(client.seq, 2);
    }
    let incoming: Call | undefined;
    bob.on('invite', (call: Call) => {
      incoming = call;
      call.ring();
      setTimeout(() => call.accept(), 50);
    });
    const call = alice.invite(`sip:bob@127.0.0.1:${port}`);
    assert.ok(await call.answered());
    await waitFor('the ACK at bob', () => incoming?.state === 'Confirmed', 15000);
    // The INVITE went through the proxy: its Via and Record-Route are in what bob got.
    const got = incoming?.invite;
    assert.ok(got !== undefined);
    assert.is(got?.headers.getAll('Via').length, 2);
    assert.match(got?.headers.get('Record-Route') ?? '', new RegExp(`127\\.0\\.0\\.1:${port};lr`));
    // BYE follows the route set through the proxy and is answered.
    assert.is(await call.bye(), 200);
    assert.match(server.stderr(), /BYE forwarded/);
  } finally {
    await alice.close();
    await bob.close();
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
