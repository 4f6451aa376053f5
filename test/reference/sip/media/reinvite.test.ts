/**
 * Re-INVITEs applied to the running media, on loopback against our `uas`
 * process:
 * - hold (RFC 3264 §8.4): our `call --hold-after --resume-after` mutes and
 *   offers sendonly, the uas answers recvonly and stops its playback; for
 *   the hold interval neither side receives RTP (each side's counters, as
 *   logged at the hold and at the resume), RTCP goes on both ways, and
 *   after the resume the tone is heard again;
 * - a new port (§8.3.1): a caller in this process listens on a second
 *   port and re-INVITEs with it; the uas sends its echo there from then on,
 *   and the recording goes on, now from the new port;
 * - a new codec (§8.3.2): the caller re-offers PCMA first; both sides send
 *   PCMA from then on, and the echo plays through the change.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { sip } from '../proxy/processes.ts';
import { freePort, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { readWavFile } from '../../../../reference/rtp/media/wav.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { UserAgent } from '../../../../reference/sip/ua/userAgent.ts';
import type { Call } from '../../../../reference/sip/ua/call.ts';
import { audioCapabilities, codecsFromNames } from '../../../../reference/sdp/offerAnswer/index.ts';
import { audioStream, CallMedia } from '../../../../reference/sip/media/callMedia.ts';
import { follow } from '../../../../reference/sip/media/commands.ts';
import { assertTone, freePair, harmonicDb, inScratch, portCounts, rms } from './common.ts';

const HOLD_AFTER = 2;
/** Longer than the longest RTCP interval at the start of a session (RFC 3550 §6.3: at most 1.5 × 5 s / 1.21828 = 6.2 s). */
const HELD_FOR = 7;
const DURATION = 11;
/**
 * RTP that may arrive around a hold's or resume's log line: the uas resumes
 * sending as it takes the resume offer, before the caller logs its answer
 * (at 50 packets a second, 200 ms of a loaded machine). Unheld, the hold
 * interval carries some 350.
 */
const IN_FLIGHT = 10;

/** The log line of `side`'s output that matches `pattern`, the first or the last. */
function logLine(side: Running, pattern: RegExp, which: 'first' | 'last' = 'first'): string {
  const lines = side.stderr().split('\n').filter((l) => pattern.test(l));
  const line = which === 'first' ? lines[0] : lines.at(-1);
  assert.ok(line, `no log line matching ${pattern} in: ${side.stderr().slice(-3000)}`);
  return line!;
}

