// @implements RFC3550 (RTP: A Transport Protocol for Real-Time Applications)
/**
 * The RTP data packet (RFC 3550 §5.1): the fixed header, the CSRC list, the
 * header extension (§5.3.1, its elements in ./extension.ts), the payload and
 * the padding, parsed from and serialized to octets in network byte order.
 *
 * `parseRtp` never throws: bytes that are not a valid packet come back as
 * `{ ok: false, reason, detail }`, the reason one of `RtpDropReason`, so that
 * the receiver can count it (./drops.ts). `serializeRtp` throws on a packet
 * of our own making that breaks a rule, naming the field.
 */
import { dropped, type Parsed } from './drops.ts';

/** The octets of the fixed header, present in every RTP packet. */
// @implements RFC3550 P13L20-P13L21
export const FIXED_HEADER = 12;

/** The version this specification defines. */
// @implements RFC3550 P13L24-P13L26
export const RTP_VERSION = 2;

/** §5.3.1's header extension: 16 bits for the profile, then whole 32-bit words. */
export interface HeaderExtension {
  /** The "defined by profile" field: 0xBEDE and 0x100x are RFC 8285's forms (./extension.ts). */
  profile: number;
  /** The extension's words, without its four-octet header; a multiple of 4 octets. */
  data: Uint8Array;
}

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Contributing sources, inserted by a mixer: 0 to 15. */
  csrc: number[];
  /** Present if and only if the X bit is set. */
  extension?: HeaderExtension;
  payload: Uint8Array;
  /** Padding octets after the payload, the count octet included; 0 when the P bit is clear. */
  padding: number;
}

// What a payload format needs goes in the payload, not here: this module defines no header
// field and no extension of its own (RFC 3551's profile adds none).
// @exception RFC3550 P18L21-P18L23: no payload format of this reference needs more header than the fixed one
// @exception RFC3550 P18L27-P18L31: RFC 3551, the profile this reference runs, adds no fixed fields after the SSRC
// @exception RFC3550 P19L6-P19L8: no payload format here uses the header extension; it is parsed and passed on only
export type RtpDropReason =
  | 'short' // fewer octets than the fixed header, the CSRC list or the extension header need
  | 'version' // V is not 2
  | 'rtcp' // the second octet is SR's or RR's packet type: an RTCP packet, not RTP
  | 'padding' // P set, and the count is 0 or runs past the payload
  | 'csrc' // CC identifiers do not fit in the packet
  | 'extension'; // the extension's length runs past the end of the packet

/** RTCP SR and RR packet types (§12.1): as the second octet of an RTP header they read M=1, PT=72 or 73. */
const SR = 200;
const RR = 201;

