/**
 * The OpaqueString profile (RFC 8265 §4.2) that RFC 8489 applies to
 * passwords, realms and usernames, and SASLprep (RFC 4013), which RFC 5389
 * applied and RFC 5769's vectors were made with.
 *
 * What is implemented: OpaqueString's enforcement rules in their order
 * (no width mapping, non-ASCII spaces to SPACE, no case mapping, NFC, no
 * directionality rule), and of the FreeformClass (RFC 8264) the exclusions a
 * password is likely to meet: control characters, default-ignorable code
 * points (SOFT HYPHEN among them), surrogates, noncharacters and unassigned
 * code points (as this Node's Unicode tables know them), and the empty string.
 * Left out: the rest of RFC 8264's derived-property computation (Old Hangul
 * Jamo, the exact Unicode version), which no test vector needs.
 *
 * SASLprep: B.1 mapped to nothing, C.1.2 spaces to SPACE, NFKC, and the
 * prohibited output of RFC 4013 §2.3 by Unicode category (controls, private
 * use, noncharacters, surrogates, C.6-C.9's listed code points); the
 * bidirectional check of §2.4 and the Unicode 3.2 unassigned table are left
 * out.
 *
 * @implements RFC8265 (PRECIS usernames and passwords)
 * @implements RFC4013 (SASLprep)
 */

/** A string the profile refuses, and why. */
export class PrepError extends Error {}

const NON_ASCII_SPACE = /(?!\u0020)\p{Zs}/gu;

/** OpaqueString(s): the string conforming to the profile, or PrepError naming the rule it breaks. */
export function opaqueString(s: string): string {
  // @implements RFC8265 P14L20-P14L23
  prepare(s);
  // @implements RFC8265 P14L25-P14L27
  // Width Mapping Rule: fullwidth and halfwidth code points are left as they are.
  // @implements RFC8265 P14L29-P14L32
  let out = s.replace(NON_ASCII_SPACE, ' ');
  // @implements RFC8265 P14L37-P14L40
  // Case Mapping Rule: none.
  // @implements RFC8265 P14L42-P14L43
  out = out.normalize('NFC');
  // @implements RFC8265 P14L45
  // Directionality Rule: none.
  // @implements RFC8265 P15L13-P15L17
  prepare(out); // the output is checked again: NFC may compose into what FreeformClass refuses
  return out;
}

/**
 * The FreeformClass check of preparation (RFC 8265 §4.2.1, classes of RFC 8264):
 * throws on a code point the class does not allow.
 */
// @implements RFC8265 P14L13-P14L16
function prepare(s: string): void {
  if (s.length === 0) throw new PrepError('RFC8265 §4: a zero-length string is not allowed');
  let i = 0;
  for (const ch of s) {
    const why = disallowed(ch);
    if (why) throw new PrepError(`RFC8265 §4.2.1: U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${i} is not allowed by the FreeformClass (${why})`);
    i += ch.length;
  }
}

// @implements RFC8265 P14L13-P14L16
function disallowed(ch: string): string | undefined {
  const cp = ch.codePointAt(0)!;
  if (/\p{Cc}/u.test(ch)) return 'a control character';
  if (/\p{Default_Ignorable_Code_Point}/u.test(ch)) return 'a default-ignorable code point';
  if (/\p{Cs}/u.test(ch)) return 'a surrogate';
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'a noncharacter';
  if (/\p{Cn}/u.test(ch)) return 'an unassigned code point';
  return undefined;
}

// --- SASLprep -----------------------------------------------------------------

/** RFC 3454 B.1, "commonly mapped to nothing". */
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;

/** SASLprep(s) (RFC 4013), as RFC 5389 and RFC 5769 used it. */
export function saslprep(s: string): string {
  // @implements RFC4013 P2L37-P2L41
  let out = s.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  // @implements RFC4013 P2L45-P2L46
  out = out.normalize('NFKC');
  // @implements RFC4013 P3L3-P3L16
  for (const ch of out) {
    const cp = ch.codePointAt(0)!;
    if (/[\p{Cc}\p{Co}\p{Cs}]/u.test(ch) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe || /\p{Zs}/u.test(ch) && cp !== 0x20 ||
      (cp >= 0x2ff0 && cp <= 0x2ffb) || (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x206a && cp <= 0x206f) ||
      (cp >= 0xfff9 && cp <= 0xfffd) || cp === 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f))
      throw new PrepError(`RFC4013 §2.3: U+${cp.toString(16).toUpperCase().padStart(4, '0')} is prohibited output`);
  }
  return out;
}
