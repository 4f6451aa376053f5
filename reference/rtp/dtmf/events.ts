// @implements RFC4733 (RTP Payload for DTMF Digits, Telephony Tones, and Telephony Signals)
/**
 * The named events this reference knows: the DTMF events of RFC 4733 §3.2
 * (Table 3), and the "events" media type parameter (§2.4) that says which
 * events an implementation supports.
 */
// @exception RFC4733 P22L5-P22L8: addressed to the documents that define events (their IANA registrations), not to an implementation

/** The DTMF digits in event-code order: "0".."9" are codes 0-9, "*" 10, "#" 11, "A".."D" 12-15. */
// @implements RFC4733 P25L21-P25L28
export const DTMF_DIGITS = '0123456789*#ABCD';

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** The event code of a DTMF digit (lower-case a-d taken too). */
export function dtmfEventCode(digit: string): number {
  const code = DTMF_DIGITS.indexOf(digit.toUpperCase());
  if (digit.length !== 1 || code < 0) throw new RangeError(`"${digit}" is not a DTMF digit (RFC 4733 §3.2, Table 3: 0-9, *, #, A-D)`);
  return code;
}

/** The DTMF digit of an event code, or undefined for a code that is not a DTMF event. */
export function dtmfDigit(event: number): DtmfDigit | undefined {
  return Number.isInteger(event) && event >= 0 && event < DTMF_DIGITS.length ? (DTMF_DIGITS[event] as DtmfDigit) : undefined;
}

/**
 * Whether the volume field means something for this event: Table 3 says
 * "yes" for every DTMF event; for any other code this reference does not
 * know the documentation, so it takes volume as not applicable.
 */
// @implements RFC4733 P9L22-P9L28, P25L24-P25L27
export function volumeApplies(event: number): boolean {
  return dtmfDigit(event) !== undefined;
}

/**
 * Whether an event is defined as a state (which may carry a zero duration).
 * None of the DTMF events is (Table 3: all "tone"), and this reference knows
 * no other events, so none is.
 */
// @implements RFC4733 P25L24-P25L27
export function isState(_event: number): boolean {
  return false;
}

/**
 * The "events" parameter (§2.4): comma-separated codes and ranges "a-b",
 * any order, no white space; the set is their union. Anything else is
 * refused, naming the element.
 */
// @implements RFC4733 P10L14-P10L22
export function parseEventsParameter(value: string): Set<number> {
  const events = new Set<number>();
  for (const element of value.split(',')) {
    const m = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(element);
    const first = m ? Number(m[1]) : NaN;
    const last = m?.[2] !== undefined ? Number(m[2]) : first;
    if (!m || first > 255 || last > 255 || (m[2] !== undefined && last <= first)) {
      throw new RangeError(
        `events parameter "${value}": "${element}" is neither an event code (0-255) nor a range "a-b" with a < b (RFC 4733 §2.4)`,
      );
    }
    for (let e = first; e <= last; e++) events.add(e);
  }
  return events;
}

/** The "events" parameter for a set of codes, as a sender offers what it supports: sorted, consecutive codes as ranges (e.g. "0-15,66,70"). */
// @implements RFC4733 P10L14-P10L22, P11L36-P11L38
export function formatEventsParameter(events: Iterable<number>): string {
  const sorted = [...new Set(events)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** The events a receiver without an "events" parameter is assumed to take: DTMF 0-15, nothing else. */
// @implements RFC4733 P11L40-P11L42
export const DEFAULT_RECEIVER_EVENTS: ReadonlySet<number> = new Set(Array.from({ length: 16 }, (_, i) => i));

/**
 * What a sender may send: the receiver's "events" parameter if it sent one,
 * else the DTMF default. `send` below refuses anything else.
 */
// @implements RFC4733 P11L38-P11L40, P11L40-P11L42
export function eventsTheReceiverTakes(receivedEventsParameter: string | undefined): ReadonlySet<number> {
  return receivedEventsParameter === undefined ? DEFAULT_RECEIVER_EVENTS : parseEventsParameter(receivedEventsParameter);
}
