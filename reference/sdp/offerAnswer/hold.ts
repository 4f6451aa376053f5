// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Putting unicast streams on hold and taking them off it (§8.4): both are
 * new offers that modify the session (§8), built from the last SDP this
 * agent sent.
 */
import type { Direction, MediaDescription, SessionDescription } from '../description/types.ts';
import type { Capabilities } from './capabilities.ts';
import { directionAttributes, directionOf } from './direction.ts';
import { nextOrigin, type Session } from './modify.ts';
import { isMulticast } from './multicast.ts';
import { streamAddress } from './negotiated.ts';
import { createOffer } from './offer.ts';

/**
 * The held offer after `previous` (the last SDP this agent sent): each
 * unicast stream that was sendrecv is now sendonly, each recvonly one
 * inactive; the rest as they were. The o= version is one more.
 */
export function hold(previous: SessionDescription): SessionDescription {
  // A direction written at session level moves onto each stream, so that a stream left alone keeps the direction it had.
  const attributes = previous.attributes.filter((a) => a.kind !== 'direction');
  const untouched = (m: MediaDescription) => (attributes.length === previous.attributes.length ? m : marked(m, directionOf(previous, m)));
  // @implements RFC3264 P17L29-P17L31
  const media = previous.media.map((m) => (m.port === 0 ? m : isMulticast(streamAddress(m, previous)) ? untouched(m) : held(m, previous)));
  // @implements RFC3264 P13L19-P13L22
  return { ...previous, origin: nextOrigin(previous.origin), attributes, media };
}

function held(m: MediaDescription, previous: SessionDescription): MediaDescription {
  const was = directionOf(previous, m);
  // @implements RFC3264 P17L33-P17L36
  return marked(m, was === 'sendrecv' ? 'sendonly' : was === 'recvonly' ? 'inactive' : was);
}

/** The stream with `direction` as its own mark (none for sendrecv). */
const marked = (m: MediaDescription, direction: Direction): MediaDescription => ({ ...m, attributes: [...m.attributes.filter((a) => a.kind !== 'direction'), ...directionAttributes(direction)] });

/**
 * Off hold: a new offer of `local` in `session` (the machine's Stable
 * state: the held SDP last sent, and every payload type bound so far),
 * each stream in the direction `local` wishes again (sendrecv unless it
 * says otherwise). Given only the last SDP sent, the bindings are those of
 * the last exchange alone.
 */
export function resume(session: Session | SessionDescription, local: Capabilities): SessionDescription {
  const s: Session = 'media' in session ? { local: session } : session;
  if (s.local === undefined) throw new Error('resume: this agent has sent no SDP in the session yet, so there is nothing to take off hold');
  // @implements RFC3264 P13L3-P13L7
  return createOffer(local, s);
}
