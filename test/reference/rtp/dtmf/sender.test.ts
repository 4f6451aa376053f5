/** The telephone-event sender (RFC 4733 §2.5.1): what it sends, and what it refuses. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dtmfSender, dtmfSenderStep, FINAL_REPORT_SENDS, type DtmfSender, type DtmfSenderEvent, type EventPacket } from '../../../../reference/rtp/dtmf/sender.ts';
import { eventPackets } from '../../../../reference/rtp/dtmf/schedule.ts';
import { DEFAULT_RECEIVER_EVENTS, eventsTheReceiverTakes } from '../../../../reference/rtp/dtmf/events.ts';
import { decodePayload, MAX_DURATION } from '../../../../reference/rtp/dtmf/payload.ts';

/** Runs the sender over events; returns every packet and the last state. */
function run(events: DtmfSenderEvent[], s: DtmfSender = dtmfSender(DEFAULT_RECEIVER_EVENTS)) {
  const packets: EventPacket[] = [];
  for (const e of events) {
    const t = dtmfSenderStep(s, e);
    packets.push(...t.packets);
    s = t.next;
  }
  return { packets, s };
}
const brief = (p: EventPacket) => ({ M: p.marker, ts: p.timestamp, dur: p.report.duration, E: p.report.end });

// @tests RFC4733 P13L3-P13L6, P13L8-P13L12, P8L24-P8L28
test('one timestamp for the whole event, durations growing, M on the first packet only, E only on the final report', () => {
  const { packets, s } = run([
    { type: 'start', event: 5, volume: 10, timestamp: 1000 },
    { type: 'tick', timestamp: 1400 },
    { type: 'tick', timestamp: 1800 },
    { type: 'tick', timestamp: 2200 },
    { type: 'end', timestamp: 2300 },
    { type: 'tick', timestamp: 2600 },
    { type: 'tick', timestamp: 3000 },
    { type: 'tick', timestamp: 3400 },
  ]);
  assert.equal(packets.map(brief), [
    { M: true, ts: 1000, dur: 400, E: false },
    { M: false, ts: 1000, dur: 800, E: false },
    { M: false, ts: 1000, dur: 1200, E: false },
    { M: false, ts: 1000, dur: 1300, E: true },
    { M: false, ts: 1000, dur: 1300, E: true },
    { M: false, ts: 1000, dur: 1300, E: true },
  ]);
  assert.is(s.name, 'Idle');
  assert.equal(decodePayload(packets[0].payload), [{ event: 5, end: false, volume: 10, duration: 400 }]);
});

// @tests RFC4733 P14L41-P14L42, P15L15-P15L20
test('the final report three times in all: with the E bit deferred, the update that had the final duration counts as the first, and the E bit, once set, stays', () => {
  const { packets } = run([
    { type: 'start', event: 1, volume: 0, timestamp: 0 },
    { type: 'tick', timestamp: 400 },
    { type: 'end', timestamp: 400 },
    { type: 'tick', timestamp: 800 },
    { type: 'tick', timestamp: 1200 },
  ]);
  assert.equal(packets.map(brief), [
    { M: true, ts: 0, dur: 400, E: false },
    { M: false, ts: 0, dur: 400, E: true },
    { M: false, ts: 0, dur: 400, E: true },
  ]);
  assert.is(FINAL_REPORT_SENDS, 3);
});

test('an event shorter than one update interval: its only report has both M and E, then two more with E', () => {
  const { packets } = run([
    { type: 'start', event: 11, volume: 7, timestamp: 100 },
    { type: 'end', timestamp: 260 },
    { type: 'tick', timestamp: 500 },
    { type: 'tick', timestamp: 900 },
    { type: 'tick', timestamp: 1300 },
  ]);
  assert.equal(packets.map(brief), [
    { M: true, ts: 100, dur: 160, E: true },
    { M: false, ts: 100, dur: 160, E: true },
    { M: false, ts: 100, dur: 160, E: true },
  ]);
});

// @tests RFC4733 P14L3-P14L5, P14L5-P14L8, P14L8-P14L9, P14L10-P14L11, P14L11-P14L13
test('a long event (200,100 units) in segments: 0xFFFF without E, each new segment from where the last ended, no M on it, E at the very end', () => {
  const due = eventPackets([{ event: 0, start: 5000, duration: 200_100, volume: 10 }], { interval: 400, allowed: DEFAULT_RECEIVER_EVENTS });
  const ps = due.map((d) => d.packet);
  const starts = [5000, 5000 + MAX_DURATION, 5000 + 2 * MAX_DURATION, 5000 + 3 * MAX_DURATION];
  assert.equal([...new Set(ps.map((p) => p.timestamp))], starts);
  assert.equal(ps.filter((p) => p.marker).length, 1);
  assert.ok(ps[0].marker);
  for (const ts of starts.slice(0, 3)) {
    const finals = ps.filter((p) => p.timestamp === ts && p.report.duration === MAX_DURATION);
    assert.is(finals.length, 3, `segment at ${ts}: its final report (0xFFFF) three times`);
    assert.ok(finals.every((p) => !p.report.end), `segment at ${ts}: no E bit`);
    const durations = ps.filter((p) => p.timestamp === ts).map((p) => p.report.duration);
    assert.ok(durations.every((d, i) => i === 0 || d >= durations[i - 1]), `segment at ${ts}: durations only grow`);
  }
  const lastSegment = ps.filter((p) => p.timestamp === starts[3]);
  assert.equal(lastSegment.slice(-3).map((p) => [p.report.duration, p.report.end]), Array(3).fill([200_100 - 3 * MAX_DURATION, true]));
  assert.ok(ps.filter((p) => p.report.end).length === 3);
});

