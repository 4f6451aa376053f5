// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Stream directions: where a stream's direction is read from, and what the
 * answer to each offered direction may be. A direction is a pair of wishes
 * (send, receive), seen from the side that wrote it.
 */
import type { Attribute, Direction } from '../description/types.ts';

// A stream's direction is read as RFC 8866 §6.7 says (description/direction.ts): its own mark, else the session's, else sendrecv.
export { directionOf } from '../description/direction.ts';

export const sends = (d: Direction): boolean => d === 'sendrecv' || d === 'sendonly';
export const receives = (d: Direction): boolean => d === 'sendrecv' || d === 'recvonly';

export function directionFrom(send: boolean, receive: boolean): Direction {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/**
 * The answer's direction: what the answerer wishes, cut down to what the
 * offer allows. It sends only where the offerer receives and receives only
 * where the offerer sends, so a sendonly offer gets recvonly (or inactive),
 * a recvonly offer sendonly (or inactive), an inactive one inactive, and a
 * sendrecv offer whatever the answerer wishes.
 */
export function answerDirection(offered: Direction, wish: Direction): Direction {
  // @implements RFC3264 P9L39-P9L48
  return directionFrom(sends(wish) && receives(offered), receives(wish) && sends(offered));
}

/** May `answered` answer `offered` (§6.1)? */
export function allowedAnswer(offered: Direction, answered: Direction): boolean {
  // @implements RFC3264 P9L39-P9L48
  return (!sends(answered) || receives(offered)) && (!receives(answered) || sends(offered));
}

/** The media-level direction attribute for a stream, or none for sendrecv (the default). */
export function directionAttributes(direction: Direction): Attribute[] {
  // @implements RFC3264 P5L45-P6L4, P6L9-P6L11
  return direction === 'sendrecv' ? [] : [{ kind: 'direction', direction }];
}
