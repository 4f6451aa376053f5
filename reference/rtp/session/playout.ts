/**
 * A small playout (jitter) buffer: packets of one source go in as they
 * arrive, in any order, and come out in sequence order at the media clock:
 * a packet with timestamp T plays at the first packet's arrival + the
 * playout delay + (T - T0) / clock rate. A packet that arrives after its
 * time (as of the last `pop`), or behind one already played, is late and
 * refused; a gap in the sequence played over is missing (lost, or late).
 * Memory is bounded by `capacity` packets.
 *
 * RFC 3550 leaves playout to the application (§6.4.4 speaks of the
 * "receiver buffer"): this is one simple way, reading the timestamps as §5.1
 * says they mean, the sampling instant of the first octet.
 */

export interface Playable {
  sequenceNumber: number;
  timestamp: number;
  payload: Uint8Array;
}

export type PushVerdict = 'queued' | 'late' | 'duplicate' | 'overflow';

export interface PlayoutOptions {
  clockRate: number;
  /** How long after the first packet's arrival it plays (ms): the room later packets have to be late in. */
  delayMs: number;
  /** Packets held at most; a packet past it is refused as 'overflow'. Default 64. */
  capacity?: number;
}

/** a - b for 16-bit sequence numbers, as a signed difference. */
const seqDiff = (a: number, b: number): number => (((a - b) & 0xffff) << 16) >> 16;
/** a - b for 32-bit timestamps, signed. */
const tsDiff = (a: number, b: number): number => (a - b) | 0;

export class PlayoutBuffer<P extends Playable = Playable> {
  readonly counts = { queued: 0, played: 0, late: 0, duplicates: 0, overflow: 0, missing: 0 };
  /** Queued packets in sequence order, from nextSeq on. */
  #queue: P[] = [];
  #nextSeq: number | undefined;
  #anchor: { timestamp: number; atMs: number } | undefined;
  #playedAny = false;
  #lastPop = -Infinity;

  constructor(readonly options: PlayoutOptions) {
    if (!(options.clockRate > 0)) throw new RangeError(`playout: clock rate ${options.clockRate} must be positive`);
    if (!(options.delayMs >= 0)) throw new RangeError(`playout: delay ${options.delayMs} ms must be >= 0`);
  }

  get size(): number {
    return this.#queue.length;
  }

  /** When (ms) a packet with this timestamp plays. */
  // @implements RFC3550 P14L32-P14L36, P15L14-P15L17
  playAt(timestamp: number): number {
    if (!this.#anchor) throw new Error('playout: no packet yet, so no media clock');
    return this.#anchor.atMs + this.options.delayMs + (tsDiff(timestamp, this.#anchor.timestamp) * 1000) / this.options.clockRate;
  }

  push(p: P, arrivalMs: number): PushVerdict {
    this.#anchor ??= { timestamp: p.timestamp, atMs: arrivalMs };
    this.#nextSeq ??= p.sequenceNumber;
    let d = seqDiff(p.sequenceNumber, this.#nextSeq);
    if (d < 0 && !this.#playedAny) {
      // Reordered before anything played: it still has its turn.
      this.#nextSeq = p.sequenceNumber;
      d = 0;
    }
    if (d < 0 || this.playAt(p.timestamp) < this.#lastPop) return this.#count('late');
    let i = 0;
    while (i < this.#queue.length && seqDiff(this.#queue[i].sequenceNumber, this.#nextSeq) < seqDiff(p.sequenceNumber, this.#nextSeq)) i++;
    if (i < this.#queue.length && this.#queue[i].sequenceNumber === p.sequenceNumber) return this.#count('duplicates', 'duplicate');
    if (this.#queue.length >= (this.options.capacity ?? 64)) return this.#count('overflow');
    this.#queue.splice(i, 0, p);
    return this.#count('queued');
  }

  /** The packets whose time has come by `nowMs`, in sequence order; gaps skipped over are counted missing. */
  pop(nowMs: number): P[] {
    const out: P[] = [];
    this.#lastPop = Math.max(this.#lastPop, nowMs);
    while (this.#queue.length && this.playAt(this.#queue[0].timestamp) <= nowMs) {
      const p = this.#queue.shift()!;
      this.counts.missing += Math.max(0, seqDiff(p.sequenceNumber, this.#nextSeq!));
      this.#nextSeq = (p.sequenceNumber + 1) & 0xffff;
      this.#playedAny = true;
      this.counts.played++;
      out.push(p);
    }
    return out;
  }

  #count(what: 'queued' | 'late' | 'duplicates' | 'overflow', verdict: PushVerdict = what as PushVerdict): PushVerdict {
    this.counts[what]++;
    return verdict;
  }
}
