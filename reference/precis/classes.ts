/**
 * The two string classes (RFC 8264 §4): whether a string consists only of
 * code points the class allows, the contextual rules (RFC 5892 Appendix A,
 * which §8 points to) applied where a code point needs one.
 *
 * @implements RFC8264 (PRECIS framework)
 */
import { type StringClass, derivedProperty } from './properties.ts';

/** A string a class or profile refuses: the rule, the code point and its offset (UTF-16 units). */
export class PrepError extends Error {
  constructor(message: string, readonly codePoint?: number, readonly offset?: number) {
    super(message);
    this.name = 'PrepError';
  }
}

/** `U+00AD`: the code point as Unicode writes it. */
export const uPlus = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** `U+00AD (Cf)`: the code point and its General_Category, as errors name it. */
export function describe(cp: number): string {
  const s = String.fromCodePoint(cp);
  const gc = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co', 'Cn']
    .find((c) => new RegExp(`\\p{${c}}`, 'u').test(s));
  const shown = /[\p{L}\p{N}\p{P}\p{S}]/u.test(s) ? ` '${s}'` : '';
  return `${uPlus(cp)}${shown} (${gc})`;
}

const SECTION: Record<StringClass, string> = { IdentifierClass: '§4.2', FreeformClass: '§4.3' };

/**
 * Throws PrepError on the first code point of `s` that `cls` does not allow:
 * DISALLOWED, ID_DIS in the IdentifierClass, UNASSIGNED, or CONTEXTJ/CONTEXTO
 * whose rule does not confirm it.
 */
// @implements RFC8264 P9L31-P10L48, P11L27-P12L29
export function checkClass(s: string, cls: StringClass): void {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  let offset = 0;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    const { value, category } = derivedProperty(cp, cls);
    const where = `at offset ${offset}`;
    if (value === 'DISALLOWED' || value === 'ID_DIS')
      throw new PrepError(`${describe(cp)} ${where} is disallowed in the ${cls}: ${category} (RFC 8264 ${SECTION[cls]})`, cp, offset);
    if (value === 'UNASSIGNED')
      throw new PrepError(`${describe(cp)} ${where} is unassigned, disallowed in the ${cls} (RFC 8264 ${SECTION[cls]}, §9.10)`, cp, offset);
    // @implements RFC8264 P22L33-P22L43
    if (value === 'CONTEXTJ' || value === 'CONTEXTO') {
      const why = contextualRule(cps, i);
      if (why) throw new PrepError(`${describe(cp)} ${where} is ${value} and its contextual rule is not met: ${why} (RFC 8264 §8, RFC 5892 Appendix A)`, cp, offset);
    }
    offset += cp > 0xffff ? 2 : 1;
  }
}

const script = (cp: number | undefined, name: string) => cp !== undefined && new RegExp(`\\p{Script=${name}}`, 'u').test(String.fromCodePoint(cp));

/** DEVANAGARI SIGN VIRAMA (ccc 9) and COMBINING TILDE OVERLAY (ccc 1): known classes to compare against. */
const VIRAMA = '\u094d';
const CCC_1 = '\u0334';

/**
 * Canonical_Combining_Class(cp) = Virama (9), found through canonical
 * ordering, since regexps do not expose the class: after a base letter, NFD
 * swaps two adjacent marks when the first one's class is higher. A mark of
 * class 9 is swapped with neither order of itself and the virama, and is
 * swapped before a class-1 mark.
 */
// @implements RFC8264 P26L10-P26L17
function isVirama(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  const m = String.fromCodePoint(cp);
  const stays = (t: string) => t.normalize('NFD') === t;
  return stays(`a${m}${VIRAMA}`) && stays(`a${VIRAMA}${m}`) && !stays(`a${m}${CCC_1}`);
}

/** Why the contextual rule of cps[i] fails, or undefined when it holds. */
// @implements RFC8264 P22L36-P22L43
function contextualRule(cps: number[], i: number): string | undefined {
  const cp = cps[i]!;
  const before = cps[i - 1];
  const after = cps[i + 1];
  switch (cp) {
    // @implements RFC8264 P26L15-P26L17
    case 0x200c: // ZERO WIDTH NON-JOINER: after a virama; the Joining_Type alternative needs data Node lacks, so it stays unconfirmed
    case 0x200d: // ZERO WIDTH JOINER: after a virama
      return isVirama(before) ? undefined : 'it must follow a virama (Canonical_Combining_Class 9)';
    // @implements RFC8264 P25L37-P25L40
    // The CONTEXTO code points of the Exceptions, each with its rule.
    case 0x00b7: // MIDDLE DOT: between two 'l' (Catalan l·l)
      return before === 0x6c && after === 0x6c ? undefined : "it must stand between two 'l' (U+006C)";
    case 0x0375: // GREEK LOWER NUMERAL SIGN (KERAIA): before a Greek letter
      return script(after, 'Greek') ? undefined : 'it must be followed by a Greek code point';
    case 0x05f3: // HEBREW PUNCTUATION GERESH
    case 0x05f4: // HEBREW PUNCTUATION GERSHAYIM
      return script(before, 'Hebrew') ? undefined : 'it must follow a Hebrew code point';
    case 0x30fb: // KATAKANA MIDDLE DOT: somewhere with Hiragana, Katakana or Han
      return cps.some((c) => c !== 0x30fb && (script(c, 'Hiragana') || script(c, 'Katakana') || script(c, 'Han')))
        ? undefined : 'the string must hold a Hiragana, Katakana or Han code point';
  }
  // @implements RFC8264 P25L37-P25L40
  if (cp >= 0x0660 && cp <= 0x0669)
    return cps.some((c) => c >= 0x06f0 && c <= 0x06f9) ? 'ARABIC-INDIC DIGITS may not be mixed with EXTENDED ARABIC-INDIC DIGITS' : undefined;
  if (cp >= 0x06f0 && cp <= 0x06f9)
    return cps.some((c) => c >= 0x0660 && c <= 0x0669) ? 'EXTENDED ARABIC-INDIC DIGITS may not be mixed with ARABIC-INDIC DIGITS' : undefined;
  return 'no contextual rule is known for it';
}
