/**
 * Interop with a real SIP peer, SIPp, on loopback:
 * - SIPp's built-in UAC scenario places 500 calls (INVITE, ACK, BYE) against
 *   `npm run sip -- uas`; every call must succeed.
 * - `npm run sip -- call` places a call against SIPp's built-in UAS scenario
 *   and must exit 0 (answered, BYE answered 200).
 * - scenarios/reinvite-hold.xml: SIPp offers in the INVITE, puts the call on
 *   hold with a re-INVITE and takes it off hold with another; SIPp checks each
 *   answer's direction, the test the o= versions SIPp logged.
 * - scenarios/late-offer.xml: SIPp's INVITE has no SDP; our uas offers in the
 *   200 and takes SIPp's answer from the ACK (without one it would hang up).
 * - scenarios/reinvite-491.xml: SIPp, called by our `call`, refuses its hold
 *   re-INVITE with 491; the same hold must come again after RFC 3261 §14.1's
 *   delay, then the resume and the BYE.
 * Each test starts and stops its peers, in their own process groups.
 */
import { peerSuite } from '../../../peers.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, CLI, freePort, ROOT, sippCounters, start, stop, type Running } from '../../../../tools/testkit/processes.ts';
import { oneScriptedCall, sippAgainstOurUas } from '../../../../tools/testkit/sipp.ts';

const test = peerSuite('SIPp interop', ['sipp']);

// @tests RFC3261 P83L15-P83L17, P85L22-P85L24, P91L18-P91L26
test('sipp -sn uac: 500 calls against our UAS, 0 failed', async () => {
  await sippAgainstOurUas([], (dir) => ['-sn', 'uac', '-m', '500', '-r', '50', '-l', '50', '-timeout', '90s', '-trace_stat', '-stf', join(dir, 'stat.csv')], ({ sipp, code, dir, errors }) => {
    const { successful, failed } = sippCounters(sipp.stdout());
    const counters = { successful, failed };
    assert.equal(counters, { successful: 500, failed: 0 }, `sipp screen:\n${sipp.stdout().slice(-3000)}\nerrors:\n${errors}`);
    assert.is(code, 0, 'sipp exits 0 when every call succeeded');
    assert.ok(readFileSync(join(dir, 'stat.csv'), 'utf8').includes('SuccessfulCall'), 'sipp wrote its statistics file');
  });
});

// @tests RFC3261 P78L33-P78L35, P82L29-P82L35, P90L37-P90L44
test('npm run sip -- call against sipp -sn uas: answered, BYE answered 200, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-uas-'));
  let sipp: Running | undefined;
  let call: Running | undefined;
  try {
    const sippPort = await freePort();
    sipp = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(sippPort), '-m', '1', '-nostdin', '-timeout', '60s', '-trace_err', '-error_file', join(dir, 'errors.log')], { cwd: dir });
    // SIPp binds at once; give it a moment to be listening before the INVITE goes.
    await new Promise((r) => setTimeout(r, 500));
    call = start(process.execPath, ['--import', 'tsx', CLI, 'call', `sip:service@127.0.0.1:${sippPort}`, '--duration', '1', '--listen', '127.0.0.1:0']);
    const code = await call.exited;
    assert.is(code, 0, `call exited ${code}; stderr:\n${call.stderr()}`);
    assert.match(call.stderr(), /BYE answered 200/);
    const sippCode = await Promise.race([sipp.exited, new Promise<number>((r) => setTimeout(() => r(-2), 15000))]);
    assert.is(sippCode, 0, `sipp uas exit ${sippCode}; screen:\n${sipp.stdout().slice(-2000)}`);
    const { successful, failed } = sippCounters(sipp.stdout());
    assert.equal({ successful, failed }, { successful: 1, failed: 0 });
  } finally {
    await stop(call);
    await stop(sipp);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.not.ok(alive(sipp?.child.pid), 'sipp is gone');
});

