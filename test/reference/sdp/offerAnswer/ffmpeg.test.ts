/**
 * A real peer reads our offer: ffmpeg opens an SDP written by
 * `npm run sdp -- offer` as an RTP input on 127.0.0.1 and names the stream
 * it describes, with no complaint about the description.
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerSuite, peerPath } from '../../../peers.ts';
import { ROOT, tempDir } from '../../../helpers.ts';
import { freePort, start, stop, waitFor } from '../../../../tools/testkit/processes.ts';

const test = peerSuite('ffmpeg reads our SDP offer', ['ffmpeg']);
const dir = tempDir('sdp-ffmpeg-');

const offer = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/sdp/cli.ts'), 'offer', '--address', '127.0.0.1', ...args], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
};

/**
 * ffmpeg opens the SDP, its RTP and RTCP sockets, and waits for RTP that
 * never comes. Once its debug log says it is probing the stream (the SDP
 * read, the sockets open) it is stopped with SIGTERM, on which it prints
 * the input it found and exits; what it said is returned. (A SIGTERM
 * before then would kill it before its handler is set, saying nothing.)
 */
async function ffmpegReads(sdp: string): Promise<string> {
  const file = join(dir, `offer-${Date.now()}.sdp`);
  writeFileSync(file, sdp);
  const ffmpeg = start(peerPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'debug', '-protocol_whitelist', 'file,udp,rtp', '-analyzeduration', '500000', '-i', file, '-t', '0.5', '-f', 'null', '-']);
  try {
    await waitFor('ffmpeg to probe the stream', () => ffmpeg.stderr().includes('avformat_find_stream_info'), 15000, ffmpeg);
  } finally {
    await stop(ffmpeg);
  }
  return ffmpeg.stderr();
}

/** What ffmpeg says of an SDP it cannot read, or of a part of it it ignores. */
const NO_COMPLAINT = /Invalid data found|Error parsing|could not find codec|Unsupported|unknown codec|\[sdp @ [^\]]*\] .*(error|invalid|ignor|unknown)/i;

test('PCMU offered: ffmpeg names the stream pcm_mulaw, 8000 Hz, mono', async () => {
  const stderr = await ffmpegReads(offer(['--codecs', 'PCMU', '--port', String(await freePort())]));
  assert.match(stderr, /Stream #0:0[^:\n]*: Audio: pcm_mulaw, 8000 Hz, mono/);
  assert.not.match(stderr, NO_COMPLAINT);
});

test('PCMA and telephone-event offered: ffmpeg takes the first, pcm_alaw, and knows the stream', async () => {
  const stderr = await ffmpegReads(offer(['--codecs', 'PCMA,telephone-event', '--port', String(await freePort())]));
  assert.match(stderr, /Stream #0:0[^:\n]*: Audio: pcm_alaw, 8000 Hz, mono/);
  assert.not.match(stderr, NO_COMPLAINT);
});

test('opus offered with a dynamic payload type and its rtpmap: ffmpeg maps 96 to opus', async () => {
  const stderr = await ffmpegReads(offer(['--codecs', 'opus', '--port', String(await freePort())]));
  assert.match(stderr, /Stream #0:0[^:\n]*: Audio: opus, 48000 Hz, stereo/);
  assert.not.match(stderr, NO_COMPLAINT);
});

test.run();
