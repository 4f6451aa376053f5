/**
 * `npm run rtp -- send` and `receive`, spawned and talking to each other on
 * 127.0.0.1: --help, usage errors naming the flag (exit 2), files and
 * addresses it cannot use (exit 1), a tone through each codec with digits,
 * loss made on purpose as both RTCP sides see it, and the receiver's limits
 * attacked one by one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../helpers.ts';
import { start, stop } from '../../../../tools/testkit/processes.ts';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';
import { readWavFile, writeWavFile } from '../../../../reference/rtp/media/wav.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { encodePcmu } from '../../../../reference/rtp/profile/pcmu.ts';
import { freePair, received, rtp, startReceive, toneFile, type SendJson } from './run.ts';

const dir = tempDir('rtp-cli-');
const tone2s = toneFile(dir, 1000, 2);
// Longer than the first RTCP interval can be (A.7: at most 1.5 × 2.5 s / 1.21828 ≈ 3.08 s), so one SR goes out before the BYE.
const tone35 = toneFile(dir, 1000, 3.5);

test('--help lists send and receive; each command says its options', async () => {
  const top = await rtp(['--help']);
  assert.is(top.code, 0);
  assert.match(top.stdout, /send .*\n.*receive /);
  const send = await rtp(['send', '--help']);
  assert.is(send.code, 0);
  for (const flag of ['--to', '--codec', '--dtmf', '--sdp', '--from', '--json', '--drop-every']) assert.ok(send.stdout.includes(flag), `send --help names ${flag}`);
  const receive = await rtp(['receive', '--help']);
  for (const flag of ['--listen', '--out', '--seconds', '--codec', '--peer', '--max-datagram', '--max-sources', '--json']) assert.ok(receive.stdout.includes(flag), `receive --help names ${flag}`);
});

test('bad arguments are usage errors naming the flag: exit 2, nothing sent or bound', async () => {
  const out = join(dir, 'x.wav');
  const cases: [string[], RegExp][] = [
    [['send', tone2s], /send needs --to/],
    [['send', tone2s, '--to', 'localhost:4000'], /--to wants IP:PORT/],
    [['send', tone2s, '--to', '127.0.0.1:65535'], /--to wants a port from 1 to 65534/],
    [['send', tone2s, '--to', '127.0.0.1:4000', '--codec', 'G729'], /--codec wants one of PCMU, PCMA, L16, got "G729"/],
    [['send', tone2s, '--to', '127.0.0.1:4000', '--dtmf', '12x'], /--dtmf wants up to 64 of 0123456789\*#ABCD/],
    [['send', tone2s, '--to', '127.0.0.1:4000', '--drop-every', '1'], /--drop-every wants a whole number from 2/],
    [['send', tone2s, '--to', '127.0.0.1:4000', '--from', '[::1]:4002'], /not of one IP version/],
    [['send', tone2s, '--to', '127.0.0.1:4000', '--sdp', join(dir, 'no/such/dir/x.sdp')], /--sdp: cannot write/],
    [['send', '--to', '127.0.0.1:4000'], /send takes one WAV file/],
    [['receive', '--out', out], /receive needs --listen/],
    [['receive', '--listen', '127.0.0.1:4000'], /receive needs --out/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--seconds', '3601'], /--seconds wants a whole number from 1 to 3600, got "3601"/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--seconds', '0'], /--seconds wants a whole number from 1/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--max-datagram', '11'], /--max-datagram wants a whole number from 12 to 65535/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--max-sources', '0'], /--max-sources wants a whole number from 1 to 1000/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--peer', 'x'], /--peer wants IP:PORT/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', join(dir, 'no/such/dir/x.wav')], /--out: cannot write/],
    [['receive', 'extra', '--listen', '127.0.0.1:4000', '--out', out], /receive takes no file/],
    [['receive', '--listen', '127.0.0.1:4000', '--out', out, '--out', out], /--out is given more than once/],
  ];
  for (const [args, message] of cases) {
    const r = await rtp(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /usage: rtp (send|receive)/);
  }
});

test('a WAV file it does not take, a port it cannot bind: one line naming it, exit 1', async () => {
  const stereo = join(dir, 'stereo.wav');
  writeWavFile(stereo, new Int16Array(4410 * 2), { sampleRate: 44100, channels: 2 });
  const r = await rtp(['send', stereo, '--to', '127.0.0.1:4000']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^rtp send: .*stereo\.wav: is PCM, 16-bit, 44100 Hz, 2 channel\(s\); only 16-bit PCM, 8000 Hz, mono is taken/);
  const port = await freePair();
  const squatter = createSocket('udp4');
  await new Promise<void>((resolve) => squatter.bind(port + 1, '127.0.0.1', () => resolve()));
  try {
    const busy = await rtp(['receive', '--listen', `127.0.0.1:${port}`, '--out', join(dir, 'busy.wav'), '--seconds', '1']);
    assert.is(busy.code, 1, busy.stderr);
    assert.match(busy.stderr, new RegExp(`rtp receive: cannot listen on 127\\.0\\.0\\.1:${port + 1} for RTCP: .*EADDRINUSE`));
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});

// @tests RFC3550 P68L18-P68L24
test('an odd port is taken as the even one below it, with a warning; receive with nothing coming exits 1 and still writes the WAV', async () => {
  const port = await freePair();
  const out = join(dir, 'nothing.wav');
  const r = await rtp(['receive', '--listen', `127.0.0.1:${port + 1}`, '--out', out, '--seconds', '1', '--json']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`--listen 127\\.0\\.0\\.1:${port + 1}: ${port + 1} is odd; RTP uses ${port} and RTCP ${port + 1}`));
  assert.match(r.stderr, new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(RTP\\) and 127\\.0\\.0\\.1:${port + 1} \\(RTCP\\)`));
  assert.match(r.stderr, /no RTP received/);
  assert.is(JSON.parse(r.stdout).ended, '1 s');
  assert.is(readWavFile(out).length, 0);
});

for (const codec of ['PCMU', 'PCMA', 'L16']) {
  test(`send → receive, ${codec}: the 1 kHz tone comes out at 1 kHz ± 2 %, nothing lost, our SR read, the BYE ends it${codec === 'PCMU' ? '; digits 911# as events' : ''}`, async () => {
    const port = await freePair();
    const out = join(dir, `rx-${codec}.wav`);
    const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', out, '--codec', codec, '--seconds', '30', '--json']);
    try {
      const dtmf = codec === 'PCMU' ? ['--dtmf', '911#'] : [];
      const sent = await rtp(['send', tone35, '--to', `127.0.0.1:${port}`, '--codec', codec, ...dtmf, '--json']);
      assert.is(sent.code, 0, sent.stderr);
      const s = JSON.parse(sent.stdout) as SendJson;
      const { code, json } = await received(receiver);
      assert.is(code, 0);
      assert.is(json.ended, 'every source sent a BYE');
      assert.is(json.sources.length, 1);
      const [source] = json.sources;
      assert.is(source.ssrc, s.ssrc);
      assert.is(source.lost, 0);
      // The first packet is held back by A.1's probation; every other one is counted and played.
      assert.is(source.packets, s.packets - 1);
      // Telephone-events too: their timestamp is their event's start, yet none is taken for late.
      assert.is(source.playout.played, s.packets - 1);
      assert.is(source.playout.late, 0);
      assert.ok(s.rtcp.reports >= 1 && source.senderReports >= 1, `our SR read: ${s.rtcp.reports} sent, ${source.senderReports} read`);
      assert.ok(source.bye);
      assert.equal(json.drops.rtp, { probation: 1 });
      const samples = readWavFile(out);
      assert.ok(Math.abs(samples.length / 8000 - 3.5) < 0.1, `${samples.length / 8000} s recorded`);
      const { frequency } = dominantFrequency(samples, 8000);
      assert.ok(Math.abs(frequency - 1000) <= 20, `${frequency} Hz`);
      if (codec === 'PCMU') {
        assert.is(json.digits, '911#');
        assert.is(s.eventPayloadType, 96);
        assert.ok(s.eventPackets >= 4 * 7, `${s.eventPackets} event packets for 4 digits`);
      } else assert.is(json.digits, '');
    } finally {
      await stop(receiver);
    }
  });
}

// @tests RFC3550 P39L7-P39L12, P83L33-P83L43, P68L36-P68L41
test('every 10th packet left unsent: the receiver counts 10 % lost, its RRs (sent to --from + 1) say about 10 % each, jitter stays small', async () => {
  const [port, ours] = [await freePair(), await freePair()];
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', join(dir, 'lossy.wav'), '--peer', `127.0.0.1:${ours}`, '--seconds', '40', '--json']);
  try {
    const sent = await rtp(['send', toneFile(dir, 1000, 10), '--to', `127.0.0.1:${port}`, '--from', `127.0.0.1:${ours}`, '--drop-every', '10', '--json']);
    assert.is(sent.code, 0, sent.stderr);
    const s = JSON.parse(sent.stdout) as SendJson & { firstSequence: number };
    assert.is(s.unsent, Math.floor(s.packets / 10));
    const { json } = await received(receiver);
    const [source] = json.sources;
    assert.ok(json.reportsSent >= 2, `${json.reportsSent} reports sent`);
    const lostShare = source.lost! / source.expected!;
    assert.ok(lostShare > 0.09 && lostShare < 0.11, `${source.lost} of ${source.expected}`);
    // What the playout buffer skipped is what was lost, and any packet that came after its turn.
    assert.is(source.playout.missing, source.lost! + source.playout.late);
    assert.ok(source.jitterMs! < 20, `jitter ${source.jitterMs} ms`);
    // Each RR that came back covers an interval: its fraction is about 10 % once the interval holds enough packets.
    assert.ok(s.reportsOnUs.length >= 1, 'no RR came back to --from + 1');
    let previous = s.firstSequence;
    let judged = 0;
    for (const block of s.reportsOnUs) {
      const interval = block.highestSequence - previous;
      previous = block.highestSequence;
      assert.ok(block.jitter < 160, `jitter ${block.jitter} units, under one packet`);
      if (interval < 50) continue;
      judged++;
      assert.ok(block.fractionLost >= 0.07 * 256 && block.fractionLost <= 0.13 * 256, `fraction ${block.fractionLost}/256 over ${interval} packets`);
    }
    assert.ok(judged >= 1, `no RR over 50 packets or more: ${JSON.stringify(s.reportsOnUs)}`);
  } finally {
    await stop(receiver);
  }
});

test('Ctrl-C ends a send with its BYE and report (exit 130); SIGTERM ends a receive with its WAV and report (exit 143)', async () => {
  const port = await freePair();
  const out = join(dir, 'cut.wav');
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', out, '--seconds', '30', '--json']);
  const sender = start(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/rtp/cli.ts'), 'send', toneFile(dir, 1000, 20), '--to', `127.0.0.1:${port}`, '--json']);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    await stop(receiver, 5000, 'SIGTERM');
    assert.is(await receiver.exited, 143, receiver.stderr());
    const heard = JSON.parse(receiver.stdout());
    assert.is(heard.ended, 'interrupted (SIGTERM)');
    assert.is(heard.sources.length, 1);
    assert.ok(readWavFile(out).length > 0, 'the WAV holds what was heard');
    await stop(sender, 5000, 'SIGINT');
    assert.is(await sender.exited, 130, sender.stderr());
    const said = JSON.parse(sender.stdout());
    assert.is(said.interrupted, 'SIGINT');
    assert.is(said.rtcp.byes, 1);
    assert.ok(said.packets < 20 * 50, `${said.packets} packets: cut short`);
  } finally {
    await stop(receiver);
    await stop(sender);
  }
});

/** Datagrams from the test itself: a socket on 127.0.0.1 sending `bytes` to a port. */
async function blast(port: number, datagrams: Uint8Array[]): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  for (const d of datagrams) await new Promise<void>((resolve) => s.send(d, port, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

const pcmuPackets = (ssrc: number, count: number) =>
  Array.from({ length: count }, (_, i) => serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1000 + i, timestamp: 5000 + 160 * i, ssrc, csrc: [], payload: encodePcmu(tone(440, 0.02)), padding: 0 }));

