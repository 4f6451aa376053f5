// @implements RFC4733 (RTP Payload for DTMF Digits, Telephony Tones, and Telephony Signals)
/**
 * The telephone-event receiver (RFC 4733 §2.5.2) as a pure state × input
 * function that recognises events, which is what a phone's user or a test
 * wants to know ("the far end pressed 9 for 200 ms"). States:
 *
 * - Silent: no event is playing.
 * - Playing: an event is on, as long as its reports say so far.
 *
 * It is the second algorithm of §2.5.2.2: an event plays from its first
 * report until a report with the E bit, a report of another event (a
 * different timestamp), or three interarrival times without a report. What
 * it must not do is let a late or repeated report start the event again: the
 * events that ended are remembered (the last few) and reports about them are
 * ignored. Durations only grow, so a report that arrives out of order with a
 * shorter duration than one already heard changes nothing. Every report
 * ignored is said, with why, so a caller can count them.
 *
 * Inputs are `packet` (a telephone-event packet's marker, RTP timestamp and
 * payload, and when it arrived, in ms) and `tick` (time passed, in ms).
 */
// @exception RFC4733 P18L16-P18L17: jitter is the RTP session's (reference/rtp/session), computed over every packet received, retransmissions and updates with one timestamp included
// @exception RFC4733 P19L26-P19L28: no event known here is a state (events.ts isState), so no soft state expires
// @exception RFC4733 P16L14-P16L15: the fmtp line is SDP's; this receiver takes the set of events it offered (`allowed`) and ignores any other
import { isState } from './events.ts';
import { decodePayload, MAX_DURATION, type EventReport } from './payload.ts';

/** An event as recognised: its code, where it began (RTP timestamp) and its total duration. */
export interface ReceivedEvent {
  event: number;
  timestamp: number;
  /** Timestamp units, all segments together. */
  duration: number;
  volume: number;
}

export type EndedBy = 'E bit' | 'next event' | 'timeout';

export type Notice =
  | { type: 'began'; event: ReceivedEvent; marker: boolean }
  | { type: 'ended'; event: ReceivedEvent; by: EndedBy }
  | { type: 'ignored'; why: string };

/** The event playing: its start, the segment now reported and when it was last heard. */
interface Playing {
  event: number;
  volume: number;
  /** Where the event began. */
  timestamp: number;
  /** Where the segment now reported began (§2.5.2.3). */
  segmentStart: number;
  /** The durations of the segments before this one. */
  before: number;
  /** The longest duration heard for this segment. */
  duration: number;
  /**
   * The total duration first heard, the arrival (ms) of the last report that
   * said something new (a longer duration), and how many did. The spacing of
   * the updates is read from their durations, not from when they arrived
   * (network jitter would make it anything), and repeats do not count.
   */
  firstDuration: number;
  lastNews: number;
  updates: number;
}

/** An event that ended: from `timestamp` for `duration` units. */
interface Ended {
  event: number;
  timestamp: number;
  duration: number;
}

export type DtmfReceiver =
  | { name: 'Silent'; allowed: ReadonlySet<number>; rate: number; ended: readonly Ended[] }
  | { name: 'Playing'; allowed: ReadonlySet<number>; rate: number; ended: readonly Ended[]; playing: Playing };

export type DtmfReceiverInput =
  | { type: 'packet'; marker: boolean; timestamp: number; payload: Uint8Array; arrival: number }
  | { type: 'tick'; now: number };

export interface ReceiverTransition {
  next: DtmfReceiver;
  notices: Notice[];
}

/** How many ended events are remembered, so that their late reports are known as such. */
export const REMEMBERED = 8;
/** The interarrival time assumed while only one report of an event has arrived (the RECOMMENDED spacing, §2.5.1.2). */
export const DEFAULT_INTERARRIVAL_MS = 50;

