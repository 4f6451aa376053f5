/**
 * Runs one of the TURN client's lifetime machines on a FakeClock and records
 * every action it asks of its owner with the clock's time, so a test can read
 * the schedule (what was sent when) and the states it went through.
 */
import { FakeClock } from '../../../../reference/clock.ts';
import { Machine, type TimerAction, type Transition } from '../../../../reference/stun/turn/machine.ts';

export interface Run<S extends { name: string }, E, A extends { do: string }, T extends string> {
  clock: FakeClock;
  machine: Machine<S, E, A, T>;
  /** [time, action] for each non-timer action. */
  acts: [number, A][];
}

export function run<S extends { name: string }, E, A extends { do: string }, T extends string>(
  start: (clock: FakeClock) => Transition<S, A | TimerAction<T>>,
  step: (s: S, e: E) => Transition<S, A | TimerAction<T>>,
  timerEvent: (timer: T) => E,
): Run<S, E, A, T> {
  const clock = new FakeClock();
  const acts: [number, A][] = [];
  const machine = new Machine<S, E, A, T>(start(clock), step, { clock, timerEvent, act: (a) => acts.push([clock.now(), a]) });
  return { clock, machine, acts };
}

/** The times at which actions of kind `what` were asked for. */
export const when = <A extends { do: string }>(acts: [number, A][], what: A['do']): number[] => acts.filter(([, a]) => a.do === what).map(([t]) => t);

/** Capitalised timer name → its event type: 'refresh' → 'RefreshTimer'. */
export const timerEvent = <T extends string>(timer: T) => ({ type: `${timer[0].toUpperCase()}${timer.slice(1)}Timer` }) as never;
