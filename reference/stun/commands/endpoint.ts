/**
 * The commands' shared pieces (plumbing): an IP:PORT argument, the errors
 * that are the world's and not a bug (exit 1), and JSON output.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../../tools/command.ts';

export interface Endpoint {
  address: string;
  port: number;
}

/** The world's problem (no answer, a port in use, a file that is not STUN): one line, exit 1. */
export class StunCommandError extends Error {}

// @exception RFC8489 P21L17-P21L19, P21L41-P21L44, P22L6-P22L8: no STUN URI and no DNS discovery: the server is given as an IP address and port
/** `IP:PORT` or `[IPv6]:PORT`; an IP address, not a name (no DNS discovery, §8, here). */
export function endpoint(text: string, what: string): Endpoint {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m || isIP(m[1]!) === 0) throw new UsageError(`${what} wants IP:PORT (an IP address, [v6]:PORT for IPv6), got ${JSON.stringify(text)}`);
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65535) || !/^[1-9]\d*$/.test(m[2]!)) throw new UsageError(`${what} wants a port from 1 to 65535 in decimal, got ${JSON.stringify(m[2])}`);
  return { address: m[1]!, port };
}

export const formatEndpoint = (e: Endpoint): string => (isIP(e.address) === 6 ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

/** A whole-number option within bounds, or the default. */
export function wholeOption(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(String(v)) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} wants a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** JSON with bytes as hex. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2) + '\n';
}
