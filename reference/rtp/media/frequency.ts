/**
 * The dominant frequency of some audio, for tests that say "what came out is
 * a 1000 Hz tone, ± 2 %". A Hann-windowed FFT of up to 2^16 samples from the
 * middle of the signal (its start and end may hold silence or a fade); the
 * strongest bin, refined between its neighbours by fitting a parabola to
 * their log magnitudes (the window makes a peak close to a Gaussian, whose
 * log is a parabola). At 8 kHz and 2^16 points a bin is 0.12 Hz.
 */

export interface Spectrum {
  /** The dominant frequency, Hz. */
  frequency: number;
  /** The share of the signal's energy within ±1 % of it (0..1): near 1 for a clean tone. */
  share: number;
}

/** The most samples analysed (memory and time stay bounded whatever the input's length). */
export const MAX_ANALYSED = 1 << 16;

export function dominantFrequency(samples: ArrayLike<number>, sampleRate: number): Spectrum {
  if (samples.length < 64) throw new RangeError(`${samples.length} samples are too few to find a frequency in (64 at least)`);
  const n = Math.min(samples.length, MAX_ANALYSED);
  const from = Math.floor((samples.length - n) / 2);
  let size = 1;
  while (size < n) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = samples[from + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  fft(re, im);
  const half = size / 2;
  const power = new Float64Array(half);
  let total = 0;
  let peak = 1;
  for (let k = 1; k < half; k++) {
    power[k] = re[k] * re[k] + im[k] * im[k];
    total += power[k];
    if (power[k] > power[peak]) peak = k;
  }
  if (total === 0) throw new RangeError('the signal is silent: it has no dominant frequency');
  const ln = (k: number) => Math.log(Math.max(power[k], Number.MIN_VALUE));
  let offset = 0;
  if (peak > 1 && peak < half - 1) {
    const a = ln(peak - 1), b = ln(peak), c = ln(peak + 1);
    const d = a - 2 * b + c;
    if (d < 0) offset = (0.5 * (a - c)) / d;
  }
  const frequency = ((peak + offset) * sampleRate) / size;
  let near = 0;
  for (let k = 1; k < half; k++) if (Math.abs((k * sampleRate) / size - frequency) <= Math.max(0.01 * frequency, (2 * sampleRate) / size)) near += power[k];
  return { frequency, share: near / total };
}

/** In-place iterative radix-2 FFT (length a power of two): bit-reversal, then butterflies of growing span. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let span = 2; span <= n; span *= 2) {
    const angle = (-2 * Math.PI) / span;
    const wr = Math.cos(angle), wi = Math.sin(angle);
    for (let start = 0; start < n; start += span) {
      let cr = 1, ci = 0;
      for (let k = 0; k < span / 2; k++) {
        const a = start + k, b = a + span / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
}
