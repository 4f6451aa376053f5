/**
 * What a receiver dropped and why. A parser never throws at the caller over
 * bytes that came off the network: it answers `{ ok: false, reason, detail }`
 * and the receiver counts the reason. Memory is bounded: one counter per
 * reason, and only the last few details are kept for a human to read.
 */

/** The answer of a parser of untrusted bytes. */
export type Parsed<T, R extends string> = { ok: true; value: T } | { ok: false; reason: R; detail: string };

export const dropped = <R extends string>(reason: R, detail: string): { ok: false; reason: R; detail: string } => ({ ok: false, reason, detail });

/** How many details `DropCounts` keeps (the newest). */
export const KEPT_DETAILS = 16;

export class DropCounts<R extends string = string> {
  readonly #counts = new Map<R, number>();
  readonly #recent: { reason: R; detail: string }[] = [];
  total = 0;

  count(reason: R, detail: string): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
    this.total++;
    this.#recent.push({ reason, detail });
    if (this.#recent.length > KEPT_DETAILS) this.#recent.shift();
  }

  get(reason: R): number {
    return this.#counts.get(reason) ?? 0;
  }

  /** The newest details, oldest first. */
  get recent(): readonly { reason: R; detail: string }[] {
    return this.#recent;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
