/**
 * Nonce-count tracking: the server's copy of which nc values each nonce has been used with.
 *
 * A nonce lives until its lifetime ends; within it, each nc value may be seen
 * once. Seeing one twice is a replay. Out-of-order arrival (pipelining, UDP
 * retransmission paths) is allowed: only a repeat is refused.
 *
 * Memory is bounded: when full, the nonce that expires first is forgotten and
 * every nonce issued no later than it is from then on answered as stale, so
 * forgetting never lets a replay through.
 *
 * @implements RFC7616 (HTTP Digest)
 */

export type CountCheck = 'new' | 'replay' | 'forgotten';

export class NonceCounts {
  readonly #seen = new Map<string, { issuedAt: number; expiresAt: number; counts: Set<number> }>();
  /** Nonces issued at or before this time may have been forgotten. */
  #floor = -Infinity;

  constructor(readonly maxNonces = 100_000) {}

  /** Records that `nonce` was used with `nc`, unless that is a replay. */
  // @implements RFC7616 P10L26-P10L29
  record(nonce: string, nc: number, issuedAt: number, expiresAt: number, now: number): CountCheck {
    let entry = this.#seen.get(nonce);
    if (entry === undefined) {
      if (issuedAt <= this.#floor) return 'forgotten';
      if (this.#seen.size >= this.maxNonces) this.prune(now);
      if (this.#seen.size >= this.maxNonces) this.#evictSoonest();
      entry = { issuedAt, expiresAt, counts: new Set() };
      this.#seen.set(nonce, entry);
    }
    if (entry.counts.has(nc)) return 'replay';
    entry.counts.add(nc);
    return 'new';
  }

  /** Forgets nonces whose lifetime has ended; they are stale anyway. */
  // @implements RFC7616 P24L1-P24L6
  prune(now: number): void {
    for (const [nonce, entry] of this.#seen) if (entry.expiresAt <= now) this.#seen.delete(nonce);
  }

  get size(): number {
    return this.#seen.size;
  }

  #evictSoonest(): void {
    let soonest: string | undefined;
    for (const [nonce, entry] of this.#seen) {
      if (soonest === undefined || entry.expiresAt < this.#seen.get(soonest)!.expiresAt) soonest = nonce;
    }
    if (soonest === undefined) return;
    this.#floor = Math.max(this.#floor, this.#seen.get(soonest)!.issuedAt);
    this.#seen.delete(soonest);
  }
}
