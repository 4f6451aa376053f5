/**
 * The telephone-event receiver (RFC 4733 §2.5.2) on the packets our sender
 * makes for RFC 4733 §5's "911" example (read from the RFC), delivered as a
 * network may: in order, twice each, reordered, with the end packets or the
 * first packet lost.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dtmfReceiver, dtmfReceiverStep, type DtmfReceiver, type DtmfReceiverInput, type Notice } from '../../../../reference/rtp/dtmf/receiver.ts';
import { eventPackets, type DuePacket } from '../../../../reference/rtp/dtmf/schedule.ts';
import { DEFAULT_RECEIVER_EVENTS } from '../../../../reference/rtp/dtmf/events.ts';
import { encodePayload, encodeReport, MAX_DURATION } from '../../../../reference/rtp/dtmf/payload.ts';

const unitsPerMs = 8;
/** The "911" of RFC 4733 §5 (the table is checked against the RFC in rfcExamples.test.ts): digit, start, duration in units, 50 ms updates. */
const NINE_ONE_ONE = eventPackets(
  [
    { event: 9, start: 0, duration: 1600, volume: 10 },
    { event: 1, start: 7040, duration: 2000, volume: 10 },
    { event: 1, start: 11200, duration: 1760, volume: 10 },
  ],
  { interval: 400, allowed: DEFAULT_RECEIVER_EVENTS },
);
const EXPECTED = [
  { event: 9, timestamp: 0, duration: 1600, volume: 10 },
  { event: 1, timestamp: 7040, duration: 2000, volume: 10 },
  { event: 1, timestamp: 11200, duration: 1760, volume: 10 },
];

/** Feeds packets (arriving at their due time + `delay` ms), ticking every 10 ms until 500 ms after the last. */
function receive(due: readonly (DuePacket & { delay?: number })[], r: DtmfReceiver = dtmfReceiver(DEFAULT_RECEIVER_EVENTS)) {
  const notices: Notice[] = [];
  const step = (input: DtmfReceiverInput) => {
    const t = dtmfReceiverStep(r, input);
    notices.push(...t.notices);
    r = t.next;
  };
  const arrivals = due.map((d) => ({ ...d, arrival: d.at / unitsPerMs + (d.delay ?? 0) })).sort((a, b) => a.arrival - b.arrival);
  let now = 0;
  for (const d of arrivals) {
    for (; now < d.arrival; now += 10) step({ type: 'tick', now });
    step({ type: 'packet', marker: d.packet.marker, timestamp: d.packet.timestamp, payload: d.packet.payload, arrival: d.arrival });
  }
  for (const end = now + 500; now <= end; now += 10) step({ type: 'tick', now });
  const ended = notices.flatMap((n) => (n.type === 'ended' ? [{ ...n.event, by: n.by }] : []));
  const began = notices.flatMap((n) => (n.type === 'began' ? [n] : []));
  const ignored = notices.flatMap((n) => (n.type === 'ignored' ? [n.why] : []));
  return { ended, began, ignored, r };
}

// @tests RFC4733 P17L10-P17L13, P18L12-P18L14
test('in order: three events, each ended by its E bit, at the durations the reports give', () => {
  const { ended, began, ignored } = receive(NINE_ONE_ONE);
  assert.equal(ended, EXPECTED.map((e) => ({ ...e, by: 'E bit' })));
  assert.equal(began.map((b) => b.marker), [true, true, true]);
  // What comes after each event's first E bit is ignored, said so: one
  // report each for the two whose E bit was deferred, two for the last.
  assert.is(ignored.length, 4);
  assert.ok(ignored.every((w) => /the event has already ended/.test(w)), ignored.join('\n'));
});

// @tests RFC4733 P17L37-P17L37, P18L1-P18L3
test('every packet twice: the same three events, never started again', () => {
  const twice = NINE_ONE_ONE.flatMap((d) => [d, { ...d, delay: 3 }]);
  const { ended, began } = receive(twice);
  assert.equal(ended, EXPECTED.map((e) => ({ ...e, by: 'E bit' })));
  assert.is(began.length, 3);
});

