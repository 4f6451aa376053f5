// @implements RFC4733 (RTP Payload for DTMF Digits, Telephony Tones, and Telephony Signals)
/**
 * The telephone-event payload (RFC 4733 §2.3, Figure 1): four octets per
 * event report, event | E R volume | duration. A packet may carry several
 * reports back to back (§2.5.1.5); each is four octets.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   |     event     |E|R| volume    |          duration             |
 */
import { isState, volumeApplies } from './events.ts';

export interface EventReport {
  /** The event code, 0-255 (§2.3.1). */
  event: number;
  /** The report contains the end of the event (§2.3.2). */
  end: boolean;
  /** Power level in -dBm0, 0-63 (§2.3.4); 0 for events without volume. */
  volume: number;
  /** Timestamp units since the event or segment began (§2.3.5). */
  duration: number;
}

/** The octets of one report. */
export const REPORT_OCTETS = 4;
/** The largest duration the field holds; longer events are split into segments (§2.5.1.3). */
export const MAX_DURATION = 0xffff;

/**
 * One report's four octets. Refuses what a sender must not send: a volume
 * on an event without one, a zero duration on an event that is not a state,
 * and any field out of its range.
 */
export function encodeReport(r: EventReport): Uint8Array {
  // @implements RFC4733 P9L3-P9L4
  if (!Number.isInteger(r.event) || r.event < 0 || r.event > 255) throw new RangeError(`event code ${r.event} is not 0-255 (RFC 4733 §2.3.1)`);
  if (!Number.isInteger(r.volume) || r.volume < 0 || r.volume > 63) throw new RangeError(`volume ${r.volume} is not 0-63 (-dBm0, RFC 4733 §2.3.4)`);
  // @implements RFC4733 P9L25-P9L28
  if (r.volume !== 0 && !volumeApplies(r.event)) {
    throw new RangeError(`event ${r.event} has no volume: the sender MUST set volume to zero (RFC 4733 §2.3.4)`);
  }
  if (!Number.isInteger(r.duration) || r.duration < 0 || r.duration > MAX_DURATION) {
    throw new RangeError(`duration ${r.duration} is not 0-65535 timestamp units (RFC 4733 §2.3.5; longer events are split, §2.5.1.3)`);
  }
  // @implements RFC4733 P9L43-P9L44, P17L27-P17L31
  if (r.duration === 0 && !isState(r.event)) {
    throw new RangeError(`event ${r.event} is not a state: a sender MUST NOT transmit a zero duration (RFC 4733 §2.3.5)`);
  }
  const out = new Uint8Array(REPORT_OCTETS);
  out[0] = r.event;
  // The R bit (0x40) is reserved and always sent as zero.
  // @implements RFC4733 P9L10-P9L11, P9L17-P9L17
  out[1] = (r.end ? 0x80 : 0) | r.volume;
  // @implements RFC4733 P9L32-P9L34
  out[2] = r.duration >> 8;
  out[3] = r.duration & 0xff;
  return out;
}

/** A payload of several reports: their octets in order (§2.5.1.5). */
export function encodePayload(reports: readonly EventReport[]): Uint8Array {
  const out = new Uint8Array(reports.length * REPORT_OCTETS);
  reports.forEach((r, i) => out.set(encodeReport(r), i * REPORT_OCTETS));
  return out;
}

/**
 * The reports of a telephone-event payload. A payload that is empty or not
 * a whole number of four-octet reports is refused, saying its length. The R
 * bit is not looked at, and the volume of an event that has none reads as 0.
 */
export function decodePayload(payload: Uint8Array): EventReport[] {
  if (payload.length === 0 || payload.length % REPORT_OCTETS !== 0) {
    throw new RangeError(`telephone-event payload of ${payload.length} octets is not one or more 4-octet event reports (RFC 4733 §2.3)`);
  }
  const out: EventReport[] = [];
  for (let at = 0; at < payload.length; at += REPORT_OCTETS) {
    const event = payload[at];
    // @implements RFC4733 P9L17-P9L18, P9L27-P9L28
    const volume = volumeApplies(event) ? payload[at + 1] & 0x3f : 0;
    out.push({ event, end: (payload[at + 1] & 0x80) !== 0, volume, duration: (payload[at + 2] << 8) | payload[at + 3] });
  }
  return out;
}
