/**
 * RFC 3550, 3551, 4733 and 3264 rules checked on the RTP and RTCP a real
 * peer put on the wire (a tshark capture, capture.ts): each breach names the
 * rule and carries the datagram's octets as evidence. Parsing is the
 * reference's own (reference/rtp/packet, rtcp, dtmf), so a datagram our
 * receiver would drop is a breach with the reason it gives.
 *
 * What is checked, per call, on what the peer sent to our m= port (RTP) and
 * the one above (RTCP):
 * - every RTP datagram parses (§5.1, A.1) and uses a payload type of the
 *   answer (RFC 3264 §6.1 for an answerer, §7 for an offerer);
 * - one sequence space for audio and events, +1 per packet (RFC 3550 §5.1,
 *   RFC 4733 §2.5.1.2); each G.711 packet's timestamp is the previous one
 *   plus the samples that packet held (RFC 3550 §5.1, RFC 3551 §4.5.14);
 * - each event: one timestamp, within a second of the audio's (one base,
 *   not another random one), M on its first packet only, the same event
 *   code, durations that do not shrink, E on its final packet and none
 *   before it, an event code the receiver named (RFC 4733 §2.5.1);
 * - every RTCP datagram parses (A.2), is a compound of two packets at least
 *   starting with SR or RR and carrying an SDES CNAME, BYE last (§6.1), and an SR's
 *   packet count is what the capture shows it sent (§6.4.1); no RTCP arrives
 *   at the RTP port (RFC 3264 §6.1: RTCP on port + 1, nothing else said).
 */
