// @implements RFC4145 (TCP-Based Media Transport in SDP)
/** `a=setup:` (RFC 4145 §4) and `a=connection:` (§5). */
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import type { Attribute } from './types.ts';

const ROLES = ['active', 'passive', 'actpass', 'holdconn'] as const;

/** `a=setup:active|passive|actpass|holdconn`: which end opens the TCP connection. */
// @implements RFC4145 P4L13-P4L15
export function parseSetup(input: AttributeInput): Attribute {
  const role = valueOf(input, 'active|passive|actpass|holdconn');
  const known = ROLES.find((r) => r === role);
  if (!known) failAt(input, 'RFC4145 §4', `a=setup:${role}: the role is one of ${ROLES.join(', ')}`);
  return { kind: 'setup', role: known };
}

/** `a=connection:new|existing`. */
// @implements RFC4145 P6L1-P6L2
export function parseConnectionAttribute(input: AttributeInput): Attribute {
  const value = valueOf(input, 'new|existing');
  if (value !== 'new' && value !== 'existing') failAt(input, 'RFC4145 §5', `a=connection:${value}: the value is new or existing`);
  return { kind: 'connection', value };
}
