// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Is a connection address multicast? §5.2 and §6.2 answer a multicast
 * stream differently from a unicast one. Plumbing: the address ranges are
 * IPv4's 224.0.0.0/4 and IPv6's ff00::/8.
 */
export function isMulticast(address: string): boolean {
  if (address.includes(':')) return /^ff/i.test(address);
  const first = Number(address.split('.')[0]);
  return /^[0-9]+\./.test(address) && first >= 224 && first <= 239;
}
