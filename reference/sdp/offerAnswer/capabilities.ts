/**
 * What this agent can do, as offer (offer.ts) and answer (answer.ts) read it:
 * its address, and per stream a media type, a port, its codecs in order of
 * preference and the direction it wishes. Plumbing: no rule of RFC 3264 is
 * decided here.
 */
import type { Direction } from '../description/types.ts';
import { MAX_DIGITS } from '../description/numbers.ts';
import { DYNAMIC_COUNT, sameCodec, staticPayloadType, type Codec } from './formats.ts';

export type { Codec } from './formats.ts';

export interface MediaCapabilities {
  /** The media type, `audio`, `video`, ... */
  media: string;
  port: number;
  /** `RTP/AVP` when absent. */
  proto?: string;
  /** In order of preference, the first preferred. */
  codecs: Codec[];
  /** `sendrecv` when absent. */
  direction?: Direction;
  /** Where this stream is received, when not the session's address (a c= line of its own). */
  address?: string;
  /** RTP and RTCP on one port (RFC 5761): offered with `a=rtcp-mux`, and accepted when offered (rtcpMux.ts). */
  rtcpMux?: boolean;
}

export interface Capabilities {
  /** The address written in o= and c=, IPv4 or IPv6. */
  address: string;
  /** o= username; `-` when absent. */
  username?: string;
  /** o= session id of a new session; random when absent. */
  sessionId?: string;
  /** The k-th stream of a media type answers the k-th offered stream of that type. */
  media: MediaCapabilities[];
  /** The answer lists formats in the offer's order (the default) or in ours. */
  order?: 'offer' | 'local';
}

/** One audio stream: what a phone offers. */
export function audioCapabilities(options: { address: string; port: number; codecs: Codec[]; direction?: Direction; username?: string; rtcpMux?: boolean }): Capabilities {
  const { address, port, codecs, direction, username, rtcpMux } = options;
  return { address, ...(username === undefined ? {} : { username }), media: [{ media: 'audio', port, codecs, ...(direction === undefined ? {} : { direction }), ...(rtcpMux ? { rtcpMux } : {}) }] };
}

/** Codecs a user names without their rates; telephone-event with the events of RFC 4733 §7.1.1's example. */
const KNOWN: Record<string, Codec> = {
  pcmu: { encodingName: 'PCMU', clockRate: 8000 },
  pcma: { encodingName: 'PCMA', clockRate: 8000 },
  g722: { encodingName: 'G722', clockRate: 8000 },
  gsm: { encodingName: 'GSM', clockRate: 8000 },
  g729: { encodingName: 'G729', clockRate: 8000 },
  ilbc: { encodingName: 'iLBC', clockRate: 8000 },
  opus: { encodingName: 'opus', clockRate: 48000, channels: 2 },
  'telephone-event': { encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
};

/**
 * `PCMU,PCMA,telephone-event` as codecs, in that order. A name is one of
 * KNOWN or `NAME/rate[/channels]`; anything else throws, naming it. So does
 * a codec named twice (an m= line would list it twice), and a list with
 * more codecs of no static payload type than there are dynamic ones
 * (RFC 3551 §3: 96-127) for one offer.
 */
export function codecsFromNames(list: string): Codec[] {
  const codecs = list.split(',').map(codecFromName);
  codecs.forEach((c, i) => {
    const j = codecs.findIndex((d) => sameCodec(c, d));
    if (j < i) throw new Error(`codec ${nameOf(c)} is named twice (as codec ${j + 1} and ${i + 1})`);
  });
  const dynamic = codecs.filter((c) => c.payloadType === undefined).length;
  if (dynamic > DYNAMIC_COUNT) throw new Error(`${dynamic} codecs need a dynamic RTP payload type, and there are ${DYNAMIC_COUNT} (96-127)`);
  return codecs;
}

const nameOf = (c: Codec): string => `${c.encodingName}/${c.clockRate}${c.channels === undefined ? '' : `/${c.channels}`}`;

function codecFromName(raw: string): Codec {
  const name = raw.trim();
  const known = KNOWN[name.toLowerCase()];
  if (known) return { ...known, ...withStatic(known) };
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)\/([1-9][0-9]*)(?:\/([1-9][0-9]*))?$/.exec(name);
  if (!m) throw new Error(`unknown codec "${name}": name one of ${Object.values(KNOWN).map((c) => c.encodingName).join(', ')} or give NAME/rate[/channels]`);
  // An rtpmap writes the rate in decimal: a number holds 15 digits exactly.
  if (m[2]!.length > MAX_DIGITS || (m[3] ?? '').length > MAX_DIGITS) throw new Error(`codec "${name}": a rate or channel count of more than ${MAX_DIGITS} digits`);
  const codec: Codec = { encodingName: m[1]!, clockRate: Number(m[2]), ...(m[3] === undefined ? {} : { channels: Number(m[3]) }) };
  return { ...codec, ...withStatic(codec) };
}

const withStatic = (codec: Codec): Partial<Codec> => {
  const pt = staticPayloadType(codec);
  return pt === undefined ? {} : { payloadType: pt };
};
