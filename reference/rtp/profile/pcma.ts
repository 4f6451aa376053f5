// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * PCMA: G.711 A-law (RFC 3551 §4.5.14). ITU-T G.711 itself is not an RFC;
 * the algorithm below is the textbook one, written out so it can be read:
 *
 * A 16-bit linear sample becomes a sign, a 3-bit segment and a 4-bit
 * mantissa, like μ-law, but with no bias: segment 0 and segment 1 share the
 * same step (16 in 16-bit units), and from there each segment doubles the
 * step (segment s ≥ 1 covers magnitudes 128·2^s up to 256·2^s). So the
 * quietest part of the curve is linear, and above it logarithmic.
 * The sign bit is 1 for positive. Then every even bit is inverted
 * (XOR 0x55), so that silence, 0xD5 and 0x55, is not a run of zeros
 * on the line.
 */

/** The even bits, inverted on the way out and on the way in. */
const EVEN_BITS = 0x55;

/** One 16-bit linear sample (-32768..32767) to its A-law octet. */
export function pcmaFromLinear(sample: number): number {
  // The sign goes in the octet's top bit, which the even-bit inversion leaves alone.
  // @implements RFC3551 P28L26-P28L30
  const sign = sample >= 0 ? 0x80 : 0x00;
  // Negative magnitudes count from -1 (one's complement, ~x = -x - 1), so that
  // -32768 still fits and each code's interval mirrors the positive one.
  const magnitude = sample >= 0 ? sample : ~sample;
  // Below 256 is segment 0; otherwise the segment is where the highest set
  // bit is, counted from bit 7 (256..511 is segment 1, ..., 16384.. is 7).
  const segment = magnitude < 256 ? 0 : 31 - Math.clz32(magnitude) - 7;
  const mantissa = (magnitude >> (segment === 0 ? 4 : segment + 3)) & 0x0f;
  // Eight bits a sample, never fewer: the 56 and 48 kb/s modes are not for RTP.
  // @implements RFC3551 P28L22-P28L23, P28L30-P28L32
  return (sign | (segment << 4) | mantissa) ^ EVEN_BITS;
}

/** An A-law octet to its 16-bit linear sample: the middle of the interval the code stands for. */
export function linearFromPcma(octet: number): number {
  const a = (octet ^ EVEN_BITS) & 0xff;
  const segment = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  // Half a step (8 in segment 0, 8·2^(s-1) above) puts the value mid-interval;
  // segments above 0 also carry the implied leading one (0x100).
  const magnitude = segment === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/** 16-bit linear samples to a PCMA payload, one octet per sample. */
// @implements RFC3551 P28L25-P28L26
export function encodePcma(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = pcmaFromLinear(samples[i]);
  return out;
}

/** A PCMA payload to 16-bit linear samples. */
export function decodePcma(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = linearFromPcma(payload[i]);
  return out;
}
