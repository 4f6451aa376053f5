/**
 * Runs one pure transaction machine (inviteClient.ts, nonInviteClient.ts,
 * inviteServer.ts, nonInviteServer.ts) against a clock and a transport: it
 * carries out the actions each step returns, turns fired timers into
 * `Timer<X>` events and failed sends into `TransportError` events, and
 * destroys the transaction the instant it reaches Terminated.
 *
 * Plumbing: the rules (which event does what in which state) are the
 * machines'; this file only carries out what they return, so it names no
 * document it implements. Its one rule, forgetting a transaction the moment
 * it terminates, is tagged where it is done.
 */
import type { Action, Failure, Transition } from './actions.ts';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { TimerName } from './timers.ts';

export interface DriverEnv<M> {
  clock: Clock;
  /** Hands a message to the transport; a throw or a rejected promise is a transport error. */
  send(message: M): void | Promise<void>;
  /** INVITE client only: the ACK for a non-2xx final response (§17.1.1.3). */
  buildAck?(response: M): M;
  /** The transaction user. */
  tu: {
    receive(message: M): void;
    failure(failure: Failure): void;
  };
  /** Called once, when the machine enters Terminated (the owner forgets the transaction). */
  terminated(): void;
}

type MachineEvent = { type: string };

export class TransactionDriver<T extends { state: string }, E extends MachineEvent, M> {
  #tx: T;
  #timers = new Map<TimerName, TimerHandle>();
  #queue: E[] = [];
  #busy = false;
  #destroyed = false;

  /**
   * Carries out the start transition at once, unless `deferStart` is set, in
   * which case `begin()` does (so an owner can finish wiring itself up before
   * the first action, e.g. passing the request to the TU, runs).
   */
  constructor(
    private readonly start: Transition<T, M>,
    private readonly step: (tx: T, event: E) => Transition<T, M>,
    private readonly env: DriverEnv<M>,
    deferStart = false,
  ) {
    this.#tx = start.next;
    if (!deferStart) this.begin();
  }

  begin(): void {
    this.#busy = true;
    try {
      this.#apply(this.start);
    } finally {
      this.#busy = false;
    }
    this.#drain();
  }

  /** The machine's state; 'Terminated' too once the transaction was abandoned. */
  get state(): T['state'] {
    return this.#destroyed ? ('Terminated' as T['state']) : this.#tx.state;
  }

  /**
   * Feeds one event. Events raised while a step is being carried out (a TU
   * answering synchronously, a send failing at once) are queued and run after
   * it, so every step sees the state the previous one left.
   */
  dispatch(event: E): void {
    if (this.#destroyed) return;
    this.#queue.push(event);
    this.#drain();
  }

  #drain(): void {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#destroyed) {
        this.#apply(this.step(this.#tx, this.#queue.shift() as E));
      }
    } finally {
      this.#busy = false;
    }
  }

  #apply(transition: Transition<T, M>): void {
    this.#tx = transition.next;
    for (const action of transition.actions) this.#do(action);
    if (this.#tx.state === 'Terminated') this.#destroy();
  }

  #do(action: Action<M>): void {
    switch (action.do) {
      case 'send':
        this.#send(action.message);
        return;
      case 'sendAck': {
        if (this.env.buildAck === undefined) throw new Error('sendAck needs buildAck (INVITE client transactions only)');
        this.#send(this.env.buildAck(action.response));
        return;
      }
      case 'passToTU':
        this.env.tu.receive(action.message);
        return;
      case 'informTU':
        this.env.tu.failure(action.failure);
        return;
      case 'startTimer': {
        this.#stopTimer(action.timer);
        const timer = action.timer;
        const handle = this.env.clock.setTimer(action.ms, () => {
          this.#timers.delete(timer);
          this.dispatch({ type: `Timer${timer}` } as E);
        });
        this.#timers.set(timer, handle);
        return;
      }
      case 'stopTimer':
        this.#stopTimer(action.timer);
        return;
    }
  }

  #send(message: M): void {
    const transportError = () => this.dispatch({ type: 'TransportError' } as E);
    try {
      const pending = this.env.send(message);
      if (pending instanceof Promise) pending.catch(transportError);
    } catch {
      transportError();
    }
  }

  #stopTimer(timer: TimerName): void {
    const handle = this.#timers.get(timer);
    if (handle === undefined) return;
    this.env.clock.clearTimer(handle);
    this.#timers.delete(timer);
  }

  // @implements RFC3261 P129L7-P129L8, P132L8-P132L9, P137L8-P137L9, P137L47-P137L48
  #destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const handle of this.#timers.values()) this.env.clock.clearTimer(handle);
    this.#timers.clear();
    this.#queue = [];
    this.env.terminated();
  }

  /** Stops the transaction without a transition (layer shutdown): timers cleared, nothing sent. */
  abandon(): void {
    this.#destroy();
  }
}
