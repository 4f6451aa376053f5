// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Is a connection address multicast? §5.2 and §6.2 answer a multicast
 * stream differently from a unicast one. Plumbing: the address ranges are
 * the description's (IPv4's 224.0.0.0/4, IPv6's ff00::/8).
 */
import { isIP4Multicast, isIP6Multicast } from '../description/address.ts';

export const isMulticast = (address: string): boolean => isIP4Multicast(address) || isIP6Multicast(address);
