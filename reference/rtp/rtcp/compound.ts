// @implements RFC3550 (RTP: A Transport Protocol for Real-Time Applications)
/**
 * Compound RTCP packets (RFC 3550 §6.1): parsed with Appendix A.2's header
 * validity checks, serialized under §6.1's rules (the first packet SR or RR,
 * an SDES CNAME in every compound, BYE last for its sources, padding only on
 * the last packet).
 *
 * `parseCompound` never throws: a datagram that fails A.2, or a packet in it
 * whose body does not fit its length, drops the whole compound with a
 * counted reason (`RtcpDropReason`). `serializeCompound` throws on a compound
 * of our own that breaks a §6.1 rule, naming the rule.
 */
import { dropped, type Parsed } from '../packet/drops.ts';
import { RTP_VERSION } from '../packet/rtp.ts';
import { appSize, parseApp, writeApp } from './app.ts';
import { byeSize, parseBye, writeBye } from './bye.ts';
import { HEADER, writeHeader, type Body, type RtcpDropReason } from './header.ts';
import { parseReport, reportSize, writeReport } from './reports.ts';
import { cnameOf, parseSdes, sdesSize, writeSdes } from './sdes.ts';
import { APP, BYE, RR, SDES, SR, type RtcpPacket } from './types.ts';

