/**
 * The OpaqueString profile of the FreeformClass (RFC 8265 §4.2), for
 * passwords and other secrets: RFC 8489 applies it to STUN's usernames,
 * realms and passwords, RFC 7622 to a JID's resourcepart, SCRAM to the
 * password.
 *
 * @implements RFC8265 (PRECIS usernames and passwords)
 */
import { PrepError, checkClass } from './classes.ts';
import { mapSpaces } from './rules.ts';

/** Preparation: only FreeformClass code points. */
// @implements RFC8265 P14L13-P14L16
function prepare(s: string): void {
  checkClass(s, 'FreeformClass');
}

/** OpaqueString(s): the string conforming to the profile, or PrepError naming the rule it breaks. */
export function opaqueString(s: string): string {
  // @implements RFC8265 P14L20-P14L23
  prepare(s);
  // @implements RFC8265 P14L25-P14L27
  // Width Mapping Rule: fullwidth and halfwidth code points are left as they are.
  // @implements RFC8265 P14L29-P14L32
  let out = mapSpaces(s);
  // @implements RFC8265 P14L37-P14L40
  // Case Mapping Rule: none.
  // @implements RFC8265 P14L42-P14L43
  out = out.normalize('NFC');
  // @implements RFC8265 P14L45
  // Directionality Rule: none.
  // @implements RFC8265 P15L13-P15L17
  prepare(out); // the output is checked again: NFC may compose into what FreeformClass refuses
  // @implements RFC8265 P13L27-P13L28
  if (out.length === 0) throw new PrepError('RFC8265 §4.1: a zero-length string is not allowed (a password MUST NOT be zero bytes in length)');
  return out;
}

/** Whether two strings are the same under OpaqueString: each enforced, then compared octet for octet. */
// @implements RFC8265 P15L21-P15L30
export function sameOpaqueString(a: string, b: string): boolean {
  return opaqueString(a) === opaqueString(b);
}
