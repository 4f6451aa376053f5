// @implements RFC4733 (RTP Payload for DTMF Digits, Telephony Tones, and Telephony Signals)
/**
 * The telephone-event sender (RFC 4733 §2.5.1) as a pure state × event
 * function. States:
 *
 * - Idle: no event.
 * - Sending: an event is on; each update interval (`tick`) reports how long
 *   it has lasted so far, from the same timestamp.
 * - Ending: the event has ended; its final report is sent a total of three
 *   times, one per tick, with the E bit; then Idle.
 *
 * The machine makes event packets: the marker bit, the RTP timestamp and the
 * payload. The RTP layer wraps them; the timestamps it is given are those of
 * the audio stream the events ride in, and the sequence number is that
 * stream's, so both stay one base (§2.1, §2.5.1.2, §2.5.1.6). Ticks come at
 * the interval the source chose (the audio's packet spacing, or 50 ms); the
 * machine asks only that time moves on. Anything the RFC does not allow in a
 * state (a second event on top of the first, an end with no event, time going
 * back) throws, naming the state, the event and the rule.
 */
// @exception RFC4733 P12L44-P12L47, P8L13-P8L16, P16L3-P16L4: the timestamps are the caller's audio clock, and the sequence number is given by the RTP layer that numbers every packet of the stream, retransmissions included (reference/rtp/packet)
// @exception RFC4733 P15L3-P15L5, P15L5-P15L7: no RFC 2198 redundancy: every packet is a plain telephone-event payload
// @exception RFC4733 P15L39-P15L41, P15L41-P15L42, P15L44-P15L46: one event report per packet: events are not packed together, so these rules for packed packets do not arise
// @exception RFC4733 P13L42-P13L43: no event known here is a state (events.ts isState), so there is no state to refresh
import { encodeReport, MAX_DURATION, type EventReport } from './payload.ts';

/** What the RTP layer is given to send: its marker bit, timestamp and payload. */
export interface EventPacket {
  marker: boolean;
  /** The RTP timestamp: where the event (or segment) began, in the audio's clock. */
  timestamp: number;
  /** The report, as sent. */
  report: EventReport;
  payload: Uint8Array;
}

/** A report still to be sent again: `left` more times. */
interface Owed {
  packet: EventPacket;
  left: number;
}

/** How many times in all the final report of an event or segment goes out. */
// @implements RFC4733 P14L41-P14L42
export const FINAL_REPORT_SENDS = 3;

/** The event being reported, in Sending and Ending. */
interface Current {
  /** The events the receiver takes (events.ts eventsTheReceiverTakes). */
  allowed: ReadonlySet<number>;
  event: number;
  volume: number;
  /** Where the current segment began: the event's start, or a multiple of 0xFFFF after it (§2.5.1.3). */
  segmentStart: number;
  /** Whether a packet of this event went out yet (the first carries the marker). */
  anySent: boolean;
  /** Final reports of earlier segments still to be sent again (§2.5.1.4). */
  owed: Owed[];
}

export type DtmfSender =
  | { name: 'Idle'; allowed: ReadonlySet<number> }
  /** `reported`: the duration of the last update of this segment (0: none yet); `now`: the last tick. */
  | ({ name: 'Sending'; reported: number; now: number } & Current)
  /** `final`: the event's last report (E set); `left`: how many more times it goes out. */
  | ({ name: 'Ending'; final: EventReport; left: number } & Current);

export type DtmfSenderEvent =
  /** The source recognised an event beginning at `timestamp`. */
  | { type: 'start'; event: number; volume: number; timestamp: number }
  /** An update interval has passed; `timestamp` is now, in the audio's clock. */
  | { type: 'tick'; timestamp: number }
  /** The event ended at `timestamp`. */
  | { type: 'end'; timestamp: number };

export interface SenderTransition {
  next: DtmfSender;
  /** What to send now, in order. */
  packets: EventPacket[];
}

/** A sender with no event, which may send the events `allowed` (the receiver's, §2.5.1.1). */
export function dtmfSender(allowed: ReadonlySet<number>): DtmfSender {
  return { name: 'Idle', allowed };
}

