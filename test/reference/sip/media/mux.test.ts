/**
 * RTCP multiplexed on the RTP port (RFC 5761), between our `call` and our
 * `uas --echo`, real processes on loopback: when both ask (--rtcp-mux),
 * each side's counters show RTCP SRs/RRs received on its RTP port and
 * nothing on the port above; when only one side asks, RTCP stays on
 * port + 1 both ways.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { sip } from '../proxy/processes.ts';
import { freePort, startOurUas, stop } from '../../../../tools/testkit/processes.ts';
import { readWavFile } from '../../../../reference/rtp/media/wav.ts';
import { assertTone, freePair, inScratch, portCounts } from './common.ts';

/** The report line that says where RTCP went, of the report whose media line starts at `local`. */
function rtcpLine(stdout: string, local: number): string {
  const at = stdout.indexOf(`media 127.0.0.1:${local} ->`);
  assert.ok(at >= 0, `no report for port ${local} in: ${stdout}`);
  const line = stdout.slice(at).split('\n').find((l) => l.startsWith('  RTCP '));
  assert.ok(line, `no RTCP line in: ${stdout.slice(at)}`);
  return line!;
}

/** A 2 s echoed call; each side asks for multiplexing or not. The RTCP line of each side's report. */
async function echoedCall(uasMux: boolean, callMux: boolean): Promise<{ uas: string; call: string; uasPort: number; callPort: number }> {
  return inScratch(async (dir, toneFile) => {
    const [sipPort, uasPort, callPort] = [await freePort(), await freePair(), await freePair()];
    const uas = await startOurUas(sipPort, ['--port', String(uasPort), '--echo', ...(uasMux ? ['--rtcp-mux'] : [])]);
    try {
      const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(callPort), '--play', toneFile(1000, 2), '--record', join(dir, 'out.wav'), ...(callMux ? ['--rtcp-mux'] : [])]);
      assert.is(await call.exited, 0, call.stderr());
      // The echo came back whichever way RTCP went.
      assertTone(readWavFile(join(dir, 'out.wav')), 1000, 'the echo');
      await stop(uas, 3000, 'SIGINT');
      return { uas: rtcpLine(uas.stdout(), uasPort), call: rtcpLine(call.stdout(), callPort), uasPort, callPort };
    } finally {
      await stop(uas, 3000, 'SIGINT');
    }
  });
}

// @tests RFC5761 P6L25-P6L30, P6L45-P6L46, P6L41-P6L43, P7L9-P7L12
test('both ask: RTP and RTCP on one port each way; SR/RR received on the RTP port, nothing on the one above', async () => {
  const r = await echoedCall(true, true);
  for (const [side, line, port] of [['uas', r.uas, r.uasPort], ['call', r.call, r.callPort]] as const) {
    assert.match(line, /multiplexed on the RTP port/, `${side}: ${line}`);
    const onRtp = portCounts(line, port);
    const above = portCounts(line, port + 1);
    assert.ok(onRtp.rtp > 50, `${side}: ${onRtp.rtp} RTP packets on ${port}`);
    // At least the BYE's compound, which leads with an SR or RR (RFC 3550 §6.1).
    assert.ok(onRtp.rtcp >= 1 && onRtp.sr + onRtp.rr >= onRtp.rtcp, `${side}: RTCP on the RTP port: ${line}`);
    assert.equal([above.rtp, above.rtcp], [0, 0], `${side}: nothing on ${port + 1}: ${line}`);
  }
});

// @tests RFC5761 P7L1-P7L5, P6L15-P6L18
test('one side does not ask (either one): RTCP on port + 1 both ways, none on the RTP port', async () => {
  const [onlyUas, onlyCall] = await Promise.all([echoedCall(true, false), echoedCall(false, true)]);
  for (const [name, r] of [['only the uas asks', onlyUas], ['only the caller asks', onlyCall]] as const) {
    for (const [side, line, port] of [['uas', r.uas, r.uasPort], ['call', r.call, r.callPort]] as const) {
      assert.match(line, /on its own port/, `${name}, ${side}: ${line}`);
      const onRtp = portCounts(line, port);
      const above = portCounts(line, port + 1);
      assert.is(onRtp.rtcp, 0, `${name}, ${side}: ${line}`);
      assert.ok(above.rtcp >= 1 && above.sr + above.rr >= above.rtcp, `${name}, ${side}: RTCP on ${port + 1}: ${line}`);
    }
  }
});

test.run();
