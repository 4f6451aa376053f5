/**
 * What the TURN client's lifetime machines (allocation.ts, permission.ts,
 * channel.ts) share: a step returns the next state and a list of actions; a
 * timer action is carried out on the shared clock (reference/clock.ts) by
 * `Machine`, which turns a fired timer back into an event; every other action
 * goes to the owner (the client, client.ts, which sends the request).
 *
 * Plumbing: the rules are the machines'; this file names no document.
 */
import type { Clock, TimerHandle } from '../../clock.ts';

export type TimerAction<T extends string> =
  | { do: 'startTimer'; timer: T; ms: number }
  | { do: 'stopTimer'; timer: T };

export interface Transition<S, A> {
  next: S;
  actions: A[];
}

/** An event the machine's state does not allow: named with both, loudly. */
export class RefusedEvent extends Error {
  constructor(readonly machine: string, readonly state: string, readonly event: string, rule: string) {
    super(`${machine}: event ${event} is not allowed in state ${state} (${rule})`);
  }
}

export function never(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}

/**
 * Runs one pure machine on a clock: `dispatch` steps it, timer actions start
 * and stop clock timers (a fired timer is dispatched as `timerEvent(name)`),
 * every other action goes to `act`. Events raised while a step's actions run
 * are queued, so every step sees the state the previous one left.
 */
export class Machine<S extends { name: string }, E, A extends { do: string }, T extends string> {
  #state: S;
  #timers = new Map<T, TimerHandle>();
  #queue: E[] = [];
  #busy = false;

  constructor(
    start: Transition<S, A | TimerAction<T>>,
    private readonly step: (s: S, e: E) => Transition<S, A | TimerAction<T>>,
    private readonly env: { clock: Clock; timerEvent: (timer: T) => E; act: (action: A) => void },
  ) {
    this.#state = start.next;
    this.#run(start.actions);
  }

  get state(): S {
    return this.#state;
  }

  dispatch(event: E): void {
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let e = this.#queue.shift(); e !== undefined; e = this.#queue.shift()) {
        const { next, actions } = this.step(this.#state, e);
        this.#state = next;
        this.#run(actions);
      }
    } finally {
      this.#busy = false;
      this.#queue.length = 0;
    }
  }

  /** Stops every timer (the owner is done with the machine). */
  stop(): void {
    for (const handle of this.#timers.values()) this.env.clock.clearTimer(handle);
    this.#timers.clear();
  }

  /** The timers running now, by name (tests read the schedule through the clock). */
  get timers(): T[] {
    return [...this.#timers.keys()];
  }

  #run(actions: (A | TimerAction<T>)[]): void {
    for (const action of actions) {
      if (isTimer<T>(action)) {
        const old = this.#timers.get(action.timer);
        if (old !== undefined) this.env.clock.clearTimer(old);
        this.#timers.delete(action.timer);
        if (action.do === 'startTimer') {
          const timer = action.timer;
          this.#timers.set(timer, this.env.clock.setTimer(action.ms, () => {
            this.#timers.delete(timer);
            this.dispatch(this.env.timerEvent(timer));
          }));
        }
      } else {
        this.env.act(action as A);
      }
    }
  }
}

/**
 * Promises on a condition over the machines' states: `until(done)` resolves
 * once `done()` is true (rejects when it throws), checked now and at each
 * `wake()` (the owner wakes them after each answer it feeds a machine).
 */
export class Waiters {
  #all = new Set<() => void>();

  until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        try {
          if (!done()) return;
          this.#all.delete(check);
          resolve();
        } catch (e) {
          this.#all.delete(check);
          reject(e);
        }
      };
      this.#all.add(check);
      check();
    });
  }

  wake(): void {
    for (const w of [...this.#all]) w();
  }
}

function isTimer<T extends string>(a: { do: string }): a is TimerAction<T> {
  return a.do === 'startTimer' || a.do === 'stopTimer';
}
