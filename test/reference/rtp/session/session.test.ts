/**
 * Two RTP sessions on one fake clock, wired to each other with a network
 * delay: the receiver's reports (loss, jitter), the sender's SR and the round
 * trip it computes from them, collisions and loops (§8.2), timeouts (§6.3.5).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { eventPackets, type DuePacket } from '../../../../reference/rtp/dtmf/schedule.ts';
import { middle32, NTP_UNIX_OFFSET } from '../../../../reference/rtp/rtcp/ntp.ts';
import type { ReceiverReport, SenderReport } from '../../../../reference/rtp/rtcp/types.ts';
import { CNAME } from '../../../../reference/rtp/rtcp/types.ts';
import { RtpSession } from '../../../../reference/rtp/session/session.ts';
import { FakeClock, memberReport, PCMU, packets, rtpTimestamp, serializeCompound, session } from './harness.ts';

const A_RTP = '127.0.0.1:40000';
const A_RTCP = '127.0.0.1:40001';
const B_RTCP = '127.0.0.1:40003';

/** A sends 50 packets/s for `seconds` to B, dropping those `drop` says, each delayed by `delay(i)` ms; RTCP both ways. */
function call(o: { seconds: number; drop?: (i: number) => boolean; delay?: (i: number) => number }) {
  const clock = new FakeClock();
  let b: RtpSession | undefined;
  let a: RtpSession | undefined;
  let i = 0;
  const A = new RtpSession({
    clock,
    sessionBandwidth: 64_000,
    payloadTypes: PCMU,
    wallclock: () => Date.UTC(2026, 0, 1) + clock.now(),
    send: {
      rtp: (bytes) => {
        const n = i++;
        if (o.drop?.(n)) return;
        clock.setTimer(o.delay?.(n) ?? 30, () => b!.receiveRtp(bytes, A_RTP));
      },
      rtcp: (bytes) => clock.setTimer(30, () => b!.receiveRtcp(bytes, A_RTCP)),
    },
  });
  const B = new RtpSession({
    clock,
    sessionBandwidth: 64_000,
    payloadTypes: PCMU,
    wallclock: () => Date.UTC(2026, 0, 1) + clock.now(),
    send: { rtcp: (bytes) => clock.setTimer(30, () => a!.receiveRtcp(bytes, B_RTCP)) },
  });
  a = A;
  b = B;
  A.start();
  B.start();
  const packetsToSend = o.seconds * 50;
  for (let k = 0; k < packetsToSend; k++) clock.setTimer(k * 20, () => A.sendRtp({ payloadType: 0, ticks: k * 160, payload: new Uint8Array(160) }));
  clock.advance(o.seconds * 1000 + 100);
  return { clock, A, B };
}

// @tests RFC3550 P39L5-P39L14, P83L33-P83L48, P35L26-P35L28
test('every 10th packet dropped: the receiver counts 10 % lost, its RR says fraction ≈ 26/256, and the sender reads it', () => {
  const { A, B } = call({ seconds: 30, drop: (i) => i % 10 === 9 });
  const [fromA] = B.stats().filter((s) => s.ssrc === A.ssrc);
  assert.is(fromA.state, 'valid');
  assert.is(fromA.packets, 1500 - 150 - 1, 'all that came but the first, on probation');
  assert.is(fromA.octets, 160 * (1500 - 150 - 1));
  // expected counts from the second packet (the first was the probation's), to the last received
  assert.ok(Math.abs(fromA.cumulativeLost! - 149) <= 1, `cumulative lost ${fromA.cumulativeLost}`);
  assert.ok(fromA.fractionLost >= 24 && fromA.fractionLost <= 28, `fraction lost ${fromA.fractionLost}/256`);
  assert.is(B.rtpDrops.get('probation'), 1, 'the first packet of a new source is on probation (A.1)');
  assert.is(fromA.jitter, 0, 'a constant delay has no jitter');
  const heard = A.stats().find((s) => s.ssrc === B.ssrc)!.reportOnUs!;
  assert.ok(heard.fractionLost >= 24 && heard.fractionLost <= 28, `the sender reads ${heard.fractionLost}/256`);
  assert.ok(heard.cumulativeLost > 100);
});

