/**
 * Time as the protocols see it (SIP's transaction and transport timers,
 * RTCP's transmission interval): a clock that can start and cancel
 * timers. `systemClock` uses the event loop; `FakeClock` is advanced by hand so
 * tests can check a retransmission schedule to the millisecond without waiting.
 */

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimer(ms: number, fire: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const systemClock: Clock = (() => {
  const live = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;
  return {
    now: () => performance.now(),
    setTimer(ms, fire) {
      const id = nextId++;
      live.set(id, setTimeout(() => { live.delete(id); fire(); }, ms));
      return { id };
    },
    clearTimer(handle) {
      clearTimeout(live.get(handle.id));
      live.delete(handle.id);
    },
  };
})();

interface Pending {
  id: number;
  due: number;
  fire: () => void;
}

export class FakeClock implements Clock {
  #now = 0;
  #nextId = 1;
  #pending: Pending[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fire: () => void): TimerHandle {
    if (!(ms >= 0)) throw new RangeError(`timer duration must be >= 0 ms, got ${ms}`);
    const id = this.#nextId++;
    this.#pending.push({ id, due: this.#now + ms, fire });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#pending = this.#pending.filter((p) => p.id !== handle.id);
  }

  /** Number of timers still waiting to fire. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way,
   * in due order (ties in the order they were set), each with `now()` equal to
   * its due time. Timers set by a firing timer fire too if they fall in range.
   */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let first: Pending | undefined;
      for (const p of this.#pending) {
        if (p.due <= end && (first === undefined || p.due < first.due || (p.due === first.due && p.id < first.id))) first = p;
      }
      if (first === undefined) break;
      this.#pending = this.#pending.filter((p) => p !== first);
      this.#now = first.due;
      first.fire();
    }
    this.#now = end;
  }
}
