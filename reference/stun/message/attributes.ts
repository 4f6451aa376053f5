/**
 * STUN attributes (RFC 8489 §14, RFC 8656 §18) as a discriminated union on
 * `type`, and each one's value read from and written to bytes. A value that
 * breaks its attribute's rule is refused with the rule's name; an attribute
 * type this module does not know is kept as `{ type: 'unknown', code, value }`.
 *
 * @implements RFC8489 (STUN)
 * @implements RFC8656 (TURN)
 */
import { ATTRIBUTE, type AttributeName, FAMILY, type Family, MAGIC_COOKIE } from './constants.ts';
import { copyBytes, ipv4Bytes, ipv6Bytes, ipv6Text } from './bytes.ts';

export { copyBytes };

/** A transport address: family, IP address as text (dotted or RFC 5952 IPv6), port. */
export interface TransportAddress {
  family: Family;
  address: string;
  port: number;
}

/** A password algorithm and its parameters (§14.11, §14.12). */
export interface PasswordAlgorithm {
  algorithm: number;
  parameters: Uint8Array;
}

type AddressName = 'MAPPED-ADDRESS' | 'XOR-MAPPED-ADDRESS' | 'ALTERNATE-SERVER' | 'XOR-PEER-ADDRESS' | 'XOR-RELAYED-ADDRESS';
type TextName = 'USERNAME' | 'REALM' | 'NONCE' | 'SOFTWARE' | 'ALTERNATE-DOMAIN';
type BytesName = 'USERHASH' | 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256' | 'DATA' | 'RESERVATION-TOKEN';

export type StunAttribute =
  | { type: AddressName; value: TransportAddress }
  | { type: TextName; value: string }
  | { type: BytesName; value: Uint8Array }
  | { type: 'FINGERPRINT'; value: number }
  | { type: 'ERROR-CODE'; code: number; reason: string }
  | { type: 'UNKNOWN-ATTRIBUTES'; value: number[] }
  | { type: 'PASSWORD-ALGORITHMS'; value: PasswordAlgorithm[] }
  | { type: 'PASSWORD-ALGORITHM'; value: PasswordAlgorithm }
  | { type: 'CHANNEL-NUMBER'; value: number }
  | { type: 'LIFETIME'; value: number }
  | { type: 'REQUESTED-ADDRESS-FAMILY' | 'ADDITIONAL-ADDRESS-FAMILY'; value: Family }
  | { type: 'EVEN-PORT'; value: boolean }
  | { type: 'REQUESTED-TRANSPORT'; value: number }
  | { type: 'DONT-FRAGMENT' }
  | { type: 'ADDRESS-ERROR-CODE'; family: Family; code: number; reason: string }
  | { type: 'ICMP'; icmpType: number; icmpCode: number; errorData: number }
  | { type: 'unknown'; code: number; value: Uint8Array };

/** The attribute of a given name, e.g. `AttributeOf<'USERNAME'>`. */
export type AttributeOf<T extends StunAttribute['type']> = OfType<StunAttribute, T>;
/** Distributes over the union: a member whose `type` admits T, narrowed to T (Extract would drop members whose type is a union of names). */
type OfType<A, T> = A extends { type: infer K } ? (T extends K ? A & { type: T } : never) : never;