import { parseRtp, type RtpPacket } from '../../../../reference/rtp/packet/rtp.ts';
import { parseCompound } from '../../../../reference/rtp/rtcp/compound.ts';
import { cnameOf } from '../../../../reference/rtp/rtcp/sdes.ts';
import { decodePayload, type EventReport } from '../../../../reference/rtp/dtmf/payload.ts';
import type { RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';
import type { Datagram } from './capture.ts';

export interface MediaBreach {
  rule: string;
  frame: number;
  /** The datagram's octets, hex. */
  evidence: string;
}

export interface MediaExpectations {
  /** Our m= port: the peer's RTP goes there, its RTCP to the one above. */
  port: number;
  /** The payload types the peer may send: the answer's, with the offer's numbers. */
  payloadTypes: ReadonlySet<number>;
  /** The PCMU or PCMA type among them (one octet per sample), whose timestamps are checked. */
  audioType: number;
  /** telephone-event's type (-1: none) and the events our fmtp named. */
  eventType: number;
  events: ReadonlySet<number>;
}

/** What the peer's RTP and RTCP, in capture order, broke. */
export function mediaBreaches(sent: Datagram[], expect: MediaExpectations): MediaBreach[] {
  const out: MediaBreach[] = [];
  const breach = (d: Datagram, rule: string) => out.push({ rule, frame: d.frame, evidence: d.bytes.toString('hex') });
  const rtp: { d: Datagram; p: RtpPacket }[] = [];
  for (const d of sent.filter((x) => x.to === expect.port)) {
    if (d.bytes.length >= 2 && d.bytes[1]! >= 200 && d.bytes[1]! <= 204) {
      breach(d, `RFC 3264 §6.1 (P10L25-P10L29): RTCP (packet type ${d.bytes[1]}) sent to the RTP port ${expect.port}; RTCP goes to port + 1`);
      continue;
    }
    const parsed = parseRtp(d.bytes);
    if (!parsed.ok) {
      breach(d, `RFC 3550 §5.1: not an RTP packet our receiver keeps: ${parsed.detail}`);
      continue;
    }
    rtp.push({ d, p: parsed.value });
  }
  for (const { d, p } of rtp) {
    if (!expect.payloadTypes.has(p.payloadType)) breach(d, `RFC 3264 §6.1/§7 (P11L46-P12L2, P12L31): payload type ${p.payloadType} is not in the answer (${[...expect.payloadTypes].join(' ')})`);
  }
  const ssrcs = [...new Set(rtp.map((x) => x.p.ssrc))];
  for (const ssrc of ssrcs) {
    const stream = rtp.filter((x) => x.p.ssrc === ssrc);
    sequenceBreaches(stream, expect, breach);
    eventBreaches(stream, expect, breach);
  }
  for (const d of sent.filter((x) => x.to === expect.port + 1)) {
    const packets = compoundPackets(d, breach);
    if (packets) compoundBreaches(packets, d, rtp, breach);
  }
  return out;
}

type Breach = (d: Datagram, rule: string) => void;

/** One sequence space, +1 a packet (events included); an audio packet's timestamp advances by the samples before it. */
function sequenceBreaches(stream: { d: Datagram; p: RtpPacket }[], expect: MediaExpectations, breach: Breach): void {
  let lastAudio: RtpPacket | undefined;
  stream.forEach(({ d, p }, i) => {
    const before = stream[i - 1]?.p;
    if (before && p.sequenceNumber !== ((before.sequenceNumber + 1) & 0xffff)) {
      breach(d, `RFC 3550 §5.1 (P14L22-P14L24), RFC 4733 §2.5.1.2 (P12L44-P12L47): sequence number ${p.sequenceNumber} after ${before.sequenceNumber} (payload type ${before.payloadType}); it increments by one for each packet, events included`);
    }
    if (p.payloadType !== expect.audioType) return;
    // Consecutive audio packets (nothing between them): the second begins where the first's samples end.
    if (lastAudio && before === lastAudio && p.timestamp !== ((lastAudio.timestamp + lastAudio.payload.length) >>> 0)) {
      breach(d, `RFC 3550 §5.1 (P14L32-P15L3), RFC 3551 §4.5.14: timestamp ${p.timestamp} after ${lastAudio.timestamp} and ${lastAudio.payload.length} samples; the next packet's first sample is at ${(lastAudio.timestamp + lastAudio.payload.length) >>> 0}`);
    }
    lastAudio = p;
  });
}

/** A second at 8 kHz: how far an event's timestamp may be from the audio's around it on one timestamp base. */
const SAME_BASE = 8000;

/** RFC 4733 §2.5.1.2: the packets of each event (one timestamp) of a stream, in order. */
function eventBreaches(stream: { d: Datagram; p: RtpPacket }[], expect: MediaExpectations, breach: Breach): void {
  const byEvent = new Map<number, { d: Datagram; p: RtpPacket; r: EventReport }[]>();
  let lastAudio: RtpPacket | undefined;
  for (const { d, p } of stream) {
    if (p.payloadType === expect.audioType) lastAudio = p;
    if (p.payloadType !== expect.eventType) continue;
    // One timestamp base: an event begins near the audio sent before it (another random base is ~2^31 away).
    if (lastAudio && !byEvent.has(p.timestamp) && Math.abs(((p.timestamp - lastAudio.timestamp) << 0)) > SAME_BASE) {
      breach(d, `RFC 4733 §2.5.1.2 (P12L44-P12L47): event timestamp ${p.timestamp}, the audio before it ${lastAudio.timestamp}: not the audio's timestamp base`);
    }
    let reports: EventReport[];
    try {
      reports = decodePayload(p.payload);
    } catch (e) {
      breach(d, (e as Error).message);
      continue;
    }
    // Without RFC 2198 redundancy (not negotiated) a packet carries one report.
    if (reports.length !== 1) breach(d, `RFC 4733 §2.5.1.1: ${reports.length} event reports in one packet without RFC 2198 redundancy negotiated`);
    byEvent.set(p.timestamp, [...(byEvent.get(p.timestamp) ?? []), { d, p, r: reports[0]! }]);
  }
  for (const event of byEvent.values()) {
    const first = event[0]!;
    if (!expect.events.has(first.r.event)) breach(first.d, `RFC 4733 §2.5.1.1 (P11L38-P11L40): event ${first.r.event} is not among those our fmtp named`);
    event.forEach(({ d, p, r }, i) => {
      if (p.marker !== (i === 0)) breach(d, `RFC 4733 §2.5.1.2 (P13L8-P13L12): M bit ${p.marker ? 'set on a later' : 'clear on the first'} packet of event ${first.r.event}`);
      if (r.event !== first.r.event) breach(d, `RFC 4733 §2.5.1.2 (P13L3-P13L6): event ${r.event} with the timestamp of event ${first.r.event}`);
      const previous = event[i - 1]?.r;
      if (previous && r.duration < previous.duration) breach(d, `RFC 4733 §2.5.1.2 (P13L3-P13L6): duration ${r.duration} after ${previous.duration}; it is the cumulative duration`);
      if (previous?.end && !r.end) breach(d, `RFC 4733 §2.5.1.2 (P13L11-P13L12): a packet without E after the E packet of event ${first.r.event}`);
    });
    const last = event.at(-1)!;
    if (!last.r.end) breach(last.d, `RFC 4733 §2.5.1.2 (P13L8-P13L9): the final packet of event ${first.r.event} has no E bit`);
  }
}

/** An empty RR (V=2, RC=0, length 1, SSRC 0): what §6.1 says a compound with nothing to report begins with. */
const EMPTY_RR = Uint8Array.of(0x80, 201, 0, 1, 0, 0, 0, 0);

/**
 * The packets of an RTCP datagram, as our receiver parses them. One whose
 * first packet is not SR or RR, which our receiver drops whole (A.2), is a
 * breach, and is read again behind an empty RR to see what else it breaks.
 */
function compoundPackets(d: Datagram, breach: Breach): RtcpPacket[] | undefined {
  const parsed = parseCompound(d.bytes);
  if (parsed.ok) return parsed.value;
  if (parsed.reason !== 'first-type') {
    breach(d, `RFC 3550 §6.1, A.2: not a compound RTCP packet our receiver keeps: ${parsed.detail}`);
    return undefined;
  }
  breach(d, `RFC 3550 §6.1 (P22L27-P22L31): the first packet is type ${d.bytes[1]}, not a report (SR or RR), which it MUST be even beside a BYE alone; our receiver drops the datagram (A.2)`);
  const behind = parseCompound(Buffer.concat([EMPTY_RR, d.bytes]));
  if (!behind.ok) {
    breach(d, `RFC 3550 §6.1, A.2: not a compound RTCP packet even behind a report: ${behind.detail}`);
    return undefined;
  }
  return behind.value.slice(1);
}

/** RFC 3550 §6.1's compound: two packets or more, an SDES CNAME, BYE last; an SR counts what was sent (§6.4.1). */
function compoundBreaches(packets: RtcpPacket[], d: Datagram, rtp: { d: Datagram; p: RtpPacket }[], breach: Breach): void {
  const types = packets.map((p) => p.type).join(' ');
  if (packets.length < 2) breach(d, `RFC 3550 §6.1 (P22L18-P22L19): a compound of ${packets.length} packet (${types}); at least two`);
  if (!packets.some((p) => p.type === 'SDES' && p.chunks.some((c) => cnameOf(c) !== undefined))) breach(d, `RFC 3550 §6.1 (P22L38-P22L39): no SDES CNAME in the compound (${types})`);
  const bye = packets.findIndex((p) => p.type === 'BYE');
  if (bye >= 0 && bye !== packets.length - 1) breach(d, `RFC 3550 §6.1 (P22L45-P22L46): BYE SHOULD be the last packet, here ${bye + 1} of ${packets.length} (${types})`);
  const sr = packets[0];
  if (sr?.type !== 'SR') return;
  // The RTP it had sent when the SR went (what the capture holds before it; ±2 for the packets in flight).
  const before = rtp.filter((x) => x.p.ssrc === sr.ssrc && x.d.frame < d.frame);
  if (Math.abs(sr.sender.packetCount - before.length) > 2) breach(d, `RFC 3550 §6.4.1 (P38L28-P38L31): SR packet count ${sr.sender.packetCount}, but ${before.length} RTP packets of SSRC ${sr.ssrc} came before it`);
}
