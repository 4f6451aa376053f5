/**
 * A.6: random identifiers. RFC 3550's routine hashes system state with MD5;
 * Node's CSPRNG is what the routine stands for ("this or a similar
 * routine") and better. The RTCP interval's randomisation is not drawn from
 * it: a plain PRNG is right there, predictability being no issue.
 */
import { randomBytes } from 'node:crypto';

/** A random unsigned 32-bit quantity. */
// @implements RFC3550 P85L39-P85L44, P86L11-P86L14, P59L18-P59L21
export const random32 = (): number => randomBytes(4).readUInt32BE(0);

/** The first sequence number and timestamp of a stream, and its SSRC: random, unpredictable. */
// @implements RFC3550 P14L25-P14L29, P15L5-P15L6, P16L12-P16L15
export function streamStart(): { ssrc: number; sequenceNumber: number; timestamp: number } {
  const b = randomBytes(10);
  return { ssrc: b.readUInt32BE(0), sequenceNumber: b.readUInt16BE(4), timestamp: b.readUInt32BE(6) };
}

/** drand48's stand-in for A.7: uniform in [0, 1). */
// @implements RFC3550 P86L15-P86L17
export const uniform = (): number => Math.random();
