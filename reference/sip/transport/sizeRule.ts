// @implements RFC3261 (SIP)
/**
 * §18.1.1's size rule: a request that would come close to the path MTU goes
 * over a congestion-controlled transport (TCP) instead of UDP, so it is never
 * fragmented.
 */
import type { TransportName } from './via.ts';

/** The threshold used when the path MTU is not known (a 1500-byte Ethernet MTU less the 200-byte margin). */
export const UNKNOWN_MTU_LIMIT = 1300;
/** Responses may grow (Record-Route): keep this much room below the MTU. */
export const MTU_MARGIN = 200;

/**
 * The transport to use for a request of `size` bytes that the TU wanted sent
 * over `requested`. `pathMtu` is the path MTU in bytes if known.
 */
// @implements RFC3261 P142L32-P142L35, P142L17-P142L21
export function transportForSize(requested: TransportName, size: number, pathMtu?: number): TransportName {
  if (requested !== 'UDP') return requested;
  const tooBig = pathMtu === undefined ? size > UNKNOWN_MTU_LIMIT : size > pathMtu - MTU_MARGIN;
  return tooBig ? 'TCP' : 'UDP';
}
