// @implements RFC3605 (RTCP attribute in SDP)
/** `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1), and the port RTCP goes to. */
import { parseConnection } from './connection.ts';
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import type { FieldLine, Warnings } from './errors.ts';
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

/**
 * What a parser can see of the parity rule: an odd RTP port with no
 * a=rtcp: breaks it (RTP even, RTCP odd) without saying where RTCP goes.
 * Warned about, not refused: RTCP is taken to go to the port above
 * (rtcpPort), as RFC 3550 §11 has it. Whether ports are contiguous only
 * the creator knows.
 */
// @implements RFC8866 P22L37-P22L39
export function checkRtcpParity(media: MediaDescription, field: FieldLine, warnings: Warnings): void {
  if (!media.proto.toUpperCase().includes('RTP/') || media.port === 0 || media.port % 2 === 0) return;
  if (!media.attributes.some((a) => a.kind === 'rtcp')) warnings.at('RFC8866 §5.14', `odd RTP port ${media.port} with no a=rtcp: (the parity rule is even RTP, odd RTCP; a=rtcp: MUST then say where RTCP goes): RTCP is taken to go to ${media.port + 1}`, field);
}
