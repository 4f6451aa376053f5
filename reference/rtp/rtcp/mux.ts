// @implements RFC5761 (Multiplexing RTP Data and Control Packets on a Single Port)
/**
 * RTP and RTCP on one port (RFC 5761 §4): the second octet, an RTP packet's
 * M bit and payload type, is an RTCP packet's type. RTCP types 192-223 are
 * M=1 with payload types 64-95, which a multiplexed session never uses, so
 * that octet alone tells them apart.
 */

/** Payload types a session that multiplexes RTP and RTCP may not use. */
// @implements RFC5761 P5L35-P5L38, P5L9-P5L24
export const MUXED_RESERVED_PAYLOAD_TYPES = { first: 64, last: 95 };

/** Whether a datagram on a multiplexed port is RTCP (else it is taken for RTP). */
// @implements RFC5761 P4L43-P5L5, P5L26-P5L32
export const isRtcp = (datagram: Uint8Array): boolean => datagram.length >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
