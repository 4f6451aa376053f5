/**
 * Test signals: a sine tone, or the sum of a few (a DTMF digit is two), as
 * 16-bit samples. What the RTP tools send when no file is given, and what
 * their tests send to see the same frequency come out the other end.
 */

export interface ToneOptions {
  sampleRate?: number;
  /** Peak amplitude of the sum, 0..1 of full scale (default 0.5: -6 dBFS). */
  amplitude?: number;
}

/** `seconds` of the sum of sines at `frequencies` (Hz), equal in level. */
export function tone(frequencies: number | readonly number[], seconds: number, options: ToneOptions = {}): Int16Array {
  const sampleRate = options.sampleRate ?? 8000;
  const amplitude = options.amplitude ?? 0.5;
  const fs = typeof frequencies === 'number' ? [frequencies] : frequencies;
  if (fs.length === 0 || fs.some((f) => !(f > 0 && f < sampleRate / 2))) {
    throw new RangeError(`tone frequencies ${fs.join(', ')} Hz: each must be above 0 and below half the sample rate (${sampleRate / 2} Hz)`);
  }
  if (!(amplitude > 0 && amplitude <= 1)) throw new RangeError(`tone amplitude ${amplitude} is not in (0, 1]`);
  if (!(seconds >= 0)) throw new RangeError(`tone length ${seconds} s is not a length`);
  const out = new Int16Array(Math.round(seconds * sampleRate));
  const peak = (amplitude * 32767) / fs.length;
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (const f of fs) v += Math.sin((2 * Math.PI * f * i) / sampleRate);
    out[i] = Math.round(peak * v);
  }
  return out;
}
