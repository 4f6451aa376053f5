// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Generating an offer (§5), and a new offer in a running session (§8): one
 * m= line per stream this agent wants, its codecs in order of preference,
 * its direction marked, and where it wants to receive.
 */
import type { Connection, MediaDescription, SessionDescription } from '../description/types.ts';
import type { Capabilities, MediaCapabilities } from './capabilities.ts';
import { directionAttributes } from './direction.ts';
import { assignPayloadTypes, formatAttributes, isRtp, type Format } from './formats.ts';
import { addrType, boundPayloadTypes, newOrigin, nextOrigin, type Session } from './modify.ts';
import { offersRtcpMux, rtcpMuxAttributes } from './rtcpMux.ts';

/**
 * An offer of `local`. With `session.local` (the last SDP this agent sent)
 * it modifies the session: the same o= with the version one more, every
 * earlier stream in its slot (one that `local` no longer has is sent with
 * port 0), new streams below them.
 */
export function createOffer(local: Capabilities, session?: Session): SessionDescription {
  const previous = session?.local;
  const media: MediaDescription[] = [];
  const slots = slotsOf(previous?.media ?? [], local.media);
  for (const [i, wanted] of slots.entries()) {
    // @implements RFC3264 P13L40-P13L42, P14L17-P14L20
    if (wanted === undefined) media.push(disabled(previous!.media[i]!));
    // Built from the same capabilities and bindings, a stream whose port alone changed is otherwise the same.
    // @implements RFC3264 P13L31-P13L36, P14L3-P14L5, P14L42-P14L44
    else media.push(offeredStream(wanted, local.address, boundPayloadTypes(session, i)));
  }
  return {
    version: 0,
    origin: previous ? nextOrigin(previous.origin) : { ...newOrigin(local.username ?? '-', local.address), ...(local.sessionId === undefined ? {} : { sessionId: local.sessionId }) },
    // @implements RFC3264 P5L22-P5L24
    sessionName: '-',
    emails: [],
    phones: [],
    connection: connection(local.address),
    bandwidths: [],
    // @implements RFC3264 P5L27-P5L30
    timings: [{ start: 0n, stop: 0n, repeats: [] }],
    attributes: [],
    media,
  };
}

export const connection = (address: string): Connection => ({ netType: 'IN', addrType: addrType(address), address });

function offeredStream(wanted: MediaCapabilities, sessionAddress: string, bound: ReadonlyMap<number, Format>): MediaDescription {
  // SDP requires at least one format on an m= line.
  // @implements RFC3264 P5L8-P5L9
  if (wanted.codecs.length === 0) throw new Error(`cannot offer a ${wanted.media} stream with no codec: an m= line lists at least one format`);
  const proto = wanted.proto ?? 'RTP/AVP';
  // Under an RTP profile a format is a payload type number; under another proto it is the codec's name (TCP/MSRP's *).
  const formats = isRtp(proto) ? assignPayloadTypes(wanted.codecs, bound).map(String) : wanted.codecs.map((c) => c.encodingName);
  return {
    media: wanted.media,
    // @implements RFC3264 P6L13-P6L15
    port: wanted.port,
    proto,
    // @implements RFC3264 P6L38-P6L43, P7L21-P7L22
    formats,
    connections: wanted.address === undefined || wanted.address === sessionAddress ? [] : [connection(wanted.address)],
    bandwidths: [],
    attributes: [
      // @implements RFC3264 P7L14-P7L15
      ...wanted.codecs.flatMap((c, i) => formatAttributes(proto, formats[i]!, c)),
      ...directionAttributes(wanted.direction ?? 'sendrecv'),
      ...rtcpMuxAttributes(offersRtcpMux(wanted.rtcpMux, proto, formats, wanted.address ?? sessionAddress)),
    ],
  };
}

/**
 * Which capability each slot carries: the k-th stream of a media type in
 * `local` takes the k-th earlier slot of that type, as the answerer matches
 * them (answer.ts), so that a session this agent answered keeps each stream
 * where the offer put it; an earlier slot left without one is removed
 * (undefined), and the streams left over go below the earlier ones.
 */
function slotsOf(previous: readonly MediaDescription[], local: readonly MediaCapabilities[]): (MediaCapabilities | undefined)[] {
  const left = [...local];
  // @implements RFC3264 P13L33-P13L36
  const slots = previous.map((p) => {
    const k = left.findIndex((m) => m.media === p.media);
    return k < 0 ? undefined : left.splice(k, 1)[0];
  });
  // @implements RFC3264 P14L3-P14L5
  return [...slots, ...left];
}

/** A stream removed: port 0, no attributes, one of its formats. */
function disabled(previous: MediaDescription): MediaDescription {
  // @implements RFC3264 P14L17-P14L20
  return { media: previous.media, port: 0, proto: previous.proto, formats: previous.formats.slice(0, 1), connections: [], bandwidths: [], attributes: [] };
}