/** A seeded PRNG (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('reordered (each packet delayed 0-60 ms at random, so neighbours swap; 50 seeds): the same events at the same durations', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const rnd = random(seed);
    const { ended } = receive(NINE_ONE_ONE.map((d) => ({ ...d, delay: rnd() * 60 })));
    assert.equal(ended.map(({ by: _, ...e }) => e), EXPECTED, `seed ${seed}`);
  }
});

// @tests RFC4733 P17L22, P17L33-P17L34
test('all three end packets lost: each event ends three interarrival times (3 × 50 ms) after its last report, at the duration last reported', () => {
  const lost = NINE_ONE_ONE.filter((d) => !d.packet.report.end);
  const { ended } = receive(lost);
  assert.equal(ended.map((e) => [e.event, e.timestamp, e.duration, e.by]), [
    [9, 0, 1600, 'timeout'], // the E-less first sending of its final report got through
    [1, 7040, 2000, 'timeout'],
    [1, 11200, 1600, 'timeout'], // its final report (1760) never came: the last update's duration
  ]);
  const last = lost[lost.length - 1].at / unitsPerMs;
  let r = dtmfReceiver(DEFAULT_RECEIVER_EVENTS);
  for (const d of lost) r = dtmfReceiverStep(r, { type: 'packet', marker: d.packet.marker, timestamp: d.packet.timestamp, payload: d.packet.payload, arrival: d.at / unitsPerMs }).next;
  assert.is(dtmfReceiverStep(r, { type: 'tick', now: last + 150 }).next.name, 'Playing');
  assert.is(dtmfReceiverStep(r, { type: 'tick', now: last + 151 }).next.name, 'Silent');
});

// @tests RFC4733 P17L15-P17L17
test('end packets lost, the next event soon after: its first report ends the one before', () => {
  const p = (event: number, timestamp: number, duration: number, arrival: number) =>
    ({ type: 'packet' as const, marker: duration === 400, timestamp, payload: encodeReport({ event, end: false, volume: 0, duration }), arrival });
  let r = dtmfReceiver(DEFAULT_RECEIVER_EVENTS);
  const notices: Notice[] = [];
  for (const input of [p(7, 0, 400, 50), p(7, 0, 800, 100), p(8, 1200, 400, 200)]) {
    const t = dtmfReceiverStep(r, input);
    notices.push(...t.notices);
    r = t.next;
  }
  assert.equal(notices.filter((n) => n.type === 'ended'), [{ type: 'ended', event: { event: 7, timestamp: 0, duration: 800, volume: 0 }, by: 'next event' }]);
  assert.is(r.name === 'Playing' && r.playing.event, 8);
  // An old report of the event before, arriving now, does not start it again.
  const late = dtmfReceiverStep(r, p(7, 0, 600, 210));
  assert.match(JSON.stringify(late.notices), /the event has already ended/);
});

// @tests RFC4733 P17L42-P17L45, P18L5-P18L7
test('the first packet (with M) lost: the event is still played, from the timestamp its reports give', () => {
  const { ended, began } = receive(NINE_ONE_ONE.filter((d) => !d.packet.marker || d.packet.report.event !== 9));
  assert.equal(ended, EXPECTED.map((e) => ({ ...e, by: 'E bit' })));
  assert.equal(began.map((b) => b.marker), [false, true, true]);
});

test('an update older than one already heard changes nothing (durations only grow)', () => {
  const p = (duration: number, end = false) => ({ type: 'packet' as const, marker: false, timestamp: 0, payload: encodeReport({ event: 4, end, volume: 0, duration }), arrival: 0 });
  let r = dtmfReceiverStep(dtmfReceiver(DEFAULT_RECEIVER_EVENTS), p(800)).next;
  const late = dtmfReceiverStep(r, p(400));
  assert.match((late.notices[0] as { why: string }).why, /duration 400 arrived after 800 \(out of order\)/);
  r = late.next;
  const done = dtmfReceiverStep(r, p(1200, true));
  assert.equal(done.notices, [{ type: 'ended', event: { event: 4, timestamp: 0, duration: 1200, volume: 0 }, by: 'E bit' }]);
});

// @tests RFC4733 P18L30-P18L38, P18L40-P18L44
test('a long event in segments is one event of the total duration, on segments in order or a lost 0xFFFF report', () => {
  const long = eventPackets([{ event: 0, start: 1000, duration: 150_000, volume: 0 }], { interval: 400, allowed: DEFAULT_RECEIVER_EVENTS });
  assert.equal(receive(long).ended, [{ event: 0, timestamp: 1000, duration: 150_000, volume: 0, by: 'E bit' }]);
  // Without any report of 0xFFFF (the segments' finals all lost), the timestamps still join them.
  const gaps = long.filter((d) => d.packet.report.duration !== MAX_DURATION);
  assert.equal(receive(gaps).ended, [{ event: 0, timestamp: 1000, duration: 150_000, volume: 0, by: 'E bit' }]);
});

// @tests RFC4733 P9L44-P9L46, P9L17-P9L18, P9L27-P9L28
test('ignored, with why: zero duration, an event not offered, a malformed payload; the R bit and a volume without meaning are not read', () => {
  const r = dtmfReceiver(new Set([1, 2, 200]));
  const at = (payload: Uint8Array) => dtmfReceiverStep(r, { type: 'packet', marker: true, timestamp: 0, payload, arrival: 0 });
  assert.match(JSON.stringify(at(Uint8Array.of(1, 0, 0, 0)).notices), /zero duration on an event that is not a state/);
  assert.match(JSON.stringify(at(encodeReport({ event: 3, end: false, volume: 0, duration: 8 })).notices), /not among the events this receiver offered/);
  assert.match(JSON.stringify(at(Uint8Array.of(1, 2, 3)).notices), /telephone-event payload of 3 octets is not one or more 4-octet event reports/);
  const rBit = at(Uint8Array.of(2, 0x40 | 12, 0, 80));
  assert.equal(rBit.notices, [{ type: 'began', event: { event: 2, timestamp: 0, duration: 80, volume: 12 }, marker: true }]);
  const noVolume = at(Uint8Array.of(200, 0x3f, 0, 80));
  assert.equal(noVolume.notices, [{ type: 'began', event: { event: 200, timestamp: 0, duration: 80, volume: 0 }, marker: true }]);
});

// @tests RFC4733 P19L19-P19L22
test('two events in one packet: the second begins where the first ended', () => {
  const payload = encodePayload([
    { event: 1, end: true, volume: 0, duration: 400 },
    { event: 2, end: false, volume: 0, duration: 160 },
  ]);
  const t = dtmfReceiverStep(dtmfReceiver(DEFAULT_RECEIVER_EVENTS), { type: 'packet', marker: true, timestamp: 1000, payload, arrival: 0 });
  assert.equal(t.notices.map((n) => (n.type === 'ignored' ? n.why : [n.type, n.event.event, n.event.timestamp, n.event.duration])), [
    ['began', 1, 1000, 400],
    ['ended', 1, 1000, 400],
    ['began', 2, 1400, 160],
  ]);
});

test('memory stays bounded: a thousand events, only the last few remembered', () => {
  const due = eventPackets(
    Array.from({ length: 1000 }, (_, i) => ({ event: i % 16, start: i * 2000, duration: 400, volume: 0 })),
    { interval: 400, allowed: DEFAULT_RECEIVER_EVENTS },
  );
  const { ended, r } = receive(due);
  assert.is(ended.length, 1000);
  assert.ok(r.ended.length <= 8);
});

test.run();
