// @implements RFC8866 (SDP: Session Description Protocol)
/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2). */
import { fail, Warnings, type FieldLine } from './errors.ts';
import { NON_WS, TOKEN, unicastProblem } from './address.ts';
import type { Origin } from './types.ts';

const RULE = 'RFC8866 §5.2';

/** Splits a value on single spaces (§5: subfields are delimited by a single space character). */
export const subfields = (value: string): string[] => value.split(' ');

/** Offset of subfield i in the value, for an error's column. */
export function offsetOf(parts: readonly string[], i: number): number {
  let at = 0;
  for (let k = 0; k < i; k++) at += parts[k].length + 1;
  return at;
}

// @implements RFC8866 P11L35-P11L36, P11L42-P11L44
export function parseOrigin(field: FieldLine, warnings?: Warnings): Origin {
  const parts = subfields(field.value);
  // Six subfields, one space apart: a username with a space in it makes seven.
  if (parts.length !== 6) fail(RULE, `o= has ${parts.length} subfields, not the six <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (the username MUST NOT contain spaces)`, field);
  const [username, sessId, sessVersion, netType, addrType, address] = parts;
  if (!NON_WS.test(username)) fail(RULE, 'o= <username> is empty or has a control character', field);
  // @implements RFC8866 P11L46-P12L9
  if (!/^\d+$/.test(sessId)) fail(RULE, `o= <sess-id> "${sessId}" is not a numeric string`, field, offsetOf(parts, 1));
  if (!/^\d+$/.test(sessVersion)) fail(RULE, `o= <sess-version> "${sessVersion}" is not a number`, field, offsetOf(parts, 2));
  // @implements RFC8866 P12L11-P12L17
  if (!TOKEN.test(netType)) fail(RULE, `o= <nettype> "${netType}" is not a token`, field, offsetOf(parts, 3));
  if (!TOKEN.test(addrType)) fail(RULE, `o= <addrtype> "${addrType}" is not a token`, field, offsetOf(parts, 4));
  const problem = unicastProblem(addrType, address);
  if (problem) fail(RULE, `o= <unicast-address>: ${problem}`, field, offsetOf(parts, 5));
  // @exception RFC8866 P12L25-P12L28: whether the host had a name to give is the creator's to know; an address is as good to a parser
  const sessionVersion = BigInt(sessVersion);
  // A bigint of any length is exact; only zeros in front are not kept.
  if (String(sessionVersion) !== sessVersion) warnings?.at(RULE, `o= <sess-version> "${sessVersion}" is the number ${sessionVersion}: written back as ${sessionVersion}, without the zeros`, field, offsetOf(parts, 2));
  return { username, sessionId: sessId, sessionVersion, netType, addrType, unicastAddress: address };
}