// @tests RFC3550 P40L43-P41L1, P40L31-P40L41, P35L22-P35L24, P38L28-P38L37
test('SR and RR: the sender\'s counts, LSR echoing its NTP time, and the round trip from A - LSR - DLSR', () => {
  const { A, B } = call({ seconds: 20 });
  const fromB = A.stats().find((s) => s.ssrc === B.ssrc)!;
  assert.ok(fromB.rtt !== undefined, 'A heard an RR on its SR');
  assert.ok(Math.abs(fromB.rtt! - 0.06) < 0.001, `rtt ${fromB.rtt} s, the network adds 30 ms each way`);
  const fromA = B.stats().find((s) => s.ssrc === A.ssrc)!;
  assert.is(fromA.packets, 999);
  const entry = B.table.entries.get(A.ssrc)!;
  assert.ok(entry.lastSr && entry.lastSr.lsr !== 0, 'B kept the middle 32 bits of the last SR');
});

// @tests RFC3550 P40L11-P40L16, P94L13-P94L19
test('jitter: delays alternating 30 and 40 ms give D = 80 units each time; J approaches 80 (10 ms)', () => {
  const { A, B } = call({ seconds: 10, delay: (i) => (i % 2 ? 40 : 30) });
  const s = B.stats().find((x) => x.ssrc === A.ssrc)!;
  assert.ok(s.jitter >= 78 && s.jitter <= 80, `jitter ${s.jitter}`);
  assert.ok(Math.abs(s.jitterMs! - 10) < 0.3, `jitter ${s.jitterMs} ms`);
});

const rtpFrom = (ssrc: number, seq: number, pt = 0) => serializeRtp({ marker: false, payloadType: pt, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrc: [], payload: new Uint8Array(160), padding: 0 });

// @tests RFC3550 P14L19-P14L20
test('a payload type the session does not understand is ignored and counted', () => {
  const { s } = session(new FakeClock());
  assert.is(s.receiveRtp(rtpFrom(5, 1, 96), A_RTP), undefined);
  assert.is(s.rtpDrops.get('payload-type'), 1);
});

// @tests RFC3550 P60L7-P60L12, P63L16-P63L42, P64L18-P64L22, P61L24-P61L30
test('§8.2: our SSRC from elsewhere: one BYE for the old SSRC and a new one; the same loop again only counts', () => {
  const clock = new FakeClock();
  const { s, rtcp } = session(clock, { random: () => 0.5 });
  s.start();
  clock.advance(3000); // a report went out: we have sent
  const old = s.ssrc;
  s.receiveRtp(rtpFrom(old, 7), '127.0.0.1:9999');
  assert.not.equal(s.ssrc, old);
  assert.is(s.counts.collisions, 1);
  const bye = packets(rtcp[rtcp.length - 1].bytes);
  assert.equal(bye.map((p) => p.type), ['RR', 'SDES', 'BYE']);
  assert.equal((bye[2] as { sources: number[] }).sources, [old]);
  assert.equal((bye[0] as ReceiverReport).ssrc, old);
  assert.ok(s.table.entries.has(old), 'the old SSRC is now the other source\'s');
  // Our new SSRC looped back from that address: counted, no second BYE, no new SSRC.
  const now = s.ssrc;
  const before = rtcp.length;
  s.receiveRtp(rtpFrom(now, 8), '127.0.0.1:9999');
  assert.is(s.ssrc, now);
  assert.is(rtcp.length, before);
  assert.is(s.rtpDrops.get('own-loop'), 1);
  assert.is(s.table.counts.ownLoops, 1);
});

// @tests RFC3550 P60L13-P60L16, P63L3-P63L14, P61L13-P61L17, P64L9-P64L16
test('§8.2: a third party\'s SSRC from a second address is a loop (or, with another CNAME, a collision); the first address keeps it', () => {
  const clock = new FakeClock();
  const { s } = session(clock);
  for (let k = 1; k <= 3; k++) s.receiveRtp(rtpFrom(42, k), '127.0.0.1:5000');
  assert.is(s.receiveRtp(rtpFrom(42, 4), '127.0.0.1:6000'), undefined);
  assert.is(s.rtpDrops.get('third-party-loop'), 1);
  assert.ok(s.receiveRtp(rtpFrom(42, 4), '127.0.0.1:5000'));
  const sdes = (cname: string) =>
    serializeCompound([{ type: 'RR', ssrc: 43, reports: [], extension: new Uint8Array() }, { type: 'SDES', chunks: [{ ssrc: 42, items: [{ type: CNAME, text: cname }] }, { ssrc: 43, items: [{ type: CNAME, text: 'x' }] }] }]);
  s.receiveRtcp(sdes('first'), '127.0.0.1:5001');
  s.receiveRtcp(sdes('other'), '127.0.0.1:7001');
  assert.is(s.table.counts.thirdPartyCollisions, 1);
  assert.is(s.table.entries.get(42)!.cname, 'first');
  // A telephone that moved: once the old address is quiet, the new one is taken.
  clock.advance(5000);
  assert.ok(s.receiveRtp(rtpFrom(42, 5), '127.0.0.1:6000'));
});