test('limit: a datagram over --max-datagram is dropped and counted, RTP or RTCP; the stream beside it plays', async () => {
  const port = await freePair();
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', join(dir, 'big.wav'), '--max-datagram', '300', '--seconds', '20', '--json']);
  try {
    const big = new Uint8Array(301);
    big[0] = 0x80;
    await blast(port, [big, big]);
    await blast(port + 1, [new Uint8Array(65_000)]);
    const sent = await rtp(['send', toneFile(dir, 1000, 1), '--to', `127.0.0.1:${port}`]);
    assert.is(sent.code, 0, sent.stderr);
    const { json } = await received(receiver);
    assert.is(json.drops.receiver['datagram-size'], 3);
    assert.is(json.sources.length, 1);
    assert.is(json.sources[0].lost, 0);
  } finally {
    await stop(receiver);
  }
});

test('limit: --seconds ends the run while a stream still comes, and bounds the recording', async () => {
  const port = await freePair();
  const out = join(dir, 'short.wav');
  // The sender first, so that its stream is already coming when the receiver's second begins.
  const sender = rtp(['send', toneFile(dir, 1000, 8), '--to', `127.0.0.1:${port}`]);
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', out, '--seconds', '1', '--json']);
  try {
    const { code, json } = await received(receiver);
    assert.is(code, 0);
    assert.is(json.ended, '1 s');
    assert.ok(json.recordedSeconds <= 1, `${json.recordedSeconds} s recorded`);
    assert.ok(readWavFile(out).length <= 8000);
  } finally {
    await stop(receiver);
    assert.is((await sender).code, 0);
  }
});

