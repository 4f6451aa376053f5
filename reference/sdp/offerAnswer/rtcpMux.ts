// @implements RFC5761 (Multiplexing RTP Data and Control Packets on a Single Port)
/**
 * RTP and RTCP on one port, negotiated in the offer/answer (RFC 5761
 * §5.1.1): the offerer asks with a media-level `a=rtcp-mux`, the answerer
 * accepts by putting one in its answer, and only a stream both marked
 * multiplexes. Where RTCP goes otherwise is the usual port pair, or the
 * port an `a=rtcp:` line names (RFC 3605).
 *
 * What only ICE, SRTP, QoS reservations or SSM distribution sources would
 * do, this agent has none of:
 * @exception RFC5761 P7L37-P7L43, P7L45-P8L3: this agent does no ICE (no a=candidate lines); without it §5.1.1 alone applies
 * @exception RFC5761 P10L34-P10L36: this agent has no SRTP
 * @exception RFC5761 P10L17-P10L22: this agent makes no QoS reservation
 * @exception RFC5761 P9L30-P9L33, P9L36-P9L41: this agent is no SSM distribution source and joins no SSM session
 * @exception RFC5761 P5L39-P5L42: this agent binds dynamic payload types in 96-127 only (formats.ts), and refuses more codecs than fit there (codecsFromNames), so it never goes below 64
 * @exception RFC5761 P5L44-P6L2: a note on why payload types 72-73 are reserved, asking nothing of an agent beyond §4's rule (clashFree)
 * @exception RFC5761 P7L9-P7L12: this agent uses SDP in offer/answer only, never declaratively (reference/sip/media/callMedia.ts takes RTCP on a multiplexed RTP port as §5.1.1's offer asks)
 * @exception RFC5761 P3L32-P3L35: background quoting RFC 3550's requirement on the underlying protocol; separate UDP ports (or, multiplexed, RFC 5761 §4's packet types) provide it
 */
import type { Attribute, MediaDescription } from '../description/types.ts';
import { rtcpPort } from '../description/rtcp.ts';
import { isRtp } from './formats.ts';
import { isMulticast } from './multicast.ts';

/** `a=rtcp-mux`: a property attribute, no value (RFC 5761 §8). */
// @implements RFC5761 P11L1-P11L15
export const RTCP_MUX: Attribute = { kind: 'other', name: 'rtcp-mux' };

/** Does the m= line carry a media-level `a=rtcp-mux`? */
export const marksRtcpMux = (m: MediaDescription): boolean => m.attributes.some((a) => a.kind === 'other' && a.name === 'rtcp-mux' && a.value === undefined);

/**
 * The payload types a multiplexed session may not use, as the offer/answer
 * sees them (the RTP session refuses them too, reference/rtp/rtcp/mux.ts,
 * a layer this one does not import).
 */
// @implements RFC5761 P5L35-P5L38
const RESERVED = { first: 64, last: 95 };

/** Are RTP and RTCP of this stream free of §4's clash: no payload type among `formats` in 64-95? */
export function clashFree(formats: readonly string[]): boolean {
  // @implements RFC5761 P6L15-P6L18
  return formats.every((f) => !(Number(f) >= RESERVED.first && Number(f) <= RESERVED.last));
}

/**
 * Whether an offered stream asks for multiplexing: this agent wants it
 * (its capabilities say `rtcpMux`), the stream is RTP, unicast, and none of
 * its payload types clashes with an RTCP packet type. Every offer of ours
 * says it again, the initial one included: a stream marked once is not
 * unmarked by a later offer that did not mean to.
 */
export function offersRtcpMux(wanted: boolean | undefined, proto: string, formats: readonly string[], address: string): boolean {
  // @implements RFC5761 P9L6-P9L9
  if (isMulticast(address)) return false;
  // @implements RFC5761 P6L25-P6L30
  return wanted === true && isRtp(proto) && clashFree(formats);
}

/**
 * Whether the answer multiplexes an offered stream: only when the offer
 * asked (multiplexing is signalled in advance, and an answer does not add
 * what was not offered), this agent wants it, and the formats it answers
 * with keep §4's rule.
 */
export function answersRtcpMux(offered: MediaDescription, wanted: boolean | undefined, formats: readonly string[]): boolean {
  // @implements RFC5761 P6L15-P6L18
  if (!marksRtcpMux(offered)) return false;
  // @implements RFC5761 P6L45-P6L48
  return wanted === true && clashFree(formats);
}

/** The attribute list `a=rtcp-mux` adds to when `mux`. */
export const rtcpMuxAttributes = (mux: boolean): Attribute[] => (mux ? [RTCP_MUX] : []);

/**
 * Where RTCP goes to a peer that receives RTP at `address` and the port
 * of its m= line `m`: to the RTP port when multiplexed;
 * else to the port of an `a=rtcp:` line (at its address, when it gives
 * one), or the port above RTP's.
 */
export function rtcpDestination(m: MediaDescription, address: string, muxed: boolean): { address: string; port: number } {
  const rtp = { address, port: m.port };
  // @implements RFC5761 P6L41-P6L43
  if (muxed) return rtp;
  // @implements RFC5761 P7L1-P7L5
  const at = m.attributes.find((a): a is Extract<Attribute, { kind: 'rtcp' }> => a.kind === 'rtcp')?.connection?.address;
  return { address: at ?? rtp.address, port: rtcpPort(m) };
}
