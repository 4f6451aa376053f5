/**
 * STUN messages: the public face of reference/stun/message/. Files below:
 *
 *   constants.ts   magic cookie, classes, methods, attribute types, isStun
 *   attributes.ts  the typed attributes and their values
 *   integrity.ts   MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT
 *   codec.ts       decodeMessage, encodeMessage
 *   bytes.ts       plumbing: copies of datagram bytes, IP address text
 *
 * @implements RFC8489 (STUN)
 * @implements RFC8656 (TURN)
 */
import { ATTRIBUTE_NAME, isComprehensionRequired } from './constants.ts';
import type { StunMessage } from './codec.ts';
import type { AttributeOf, StunAttribute } from './attributes.ts';

export * from './constants.ts';
export { type StunAttribute, type AttributeOf, type TransportAddress, type PasswordAlgorithm, attributeType } from './attributes.ts';
export { verifyIntegrity, verifyFingerprint } from './integrity.ts';
export {
  type StunMessage,
  type DecodeResult,
  type DecodeOptions,
  type EncodeOptions,
  decodeMessage,
  encodeMessage,
  messageType,
  splitMessageType,
} from './codec.ts';

/**
 * The comprehension-required attribute types of a message that the agent
 * does not understand: what a server's 420 lists in UNKNOWN-ATTRIBUTES.
 * `understood` adds types the agent knows beyond this module's table.
 */
// @implements RFC8489 P17L6-P17L10, P43L41-P43L44
export function unknownComprehensionRequired(message: StunMessage, understood: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  for (const a of message.attributes) {
    if (a.type !== 'unknown' || !isComprehensionRequired(a.code) || understood.has(a.code) || out.includes(a.code)) continue;
    out.push(a.code);
  }
  return out;
}

/**
 * A response to a request: the same method and transaction ID (and RFC 3489
 * cookie bits, if any), class success or error.
 */
// @implements RFC8489 P11L9-P11L10, P17L43-P17L46
export function responseTo(request: StunMessage, cls: 'success' | 'error', attributes: StunAttribute[] = []): StunMessage {
  if (request.class !== 'request') throw new Error(`RFC8489 §6.3.1.1: only a request is answered, not a ${request.class}`);
  const out: StunMessage = { class: cls, method: request.method, transactionId: request.transactionId, attributes };
  if (request.cookie !== undefined) out.cookie = request.cookie;
  return out;
}

/** The first attribute of a type (§14: only the first occurrence needs to be processed). */
// @implements RFC8489 P36L41-P36L44
export function firstAttribute<T extends StunAttribute['type']>(message: StunMessage, type: T): AttributeOf<T> | undefined {
  return message.attributes.find((a) => a.type === type) as AttributeOf<T> | undefined;
}

export { ATTRIBUTE_NAME };
