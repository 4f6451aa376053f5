// @implements RFC8656 (TURN)
/**
 * The ChannelData message (RFC 8656 §12.4–§12.6) as pure encode and decode:
 * a 2-byte channel number, a 2-byte length of the application data (the
 * header not counted), the data, and over TCP padding to a multiple of 4.
 *
 * Decoding never throws on what came off the wire: a message §12.6 says to
 * discard is returned as `{ kind: 'discard', why }` naming the rule, so the
 * caller can drop it (and log it if it wishes); a TCP stream that holds only
 * part of a message is `{ kind: 'incomplete' }`. Encoding refuses a channel
 * number or a length the message cannot carry, naming the rule.
 */

export type Transport = 'udp' | 'tcp';

// @implements RFC8656 P45L24-P45L25
export const FIRST_CHANNEL = 0x4000;
export const LAST_CHANNEL = 0x4fff;

/** The Length field is 16 bits. */
const MAX_LENGTH = 0xffff;
const HEADER = 4;

export interface ChannelData {
  channel: number;
  data: Uint8Array;
}

export type Decoded =
  /** `size` is how many bytes the message took, padding included over TCP. */
  | { kind: 'message'; message: ChannelData; size: number }
  | { kind: 'incomplete'; need: number }
  | { kind: 'discard'; why: string };

/** Is `n` a number a channel may be bound to? */
export const isChannelNumber = (n: number): boolean => Number.isInteger(n) && n >= FIRST_CHANNEL && n <= LAST_CHANNEL;

/**
 * Which protocol a first byte on the 5-tuple belongs to (Table 3, after RFC
 * 7983): the client demultiplexes by it and drops the reserved values.
 */
export type FirstByteClass = 'stun' | 'zrtp' | 'dtls' | 'channel' | 'rtp' | 'reserved';

// @implements RFC8656 P45L38-P46L7, P46L11-P46L13
export function classifyFirstByte(b: number): FirstByteClass {
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'channel';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'reserved';
}

/** The bytes of one ChannelData message; over TCP padded to a multiple of 4. */
export function encodeChannelData(message: ChannelData, transport: Transport): Uint8Array {
  // @implements RFC8656 P45L20-P45L29
  if (!isChannelNumber(message.channel)) {
    throw new RangeError(`ChannelData: channel number ${hex(message.channel)} is not in 0x4000-0x4FFF (RFC 8656 §12, Table 2)`);
  }
  if (message.data.length > MAX_LENGTH) {
    throw new RangeError(`ChannelData: ${message.data.length} bytes of data do not fit the 16-bit Length field (RFC 8656 §12.4)`);
  }
  // @implements RFC8656 P50L12-P50L18
  const size = transport === 'tcp' ? padded(HEADER + message.data.length) : HEADER + message.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  // @implements RFC8656 P49L34-P49L40
  view.setUint16(0, message.channel);
  view.setUint16(2, message.data.length);
  // @implements RFC8656 P49L42-P49L43
  out.set(message.data, HEADER);
  return out;
}

/**
 * One ChannelData message from the start of `bytes`: a whole UDP datagram, or
 * what a TCP stream holds so far (the caller keeps the rest after `size`).
 */
export function decodeChannelData(bytes: Uint8Array, transport: Transport): Decoded {
  if (bytes.length < HEADER) {
    return transport === 'tcp' ? { kind: 'incomplete', need: HEADER } : { kind: 'discard', why: `${bytes.length} bytes is shorter than the 4-byte ChannelData header (RFC 8656 §12.4)` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channel = view.getUint16(0);
  const length = view.getUint16(2);
  // @implements RFC8656 P50L25-P50L28
  if (channel > LAST_CHANNEL) return { kind: 'discard', why: `channel number ${hex(channel)} is in the reserved range 0x5000-0xFFFF (RFC 8656 §12.6)` };
  if (channel < FIRST_CHANNEL) return { kind: 'discard', why: `channel number ${hex(channel)} can never be a channel (0x0000-0x3FFF, RFC 8656 §12, Table 2)` };
  if (transport === 'udp') {
    // @implements RFC8656 P50L30-P50L34
    if (bytes.length < HEADER + length) {
      return { kind: 'discard', why: `the datagram holds ${bytes.length - HEADER} bytes of data, the Length field claims ${length} (RFC 8656 §12.6)` };
    }
    // Padding over UDP is allowed (P50L17-P50L18) and is simply not data.
    return { kind: 'message', message: { channel, data: bytes.slice(HEADER, HEADER + length) }, size: bytes.length };
  }
  // @implements RFC8656 P50L36-P50L38, P50L14-P50L17
  const size = padded(HEADER + length);
  if (bytes.length < size) return { kind: 'incomplete', need: size };
  return { kind: 'message', message: { channel, data: bytes.slice(HEADER, HEADER + length) }, size };
}

const padded = (n: number): number => (n + 3) & ~3;
const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
