/**
 * `npm run rtp` against ffmpeg on 127.0.0.1, both ways. ffmpeg sends a
 * 1 kHz PCMU tone with its RTCP to `rtp receive`, which records the tone,
 * loses nothing and reads ffmpeg's SR; `rtp send` plays a tone to ffmpeg,
 * which reads the stream through the SDP `rtp send --sdp` wrote and decodes
 * the tone, in PCMU, PCMA and L16, and ends on our RTCP BYE. What ffmpeg
 * puts on the wire that RFC 3550/3551 do not allow is in README.md here.
 */
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { peerPath, peerSuite } from '../../../peers.ts';
import { tempDir } from '../../../helpers.ts';
import { start, stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';
import { readWavFile } from '../../../../reference/rtp/media/wav.ts';
import { freePair, received, rtp, startReceive, toneFile, type SendJson } from '../cli/run.ts';

const test = peerSuite('rtp send / receive against ffmpeg', ['ffmpeg']);
const dir = tempDir('rtp-ffmpeg-');

/** Within ± 2 % of `hz`. */
const near = (f: number, hz: number) => Math.abs(f - hz) <= 0.02 * hz;

// @tests RFC3550 P79L20-P79L24, P40L31-P40L35
test('ffmpeg sends 3 s of a 1 kHz PCMU tone: the WAV is 1 kHz ± 2 %, 0 lost, its RTCP SR read', async () => {
  const port = await freePair();
  const out = join(dir, 'from-ffmpeg.wav');
  // ffmpeg sends no BYE: the receive ends after its --seconds.
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', out, '--seconds', '6', '--json']);
  const ffmpeg = start(peerPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=1000', '-t', '3', '-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-f', 'rtp', `rtp://127.0.0.1:${port}`]);
  try {
    assert.is(await ffmpeg.exited, 0, ffmpeg.stderr());
    const { code, json } = await received(receiver);
    assert.is(code, 0);
    assert.is(json.sources.length, 1, JSON.stringify(json.sources));
    const [source] = json.sources;
    assert.is(source.lost, 0);
    assert.is(source.playout.missing, 0);
    assert.ok(source.senderReports >= 1, `ffmpeg's SR read: ${JSON.stringify(json.drops)}`);
    assert.equal(json.drops.rtcp, {});
    assert.is(source.bye, false);
    const samples = readWavFile(out);
    assert.ok(samples.length / 8000 > 2.8 && samples.length / 8000 < 3.2, `${samples.length / 8000} s recorded`);
    const { frequency, share } = dominantFrequency(samples, 8000);
    assert.ok(near(frequency, 1000), `${frequency} Hz`);
    assert.ok(share > 0.9, `share ${share} of the energy near it`);
  } finally {
    await stop(ffmpeg);
    await stop(receiver);
  }
});

for (const [codec, hz] of [['PCMU', 1000], ['PCMA', 700], ['L16', 1500]] as const) {
  test(`rtp send, ${codec}: ffmpeg reads our SDP, decodes the ${hz} Hz tone, and ends on our BYE`, async () => {
    const port = await freePair();
    const sdp = join(dir, `${codec}.sdp`);
    const wav = toneFile(dir, hz, 3);
    const written = await rtp(['send', wav, '--to', `127.0.0.1:${port}`, '--codec', codec, '--sdp', sdp, '--sdp-only']);
    assert.is(written.code, 0, written.stderr);
    const out = join(dir, `ffmpeg-${codec}.wav`);
    const ffmpeg = start(peerPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'debug', '-protocol_whitelist', 'file,udp,rtp', '-i', sdp, '-y', '-f', 'wav', out]);
    try {
      // Its sockets are open once it probes the stream (the SDP read).
      await waitFor('ffmpeg to open the stream', () => ffmpeg.stderr().includes('avformat_find_stream_info'), 20_000, ffmpeg);
      const sent = await rtp(['send', wav, '--to', `127.0.0.1:${port}`, '--codec', codec, '--json']);
      assert.is(sent.code, 0, sent.stderr);
      assert.is((JSON.parse(sent.stdout) as SendJson).rtcp.byes, 1);
      const code = await Promise.race([ffmpeg.exited, new Promise<number>((r) => setTimeout(() => r(-99), 15_000))]);
      assert.is(code, 0, `ffmpeg did not end on our BYE: ${ffmpeg.stderr().slice(-1500)}`);
      const samples = readWavFile(out);
      assert.ok(samples.length / 8000 > 2.5, `${samples.length / 8000} s decoded`);
      const { frequency, share } = dominantFrequency(samples, 8000);
      assert.ok(near(frequency, hz), `${frequency} Hz`);
      assert.ok(share > 0.9, `share ${share}`);
      assert.match(ffmpeg.stderr(), new RegExp(`Audio: ${{ PCMU: 'pcm_mulaw', PCMA: 'pcm_alaw', L16: 'pcm_s16be' }[codec]}, 8000 Hz, mono`));
    } finally {
      await stop(ffmpeg);
    }
  });
}

test.run();
