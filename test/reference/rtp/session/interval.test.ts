/** A.7 and §6.3: the RTCP transmission interval, its figures, and the timer on a fake clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { COMPENSATION, deterministicInterval, rtcpBandwidth, rtcpInterval, RTCP_MIN_TIME, RTCP_SENDER_BW_FRACTION, type IntervalInputs } from '../../../../reference/rtp/session/interval.ts';
import { timingStep, startTiming, type Timing } from '../../../../reference/rtp/session/timing.ts';
import { FakeClock, fixed, memberReport as from, packets, session } from './harness.ts';

const base: IntervalInputs = { members: 2, senders: 0, rtcpBw: 400, weSent: false, avgRtcpSize: 100, initial: false };

// @tests RFC3550 P89L22, P89L31-P89L32, P89L37, P30L31-P30L33, P25L6-P25L9
test('A.7: the constants are the RFC\'s, read from its rtcp_interval()', async () => {
  const text = (await realDoc('RFC3550')).lines.map((l) => l.text).join('\n');
  assert.is(RTCP_MIN_TIME, Number(/RTCP_MIN_TIME = ([\d.]+);/.exec(text)![1]));
  assert.is(RTCP_SENDER_BW_FRACTION, Number(/RTCP_SENDER_BW_FRACTION = ([\d.]+);/.exec(text)![1]));
  const [, e, minus] = /COMPENSATION = ([\d.]+) - ([\d.]+);/.exec(text)!;
  assert.is(COMPENSATION, Number(e) - Number(minus));
  assert.ok(Math.abs(COMPENSATION - Number(/e-3\/2=([\d.]+)/.exec(text)![1])) < 1e-9, '§6.3.1 prints e-3/2=1.21828');
  assert.is(rtcpBandwidth(64_000), 400, '5 % of 64 kb/s, in octets per second');
});

// @tests RFC3550 P30L22-P30L26, P89L43-P90L4, P26L1-P26L14, P90L30-P90L31
test('A.7: a small session gets the 5 s minimum, halved to 2.5 s before the first report', () => {
  assert.is(deterministicInterval(base), 5);
  assert.is(deterministicInterval({ ...base, initial: true }), 2.5);
  assert.is(rtcpInterval(base, fixed(0.5)), 5 / COMPENSATION);
});

// @tests RFC3550 P30L1-P30L13, P90L5-P90L19, P27L1-P27L4
test('A.7: above the minimum the interval is n·C, receivers sharing 75 % and senders 25 % while senders are at most a quarter', () => {
  const big = { ...base, members: 1000, senders: 1 };
  assert.is(deterministicInterval(big), (100 * 999) / (0.75 * 400), 'a receiver: 999 receivers share 300 octets/s');
  assert.is(deterministicInterval({ ...big, weSent: true }), 5, 'the one sender: 100 octets at 100 octets/s is below the minimum');
  assert.is(deterministicInterval({ ...big, senders: 200, weSent: true }), (100 * 200) / 100);
  assert.is(deterministicInterval({ ...base, members: 400, senders: 200 }), (100 * 400) / 400, 'half are senders: all share all of it');
  assert.throws(() => deterministicInterval({ ...base, members: 0 }), /at least one member/);
  assert.throws(() => deterministicInterval({ ...base, rtcpBw: 0 }), /must be positive/);
});

// @tests RFC3550 P30L28-P30L33, P27L6-P27L10, P90L33-P90L40, P28L42-P28L45
test('A.7: T is uniform over [0.5, 1.5] × Td, divided by e - 3/2', () => {
  const td = 5;
  assert.is(rtcpInterval(base, fixed(0)), (0.5 * td) / COMPENSATION);
  assert.ok(Math.abs(rtcpInterval(base, fixed(1 - 2 ** -53)) - (1.5 * td) / COMPENSATION) < 1e-9);
  const draws = Array.from({ length: 20_000 }, () => rtcpInterval(base, Math.random) * COMPENSATION);
  const [lo, hi] = [Math.min(...draws), Math.max(...draws)];
  assert.ok(lo >= 2.5 && lo < 2.6 && hi < 7.5 && hi > 7.4, `range [${lo}, ${hi}]`);
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  assert.ok(Math.abs(mean - td) < 0.05, `mean ${mean}`);
});

// @tests RFC3550 P30L43-P31L3, P91L34-P92L18, P32L36-P33L8
test('§6.3.2, A.7 OnExpire on a fake clock: reports at T(initial), then timer reconsideration against tp', () => {
  const clock = new FakeClock();
  const { s, rtcp } = session(clock, { random: fixed(0.5) });
  s.start();
  clock.advance(20_000);
  const t1 = 2.5 / COMPENSATION;
  const t2 = t1 + 5 / COMPENSATION; // redrawn with initial still set (A.7), then reconsidered against tp when it fires
  const at = rtcp.map((r) => r.at / 1000);
  assert.ok(Math.abs(at[0] - t1) < 1e-6, `first report at ${at[0]} s, expected ${t1}`);
  assert.ok(Math.abs(at[1] - t2) < 1e-6, `second at ${at[1]} s, expected ${t2}`);
  assert.ok(Math.abs(at[2] - at[1] - 5 / COMPENSATION) < 1e-6);
  assert.is(at.length, 5, '2.05, 6.16, 10.26, 14.36, 18.47 s');
  for (const r of rtcp) assert.equal(packets(r.bytes).map((p) => p.type), ['RR', 'SDES'], 'an empty RR and the CNAME: nothing sent, nothing heard');
});

// @tests RFC3550 P27L17-P27L27, P31L9-P31L13, P92L36-P92L42, P30L43-P30L44
test('timer reconsideration: members heard before the timer fires push the first report back', () => {
  const clock = new FakeClock();
  clock.advance(100_000); // joining long after the clock's origin: tp and tc still start at 0 (§6.3.2)
  const { s, rtcp } = session(clock, { random: fixed(0.5) });
  s.start();
  for (let i = 1; i <= 300; i++) s.receiveRtcp(from(i), `127.0.0.1:${10000 + i}`);
  const t = s.timing as Timing;
  assert.is(t.members, 301);
  clock.advance(2100);
  assert.is(rtcp.length, 0, 'not sent at the first expiry: tp + T > tc');
  const T = rtcpInterval({ members: 301, senders: 0, rtcpBw: 400, weSent: false, avgRtcpSize: (s.timing as Timing).avgRtcpSize, initial: true }, fixed(0.5));
  assert.ok(Math.abs((s.timing as Timing).tn - T) < 1e-9, 'rescheduled at tp + T with tp = 0');
  clock.advance(T * 1000);
  assert.is(rtcp.length, 1);
});

// @tests RFC3550 P31L26-P32L4, P93L4-P93L28
test('reverse reconsideration: BYEs bring tn and tp in by members/pmembers', () => {
  const clock = new FakeClock();
  const { s } = session(clock, { random: fixed(0.5) });
  s.start();
  for (let i = 1; i <= 100; i++) s.receiveRtcp(from(i), `127.0.0.1:${10000 + i}`);
  clock.advance(2100); // the first expiry: pmembers = members = 101
  const before = s.timing as Timing;
  assert.is(before.pmembers, 101);
  const tc = clock.now() / 1000;
  for (let i = 1; i <= 50; i++) s.receiveRtcp(from(i, true), `127.0.0.1:${10000 + i}`);
  const after = s.timing as Timing;
  assert.is(after.members, 51);
  assert.is(after.pmembers, 51);
  // Applied once per BYE: each step scales by (m-1)/m, so the product telescopes to 51/101.
  assert.ok(Math.abs(after.tn - (tc + (51 / 101) * (before.tn - tc))) < 1e-9, `tn ${after.tn}`);
  assert.ok(Math.abs(after.tp - (tc - (51 / 101) * (tc - before.tp))) < 1e-9);
});

// @tests RFC3550 P34L6-P34L7, P34L1-P34L3, P33L12-P33L25, P91L16-P91L32
test('§6.3.7: no BYE from one who never sent; at once in a small session; backed off above 50 members', () => {
  const c1 = new FakeClock();
  const quiet = session(c1, { random: fixed(0.5) });
  quiet.s.start();
  c1.advance(1000); // before the first report
  quiet.s.leave();
  assert.is(quiet.rtcp.length, 0, 'never sent RTP or RTCP: no BYE');
  assert.is(quiet.s.timing?.state, 'Left');
  c1.advance(60_000);
  assert.is(quiet.rtcp.length, 0, 'and no report after leaving');

  const c2 = new FakeClock();
  const small = session(c2, { random: fixed(0.5) });
  small.s.start();
  c2.advance(3000); // one report out
  small.s.leave('done');
  assert.equal(packets(small.rtcp[small.rtcp.length - 1].bytes).map((p) => p.type), ['RR', 'SDES', 'BYE']);
  assert.throws(() => small.s.leave(), /after the BYE/);
  // Others' reports go on arriving after our BYE: counted like any, and nothing is sent or thrown.
  const sent = small.rtcp.length;
  small.s.receiveRtcp(from(1), '127.0.0.1:10001');
  small.s.receiveRtcp(new Uint8Array([0x80, 0xc9, 0x00]), '127.0.0.1:10001');
  assert.is(small.s.rtcpDrops.total, 1, 'the torn one is counted as dropped');
  c2.advance(60_000);
  assert.is(small.rtcp.length, sent, 'no report after leaving');

  const c3 = new FakeClock();
  const big = session(c3, { random: fixed(0.5) });
  big.s.start();
  for (let i = 1; i <= 60; i++) big.s.receiveRtcp(from(i), `127.0.0.1:${10000 + i}`);
  c3.advance(60_000);
  const reports = big.rtcp.length;
  assert.ok(reports >= 1);
  big.s.leave();
  assert.is(big.rtcp.length, reports, 'not at once: 61 members');
  const t = big.s.timing as Timing;
  assert.equal([t.state, t.members, t.pmembers, t.senders, t.initial], ['Leaving', 1, 1, 0, true]);
  c3.advance(((t.tn - c3.now() / 1000) * 1000) + 1);
  assert.equal(packets(big.rtcp[big.rtcp.length - 1].bytes).map((p) => p.type), ['RR', 'SDES', 'BYE']);
});

// @tests RFC3550 P30L43-P31L3, P31L5
test('§6.3.2: what was heard before joining counts from the start; leaving before joining is refused', () => {
  const clock = new FakeClock();
  const { s } = session(clock, { random: fixed(0.5) });
  for (let i = 1; i <= 3; i++) s.receiveRtcp(from(i), `127.0.0.1:${10000 + i}`);
  s.sendRtp({ payloadType: 0, ticks: 0, payload: new Uint8Array(160) });
  assert.throws(() => s.leave(), /leave\(\) before start\(\)/);
  s.start();
  const t = s.timing as Timing;
  assert.equal([t.members, t.pmembers, t.senders, t.weSent], [4, 4, 1, true]);
});

test('the timing machine refuses what §6.3.7 does not allow, loudly', () => {
  const { next } = startTiming({ tc: 0, rtcpBw: 400, avgRtcpSize: 100 }, fixed(0.5));
  const left = timingStep(next, { type: 'leave', tc: 1, size: 60, everSent: true }, fixed(0.5)).next;
  assert.is(left.state, 'Left');
  assert.throws(() => timingStep(left, { type: 'expire', tc: 2 }, fixed(0.5)), /after the BYE/);
  const leaving = timingStep({ ...(next as Timing), members: 100 }, { type: 'leave', tc: 1, size: 60, everSent: true }, fixed(0.5)).next;
  assert.is(leaving.state, 'Leaving');
  assert.throws(() => timingStep(leaving, { type: 'leave', tc: 2, size: 60, everSent: true }, fixed(0.5)), /already scheduled/);
});

test.run();
