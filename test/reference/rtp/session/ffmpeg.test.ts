/**
 * A real sender: ffmpeg sends a 1 kHz tone as PCMU RTP, with RTCP, to a
 * receiving RtpSession on real UDP sockets on 127.0.0.1 (RTP on an even port,
 * RTCP on the next). The session validates the source, loses nothing, and
 * parses every RTCP compound ffmpeg sends (its SR, kept for LSR).
 */
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { peerPath, peerSuite } from '../../../peers.ts';
import { start, stop } from '../../../../tools/testkit/processes.ts';
import { systemClock } from '../../../../reference/clock.ts';
import { RtpSession } from '../../../../reference/rtp/session/session.ts';
import { PCMU } from './harness.ts';

const test = peerSuite('ffmpeg sends RTP and RTCP to an RtpSession', ['ffmpeg']);

const bind = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', (e) => {
      s.close();
      reject(e);
    });
    s.bind(port, '127.0.0.1', () => resolve(s));
  });

/** An even port P with P and P + 1 both free, bound. */
async function pair(): Promise<{ port: number; rtp: Socket; rtcp: Socket }> {
  for (let tries = 0; tries < 50; tries++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 15000);
    const rtp = await bind(port).catch(() => undefined);
    if (!rtp) continue;
    const rtcp = await bind(port + 1).catch(() => undefined);
    if (rtcp) return { port, rtp, rtcp };
    rtp.close();
  }
  throw new Error('no free pair of UDP ports on 127.0.0.1');
}

// @tests RFC3550 P82L18-P82L31, P79L20-P79L24, P40L31-P40L35
test('a 3 s PCMU tone from ffmpeg: source valid, 0 lost, its SR parsed, nothing dropped but the probation packet', async () => {
  const { port, rtp, rtcp } = await pair();
  const byes: number[] = [];
  const session = new RtpSession({
    clock: systemClock,
    sessionBandwidth: 64_000,
    payloadTypes: PCMU,
    send: { rtcp: () => {} }, // a receiver here: its reports are checked in session.test.ts
    onBye: (ssrc) => byes.push(ssrc),
  });
  const compounds: string[][] = [];
  rtp.on('message', (b, r) => session.receiveRtp(b, `${r.address}:${r.port}`));
  rtcp.on('message', (b, r) => {
    const packets = session.receiveRtcp(b, `${r.address}:${r.port}`);
    if (packets) compounds.push(packets.map((p) => p.type));
  });
  session.start();
  const ffmpeg = start(peerPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:duration=3', '-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-f', 'rtp', `rtp://127.0.0.1:${port}`]);
  try {
    const code = await Promise.race([ffmpeg.exited, new Promise<number>((r) => setTimeout(() => r(-99), 20_000))]);
    assert.is(code, 0, ffmpeg.stderr());
    await new Promise((r) => setTimeout(r, 200)); // the last datagrams
  } finally {
    await stop(ffmpeg);
    session.stop();
    await Promise.all([rtp, rtcp].map((s) => new Promise<void>((r) => s.close(() => r()))));
    await new Promise((r) => setTimeout(r, 20)); // the handles leave the loop on a later turn
  }
  const [source] = session.stats().filter((s) => s.packets > 0);
  assert.ok(source, `no source: ${JSON.stringify(session.stats())}`);
  assert.is(source.cumulativeLost, 0);
  assert.ok(source.octets >= 23_000 && source.octets <= 24_000, `${source.octets} octets of μ-law for 3 s at 8 kHz`);
  assert.is(session.rtpDrops.total, 1, `drops: ${JSON.stringify(session.rtpDrops.toJSON())}`);
  assert.is(session.rtpDrops.get('probation'), 1);
  assert.is(session.rtcpDrops.total, 0, `RTCP drops: ${JSON.stringify(session.rtcpDrops.recent)}`);
  assert.ok(compounds.some((c) => c[0] === 'SR'), `compounds: ${JSON.stringify(compounds)}`);
  const entry = session.table.entries.get(source.ssrc)!;
  assert.ok(entry.lastSr && entry.lastSr.lsr !== 0, 'its SR kept for LSR');
  // What ffmpeg sends is a lone SR, without the SDES CNAME §6.1 says every compound MUST carry,
  // and no BYE at the end: a receiver takes it all the same (A.2's checks pass).
  assert.ok(compounds.every((c) => c.every((t) => t === 'SR')), `compounds: ${JSON.stringify(compounds)}`);
  assert.equal(byes, []);
  assert.is(source.state, 'valid');
});

test.run();
