/**
 * A.3: packets expected and lost, cumulative and over the last reporting
 * interval, from a valid source's A.1 state. A source on probation has no
 * such figures: the functions take `Valid` only.
 */
import type { Valid } from './sequence.ts';

/** The highest sequence number received, extended by the cycles. */
// @implements RFC3550 P83L12-P83L21, P39L32-P39L36
export const extendedMax = (s: Valid): number => s.cycles + s.maxSeq;

// @implements RFC3550 P83L22
export const expected = (s: Valid): number => extendedMax(s) - s.baseSeq + 1;

/** Expected less received, clamped to 24 signed bits (negative when there are duplicates). */
// @implements RFC3550 P83L24-P83L31, P39L20-P39L27
export function cumulativeLost(s: Valid): number {
  const lost = expected(s) - s.received;
  return Math.max(-0x800000, Math.min(0x7fffff, lost));
}

/**
 * The fraction lost since the previous report, in 1/256, and the state with
 * the priors saved: call it once per reception report generated.
 */
// @implements RFC3550 P83L33-P83L48, P39L5-P39L14
export function intervalLoss(s: Valid): { fraction: number; next: Valid } {
  const exp = expected(s);
  const expectedInterval = exp - s.expectedPrior;
  const receivedInterval = s.received - s.receivedPrior;
  const lostInterval = expectedInterval - receivedInterval;
  const fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
  return { fraction: Math.min(fraction, 255), next: { ...s, expectedPrior: exp, receivedPrior: s.received } };
}
