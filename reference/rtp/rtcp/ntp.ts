/**
 * Time in RTCP (RFC 3550 §4, §6.4.1): the 64-bit NTP timestamp, its middle
 * 32 bits (LSR, and DLSR's 1/65536 s), the RTP timestamp that corresponds to
 * a wallclock instant, and the round-trip time A - LSR - DLSR.
 */

/** Seconds from 0h UTC 1 January 1900 (NTP's epoch) to 1970 (the Unix epoch). */
export const NTP_UNIX_OFFSET = 2_208_988_800;

export interface NtpTime {
  /** Whole seconds since 1900, mod 2^32. */
  seconds: number;
  /** Fraction of a second in 2^-32 s. */
  fraction: number;
}

/** The NTP timestamp of a Unix time in milliseconds. */
// @implements RFC3550 P12L17-P12L22
export function ntpFromUnixMs(ms: number): NtpTime {
  const whole = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - whole * 1000) / 1000) * 2 ** 32);
  return { seconds: (whole + NTP_UNIX_OFFSET) >>> 0, fraction: Math.min(fraction, 0xffffffff) };
}

/** The middle 32 bits: the low 16 of the seconds, the high 16 of the fraction (LSR). */
// @implements RFC3550 P12L22-P12L24, P40L31-P40L33
export const middle32 = (t: NtpTime): number => (((t.seconds & 0xffff) << 16) | (t.fraction >>> 16)) >>> 0;

/** Seconds as the 16.16 fixed point of DLSR (and of A, LSR). */
// @implements RFC3550 P40L37-P40L40
export const compactFromSeconds = (s: number): number => Math.round(s * 65536) >>> 0;

/**
 * §6.4.1's round trip, in seconds: A (when the report block arrived, as the
 * middle 32 bits of NTP) less LSR less DLSR, modulo 2^32 so that a wrap of
 * the 16-bit seconds does not matter. Undefined when LSR is 0: the
 * receiver had no SR of ours to report on. The difference is read as signed:
 * on a short path DLSR's rounding to 1/65536 s can make it a tick below zero,
 * which is a round trip of 0, not of 18 hours.
 */
// @implements RFC3550 P40L43-P41L1, P41L21-P41L25, P12L34-P12L38
export function roundTrip(arrival: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  return Math.max(0, (arrival - lsr - dlsr) | 0) / 65536;
}

/** What pairs a sender's RTP clock with the wallclock: one sampling instant seen on both. */
export interface ClockPairing {
  /** Wallclock at the sampling instant, in Unix milliseconds. */
  wallclockMs: number;
  /** The RTP timestamp of that instant. */
  rtpTimestamp: number;
  /** RTP timestamp units per second (8000 for PCMU). */
  clockRate: number;
}

/**
 * The SR's RTP timestamp for the instant `wallclockMs`: not the timestamp of
 * any data packet, but computed from the pairing, in the same units and with
 * the same random offset as the data.
 */
// @implements RFC3550 P38L14-P38L17, P38L20-P38L26
export function rtpTimestampAt(wallclockMs: number, pairing: ClockPairing): number {
  const ticks = Math.round(((wallclockMs - pairing.wallclockMs) * pairing.clockRate) / 1000);
  return (((pairing.rtpTimestamp + ticks) % 2 ** 32) + 2 ** 32) % 2 ** 32;
}
