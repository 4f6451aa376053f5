// @implements RFC3261 (SIP)
// @implements RFC6026 (Correct Transaction Handling for 2xx Responses to INVITE)
/**
 * The transaction timers of RFC 3261 §17 (summarised in its Table 4), all in
 * milliseconds, computed from the three base values T1, T2 and T4.
 *
 * Retransmitting timers (A, E, G) have an initial value here and a `next*`
 * function that gives the interval after the one just used; the others are
 * one-shot timeouts. "Reliable" means the transport is TCP (or SCTP/TLS):
 * several timers are zero there because the transport already retransmits.
 */

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M';

export interface TimerValues {
  /** RTT estimate. */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. */
  T2: number;
  /** Maximum duration a message will remain in the network. */
  T4: number;
}

// @implements RFC3261 P265L8, P265L9, P265L13
export const defaultTimerValues: TimerValues = { T1: 500, T2: 4000, T4: 5000 };

/** Checks the base values once, so every timer below can trust them. */
export function timerValues(overrides: Partial<TimerValues> = {}): TimerValues {
  const t = { ...defaultTimerValues, ...overrides };
  for (const name of ['T1', 'T2', 'T4'] as const) {
    if (!Number.isFinite(t[name]) || t[name] <= 0) {
      throw new RangeError(`timer ${name} must be a positive number of milliseconds, got ${t[name]}`);
    }
  }
  // Exponential backoff capped at T2 only makes sense when T2 >= T1.
  if (t.T2 < t.T1) throw new RangeError(`T2 (${t.T2} ms) must not be smaller than T1 (${t.T1} ms)`);
  return t;
}

// @implements RFC3261 P125L38-P125L39
export const initialTimerA = (t: TimerValues) => t.T1;

// Timer A doubles after each retransmission, with no cap.
// @implements RFC3261 P125L45-P125L47, P126L5-P126L8
export const nextTimerA = (current: number) => 2 * current;

// @implements RFC3261 P125L41-P125L43
export const timerB = (t: TimerValues) => 64 * t.T1;

// @implements RFC3261 P126L43-P126L45
export const timerD = (reliable: boolean) => (reliable ? 0 : 32000);

// @implements RFC3261 P131L13-P131L15
export const initialTimerE = (t: TimerValues) => t.T1;

// @implements RFC3261 P131L15-P131L19
export const nextTimerE = (t: TimerValues, current: number) => Math.min(2 * current, t.T2);

// In Proceeding, Timer E is always reset to T2.
// @implements RFC3261 P131L35-P131L37
export const proceedingTimerE = (t: TimerValues) => t.T2;

// @implements RFC3261 P131L10-P131L12
export const timerF = (t: TimerValues) => 64 * t.T1;

// @implements RFC3261 P135L8-P135L10
export const initialTimerG = (t: TimerValues) => t.T1;

// @implements RFC3261 P135L19-P135L25
export const nextTimerG = (t: TimerValues, current: number) => Math.min(2 * current, t.T2);

// @implements RFC3261 P135L15-P135L16
export const timerH = (t: TimerValues) => 64 * t.T1;

// @implements RFC3261 P137L1-P137L5
export const timerI = (t: TimerValues, reliable: boolean) => (reliable ? 0 : t.T4);

// @implements RFC3261 P137L37-P137L39
export const timerJ = (t: TimerValues, reliable: boolean) => (reliable ? 0 : 64 * t.T1);

// @implements RFC3261 P131L44-P131L46
export const timerK = (t: TimerValues, reliable: boolean) => (reliable ? 0 : t.T4);

// RFC 6026's two timers, used only when its Accepted states are enabled.
// @implements RFC6026 P17L17-P17L18
export const timerL = (t: TimerValues) => 64 * t.T1;

// @implements RFC6026 P12L43-P12L46
export const timerM = (t: TimerValues) => 64 * t.T1;