// @tests RFC3261 P88L37-P88L42, P80L1-P80L4
// @tests RFC3264 P13L19-P13L24, P17L29-P17L41
test('SIPp offers, holds (sendonly) and resumes (sendrecv) against our uas: answers sendrecv, recvonly, sendrecv; one session id, versions v, v+1, v+2', async () => {
  const scenario = join(ROOT, 'test/reference/sip/scenarios/reinvite-hold.xml');
  await sippAgainstOurUas(['--port', '40000', '--codecs', 'PCMA,PCMU'], (dir) => oneScriptedCall(scenario, dir), ({ sipp, code, dir, errors }) => {
    assert.is(code, 0, `sipp exit ${code}; its directions checks or the call failed:\n${errors}\n${sipp.stdout().slice(-2000)}`);
    assert.equal(sippCounters(sipp.stdout()).successful, 1);
    // The o= line of each answer, as SIPp logged it: <username> <sess-id> <version> IN IP4 <address>.
    const origins = [...readFileSync(join(dir, 'log.txt'), 'utf8').matchAll(/answer (\d): o=(\S+) (\d+) (\d+) IN IP4 (\S+)/g)].map((m) => ({ n: m[1], id: m[3], version: BigInt(m[4] as string), address: m[5] }));
    assert.equal(origins.map((o) => o.n), ['1', '2', '3']);
    assert.equal(new Set(origins.map((o) => o.id)).size, 1, 'one session id for the whole call');
    assert.not.equal(origins[0]?.id, '53655765', 'our own session id, not the offer\'s');
    const v = origins[0]!.version;
    assert.equal(origins.map((o) => o.version - v), [0n, 1n, 2n]);
    assert.equal(origins.map((o) => o.address), ['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });
});

// @tests RFC3261 P84L7-P84L11, P80L11-P80L14, P68L36-P68L42
// @tests RFC3264 P18L35-P18L41
test('SIPp sends an INVITE without SDP to our uas: our offer in the 200 (PCMA, PCMU at our port), SIPp\'s answer in the ACK, the OPTIONS 200 with port 0', async () => {
  const scenario = join(ROOT, 'test/reference/sip/scenarios/late-offer.xml');
  await sippAgainstOurUas(['--port', '40000', '--codecs', 'PCMA,PCMU'], (dir) => oneScriptedCall(scenario, dir), ({ sipp, code, dir, errors }) => {
    assert.is(code, 0, `sipp exit ${code}; its checks of our offer or the call failed:\n${errors}\n${sipp.stdout().slice(-2000)}`);
    assert.equal(sippCounters(sipp.stdout()).successful, 1);
    const log = readFileSync(join(dir, 'log.txt'), 'utf8');
    assert.match(log, /our offer: m=audio 40000 RTP\/AVP 8 0 o=- \d+ 1 IN IP4 127\.0\.0\.1/);
    assert.match(log, /our capabilities: m=audio 0 RTP\/AVP 8 0/);
  });
});

// @tests RFC3261 P88L1-P88L10, P88L12-P88L13, P87L39-P87L40
test('SIPp answers our hold re-INVITE 491: our call offers the same hold again after 2.1-4 s (we chose the Call-ID), then resumes and hangs up, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-491-'));
  let sipp: Running | undefined;
  let call: Running | undefined;
  try {
    const sippPort = await freePort();
    sipp = start('sipp', ['-sf', join(ROOT, 'test/reference/sip/scenarios/reinvite-491.xml'), '-i', '127.0.0.1', '-p', String(sippPort), '-m', '1', '-nostdin', '-timeout', '60s',
      '-trace_err', '-error_file', join(dir, 'errors.log'), '-trace_logs', '-log_file', join(dir, 'log.txt')], { cwd: dir });
    await new Promise((r) => setTimeout(r, 500));
    call = start(process.execPath, ['--import', 'tsx', CLI, 'call', `sip:service@127.0.0.1:${sippPort}`, '--listen', '127.0.0.1:0', '--hold-after', '0.2', '--resume-after', '0.2', '--duration', '0.5']);
    const code = await call.exited;
    const log = call.stderr();
    assert.is(code, 0, `call exited ${code}:\n${log}`);
    const sippCode = await Promise.race([sipp.exited, new Promise<number>((r) => setTimeout(() => r(-2), 15000))]);
    const errors = readdirSync(dir).includes('errors.log') ? readFileSync(join(dir, 'errors.log'), 'utf8').slice(0, 3000) : '';
    assert.is(sippCode, 0, `sipp exit ${sippCode}:\n${errors}\n${sipp.stdout().slice(-2000)}`);
    // Our log: the 491, the delay chosen, the retry answered 200 no sooner than that delay later.
    const at = (pattern: RegExp) => {
      const m = new RegExp(`^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) .*${pattern.source}`, 'm').exec(log);
      assert.ok(m !== null, `${pattern} in our log:\n${log}`);
      return ((Number(m![1]) * 60 + Number(m![2])) * 60 + Number(m![3])) * 1000 + Number(m![4]);
    };
    const delay = Number(/491, trying again in (\d+) ms/.exec(log)?.[1]);
    assert.ok(delay >= 2100 && delay <= 4000 && delay % 10 === 0, `the delay chosen: ${delay} ms`);
    assert.ok(at(/hold re-INVITE answered 200: o= version 2, audio \d+ recvonly/) - at(/re-INVITE \S+ -> 491/) >= delay, 'the retry waited for the delay');
    assert.match(log, /resume re-INVITE answered 200: o= version 3, audio \d+ sendrecv/);
    assert.match(log, /BYE answered 200/);
    assert.match(readFileSync(join(dir, 'log.txt'), 'utf8'), /hold offered again: a=sendonly/);
  } finally {
    await stop(call);
    await stop(sipp);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.not.ok(alive(sipp?.child.pid), 'sipp is gone');
});

test.run();
