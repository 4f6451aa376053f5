// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * L16 (RFC 3551 §4.5.11): 16-bit two's complement samples, most significant
 * octet first. With more than one channel, the samples of one sampling
 * instant go in consecutive octets, lowest-numbered channel first (§4.1,
 * §4.3), which is what an interleaved Int16Array already holds.
 */

/** Interleaved 16-bit samples to an L16 payload in network byte order. */
// @implements RFC3551 P27L26-P27L30, P10L38-P10L40, P10L33-P10L35
export function encodeL16(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], false);
  return out;
}

/**
 * An L16 payload to interleaved samples. A payload that does not hold a
 * whole number of sampling instants (2 octets × channels) is refused: the
 * samples of one instant are never split across packets.
 */
// @implements RFC3551 P9L30-P9L31
export function decodeL16(payload: Uint8Array, channels = 1): Int16Array {
  const frame = 2 * channels;
  if (payload.length % frame !== 0) {
    throw new RangeError(
      `L16 payload of ${payload.length} octets is not a whole number of ${channels}-channel sampling instants (${frame} octets each): ` +
        `RFC 3551 §4.1 keeps all channels of an instant in one packet`,
    );
  }
  const out = new Int16Array(payload.length / 2);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  // @implements RFC3551 P27L26-P27L30
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, false);
  return out;
}
