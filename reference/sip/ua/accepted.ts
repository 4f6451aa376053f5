// @implements RFC3261 (SIP)
/**
 * The UAS core's 2xx retransmission (RFC 3261 §13.3.1.4). The INVITE server
 * transaction ends as soon as it sends a 2xx, so the UAS core itself passes
 * the 2xx to the transport again and again — after T1, 2*T1, 4*T1, … capped
 * at T2 — until the ACK arrives, and gives up after 64*T1.
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import type { TimerValues } from '../transaction/timers.ts';

export type AcceptedState = 'WaitingForAck' | 'Confirmed' | 'TimedOut' | 'Stopped';

export class Accepted2xx {
  state: AcceptedState = 'WaitingForAck';
  /** The interval of the next retransmission. */
  interval: number;
  /** How many times the 2xx was passed to the transport again. */
  retransmissions = 0;
  #retransmit: TimerHandle | undefined;
  #giveUp: TimerHandle | undefined;

  /**
   * Starts right after the 2xx was handed to the server transaction (its
   * first transmission). `send` passes the same 2xx to the transport again;
   * `timedOut` runs when 64*T1 pass without an ACK.
   */
  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerValues,
    private readonly send: () => void,
    private readonly timedOut: () => void,
  ) {
    // @implements RFC3261 P85L42-P85L45
    this.interval = timers.T1;
    this.#retransmit = clock.setTimer(this.interval, () => this.#fire());
    // @implements RFC3261 P86L6-P86L9
    this.#giveUp = clock.setTimer(64 * timers.T1, () => {
      this.#giveUp = undefined;
      if (this.state !== 'WaitingForAck') return;
      this.#stop('TimedOut');
      this.timedOut();
    });
  }

  #fire(): void {
    this.#retransmit = undefined;
    if (this.state !== 'WaitingForAck') return;
    this.send();
    this.retransmissions++;
    // @implements RFC3261 P85L42-P85L45
    this.interval = Math.min(2 * this.interval, this.timers.T2);
    this.#retransmit = this.clock.setTimer(this.interval, () => this.#fire());
  }

  /** The ACK for the 2xx arrived: retransmissions cease. */
  // @implements RFC3261 P85L45-P85L47
  acknowledged(): void {
    if (this.state === 'WaitingForAck') this.#stop('Confirmed');
  }

  /** A retransmitted INVITE arrived: the 2xx goes out again at once. */
  resend(): void {
    if (this.state === 'WaitingForAck') this.send();
  }

  /** Shutdown: no more retransmissions, no timeout. */
  stop(): void {
    if (this.state === 'WaitingForAck') this.#stop('Stopped');
  }

  #stop(state: AcceptedState): void {
    this.state = state;
    if (this.#retransmit !== undefined) this.clock.clearTimer(this.#retransmit);
    if (this.#giveUp !== undefined) this.clock.clearTimer(this.#giveUp);
    this.#retransmit = undefined;
    this.#giveUp = undefined;
  }
}