// @tests RFC3264 P18L1-P18L4, P6L5-P6L9, P17L23-P17L25
test('hold: no RTP either way for the hold interval, RTCP going on both ways; resumed, the uas\'s tone is heard again', async () => {
  await inScratch(async (dir, toneFile) => {
    const [sipPort, uasPort, callPort] = [await freePort(), await freePair(), await freePair()];
    const loud = await startUasLogging(sipPort, ['--port', String(uasPort), '--play', toneFile(600, DURATION + 2)]);
    try {
      const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(callPort), '--play', toneFile(1000, DURATION), '--record', join(dir, 'out.wav'), '--hold-after', String(HOLD_AFTER), '--resume-after', String(HELD_FOR), '--duration', String(DURATION)]);
      assert.is(await call.exited, 0, call.stderr());
      // The caller: what it had received when the hold was answered, and when the resume was.
      const atHold = portCounts(logLine(call, /media so far/, 'first'), callPort);
      const atHoldRtcp = portCounts(logLine(call, /media so far/, 'first'), callPort + 1);
      const atResume = portCounts(logLine(call, /media so far/, 'last'), callPort);
      const atResumeRtcp = portCounts(logLine(call, /media so far/, 'last'), callPort + 1);
      assert.ok(atHold.rtp > 50, `the caller heard the uas before the hold: ${atHold.rtp} packets`);
      assert.ok(atResume.rtp - atHold.rtp <= IN_FLIGHT, `the caller received ${atResume.rtp - atHold.rtp} RTP packets while the call was on hold`);
      assert.ok(atResumeRtcp.rtcp > atHoldRtcp.rtcp, `the uas's RTCP kept coming during the hold (${atHoldRtcp.rtcp} then ${atResumeRtcp.rtcp})`);
      // The uas (the held side): its counts when it applied recvonly, and when it applied sendrecv again.
      const held = logLine(loud, /recvonly: no RTP sent, RTCP goes on/);
      const resumed = logLine(loud, /sendrecv: sending RTP, RTCP goes on/);
      const [h, r] = [portCounts(held, uasPort), portCounts(resumed, uasPort)];
      assert.ok(h.rtp > 50, `the uas heard the caller before the hold: ${h.rtp}`);
      assert.ok(r.rtp - h.rtp <= IN_FLIGHT, `the held uas received ${r.rtp - h.rtp} RTP packets from the muted caller during the hold`);
      assert.ok(portCounts(resumed, uasPort + 1).rtcp > portCounts(held, uasPort + 1).rtcp, `the caller's RTCP kept coming during the hold: ${held} / ${resumed}`);
      // The recording: the tone, silence while held, the tone again.
      const heard = readWavFile(join(dir, 'out.wav'));
      assertTone(heard.subarray(0.5 * 8000, 1.5 * 8000), 600, 'before the hold');
      assert.is(rms(heard, HOLD_AFTER + 1, HOLD_AFTER + HELD_FOR - 1), 0, 'silence while on hold');
      const after = HOLD_AFTER + HELD_FOR + 0.5;
      assertTone(heard.subarray(after * 8000, (after + 1) * 8000), 600, 'after the resume');
      const final = portCounts(call.stdout(), callPort);
      assert.ok(final.rtp - atResume.rtp > 50, `audio again after the resume: ${final.rtp - atResume.rtp} packets`);
    } finally {
      await stop(loud, 3000, 'SIGINT');
    }
  });
});

/** Our uas without --quiet (startOurUas passes it), so that each change applied to its media is logged, with its counts so far. */
async function startUasLogging(sipPort: number, args: string[]): Promise<Running> {
  const uas = sip(['uas', '--listen', `127.0.0.1:${sipPort}`, ...args]);
  await waitFor('our uas to listen', () => uas.stderr().includes('uas listening on'), 20000, uas);
  return uas;
}

/**
 * A caller in this process (a UA and its CallMedia at `first`, playing 6 s
 * of 1000 Hz, each exchange applied), calling the uas at `sipPort`; at 2 s
 * `change` runs (it re-INVITEs), then the tone plays out and the call
 * ends. The caller's report and recording, and the counts just after the
 * change.
 */
async function callThenChange(sipPort: number, first: number, change: (call: Call, media: CallMedia) => Promise<void>) {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, media: { address: '127.0.0.1', port: first } });
  try {
    const call = ua.invite(`sip:bob@127.0.0.1:${sipPort}`);
    assert.ok(await call.answered(), `the call was answered: ${call.status}`);
    const stream = audioStream(call.streams);
    if (typeof stream === 'string') throw new Error(stream);
    const media = await CallMedia.start(stream, { local: { host: '127.0.0.1', port: first }, play: tone(1000, 6) });
    follow(call, media, () => {});
    await new Promise((r) => setTimeout(r, 2000));
    await change(call, media);
    await new Promise((r) => setTimeout(r, 500));
    const settled = media.counts().ports;
    await media.played();
    await new Promise((r) => setTimeout(r, 500));
    await media.leave('hanging up');
    assert.is(await call.bye(), 200);
    return { ...(await media.close()), settled };
  } finally {
    await ua.close();
  }
}

/** The most a clean echo has at its 2nd harmonic, dB (common.ts harmonicDb: wrong-law decoding puts -17 to -23 dB there). */
const CLEAN_DB = -35;

