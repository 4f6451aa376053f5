// @implements RFC8489 (STUN)
/**
 * The RTO a client starts a transaction to a server with (RFC 8489 §6.2.1):
 * an RFC 6298 estimate from the round-trip times of earlier transactions to
 * the same IP address, kept for 10 minutes after the last one.
 */

interface Estimate {
  srtt: number;
  rttvar: number;
  rto: number;
  last: number;
}

/** RFC 6298 §2's K and clock granularity G (1 ms, the accuracy §6.2.1 asks). */
const K = 4;
const G = 1;
// @implements RFC8489 P13L33-P13L34
const STALE_MS = 10 * 60 * 1000;

export class RtoCache {
  #byAddress = new Map<string, Estimate>();

  /**
   * `initial`: the RTO with no estimate; `floor`: the smallest RTO handed out
   * (an estimate from loopback would otherwise be well under a millisecond).
   * `maxServers` bounds the memory.
   */
  constructor(
    readonly initial = 500,
    readonly floor = 500,
    readonly maxServers = 1024,
  ) {}

  /** The RTO to start a transaction to `address` with, at `now` (ms). */
  rto(address: string, now: number): number {
    const e = this.#byAddress.get(address);
    // @implements RFC8489 P13L30-P13L34
    if (e === undefined || now - e.last > STALE_MS) {
      this.#byAddress.delete(address);
      return this.initial;
    }
    return e.rto;
  }

  /** A transaction to `address` ended at `now`: `rtt` its round trip, or undefined if the request was retransmitted. */
  completed(address: string, now: number, rtt: number | undefined): void {
    const e = this.#byAddress.get(address);
    // @implements RFC8489 P13L25-P13L28
    if (rtt === undefined) {
      if (e !== undefined) e.last = now;
      return;
    }
    let next: Estimate;
    if (e === undefined || now - e.last > STALE_MS) {
      next = { srtt: rtt, rttvar: rtt / 2, rto: 0, last: now };
    } else {
      const rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - rtt);
      next = { srtt: 0.875 * e.srtt + 0.125 * rtt, rttvar, rto: 0, last: now };
    }
    // @implements RFC8489 P13L16-P13L17, P13L23-P13L25
    next.rto = Math.max(this.floor, Math.ceil(next.srtt + Math.max(G, K * next.rttvar)));
    this.#byAddress.delete(address);
    this.#byAddress.set(address, next);
    if (this.#byAddress.size > this.maxServers) this.#byAddress.delete(this.#byAddress.keys().next().value!);
  }
}
