/**
 * PRECIS (RFC 8264) and its profiles: the public face of reference/precis/.
 *
 *   properties.ts    the categories of §9 and the derived property of §8
 *   classes.ts       IdentifierClass and FreeformClass (§4), contextual rules, PrepError, how errors name a code point
 *   rules.ts         width mapping, non-ASCII spaces, the directionality rule
 *   usernames.ts     UsernameCaseMapped, UsernameCasePreserved (RFC 8265 §3)
 *   opaqueString.ts  OpaqueString (RFC 8265 §4)
 *   saslprep.ts      SASLprep (RFC 4013), which RFC 8265 obsoletes and older peers still use
 *
 * @implements RFC8264 (PRECIS framework)
 */
export { type DerivedValue, type StringClass, type Derivation, derivedProperty } from './properties.ts';
export { PrepError, checkClass, describe, uPlus } from './classes.ts';
export { usernameCaseMapped, usernameCasePreserved, sameUsernameCaseMapped, sameUsernameCasePreserved } from './usernames.ts';
export { opaqueString, sameOpaqueString } from './opaqueString.ts';
export { saslprep } from './saslprep.ts';
