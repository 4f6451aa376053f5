// @implements RFC3264 (An Offer/Answer Model with SDP)
// @implements RFC3551 (RTP Profile for Audio and Video Conferences)
/**
 * Media formats: what an m= line's format list means (its rtpmap and fmtp
 * lines, or the RTP/AVP profile's static payload types), and how a format is
 * matched with a codec this agent has. Offer and answer both build on it.
 */
import type { Attribute, MediaDescription } from '../description/types.ts';

/** A codec this agent can use, as a person names it (Capabilities list them in preference order). */
export interface Codec {
  encodingName: string;
  clockRate: number;
  /** Audio channels; 1 when absent. */
  channels?: number;
  /** `a=fmtp` parameters this agent offers with the codec. */
  fmtp?: string;
  /** A static payload type; found in the profile's table when absent. */
  payloadType?: number;
}

/** One format of an m= line, as written there and resolved. */
export interface Format {
  /** The format as written in the m= line (the payload type number for RTP). */
  fmt: string;
  /** Empty when neither an rtpmap nor the profile names it: such a format matches no codec. */
  encodingName: string;
  clockRate: number;
  channels: number;
  fmtp?: string;
}

interface StaticType {
  payloadType: number;
  encodingName: string;
  clockRate: number;
  channels: number;
}

// @implements RFC3551 P33L1-P33L22, P34L1-P34L14
const STATIC_TABLE: Record<number, string> = {
  // PT: encoding name / clock rate / channels
  0: 'PCMU/8000/1',
  3: 'GSM/8000/1',
  4: 'G723/8000/1',
  5: 'DVI4/8000/1',
  6: 'DVI4/16000/1',
  7: 'LPC/8000/1',
  8: 'PCMA/8000/1',
  9: 'G722/8000/1',
  10: 'L16/44100/2',
  11: 'L16/44100/1',
  12: 'QCELP/8000/1',
  13: 'CN/8000/1',
  14: 'MPA/90000/1',
  15: 'G728/8000/1',
  16: 'DVI4/11025/1',
  17: 'DVI4/22050/1',
  18: 'G729/8000/1',
  25: 'CelB/90000/1',
  26: 'JPEG/90000/1',
  28: 'nv/90000/1',
  31: 'H261/90000/1',
  32: 'MPV/90000/1',
  33: 'MP2T/90000/1',
  34: 'H263/90000/1',
};
const STATIC: readonly StaticType[] = Object.entries(STATIC_TABLE).map(([pt, text]) => {
  const [encodingName, clockRate, channels] = text.split('/');
  return { payloadType: Number(pt), encodingName: encodingName!, clockRate: Number(clockRate), channels: Number(channels) };
});

/** Is this proto an RTP profile, whose formats are payload type numbers? */
export const isRtp = (proto: string): boolean => /^(UDP\/)?(TLS\/)?RTP\//i.test(proto);

/** The formats of an m= line, in its order (which is the order of preference). */
export function formatsOf(media: MediaDescription): Format[] {
  return media.formats.map((fmt) => {
    const fmtp = media.attributes.find((a): a is Extract<Attribute, { kind: 'fmtp' }> => a.kind === 'fmtp' && a.format === fmt)?.parameters;
    const withFmtp = (f: Format): Format => (fmtp === undefined ? f : { ...f, fmtp });
    if (!isRtp(media.proto)) return withFmtp({ fmt, encodingName: fmt, clockRate: 0, channels: 1 });
    const pt = Number(fmt);
    const map = media.attributes.find((a): a is Extract<Attribute, { kind: 'rtpmap' }> => a.kind === 'rtpmap' && a.payloadType === pt);
    if (map) return withFmtp({ fmt, encodingName: map.encodingName, clockRate: map.clockRate, channels: Number(map.encodingParameters ?? 1) });
    // @implements RFC3264 P7L14-P7L17
    const known = STATIC.find((s) => s.payloadType === pt);
    return withFmtp(known ? { fmt, encodingName: known.encodingName, clockRate: known.clockRate, channels: known.channels } : { fmt, encodingName: '', clockRate: 0, channels: 1 });
  });
}

