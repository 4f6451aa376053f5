/**
 * The derived property of a code point (RFC 8264 §8), computed from the
 * categories of §9 in the order §8 gives, with Node's Unicode tables
 * (`\p{…}` regexps, `String.prototype.normalize`): no table is copied in
 * but the RFC's own Exceptions list (RFC 5892 §2.6, which §9.6 includes).
 *
 * What Node cannot tell us is said where it matters: Hangul_Syllable_Type
 * (OldHangulJamo) is not a regexp property, so the conjoining jamo ranges are
 * written out; the Unicode version is this Node's, not Unicode 6.3.
 *
 * @implements RFC8264 (PRECIS framework)
 */

/** The values of §8, with ID_DIS and FREE_PVAL the one value "ID_DIS or FREE_PVAL" splits into. */
export type DerivedValue = 'PVALID' | 'CONTEXTJ' | 'CONTEXTO' | 'DISALLOWED' | 'UNASSIGNED' | 'ID_DIS' | 'FREE_PVAL';

/** The two string classes of §4. */
export type StringClass = 'IdentifierClass' | 'FreeformClass';

/** A value and the category (§9's letter and section) that decided it. */
export interface Derivation {
  value: DerivedValue;
  category: string;
}

const test = (re: RegExp) => (cp: number) => re.test(String.fromCodePoint(cp));

// @implements RFC8264 P25L37-P25L40
// Exceptions (F), RFC 5892 §2.6: the code points whose value the properties would get wrong.
const EXCEPTIONS = new Map<number, DerivedValue>([
  // PVALID: final sigma, sharp s, and four letters the categories misjudge
  [0x00df, 'PVALID'], [0x03c2, 'PVALID'], [0x06fd, 'PVALID'], [0x06fe, 'PVALID'], [0x0f0b, 'PVALID'], [0x3007, 'PVALID'],
  // CONTEXTO: MIDDLE DOT, GREEK KERAIA, HEBREW GERESH and GERSHAYIM, KATAKANA MIDDLE DOT, the two sets of Arabic-Indic digits
  [0x00b7, 'CONTEXTO'], [0x0375, 'CONTEXTO'], [0x05f3, 'CONTEXTO'], [0x05f4, 'CONTEXTO'], [0x30fb, 'CONTEXTO'],
  ...range(0x0660, 0x0669, 'CONTEXTO'), ...range(0x06f0, 0x06f9, 'CONTEXTO'),
  // DISALLOWED: TATWEEL, NKO LAJANYALAN, Hangul and kana marks
  [0x0640, 'DISALLOWED'], [0x07fa, 'DISALLOWED'], [0x302e, 'DISALLOWED'], [0x302f, 'DISALLOWED'],
  ...range(0x3031, 0x3035, 'DISALLOWED'), [0x303b, 'DISALLOWED'],
]);

function range(from: number, to: number, value: DerivedValue): [number, DerivedValue][] {
  return Array.from({ length: to - from + 1 }, (_, i) => [from + i, value] as [number, DerivedValue]);
}

// @implements RFC8264 P25L42-P26L3
// BackwardCompatible (G): the empty set, as it was when RFC 8264 was published.
const BACKWARD_COMPATIBLE = new Map<number, DerivedValue>();

