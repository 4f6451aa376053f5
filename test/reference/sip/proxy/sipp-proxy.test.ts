/**
 * Our proxy between two real SIP peers: `sipp -sn uas` bound statically in
 * the location service (`--bind`), and `sipp -sn uac` calling its AoR through
 * `npm run sip -- server`. INVITE, 180, 200, ACK and BYE all cross the proxy
 * (SIPp sends everything to its remote host); every call must succeed.
 */
import { peerSuite } from '../../../peers.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sipServer } from './processes.ts';
import { freePort, sippCounters, start, stop, type Running } from '../../../../tools/testkit/processes.ts';

const test = peerSuite('SIPp through our proxy', ['sipp']);

const counters = (screen: string) => {
  const { successful, failed } = sippCounters(screen);
  return { successful, failed };
};

// @tests RFC3261 P97L38-P97L41, P106L29-P106L32, P109L36-P109L38, P110L9-P110L12, P116L24-P116L28
test('sipp uac → our proxy → sipp uas (static binding): 50 calls, 0 failed, on both sides', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-proxy-'));
  let uas: Running | undefined;
  let uac: Running | undefined;
  let server: Running | undefined;
  try {
    const uasPort = await freePort();
    uas = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-m', '50', '-nostdin', '-timeout', '60s', '-trace_err', '-error_file', join(dir, 'uas-errors.log')]);
    const started = await sipServer(['--bind', `sip:service@127.0.0.1=sip:service@127.0.0.1:${uasPort}`]);
    server = started.child;
    const uacPort = await freePort();
    uac = start('sipp', [`127.0.0.1:${started.port}`, '-sn', 'uac', '-s', 'service', '-i', '127.0.0.1', '-p', String(uacPort), '-m', '50', '-r', '25', '-l', '25',
      '-nostdin', '-timeout', '60s', '-trace_err', '-error_file', join(dir, 'uac-errors.log')]);
    const code = await uac.exited;
    const errors = existsSync(join(dir, 'uac-errors.log')) ? readFileSync(join(dir, 'uac-errors.log'), 'utf8').slice(0, 2000) : '';
    assert.equal(counters(uac.stdout()), { successful: 50, failed: 0 }, `uac screen:\n${uac.stdout().slice(-2000)}\nerrors:\n${errors}\nproxy:\n${server.stderr().slice(-2000)}`);
    assert.is(code, 0);
    const uasCode = await Promise.race([uas.exited, new Promise<number>((r) => setTimeout(() => r(-2), 15000))]);
    assert.is(uasCode, 0, `sipp uas exit ${uasCode}:\n${uas.stdout().slice(-2000)}`);
    assert.equal(counters(uas.stdout()), { successful: 50, failed: 0 });
    // Each call's INVITE and BYE went through a client transaction of the proxy.
    assert.is(server.stderr().match(/^INVITE forwarded to /gm)?.length, 50);
    assert.is(server.stderr().match(/^BYE forwarded to /gm)?.length, 50);
  } finally {
    await stop(uac);
    await stop(uas);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
