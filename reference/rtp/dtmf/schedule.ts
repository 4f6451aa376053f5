// @implements RFC4733 (RTP Payload for DTMF Digits, Telephony Tones, and Telephony Signals)
/**
 * Drives the sender (sender.ts) over events known in advance, such as digits
 * typed on a command line: each event starts, is updated every `interval`
 * timestamp units from its start, ends, and has its final report sent three
 * times before the next may start. Returns every packet with the timestamp
 * (in the audio's clock) at which it is due.
 */
import { dtmfSender, dtmfSenderStep, type DtmfSender, type EventPacket } from './sender.ts';

export interface PlannedEvent {
  event: number;
  /** Where it begins, in timestamp units. */
  start: number;
  /** How long it lasts, in timestamp units (> 0). */
  duration: number;
  /** -dBm0, 0-63; 0 for events without volume. */
  volume: number;
}

export interface DuePacket {
  /** When it is due, in timestamp units. */
  at: number;
  packet: EventPacket;
}

/** The packets of `events`, in order, at one update every `interval` timestamp units. */
// @implements RFC4733 P13L31-P13L33, P13L1-P13L3
export function eventPackets(events: readonly PlannedEvent[], options: { interval: number; allowed: ReadonlySet<number> }): DuePacket[] {
  const { interval } = options;
  if (!Number.isInteger(interval) || interval <= 0) throw new RangeError(`update interval ${interval} is not a positive whole number of timestamp units`);
  const out: DuePacket[] = [];
  let s: DtmfSender = dtmfSender(options.allowed);
  let free = -Infinity; // when the previous event's last packet went out
  for (const ev of events) {
    // @implements RFC4733 P14L41-P14L42
    if (ev.start < free) {
      throw new RangeError(`event ${ev.event} starts at ${ev.start}, before the previous event's final report is sent for the third time (${free}); RFC 4733 §2.5.1.4`);
    }
    s = dtmfSenderStep(s, { type: 'start', event: ev.event, volume: ev.volume, timestamp: ev.start }).next;
    const endsAt = ev.start + ev.duration;
    let ended = false;
    for (let at = ev.start + interval; s.name !== 'Idle'; at += interval) {
      // An end between two updates is known by the next one, which then
      // carries the E bit. An end at the very instant of an update is known
      // only after it: that update already has the final duration, without
      // the E bit, and its two retransmissions carry it (§2.5.1.4).
      // @implements RFC4733 P15L15-P15L18
      if (!ended && endsAt < at) {
        s = step(s, { type: 'end', timestamp: endsAt }, out, at);
        ended = true;
      }
      // @implements RFC4733 P13L31-P13L33
      s = step(s, { type: 'tick', timestamp: at }, out, at);
      if (!ended && endsAt === at) {
        s = step(s, { type: 'end', timestamp: endsAt }, out, at);
        ended = true;
      }
      free = at;
    }
  }
  return out;
}

function step(s: DtmfSender, e: Parameters<typeof dtmfSenderStep>[1], out: DuePacket[], at: number): DtmfSender {
  const { next, packets } = dtmfSenderStep(s, e);
  for (const packet of packets) out.push({ at, packet });
  return next;
}
