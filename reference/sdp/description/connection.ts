// @implements RFC8866 (SDP: Session Description Protocol)
/** `c=<nettype> <addrtype> <connection-address>` (§5.7), and which `c=` a media description uses. */
import { fail, type FieldLine } from './errors.ts';
import { TOKEN, fqdnProblem, isIP4, isIP4Multicast, isIP6, isIP6Multicast, NON_WS } from './address.ts';
import { offsetOf, subfields } from './origin.ts';
import { decimal, numberOf } from './numbers.ts';
import type { Connection, MediaDescription, SessionDescription } from './types.ts';

const RULE = 'RFC8866 §5.7';

// @implements RFC8866 P14L32, P14L44-P15L8
export function parseConnection(field: FieldLine, rule = RULE, value = field.value, base = 0): Connection {
  const parts = subfields(value);
  if (parts.length !== 3) fail(rule, `c= has ${parts.length} subfields, not <nettype> <addrtype> <connection-address>`, field, base);
  const [netType, addrType, address] = parts;
  if (!TOKEN.test(netType)) fail(rule, `<nettype> "${netType}" is not a token`, field, base);
  if (!TOKEN.test(addrType)) fail(rule, `<addrtype> "${addrType}" is not a token`, field, base + offsetOf(parts, 1));
  const at = base + offsetOf(parts, 2);
  const slash = address.indexOf('/');
  const host = slash < 0 ? address : address.slice(0, slash);
  const numbers = slash < 0 ? [] : address.slice(slash + 1).split('/').map((n) => (/^(?:0|[1-9]\d*)$/.test(n) ? numberOf(n, 'c= /<ttl> or /<number of addresses>', rule, field, at + slash + 1) : NaN));
  if (numbers.some(Number.isNaN)) fail(rule, `"${address}": what follows "/" is not a number`, field, at);
  // @implements RFC8866 P15L10-P15L11
  const c: Connection = { netType, addrType, address: host };
  if (addrType === 'IP4') return ip4(c, numbers, field, rule, at);
  if (addrType === 'IP6') return ip6(c, numbers, field, rule, at);
  // Other address types: extn-addr, kept as written.
  if (!NON_WS.test(address)) fail(rule, `"${address}" is not an address`, field, at);
  c.address = address;
  return c;
}

/**
 * IP4: a multicast group needs its TTL (0-255) and may give a number of
 * addresses; a unicast address (or a name) takes no slash at all.
 */
// @implements RFC8866 P15L22-P15L26, P16L3-P16L5, P16L37-P16L38
function ip4(c: Connection, numbers: number[], field: FieldLine, rule: string, at: number): Connection {
  if (isIP4Multicast(c.address)) {
    if (numbers.length === 0) fail(rule, `${c.address} is an IP4 multicast address: it MUST have a TTL (/ttl)`, field, at);
    if (numbers.length > 2) fail(rule, `${c.address}: at most /<ttl>/<number of addresses>`, field, at);
    if (numbers[0] > 255) fail(rule, `TTL ${numbers[0]} is not in the range 0-255`, field, at + c.address.length + 1);
    c.ttl = numbers[0];
    if (numbers.length === 2) c.numberOfAddresses = positive(numbers[1], field, rule, at);
    return c;
  }
  const problem = isIP4(c.address) ? undefined : fqdnProblem(c.address);
  if (problem) fail(rule, problem, field, at);
  if (numbers.length > 0) fail(rule, `${c.address} is not multicast: the slash notation MUST NOT be used for a unicast address`, field, at + c.address.length);
  return c;
}

/** IP6: no TTL ever; a multicast group may give a number of addresses; a unicast one takes no slash. */
// @implements RFC8866 P15L36-P15L37, P16L21, P16L37-P16L38
function ip6(c: Connection, numbers: number[], field: FieldLine, rule: string, at: number): Connection {
  if (isIP6Multicast(c.address)) {
    if (numbers.length > 1) fail(rule, `${c.address} is IP6 multicast: a TTL MUST NOT be present (only /<number of addresses>)`, field, at);
    if (numbers.length === 1) c.numberOfAddresses = positive(numbers[0], field, rule, at);
    return c;
  }
  const problem = isIP6(c.address) ? undefined : c.address.includes(':') ? `"${c.address}" is not an IP6 address` : fqdnProblem(c.address);
  if (problem) fail(rule, problem, field, at);
  if (numbers.length > 0) fail(rule, `${c.address} is not multicast: the slash notation MUST NOT be used for a unicast address`, field, at + c.address.length);
  return c;
}

// @implements RFC8866 P16L3-P16L5
function positive(n: number, field: FieldLine, rule: string, at: number): number {
  if (n < 1) fail(rule, 'the number of addresses is an integer from 1', field, at);
  return n;
}

/** A multicast group (IP4 224.0.0.0/4, IP6 ff00::/8); any other address type is not known to be one. */
export const isMulticastConnection = (c: Connection): boolean => (c.addrType === 'IP4' ? isIP4Multicast(c.address) : c.addrType === 'IP6' && isIP6Multicast(c.address));

/** Writes a connection back: `IN IP4 233.252.0.1/127/3`. */
// @implements RFC8866 P15L31-P15L32, P16L3
export function formatConnection(c: Connection): string {
  const ttl = c.ttl !== undefined ? `/${decimal(c.ttl, 'c= <ttl>')}` : '';
  const count = c.numberOfAddresses !== undefined ? `/${decimal(c.numberOfAddresses, 'c= <number of addresses>')}` : '';
  return `${c.netType} ${c.addrType} ${c.address}${ttl}${count}`;
}

/**
 * The connections a media description uses: its own `c=` lines, else the
 * session's. (Every media description has one or the other: parse.ts
 * refuses a description where one has neither.)
 */
// @implements RFC8866 P10L29-P10L31, P14L39-P14L42
export function connectionsOf(session: SessionDescription, media: MediaDescription): Connection[] {
  if (media.connections.length > 0) return media.connections;
  return session.connection ? [session.connection] : [];
}