test('limit: --max-sources 2 keeps two sources; packets of five more are dropped and counted, none recorded', async () => {
  const port = await freePair();
  const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', join(dir, 'many.wav'), '--max-sources', '2', '--seconds', '3', '--json']);
  try {
    for (let ssrc = 1; ssrc <= 7; ssrc++) await blast(port, pcmuPackets(ssrc, 5));
    const { json } = await received(receiver);
    assert.equal(json.sources.map((s) => s.ssrc), [1, 2]);
    assert.equal(json.sources.map((s) => s.packets), [4, 4]);
    assert.is(json.drops.rtp['table-full'], 5 * 5);
  } finally {
    await stop(receiver);
  }
});

test('--sdp writes the offer the receiver needs: its address and port, the codec and telephone-event', async () => {
  const port = await freePair();
  const sdp = join(dir, 'o.sdp');
  // Nobody listens: the datagrams go nowhere, which a sender does not know.
  const r = await rtp(['send', toneFile(dir, 1000, 0.2), '--to', `127.0.0.1:${port}`, '--codec', 'L16', '--sdp', sdp]);
  assert.is(r.code, 0, r.stderr);
  const text = readFileSync(sdp, 'utf8');
  assert.match(text, /\r\nc=IN IP4 127\.0\.0\.1\r\n/);
  assert.match(text, new RegExp(`\\r\\nm=audio ${port} RTP/AVP 96 97\\r\\na=rtpmap:96 L16/8000\\r\\na=rtpmap:97 telephone-event/8000\\r\\n`));
  assert.match(r.stdout, /sent 10 RTP packets .*10 of L16 \(payload type 96\)/);
});

test.run();
