/**
 * A.8: the interarrival jitter estimate, J += (|D| - J) / 16, kept in
 * floating point and reported as an unsigned integer in timestamp units.
 */

export interface Jitter {
  /** Relative transit time of the previous packet; undefined before the first. */
  transit: number | undefined;
  /** The estimate, in timestamp units. */
  jitter: number;
}

export const NO_JITTER: Jitter = { transit: undefined, jitter: 0 };

/**
 * The estimate after a packet with RTP timestamp `timestamp` arrived at
 * `arrival` (the receiver's clock in the same units). Both are 32-bit
 * counters: differences are taken as signed 32-bit integers, as A.8's `int`s.
 * The first packet only sets the transit time: there is no D without a
 * previous one.
 */
// @implements RFC3550 P94L3-P94L19, P40L5-P40L16, P40L21-P40L23
export function updateJitter(s: Jitter, arrival: number, timestamp: number): Jitter {
  const transit = (arrival - timestamp) | 0;
  if (s.transit === undefined) return { transit, jitter: s.jitter };
  let d = (transit - s.transit) | 0;
  if (d < 0) d = -d;
  return { transit, jitter: s.jitter + (1 / 16) * (d - s.jitter) };
}

/** The value of a reception report's jitter field. */
// @implements RFC3550 P94L21-P94L24, P40L18-P40L19
export const reportedJitter = (s: Jitter): number => Math.floor(s.jitter) >>> 0;

/** A wallclock time in ms as the receiver's clock in timestamp units of `clockRate` (32 bits). */
// @implements RFC3550 P40L5-P40L7
export const arrivalUnits = (ms: number, clockRate: number): number => Math.floor((ms * clockRate) / 1000) % 2 ** 32;
