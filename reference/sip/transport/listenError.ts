/**
 * ListenError: the transport could not bind or listen on its configured
 * address. Plumbing (no rule): one line naming the address, the transport
 * and the operating system's reason, which a command line prints as is.
 */
import { formatHost, type HostPort } from './via.ts';

/** Why the operating system refused an address, in words, by error code. */
const BIND_REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'permission denied',
  EINVAL: 'invalid address',
};

/** The transport could not bind or listen on its configured address: one line naming the address and the reason. */
export class ListenError extends Error {
  constructor(
    readonly address: HostPort,
    readonly transport: 'udp' | 'tcp',
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot listen on ${formatHost(address.host)}:${address.port}/${transport}: ${reason}${code !== undefined ? ` (${code})` : ''}`);
    this.name = 'ListenError';
  }

  static of(error: unknown, address: HostPort, transport: 'udp' | 'tcp'): ListenError {
    const code = (error as { code?: string }).code;
    return new ListenError(address, transport, code, (code !== undefined && BIND_REASONS[code]) || (error as Error).message);
  }
}
