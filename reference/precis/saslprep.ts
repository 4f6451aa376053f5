/**
 * SASLprep (RFC 4013), the stringprep profile RFC 8265 obsoletes and that
 * RFC 5389 applied: RFC 5769's STUN vectors were made with it, and SCRAM
 * (RFC 5802 §2.2) names it for the username and password.
 *
 * What is implemented: B.1 mapped to nothing, C.1.2 spaces to SPACE, NFKC,
 * and the prohibited output of RFC 4013 §2.3 by Unicode category (controls,
 * private use, noncharacters, surrogates, C.6-C.9's listed code points). Left
 * out: the bidirectional check of §2.4 and the Unicode 3.2 unassigned table.
 *
 * @implements RFC4013 (SASLprep)
 * @cites-obsoleted RFC4013: SCRAM (RFC 5802) and PLAIN (RFC 4616), which this module serves, name SASLprep (RFC 4013) as their preparation
 */
import { PrepError, uPlus } from './classes.ts';
import { isNoncharacter } from './properties.ts';
import { mapSpaces } from './rules.ts';

/** RFC 3454 B.1, "commonly mapped to nothing". */
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;

/** SASLprep(s) (RFC 4013), as RFC 5389 and RFC 5769 used it. */
export function saslprep(s: string): string {
  // @implements RFC4013 P2L37-P2L41
  let out = mapSpaces(s).replace(MAPPED_TO_NOTHING, '');
  // @implements RFC4013 P2L45-P2L46
  out = out.normalize('NFKC');
  // @implements RFC4013 P3L3-P3L16
  for (const ch of out) {
    const cp = ch.codePointAt(0)!;
    if (/[\p{Cc}\p{Co}\p{Cs}]/u.test(ch) || isNoncharacter(cp) || /\p{Zs}/u.test(ch) && cp !== 0x20 ||
      (cp >= 0x2ff0 && cp <= 0x2ffb) || (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x206a && cp <= 0x206f) ||
      (cp >= 0xfff9 && cp <= 0xfffd) || cp === 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f))
      throw new PrepError(`RFC4013 §2.3: ${uPlus(cp)} is prohibited output`, cp);
  }
  return out;
}
