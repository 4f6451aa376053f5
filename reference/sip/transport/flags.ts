/**
 * The transport limits as command-line options, shared by every `npm run sip`
 * command that listens (uas, call, register, server): the options, their
 * usage text, and their values as transport configuration.
 */
import { UsageError } from '../cli.ts';
import { DEFAULT_LIMITS } from '../syntax/limits.ts';
import type { TransportLimits } from './layer.ts';
import { DEFAULT_CONNECTION_LIMITS } from './tcp.ts';

/** The transport limits every listening command takes, as options and as usage text. */
export const limitOptions = {
  'max-header-bytes': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'message-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
} as const;

export const limitUsage = `  --max-header-bytes n  most octets of a header section, UDP and TCP (default ${DEFAULT_LIMITS.maxHeaderBytes}; over it: 513)
  --max-body-bytes n    most octets of a body, UDP and TCP (default ${DEFAULT_LIMITS.maxBodyBytes}; over it: 513)
  --idle-timeout ms     close a TCP connection with no message either way for this long (default ${DEFAULT_CONNECTION_LIMITS.idleTimeout})
  --message-timeout ms  close a TCP connection whose message takes longer to arrive (default ${DEFAULT_CONNECTION_LIMITS.messageTimeout})
  --max-connections n   most TCP connections accepted at once; more are closed at once (default ${DEFAULT_CONNECTION_LIMITS.maxConnections})`;

const LIMIT_FLAGS: [keyof typeof limitOptions, keyof TransportLimits][] = [
  ['max-header-bytes', 'maxHeaderBytes'],
  ['max-body-bytes', 'maxBodyBytes'],
  ['idle-timeout', 'idleTimeout'],
  ['message-timeout', 'messageTimeout'],
  ['max-connections', 'maxConnections'],
];

/** The limit options given, as transport configuration; a bad value is a usage error naming the option. */
export function limitFlags(values: Record<string, unknown>): TransportLimits {
  const limits: TransportLimits = {};
  for (const [flag, name] of LIMIT_FLAGS) {
    const v = values[flag];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag} wants a positive integer, got ${JSON.stringify(v)}`);
    limits[name] = n;
  }
  return limits;
}
