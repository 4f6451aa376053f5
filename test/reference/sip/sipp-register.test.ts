/**
 * Interop with a real SIP peer: SIPp (Debian sip-tester) sends a REGISTER to
 * `npm run sip -- server`, gets the 401 challenge, answers it with its own
 * digest computation ([authentication username=… password=…] in
 * scenarios/register-digest.xml) and must get the 200 OK listing its
 * binding. SIPp 3.6 computes MD5 only and answers the first challenge, so the
 * server is told to challenge with MD5 alone (--algorithms MD5).
 */
import { peerSuite } from '../../peers.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sipServer } from './proxy/processes.ts';
import { alive, freePort, ROOT, start, stop, type Running } from '../../../tools/testkit/processes.ts';

const test = peerSuite('SIPp REGISTER', ['sipp']);

const SCENARIO = join(ROOT, 'test/reference/sip/scenarios/register-digest.xml');

// @tests RFC3261 P64L14-P64L19, P195L38-P195L42, P196L24-P196L31, P66L26-P66L30
test('SIPp REGISTER with digest against our server: 401, REGISTER with [authentication], 200 with the binding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-register-'));
  writeFileSync(join(dir, 'users.txt'), 'sippuser:sipp-secret\n');
  let server: Running | undefined;
  let sipp: Running | undefined;
  try {
    const started = await sipServer(['--users', join(dir, 'users.txt'), '--algorithms', 'MD5', '--realm', 'sipp.test']);
    server = started.child;
    const sippPort = await freePort();
    sipp = start('sipp', [
      `127.0.0.1:${started.port}`, '-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '1', '-nostdin', '-timeout', '20s',
      '-trace_err', '-error_file', join(dir, 'errors.log'), '-trace_logs', '-log_file', join(dir, 'log.txt'),
    ]);
    const code = await sipp.exited;
    const errors = existsSync(join(dir, 'errors.log')) ? readFileSync(join(dir, 'errors.log'), 'utf8') : '';
    assert.is(code, 0, `sipp exit ${code}\nerrors:\n${errors}\nserver:\n${server.stderr()}`);
    assert.match(sipp.stdout(), /Successful call\s+\|\s+0\s+\|\s+1/);
    // SIPp's log holds the Contact of our 200 OK: its own binding with the expires we granted.
    assert.match(readFileSync(join(dir, 'log.txt'), 'utf8'), new RegExp(`registered: sip:sippuser@127\\.0\\.0\\.1:${sippPort}>?;expires=300`));
    const lines = server.stderr().split('\n').filter((l) => l.startsWith('REGISTER'));
    assert.equal(lines, ['REGISTER <sip:sippuser@127.0.0.1:' + started.port + '>: 401 Unauthorized', 'REGISTER <sip:sippuser@127.0.0.1:' + started.port + '>: 200 OK']);
  } finally {
    await stop(sipp);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.not.ok(alive(sipp?.child.pid), 'sipp is gone');
  assert.not.ok(alive(server?.child.pid), 'the server is gone');
});

test.run();