export function dtmfSenderStep(s: DtmfSender, e: DtmfSenderEvent): SenderTransition {
  const refuse = (why: string) => new Error(`telephone-event sender: ${e.type} in state ${s.name}: ${why}`);
  switch (s.name) {
    case 'Idle':
      switch (e.type) {
        case 'start':
          // @implements RFC4733 P11L38-P11L40
          if (!s.allowed.has(e.event)) {
            throw refuse(`event ${e.event} is not among the events the receiver takes (${[...s.allowed].join(',')}); RFC 4733 §2.5.1.1 restricts the sender to them`);
          }
          encodeReport({ event: e.event, end: false, volume: e.volume, duration: 1 }); // refuses a bad code or volume now, not at the first tick
          // Nothing is sent at the very instant of the start: a report needs a
          // non-zero duration, so the first goes out on the first tick.
          // @implements RFC4733 P13L1-P13L3
          return {
            next: { name: 'Sending', allowed: s.allowed, event: e.event, volume: e.volume, segmentStart: e.timestamp >>> 0, anySent: false, owed: [], reported: 0, now: e.timestamp >>> 0 },
            packets: [],
          };
        case 'tick':
          // @implements RFC4733 P13L1-P13L3
          throw refuse('there is no event to report');
        case 'end':
          throw refuse('no event has started (RFC 4733 §2.5.1.2)');
        default:
          return unhandled(e);
      }
    case 'Sending':
      switch (e.type) {
        case 'start':
          // @implements RFC4733 P15L24-P15L26
          throw refuse(`event ${s.event} is still on: events do not overlap (RFC 4733 §2.5.1.5)`);
        case 'tick':
          // @implements RFC4733 P13L1-P13L3
          return update(s, since(s, e.timestamp, refuse));
        case 'end': {
          // @implements RFC4733 P13L3-P13L6
          const elapsed = since(s, e.timestamp, refuse);
          if (elapsed < s.reported) throw refuse(`the end (${elapsed} units in) is before what was already reported (${s.reported}): durations only grow (RFC 4733 §2.5.1.2)`);
          return end(s, elapsed);
        }
        default:
          return unhandled(e);
      }
    case 'Ending':
      switch (e.type) {
        case 'tick':
          return retransmitFinal(s);
        case 'start':
          // @implements RFC4733 P14L41-P14L44
          throw refuse(`the final report of event ${s.event} is still to be sent ${s.left} more time(s) (RFC 4733 §2.5.1.4)`);
        case 'end':
          // @implements RFC4733 P9L10-P9L11
          throw refuse(`event ${s.event} has already ended`);
        default:
          return unhandled(e);
      }
    default:
      return unhandled(s);
  }
}

/** Timestamp units from the segment's start to `timestamp` (mod 2^32); time going back is refused. */
// @implements RFC4733 P13L3-P13L6
function since(s: DtmfSender & { name: 'Sending' }, timestamp: number, refuse: (why: string) => Error): number {
  const elapsed = (timestamp - s.segmentStart) >>> 0;
  const last = (s.now - s.segmentStart) >>> 0;
  if (elapsed < last || elapsed >= 0x80000000) throw refuse(`timestamp ${timestamp} is before the last one (${s.now}): time only moves on`);
  if (elapsed > 2 * MAX_DURATION) throw refuse(`timestamp ${timestamp} is more than two segments (2 × 0xFFFF units) after ${s.segmentStart}: ticks come at the update interval`);
  return elapsed;
}

/**
 * A tick while the event is on: first, any earlier segment's final report
 * owed again; then, past 0xFFFF units, this segment's final report and a new
 * segment; then the update with the duration so far.
 */
function update(s: DtmfSender & { name: 'Sending' }, elapsed: number): SenderTransition {
  // @implements RFC4733 P14L41-P14L42
  const { packets, owed } = resend(s.owed);
  let cur: DtmfSender & { name: 'Sending' } = { ...s, owed, now: (s.segmentStart + elapsed) >>> 0 };
  if (elapsed > MAX_DURATION) {
    cur = splitSegment(cur, packets);
    elapsed -= MAX_DURATION;
  }
  if (elapsed === cur.reported) return { next: cur, packets }; // no time passed: nothing new to say
  // The same timestamp as the event's first packet, the duration so far; no E
  // bit, and the marker only on the event's very first packet.
  // @implements RFC4733 P13L3-P13L6, P13L8-P13L8, P13L11-P13L12, P8L22-P8L30, P9L34-P9L37
  packets.push(packet(cur, { event: cur.event, end: false, volume: cur.volume, duration: elapsed }));
  return { next: { ...cur, anySent: true, reported: elapsed }, packets };
}

