// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * What an exchange settled, stream by stream, from one side: whether the
 * stream is on, which way media flows, where to send it, which formats to
 * send with (with the payload type numbers the peer expects) and which to be
 * ready to receive. The answerer reads it off its answer (§6.1), the offerer
 * off the answer it received (§7). The media layer acts on it.
 *
 * What RFC 3264 asks of the media itself is the media layer's, which acts on
 * these streams (reference/sip/media/callMedia.ts: listening on old and new
 * ports across a change, sending to the new port, type or parameters as
 * soon as the SDP arrives); no media flows in this module:
 * @exception RFC3264 P8L4-P8L6, P8L9-P8L11, P8L16-P8L18: mapping streams to sinks and sources, and mixing them, is the media layer's; this module only says which streams there are
 * @exception RFC3264 P8L33-P8L38: being ready to receive once an offer is sent is the media layer's (the offer's receive side is known from the offer itself; a NegotiatedStream exists only once the answer is in)
 * @exception RFC3264 P12L35-P12L37: a note on why the format rule above is a SHOULD; it asks nothing of an agent
 * @exception RFC3264 P11L14-P11L16: addressed to the authors of SDP extensions, not to an agent
 */
import type { Attribute, Direction, MediaDescription, SessionDescription } from '../description/types.ts';
import { connectionsOf } from '../description/connection.ts';
import { directionFrom, directionOf, receives, sends } from './direction.ts';
import { formatsOf, sameCodec, type Format } from './formats.ts';
import { marksRtcpMux, rtcpDestination } from './rtcpMux.ts';

export interface NegotiatedStream {
  /** The m= line, counting from 0. */
  index: number;
  media: string;
  proto: string;
  /** Port 0 in either SDP: no media and no RTCP, either way. */
  rejected: boolean;
  /** This side's direction: send is whether it sends, receive whether it receives. */
  direction: Direction;
  /** Where this side sends media. */
  remote: { address: string; port: number };
  /** RTP and RTCP on one port, both ways (RFC 5761): the offer and the answer both carry a=rtcp-mux. */
  rtcpMux: boolean;
  /** Where this side sends RTCP: `remote` when multiplexed, else the a=rtcp: port (RFC 3605) or the one above. */
  rtcp: { address: string; port: number };
  /** The formats to send with, the one to use first, with the payload type numbers the peer expects. */
  send: Format[];
  /** The formats to be ready to receive, with this side's numbers. */
  receive: Format[];
  /** The packetization interval the peer wants to receive (a=ptime). */
  ptime?: number;
  /** The bandwidth the peer wants to receive, b= as given. */
  bandwidth?: { type: string; bandwidth: number };
}

/** The connection address a stream is received at: its own c= line, else the session's. */
export const streamAddress = (media: MediaDescription, session: SessionDescription): string => connectionsOf(session, media)[0]?.address ?? '';

const ptimeOf = (attributes: readonly Attribute[]): number | undefined =>
  attributes.find((a): a is Extract<Attribute, { kind: 'ptime' }> => a.kind === 'ptime')?.milliseconds;

/** Formats of `from` that are also in `other` (compared as codecs: the numbers may differ). */
const alsoIn = (from: Format[], other: Format[]): Format[] => from.filter((f) => other.some((g) => sameCodec(f, g)));

/** An unspecified address: the peer wants nothing sent to it, RTP or RTCP. */
const blackHole = (address: string): boolean => address === '0.0.0.0' || address === '::';

/** The streams an exchange settled, as the answerer sees them. */
export function answererStreams(offer: SessionDescription, answer: SessionDescription): NegotiatedStream[] {
  return offer.media.map((o, index) => {
    const a = answer.media[index]!;
    const offered = formatsOf(o);
    const answered = formatsOf(a);
    const remote = { address: streamAddress(o, offer), port: o.port };
    // @implements RFC3264 P9L23-P9L25, P6L21-P6L22
    const rejected = o.port === 0 || a.port === 0;
    // The answer carries a=rtcp-mux only when the offer did (answer.ts): both, then.
    // @implements RFC5761 P6L41-P6L46
    const rtcpMux = !rejected && marksRtcpMux(o) && marksRtcpMux(a);
    const mine = directionOf(answer, a);
    // @implements RFC3264 P18L15-P18L17
    const send = !rejected && sends(mine) && !blackHole(remote.address);
    const receive = !rejected && receives(mine);
    return {
      index,
      media: a.media,
      proto: a.proto,
      rejected,
      direction: directionFrom(send, receive),
      remote,
      rtcpMux,
      rtcp: rtcpDestination(o, remote.address, rtcpMux),
      // Formats of the offer also in the answer, in the offer's order, numbered as in the offer.
      // @implements RFC3264 P11L46-P12L2, P16L7-P16L13
      send: send ? alsoIn(offered, answered) : [],
      // @implements RFC3264 P11L36-P11L42
      receive: receive ? answered : [],
      // @implements RFC3264 P11L42-P11L46
      ...optional(ptimeOf(o.attributes), o.bandwidths[0]),
    };
  });
}

/** The streams an exchange settled, as the offerer sees them on receiving the answer (§7). */
export function offererStreams(offer: SessionDescription, answer: SessionDescription): NegotiatedStream[] {
  return offer.media.map((o, index) => {
    const a = answer.media[index]!;
    const offered = formatsOf(o);
    const answered = formatsOf(a);
    const remote = { address: streamAddress(a, answer), port: a.port };
    // The offerer sends where it offered to send and the answer receives, and the other way round.
    const theirs = directionOf(answer, a);
    const wished = directionOf(offer, o);
    // @implements RFC3264 P9L23-P9L25, P6L21-P6L22
    const rejected = o.port === 0 || a.port === 0;
    // An answer without a=rtcp-mux keeps RTCP on its own port, whatever the offer asked.
    // @implements RFC5761 P7L1-P7L5
    const rtcpMux = !rejected && marksRtcpMux(o) && marksRtcpMux(a);
    // @implements RFC3264 P18L15-P18L17
    const send = !rejected && sends(wished) && receives(theirs) && !blackHole(remote.address);
    const receive = !rejected && receives(wished) && sends(theirs);
    return {
      index,
      media: o.media,
      proto: o.proto,
      rejected,
      direction: directionFrom(send, receive),
      remote,
      rtcpMux,
      rtcp: rtcpDestination(a, remote.address, rtcpMux),
      // The answer's formats in its order, numbered as in the answer.
      // @implements RFC3264 P12L31-P12L33, P7L4-P7L6, P16L13-P16L17
      send: send ? alsoIn(answered, offered) : [],
      // Formats the answer dropped need not be listened for any more.
      // @implements RFC3264 P12L47-P12L48
      receive: receive ? alsoIn(offered, answered) : [],
      // @implements RFC3264 P12L44-P12L45
      ...optional(ptimeOf(a.attributes), a.bandwidths[0]),
    };
  });
}

const optional = (ptime: number | undefined, bandwidth: { type: string; bandwidth: number } | undefined) => ({
  ...(ptime === undefined ? {} : { ptime }),
  ...(bandwidth === undefined ? {} : { bandwidth: { type: bandwidth.type, bandwidth: bandwidth.bandwidth } }),
});
