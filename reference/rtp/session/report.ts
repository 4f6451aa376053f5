/**
 * What a participant's compound RTCP packet says (RFC 3550 §6.4): a report
 * block per source heard since the last report (A.3's loss, A.8's jitter,
 * LSR and DLSR), the sender information when we sent data, our CNAME, and a
 * BYE when we leave. Pure functions of the source table and our counts.
 */
import { serializeCompound } from '../rtcp/compound.ts';
import { compactFromSeconds, ntpFromUnixMs, rtpTimestampAt, type ClockPairing } from '../rtcp/ntp.ts';
import { reportPackets } from '../rtcp/reports.ts';
import { CNAME, type ReportBlock, type RtcpPacket, type SenderInfo } from '../rtcp/types.ts';
import { reportedJitter } from './jitter.ts';
import { cumulativeLost, extendedMax, intervalLoss } from './loss.ts';
import type { Source } from './sources.ts';

/**
 * The blocks of this interval: at most `max`, round-robin from `cursor` over
 * the valid sources heard since the last report. Each reported source's A.3
 * priors move on. Returns where the next round starts.
 */
// @implements RFC3550 P35L26-P35L30, P23L5-P23L10, P35L35-P35L40
export function reportBlocks(sources: Iterable<Source>, nowMs: number, max: number, cursor: number): { blocks: ReportBlock[]; cursor: number } {
  const heard = [...sources].filter((s) => s.heardSinceReport && s.sequence?.state === 'valid' && s.byeAt === undefined);
  const start = heard.length > max ? cursor % heard.length : 0;
  const chosen = heard.length > max ? [...heard.slice(start), ...heard.slice(0, start)].slice(0, max) : heard;
  const blocks = chosen.map((s) => block(s, nowMs));
  return { blocks, cursor: start + chosen.length };
}

function block(s: Source, nowMs: number): ReportBlock {
  const seq = s.sequence;
  if (seq?.state !== 'valid') throw new Error(`SSRC ${s.ssrc}: no reception report for a source that is not valid (RFC 3550 A.1)`);
  // @implements RFC3550 P83L33-P83L43, P40L18-P40L19
  const { fraction, next } = intervalLoss(seq);
  s.sequence = next;
  s.fractionLost = fraction;
  s.heardSinceReport = false;
  return {
    ssrc: s.ssrc,
    fractionLost: fraction,
    cumulativeLost: cumulativeLost(next),
    highestSequence: extendedMax(next) >>> 0,
    jitter: reportedJitter(s.jitter),
    // @implements RFC3550 P40L31-P40L41
    lsr: s.lastSr?.lsr ?? 0,
    dlsr: s.lastSr ? compactFromSeconds((nowMs - s.lastSr.at) / 1000) : 0,
  };
}

/** What we sent, at wallclock `wallMs`: the NTP time and the RTP timestamp of that same instant. */
// @implements RFC3550 P37L41-P37L43, P38L14-P38L17, P38L28-P38L37
export function senderInfo(wallMs: number, pairing: ClockPairing, packetCount: number, octetCount: number): SenderInfo {
  const ntp = ntpFromUnixMs(wallMs);
  return { ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: rtpTimestampAt(wallMs, pairing), packetCount: packetCount >>> 0, octetCount: octetCount >>> 0 };
}

// Only CNAME is sent: no other SDES item shares the bandwidth.
// @exception RFC3550 P34L37-P34L39: this participant sends CNAME only, so there is no other item to allot bandwidth to
// @exception RFC3550 P50L13-P50L19, P50L24-P50L29: NOTE is never sent, and a received NOTE is not kept or shown
// @exception RFC3550 P49L9-P49L11: PHONE is never sent
// @exception RFC3550 P51L7-P51L9, P51L11-P51L14: PRIV is parsed and passed on, never sent
// @exception RFC3550 P48L34-P48L35: NAME is never used to identify anyone: sources are told apart by SSRC and CNAME
// @exception RFC3550 P23L16-P23L19: a compound is kept within one MTU by limiting its report blocks (maxReportBlocks), so none needs segmenting
/** An SR when we sent data (`sender`), else an RR; our CNAME; a BYE last when leaving. */
// @implements RFC3550 P35L22-P35L24, P29L25-P29L26, P22L1-P22L10, P22L44-P22L46, P22L29-P22L31
// @implements RFC3550 P46L43-P46L47
export function compound(o: { ssrc: number; cname: string; sender?: SenderInfo; blocks: readonly ReportBlock[]; byeReason?: string }): Uint8Array {
  const packets: RtcpPacket[] = [...reportPackets(o.ssrc, o.sender, o.blocks), { type: 'SDES', chunks: [{ ssrc: o.ssrc, items: [{ type: CNAME, text: o.cname }] }] }];
  if (o.byeReason !== undefined) packets.push({ type: 'BYE', sources: [o.ssrc], reason: o.byeReason || undefined });
  return serializeCompound(packets);
}
