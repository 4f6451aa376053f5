/**
 * The octets a stream has delivered and no one has taken yet, in one
 * buffer: plumbing for framing.ts (no rule of its own).
 */

const EMPTY = new Uint8Array(0);
/** A buffer larger than this is let go once it holds no octets, so one big message does not pin memory. */
const KEEP_BYTES = 64 * 1024;

export class StreamBuffer {
  #buffer: Uint8Array = EMPTY;
  /** The octets held are #buffer[#start, #end). */
  #start = 0;
  #end = 0;

  /** Octets the buffer can hold now (what it pins in memory). */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Octets held. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** The octets held, without a copy (valid until the next change). */
  view(): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#end);
  }

  /**
   * Appends in amortized constant time per octet: compact when half is free,
   * else grow: by doubling while the message's length (`total`, -1 while
   * unknown) is unknown (so at most twice the header limit and a chunk), then
   * to exactly what the message and this chunk need, so a large body is
   * never held twice.
   */
  append(chunk: Uint8Array, total: number): void {
    const live = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = live + chunk.length;
      if (needed <= this.#buffer.length >> 1) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(total >= 0 ? Math.max(total, needed) : Math.max(2 * needed, 4096));
        grown.set(this.#buffer.subarray(this.#start, this.#end), 0);
        this.#buffer = grown;
      }
      this.#start = 0;
      this.#end = live;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * The first n octets, taken out: a copy, except that a large buffer
   * holding exactly those octets is handed out as it lies.
   */
  take(n: number): Uint8Array {
    if (this.length === n && this.#buffer.length > KEEP_BYTES) {
      const whole = this.#buffer.subarray(this.#start, this.#end);
      this.clear();
      return whole;
    }
    const out = this.#buffer.slice(this.#start, this.#start + n);
    this.skip(n);
    return out;
  }

  /** Drops the first n octets. */
  skip(n: number): void {
    this.#start += n;
    this.#releaseIfEmpty();
  }

  /** Drops everything and lets the buffer go. */
  clear(): void {
    this.#buffer = EMPTY;
    this.#start = this.#end = 0;
  }

  #releaseIfEmpty(): void {
    if (this.#start !== this.#end) return;
    this.#start = this.#end = 0;
    if (this.#buffer.length > KEEP_BYTES) this.#buffer = EMPTY;
  }
}
