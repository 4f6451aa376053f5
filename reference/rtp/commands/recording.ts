/**
 * What `rtp receive` writes to its WAV file: every source's played-out
 * audio mixed onto one timeline (sample 0 being the first sample played),
 * silence where nothing played (a lost packet, a digit sent as an event).
 * Memory is bounded: samples are kept in one-second chunks, allocated as
 * audio lands in them, and nothing at or past `maxSamples` is kept.
 */
export class Recording {
  readonly #chunks = new Map<number, Int16Array>();
  #end = 0;
  /** Samples that fell outside [0, maxSamples) and were not kept. */
  outside = 0;
  /** Samples whose sum with another source's was clipped. */
  clipped = 0;

  constructor(
    readonly rate: number,
    readonly maxSamples: number,
  ) {}

  /** Adds `samples` at sample `at` (saturating: two loud sources clip, not wrap). */
  mix(at: number, samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      const n = at + i;
      if (n < 0 || n >= this.maxSamples) {
        this.outside++;
        continue;
      }
      const c = Math.floor(n / this.rate);
      let chunk = this.#chunks.get(c);
      if (!chunk) this.#chunks.set(c, (chunk = new Int16Array(this.rate)));
      const sum = chunk[n - c * this.rate]! + samples[i]!;
      if (sum > 32767 || sum < -32768) this.clipped++;
      chunk[n - c * this.rate] = Math.max(-32768, Math.min(32767, sum));
      if (n + 1 > this.#end) this.#end = n + 1;
    }
  }

  get length(): number {
    return this.#end;
  }

  samples(): Int16Array {
    const out = new Int16Array(this.#end);
    for (const [c, chunk] of this.#chunks) out.set(chunk.subarray(0, Math.max(0, Math.min(this.rate, this.#end - c * this.rate))), c * this.rate);
    return out;
  }
}
