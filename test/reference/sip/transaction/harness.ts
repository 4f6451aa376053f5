/** Test harness: runs a transaction machine on a FakeClock and records what it does, with times. */
import { FakeClock } from '../../../../reference/clock.ts';
import { TransactionDriver } from '../../../../reference/sip/transaction/driver.ts';
import type { Transition } from '../../../../reference/sip/transaction/actions.ts';

export interface Log {
  sent: [number, string][];
  toTU: [number, string][];
  failures: [number, string][];
  terminatedAt?: number;
}

export function run<T extends { state: string }, E extends { type: string }>(
  start: Transition<T, string>,
  step: (tx: T, e: E) => Transition<T, string>,
  opts: { failSend?: (m: string) => boolean } = {},
) {
  const clock = new FakeClock();
  const log: Log = { sent: [], toTU: [], failures: [] };
  const driver = new TransactionDriver<T, E, string>(start, step, {
    clock,
    send(m) {
      if (opts.failSend?.(m)) throw new Error('unreachable');
      log.sent.push([clock.now(), m]);
    },
    buildAck: (response) => `ACK for ${response}`,
    tu: {
      receive: (m) => log.toTU.push([clock.now(), m]),
      failure: (f) => log.failures.push([clock.now(), f]),
    },
    terminated: () => {
      log.terminatedAt = clock.now();
    },
  });
  return { clock, log, driver };
}

/** The times at which `message` was handed to the transport. */
export const times = (log: Log, message: string) => log.sent.filter(([, m]) => m === message).map(([t]) => t);
