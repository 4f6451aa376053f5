/**
 * A STUN message to and from bytes: the 20-byte header (type, length, magic
 * cookie, transaction ID), then the attributes, TLV-encoded and padded to 32
 * bits. decodeMessage never throws on bad input: it says which rule the bytes
 * break and at which offset.
 *
 * @implements RFC8489 (STUN)
 */
import { ATTRIBUTE, CLASS_BITS, CLASS_OF_BITS, HEADER_LENGTH, MAGIC_COOKIE, type StunClass } from './constants.ts';
import { AttributeError, type StunAttribute, attributeType, copyBytes, readAttribute, writeAttribute } from './attributes.ts';
import { fingerprintOver, integrityOver } from './integrity.ts';

export interface StunMessage {
  class: StunClass;
  /** The 12-bit method, e.g. Binding = 0x001. */
  method: number;
  /** 12 octets (96 bits). */
  transactionId: Uint8Array;
  /** In the order received, unknown ones kept as `{ type: 'unknown', code, value }`; MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT included. */
  attributes: StunAttribute[];
  /** What the RFC says to ignore (after MESSAGE-INTEGRITY, after FINGERPRINT), kept with the rule that ignores it. */
  ignored?: { attribute: StunAttribute; offset: number; reason: string }[];
  /**
   * The 32 bits where the magic cookie goes, when they are not 0x2112A442: an
   * RFC 3489 message (§11), decoded only under `{ rfc3489: true }`. With the
   * transaction ID, they make RFC 3489's 128-bit transaction ID.
   */
  cookie?: number;
}

export type DecodeResult = { ok: true; message: StunMessage } | { ok: false; reason: string; offset: number };

export interface DecodeOptions {
  /** Accept a message without the magic cookie, as an RFC 3489 one (RFC 8489 §11); its cookie field is returned as `cookie`. */
  rfc3489?: boolean;
}

function fail(reason: string, offset: number): DecodeResult {
  return { ok: false, reason, offset };
}

/**
 * The method and class of a 14-bit message type: M11..M7 C1 M6..M4 C0 M3..M0.
 */
// @implements RFC8489 P10L13-P10L18
export function splitMessageType(type: number): { method: number; class: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const c = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  return { method, class: CLASS_OF_BITS[c]! };
}

/** The 14-bit message type of a method and class. */
// @implements RFC8489 P10L13-P10L18, P10L24-P10L28
export function messageType(method: number, cls: StunClass): number {
  if (!Number.isInteger(method) || method < 0 || method > 0xfff) throw new Error(`RFC8489 §5: a method is 12 bits, not ${method}`);
  const c = CLASS_BITS[cls];
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 0b10) << 7) | ((c & 0b01) << 4);
}