/** Noncharacter_Code_Point: U+FDD0..U+FDEF and the last two code points of each plane. */
export const isNoncharacter = (cp: number) => (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;

// @implements RFC8264 P26L29-P26L32
// Unassigned (J), RFC 5892 §2.10: General_Category Cn and not a noncharacter.
const isUnassigned = (cp: number) => test(/\p{Cn}/u)(cp) && !isNoncharacter(cp);

// @implements RFC8264 P26L34-P26L43
const isAscii7 = (cp: number) => cp >= 0x21 && cp <= 0x7e;

// @implements RFC8264 P26L5-P26L8
// JoinControl (H), RFC 5892 §2.8: Join_Control(cp) = True (ZWNJ and ZWJ).
const isJoinControl = test(/\p{Join_Control}/u);

// @implements RFC8264 P26L20-P26L23
// OldHangulJamo (I), RFC 5892 §2.9: Hangul_Syllable_Type L, V or T, which
// regexps do not expose: the conjoining jamo of the Hangul Jamo block and
// its Extended-A and Extended-B blocks are exactly those.
const isOldHangulJamo = (cp: number) =>
  (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97c) || (cp >= 0xd7b0 && cp <= 0xd7c6) || (cp >= 0xd7cb && cp <= 0xd7fb);

// @implements RFC8264 P27L1-P27L6
const isControl = test(/\p{Cc}/u);

// @implements RFC8264 P27L8-P27L14
const isPrecisIgnorable = (cp: number) => test(/\p{Default_Ignorable_Code_Point}/u)(cp) || isNoncharacter(cp);

// @implements RFC8264 P27L26-P27L31
const isSpace = test(/\p{Zs}/u);

// @implements RFC8264 P27L33-P27L38
const isSymbol = test(/[\p{Sm}\p{Sc}\p{Sk}\p{So}]/u);

// @implements RFC8264 P27L40-P27L45
const isPunctuation = test(/[\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}]/u);

// @implements RFC8264 P28L1-P28L7
const hasCompat = (cp: number) => {
  const s = String.fromCodePoint(cp);
  return s.normalize('NFKC') !== s;
};

// @implements RFC8264 P25L6-P25L9
// LetterDigits (A), RFC 5892 §2.1: General_Category in {Ll, Lu, Lo, Nd, Lm, Mn, Mc}.
const isLetterDigit = test(/[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]/u);

// @implements RFC8264 P28L17-P28L23
const isOtherLetterDigit = test(/[\p{Lt}\p{Nl}\p{No}\p{Me}]/u);

/**
 * The derived property value of `cp` in `cls`, and the category that decided
 * it: §8's algorithm, whose order MUST NOT change.
 */
// @implements RFC8264 P23L14-P23L34
export function derivedProperty(cp: number, cls: StringClass): Derivation {
  const freeOrId = (category: string): Derivation => ({ value: cls === 'FreeformClass' ? 'FREE_PVAL' : 'ID_DIS', category });
  // @implements RFC8264 P23L20-P23L27
  if (EXCEPTIONS.has(cp)) return { value: EXCEPTIONS.get(cp)!, category: 'Exceptions (F, §9.6)' };
  if (BACKWARD_COMPATIBLE.has(cp)) return { value: BACKWARD_COMPATIBLE.get(cp)!, category: 'BackwardCompatible (G, §9.7)' };
  if (isUnassigned(cp)) return { value: 'UNASSIGNED', category: 'Unassigned (J, §9.10)' };
  if (isAscii7(cp)) return { value: 'PVALID', category: 'ASCII7 (K, §9.11)' };
  if (isJoinControl(cp)) return { value: 'CONTEXTJ', category: 'JoinControl (H, §9.8)' };
  if (isOldHangulJamo(cp)) return { value: 'DISALLOWED', category: 'OldHangulJamo (I, §9.9)' };
  if (isPrecisIgnorable(cp)) return { value: 'DISALLOWED', category: 'PrecisIgnorableProperties (M, §9.13)' };
  if (isControl(cp)) return { value: 'DISALLOWED', category: 'Controls (L, §9.12)' };
  // @implements RFC8264 P23L28-P23L34
  if (hasCompat(cp)) return freeOrId('HasCompat (Q, §9.17)');
  if (isLetterDigit(cp)) return { value: 'PVALID', category: 'LetterDigits (A, §9.1)' };
  if (isOtherLetterDigit(cp)) return freeOrId('OtherLetterDigits (R, §9.18)');
  if (isSpace(cp)) return freeOrId('Spaces (N, §9.14)');
  if (isSymbol(cp)) return freeOrId('Symbols (O, §9.15)');
  if (isPunctuation(cp)) return freeOrId('Punctuation (P, §9.16)');
  return { value: 'DISALLOWED', category: 'none of the categories (§8, the last Else)' };
}
