// @implements RFC8866 (SDP: Session Description Protocol)
/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2). */
import { fail, type FieldLine } from './errors.ts';
import { NON_WS, TOKEN, unicastProblem } from './address.ts';
import type { Origin } from './types.ts';

const RULE = 'RFC8866 §5.2';

/** Splits a value on single spaces, with the offset of each subfield. */
export function subfields(value: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let at = 0;
  for (const text of value.split(' ')) {
    out.push({ text, at });
    at += text.length + 1;
  }
  return out;
}

// @implements RFC8866 P11L35-P11L36, P11L42-P11L44
export function parseOrigin(field: FieldLine): Origin {
  const parts = subfields(field.value);
  // Six subfields, one space apart: a username with a space in it makes seven.
  if (parts.length !== 6) fail(RULE, `o= has ${parts.length} subfields, not the six <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (the username MUST NOT contain spaces)`, field);
  const [username, sessId, sessVersion, netType, addrType, address] = parts;
  if (!NON_WS.test(username.text)) fail(RULE, 'o= <username> is empty or has a control character', field, username.at);
  // @implements RFC8866 P11L46-P12L9
  if (!/^\d+$/.test(sessId.text)) fail(RULE, `o= <sess-id> "${sessId.text}" is not a numeric string`, field, sessId.at);
  if (!/^\d+$/.test(sessVersion.text)) fail(RULE, `o= <sess-version> "${sessVersion.text}" is not a number`, field, sessVersion.at);
  // @implements RFC8866 P12L11-P12L17
  if (!TOKEN.test(netType.text)) fail(RULE, `o= <nettype> "${netType.text}" is not a token`, field, netType.at);
  if (!TOKEN.test(addrType.text)) fail(RULE, `o= <addrtype> "${addrType.text}" is not a token`, field, addrType.at);
  const problem = unicastProblem(addrType.text, address.text);
  if (problem) fail(RULE, `o= <unicast-address>: ${problem}`, field, address.at);
  // @exception RFC8866 P12L25-P12L28: whether the host had a name to give is the creator's to know; an address is as good to a parser
  return { username: username.text, sessionId: sessId.text, sessionVersion: BigInt(sessVersion.text), netType: netType.text, addrType: addrType.text, unicastAddress: address.text };
}
