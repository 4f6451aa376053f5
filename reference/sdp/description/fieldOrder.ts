/**
 * A parsed description's fields in the order the SessionDescription type
 * declares them (RFC 8866 §5's), an optional one only when it was given,
 * so that its JSON reads in that order. Plumbing: parse.ts has read and
 * checked each field; nothing is decided here.
 */
import type { SessionDescription } from './types.ts';

/** What parse.ts collects: the lists from the start, the other fields once their line is read. */
export type CollectedSession = Partial<SessionDescription> & Pick<SessionDescription, 'emails' | 'phones' | 'bandwidths' | 'timings' | 'attributes' | 'media'>;

export function inFieldOrder(p: CollectedSession): SessionDescription {
  const s = { version: p.version!, origin: p.origin!, sessionName: p.sessionName! } as SessionDescription;
  if (p.information !== undefined) s.information = p.information;
  if (p.uri !== undefined) s.uri = p.uri;
  s.emails = p.emails;
  s.phones = p.phones;
  if (p.connection) s.connection = p.connection;
  s.bandwidths = p.bandwidths;
  s.timings = p.timings;
  s.attributes = p.attributes;
  s.media = p.media;
  return s;
}