/** The same codec: encoding names compared without case (they are media subtypes), clock rates and channels equal. */
export function sameCodec(a: { encodingName: string; clockRate: number; channels?: number }, b: { encodingName: string; clockRate: number; channels?: number }): boolean {
  return a.encodingName !== '' && a.encodingName.toLowerCase() === b.encodingName.toLowerCase() && a.clockRate === b.clockRate && (a.channels ?? 1) === (b.channels ?? 1);
}

/**
 * Does a format carry media of its own? Telephone events (RFC 4733) "are
 * carried as part of the audio stream and MUST use the same sequence number
 * and timestamp base as the regular audio channel" (§2.1, P8L13-P8L15);
 * comfort noise (RFC 3389) fills the silences of "the codec used in
 * conjunction with comfort noise" (§6.1, P5L41-P5L42). Neither is media
 * without a codec beside it: answer.ts's policy (withoutMedia) rests on it.
 */
export const carriesMedia = (f: { encodingName: string }): boolean => !['telephone-event', 'cn'].includes(f.encodingName.toLowerCase());

/** The profile's static payload type for a codec, if it has one. */
export function staticPayloadType(codec: Codec): number | undefined {
  return STATIC.find((s) => sameCodec(s, codec))?.payloadType;
}

// @implements RFC3551 P32L17-P32L19
const DYNAMIC_FIRST = 96;
const DYNAMIC_LAST = 127;
/** How many dynamic payload types an m= line can bind. */
export const DYNAMIC_COUNT = DYNAMIC_LAST - DYNAMIC_FIRST + 1;

/**
 * A payload type for each codec: its static one, else the number `bound`
 * (the stream's earlier SDP) already gave this codec, else the lowest
 * dynamic number neither used here nor ever bound to another codec.
 */
export function assignPayloadTypes(codecs: readonly Codec[], bound: ReadonlyMap<number, Format>): number[] {
  const used = new Set<number>();
  return codecs.map((codec) => {
    const fixed = codec.payloadType ?? staticPayloadType(codec);
    if (fixed !== undefined) {
      used.add(fixed);
      return fixed;
    }
    // @implements RFC3264 P15L38-P15L44
    const earlier = [...bound].find(([pt, f]) => pt >= DYNAMIC_FIRST && !used.has(pt) && sameCodec(f, codec));
    let pt = earlier?.[0] ?? DYNAMIC_FIRST;
    while (earlier === undefined && (used.has(pt) || bound.has(pt))) pt++;
    if (pt > DYNAMIC_LAST) throw new Error(`no dynamic RTP payload type is left for ${codec.encodingName}/${codec.clockRate} (96-127 are taken)`);
    used.add(pt);
    return pt;
  });
}

/**
 * The lines that define format `fmt` of a stream over `proto`: under an RTP
 * profile its rtpmap (RFC 8866 §6.6 maps payload types) and fmtp; under
 * another proto (TCP/MSRP's `*`, say) only its fmtp, as the format is no
 * payload type number.
 */
export function formatAttributes(proto: string, fmt: string, codec: { encodingName: string; clockRate: number; channels?: number; fmtp?: string }): Attribute[] {
  const fmtp: Attribute[] = codec.fmtp === undefined ? [] : [{ kind: 'fmtp', format: fmt, parameters: codec.fmtp }];
  if (!isRtp(proto)) return fmtp;
  const channels = (codec.channels ?? 1) === 1 ? {} : { encodingParameters: String(codec.channels) };
  return [{ kind: 'rtpmap', payloadType: Number(fmt), encodingName: codec.encodingName, clockRate: codec.clockRate, ...channels }, ...fmtp];
}