/** A STUN message from the bytes of one datagram (or one TCP-framed message). */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  // @implements RFC8489 P9L13-P9L15
  if (bytes.length < HEADER_LENGTH) return fail(`RFC8489 §5: a STUN message begins with a 20-byte header; this is ${bytes.length} bytes`, 0);
  // @implements RFC8489 P9L31, P16L24-P16L26
  if ((bytes[0]! & 0xc0) !== 0) return fail('RFC8489 §5: the most significant 2 bits of every STUN message MUST be zeroes', 0);
  const type = (bytes[0]! << 8) | bytes[1]!;
  const length = (bytes[2]! << 8) | bytes[3]!;
  const cookie = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  // @implements RFC8489 P10L34-P10L35, P16L26
  if (cookie !== MAGIC_COOKIE && !options.rfc3489)
    return fail(`RFC8489 §5: the Magic Cookie field MUST contain 0x2112A442, not 0x${cookie.toString(16).padStart(8, '0')}`, 4);
  // @implements RFC8489 P11L15-P11L18
  if (length % 4 !== 0) return fail(`RFC8489 §5: the message length ${length} is not a multiple of 4 (attributes are padded to 4 bytes)`, 2);
  // @implements RFC8489 P11L15-P11L16, P16L26-P16L27
  if (HEADER_LENGTH + length !== bytes.length)
    return fail(`RFC8489 §5: the message length says ${length} bytes after the header, the message has ${bytes.length - HEADER_LENGTH}`, 2);
  const { method, class: cls } = splitMessageType(type);
  const transactionId = copyBytes(bytes, 8, 20);
  const message: StunMessage = { class: cls, method, transactionId, attributes: [] };
  if (cookie !== MAGIC_COOKIE) message.cookie = cookie;

  let integrity = false, integritySha256 = false, fingerprint = false;
  for (let at = HEADER_LENGTH; at < bytes.length; ) {
    // @implements RFC8489 P36L17-P36L19
    if (at + 4 > bytes.length) return fail(`RFC8489 §14: an attribute header at ${at} is cut short by the end of the message`, at);
    const t = (bytes[at]! << 8) | bytes[at + 1]!;
    const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    // @implements RFC8489 P36L33-P36L37
    const padded = (len + 3) & ~3;
    if (at + 4 + padded > bytes.length)
      return fail(`RFC8489 §14: attribute 0x${t.toString(16).padStart(4, '0')} of length ${len} (${padded} padded) runs past the end of the message`, at + 2);
    let attribute: StunAttribute;
    try {
      // @implements RFC8489 P36L38-P36L39
      attribute = readAttribute(t, bytes.subarray(at + 4, at + 4 + len), transactionId); // the padding is not read
    } catch (e) {
      if (e instanceof AttributeError) return fail(e.message, at + 4 + e.at);
      throw e;
    }
    const why = ignoredBecause(t, integrity, integritySha256, fingerprint);
    if (why) (message.ignored ??= []).push({ attribute, offset: at, reason: why });
    else message.attributes.push(attribute);
    if (t === ATTRIBUTE['MESSAGE-INTEGRITY']) integrity = true;
    else if (t === ATTRIBUTE['MESSAGE-INTEGRITY-SHA256']) integritySha256 = true;
    else if (t === ATTRIBUTE.FINGERPRINT) fingerprint = true;
    at += 4 + padded;
  }
  return { ok: true, message };
}

/** Why an attribute is to be ignored where it stands, or undefined. */
function ignoredBecause(t: number, integrity: boolean, integritySha256: boolean, fingerprint: boolean): string | undefined {
  // @implements RFC8489 P42L5-P42L7
  if (fingerprint) return 'RFC8489 §14.7: the FINGERPRINT attribute MUST be the last attribute; this one follows it';
  // @implements RFC8489 P22L41-P22L43
  if (integrity && t !== ATTRIBUTE['MESSAGE-INTEGRITY-SHA256'] && t !== ATTRIBUTE.FINGERPRINT)
    return 'RFC8489 §9: agents MUST ignore all attributes that follow MESSAGE-INTEGRITY, except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT';
  // @implements RFC8489 P22L43-P22L46
  if (integritySha256 && !integrity && t !== ATTRIBUTE.FINGERPRINT)
    return 'RFC8489 §9: agents MUST ignore all attributes that follow MESSAGE-INTEGRITY-SHA256 (without MESSAGE-INTEGRITY), except FINGERPRINT';
  // a second MESSAGE-INTEGRITY-SHA256 after MESSAGE-INTEGRITY
  if (integritySha256 && t === ATTRIBUTE['MESSAGE-INTEGRITY-SHA256'])
    return 'RFC8489 §9: a second MESSAGE-INTEGRITY-SHA256 follows MESSAGE-INTEGRITY-SHA256; agents MUST ignore it';
  return undefined;
}

export interface EncodeOptions {
  /**
   * Append MESSAGE-INTEGRITY (HMAC-SHA1) computed with `key`; with `sha256`,
   * MESSAGE-INTEGRITY-SHA256 instead; with `both`, MESSAGE-INTEGRITY then
   * MESSAGE-INTEGRITY-SHA256 (§9.1.2's first request).
   */
  integrity?: { key: Uint8Array; sha256?: boolean; both?: boolean };
  /** Append FINGERPRINT, last. */
  fingerprint?: boolean;
  /**
   * The byte padding is made of. RFC 8489 says zero (the default); RFC 5389
   * allowed any value, and RFC 5769's vectors pad with spaces: this lets a
   * test reproduce them.
   */
  padding?: number;
}

