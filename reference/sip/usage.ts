/**
 * What every `npm run sip` command shares and the command table in cli.ts
 * builds on: `--listen`'s address, and (from tools/command.ts, the plumbing
 * every CLI of the project shares) the Command shape and UsageError (exit
 * 2); the timer, seconds and non-negative number options, and the wait
 * for SIGINT/SIGTERM. It imports no command, so the commands can all import
 * it without a cycle through cli.ts.
 */
import { isIP } from 'node:net';
import type { HostPort } from './transport/via.ts';
import { numberOption, UsageError } from '../../tools/command.ts';

export { UsageError, type Command } from '../../tools/command.ts';

/** `--listen`'s "ip:port" or "[v6]:port" → HostPort; the port is required (0 = any free one). */
export function parseListen(text: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--listen wants ip:port (e.g. 127.0.0.1:5070), got ${JSON.stringify(text)}`);
  const host = m[1] as string;
  const port = Number(m[2]);
  if (isIP(host) === 0) throw new UsageError(`--listen wants an IP address, got ${JSON.stringify(host)}`);
  if (port > 65535) throw new UsageError(`--listen port ${port} is out of range`);
  return { host, port };
}

/** `--t1`, `--t2`, `--t4`: the transaction timers (§17.1.1.1) in ms, for every command that runs transactions. */
export const timerOptions = {
  t1: { type: 'string' },
  t2: { type: 'string' },
  t4: { type: 'string' },
} as const;

/** A number-valued option that is any non-negative number (a timer, a duration, a port). */
export const nonNegativeOption = (values: Record<string, unknown>, name: string): number | undefined =>
  numberOption(values, name, 'a non-negative number', (n) => Number.isFinite(n) && n >= 0);

/** A number-valued option that is a whole number of seconds (an expiration). */
export const secondsOption = (values: Record<string, unknown>, name: string): number | undefined =>
  numberOption(values, name, 'a number of seconds', (n) => Number.isInteger(n) && n >= 0);

/** The timers given on the command line (the others keep their defaults). */
export function timerFlags(values: Record<string, unknown>): { T1?: number; T2?: number; T4?: number } {
  const timers: { T1?: number; T2?: number; T4?: number } = {};
  for (const name of ['T1', 'T2', 'T4'] as const) {
    const n = nonNegativeOption(values, name.toLowerCase());
    if (n !== undefined) timers[name] = n;
  }
  return timers;
}

/** Resolves with the first SIGINT or SIGTERM: how a command that runs until stopped waits. */
export function untilStopped(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