export function parseRtp(bytes: Uint8Array): Parsed<RtpPacket, RtpDropReason> {
  const n = bytes.length;
  if (n < FIXED_HEADER) return dropped('short', `${n} octets, fewer than the 12 of the fixed header (RFC 3550 §5.1)`);
  const b0 = bytes[0];
  const b1 = bytes[1];
  // @implements RFC3550 P78L39, P13L24-P13L26
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return dropped('version', `version ${version}, not 2 (RFC 3550 §5.1, A.1)`);
  // @implements RFC3550 P78L41-P78L42
  if (b1 === SR || b1 === RR) return dropped('rtcp', `second octet ${b1} is RTCP ${b1 === SR ? 'SR' : 'RR'}'s packet type (RFC 3550 A.1)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  // @implements RFC3550 P13L44-P13L46, P16L26-P16L30
  const cc = b0 & 0x0f;
  let offset = FIXED_HEADER + 4 * cc;
  if (offset > n) return dropped('csrc', `CC=${cc} needs ${offset} octets, the packet has ${n} (RFC 3550 §5.1, A.1)`);
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++) csrc.push(view.getUint32(FIXED_HEADER + 4 * i));
  let extension: HeaderExtension | undefined;
  // @implements RFC3550 P13L39-P13L42, P19L18-P19L22
  if (b0 & 0x10) {
    if (offset + 4 > n) return dropped('short', `X set, but no room for the extension header at octet ${offset} of ${n} (RFC 3550 §5.3.1)`);
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    const end = offset + 4 + 4 * words;
    // @implements RFC3550 P79L1-P79L4
    if (end > n) return dropped('extension', `extension of ${words} words ends at octet ${end}, the packet has ${n} (RFC 3550 §5.3.1, A.1)`);
    extension = { profile, data: bytes.subarray(offset + 4, end) };
    offset = end;
  }
  let padding = 0;
  // @implements RFC3550 P13L30-P13L34, P78L44-P78L46
  if (b0 & 0x20) {
    padding = bytes[n - 1];
    if (padding === 0 || offset + padding > n) {
      return dropped('padding', `padding count ${padding}, but ${n - offset} octets follow the header (RFC 3550 §5.1, A.1)`);
    }
  }
  return {
    ok: true,
    value: {
      // @implements RFC3550 P14L1-P14L3, P14L8-P14L10, P18L15-P18L17
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      // @implements RFC3550 P14L22-P14L24, P14L32-P14L34, P16L11-P16L12
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      ssrc: view.getUint32(8),
      csrc,
      extension,
      payload: bytes.subarray(offset, n - padding),
      padding,
    },
  };
}

/** The octets of a packet; throws RangeError naming the field a value does not fit. */
export function serializeRtp(p: RtpPacket): Uint8Array {
  // @implements RFC3550 P16L26-P16L30
  if (p.csrc.length > 15) throw new RangeError(`RTP: ${p.csrc.length} CSRC identifiers, at most 15 fit the 4-bit CC (RFC 3550 §5.1)`);
  check('payload type', p.payloadType, 0x7f);
  check('sequence number', p.sequenceNumber, 0xffff);
  check('timestamp', p.timestamp, 0xffffffff);
  check('SSRC', p.ssrc, 0xffffffff);
  if (p.padding < 0 || p.padding > 255 || !Number.isInteger(p.padding)) throw new RangeError(`RTP: padding ${p.padding} is not 0-255 octets (RFC 3550 §5.1)`);
  const ext = p.extension;
  if (ext) {
    check('extension profile', ext.profile, 0xffff);
    // @implements RFC3550 P19L20-P19L22
    if (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff) {
      throw new RangeError(`RTP: header extension of ${ext.data.length} octets is not a whole number of 32-bit words up to 65535 (RFC 3550 §5.3.1)`);
    }
  }
  const headerLength = FIXED_HEADER + 4 * p.csrc.length + (ext ? 4 + ext.data.length : 0);
  const out = new Uint8Array(headerLength + p.payload.length + p.padding);
  const view = new DataView(out.buffer);
  out[0] = (RTP_VERSION << 6) | (p.padding ? 0x20 : 0) | (ext ? 0x10 : 0) | p.csrc.length;
  out[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  view.setUint16(2, p.sequenceNumber);
  view.setUint32(4, p.timestamp);
  view.setUint32(8, p.ssrc);
  let offset = FIXED_HEADER;
  for (const c of p.csrc) {
    check('CSRC', c, 0xffffffff);
    view.setUint32(offset, c);
    offset += 4;
  }
  // @implements RFC3550 P19L18-P19L20
  if (ext) {
    view.setUint16(offset, ext.profile);
    view.setUint16(offset + 2, ext.data.length / 4);
    out.set(ext.data, offset + 4);
    offset += 4 + ext.data.length;
  }
  out.set(p.payload, offset);
  // Padding octets are zero (§4); the last one counts them all, itself included.
  // @implements RFC3550 P13L31-P13L34, P12L14-P12L15
  if (p.padding) out[out.length - 1] = p.padding;
  return out;
}

function check(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`RTP: ${field} ${value} is not an integer 0-${max} (RFC 3550 §5.1)`);
}