// @tests RFC3550 P32L16-P32L26, P28L13-P28L15
test('§6.3.5: a member silent for 5 Td is timed out; a BYE removes one at once and keeps stragglers out', () => {
  const clock = new FakeClock();
  const { s } = session(clock, { random: () => 0.5 });
  s.start();
  s.receiveRtcp(memberReport(7), '127.0.0.1:5001');
  s.receiveRtcp(memberReport(8), '127.0.0.1:5003');
  assert.is(s.timing?.state === 'Reporting' && s.timing.members, 3);
  for (let k = 0; k < 10; k++) {
    clock.advance(1000);
    s.receiveRtcp(memberReport(8), '127.0.0.1:5003');
  }
  clock.advance(16_000); // 26 s of silence from 7: more than 5 × 5 s
  s.receiveRtcp(memberReport(8), '127.0.0.1:5003');
  clock.advance(6000);
  assert.not.ok(s.table.entries.has(7), 'timed out');
  assert.ok(s.table.entries.has(8));
  s.receiveRtcp(memberReport(8, true), '127.0.0.1:5003');
  assert.is(s.timing?.state === 'Reporting' && s.timing.members, 1);
  for (let k = 1; k <= 3; k++) s.receiveRtp(rtpFrom(8, k), '127.0.0.1:5002');
  assert.is(s.rtpDrops.get('after-bye'), 3, 'straggler data after the BYE does not recreate the member');
});

// @tests RFC3550 P35L35-P35L40, P23L5-P23L10
test('more sources than fit: each report carries maxReportBlocks of them, round-robin until all are reported', () => {
  const clock = new FakeClock();
  const { s, rtcp } = session(clock, { random: () => 0.5, maxReportBlocks: 4 });
  s.start();
  const reported = new Set<number>();
  for (let round = 0; round < 4; round++) {
    for (let src = 1; src <= 10; src++) for (let k = 1; k <= 3; k++) s.receiveRtp(rtpFrom(src, round * 3 + k), `127.0.0.1:${6000 + src}`);
    const n = rtcp.length;
    while (rtcp.length === n) clock.advance(100);
    const first = packets(rtcp[rtcp.length - 1].bytes)[0] as ReceiverReport | SenderReport;
    assert.is(first.reports.length, 4);
    for (const r of first.reports) reported.add(r.ssrc);
  }
  assert.is(reported.size, 10);
});

test('an SR carries the sender information; its RTP timestamp follows the media clock from the last packet', () => {
  const clock = new FakeClock();
  const { s, rtcp } = session(clock, { random: () => 0.5 });
  s.start();
  for (let k = 0; k < 100; k++) clock.setTimer(k * 20, () => s.sendRtp({ payloadType: 0, ticks: k * 160, payload: new Uint8Array(160) }));
  clock.advance(2000);
  const n = rtcp.length;
  while (rtcp.length === n) clock.advance(10);
  const sr = packets(rtcp[rtcp.length - 1].bytes)[0] as SenderReport;
  assert.is(sr.type, 'SR');
  assert.is(sr.sender.packetCount, 100);
  assert.is(sr.sender.octetCount, 16000);
  assert.ok(middle32({ seconds: sr.sender.ntpSeconds, fraction: sr.sender.ntpFraction }) !== 0);
});

