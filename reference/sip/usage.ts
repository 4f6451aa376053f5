/**
 * What every `npm run sip` command shares and the command table in cli.ts
 * builds on: `--listen`'s address, and (from tools/command.ts, the plumbing
 * every CLI of the project shares) the Command shape, UsageError (exit 2)
 * and numberOption. It imports no command, so the commands can all import
 * it without a cycle through cli.ts.
 */
import { isIP } from 'node:net';
import type { HostPort } from './transport/via.ts';
import { UsageError } from '../../tools/command.ts';

export { numberOption, UsageError, type Command } from '../../tools/command.ts';

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
