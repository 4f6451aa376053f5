// @implements RFC3261 (SIP)
/**
 * What a transaction state machine asks its surroundings to do. The machines
 * in this folder are pure: given a state and an event they return the next
 * state and a list of these actions, and a driver (driver.ts) carries them out
 * against a clock and a transport. `M` is the message type; the machines never
 * look inside a message, the layer classifies it before it becomes an event.
 */
import type { TimerName } from './timers.ts';

/** Why a transaction tells its TU it failed. */
export type Failure = 'timeout' | 'transportError';

export type Action<M> =
  /** Pass this message to the transport layer (a first send or a retransmission). */
  | { do: 'send'; message: M }
  /** INVITE client only: build the ACK for this non-2xx final response and send it (§17.1.1.3). */
  | { do: 'sendAck'; response: M }
  /** Deliver a request (server) or response (client) to the transaction user. */
  | { do: 'passToTU'; message: M }
  | { do: 'informTU'; failure: Failure }
  | { do: 'startTimer'; timer: TimerName; ms: number }
  | { do: 'stopTimer'; timer: TimerName };

/** The result of one step of a machine. */
export interface Transition<T, M> {
  next: T;
  actions: Action<M>[];
}

/**
 * A retransmission timer fired: send the message again and restart the timer
 * with its next interval (the "Timer X fires / send" arrows of Figures 5-7).
 */
export function retransmit<T, M>(next: T, message: M, timer: TimerName, ms: number): Transition<T, M> {
  return { next, actions: [{ do: 'send', message }, { do: 'startTimer', timer, ms }] };
}

/** Sorts a status code into the response classes the figures label their arrows with. */
export function statusClass(status: number): '1xx' | '2xx' | '300-699' {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new RangeError(`status code ${status} is not in 100-699`);
  }
  if (status < 200) return '1xx';
  if (status < 300) return '2xx';
  return '300-699';
}