// @tests RFC3550 P35L22-P35L24, P29L25-P29L26, P22L1-P22L10
test('the BYE of a participant that sent data is an SR with its final counts: at once, and after §6.3.7\'s back-off above 50 members', () => {
  for (const others of [1, 60]) {
    const clock = new FakeClock();
    const { s, rtcp } = session(clock, { random: () => 0.5 });
    s.start();
    for (let i = 1; i <= others; i++) s.receiveRtcp(memberReport(i), `127.0.0.1:${10000 + i}`);
    for (let k = 0; k < 200; k++) clock.setTimer(k * 20, () => s.sendRtp({ payloadType: 0, ticks: k * 160, payload: new Uint8Array(160) }));
    clock.advance(4000);
    const reports = rtcp.length;
    assert.ok(reports >= 1, 'a report went out while sending');
    s.leave('done');
    assert.is(s.timing?.state, others > 50 ? 'Leaving' : 'Left');
    clock.advance(60_000);
    assert.is(rtcp.length, reports + 1, 'the BYE, and nothing after it');
    const bye = packets(rtcp.at(-1)!.bytes);
    assert.equal(bye.map((p) => p.type), ['SR', 'SDES', 'BYE'], `with ${others} other member(s)`);
    assert.equal([(bye[0] as SenderReport).sender.packetCount, (bye[0] as SenderReport).sender.octetCount], [200, 200 * 160]);
  }
});

/** The Unix time, in ms, of an SR's NTP timestamp. */
const unixMsOf = (sr: SenderReport) => (sr.sender.ntpSeconds - NTP_UNIX_OFFSET + sr.sender.ntpFraction / 2 ** 32) * 1000;

// @tests RFC3550 P38L14-P38L17, P38L20-P38L26
test('each SR\'s RTP timestamp is the media clock at its NTP time, also while telephone-event updates repeat their event\'s start timestamp', () => {
  const clock = new FakeClock();
  const EVENTS = 101;
  const { s, rtcp, rtp } = session(clock, { random: () => 0.5, payloadTypes: new Map([[0, 8000], [EVENTS, 8000]]) });
  const wallclock = (ms: number) => Date.UTC(2026, 0, 1) + ms; // the harness's
  s.start();
  // A 500 ms digit every 600 ms for 20 s, sent in place of the audio of those instants, as `rtp send` does.
  const digits = Array.from({ length: 33 }, (_, i) => ({ event: 5, start: 800 + i * 4800, duration: 4000, volume: 10 }));
  const due = new Map<number, DuePacket[]>();
  for (const d of eventPackets(digits, { interval: 160, allowed: new Set([5]) })) due.set(d.at / 160, [...(due.get(d.at / 160) ?? []), d]);
  const lag = new Map<Uint8Array, number>(); // each event update sent: how far its instant is past its timestamp
  for (let n = 0; n < 1000; n++) {
    clock.setTimer(n * 20, () => {
      for (const d of due.get(n) ?? []) {
        const bytes = s.sendRtp({ payloadType: EVENTS, ticks: d.packet.timestamp, instant: d.at, payload: d.packet.payload, marker: d.packet.marker });
        lag.set(bytes, d.at - d.packet.timestamp);
      }
      if (!due.has(n)) s.sendRtp({ payloadType: 0, ticks: n * 160, payload: new Uint8Array(160) });
    });
  }
  clock.advance(20_000);
  s.leave('done');
  const base = rtpTimestamp(rtp[0].bytes); // the first packet, audio, sampled at 0 ms
  const t0 = wallclock(rtp[0].at);
  const srs = rtcp.map((r) => ({ at: r.at, sr: packets(r.bytes)[0] as SenderReport })).filter((r) => r.sr.type === 'SR');
  assert.ok(srs.length >= 4, `${srs.length} SRs in 20 s`);
  let duringEvents = 0;
  for (const { at, sr } of srs) {
    const expected = (base + Math.round(((unixMsOf(sr) - t0) * 8000) / 1000)) % 2 ** 32;
    const off = ((sr.sender.rtpTimestamp - expected + 2 ** 31) % 2 ** 32 + 2 ** 32) % 2 ** 32 - 2 ** 31;
    const last = rtp.filter((p) => p.at <= at).at(-1)!;
    if ((lag.get(last.bytes) ?? 0) >= 800) duringEvents++;
    assert.ok(Math.abs(off) <= 1, `SR at ${at} ms: RTP timestamp ${off} units off the media clock (the last packet ${lag.has(last.bytes) ? `an event update ${lag.get(last.bytes)} units past its timestamp` : 'audio'})`);
  }
  assert.ok(duringEvents >= 1, `an SR went out 100 ms or more into an event (${duringEvents} of ${srs.length})`);
});

