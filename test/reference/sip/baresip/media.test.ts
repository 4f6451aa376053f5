/**
 * A whole call with audio both ways between baresip and us, through our
 * `server` (registrar + proxy, MD5 digest, Record-Route), on loopback.
 * baresip plays a 700 Hz tone (its aufile source, a WAV written with
 * reference/rtp/media) and dumps what it sends and hears to WAV files (its
 * sndfile module); we play 1000 Hz. tshark captures the media on our ports,
 * and what baresip sent there is checked against RFC 3550, 3551, 4733 and
 * 3264 (mediaRules.ts).
 *
 * 1. Our `call --play --record --dtmf 1234` reaches baresip, registered with
 *    our server, which answers by itself: we record its 700 Hz, it records
 *    our 1000 Hz and reports the four digits.
 * 2. baresip calls our `uas --echo --record` (a static binding of the server)
 *    and sends digits 1 2 3 (`sndcode`): our recording has its 700 Hz and the
 *    digits, and its recording has its own tone echoed back.
 */
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerSuite } from '../../../peers.ts';
import { sip, sipServer } from '../proxy/processes.ts';
import { freePort, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { freePair } from '../../rtp/cli/run.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { readWavFile, writeWavFile } from '../../../../reference/rtp/media/wav.ts';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';
import { eventsTheReceiverTakes } from '../../../../reference/rtp/dtmf/events.ts';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { startBaresip, stopBaresip, type Baresip, type Recording } from './baresip.ts';
import { baresipCallsOurUas, sdpIn, startLoggingUas } from './ours.ts';
import { Capture, NOTE, type Datagram } from './capture.ts';
import { mediaBreaches, type MediaBreach, type MediaExpectations } from './mediaRules.ts';

const test = peerSuite('baresip, a whole call with audio through our server', ['baresip', 'tshark']);

const OUR_HZ = 1000;
const BARESIP_HZ = 700;

/** The dominant frequency of `samples` (8 kHz), asserted within 2 % of `hz`. */
function assertTone(samples: Int16Array, hz: number, what: string): number {
  assert.ok(samples.length >= 8000, `${what}: ${samples.length} samples, less than a second`);
  const { frequency } = dominantFrequency(samples, 8000);
  assert.ok(Math.abs(frequency - hz) <= hz * 0.02, `${what}: dominant frequency ${frequency.toFixed(1)} Hz, not ${hz} Hz ± 2 %`);
  return frequency;
}

/** What our report (describeReport) says of the one source we heard. */
function heardSource(stdout: string): { packets: number; lost: number; jitterMs: number; bye: boolean } {
  const m = /^ {2}source 0x[0-9a-f]{8}: (\d+) packets, (\d+) lost, jitter ([\d.]+) ms, (RTCP BYE received|no RTCP BYE)$/m.exec(stdout);
  assert.ok(m !== null, `no source in our report:\n${stdout}`);
  return { packets: Number(m[1]), lost: Number(m[2]), jitterMs: Number(m[3]), bye: m[4] === 'RTCP BYE received' };
}

/**
 * What baresip may send to `port`, from the call's SDP: the answer's formats
 * (RFC 3264 §6.1, §7), its PCMU, and the events `ours` (our SDP) named.
 */
function expectations(answer: SessionDescription, ours: SessionDescription, port: number): MediaExpectations {
  const m = answer.media[0]!;
  const rtpmap = (d: SessionDescription, name: string) => d.media[0]!.attributes.find((a) => a.kind === 'rtpmap' && a.encodingName.toLowerCase() === name);
  const event = rtpmap(answer, 'telephone-event');
  const ourEvent = rtpmap(ours, 'telephone-event');
  const fmtp = ours.media[0]!.attributes.find((a) => a.kind === 'fmtp' && ourEvent?.kind === 'rtpmap' && a.format === String(ourEvent.payloadType));
  const pcmu = rtpmap(answer, 'pcmu');
  return {
    port,
    payloadTypes: new Set(m.formats.map(Number)),
    audioType: pcmu?.kind === 'rtpmap' ? pcmu.payloadType : 0,
    eventType: event?.kind === 'rtpmap' ? event.payloadType : -1,
    events: eventsTheReceiverTakes(fmtp?.kind === 'fmtp' ? fmtp.parameters : undefined),
  };
}

const describe = (found: MediaBreach[]) => found.map((x) => `frame ${x.frame}: ${x.rule}\n  ${x.evidence}`).join('\n');

/**
 * baresip's datagrams to our media ports: nothing Wireshark calls malformed
 * or warns about, and of the rules mediaRules.ts checks, only the two RTCP
 * datagrams README.md records are broken: the APP "PING" alone at the start
 * and the BYE first, with no report, at the end. Returns what was found.
 */
function assertKnownBreaches(sent: Datagram[], expect: MediaExpectations): MediaBreach[] {
  for (const d of sent) {
    assert.not.ok(d.malformed, `tshark: frame ${d.frame} from baresip is malformed: ${d.bytes.toString('hex')}`);
    for (const s of d.severities) assert.ok(s <= NOTE, `tshark: frame ${d.frame} from baresip has an expert info of severity ${s.toString(16)}`);
  }
  const found = mediaBreaches(sent, expect);
  const ssrc = '[0-9a-f]{8}';
  // APP (PT 204), subtype 0, length 3, SSRC, name "PING", data "PONG": alone in its datagram.
  const app = new RegExp(`^80cc0003${ssrc}${Buffer.from('PINGPONG').toString('hex')}$`);
  // BYE (PT 203, SC 1), length 3, SSRC, reason "Adjo" (4) and 3 NULs; then SDES (SC 1) with the CNAME; no SR or RR.
  const bye = new RegExp(`^81cb0003(?<ssrc>${ssrc})04${Buffer.from('Adjo').toString('hex')}00000081ca[0-9a-f]{4}\\k<ssrc>01`);
  const kind = (x: MediaBreach) => `${app.test(x.evidence) ? 'APP' : bye.test(x.evidence) ? 'BYE' : x.evidence} ${/\((P\d+L\d+)/.exec(x.rule)?.[1] ?? x.rule}`;
  assert.equal(found.map(kind), ['APP P22L27', 'APP P22L18', 'APP P22L38', 'BYE P22L27', 'BYE P22L45'], describe(found));
  return found;
}

/** The sndfile dumps of baresip's one call, once it has closed them. */
async function recordingOf(b: Baresip): Promise<Recording> {
  let found: Recording[] = [];
  await waitFor("baresip's sndfile dumps", () => {
    try {
      found = b.recordings();
      return found.length === 1 && found[0]!.heard.length > 0;
    } catch {
      return false; // a header not yet written
    }
  }, 10000);
  return found[0]!;
}

/**
 * Both ways of a call's audio: our report (`stdout`) names PCMU from `media`
 * to baresip's m= port `theirs` and a source of 100 packets or more, none
 * lost; our recording has baresip's tone; baresip's dumps have its tone as
 * sent and `heardHz` as heard. Then baresip's datagrams to our ports, from
 * the capture.
 */
async function assertAudioBothWays(a: { stdout: string; media: number; theirs: number; ourRecording: string; b: Baresip; heardHz: number; capture: Capture; expect: MediaExpectations }): Promise<Datagram[]> {
  assert.match(a.stdout, new RegExp(`^media 127\\.0\\.0\\.1:${a.media} -> 127\\.0\\.0\\.1:${a.theirs}: PCMU \\(payload type 0\\), \\d+ RTP packets sent, \\d+ RTCP report\\(s\\), RTCP BYE sent$`, 'm'));
  const heard = heardSource(a.stdout);
  assert.ok(heard.packets >= 100, `we heard ${heard.packets} packets`);
  assert.is(heard.lost, 0);
  // baresip's RTCP BYE has no report before it: our receiver drops it (README.md).
  assert.not.ok(heard.bye, 'our receiver kept a BYE of baresip');
  assertTone(readWavFile(a.ourRecording), BARESIP_HZ, 'our recording');
  const recording = await recordingOf(a.b);
  assertTone(recording.sent, BARESIP_HZ, "baresip's sent audio");
  assertTone(recording.heard, a.heardHz, "baresip's recording");
  const datagrams = a.capture.read({ rtp: [a.media, a.theirs], rtcp: [a.media + 1, a.theirs + 1], eventType: a.expect.eventType });
  const fromBaresip = datagrams.filter((d) => d.to === a.media || d.to === a.media + 1);
  assert.ok(fromBaresip.filter((d) => d.to === a.media).length >= 100, `${fromBaresip.length} datagrams from baresip captured`);
  assert.ok(fromBaresip.some((d) => d.to === a.media + 1), 'baresip sent RTCP to our port + 1');
  return fromBaresip;
}

interface Scene {
  dir: string;
  server: Running;
  port: number;
  b: Baresip;
}

/** Our server (alice's password in a users file; `serverArgs` more), a baresip playing 700 Hz and recording; `body` runs with them. */
async function scene(serverArgs: (dir: string) => Promise<string[]>, body: (s: Scene) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-media-'));
  let server: Running | undefined;
  let b: Baresip | undefined;
  try {
    writeFileSync(join(dir, 'users.txt'), 'alice:secret-a\n');
    // baresip answers MD5 challenges only (README.md): the server offers that one.
    const started = await sipServer(['--users', join(dir, 'users.txt'), '--algorithms', 'MD5', '--record-route', ...(await serverArgs(dir))]);
    server = started.child;
    b = await startBaresip('', { toneHz: BARESIP_HZ, record: true });
    await body({ dir, server, port: started.port, b });
  } finally {
    await stopBaresip(b);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

// @tests RFC3264 P11L46-P12L2
// @tests RFC3550 P14L22-P14L24, P14L32-P15L3, P22L1-P22L10, P22L18-P22L19, P22L27-P22L31, P22L38-P22L39,
// P22L44-P22L47, P38L28-P38L31
test('our call --play --record --dtmf 1234 reaches baresip through our server: we record its 700 Hz, it records our 1000 Hz and reports 1 2 3 4', async () => {
  await scene(async () => [], async ({ dir, port, b }) => {
    const aor = `sip:alice@127.0.0.1:${port}`;
    await b.control.command('uanew', `<${aor}>;auth_pass=secret-a;regint=600;answermode=auto`);
    await b.control.event('REGISTER_OK', 15000);
    // Six seconds: long enough for baresip's first RTCP report (its first interval is about 5 s).
    writeWavFile(join(dir, 'tone.wav'), tone(OUR_HZ, 6));
    const media = await freePair();
    const capture = await Capture.start(dir, [media, media + 1]);
    let call: Running | undefined;
    try {
      call = sip(['call', aor, '--listen', '127.0.0.1:0', '--port', String(media), '--play', join(dir, 'tone.wav'), '--record', join(dir, 'out.wav'), '--dtmf', '1234']);
      assert.is(await call.exited, 0, call.stderr());
      const incoming = await b.control.event('CALL_ESTABLISHED', 15000, (e) => e.direction === 'incoming');
      await b.control.event('CALL_CLOSED', 15000, (e) => e.id === incoming.id);
    } finally {
      await capture.stop();
      await stop(call);
    }
    const id = b.control.events.find((e) => e.type === 'CALL_ESTABLISHED')?.id;
    const offer = sdpIn(b.trace(), 'INVITE ', id);
    const answer = sdpIn(b.trace(), 'SIP/2.0 200 ', id);
    const theirs = answer.media[0]!.port;

    // Our side heard baresip's 700 Hz, baresip heard our 1000 Hz, nothing lost either way.
    const expect = expectations(answer, offer, media);
    const fromBaresip = await assertAudioBothWays({ stdout: call.stdout(), media, theirs, ourRecording: join(dir, 'out.wav'), b, heardHz: OUR_HZ, capture, expect });
    // baresip saw the four digits.
    assert.equal(b.control.events.filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param), ['1', '2', '3', '4']);
    assert.is(b.control.events.filter((e) => e.type === 'CALL_DTMF_END').length, 4);
    for (const d of '1234') assert.ok(b.running.stdout().includes(`received event: '${d}' (end=1)`), `baresip printed the end of ${d}`);
    const rtcp = b.control.events.filter((e) => e.type === 'CALL_RTCP').at(-1) as { rtcp_stats?: { rx?: { lost?: number } } } | undefined;
    assert.is(rtcp?.rtcp_stats?.rx?.lost, 0, 'baresip reports no loss of our RTP');

    // The wire: what baresip sent to our ports breaks only what README.md records.
    const known = assertKnownBreaches(fromBaresip, expect);
    // The checks can fail: a packet with G.722's type (not in the answer) and a sequence gap, a report compound without its SDES.
    const doctored = fromBaresip.map((d, i) => {
      if (i !== 10 || d.to !== media) return d;
      const bytes = Buffer.from(d.bytes);
      bytes[1] = (bytes[1]! & 0x80) | 9;
      bytes.writeUInt16BE((bytes.readUInt16BE(2) + 5) & 0xffff, 2);
      return { ...d, bytes };
    });
    const report = doctored.findIndex((d) => d.to === media + 1 && (d.bytes[1] === 200 || d.bytes[1] === 201));
    assert.ok(report >= 0, 'baresip sent an SR or RR compound');
    const rr = doctored[report]!.bytes;
    doctored[report] = { ...doctored[report]!, bytes: rr.subarray(0, 4 * (rr.readUInt16BE(2) + 1)) };
    const more = mediaBreaches(doctored, expect).filter((x) => !known.some((k) => k.frame === x.frame && k.rule === x.rule));
    assert.equal(more.map((x) => x.rule.split(' (')[0]), ['RFC 3264 §6.1/§7', 'RFC 3550 §5.1', 'RFC 3550 §5.1', 'RFC 3550 §6.1', 'RFC 3550 §6.1'], describe(more));
  });
});

// @tests RFC3264 P12L29-P12L33, P10L25-P10L29
// @tests RFC4733 P11L38-P11L40, P12L44-P12L47, P13L3-P13L12
// @tests RFC3550 P22L18-P22L19, P22L27-P22L31, P22L38-P22L39, P22L44-P22L47
test('baresip calls our uas --echo --record through our server and sends 1 2 3: we record its 700 Hz and the digits, it records its tone echoed back', async () => {
  const uasPort = await freePort();
  const media = await freePair();
  let uas: Running | undefined;
  try {
    await scene(async (dir) => {
      uas = await startLoggingUas(uasPort, ['--port', String(media), '--echo', '--record', join(dir, 'uas.wav')]);
      return ['--bind', `sip:carol@127.0.0.1=sip:carol@127.0.0.1:${uasPort}`];
    }, async ({ dir, port, b }) => {
      await b.control.command('uanew', `<sip:alice@127.0.0.1:${port}>;auth_pass=secret-a;regint=600`);
      await b.control.event('REGISTER_OK', 15000);
      const capture = await Capture.start(dir, [media, media + 1]);
      let established;
      try {
        established = await baresipCallsOurUas(b, `sip:carol@127.0.0.1:${port}`, uas!, async () => {
          await new Promise((r) => setTimeout(r, 1000));
          await b.control.command('sndcode', '123');
          // Up six seconds in all: long enough for baresip's first RTCP report.
          await new Promise((r) => setTimeout(r, 5000));
        });
        await stop(uas, 3000, 'SIGINT');
      } finally {
        await capture.stop();
      }
      const offer = sdpIn(b.trace(), 'INVITE ', established.id);
      const answer = sdpIn(b.trace(), 'SIP/2.0 200 ', established.id);
      const theirs = offer.media[0]!.port;

      // Our side heard baresip's tone and its digits; baresip heard its own tone, back from our echo.
      const stdout = uas!.stdout();
      assert.match(stdout, /^digit 1\ndigit 2\ndigit 3\n/m);
      assert.match(stdout, /digits received: 123$/m);
      const expect = expectations(answer, answer, media);
      const fromBaresip = await assertAudioBothWays({ stdout, media, theirs, ourRecording: join(dir, 'uas.wav'), b, heardHz: BARESIP_HZ, capture, expect });
      const known = assertKnownBreaches(fromBaresip, expect);
      // baresip's digits were checked: without the M bit on the first packet of its first event, and with
      // its last event 2^31 off the audio's timestamps, the events break two rules more.
      const events = fromBaresip.filter((d) => d.to === media && (d.bytes[1]! & 0x7f) === expect.eventType);
      assert.ok(events.length >= 9, `${events.length} telephone-event packets from baresip`);
      const lastEvent = events.at(-1)!.bytes.readUInt32BE(4);
      const doctored = fromBaresip.map((d) => {
        if (d !== events[0] && !(events.includes(d) && d.bytes.readUInt32BE(4) === lastEvent)) return d;
        const bytes = Buffer.from(d.bytes);
        if (d === events[0]) bytes[1] = bytes[1]! & 0x7f;
        else bytes.writeUInt32BE((lastEvent + 0x80000000) >>> 0, 4);
        return { ...d, bytes };
      });
      const more = mediaBreaches(doctored, expect).filter((x) => !known.some((k) => k.frame === x.frame && k.rule === x.rule));
      assert.equal(more.map((x) => x.rule.split(': ')[0]), ['RFC 4733 §2.5.1.2 (P12L44-P12L47)', 'RFC 4733 §2.5.1.2 (P13L8-P13L12)'], describe(more));
    });
  } finally {
    await stop(uas, 3000, 'SIGINT');
  }
});

test.run();
