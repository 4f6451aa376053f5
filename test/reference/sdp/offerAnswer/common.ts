/** What the offer/answer tests share: capabilities and offers built through the module itself. */
import type { Direction, MediaDescription, SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { codecsFromNames, createOffer, type Capabilities } from '../../../../reference/sdp/offerAnswer/index.ts';
import { directionOf } from '../../../../reference/sdp/offerAnswer/direction.ts';

/** An agent on 127.0.0.1 with one stream per `media` entry: `audio:PCMU,PCMA` or `video:H261/90000`. */
export function agent(port: number, ...streams: string[]): Capabilities {
  return {
    address: '127.0.0.1',
    media: streams.map((s, i) => {
      const [media, codecs, direction] = s.split(':');
      return { media: media!, port: port + 2 * i, codecs: codecsFromNames(codecs!), ...(direction ? { direction: direction as Direction } : {}) };
    }),
  };
}

export const offerOf = (port: number, ...streams: string[]): SessionDescription => createOffer(agent(port, ...streams));

/** The m= lines as `audio 49170 0 8 97 sendrecv`: what the tests compare. */
export const lines = (d: SessionDescription): string[] => d.media.map((m) => `${m.media} ${m.port} ${m.formats.join(' ')} ${directionOf(d, m)}`);

/** `d` with stream `i` changed by `f`. */
export function withStream(d: SessionDescription, i: number, f: (m: MediaDescription) => MediaDescription): SessionDescription {
  return { ...d, media: d.media.map((m, j) => (j === i ? f(m) : m)) };
}

export const marked = (direction: Direction) => (m: MediaDescription): MediaDescription => ({
  ...m,
  attributes: [...m.attributes.filter((a) => a.kind !== 'direction'), { kind: 'direction', direction }],
});
