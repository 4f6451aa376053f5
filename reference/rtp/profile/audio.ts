// @implements RFC3551 (RTP Profile for Audio and Video Conferences with Minimal Control)
/**
 * The encoding-independent audio rules of RFC 3551 §4.1 and §4.2 that a
 * sender and a receiver of sample-based audio apply: the marker bit, the
 * packetization interval, how much audio a packet may hold, and silence.
 */

/** The default packetization interval for the sample-based encodings (Table 1: 20 ms). */
// @implements RFC3551 P10L7-P10L9
export const DEFAULT_PACKET_MS = 20;

/** The sampling rates the profile names; a sender uses one of them. */
// @implements RFC3551 P9L35-P9L36
export const SAMPLING_RATES: readonly number[] = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000];

/** The most audio a receiver is asked to accept in one packet. */
export const MAX_PACKET_MS = 200;

/**
 * The marker bit of an audio packet. With silence suppression, the first
 * packet of a talkspurt carries it; without, no packet does.
 */
// @implements RFC3551 P8L26-P8L31, P8L33-P8L34
export function audioMarker(sender: { silenceSuppression: boolean }, firstOfTalkspurt: boolean): boolean {
  return sender.silenceSuppression && firstOfTalkspurt;
}

/** Samples per channel in one packet of `ms` milliseconds at `clockRate` (one of SAMPLING_RATES). */
// @implements RFC3551 P9L35-P9L36
export function samplesPerPacket(clockRate: number, ms = DEFAULT_PACKET_MS): number {
  if (!SAMPLING_RATES.includes(clockRate)) throw new RangeError(`${clockRate} Hz is not one of the sampling rates of RFC 3551 §4.1 (${SAMPLING_RATES.join(', ')})`);
  const n = (clockRate * ms) / 1000;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${ms} ms at ${clockRate} Hz is not a whole, positive number of samples`);
  return n;
}

/**
 * Whether a receiver takes a packet of `samples` sampling instants: anything
 * from 0 to 200 ms of audio. Any interval in that range is taken, not only
 * the 20 ms default.
 */
// @implements RFC3551 P10L14-P10L15, P9L47-P9L47
export function acceptsPacket(samples: number, clockRate: number): boolean {
  return samples >= 0 && samples * 1000 <= MAX_PACKET_MS * clockRate;
}

/**
 * The silence to play before a packet: the sampling instants between where
 * the previous packet's audio ended and where this one's begins (RTP
 * timestamps, modulo 2^32). A gap is silence suppression or loss, never an
 * error; a packet from the past (a reordered or late one) leaves no gap.
 */
// @implements RFC3551 P8L10-P8L12
export function silenceBefore(expectedTimestamp: number, timestamp: number): number {
  const gap = (timestamp - expectedTimestamp) >>> 0;
  return gap < 0x80000000 ? gap : 0;
}
