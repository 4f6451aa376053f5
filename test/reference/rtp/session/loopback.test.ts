/**
 * Two RtpSessions on real UDP sockets on 127.0.0.1 and the system clock: A
 * sends 50 packets/s to B; A's SRs reach B, B's RRs reach A, and A computes
 * the round trip from B's LSR and DLSR: small, as loopback is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { systemClock } from '../../../../reference/clock.ts';
import { RtpSession } from '../../../../reference/rtp/session/session.ts';
import type { RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';
import { PCMU } from './harness.ts';

const bound = () =>
  new Promise<Socket>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
const portOf = (s: Socket) => s.address().port;
const close = (s: Socket) => new Promise<void>((r) => s.close(() => r()));

// @tests RFC3550 P40L43-P41L1, P35L22-P35L24, P19L37-P19L39
test('A sends to B over loopback UDP: SR and RR cross, A knows its round trip to B', async () => {
  const [aRtp, aRtcp, bRtp, bRtcp] = await Promise.all([bound(), bound(), bound(), bound()]);
  const seen: { a: RtcpPacket[][]; b: RtcpPacket[][] } = { a: [], b: [] };
  // random 0: every interval is the shortest A.7 allows, so the RR on A's first SR comes within ~3 s
  const A = new RtpSession({
    clock: systemClock,
    sessionBandwidth: 64_000,
    payloadTypes: PCMU,
    random: () => 0,
    send: { rtp: (b) => aRtp.send(b, portOf(bRtp), '127.0.0.1'), rtcp: (b) => aRtcp.send(b, portOf(bRtcp), '127.0.0.1') },
  });
  const B = new RtpSession({ clock: systemClock, sessionBandwidth: 64_000, payloadTypes: PCMU, random: () => 0, send: { rtcp: (b) => bRtcp.send(b, portOf(aRtcp), '127.0.0.1') } });
  bRtp.on('message', (m, r) => B.receiveRtp(m, `${r.address}:${r.port}`));
  bRtcp.on('message', (m, r) => {
    const p = B.receiveRtcp(m, `${r.address}:${r.port}`);
    if (p) seen.b.push(p);
  });
  aRtcp.on('message', (m, r) => {
    const p = A.receiveRtcp(m, `${r.address}:${r.port}`);
    if (p) seen.a.push(p);
  });
  A.start();
  B.start();
  let n = 0;
  const sending = setInterval(() => A.sendRtp({ payloadType: 0, ticks: 160 * n++, payload: new Uint8Array(160) }), 20);
  const deadline = Date.now() + 8000;
  while (A.stats().find((s) => s.ssrc === B.ssrc)?.rtt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(sending);
  A.leave();
  B.stop();
  await new Promise((r) => setTimeout(r, 50));
  await Promise.all([aRtp, aRtcp, bRtp, bRtcp].map(close));
  await new Promise((r) => setTimeout(r, 20)); // closed handles leave the loop on a later turn
  const rtt = A.stats().find((s) => s.ssrc === B.ssrc)?.rtt;
  assert.ok(rtt !== undefined, `no round trip after 8 s; A heard ${JSON.stringify(seen.a.map((c) => c.map((p) => p.type)))}`);
  assert.ok(rtt! >= 0 && rtt! < 0.05, `rtt ${rtt} s on loopback`);
  assert.ok(seen.b.some((c) => c[0].type === 'SR'), `B heard an SR from A: ${JSON.stringify(seen.b.map((c) => c.map((p) => p.type)))}`);
  assert.ok(seen.b.some((c) => c.some((p) => p.type === 'BYE')), 'and A\'s BYE when it left');
  const fromA = B.stats().find((s) => s.ssrc === A.ssrc)!;
  assert.is(fromA.cumulativeLost, 0);
  assert.ok(fromA.packets >= 30, `${fromA.packets} packets`);
  assert.is(A.rtcpDrops.total + B.rtcpDrops.total, 0);
});

test.run();
