/**
 * What every RTCP packet shares (RFC 3550 §6.4.1, "header"): V, P, a 5-bit
 * count, the packet type and the length in words minus one; and the body of
 * one packet as the per-type parsers see it. Text helpers for SDES and BYE.
 */
import type { RtpDropReason } from '../packet/rtp.ts';

/** Why a compound RTCP packet was dropped. */
export type RtcpDropReason =
  | Exclude<RtpDropReason, 'rtcp' | 'csrc' | 'extension'>
  | 'first-type' // A.2: the first packet is not SR or RR
  | 'length' // A.2: the length fields do not add up to the datagram
  | 'report' // RC report blocks do not fit the SR or RR
  | 'sdes' // a chunk or item runs past the packet, or a chunk's list is not closed
  | 'bye' // SC identifiers or the reason do not fit the BYE
  | 'app'; // shorter than SSRC and name

/** One packet of a compound, past its header and its own padding. */
export interface Body {
  bytes: Uint8Array;
  view: DataView;
  /** First octet after the 4-octet header. */
  start: number;
  /** End of the packet's content: its padding, if any, excluded. */
  end: number;
  /** The 5-bit RC, SC or subtype field. */
  count: number;
}

export const HEADER = 4;

/** Writes the common header of a packet of `octets` octets (a multiple of 4, header included). */
// @implements RFC3550 P36L44-P36L47, P37L1-P37L6, P37L25-P37L27
export function writeHeader(out: Uint8Array, view: DataView, at: number, count: number, packetType: number, octets: number, padded: boolean): void {
  if (count > 31) throw new RangeError(`RTCP: count ${count} does not fit the 5-bit field (RFC 3550 §6.4.1)`);
  if (octets % 4 !== 0) throw new RangeError(`RTCP: a packet of ${octets} octets does not end on a 32-bit boundary (RFC 3550 §6.1)`);
  out[at] = 0x80 | (padded ? 0x20 : 0) | count;
  out[at + 1] = packetType;
  view.setUint16(at + 2, octets / 4 - 1);
}

/** Rounds up to a whole number of 32-bit words. */
// @implements RFC3550 P21L29-P21L32
export const words = (octets: number): number => (octets + 3) & ~3;

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** SDES and BYE text is UTF-8 (§6.5); plain ASCII takes the short way. */
// @implements RFC3550 P46L1-P46L3
export function readText(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) if (bytes[i] > 0x7f) { ascii = false; break; }
  if (!ascii) return decoder.decode(bytes.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The UTF-8 octets of an item's text; throws past the 255 octets one length octet counts. */
// @implements RFC3550 P45L40-P45L44
export function textBytes(text: string, what: string): Uint8Array {
  const b = encoder.encode(text);
  if (b.length > 255) throw new RangeError(`RTCP: ${what} is ${b.length} octets, more than the 255 one length octet counts (RFC 3550 §6.5)`);
  return b;
}