/** A receiver that takes the events `allowed` (those it offered), at the "rate" parameter's clock (8000 Hz unless negotiated). */
// @implements RFC4733 P10L24-P10L27
export function dtmfReceiver(allowed: ReadonlySet<number>, rate = 8000): DtmfReceiver {
  return { name: 'Silent', allowed, rate, ended: [] };
}

export function dtmfReceiverStep(r: DtmfReceiver, input: DtmfReceiverInput): ReceiverTransition {
  switch (input.type) {
    case 'packet':
      return receivePacket(r, input);
    case 'tick':
      // @implements RFC4733 P17L22
      return tick(r, input.now);
    default:
      return unhandled(input);
  }
}

function receivePacket(r: DtmfReceiver, p: DtmfReceiverInput & { type: 'packet' }): ReceiverTransition {
  let reports: EventReport[];
  try {
    reports = decodePayload(p.payload);
  } catch (e) {
    return { next: r, notices: [{ type: 'ignored', why: (e as Error).message }] };
  }
  const notices: Notice[] = [];
  let next = r;
  // Reports after the first in one packet begin where the one before ended.
  // @implements RFC4733 P19L19-P19L22
  let timestamp = p.timestamp >>> 0;
  for (const report of reports) {
    next = receiveReport(next, report, timestamp, p.marker, p.arrival, notices);
    timestamp = (timestamp + report.duration) >>> 0;
  }
  return { next, notices };
}

function receiveReport(r: DtmfReceiver, report: EventReport, timestamp: number, marker: boolean, arrival: number, notices: Notice[]): DtmfReceiver {
  const ignore = (why: string) => {
    notices.push({ type: 'ignored', why: `event ${report.event} at ${timestamp}: ${why}` });
    return r;
  };
  // @implements RFC4733 P9L44-P9L46
  if (report.duration === 0 && !isState(report.event)) return ignore('zero duration on an event that is not a state (RFC 4733 §2.3.5)');
  if (!r.allowed.has(report.event)) return ignore('not among the events this receiver offered');
  // A report about an event already ended (a retransmission of its final
  // report, or an update that arrived late): the event is not played again.
  // @implements RFC4733 P17L37-P17L37, P18L1-P18L3
  if (r.ended.some((x) => x.event === report.event && within(timestamp, x.timestamp, x.duration))) {
    return ignore('the event has already ended');
  }
  switch (r.name) {
    case 'Silent':
      return begin(r, report, timestamp, marker, arrival, notices);
    case 'Playing': {
      const cur = r.playing;
      if (report.event === cur.event && timestamp === cur.segmentStart) return extend(r, report, arrival, notices);
      // Another report of the same event, where the segment just reported at
      // 0xFFFF ends: the same long event goes on in a new segment.
      // @implements RFC4733 P18L30-P18L38
      if (report.event === cur.event && timestamp === ((cur.segmentStart + MAX_DURATION) >>> 0)) {
        const playing = { ...cur, before: cur.before + MAX_DURATION, segmentStart: timestamp, duration: 0 };
        return extend({ ...r, playing }, report, arrival, notices);
      }
      // A late report of an earlier segment of the event playing.
      if (report.event === cur.event && within(timestamp, cur.timestamp, cur.before)) return ignore('a report of an earlier segment of the event playing');
      // Older than what plays: a report from before it that was never played.
      if (((timestamp - cur.timestamp) >>> 0) >= 0x80000000) return ignore(`older than the event playing (${cur.event} at ${cur.timestamp})`);
      // A new timestamp: the event playing is over (its end reports were lost).
      // @implements RFC4733 P17L15-P17L17
      const silent = endPlaying(r, cur, 'next event', notices);
      return begin(silent, report, timestamp, marker, arrival, notices);
    }
    default:
      return unhandled(r);
  }
}

/**
 * A report of an event not playing. Without the marker its first packets
 * were lost; it is played anyway, from the timestamp and for the duration
 * the report gives.
 */
