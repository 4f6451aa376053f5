// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * PCMU: G.711 μ-law (RFC 3551 §4.5.14). ITU-T G.711 itself is not an RFC;
 * the algorithm below is the textbook one, written out so it can be read:
 *
 * A 16-bit linear sample becomes a sign, a 3-bit segment (exponent) and a
 * 4-bit mantissa. The magnitude (14 significant bits) is offset by a bias of
 * 132 (0x84) so that every segment boundary falls on a power of two: segment
 * e then covers magnitudes whose highest set bit (after the bias) is bit
 * e + 7, and the mantissa is the next four bits below it. Each segment has
 * twice the step of the one before, which is the logarithmic scaling.
 * Finally every bit of the octet is inverted (so silence, a stream of
 * 0xFF, has many ones in it: the line code of the T1 systems μ-law came from).
 * The sign bit ends up as the octet's most significant bit: after inversion,
 * 1 means positive.
 */

/** The bias added to the magnitude before the segment is found. */
const BIAS = 0x84;
/** The largest magnitude that fits segment 7 once the bias is added (0x7FFF - 0x84). */
const CLIP = 32635;

/** One 16-bit linear sample (-32768..32767) to its μ-law octet. */
export function pcmuFromLinear(sample: number): number {
  // The sign goes in the octet's top bit (before inversion: 1 = negative).
  // @implements RFC3551 P28L26-P28L30
  const sign = sample < 0 ? 0x80 : 0x00;
  const magnitude = Math.min(sample < 0 ? -sample : sample, CLIP) + BIAS;
  // The segment is where the highest set bit is, counted from bit 7: the
  // biased magnitude is 132..32767, so its highest bit is bit 7..14.
  const segment = 31 - Math.clz32(magnitude) - 7;
  const mantissa = (magnitude >> (segment + 3)) & 0x0f;
  // Eight bits a sample, never fewer: the 56 and 48 kb/s modes are not for RTP.
  // @implements RFC3551 P28L22-P28L23, P28L30-P28L32
  return ~(sign | (segment << 4) | mantissa) & 0xff;
}

/**
 * A μ-law octet to its 16-bit linear sample: the middle of the interval the
 * code stands for (half a step is added back with the bias). 0xFF and 0x7F
 * both decode to 0 (μ-law has a positive and a negative zero).
 */
export function linearFromPcmu(octet: number): number {
  const u = ~octet & 0xff;
  const segment = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << segment) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

/** 16-bit linear samples to a PCMU payload, one octet per sample. */
// @implements RFC3551 P28L25-P28L26
export function encodePcmu(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = pcmuFromLinear(samples[i]);
  return out;
}

/** A PCMU payload to 16-bit linear samples. */
export function decodePcmu(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = linearFromPcmu(payload[i]);
  return out;
}