test('sendRtp refuses a timestamp or instant that is not a whole number of clock units, naming which, and sends nothing', () => {
  const { s, rtp } = session(new FakeClock());
  const send = (m: { ticks: number; instant?: number }) => () => s.sendRtp({ payloadType: 0, payload: new Uint8Array(160), ...m });
  assert.throws(send({ ticks: 0, instant: Number.NaN }), /instant NaN is not a whole number of clock units/);
  assert.throws(send({ ticks: 160, instant: 12.5 }), /instant 12.5 /);
  assert.throws(send({ ticks: -160 }), /ticks -160 /);
  assert.is(rtp.length, 0);
  send({ ticks: 160, instant: 480 })();
  assert.is(rtp.length, 1);
});

test('after stop() nothing restarts the timer: a BYE that pulls tn in sets no timer, so nothing is sent on a closed socket', () => {
  const clock = new FakeClock();
  const { s, rtcp } = session(clock, { random: () => 0.5 });
  s.start();
  s.receiveRtcp(memberReport(7, false), '127.0.0.1:5001');
  clock.advance(10_000);
  s.stop();
  assert.is(clock.pending, 0);
  const sent = rtcp.length;
  s.receiveRtcp(memberReport(7, true), '127.0.0.1:5001'); // reverse reconsideration would reschedule
  assert.is(clock.pending, 0);
  clock.advance(60_000);
  assert.is(rtcp.length, sent);
  assert.is(s.stats().find((x) => x.ssrc === 7)?.state, 'bye', 'what arrives is still taken in');
});

// @tests RFC5761 P7L9-P7L12, P5L35-P5L38
test('rtcpMux: one port for both, told apart by packet type; payload types 64-95 refused', () => {
  const clock = new FakeClock();
  assert.throws(() => session(clock, { rtcpMux: true, payloadTypes: new Map([[0, 8000], [72, 8000]]) }), /payload type 72 .*MUST NOT/);
  const { s } = session(clock, { rtcpMux: true });
  for (let k = 1; k <= 3; k++) s.receive(rtpFrom(9, k), '127.0.0.1:5000');
  s.receive(serializeCompound([{ type: 'RR', ssrc: 9, reports: [], extension: new Uint8Array() }, { type: 'SDES', chunks: [{ ssrc: 9, items: [{ type: CNAME, text: 'nine' }] }] }]), '127.0.0.1:5000');
  const nine = s.stats().find((x) => x.ssrc === 9)!;
  assert.equal([nine.packets, nine.cname], [2, 'nine']);
  assert.throws(() => session(clock).s.receive(rtpFrom(9, 1), '127.0.0.1:5000'), /not made with rtcpMux/);
});

// @tests RFC3550 P62L17-P62L24
test('§8.2: the list of conflicting addresses stays bounded whatever arrives', () => {
  const clock = new FakeClock();
  const { s } = session(clock);
  for (let port = 1; port <= 500; port++) s.receiveRtp(rtpFrom(s.ssrc, port), `127.0.0.1:${port}`);
  assert.ok(s.table.conflicting.size <= 64, `${s.table.conflicting.size} addresses kept`);
  assert.is(s.counts.collisions, 500);
});

// @tests RFC3550 P31L12-P31L13
test('CSRCs of valid packets are members, kept alive while they keep appearing', () => {
  const clock = new FakeClock();
  const { s } = session(clock, { random: () => 0.5 });
  s.start();
  const mixed = (seq: number) => serializeRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 50, csrc: [51, 52], payload: new Uint8Array(160), padding: 0 });
  for (let k = 1; k <= 2000; k++) {
    clock.advance(20);
    s.receiveRtp(mixed(k), '127.0.0.1:5000');
  }
  const first = s.table.entries.get(51);
  clock.advance(20);
  s.receiveRtp(mixed(2001), '127.0.0.1:5000');
  assert.is(s.table.entries.get(51), first, 'the same entry, never timed out and made again');
  assert.is(first?.lastHeard, clock.now(), 'heard in the last packet');
  assert.ok(s.table.entries.get(52)?.member);
  assert.is(s.timing?.state === 'Reporting' && s.timing.members, 4);
});

test.run();