/** The bytes of a message. Throws on a message this module cannot encode as the RFC says (a bad value names its rule). */
export function encodeMessage(message: StunMessage, options: EncodeOptions = {}): Uint8Array {
  // @implements RFC8489 P10L43, P11L3-P11L5
  if (message.transactionId.length !== 12) throw new Error(`RFC8489 §5: the transaction ID is 96 bits (12 octets), not ${message.transactionId.length}`);
  const types: number[] = [];
  const values: Uint8Array[] = [];
  let size = HEADER_LENGTH;
  // @implements RFC8489 P36L17-P36L19
  for (const a of message.attributes) {
    const v = writeAttribute(a, message.transactionId);
    if (v.length > 0xffff) throw new Error(`RFC8489 §14: attribute ${a.type} of ${v.length} bytes does not fit a 16-bit length`);
    types.push(attributeType(a));
    values.push(v);
    size += 4 + ((v.length + 3) & ~3);
  }
  // @implements RFC8489 P42L5-P42L7
  const mi = options.integrity; // MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY-SHA256, then FINGERPRINT last
  const sha1 = mi ? !mi.sha256 || mi.both : false;
  const sha256 = mi ? mi.sha256 || mi.both : false;
  const total = size + (sha1 ? 24 : 0) + (sha256 ? 36 : 0) + (options.fingerprint ? 8 : 0);
  if (total - HEADER_LENGTH > 0xffff) throw new Error(`RFC8489 §5: ${total - HEADER_LENGTH} bytes of attributes do not fit the 16-bit message length`);
  const out = new Uint8Array(total);
  const type = messageType(message.method, message.class);
  // @implements RFC8489 P9L31
  out[0] = type >> 8; // the top 2 bits stay zero: a message type is 14 bits
  out[1] = type & 0xff;
  const cookie = message.cookie ?? MAGIC_COOKIE;
  out[4] = cookie >>> 24; out[5] = (cookie >> 16) & 0xff; out[6] = (cookie >> 8) & 0xff; out[7] = cookie & 0xff;
  out.set(message.transactionId, 8);
  let at = HEADER_LENGTH;
  const pad = options.padding ?? 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[at] = types[i]! >> 8; out[at + 1] = types[i]! & 0xff;
    // @implements RFC8489 P36L33-P36L34
    out[at + 2] = v.length >> 8; out[at + 3] = v.length & 0xff;
    out.set(v, at + 4);
    const end = at + 4 + ((v.length + 3) & ~3);
    // @implements RFC8489 P36L35-P36L38
    if (pad !== 0) out.fill(pad, at + 4 + v.length, end);
    at = end;
  }
  // @implements RFC8489 P11L15-P11L16
  const setLength = (n: number) => { out[2] = (n - HEADER_LENGTH) >> 8; out[3] = (n - HEADER_LENGTH) & 0xff; };
  if (sha1) at = appendIntegrity(out, at, mi!.key, false);
  if (sha256) at = appendIntegrity(out, at, mi!.key, true);
  if (options.fingerprint) {
    // @implements RFC8489 P42L12-P42L18
    setLength(at + 8);
    out[at] = 0x80; out[at + 1] = 0x28; out[at + 3] = 4;
    const fp = fingerprintOver(out, at);
    out[at + 4] = fp >>> 24; out[at + 5] = (fp >> 16) & 0xff; out[at + 6] = (fp >> 8) & 0xff; out[at + 7] = fp & 0xff;
    at += 8;
  }
  // @implements RFC8489 P40L35-P40L38
  setLength(at);
  return out;
}

/** Write MESSAGE-INTEGRITY(-SHA256) at `at`, computed over what precedes it. */
function appendIntegrity(out: Uint8Array, at: number, key: Uint8Array, sha256: boolean): number {
  const t = sha256 ? ATTRIBUTE['MESSAGE-INTEGRITY-SHA256'] : ATTRIBUTE['MESSAGE-INTEGRITY'];
  const size = sha256 ? 32 : 20;
  out[at] = t >> 8; out[at + 1] = t & 0xff; out[at + 3] = size;
  // @implements RFC8489 P42L19-P42L21
  out.set(integrityOver(out, at, key, sha256), at + 4);
  return at + 4 + size;
}
