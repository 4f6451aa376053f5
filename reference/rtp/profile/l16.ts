// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * L16 (RFC 3551 §4.5.11): 16-bit two's complement samples, most significant
 * octet first. With more than one channel, the samples of one sampling
 * instant go in consecutive octets, lowest-numbered channel first (§4.1,
 * §4.3), which is what an interleaved Int16Array already holds.
 */
// @exception RFC3551 P9L1-P9L4: at most the two channels of the static L16 payload type (left, then right); no channel layout beyond stereo

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
// @implements RFC3551 P9L30-P9L31, P9L40-P9L42
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

/**
 * One channel (1 = left) of interleaved samples: a receiver may play only
 * one channel of a multi-channel stream.
 */
// @implements RFC3551 P9L40-P9L42, P8L44-P8L46
export function channel(samples: Int16Array, channels: number, n: number): Int16Array {
  if (!Number.isInteger(n) || n < 1 || n > channels) throw new RangeError(`channel ${n} of ${channels}: channels are numbered from 1 (RFC 3551 §4.1)`);
  const out = new Int16Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + n - 1];
  return out;
}
