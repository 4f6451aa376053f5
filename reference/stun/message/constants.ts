/**
 * The numbers of STUN: the magic cookie, the message classes, the methods and
 * the attribute types, named as RFC 8489 §5 and §18 (and RFC 8656 §18 for
 * TURN) name them.
 *
 * @implements RFC8489 (STUN)
 * @implements RFC8656 (TURN)
 */

// @implements RFC8489 P10L34-P10L35
export const MAGIC_COOKIE = 0x2112a442;

/** The 20-byte header (§5). */
// @implements RFC8489 P9L13-P9L15
export const HEADER_LENGTH = 20;

/** The four classes (§5: C1 C0 = 0b00 request, 0b01 indication, 0b10 success, 0b11 error). */
export type StunClass = 'request' | 'indication' | 'success' | 'error';

// @implements RFC8489 P10L15-P10L18
export const CLASS_BITS: Readonly<Record<StunClass, number>> = { request: 0b00, indication: 0b01, success: 0b10, error: 0b11 };
export const CLASS_OF_BITS: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

/** Methods (RFC 8489 §18.2, RFC 8656 §18). */
// @implements RFC8489 P54L24
export const Binding = 0x001;
export const Allocate = 0x003;
export const Refresh = 0x004;
export const Send = 0x006;
export const Data = 0x007;
export const CreatePermission = 0x008;
export const ChannelBind = 0x009;

/**
 * The classes each method permits: Binding all four (RFC 8489 §5); TURN's
 * methods request/response or indication only (RFC 8656 §17).
 */
// @implements RFC8489 P10L19-P10L22
// @implements RFC8656 P60L5-P60L23
export const PERMITTED_CLASSES: ReadonlyMap<number, readonly StunClass[]> = new Map<number, readonly StunClass[]>([
  [Binding, ['request', 'indication', 'success', 'error']],
  [Allocate, ['request', 'success', 'error']],
  [Refresh, ['request', 'success', 'error']],
  [Send, ['indication']],
  [Data, ['indication']],
  [CreatePermission, ['request', 'success', 'error']],
  [ChannelBind, ['request', 'success', 'error']],
]);

/** Whether a received message's class is one its method permits (false for a method this module does not know). */
// @implements RFC8489 P16L27-P16L29
export function isClassPermitted(method: number, cls: StunClass): boolean {
  return PERMITTED_CLASSES.get(method)?.includes(cls) ?? false;
}

/** Every attribute type this module knows, by the name the registries give it. */
// @implements RFC8489 P55L13-P55L33, P55L40-P55L47
export const ATTRIBUTE = {
  'MAPPED-ADDRESS': 0x0001,
  USERNAME: 0x0006,
  'MESSAGE-INTEGRITY': 0x0008,
  'ERROR-CODE': 0x0009,
  'UNKNOWN-ATTRIBUTES': 0x000a,
  'CHANNEL-NUMBER': 0x000c,
  LIFETIME: 0x000d,
  'XOR-PEER-ADDRESS': 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  'XOR-RELAYED-ADDRESS': 0x0016,
  'REQUESTED-ADDRESS-FAMILY': 0x0017,
  'EVEN-PORT': 0x0018,
  'REQUESTED-TRANSPORT': 0x0019,
  'DONT-FRAGMENT': 0x001a,
  'MESSAGE-INTEGRITY-SHA256': 0x001c,
  'PASSWORD-ALGORITHM': 0x001d,
  USERHASH: 0x001e,
  'XOR-MAPPED-ADDRESS': 0x0020,
  'RESERVATION-TOKEN': 0x0022,
  'ADDITIONAL-ADDRESS-FAMILY': 0x8000,
  'ADDRESS-ERROR-CODE': 0x8001,
  'PASSWORD-ALGORITHMS': 0x8002,
  'ALTERNATE-DOMAIN': 0x8003,
  ICMP: 0x8004,
  SOFTWARE: 0x8022,
  'ALTERNATE-SERVER': 0x8023,
  FINGERPRINT: 0x8028,
} as const;

export type AttributeName = keyof typeof ATTRIBUTE;

/** The name of a known attribute type, or undefined. */
export const ATTRIBUTE_NAME: ReadonlyMap<number, AttributeName> = new Map(
  (Object.entries(ATTRIBUTE) as [AttributeName, number][]).map(([name, type]) => [type, name]),
);

/**
 * Whether an attribute type is comprehension-required (0x0000-0x7FFF): an
 * agent cannot process the message unless it understands it; 0x8000-0xFFFF
 * are comprehension-optional.
 */
// @implements RFC8489 P36L48-P37L5
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/** Password algorithms (§18.5). */
// @implements RFC8489 P56L31-P56L33
export const PASSWORD_ALGORITHM = { MD5: 0x0001, 'SHA-256': 0x0002 } as const;

/** Address families (§14.1). */
// @implements RFC8489 P37L36-P37L39
export const FAMILY = { IPv4: 0x01, IPv6: 0x02 } as const;
export type Family = keyof typeof FAMILY;

/**
 * The largest STUN message to send in one UDP datagram: less than the path
 * MTU when known, else what fits 576 bytes (IPv4) or 1280 (IPv6) of IP
 * packet, less the IP (20 or 40) and UDP (8) headers. The sender enforces it
 * (encodeMessage's output length against this).
 */
// @implements RFC8489 P12L11-P12L19, P12L32-P12L33
export function maxUdpMessageSize(family: Family, pathMtu?: number): number {
  const ip = family === 'IPv4' ? 20 : 40;
  const packet = pathMtu ?? (family === 'IPv4' ? 576 : 1280);
  return packet - ip - 8;
}

/** The FINGERPRINT XOR constant (§14.7). */
// @implements RFC8489 P41L42-P41L44
export const FINGERPRINT_XOR = 0x5354554e;

/**
 * Whether a datagram's first byte says STUN when STUN, DTLS, RTP/RTCP and
 * others share one port: STUN is 0..3 (RFC 7983's first-byte rule, which
 * extends RFC 5764 §5.1.2; RFC 7983 is not in the mirror, so the rule is cited
 * here by RFC 8489's own statement of it).
 */
// @implements RFC8489 P9L31-P9L33
export function isStun(firstByte: number): boolean {
  return firstByte >= 0 && firstByte <= 3;
}