export function parseCompound(bytes: Uint8Array): Parsed<RtcpPacket[], RtcpDropReason> {
  const n = bytes.length;
  if (n < HEADER + 4) return dropped('short', `${n} octets, fewer than one RTCP header and SSRC (RFC 3550 §6.4.1)`);
  // A.2's RTCP_VALID_MASK: version 2, no padding, SR or RR, in the first packet's first 16 bits.
  // @implements RFC3550 P82L18-P82L27, P82L41-P82L43
  if (bytes[0] >> 6 !== RTP_VERSION) return dropped('version', `version ${bytes[0] >> 6}, not 2 (RFC 3550 A.2)`);
  if (bytes[1] !== SR && bytes[1] !== RR) return dropped('first-type', `the first packet's type is ${bytes[1]}, not SR (200) or RR (201) (RFC 3550 §6.1, A.2)`);
  if (bytes[0] & 0x20) return dropped('padding', 'padding bit set on the first packet of the compound (RFC 3550 §6.4.1, A.2)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const packets: RtcpPacket[] = [];
  let at = 0;
  // @implements RFC3550 P82L29-P82L31, P82L44-P83L3
  while (at < n) {
    if (at + HEADER > n) return dropped('length', `${n - at} octets after the last packet, less than a header (RFC 3550 A.2)`);
    const b0 = bytes[at];
    // @implements RFC3550 P82L46-P82L47
    if (b0 >> 6 !== RTP_VERSION) return dropped('version', `packet at octet ${at} has version ${b0 >> 6}, not 2 (RFC 3550 A.2)`);
    // @implements RFC3550 P37L25-P37L30
    const next = at + 4 * (view.getUint16(at + 2) + 1);
    if (next > n) return dropped('length', `packet at octet ${at} ends at ${next}, the datagram at ${n}: the lengths do not add up (RFC 3550 A.2)`);
    let end = next;
    // @implements RFC3550 P37L1-P37L6
    if (b0 & 0x20) {
      const count = bytes[next - 1];
      if (count === 0 || count > next - at - HEADER) return dropped('padding', `packet at octet ${at}: padding count ${count} for ${next - at - HEADER} octets of body (RFC 3550 §6.4.1)`);
      end = next - count;
    }
    // @implements RFC3550 P21L33-P21L39
    const body: Body = { bytes, view, start: at + HEADER, end, count: b0 & 0x1f };
    const parsed = parsePacket(bytes[at + 1], body);
    if (!parsed.ok) return parsed;
    packets.push(parsed.value);
    at = next;
  }
  return { ok: true, value: packets };
}

// @implements RFC3550 P37L22-P37L23, P42L29-P42L31, P45L31-P45L32, P51L37-P51L38, P52L43-P52L44
function parsePacket(packetType: number, body: Body): Parsed<RtcpPacket, RtcpDropReason> {
  switch (packetType) {
    case SR:
    case RR:
      return parseReport(body, packetType);
    case SDES:
      return parseSdes(body);
    case BYE:
      return parseBye(body);
    case APP:
      return parseApp(body);
    default:
      // Kept so that it can be counted; the session ignores it.
      // @implements RFC3550 P23L24-P23L25, P82L33-P82L35
      return { ok: true, value: { type: 'unknown', packetType, count: body.count, body: body.bytes.subarray(body.start, body.end) } };
  }
}

/**
 * The octets of a compound packet that keeps §6.1's rules; throws naming the
 * rule a compound breaks. `padding` (a multiple of 4, for encryption) goes on
 * the last packet only.
 */
export function serializeCompound(packets: readonly RtcpPacket[], options: { padding?: number } = {}): Uint8Array {
  // @implements RFC3550 P22L27-P22L31, P23L21-P23L22, P22L1-P22L4
  const first = packets[0];
  if (!first || (first.type !== 'SR' && first.type !== 'RR')) {
    throw new RangeError(`RTCP compound: the first packet is ${first ? first.type : 'missing'}, it MUST be SR or RR (RFC 3550 §6.1)`);
  }
  // @implements RFC3550 P22L38-P22L39, P22L6-P22L10, P22L18-P22L19
  if (!packets.some((p) => p.type === 'SDES' && p.chunks.some((c) => cnameOf(c) !== undefined))) {
    throw new RangeError('RTCP compound: no SDES CNAME; each compound packet MUST include one (RFC 3550 §6.1)');
  }
  // @implements RFC3550 P22L44-P22L46
  const gone = new Set<number>();
  for (const p of packets) {
    const from = sourcesOf(p).find((s) => gone.has(s));
    if (from !== undefined) throw new RangeError(`RTCP compound: a ${p.type} for SSRC ${from} after its BYE; BYE SHOULD be the last packet sent with a given SSRC/CSRC (RFC 3550 §6.1)`);
    if (p.type === 'BYE') for (const s of p.sources) gone.add(s);
  }
  return serializePackets(packets, options);
}

/** The identifiers a packet speaks for (not those it reports on). */
// @implements RFC3550 P37L32-P37L34, P45L38-P45L39, P52L21
const sourcesOf = (p: RtcpPacket): number[] => {
  switch (p.type) {
    case 'SR':
    case 'RR':
    case 'APP':
      return [p.ssrc];
    case 'SDES':
      return p.chunks.map((c) => c.ssrc);
    case 'BYE':
    case 'unknown':
      return [];
    default:
      return never(p);
  }
};

/**
 * Packets stacked as they are, without §6.1's rules: for a translator
 * passing packets on, and for tests building what a sender must not.
 */
export function serializePackets(packets: readonly RtcpPacket[], options: { padding?: number } = {}): Uint8Array {
  const padding = options.padding ?? 0;
  // @implements RFC3550 P37L5-P37L7, P22L24-P22L25
  if (padding < 0 || padding > 255 || padding % 4 !== 0) throw new RangeError(`RTCP compound: padding of ${padding} octets is not a multiple of 4 up to 252 (RFC 3550 §6.4.1)`);
  // Stacked with no separator: the datagram's length ends the compound.
  // @implements RFC3550 P21L33-P21L39
  const sizes = packets.map(sizeOf);
  const total = sizes.reduce((s, x) => s + x, 0) + padding;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  packets.forEach((p, i) => {
    // Padding goes on the last packet only, and only that packet's P bit is set.
    // @implements RFC3550 P37L8-P37L13
    const padded = padding > 0 && i === packets.length - 1;
    const octets = sizes[i] + (padded ? padding : 0);
    writeHeader(out, view, at, countOf(p), typeOf(p), octets, padded);
    const end = writeBody(out, view, at + HEADER, p);
    if (end !== at + sizes[i]) throw new Error(`RTCP ${p.type}: wrote ${end - at} octets, sized ${sizes[i]}`);
    at += octets;
  });
  if (padding) out[total - 1] = padding;
  return out;
}

/** Octets of the packet, header included and padding not: 4 × (length + 1) before padding. */
// @implements RFC3550 P37L25-P37L27, P21L29-P21L32
function sizeOf(p: RtcpPacket): number {
  switch (p.type) {
    case 'SR':
    case 'RR':
      return reportSize(p);
    case 'SDES':
      return sdesSize(p);
    case 'BYE':
      return byeSize(p);
    case 'APP':
      return appSize(p);
    // A type registered after this code (§15) is passed on as it came, whole words.
    // @implements RFC3550 P23L25-P23L27
    case 'unknown':
      if (p.body.length % 4 !== 0) throw new RangeError(`RTCP packet type ${p.packetType}: a body of ${p.body.length} octets is not whole words (RFC 3550 §6.1)`);
      return HEADER + p.body.length;
    default:
      return never(p);
  }
}

/** The 5-bit field after V and P: RC, SC or APP's subtype. */
// @implements RFC3550 P37L18-P37L20, P45L34-P45L36, P51L40-P51L42
function countOf(p: RtcpPacket): number {
  switch (p.type) {
    case 'SR':
    case 'RR':
      return p.reports.length;
    case 'SDES':
      return p.chunks.length;
    case 'BYE':
      return p.sources.length;
    // @implements RFC3550 P52L38-P52L41
    case 'APP':
      return p.subtype;
    case 'unknown':
      return p.count;
    default:
      return never(p);
  }
}

const PACKET_TYPE: Record<Exclude<RtcpPacket['type'], 'unknown'>, number> = {
  SR, RR, SDES, BYE, APP,
};

// @implements RFC3550 P37L22-P37L23, P42L29-P42L31, P45L31-P45L32, P51L37-P51L38, P52L43-P52L44
const typeOf = (p: RtcpPacket): number => (p.type === 'unknown' ? p.packetType : PACKET_TYPE[p.type]);

/** The packet after its header, in the layout of its section's diagram (§6.4.1-§6.7). */
// @implements RFC3550 P36L39-P36L41, P45L23-P45L25, P51L31-P51L32, P52L28-P52L30
function writeBody(out: Uint8Array, view: DataView, at: number, p: RtcpPacket): number {
  switch (p.type) {
    case 'SR':
    case 'RR':
      return writeReport(out, view, at, p);
    case 'SDES':
      return writeSdes(out, view, at, p);
    case 'BYE':
      return writeBye(out, view, at, p);
    case 'APP':
      return writeApp(out, view, at, p);
    // @implements RFC3550 P23L25-P23L27
    case 'unknown':
      out.set(p.body, at);
      return at + p.body.length;
    default:
      return never(p);
  }
}

function never(p: never): never {
  throw new Error(`RTCP: no such packet ${JSON.stringify(p)}`);
}
