/**
 * What `rtp send` and `rtp receive` agree on without signalling: the audio
 * codec of the stream, its payload types, and the addresses on the command
 * line. Both sides build the same RFC 3264 offer of one audio stream
 * (reference/sdp/offerAnswer) from `--codec` plus telephone-event, so the
 * payload type numbers match (PCMU 0 and PCMA 8 are static; L16 at 8 kHz
 * and telephone-event take the offer's dynamic numbers, 96 and up); the
 * sender writes that offer for a receiver such as ffmpeg with `--sdp`.
 */
import { isIP } from 'node:net';
import { numberOption, UsageError } from '../../../tools/command.ts';
import { audioCapabilities, codecsFromNames, createOffer } from '../../sdp/offerAnswer/index.ts';
import { formatsOf } from '../../sdp/offerAnswer/formats.ts';
import type { Direction, SessionDescription } from '../../sdp/description/types.ts';
import { decodeL16, encodeL16 } from '../profile/l16.ts';
import { decodePcma, encodePcma } from '../profile/pcma.ts';
import { decodePcmu, encodePcmu } from '../profile/pcmu.ts';
import { eventsTheReceiverTakes } from '../dtmf/events.ts';

export interface AudioCodec {
  name: CodecName;
  /** As the offer names it (L16 at the telephone rate needs its rate: the static L16 types are 44.1 kHz). */
  sdpName: string;
  /** RTP clock rate; every codec here samples at the WAV files' 8 kHz. */
  clockRate: number;
  /** Bits per second of payload: the session bandwidth RTCP takes its 5 % of. */
  bitRate: number;
  encode(samples: Int16Array): Uint8Array;
  decode(payload: Uint8Array): Int16Array;
}

export type CodecName = 'PCMU' | 'PCMA' | 'L16';

export const CODECS: Record<CodecName, AudioCodec> = {
  PCMU: { name: 'PCMU', sdpName: 'PCMU', clockRate: 8000, bitRate: 64_000, encode: encodePcmu, decode: decodePcmu },
  PCMA: { name: 'PCMA', sdpName: 'PCMA', clockRate: 8000, bitRate: 64_000, encode: encodePcma, decode: decodePcma },
  L16: { name: 'L16', sdpName: 'L16/8000', clockRate: 8000, bitRate: 128_000, encode: encodeL16, decode: (p) => decodeL16(p, 1) },
};

/** `--codec`: PCMU unless given; any other name is a usage error naming the flag. */
export function codecOption(values: Record<string, unknown>): AudioCodec {
  const name = (values.codec as string | undefined) ?? 'PCMU';
  const codec = Object.hasOwn(CODECS, name.toUpperCase()) ? CODECS[name.toUpperCase() as CodecName] : undefined;
  if (!codec) throw new UsageError(`--codec wants one of ${Object.keys(CODECS).join(', ')}, got ${JSON.stringify(name)}`);
  return codec;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** `IP:PORT` or `[IPv6]:PORT`, as `--to`, `--listen`, `--from` and `--peer` take it. */
export function endpointOption(values: Record<string, unknown>, flag: string, warn: (line: string) => void): Endpoint | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  const text = String(v);
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (!m || isIP(host!) === 0) throw new UsageError(`--${flag} wants IP:PORT (an IP address, not a name), got ${JSON.stringify(text)}`);
  if (!(port > 0 && port < 65535)) throw new UsageError(`--${flag} wants a port from 1 to 65534 (RTCP takes the next one), got ${JSON.stringify(text)}`);
  // One port given for the pair: RTP on an even port, RTCP on the next; an odd one is replaced by the even one below it.
  // @implements RFC3550 P68L18-P68L24
  if (port % 2 === 1) {
    warn(`--${flag} ${text}: ${port} is odd; RTP uses ${port - 1} and RTCP ${port} (RFC 3550 §11)`);
    return { host: host!, port: port - 1 };
  }
  return { host: host!, port };
}

/** Where RTCP goes for an RTP port: the next one up, never the same. */
// @implements RFC3550 P68L19-P68L20, P68L30-P68L32
export const rtcpPort = (rtpPort: number): number => rtpPort + 1;

export const formatEndpoint = (e: Endpoint): string => (isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);

/** The stream both sides expect: its description, the audio's payload type and telephone-event's. */
export interface Stream {
  description: SessionDescription;
  codec: AudioCodec;
  audio: { payloadType: number; clockRate: number };
  events: { payloadType: number; clockRate: number; allowed: ReadonlySet<number> };
}

/**
 * The offer of one audio stream received at `at`: the codec, then
 * telephone-event (RFC 4733 §7.1.1). `direction` is the receiver's.
 */
export function describeStream(codec: AudioCodec, at: Endpoint, direction: Direction): Stream {
  const description = createOffer(audioCapabilities({ address: at.host, port: at.port, codecs: codecsFromNames(`${codec.sdpName},telephone-event`), direction }));
  const formats = formatsOf(description.media[0]!);
  const audio = formats.find((f) => f.encodingName.toUpperCase() === codec.name);
  const events = formats.find((f) => f.encodingName.toLowerCase() === 'telephone-event');
  if (!audio || !events) throw new Error(`the offer for ${codec.name} lacks its own formats: ${description.media[0]!.formats.join(' ')}`);
  return {
    description,
    codec,
    audio: { payloadType: Number(audio.fmt), clockRate: audio.clockRate },
    events: { payloadType: Number(events.fmt), clockRate: events.clockRate, allowed: eventsTheReceiverTakes(events.fmtp) },
  };
}

/** The payload types the session takes, each with its clock rate. */
export const payloadTypes = (s: Stream): Map<number, number> =>
  new Map([
    [s.audio.payloadType, s.audio.clockRate],
    [s.events.payloadType, s.events.clockRate],
  ]);

/** An integer option in [min, max], `fallback` when absent; anything else is a usage error naming the flag. */
export const integerOption = (values: Record<string, unknown>, flag: string, min: number, max: number, fallback: number): number =>
  numberOption(values, flag, `a whole number from ${min} to ${max}`, (n) => Number.isInteger(n) && n >= min && n <= max) ?? fallback;