/** A value that breaks its attribute's rule: the rule, and where in the value. */
export class AttributeError extends Error {
  constructor(
    message: string,
    readonly at = 0,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const encoder = new TextEncoder();

/** The numeric type of an attribute. */
export function attributeType(a: StunAttribute): number {
  return a.type === 'unknown' ? a.code : ATTRIBUTE[a.type];
}

// --- addresses --------------------------------------------------------------

// @implements RFC8489 P37L36-P37L39, P38L19-P38L20
function familyOf(byte: number, rule: string): Family {
  if (byte === FAMILY.IPv4) return 'IPv4';
  if (byte === FAMILY.IPv6) return 'IPv6';
  throw new AttributeError(`${rule}: address family 0x${byte.toString(16).padStart(2, '0')} is neither 0x01 (IPv4) nor 0x02 (IPv6)`, 1);
}

/**
 * MAPPED-ADDRESS and the addresses encoded like it: a zero byte, the family,
 * the port, then 32 or 128 bits of address. With `xor`, the port is XOR'd with
 * the cookie's top 16 bits and the address with the cookie (IPv4) or the
 * cookie and the transaction ID (IPv6).
 */
function readAddress(v: Uint8Array, xor: boolean, transactionId: Uint8Array, rule: string): TransportAddress {
  if (v.length < 4) throw new AttributeError(`${rule}: the value is ${v.length} bytes, shorter than family and port`);
  // @implements RFC8489 P37L41-P37L42
  const family = familyOf(v[1]!, rule); // v[0], the first 8 bits, is ignored
  let port = (v[2]! << 8) | v[3]!;
  // @implements RFC8489 P37L18-P37L19
  const want = family === 'IPv4' ? 4 : 16;
  if (v.length !== 4 + want) throw new AttributeError(`${rule}: an ${family} address is ${want * 8} bits, the value holds ${(v.length - 4) * 8}`, 4);
  const a = copyBytes(v, 4);
  if (xor) {
    // @implements RFC8489 P38L22-P38L29
    port ^= MAGIC_COOKIE >>> 16;
    const mask = xorMask(transactionId);
    for (let i = 0; i < a.length; i++) a[i]! ^= mask[i]!;
  }
  return { family, port, address: family === 'IPv4' ? a.join('.') : ipv6Text(a) };
}

/** The magic cookie followed by the transaction ID: what X-Address is XOR'd with. */
// @implements RFC8489 P38L25-P38L27
function xorMask(transactionId: Uint8Array): Uint8Array {
  const mask = new Uint8Array(16);
  mask[0] = 0x21; mask[1] = 0x12; mask[2] = 0xa4; mask[3] = 0x42;
  mask.set(transactionId.subarray(0, 12), 4);
  return mask;
}

function writeAddress(t: TransportAddress, xor: boolean, transactionId: Uint8Array): Uint8Array {
  const a = t.family === 'IPv4' ? ipv4Bytes(t.address) : ipv6Bytes(t.address);
  const out = new Uint8Array(4 + a.length);
  // @implements RFC8489 P37L41
  out[0] = 0;
  out[1] = FAMILY[t.family];
  let port = t.port;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new Error(`not a port: ${port}`);
  // @implements RFC8489 P38L22-P38L29
  if (xor) {
    port ^= MAGIC_COOKIE >>> 16;
    const mask = xorMask(transactionId);
    for (let i = 0; i < a.length; i++) a[i]! ^= mask[i]!;
  }
  out[2] = port >> 8;
  out[3] = port & 0xff;
  out.set(a, 4);
  return out;
}

// --- text -------------------------------------------------------------------

/** UTF-8 text of at most `maxBytes` bytes when decoding (the 763 the RFC names for RFC 5389 peers). */
// @implements RFC8489 P39L10-P39L12, P42L34-P42L37
function readText(v: Uint8Array, rule: string, maxBytes: number): string {
  if (v.length > maxBytes) throw new AttributeError(`${rule}: ${v.length} bytes, more than the ${maxBytes} a receiver must accept`);
  try {
    return utf8.decode(v);
  } catch {
    throw new AttributeError(`${rule}: not UTF-8`);
  }
}

// --- ERROR-CODE -------------------------------------------------------------

function readErrorCode(v: Uint8Array, rule: string): { code: number; reason: string } {
  if (v.length < 4) throw new AttributeError(`${rule}: ${v.length} bytes, shorter than the 4 of reserved, class and number`);
  // @implements RFC8489 P43L5-P43L9
  const cls = v[2]! & 0x07; // the 21 reserved bits are ignored
  const number = v[3]!;
  if (cls < 3 || cls > 6) throw new AttributeError(`${rule}: class ${cls} is not between 3 and 6`, 2);
  if (number > 99) throw new AttributeError(`${rule}: number ${number} is not between 0 and 99`, 3);
  return { code: cls * 100 + number, reason: readText(v.subarray(4), rule, 763) };
}

function writeErrorCode(code: number, reason: string, rule: string): Uint8Array {
  if (!Number.isInteger(code) || code < 300 || code > 699) throw new Error(`${rule}: error code ${code} is not in 300..699`);
  // @implements RFC8489 P43L1-P43L3
  const r = encoder.encode(reason);
  // @implements RFC8489 P42L34-P42L37
  if ([...reason].length >= 128) throw new Error(`${rule}: the reason phrase must be fewer than 128 characters`);
  const out = new Uint8Array(4 + r.length);
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  out.set(r, 4);
  return out;
}

// --- PASSWORD-ALGORITHM(S) ----------------------------------------------------

function readAlgorithms(v: Uint8Array, rule: string): PasswordAlgorithm[] {
  const out: PasswordAlgorithm[] = [];
  // @implements RFC8489 P44L41-P44L46
  for (let at = 0; at < v.length; ) {
    if (at + 4 > v.length) throw new AttributeError(`${rule}: an algorithm entry at ${at} is cut short`, at);
    const algorithm = (v[at]! << 8) | v[at + 1]!;
    const length = (v[at + 2]! << 8) | v[at + 3]!;
    const end = at + 4 + length;
    if (end > v.length) throw new AttributeError(`${rule}: parameters of ${length} bytes run past the value`, at + 2);
    out.push({ algorithm, parameters: copyBytes(v, at + 4, end) });
    at = end + ((4 - (length % 4)) % 4);
  }
  return out;
}

// @implements RFC8489 P44L41-P44L46, P45L25-P45L30
function writeAlgorithms(list: readonly PasswordAlgorithm[]): Uint8Array {
  const size = list.reduce((n, a) => n + 4 + Math.ceil(a.parameters.length / 4) * 4, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const a of list) {
    out[at] = a.algorithm >> 8;
    out[at + 1] = a.algorithm & 0xff;
    out[at + 2] = a.parameters.length >> 8;
    out[at + 3] = a.parameters.length & 0xff;
    out.set(a.parameters, at + 4);
    // @implements RFC8489 P45L31
    at += 4 + Math.ceil(a.parameters.length / 4) * 4; // padding left zero
  }
  return out;
}

// --- the table ----------------------------------------------------------------

function u32(v: Uint8Array): number {
  return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
}

// @implements RFC8489 P36L33-P36L34
function exact(v: Uint8Array, n: number, rule: string): void {
  if (v.length !== n) throw new AttributeError(`${rule}: the value is ${v.length} bytes, not ${n}`);
}

/**
 * The typed attribute of a type and value (the value without padding).
 * Throws AttributeError naming the rule a known attribute's value breaks.
 */
export function readAttribute(type: number, v: Uint8Array, transactionId: Uint8Array): StunAttribute {
  switch (type) {
    case ATTRIBUTE['MAPPED-ADDRESS']:
      return { type: 'MAPPED-ADDRESS', value: readAddress(v, false, transactionId, 'RFC8489 §14.1 MAPPED-ADDRESS') };
    case ATTRIBUTE['ALTERNATE-SERVER']:
      // @implements RFC8489 P46L35-P46L36
      return { type: 'ALTERNATE-SERVER', value: readAddress(v, false, transactionId, 'RFC8489 §14.15 ALTERNATE-SERVER') };
    case ATTRIBUTE['XOR-MAPPED-ADDRESS']:
      return { type: 'XOR-MAPPED-ADDRESS', value: readAddress(v, true, transactionId, 'RFC8489 §14.2 XOR-MAPPED-ADDRESS') };
    case ATTRIBUTE['XOR-PEER-ADDRESS']:
      return { type: 'XOR-PEER-ADDRESS', value: readAddress(v, true, transactionId, 'RFC8656 §18.3 XOR-PEER-ADDRESS') };
    case ATTRIBUTE['XOR-RELAYED-ADDRESS']:
      return { type: 'XOR-RELAYED-ADDRESS', value: readAddress(v, true, transactionId, 'RFC8656 §18.5 XOR-RELAYED-ADDRESS') };
    case ATTRIBUTE.USERNAME:
      // @implements RFC8489 P39L10-P39L12
      return { type: 'USERNAME', value: readText(v, 'RFC8489 §14.3 USERNAME', 763) };
    case ATTRIBUTE.REALM:
      // @implements RFC8489 P44L10-P44L13
      return { type: 'REALM', value: readText(v, 'RFC8489 §14.9 REALM', 763) };
    case ATTRIBUTE.NONCE:
      // @implements RFC8489 P44L26-P44L28
      return { type: 'NONCE', value: readText(v, 'RFC8489 §14.10 NONCE', 763) };
    case ATTRIBUTE.SOFTWARE:
      // @implements RFC8489 P46L25-P46L28
      return { type: 'SOFTWARE', value: readText(v, 'RFC8489 §14.14 SOFTWARE', 763) };
    case ATTRIBUTE['ALTERNATE-DOMAIN']:
      // @implements RFC8489 P46L44-P46L46
      return { type: 'ALTERNATE-DOMAIN', value: readText(v, 'RFC8489 §14.16 ALTERNATE-DOMAIN', 255) };
    case ATTRIBUTE.USERHASH:
      // @implements RFC8489 P40L6
      exact(v, 32, 'RFC8489 §14.4 USERHASH');
      return { type: 'USERHASH', value: copyBytes(v) };
    case ATTRIBUTE['MESSAGE-INTEGRITY']:
      // @implements RFC8489 P40L18-P40L21
      exact(v, 20, 'RFC8489 §14.5 MESSAGE-INTEGRITY');
      return { type: 'MESSAGE-INTEGRITY', value: copyBytes(v) };
    case ATTRIBUTE['MESSAGE-INTEGRITY-SHA256']:
      // @implements RFC8489 P41L7-P41L9
      if (v.length < 16 || v.length > 32 || v.length % 4 !== 0)
        throw new AttributeError(`RFC8489 §14.6 MESSAGE-INTEGRITY-SHA256: ${v.length} bytes; it must be 16 to 32 and a multiple of 4`);
      return { type: 'MESSAGE-INTEGRITY-SHA256', value: copyBytes(v) };
    // @implements RFC8489 P41L42-P41L44
    case ATTRIBUTE.FINGERPRINT:
      exact(v, 4, 'RFC8489 §14.7 FINGERPRINT');
      return { type: 'FINGERPRINT', value: u32(v) };
    case ATTRIBUTE['ERROR-CODE']:
      return { type: 'ERROR-CODE', ...readErrorCode(v, 'RFC8489 §14.8 ERROR-CODE') };
    case ATTRIBUTE['UNKNOWN-ATTRIBUTES']: {
      // @implements RFC8489 P46L1-P46L2
      if (v.length % 2 !== 0) throw new AttributeError(`RFC8489 §14.13 UNKNOWN-ATTRIBUTES: ${v.length} bytes is not a list of 16-bit values`);
      const types: number[] = [];
      for (let i = 0; i < v.length; i += 2) types.push((v[i]! << 8) | v[i + 1]!);
      return { type: 'UNKNOWN-ATTRIBUTES', value: types };
    }
    // @implements RFC8489 P44L41-P44L43
    case ATTRIBUTE['PASSWORD-ALGORITHMS']:
      return { type: 'PASSWORD-ALGORITHMS', value: readAlgorithms(v, 'RFC8489 §14.11 PASSWORD-ALGORITHMS') };
    // @implements RFC8489 P45L25-P45L27
    case ATTRIBUTE['PASSWORD-ALGORITHM']: {
      const list = readAlgorithms(v, 'RFC8489 §14.12 PASSWORD-ALGORITHM');
      if (list.length !== 1) throw new AttributeError(`RFC8489 §14.12 PASSWORD-ALGORITHM: holds ${list.length} algorithms, not one`);
      return { type: 'PASSWORD-ALGORITHM', value: list[0]! };
    }
    // @implements RFC8656 P61L25-P61L29
    case ATTRIBUTE['CHANNEL-NUMBER']:
      exact(v, 4, 'RFC8656 §18.1 CHANNEL-NUMBER');
      return { type: 'CHANNEL-NUMBER', value: (v[0]! << 8) | v[1]! };
    // @implements RFC8656 P61L44-P61L46
    case ATTRIBUTE.LIFETIME:
      exact(v, 4, 'RFC8656 §18.2 LIFETIME');
      return { type: 'LIFETIME', value: u32(v) };
    // @implements RFC8656 P62L12-P62L15
    case ATTRIBUTE.DATA:
      return { type: 'DATA', value: copyBytes(v) };
    // @implements RFC8656 P62L30-P62L32, P62L42-P62L47, P64L26-P64L28
    case ATTRIBUTE['REQUESTED-ADDRESS-FAMILY']:
    case ATTRIBUTE['ADDITIONAL-ADDRESS-FAMILY']: {
      const name = type === ATTRIBUTE['REQUESTED-ADDRESS-FAMILY'] ? 'REQUESTED-ADDRESS-FAMILY' : 'ADDITIONAL-ADDRESS-FAMILY';
      const rule = `RFC8656 §18.${name === 'REQUESTED-ADDRESS-FAMILY' ? 6 : 11} ${name}`;
      exact(v, 4, rule);
      return { type: name, value: familyOf(v[0]!, rule) };
    }
    // @implements RFC8656 P63L5-P63L6, P63L16-P63L25
    case ATTRIBUTE['EVEN-PORT']:
      exact(v, 1, 'RFC8656 §18.7 EVEN-PORT');
      return { type: 'EVEN-PORT', value: (v[0]! & 0x80) !== 0 };
    // @implements RFC8656 P63L32-P63L34, P64L2-P64L3
    case ATTRIBUTE['REQUESTED-TRANSPORT']:
      exact(v, 4, 'RFC8656 §18.8 REQUESTED-TRANSPORT');
      return { type: 'REQUESTED-TRANSPORT', value: v[0]! };
    // @implements RFC8656 P64L10-P64L11
    case ATTRIBUTE['DONT-FRAGMENT']:
      exact(v, 0, 'RFC8656 §18.9 DONT-FRAGMENT');
      return { type: 'DONT-FRAGMENT' };
    // @implements RFC8656 P64L22
    case ATTRIBUTE['RESERVATION-TOKEN']:
      exact(v, 8, 'RFC8656 §18.10 RESERVATION-TOKEN');
      return { type: 'RESERVATION-TOKEN', value: copyBytes(v) };
    // @implements RFC8656 P64L35-P64L37, P65L1-P65L15
    case ATTRIBUTE['ADDRESS-ERROR-CODE']: {
      const rule = 'RFC8656 §18.12 ADDRESS-ERROR-CODE';
      if (v.length < 4) throw new AttributeError(`${rule}: ${v.length} bytes, shorter than family, class and number`);
      const family = familyOf(v[0]!, rule);
      const { code, reason } = readErrorCode(v, rule);
      return { type: 'ADDRESS-ERROR-CODE', family, code, reason };
    }
    // @implements RFC8656 P65L25-P65L26, P65L37-P65L46
    case ATTRIBUTE.ICMP:
      exact(v, 8, 'RFC8656 §18.13 ICMP');
      return { type: 'ICMP', icmpType: v[2]!, icmpCode: v[3]!, errorData: u32(v.subarray(4)) };
    // @implements RFC8489 P16L43-P16L45
    default:
      return { type: 'unknown', code: type, value: copyBytes(v) };
  }
}

/** The value bytes (without padding) of a typed attribute. */
export function writeAttribute(a: StunAttribute, transactionId: Uint8Array): Uint8Array {
  switch (a.type) {
    case 'MAPPED-ADDRESS':
    case 'ALTERNATE-SERVER':
      return writeAddress(a.value, false, transactionId);
    // @implements RFC8656 P62L5-P62L6, P62L25-P62L26
    case 'XOR-MAPPED-ADDRESS':
    case 'XOR-PEER-ADDRESS':
    case 'XOR-RELAYED-ADDRESS':
      return writeAddress(a.value, true, transactionId);
    case 'USERNAME': {
      const b = encoder.encode(a.value);
      // @implements RFC8489 P39L8-P39L9
      if (b.length >= 509) throw new Error(`RFC8489 §14.3 USERNAME: ${b.length} bytes; it must be fewer than 509`);
      return b;
    }
    case 'REALM':
    case 'NONCE':
    case 'SOFTWARE': {
      // @implements RFC8489 P44L10-P44L12, P44L26-P44L28, P46L25-P46L27
      if ([...a.value].length >= 128) throw new Error(`RFC8489 §14 ${a.type}: it must be fewer than 128 characters`);
      return encoder.encode(a.value);
    }
    case 'ALTERNATE-DOMAIN':
      // @implements RFC8489 P46L44-P46L46
      if (a.value.length > 255 || !/^[\x21-\x7e]*$/.test(a.value)) throw new Error('RFC8489 §14.16 ALTERNATE-DOMAIN: a DNS name of 255 or fewer ASCII characters');
      return encoder.encode(a.value);
    // @implements RFC8489 P40L6, P40L18-P40L21, P41L7-P41L9
    case 'USERHASH':
    case 'MESSAGE-INTEGRITY':
    case 'MESSAGE-INTEGRITY-SHA256':
    case 'DATA':
    case 'RESERVATION-TOKEN':
    case 'unknown':
      return a.value;
    case 'FINGERPRINT':
    case 'LIFETIME': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, a.value >>> 0);
      return out;
    }
    // @implements RFC8656 P61L25-P61L29
    case 'CHANNEL-NUMBER':
      return Uint8Array.of(a.value >> 8, a.value & 0xff, 0, 0);
    // @implements RFC8489 P43L5-P43L9
    case 'ERROR-CODE':
      return writeErrorCode(a.code, a.reason, 'RFC8489 §14.8 ERROR-CODE');
    // @implements RFC8656 P65L5-P65L6, P65L17-P65L21
    case 'ADDRESS-ERROR-CODE': {
      const out = writeErrorCode(a.code, a.reason, 'RFC8656 §18.12 ADDRESS-ERROR-CODE');
      out[0] = FAMILY[a.family];
      return out;
    }
    // @implements RFC8489 P46L1-P46L2
    case 'UNKNOWN-ATTRIBUTES': {
      const out = new Uint8Array(a.value.length * 2);
      a.value.forEach((t, i) => { out[i * 2] = t >> 8; out[i * 2 + 1] = t & 0xff; });
      return out;
    }
    case 'PASSWORD-ALGORITHMS':
      return writeAlgorithms(a.value);
    case 'PASSWORD-ALGORITHM':
      return writeAlgorithms([a.value]);
    // @implements RFC8656 P62L46-P62L47
    case 'REQUESTED-ADDRESS-FAMILY':
    case 'ADDITIONAL-ADDRESS-FAMILY':
      return Uint8Array.of(FAMILY[a.value], 0, 0, 0);
    // @implements RFC8656 P63L18-P63L25
    case 'EVEN-PORT':
      return Uint8Array.of(a.value ? 0x80 : 0);
    // @implements RFC8656 P64L2
    case 'REQUESTED-TRANSPORT':
      return Uint8Array.of(a.value, 0, 0, 0);
    case 'DONT-FRAGMENT':
      return new Uint8Array(0);
    // @implements RFC8656 P65L37, P66L5-P66L6
    case 'ICMP': {
      const out = new Uint8Array(8);
      out[2] = a.icmpType; out[3] = a.icmpCode;
      new DataView(out.buffer).setUint32(4, a.errorData >>> 0);
      return out;
    }
  }
}

export type { AttributeName };