// @implements RFC4733 P17L42-P17L45, P18L5-P18L7, P18L12-P18L14
function begin(r: DtmfReceiver, report: EventReport, timestamp: number, marker: boolean, arrival: number, notices: Notice[]): DtmfReceiver {
  const playing: Playing = {
    event: report.event,
    volume: report.volume,
    timestamp,
    segmentStart: timestamp,
    before: 0,
    duration: report.duration,
    firstDuration: report.duration,
    lastNews: arrival,
    updates: 1,
  };
  notices.push({ type: 'began', event: received(playing), marker });
  const next: DtmfReceiver = { name: 'Playing', allowed: r.allowed, rate: r.rate, ended: r.ended, playing };
  return report.end ? endPlaying(next, playing, 'E bit', notices) : next;
}

/** A report of the segment playing: a longer duration extends it; the E bit ends it. */
// @implements RFC4733 P17L10-P17L11, P18L12-P18L14
function extend(r: DtmfReceiver & { name: 'Playing' }, report: EventReport, arrival: number, notices: Notice[]): DtmfReceiver {
  const cur = r.playing;
  // Durations only grow: a shorter one is an earlier update that came late.
  const news = report.duration > cur.duration;
  const playing: Playing = news ? { ...cur, duration: report.duration, lastNews: Math.max(cur.lastNews, arrival), updates: cur.updates + 1 } : cur;
  if (report.duration < cur.duration && !report.end) notices.push({ type: 'ignored', why: `event ${cur.event} at ${cur.segmentStart}: duration ${report.duration} arrived after ${cur.duration} (out of order)` });
  const next = { ...r, playing };
  // @implements RFC4733 P9L10-P9L13, P17L13
  return report.end ? endPlaying(next, playing, 'E bit', notices) : next;
}

/**
 * Time passes: an event heard of last more than three interarrival times ago
 * has ended (its end reports were all lost), at the duration last reported.
 */
// @implements RFC4733 P17L22, P17L24-P17L27, P17L33-P17L34
function tick(r: DtmfReceiver, now: number): ReceiverTransition {
  switch (r.name) {
    case 'Silent':
      return { next: r, notices: [] };
    case 'Playing': {
      const p = r.playing;
      // The update spacing from the reports' durations, not from arrival times.
      // @implements RFC4733 P18L12-P18L14
      const units = p.updates > 1 ? (p.before + p.duration - p.firstDuration) / (p.updates - 1) : (DEFAULT_INTERARRIVAL_MS * r.rate) / 1000;
      const interarrival = (1000 * units) / r.rate;
      if (now - p.lastNews <= 3 * Math.max(interarrival, 1)) return { next: r, notices: [] };
      const notices: Notice[] = [];
      return { next: endPlaying(r, p, 'timeout', notices), notices };
    }
    default:
      return unhandled(r);
  }
}

/** The event playing ends: said, remembered (the last REMEMBERED), and the receiver is Silent. */
function endPlaying(r: DtmfReceiver, p: Playing, by: EndedBy, notices: Notice[]): DtmfReceiver {
  const event = received(p);
  notices.push({ type: 'ended', event, by });
  // Remembered, so that a late report of it does not start it again.
  // @implements RFC4733 P17L37-P17L37
  const ended = [...r.ended, { event: p.event, timestamp: p.timestamp, duration: event.duration }].slice(-REMEMBERED);
  return { name: 'Silent', allowed: r.allowed, rate: r.rate, ended };
}

/** The total duration is the final segment's plus 0xFFFF for each segment before it. */
// @implements RFC4733 P18L40-P18L44
function received(p: Playing): ReceivedEvent {
  return { event: p.event, timestamp: p.timestamp, duration: p.before + p.duration, volume: p.volume };
}

/** Whether `t` lies in [start, start + duration) (mod 2^32): a report about that event. */
function within(t: number, start: number, duration: number): boolean {
  return ((t - start) >>> 0) < duration;
}

function unhandled(x: never): never {
  throw new Error(`telephone-event receiver: unhandled ${JSON.stringify(x)}`);
}