/** The echo of the tone before the change (at 2 s) and after it, undistorted both times. */
function assertEchoThrough(recording: Int16Array): void {
  for (const [what, from, to] of [['before', 0.5, 1.8], ['after', 2.8, 5]] as const) {
    const part = recording.subarray(from * 8000, to * 8000);
    assertTone(part, 1000, `the echo ${what} the re-INVITE`);
    const distortion = harmonicDb(part, 1000, 2);
    assert.ok(distortion < CLEAN_DB, `the echo ${what} the re-INVITE is distorted: its 2nd harmonic at ${distortion.toFixed(1)} dB`);
  }
  assert.ok(rms(recording, 2.8, 5) > 1000, 'the echo after the re-INVITE is not silence');
}

// @tests RFC3264 P14L40-P14L48, P15L9-P15L11, P15L11-P15L18
test('a re-INVITE moving the caller to a new port: the uas sends its echo there, and the caller\'s recording goes on from the new port', async () => {
  const [sipPort, uasPort, first, second] = [await freePort(), await freePair(), await freePair(), await freePair()];
  const uas = await startUasLogging(sipPort, ['--port', String(uasPort), '--echo']);
  try {
    const { report, recording, settled } = await callThenChange(sipPort, first, async (call, media) => {
      // Ready on the new port before the offer naming it goes (§8.3.1), then the offer.
      await media.listenAlso({ host: '127.0.0.1', port: second });
      call.media = audioCapabilities({ address: '127.0.0.1', port: second, codecs: codecsFromNames('PCMU,PCMA,telephone-event') });
      assert.is(await call.reinvite('offer'), 200);
      assert.is(media.stream.remote.port, uasPort);
    });
    const on = (port: number) => report.ports.find((p) => p.port === port)!;
    assert.ok(on(first).rtp > 50, `the echo came to the first port before the move: ${on(first).rtp}`);
    assert.ok(on(second).rtp > 100, `and to the new one after it: ${on(second).rtp}`);
    assert.is(on(first).rtp, settled.find((p) => p.port === first)!.rtp, 'nothing more to the old port once the uas had the new one');
    assertEchoThrough(recording);
    await stop(uas, 3000, 'SIGINT');
    assert.match(uas.stderr(), new RegExp(`media 127\\.0\\.0\\.1:${uasPort}: RTP now to 127\\.0\\.0\\.1:${second} \\(was 127\\.0\\.0\\.1:${first}\\)`));
    assert.match(uas.stdout(), new RegExp(`media 127\\.0\\.0\\.1:${uasPort} -> 127\\.0\\.0\\.1:${second}: PCMU`));
  } finally {
    await stop(uas, 3000, 'SIGINT');
  }
});

// @tests RFC3264 P17L13-P17L18, P17L23-P17L25
test('a re-INVITE changing the codec (PCMU, then PCMA first): both sides send PCMA from then on, and the echo plays through the change', async () => {
  const [sipPort, uasPort, first] = [await freePort(), await freePair(), await freePair()];
  const uas = await startUasLogging(sipPort, ['--port', String(uasPort), '--echo', '--codecs', 'PCMU,PCMA']);
  try {
    const { report, recording } = await callThenChange(sipPort, first, async (call, media) => {
      assert.is(media.stream.send[0]!.encodingName, 'PCMU');
      call.media = audioCapabilities({ address: '127.0.0.1', port: first, codecs: codecsFromNames('PCMA,PCMU,telephone-event') });
      assert.is(await call.reinvite('offer'), 200);
      assert.is(media.stream.send[0]!.encodingName, 'PCMA');
    });
    assert.equal([report.codec, report.payloadType], ['PCMA', 8]);
    assertEchoThrough(recording);
    await stop(uas, 3000, 'SIGINT');
    assert.match(uas.stderr(), new RegExp(`media 127\\.0\\.0\\.1:${uasPort}: now sending PCMA \\(payload type 8\\), was PCMU`));
    assert.match(uas.stdout(), new RegExp(`media 127\\.0\\.0\\.1:${uasPort} -> 127\\.0\\.0\\.1:${first}: PCMA \\(payload type 8\\)`));
  } finally {
    await stop(uas, 3000, 'SIGINT');
  }
});

test.run();
