// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * The static audio payload types this reference sends and receives (RFC 3551
 * §6, Table 4), and the rule for any other rate or channel count: a dynamic
 * payload type, which only signalling (SDP) can define.
 */
// @exception RFC3551 P11L11-P11L11, P11L14-P11L16, P11L18-P11L19: no frame-based codec is implemented here (only the sample-based PCMU, PCMA and L16)
// @exception RFC3551 P13L33-P13L35: DVI4 is not implemented
// @exception RFC3551 P15L3-P15L5: G723 is not implemented
// @exception RFC3551 P18L27-P18L29, P18L32-P18L37, P18L40-P18L40: G726 is not implemented
// @exception RFC3551 P20L38-P20L39, P22L20-P22L22: G729, G729D and G729E are not implemented, so there are no comfort noise frames of theirs to accept

export type Encoding = 'PCMU' | 'PCMA' | 'G722' | 'L16' | 'CN';

export interface PayloadType {
  pt: number;
  encoding: Encoding;
  /** Table 4's "media type": these are all audio. */
  mediaType: 'A';
  /** The RTP timestamp clock rate in Hz. */
  clockRate: number;
  channels: number;
}

/**
 * The rows of Table 4 for the encodings implemented here. G722's clock rate
 * is 8,000 Hz although it samples at 16,000 Hz: RFC 1890 assigned it so and
 * it stays for backward compatibility (§4.5.2). CN is RFC 3389's comfort noise.
 */
// @implements RFC3551 P33L1-P33L4, P33L12-P33L15, P33L17, P14L10-P14L14, P32L29-P32L30
export const STATIC_PAYLOAD_TYPES: readonly PayloadType[] = [
  { pt: 0, encoding: 'PCMU', mediaType: 'A', clockRate: 8000, channels: 1 },
  { pt: 8, encoding: 'PCMA', mediaType: 'A', clockRate: 8000, channels: 1 },
  { pt: 9, encoding: 'G722', mediaType: 'A', clockRate: 8000, channels: 1 },
  { pt: 10, encoding: 'L16', mediaType: 'A', clockRate: 44100, channels: 2 },
  { pt: 11, encoding: 'L16', mediaType: 'A', clockRate: 44100, channels: 1 },
  { pt: 13, encoding: 'CN', mediaType: 'A', clockRate: 8000, channels: 1 },
];

/** The payload types a conference control protocol may define (§6). */
// @implements RFC3551 P32L16-P32L19
export const DYNAMIC_PAYLOAD_TYPES = { first: 96, last: 127 } as const;

export function isDynamic(pt: number): boolean {
  return Number.isInteger(pt) && pt >= DYNAMIC_PAYLOAD_TYPES.first && pt <= DYNAMIC_PAYLOAD_TYPES.last;
}

/** Table 4's row for a static payload type, or undefined (dynamic, reserved, unassigned, or not implemented here). */
export function staticPayloadType(pt: number): PayloadType | undefined {
  return STATIC_PAYLOAD_TYPES.find((t) => t.pt === pt);
}

/**
 * The static payload type of an encoding at a clock rate and channel count.
 * Any other combination has none: it needs a dynamic payload type defined by
 * signalling, which names the clock rate, so this refuses rather than guess.
 */
// @implements RFC3551 P12L37-P12L41
export function staticPayloadTypeFor(encoding: Encoding, clockRate: number, channels = 1): PayloadType {
  const t = STATIC_PAYLOAD_TYPES.find((x) => x.encoding === encoding && x.clockRate === clockRate && x.channels === channels);
  if (t) return t;
  throw new RangeError(
    `${encoding} at ${clockRate} Hz, ${channels} channel(s) has no static payload type (RFC 3551 §4.5, Table 4): ` +
      `a dynamic payload type (${DYNAMIC_PAYLOAD_TYPES.first}-${DYNAMIC_PAYLOAD_TYPES.last}) naming the clock rate must be defined by signalling`,
  );
}
