/**
 * SR and RR (RFC 3550 §6.4.1, §6.4.2): the sender information, the
 * reception report blocks, and the profile-specific extension after them.
 */
import { dropped, type Parsed } from '../packet/drops.ts';
import { HEADER, type Body, type RtcpDropReason } from './header.ts';
import { RR, SR, type ReceiverReport, type ReportBlock, type SenderInfo, type SenderReport } from './types.ts';

/** At most 31 blocks fit the 5-bit RC: more sources go in further RR packets (§6.1, §6.4). */
// @implements RFC3550 P35L31-P35L35, P22L33-P22L36
export const MAX_REPORTS = 31;

const SENDER_INFO = 20;
const BLOCK = 24;

// @exception RFC3550 P42L41-P42L45, P43L9-P43L13: profile-specific extensions are a profile's to define; RFC 3551 defines none, so they are carried as opaque words
export function parseReport(b: Body, packetType: typeof SR | typeof RR): Parsed<SenderReport | ReceiverReport, RtcpDropReason> {
  const { view, start, end, count } = b;
  const infoEnd = start + 4 + (packetType === SR ? SENDER_INFO : 0);
  // @implements RFC3550 P37L18-P37L20
  const blocksEnd = infoEnd + BLOCK * count;
  if (blocksEnd > end) {
    return dropped('report', `${packetType === SR ? 'SR' : 'RR'} with RC=${count} needs ${blocksEnd - start + HEADER} octets, the packet has ${end - start + HEADER} (RFC 3550 §6.4)`);
  }
  // @implements RFC3550 P37L32-P37L34
  const ssrc = view.getUint32(start);
  const reports: ReportBlock[] = [];
  for (let at = infoEnd; at < blocksEnd; at += BLOCK) reports.push(readBlock(view, at));
  // @implements RFC3550 P43L5-P43L7
  const extension = b.bytes.subarray(blocksEnd, end);
  if (packetType === RR) return { ok: true, value: { type: 'RR', ssrc, reports, extension } };
  // @implements RFC3550 P37L36-P37L38
  const sender: SenderInfo = {
    ntpSeconds: view.getUint32(start + 4),
    ntpFraction: view.getUint32(start + 8),
    rtpTimestamp: view.getUint32(start + 12),
    packetCount: view.getUint32(start + 16),
    octetCount: view.getUint32(start + 20),
  };
  return { ok: true, value: { type: 'SR', ssrc, sender, reports, extension } };
}

function readBlock(view: DataView, at: number): ReportBlock {
  // The cumulative loss is signed: the low 24 bits of the second word, sign-extended.
  const lossWord = view.getUint32(at + 4);
  return {
    // @implements RFC3550 P39L1-P39L3
    ssrc: view.getUint32(at),
    // @implements RFC3550 P39L5-P39L10
    fractionLost: lossWord >>> 24,
    // @implements RFC3550 P39L20-P39L27
    cumulativeLost: (lossWord << 8) >> 8,
    // @implements RFC3550 P39L32-P39L36
    highestSequence: view.getUint32(at + 8),
    // @implements RFC3550 P39L41-P39L44
    jitter: view.getUint32(at + 12),
    // @implements RFC3550 P40L31-P40L35
    lsr: view.getUint32(at + 16),
    // @implements RFC3550 P40L37-P40L41
    dlsr: view.getUint32(at + 20),
  };
}

export function reportSize(p: SenderReport | ReceiverReport): number {
  if (p.reports.length > MAX_REPORTS) throw new RangeError(`RTCP ${p.type}: ${p.reports.length} report blocks, at most ${MAX_REPORTS} fit (RFC 3550 §6.4); stack further RR packets`);
  // @implements RFC3550 P43L5-P43L7
  if (p.extension.length % 4 !== 0) throw new RangeError(`RTCP ${p.type}: a profile-specific extension of ${p.extension.length} octets is not whole words (RFC 3550 §6.4.3)`);
  return HEADER + 4 + (p.type === 'SR' ? SENDER_INFO : 0) + BLOCK * p.reports.length + p.extension.length;
}

/** Writes the body (after the header) at `at`; returns the octet after it. */
export function writeReport(out: Uint8Array, view: DataView, at: number, p: SenderReport | ReceiverReport): number {
  view.setUint32(at, p.ssrc);
  at += 4;
  if (p.type === 'SR') {
    const s = p.sender;
    view.setUint32(at, s.ntpSeconds);
    view.setUint32(at + 4, s.ntpFraction);
    view.setUint32(at + 8, s.rtpTimestamp);
    view.setUint32(at + 12, s.packetCount);
    view.setUint32(at + 16, s.octetCount);
    at += SENDER_INFO;
  }
  for (const r of p.reports) {
    if (!(r.fractionLost >= 0 && r.fractionLost <= 255)) throw new RangeError(`RTCP report block: fraction lost ${r.fractionLost} is not 0-255 (RFC 3550 §6.4.1)`);
    view.setUint32(at, r.ssrc);
    // @implements RFC3550 P83L29-P83L31
    const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost));
    view.setUint32(at + 4, ((r.fractionLost << 24) | (lost & 0xffffff)) >>> 0);
    view.setUint32(at + 8, r.highestSequence);
    view.setUint32(at + 12, r.jitter);
    view.setUint32(at + 16, r.lsr);
    view.setUint32(at + 20, r.dlsr);
    at += BLOCK;
  }
  out.set(p.extension, at);
  return at + p.extension.length;
}

/**
 * The report packets that open a compound: an SR when we sent data (else an
 * RR, empty if there is nothing to report), then as many further RRs as the
 * blocks need, 31 to a packet.
 */
// @implements RFC3550 P22L33-P22L36, P35L31-P35L35, P42L35-P42L37, P35L22-P35L24
export function reportPackets(ssrc: number, sender: SenderInfo | undefined, blocks: readonly ReportBlock[]): (SenderReport | ReceiverReport)[] {
  const extension = new Uint8Array();
  const first = blocks.slice(0, MAX_REPORTS);
  const out: (SenderReport | ReceiverReport)[] = [sender ? { type: 'SR', ssrc, sender, reports: first, extension } : { type: 'RR', ssrc, reports: first, extension }];
  for (let i = MAX_REPORTS; i < blocks.length; i += MAX_REPORTS) out.push({ type: 'RR', ssrc, reports: blocks.slice(i, i + MAX_REPORTS), extension });
  return out;
}
