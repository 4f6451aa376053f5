// @implements RFC3605 (RTCP attribute in SDP)
/** `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1), and the port RTCP goes to. */
import { parseConnection } from './connection.ts';
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import { numberOf } from './numbers.ts';
import type { Attribute, MediaDescription } from './types.ts';

const RULE = 'RFC3605 §2.1';

/** A media-level attribute only; the address is a c= address (RFC 8866 §5.7 rules). */
// @implements RFC3605 P2L45-P2L46, P3L16-P3L17
export function parseRtcp(input: AttributeInput): Attribute {
  if (input.level === 'session') failAt(input, RULE, 'a=rtcp: MUST NOT be used as a session-level attribute');
  const v = valueOf(input, '<port> [<nettype> <addrtype> <connection-address>]');
  const space = v.indexOf(' ');
  const port = space < 0 ? v : v.slice(0, space);
  if (!/^\d+$/.test(port) || Number(port) > 65535) failAt(input, RULE, `a=rtcp: port "${port}" is not a port (0-65535)`);
  const n = numberOf(port, 'a=rtcp: <port>', RULE, input.field, input.at, input.warnings);
  if (space < 0) return { kind: 'rtcp', port: n };
  return { kind: 'rtcp', port: n, connection: parseConnection(input.field, RULE, v.slice(space + 1), input.at + space + 1) };
}

/**
 * Where RTCP goes: the a=rtcp: port when there is one, else the next port
 * above RTP's. An odd RTP port with a=rtcp: is used as it is (nothing is
 * subtracted from it).
 */
// @implements RFC8866 P22L39-P22L43
// @implements RFC3605 P2L31-P2L33
export function rtcpPort(media: MediaDescription): number {
  for (const a of media.attributes) if (a.kind === 'rtcp') return a.port;
  return media.port + 1;
}
