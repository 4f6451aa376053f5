/**
 * The rules a profile picks (RFC 8264 §5.2) that more than one profile of
 * RFC 8265 uses: width mapping, the non-ASCII space mapping, and the
 * directionality rule as far as Node lets us go.
 *
 * @implements RFC8264 (PRECIS framework)
 */
import { PrepError, describe } from './classes.ts';

/**
 * Fullwidth and halfwidth code points (Decomposition_Type Wide or Narrow)
 * mapped to their decomposition. Node exposes no decomposition type; the
 * Wide and Narrow ones are IDEOGRAPHIC SPACE and the Halfwidth and
 * Fullwidth Forms block (U+FF01-U+FFEE), whose compatibility decomposition
 * is that one code point.
 */
// @implements RFC8264 P15L5-P15L10
export function widthMap(s: string): string {
  return s.replace(/[\u3000\uff01-\uffee]/g, (c) => {
    const d = c.normalize('NFKD');
    return [...d].length === 1 ? d : c;
  });
}

const NON_ASCII_SPACE = /(?!\u0020)\p{Zs}/gu;

/** Every non-ASCII space (General_Category Zs but SPACE) to SPACE. */
export function mapSpaces(s: string): string {
  return s.replace(NON_ASCII_SPACE, ' ');
}

/** Scripts written right to left (Bidi_Class R or AL for their letters). */
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Mende_Kikakui}]/u;

/**
 * The Directionality Rule of a username profile: RFC 5893's Bidi Rule for a
 * string holding a right-to-left code point. The Bidi Rule needs
 * Bidi_Class, which Node does not expose; rather than accept such a string
 * unchecked, it is refused, naming the rule. Strings without right-to-left
 * code points need nothing.
 */
// @implements RFC8265 P8L9-P8L13
export function directionality(s: string): string {
  const m = RIGHT_TO_LEFT.exec(s);
  if (m) throw new PrepError(`${describe(m[0].codePointAt(0)!)} at offset ${m.index} is right-to-left: the Bidi Rule (RFC 5893) is not implemented here, so the string is refused (RFC 8265 §3.3.1 rule 5)`, m[0].codePointAt(0), m.index);
  return s;
}
