/**
 * The numbers of a description (its 1*DIGIT fields, and a=ptime's reals)
 * as JavaScript numbers: read only when a number holds them exactly, and
 * written back in decimal, never in exponent form. A value written with
 * leading (or, after a point, trailing) zeros means the same number; it is
 * written back without them, and a warning says so.
 *
 * Plumbing: each field's grammar is checked in its own module before its
 * digits come here; the limit is this parser's, not RFC 8866's.
 */
import { fail, Warnings, type FieldLine } from './errors.ts';

/** The most digits a field may have: a double holds every integer of 15 digits exactly. */
export const MAX_DIGITS = 15;

/**
 * `text`, already matched against its field's grammar, as a number. Past
 * MAX_DIGITS digits it is refused naming the field (`name`), at offset `at`
 * of the line's value.
 */
export function numberOf(text: string, name: string, rule: string, field: FieldLine, at: number, warnings?: Warnings): number {
  // The common case: digits without a zero in front, a number that writes itself back the same.
  if (text.length <= MAX_DIGITS && (text.length === 1 || text.charCodeAt(0) !== 0x30) && !text.includes('.')) return Number(text);
  const digits = text.replace('.', '').length;
  if (digits > MAX_DIGITS) fail(rule, `${name} "${text.length > 24 ? `${text.slice(0, 24)}…` : text}" has ${digits} digits: this parser takes at most ${MAX_DIGITS}`, field, at);
  const n = Number(text);
  if (warnings && String(n) !== text) warnings.at(rule, `${name} "${text}" is the number ${n}: written back as ${n}, without the zeros`, field, at);
  return n;
}

/** A number as SDP writes it: decimal digits (and a point for a real). Throws for one that has no such form. */
export function decimal(n: number, name: string): string {
  // The common case (a port, a rate, a bandwidth) without the pattern.
  if (Number.isSafeInteger(n) && n >= 0 && n < 1e15) return String(n);
  const text = String(n);
  if (!/^\d+(?:\.\d+)?$/.test(text)) throw new RangeError(`${name} ${text} cannot be written in SDP: it is not a decimal number of at most ${MAX_DIGITS} digits`);
  return text;
}
