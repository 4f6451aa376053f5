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
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sipServer } from './proxy/processes.ts';
import { ROOT } from '../../../tools/testkit/processes.ts';
import { oneScriptedCall, sippAgainst, type SippTarget } from '../../../tools/testkit/sipp.ts';

const test = peerSuite('SIPp REGISTER', ['sipp']);

const SCENARIO = join(ROOT, 'test/reference/sip/scenarios/register-digest.xml');

/** Our server, knowing SIPp's user (its password in SIPp's directory), challenging with MD5 alone. */
async function ourRegistrar(dir: string): Promise<SippTarget> {
  writeFileSync(join(dir, 'users.txt'), 'sippuser:sipp-secret\n');
  const started = await sipServer(['--users', join(dir, 'users.txt'), '--algorithms', 'MD5', '--realm', 'sipp.test']);
  return { running: started.child, port: started.port };
}

// @tests RFC3261 P64L14-P64L19, P195L38-P195L42, P196L24-P196L31, P66L26-P66L30
test('SIPp REGISTER with digest against our server: 401, REGISTER with [authentication], 200 with the binding', async () => {
  await sippAgainst('the server', ourRegistrar, (dir) => oneScriptedCall(SCENARIO, dir), ({ sipp, target: server, targetPort, sippPort, code, dir, errors }) => {
    assert.is(code, 0, `sipp exit ${code}\nerrors:\n${errors}\nserver:\n${server.stderr()}`);
    assert.match(sipp.stdout(), /Successful call\s+\|\s+0\s+\|\s+1/);
    // SIPp's log holds the Contact of our 200 OK: its own binding with the expires we granted.
    assert.match(readFileSync(join(dir, 'log.txt'), 'utf8'), new RegExp(`registered: sip:sippuser@127\\.0\\.0\\.1:${sippPort}>?;expires=300`));
    const lines = server.stderr().split('\n').filter((l) => l.startsWith('REGISTER'));
    assert.equal(lines, ['REGISTER <sip:sippuser@127.0.0.1:' + targetPort + '>: 401 Unauthorized', 'REGISTER <sip:sippuser@127.0.0.1:' + targetPort + '>: 200 OK']);
  }, 'sipp-register-');
});

test.run();
