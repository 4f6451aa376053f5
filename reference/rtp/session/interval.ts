/**
 * A.7's `rtcp_interval()`: the calculated RTCP transmission interval of
 * §6.3.1, a pure function of the group and the bandwidth. Times in seconds,
 * sizes in octets, bandwidth in octets per second, as A.7 has them.
 */

/** The fraction of the session bandwidth RTCP adds: 5 %. */
// @implements RFC3550 P25L6-P25L9
export const RTCP_BANDWIDTH_FRACTION = 0.05;

/** rtcp_bw for a session bandwidth in bits per second: 5 % of it, in octets per second. */
// @implements RFC3550 P29L19-P29L23, P24L36-P24L38
export const rtcpBandwidth = (sessionBitsPerSecond: number): number => (sessionBitsPerSecond * RTCP_BANDWIDTH_FRACTION) / 8;

/** IPv4 (20) and UDP (8) headers: avg_rtcp_size counts them, not the link layer's. */
// @implements RFC3550 P29L28-P29L31, P24L40-P24L46
export const LOWER_LAYER_OCTETS = 28;

// Constants, not options: every participant of the profile computes the same interval.
// @implements RFC3550 P89L14-P89L22, P26L1-P26L5, P26L13-P26L14, P25L15-P25L19
export const RTCP_MIN_TIME = 5;
// @implements RFC3550 P89L23-P89L32, P25L9-P25L13
export const RTCP_SENDER_BW_FRACTION = 0.25;
export const RTCP_RCVR_BW_FRACTION = 1 - RTCP_SENDER_BW_FRACTION;
/** e - 3/2: timer reconsideration converges below the intended average. */
// @implements RFC3550 P89L34-P89L37, P30L31-P30L33
export const COMPENSATION = 2.71828 - 1.5;

export interface IntervalInputs {
  members: number;
  senders: number;
  /** rtcp_bw: octets per second for all of RTCP. */
  rtcpBw: number;
  weSent: boolean;
  avgRtcpSize: number;
  initial: boolean;
}

/**
 * Td, the deterministic calculated interval: max(Tmin, n·C), Tmin halved
 * before the first RTCP packet, C and n as the sender share decides.
 */
// @implements RFC3550 P30L1-P30L13, P30L22-P30L26
// @implements RFC3550 P28L36-P28L39
export function deterministicInterval(p: IntervalInputs): number {
  if (!(p.members >= 1) || p.senders < 0 || p.senders > p.members) {
    throw new RangeError(`A.7: members ${p.members}, senders ${p.senders}: a session has at least one member (us) and no more senders than members (RFC 3550 §6.3.2)`);
  }
  if (!(p.rtcpBw > 0)) throw new RangeError(`A.7: rtcp_bw ${p.rtcpBw} octets/s; the RTCP bandwidth must be positive (RFC 3550 §6.2)`);
  let rtcpMinTime = RTCP_MIN_TIME;
  // @implements RFC3550 P89L43-P90L4, P26L7-P26L12
  if (p.initial) rtcpMinTime /= 2;
  let rtcpBw = p.rtcpBw;
  let n = p.members;
  // @implements RFC3550 P90L5-P90L19
  if (p.senders <= p.members * RTCP_SENDER_BW_FRACTION) {
    if (p.weSent) {
      rtcpBw *= RTCP_SENDER_BW_FRACTION;
      n = p.senders;
    } else {
      rtcpBw *= RTCP_RCVR_BW_FRACTION;
      n -= p.senders;
    }
  }
  // @implements RFC3550 P90L21-P90L31, P27L1-P27L4
  const t = (p.avgRtcpSize * n) / rtcpBw;
  return t < rtcpMinTime ? rtcpMinTime : t;
}

/** T: Td randomised over [0.5, 1.5] and divided by e - 3/2. `random` is uniform in [0, 1). */
// @implements RFC3550 P90L33-P90L40, P30L28-P30L33, P27L6-P27L10, P28L42-P28L45
export function rtcpInterval(p: IntervalInputs, random: () => number): number {
  return (deterministicInterval(p) * (random() + 0.5)) / COMPENSATION;
}

/** avg_rtcp_size after a compound packet of `packetSize` octets was sent or received. */
// @implements RFC3550 P31L19-P31L24, P33L3-P33L8, P27L12-P27L15
export const nextAvgRtcpSize = (avgRtcpSize: number, packetSize: number): number => (1 / 16) * packetSize + (15 / 16) * avgRtcpSize;
