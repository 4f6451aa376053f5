/**
 * PRECIS: the derived property of RFC 8264 §8 on code points of each §9
 * category, the classes' errors (rule and code point named), the
 * contextual rules, and RFC 8265 §3.6's userparts read from the RFC text.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../helpers.ts';
import {
  PrepError, checkClass, derivedProperty, opaqueString, sameOpaqueString, sameUsernameCaseMapped, sameUsernameCasePreserved, usernameCaseMapped, usernameCasePreserved,
} from '../../../reference/precis/index.ts';

async function sectionLines(doc: string, number: string): Promise<string[]> {
  const d = await realDoc(doc);
  const s = d.sections.find((x) => x.number === number)!;
  return d.lines.slice(s.begin, s.end + 1).map((l) => l.text);
}

const prepError = (re: RegExp) => (e: unknown) => e instanceof PrepError && re.test(e.message);

// @tests RFC8264 P23L14-P23L34, P26L34-P26L43, P27L1-P27L45, P28L1-P28L23
test('§8 derived property: one code point of each category, in the algorithm order', () => {
  const v = (cp: number, cls: 'IdentifierClass' | 'FreeformClass' = 'IdentifierClass') => derivedProperty(cp, cls).value;
  assert.is(v(0x61), 'PVALID'); // ASCII7
  assert.is(v(0x40), 'PVALID'); // '@' is ASCII7, though punctuation
  assert.is(v(0x20), 'ID_DIS'); // SPACE: Spaces
  assert.is(v(0x20, 'FreeformClass'), 'FREE_PVAL');
  assert.is(v(0x0a), 'DISALLOWED'); // Controls
  assert.is(v(0xad), 'DISALLOWED'); // SOFT HYPHEN: default ignorable
  assert.is(v(0xfdd0), 'DISALLOWED'); // noncharacter
  assert.is(v(0x0378), 'UNASSIGNED'); // unassigned in the Greek block
  assert.is(v(0x200d), 'CONTEXTJ');
  assert.is(v(0x00b7), 'CONTEXTO');
  assert.is(v(0x00df), 'PVALID'); // Exceptions
  assert.is(v(0x0640), 'DISALLOWED'); // Exceptions: TATWEEL
  assert.is(v(0x1100), 'DISALLOWED'); // OldHangulJamo
  assert.is(v(0xac00), 'PVALID'); // a precomposed syllable is a letter
  assert.is(v(0x2163), 'ID_DIS'); // ROMAN NUMERAL FOUR: HasCompat
  assert.is(v(0x2163, 'FreeformClass'), 'FREE_PVAL');
  assert.is(v(0x03c0), 'PVALID'); // LetterDigits
  assert.is(v(0x01c5), 'ID_DIS'); // Dž titlecase: HasCompat before OtherLetterDigits
  assert.is(derivedProperty(0x01c5, 'IdentifierClass').category, 'HasCompat (Q, §9.17)');
  assert.is(derivedProperty(0x16ee, 'IdentifierClass').category, 'OtherLetterDigits (R, §9.18)'); // RUNIC ARLAUG SYMBOL, Nl
  assert.is(derivedProperty(0x221e, 'IdentifierClass').category, 'Symbols (O, §9.15)');
  assert.is(derivedProperty(0x00a1, 'IdentifierClass').category, 'Punctuation (P, §9.16)');
  assert.is(v(0x2028), 'DISALLOWED'); // LINE SEPARATOR: no category, the last Else
});

// @tests RFC8264 P10L23-P10L24
test('errors name the code point, the class, the category and the section', () => {
  assert.throws(() => checkClass('foo bar', 'IdentifierClass'), prepError(/^U\+0020 \(Zs\) at offset 3 is disallowed in the IdentifierClass: Spaces \(N, §9\.14\) \(RFC 8264 §4\.2\)$/));
  assert.throws(() => checkClass('a\u0378', 'FreeformClass'), prepError(/U\+0378 \(Cn\) at offset 1 is unassigned/));
  checkClass('foo bar', 'FreeformClass');
});

// @tests RFC8264 P22L33-P22L43
test('contextual rules: ZWJ only after a virama, MIDDLE DOT only between l and l, KERAIA before Greek, digits unmixed', () => {
  checkClass('\u0915\u094d\u200d\u0937', 'IdentifierClass'); // KA VIRAMA ZWJ SSA
  assert.throws(() => checkClass('a\u200db', 'IdentifierClass'), prepError(/U\+200D \(Cf\) at offset 1 is CONTEXTJ .* virama/));
  assert.throws(() => checkClass('\u0915\u093f\u200d', 'IdentifierClass'), prepError(/virama/)); // VOWEL SIGN I is a mark, not a virama
  checkClass('col\u00b7legi', 'IdentifierClass');
  assert.throws(() => checkClass('a\u00b7b', 'IdentifierClass'), prepError(/between two 'l'/));
  checkClass('\u0375\u03b1', 'FreeformClass');
  assert.throws(() => checkClass('\u0375a', 'FreeformClass'), prepError(/Greek/));
  checkClass('\u0661\u0662', 'IdentifierClass');
  assert.throws(() => checkClass('\u0661\u06f2', 'IdentifierClass'), prepError(/mixed/));
  checkClass('\u30a2\u30fb\u30a4', 'IdentifierClass');
  assert.throws(() => checkClass('a\u30fb', 'IdentifierClass'), prepError(/Hiragana, Katakana or Han/));
});

// @tests RFC8265 P11L20-P12L44
test('RFC 8265 §3.6: the legal userparts pass both profiles, the illegal ones are refused, as the tables say', async () => {
  const rows = (await sectionLines('RFC8265', '3.6')).map((l) => /^\s+\|\s*(\d+)\s*\|\s*<(.*?)>\s*\|/.exec(l)).filter((m) => m !== null);
  const examples = new Map(rows.map((m) => [Number(m![1]), m![2]!]));
  assert.is(examples.size, 11);
  for (const [i, s] of examples) {
    if (i <= 7) {
      assert.is(usernameCasePreserved(s), s, `example ${i}`);
      assert.is(usernameCaseMapped(s), s.toLowerCase(), `example ${i}`);
    } else {
      assert.throws(() => usernameCaseMapped(s), (e: unknown) => e instanceof PrepError, `example ${i}`);
    }
  }
  assert.is(usernameCaseMapped(examples.get(5)!), examples.get(6)!, 'Σ maps to σ');
  assert.is.not(usernameCaseMapped(examples.get(7)!), examples.get(6)!, 'ς stays ς');
  assert.throws(() => usernameCaseMapped(examples.get(9)!), prepError(/zero bytes/));
  assert.throws(() => usernameCaseMapped(examples.get(10)!), prepError(/U\+2163 'Ⅳ' \(Nl\) at offset 5 .*HasCompat/));
  assert.throws(() => usernameCaseMapped(examples.get(11)!), prepError(/U\+221E '∞' \(Sm\) .*Symbols/));
});

// @tests RFC8265 P7L42-P7L44, P8L21-P8L24, RFC8264 P15L5-P15L10
test('width mapping: the fullwidth digit zero of RFC 8264 §5.2.1 becomes DIGIT ZERO in a username, stays in OpaqueString', async () => {
  const text = (await sectionLines('RFC8264', '5.2.1')).join('\n');
  const m = /"(.)" \(FULLWIDTH DIGIT\s+ZERO, U\+FF10\) would be mapped to "(.)"/.exec(text);
  assert.ok(m, 'the example is in §5.2.1');
  assert.is(usernameCaseMapped(`x${m![1]}`), `x${m![2]}`);
  assert.is(usernameCasePreserved(`X${m![1]}`), `X${m![2]}`);
  assert.is(opaqueString(`x${m![1]}`), `x${m![1]}`);
  assert.throws(() => checkClass(m![1]!, 'IdentifierClass'), prepError(/HasCompat/), 'unmapped, HasCompat refuses it');
});

// @tests RFC8265 P8L9-P8L13
test('directionality: a right-to-left username is refused naming the Bidi Rule, not accepted unchecked', () => {
  assert.throws(() => usernameCaseMapped('\u05e9\u05dc\u05d5\u05dd'), prepError(/Bidi Rule \(RFC 5893\)/));
  assert.is(opaqueString('\u05e9\u05dc\u05d5\u05dd'), '\u05e9\u05dc\u05d5\u05dd');
});

// @tests RFC8265 P9L7-P9L18, P10L36-P10L45, P15L21-P15L30, P6L5
test('comparison: each string enforced, then octet for octet; a string that does not enforce equals nothing', () => {
  assert.ok(sameUsernameCaseMapped('Juliet', 'juliet'));
  assert.ok(sameUsernameCaseMapped('\uff2a\uff55liet', 'juliet'), 'fullwidth JU, width-mapped');
  assert.not.ok(sameUsernameCasePreserved('Juliet', 'juliet'));
  assert.ok(sameUsernameCasePreserved('Jule\u0301', 'Jul\u00e9'), 'NFC');
  assert.ok(sameOpaqueString('a\u00a0b', 'a b'));
  assert.not.ok(sameOpaqueString('Pass', 'pass'));
  assert.throws(() => sameUsernameCaseMapped('', ''), prepError(/zero bytes/));
});

test.run();
