/**
 * The transport limits as command-line options, shared by every `npm run sip`
 * command that listens (uas, call, register, server): the options, their
 * usage text, and their values as transport configuration. A bad value is a
 * UsageError (exit 2) naming the option.
 */
import { numberOption } from '../../../tools/command.ts';
import { DEFAULT_LIMITS, isPositiveInteger } from '../syntax/limits.ts';
import type { TransportLimits } from './layer.ts';
import { DEFAULT_CONNECTION_LIMITS } from './tcp.ts';

/** The transport limits every listening command takes, as options and as usage text. */
export const limitOptions = {
  'max-header-bytes': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'message-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
} as const;

export const limitUsage = `  --max-header-bytes n  most octets of a header section, UDP and TCP (default ${DEFAULT_LIMITS.maxHeaderBytes}; over it: 513)
  --max-body-bytes n    most octets of a body, UDP and TCP (default ${DEFAULT_LIMITS.maxBodyBytes}; over it: 513)
  --idle-timeout ms     close a TCP connection with no message either way and no transaction on it for this long
                        (default 64*T1: ${DEFAULT_CONNECTION_LIMITS.idleTimeout} at the default T1)
  --message-timeout ms  close a TCP connection whose message (or first message) takes longer to arrive (default ${DEFAULT_CONNECTION_LIMITS.messageTimeout})
  --max-connections n   most TCP connections open at once, accepted and opened; one more is refused (default ${DEFAULT_CONNECTION_LIMITS.maxConnections})
  --max-connections-per-address n
                        most TCP connections accepted at once from one IP address (default ${DEFAULT_CONNECTION_LIMITS.maxConnectionsPerAddress})`;

const LIMIT_FLAGS: [keyof typeof limitOptions, keyof TransportLimits][] = [
  ['max-header-bytes', 'maxHeaderBytes'],
  ['max-body-bytes', 'maxBodyBytes'],
  ['idle-timeout', 'idleTimeout'],
  ['message-timeout', 'messageTimeout'],
  ['max-connections', 'maxConnections'],
  ['max-connections-per-address', 'maxConnectionsPerAddress'],
];

/** The limit options given, as transport configuration; a bad value is a usage error naming the option. */
export function limitFlags(values: Record<string, unknown>): TransportLimits {
  const limits: TransportLimits = {};
  for (const [flag, name] of LIMIT_FLAGS) {
    const n = numberOption(values, flag, 'a positive integer', isPositiveInteger);
    if (n !== undefined) limits[name] = n;
  }
  return limits;
}
