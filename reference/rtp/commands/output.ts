/**
 * What `rtp send` and `rtp receive` share in printing and ending: JSON,
 * SSRCs in hex, fractions lost as per cent, files written where a flag
 * says, and Ctrl-C (or SIGTERM) ending a run cleanly: a BYE sent, the
 * report printed, exit 130 (143).
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../../../tools/command.ts';

export const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

export const hex = (ssrc: number): string => `0x${ssrc.toString(16).padStart(8, '0')}`;

/** A fraction lost in 1/256 (RFC 3550 §6.4.1) as per cent. */
export const percent = (fraction256: number): string => `${((fraction256 * 100) / 256).toFixed(1)} %`;

/** Writes `text` (or bytes) to the file a flag names; a file that cannot be written is a usage error naming the flag. */
export function writeOut(flag: string, path: string, content: string | Uint8Array): void {
  try {
    writeFileSync(path, content);
  } catch (e) {
    throw new UsageError(`--${flag}: cannot write ${path}: ${(e as Error).message}`);
  }
}

export interface Signalled {
  /** The signal that came, once one has. */
  readonly name: NodeJS.Signals | undefined;
  /** 128 + its number, as a shell reports a process a signal ended. */
  readonly exitCode: number | undefined;
  /** Resolves when a signal comes. */
  readonly arrived: Promise<void>;
  dispose(): void;
}

const NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/** SIGINT and SIGTERM noted (not dying on them) until disposed. */
export function whenSignalled(): Signalled {
  let name: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (wake = resolve));
  const on = (s: NodeJS.Signals) => {
    name ??= s;
    wake();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    get name() {
      return name;
    },
    get exitCode() {
      return name === undefined ? undefined : 128 + NUMBERS[name]!;
    },
    arrived,
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
