/**
 * What every `npm run sip` command shares and the command table in cli.ts
 * builds on: the Command shape, UsageError (exit 2) and `--listen`'s
 * address. It imports no layer and no command, so the commands and the
 * layers' flag modules can all import it without a cycle through cli.ts.
 */
import { isIP } from 'node:net';
import type { ParseArgsConfig } from 'node:util';
import type { HostPort } from './transport/via.ts';

/** A bad command line: printed with the command's usage, exit status 2. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

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
