// @implements RFC8866 (SDP: Session Description Protocol)
// @cites-obsoleted RFC4566: each RFC 8866 rule here is quoted beside the RFC 4566 rule it replaced, which descriptions written to RFC 4566 still follow
/**
 * The time description (§5.9-§5.11, §9 time-description): `t=`, its `r=`
 * lines, and the `z=` line that modifies them.
 *
 * @exception RFC8866 P18L34-P18L37, P18L42-P18L45: what a user interface or a session's creator should do; a parser takes the times given
 */
import { fail, type FieldLine } from './errors.ts';
import { offsetOf, subfields } from './origin.ts';
import type { Timing } from './types.ts';

/** time = POS-DIGIT 9*DIGIT, or "0" for start-time and stop-time. */
const TIME = /^(?:0|[1-9]\d{9,})$/;
/** typed-time = 1*DIGIT [fixed-len-time-unit]; the units are case-sensitive. */
const TYPED_TIME = /^\d+[dhms]?$/;
const REPEAT_INTERVAL = /^[1-9]\d*[dhms]?$/;

/**
 * `t=<start-time> <stop-time>`: decimal seconds since 1900, of any length
 * (they do not wrap in 2036, so they are bigints), or 0 for unbounded.
 */
// @implements RFC8866 P18L2, P18L19-P18L28
export function parseTiming(field: FieldLine): Timing {
  const parts = subfields(field.value);
  if (parts.length !== 2) fail('RFC8866 §5.9', `t= has ${parts.length} subfields, not <start-time> <stop-time>`, field);
  for (let i = 0; i < 2; i++) if (!TIME.test(parts[i])) fail('RFC8866 §5.9', `"${parts[i]}" is not a time (0, or at least 10 digits not starting with 0)`, field, offsetOf(parts, i));
  return { start: BigInt(parts[0]), stop: BigInt(parts[1]), repeats: [] };
}

/** `r=<repeat interval> <active duration> <offsets from start-time>`, units d h m s allowed. */
// @implements RFC8866 P19L5, P19L23-P19L27
export function parseRepeat(field: FieldLine): string {
  const parts = subfields(field.value);
  if (parts.length < 3) fail('RFC8866 §5.10', 'r= needs <repeat interval> <active duration> and at least one offset', field);
  if (!REPEAT_INTERVAL.test(parts[0])) fail('RFC8866 §5.10', `repeat interval "${parts[0]}" is not a positive number with an optional unit d, h, m or s`, field);
  for (let i = 1; i < parts.length; i++) if (!TYPED_TIME.test(parts[i])) fail('RFC8866 §5.10', `"${parts[i]}" is not a number with an optional unit d, h, m or s`, field, offsetOf(parts, i));
  return field.value;
}

/**
 * `z=<adjustment time> <offset> ...`: pairs of a time and a signed typed
 * time. RFC 8866 makes it part of the time description, modifying only
 * the `r=` lines just before it: a `z=` with no `r=` before it is a syntax
 * error (parse.ts). RFC 4566 had one `z=` after all the time descriptions,
 * applying to all `t=` and `r=` lines.
 */
// @implements RFC8866 P20L4-P20L7
// @implements RFC4566 P19L27-P19L29
export function parseZone(field: FieldLine): string {
  const parts = subfields(field.value);
  if (parts.length % 2 !== 0) fail('RFC8866 §5.11', 'z= is pairs of <adjustment time> <offset>', field);
  for (let i = 0; i < parts.length; i += 2) {
    if (!/^[1-9]\d{9,}$/.test(parts[i])) fail('RFC8866 §5.11', `adjustment time "${parts[i]}" is not a time`, field, offsetOf(parts, i));
    if (!TYPED_TIME.test(parts[i + 1].replace(/^-/, ''))) fail('RFC8866 §5.11', `offset "${parts[i + 1]}" is not [-]number with an optional unit`, field, offsetOf(parts, i + 1));
  }
  return field.value;
}