test('timestamps wrap at 2^32: a segment begun just before the wrap is still one event', () => {
  const start = 0xffffff00;
  const { packets } = run([
    { type: 'start', event: 3, volume: 0, timestamp: start },
    { type: 'tick', timestamp: (start + 400) >>> 0 },
    { type: 'end', timestamp: (start + 500) >>> 0 },
    { type: 'tick', timestamp: (start + 800) >>> 0 },
  ]);
  assert.equal(packets.map(brief), [
    { M: true, ts: start, dur: 400, E: false },
    { M: false, ts: start, dur: 500, E: true },
  ]);
});

// @tests RFC4733 P11L38-P11L40, P11L40-P11L42
test('only the events the receiver takes: its "events" parameter, or DTMF 0-15 without one', () => {
  assert.throws(() => run([{ type: 'start', event: 16, volume: 0, timestamp: 0 }]), /start in state Idle: event 16 is not among the events the receiver takes .*RFC 4733 §2\.5\.1\.1/);
  const only = dtmfSender(eventsTheReceiverTakes('0-9'));
  assert.throws(() => run([{ type: 'start', event: 11, volume: 0, timestamp: 0 }], only), /event 11 is not among/);
  assert.is(run([{ type: 'start', event: 9, volume: 0, timestamp: 0 }], only).s.name, 'Sending');
});

test('refused loudly: what the RFC does not allow in a state', () => {
  const sending = run([{ type: 'start', event: 1, volume: 0, timestamp: 1000 }, { type: 'tick', timestamp: 1400 }]).s;
  const ending = dtmfSenderStep(sending, { type: 'end', timestamp: 1500 }).next;
  const idle = dtmfSender(DEFAULT_RECEIVER_EVENTS);
  const cases: [DtmfSender, DtmfSenderEvent, RegExp][] = [
    [idle, { type: 'tick', timestamp: 0 }, /tick in state Idle: there is no event/],
    [idle, { type: 'end', timestamp: 0 }, /end in state Idle: no event has started/],
    [sending, { type: 'start', event: 2, volume: 0, timestamp: 1500 }, /start in state Sending: event 1 is still on/],
    [sending, { type: 'tick', timestamp: 1300 }, /tick in state Sending: timestamp 1300 is before the last one \(1400\)/],
    [sending, { type: 'end', timestamp: 1300 }, /end in state Sending: .*before/],
    [ending, { type: 'start', event: 2, volume: 0, timestamp: 1600 }, /start in state Ending: the final report of event 1 is still to be sent 3 more time/],
    [ending, { type: 'end', timestamp: 1600 }, /end in state Ending: event 1 has already ended/],
    [idle, { type: 'start', event: 300, volume: 0, timestamp: 0 }, /not among/],
    [dtmfSender(new Set([200])), { type: 'start', event: 200, volume: 5, timestamp: 0 }, /event 200 has no volume: the sender MUST set volume to zero \(RFC 4733 §2\.3\.4\)/],
    [idle, { type: 'start', event: 1, volume: 64, timestamp: 0 }, /volume 64 is not 0-63/],
  ];
  for (const [s, e, why] of cases) assert.throws(() => dtmfSenderStep(s, e), why, `${s.name} + ${e.type}`);
});

// @tests RFC4733 P9L43-P9L44, P17L27-P17L31
test('never a zero duration: an event that ends where it began is refused; the first report waits for the first tick', () => {
  const started = run([{ type: 'start', event: 1, volume: 0, timestamp: 1000 }]);
  assert.equal(started.packets, []);
  assert.throws(() => dtmfSenderStep(started.s, { type: 'end', timestamp: 1000 }), /lasted 0 timestamp units, and a sender MUST NOT transmit a zero duration/);
  assert.equal(dtmfSenderStep(started.s, { type: 'tick', timestamp: 1000 }).packets, []);
});

test('the schedule refuses an event that starts before the last one\'s final report is out', () => {
  assert.throws(
    () => eventPackets([{ event: 1, start: 0, duration: 800, volume: 0 }, { event: 2, start: 1000, duration: 800, volume: 0 }], { interval: 400, allowed: DEFAULT_RECEIVER_EVENTS }),
    /event 2 starts at 1000, before the previous event's final report is sent for the third time \(1600\)/,
  );
});

test.run();
