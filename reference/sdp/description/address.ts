// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * The addresses of `o=`, `c=` and `a=rtcp:` (§9 "generic sub-rules:
 * addressing"): IP4-address, IP6-address, FQDN, and extn-addr for address
 * types other than IP4 and IP6. Each check returns what is wrong, or
 * undefined.
 */
import { isIPv6 } from 'node:net';

/** token (§9): the characters of nettype, addrtype, bwtype, media, proto parts, fmt, attribute names. */
export const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;

/** non-ws-string (§9): visible characters and octets above 0x7f. */
export const NON_WS = /^[\x21-\x7e\u0080-\uffff]+$/;

/** decimal-uchar (§9): 0-255 without a leading zero. */
const UCHAR = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IP4 = new RegExp(`^${UCHAR}(?:\\.${UCHAR}){3}$`);

export const isIP4 = (s: string): boolean => IP4.test(s);

/** IP6-address (§9, as RFC 3986 writes it): no zone, no prefix length. */
export const isIP6 = (s: string): boolean => !s.includes('%') && isIPv6(s);

/** First octet of a dotted IP4 address: 224-239 is multicast (§9 m1). */
export const isIP4Multicast = (s: string): boolean => isIP4(s) && Number(s.split('.')[0]) >= 224 && Number(s.split('.')[0]) <= 239;

/** IP6-multicast (§9): an IP6 address starting with FF. */
export const isIP6Multicast = (s: string): boolean => isIP6(s) && /^ff/i.test(s);

/**
 * FQDN (§9): 4*(alpha-numeric / "-" / "."). A name with other characters
 * is refused; one beyond ASCII is an internationalized name written in
 * UTF-8, which §5 forbids (IDNs are written in their ACE form, xn--...).
 */
// @implements RFC8866 P11L16-P11L23
export function fqdnProblem(s: string): string | undefined {
  if (/[^\x00-\x7f]/.test(s)) return `"${s}" is an internationalized domain name in UTF-8: write it in ACE form (xn--...)`;
  if (!/^[A-Za-z0-9.-]{4,}$/.test(s)) return `"${s}" is not a domain name (FQDN: at least 4 of letters, digits, "-", ".")`;
  // Dotted digits that are not an IP4 address are a bad address, not a name.
  if (/^[0-9.]+$/.test(s)) return `"${s}" is not an IP4 address (four decimal numbers 0-255)`;
  return undefined;
}

/**
 * unicast-address (§9) for an address type: IP4 or IP6 address or FQDN;
 * extn-addr (non-ws-string) for other address types.
 */
// @implements RFC8866 P12L19-P12L25
export function unicastProblem(addrType: string, address: string): string | undefined {
  if (addrType === 'IP4') return isIP4(address) ? (isIP4Multicast(address) ? `${address} is a multicast address, not a unicast one` : undefined) : fqdnProblem(address);
  if (addrType === 'IP6') return isIP6(address) ? undefined : address.includes(':') ? `"${address}" is not an IP6 address` : fqdnProblem(address);
  return NON_WS.test(address) ? undefined : `"${address}" has a space or control character`;
}
