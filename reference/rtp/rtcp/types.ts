/**
 * The RTCP packets of RFC 3550 §6.4-§6.7 as values: what `compound.ts`
 * parses a compound packet into and serializes one from.
 */

/** §12.1's packet types. */
export const SR = 200;
export const RR = 201;
export const SDES = 202;
export const BYE = 203;
export const APP = 204;

/** §6.4.1's sender information: what this sender has sent, and when (NTP) that was in RTP units. */
export interface SenderInfo {
  /** NTP timestamp, the whole seconds since 1900 (mod 2^32) … */
  ntpSeconds: number;
  /** … and the fraction of a second, in units of 2^-32 s. */
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  /** Payload octets only: no header, no padding. */
  octetCount: number;
}

/** §6.4.1's reception report block: what this receiver heard of one source. */
export interface ReportBlock {
  /** SSRC_n, the source reported on. */
  ssrc: number;
  /** Lost since the previous report, in 1/256: 0-255. */
  fractionLost: number;
  /** Lost since reception began, signed 24 bits: -0x800000 to 0x7fffff. */
  cumulativeLost: number;
  /** Extended highest sequence number received: cycles in the high 16 bits. */
  highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR from SSRC_n; 0 if none. */
  lsr: number;
  /** Delay since that SR, in 1/65536 s; 0 if none. */
  dlsr: number;
}

export interface SenderReport {
  type: 'SR';
  ssrc: number;
  sender: SenderInfo;
  reports: ReportBlock[];
  /** §6.4.3's profile-specific extension, whole words; empty if none. */
  extension: Uint8Array;
}

export interface ReceiverReport {
  type: 'RR';
  ssrc: number;
  reports: ReportBlock[];
  extension: Uint8Array;
}

/** §6.5's item types (§12.2). END (0) closes a chunk's list and is not an item. */
export const CNAME = 1;
export const NAME = 2;
export const EMAIL = 3;
export const PHONE = 4;
export const LOC = 5;
export const TOOL = 6;
export const NOTE = 7;
export const PRIV = 8;

export interface SdesItem {
  type: number;
  /** The text (UTF-8 on the wire); for PRIV, the value string after the prefix. */
  text: string;
  /** PRIV only: the prefix string (§6.5.8). */
  prefix?: string;
}

export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

export interface SourceDescription {
  type: 'SDES';
  chunks: SdesChunk[];
}

export interface Goodbye {
  type: 'BYE';
  sources: number[];
  reason?: string;
}

export interface AppDefined {
  type: 'APP';
  subtype: number;
  ssrc: number;
  /** Four ASCII characters, case significant. */
  name: string;
  /** Application-dependent data, whole words. */
  data: Uint8Array;
}

/** A packet type this implementation does not know: kept so it can be counted, and ignored. */
export interface UnknownRtcp {
  type: 'unknown';
  packetType: number;
  count: number;
  body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | AppDefined | UnknownRtcp;
