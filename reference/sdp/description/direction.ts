// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * The media direction attributes (§6.7): `a=sendrecv`, `a=sendonly`,
 * `a=recvonly`, `a=inactive`, and which one applies to a media description.
 *
 * @exception RFC8866 P30L43-P30L45, P31L35-P31L37, P32L8-P32L9: sending and receiving RTCP is the RTP layer's (the next issue), not the description's
 */
import { fail } from './errors.ts';
import type { AttributeInput } from './attributeValue.ts';
import type { Attribute, Direction, MediaDescription, SessionDescription } from './types.ts';

/** A property attribute: no value. */
// @implements RFC8866 P21L30-P21L33
export function parseDirection({ name, value, field }: AttributeInput): Attribute {
  if (value !== undefined) fail('RFC8866 §6.7', `a=${name} is a property attribute: it takes no value`, field);
  return { kind: 'direction', direction: name as Direction };
}

/** The direction attribute among these, if any. */
export function directionIn(attributes: readonly Attribute[]): Direction | undefined {
  for (const a of attributes) if (a.kind === 'direction') return a.direction;
  return undefined;
}

/**
 * The media description's own direction, else the session's, else
 * sendrecv.
 */
// @implements RFC8866 P30L2-P30L9
export function directionOf(session: SessionDescription, media: MediaDescription): Direction {
  return directionIn(media.attributes) ?? directionIn(session.attributes) ?? 'sendrecv';
}