/**
 * The event has lasted past what the duration field holds: report exactly
 * 0xFFFF without the E bit (owed twice more, as every segment's final
 * report), and go on with a segment that begins where this one ended. Its
 * first packet has no marker: the event did not begin there.
 */
// @implements RFC4733 P14L3-P14L5, P14L5-P14L8, P14L8-P14L9, P14L10-P14L11, P14L41-P14L42
function splitSegment(s: DtmfSender & { name: 'Sending' }, packets: EventPacket[]): DtmfSender & { name: 'Sending' } {
  const last = packet(s, { event: s.event, end: false, volume: s.volume, duration: MAX_DURATION });
  // A segment whose last update already said 0xFFFF has sent its final report once.
  if (s.reported !== MAX_DURATION) packets.push(last);
  const owed = [...s.owed, { packet: { ...last, marker: false }, left: FINAL_REPORT_SENDS - 1 }];
  return { ...s, segmentStart: (s.segmentStart + MAX_DURATION) >>> 0, anySent: true, reported: 0, owed };
}

/**
 * The event ended `elapsed` units into its segment. Its final report says so
 * with the E bit, three times in all. If the last update already gave that
 * duration, that update was the final report's first sending, without the E
 * bit (the end was not known yet): the two left carry it.
 */
// @implements RFC4733 P13L8-P13L11, P14L11-P14L13, P15L15-P15L18, P14L41-P14L42
function end(s: DtmfSender & { name: 'Sending' }, elapsed: number): SenderTransition {
  const packets: EventPacket[] = [];
  let cur = s;
  if (elapsed > MAX_DURATION) {
    // The end lies past a segment boundary no tick has reported yet.
    cur = splitSegment(cur, packets);
    elapsed -= MAX_DURATION;
  }
  if (elapsed === 0) throw new Error(`telephone-event sender: end in state Sending: event ${cur.event} lasted 0 timestamp units, and a sender MUST NOT transmit a zero duration (RFC 4733 §2.3.5)`);
  const final: EventReport = { event: cur.event, end: true, volume: cur.volume, duration: elapsed };
  const alreadySent = elapsed === cur.reported && cur.anySent;
  const { reported: _r, now: _n, ...current } = cur;
  return {
    next: { ...current, name: 'Ending', final, left: alreadySent ? FINAL_REPORT_SENDS - 1 : FINAL_REPORT_SENDS },
    packets,
  };
}

/**
 * A tick while Ending: owed segment reports, then the final report again,
 * always with the E bit once it has been set; Idle after the last.
 */
// @implements RFC4733 P15L18-P15L20, P14L41-P14L42
function retransmitFinal(s: DtmfSender & { name: 'Ending' }): SenderTransition {
  const { packets, owed } = resend(s.owed);
  if (s.left > 0) packets.push(packet(s, s.final));
  const left = Math.max(0, s.left - 1);
  if (left === 0 && owed.length === 0) return { next: { name: 'Idle', allowed: s.allowed }, packets };
  return { next: { ...s, anySent: true, left, owed }, packets };
}

/** One sending of each owed report; those owed again after it. */
function resend(owed: readonly Owed[]): { packets: EventPacket[]; owed: Owed[] } {
  return {
    packets: owed.map((o) => o.packet),
    owed: owed.filter((o) => o.left > 1).map((o) => ({ ...o, left: o.left - 1 })),
  };
}

/** A report of the current segment as a packet: its timestamp, and the marker if it is the event's first. */
// @implements RFC4733 P8L24-P8L28, P13L8-P13L8
function packet(s: Current, report: EventReport): EventPacket {
  return { marker: !s.anySent, timestamp: s.segmentStart, report, payload: encodeReport(report) };
}

function unhandled(x: never): never {
  throw new Error(`telephone-event sender: unhandled ${JSON.stringify(x)}`);
}
