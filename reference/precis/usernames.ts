/**
 * The two username profiles of the IdentifierClass (RFC 8265 §3.3, §3.4):
 * preparation, then enforcement in its order, then the non-empty check.
 *
 * @implements RFC8265 (PRECIS usernames and passwords)
 */
import { PrepError, checkClass } from './classes.ts';
import { directionality, widthMap } from './rules.ts';

/** Preparation, the same in both profiles: width mapping, then the IdentifierClass. */
// @implements RFC8265 P8L17-P8L28, P9L46-P10L8
function prepareUsername(s: string): string {
  const mapped = widthMap(s);
  checkClass(mapped, 'IdentifierClass');
  return mapped;
}

// @implements RFC8265 P8L43-P8L48, P6L5
function notEmpty(s: string, profile: string): string {
  if (s.length === 0) throw new PrepError(`the username is zero bytes long after ${profile} enforcement (RFC 8265 §3.1: a username MUST NOT be zero bytes in length)`);
  return s;
}

// @implements RFC8264 P14L5-P14L7, P21L6-P21L7
// Each profile below names all five rules, and applies them in §7's order: width, additional, case, normalization, directionality.

/** UsernameCaseMapped(s): the enforced string, or PrepError naming the rule and code point. */
// @implements RFC8265 P8L32-P8L41, P9L1-P9L5
export function usernameCaseMapped(s: string): string {
  let out = prepareUsername(s);
  // @implements RFC8265 P8L1-P8L4
  out = out.toLowerCase();
  // @implements RFC8265 P8L6-P8L7
  out = out.normalize('NFC');
  out = directionality(out);
  // Enforcement's output is checked against the class again: case mapping and NFC can produce what preparation never saw.
  checkClass(out, 'IdentifierClass');
  return notEmpty(out, 'UsernameCaseMapped');
}

/** UsernameCasePreserved(s): the same without case mapping. */
// @implements RFC8265 P10L12-P10L18, P10L20-P10L32
export function usernameCasePreserved(s: string): string {
  let out = prepareUsername(s);
  // @implements RFC8265 P9L33
  // Case Mapping Rule: none.
  out = out.normalize('NFC');
  out = directionality(out);
  checkClass(out, 'IdentifierClass');
  return notEmpty(out, 'UsernameCasePreserved');
}

/**
 * Whether two strings are the same username under UsernameCaseMapped: each
 * prepared and enforced, then compared octet for octet. A string that does
 * not enforce is equal to nothing (PrepError says why).
 */
// @implements RFC8265 P9L7-P9L18
export function sameUsernameCaseMapped(a: string, b: string): boolean {
  return usernameCaseMapped(a) === usernameCaseMapped(b);
}

/** The same under UsernameCasePreserved. */
// @implements RFC8265 P10L36-P10L45
export function sameUsernameCasePreserved(a: string, b: string): boolean {
  return usernameCasePreserved(a) === usernameCasePreserved(b);
}
