// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (§5.14), and the
 * checks on a whole media description once its lines are read.
 *
 * @exception RFC8866 P24L42-P24L44: which format to use is offer/answer's choice (RFC 3264, ../offerAnswer/), not the parser's
 * @exception RFC8866 P25L2-P25L11: media subtypes and <fmt> rules are registry knowledge (IANA, §8.2.3); any token is kept as written
 */
import { fail, Warnings, type FieldLine } from './errors.ts';
import { TOKEN } from './address.ts';
import { offsetOf, subfields } from './origin.ts';
import { decimal, numberOf } from './numbers.ts';
import type { MediaDescription } from './types.ts';

const RULE = 'RFC8866 §5.14';
/** proto = token *("/" token) */
const PROTO = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+(?:\/[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+)*$/;
/** An RTP payload type: 0-127. */
const PAYLOAD_TYPE = /^(?:\d|[1-9]\d|1[01]\d|12[0-7])$/;

// @implements RFC8866 P22L14-P22L19, P23L2
export function parseMedia(field: FieldLine, warnings: Warnings): MediaDescription {
  const parts = subfields(field.value);
  if (parts.length < 4) fail(RULE, `m= has ${parts.length} subfields: it needs <media> <port> <proto> and at least one <fmt>`, field);
  const [media, port, proto] = parts;
  const formats = parts.slice(3);
  if (!TOKEN.test(media)) fail(RULE, `<media> "${media}" is not a token`, field);
  // @implements RFC8866 P42L37-P42L40
  if (media === 'control' || media === 'data') warnings.at('RFC8866 §8.2.2', `<media> "${media}" was removed from SDP: applications SHOULD NOT use it`, field);
  const ports = /^(\d+)(?:\/([1-9]\d*))?$/.exec(port);
  if (!ports || Number(ports[1]) > 65535) fail(RULE, `<port> "${port}" is not a port (0-65535) with an optional /<number of ports>`, field, offsetOf(parts, 1));
  // proto = token *("/" token)
  if (!PROTO.test(proto)) fail(RULE, `<proto> "${proto}" is not token *("/" token)`, field, offsetOf(parts, 2));
  for (let i = 0; i < formats.length; i++) if (!TOKEN.test(formats[i])) fail(RULE, `<fmt> "${formats[i]}" is not a token`, field, offsetOf(parts, 3 + i));
  // @implements RFC8866 P43L26-P43L27, P24L37-P24L38
  if (proto.startsWith('RTP/'))
    for (let i = 0; i < formats.length; i++)
      if (!PAYLOAD_TYPE.test(formats[i])) fail('RFC8866 §8.2.3', `<fmt> "${formats[i]}" under ${proto} is not an RTP payload type number (0-127)`, field, offsetOf(parts, 3 + i));
  const m: MediaDescription = { media, port: numberOf(ports[1], '<port>', RULE, field, offsetOf(parts, 1), warnings), proto, formats, connections: [], bandwidths: [], attributes: [] };
  if (ports[2] !== undefined) m.numberOfPorts = numberOf(ports[2], '<number of ports>', RULE, field, offsetOf(parts, 1) + ports[1].length + 1);
  return m;
}

/** RTP/AVP payload types 96-127 are dynamic (RFC 3551 §3): a description that uses one must say what it is. */
const isDynamic = (pt: string): boolean => Number(pt) >= 96 && Number(pt) <= 127;

/**
 * A whole RTP media description: each dynamic payload type it lists has
 * its `a=rtpmap:`. Warned about, not refused: the format is still listed,
 * and an answerer that cannot tell what it is leaves it out.
 *
 * @exception RFC8866 P43L27-P43L30: a dynamic payload type without its rtpmap is warned about, not refused: refusing the description would lose its other streams and formats, and offer/answer (../offerAnswer/) treats such a format as one it does not know, so nothing is sent with it
 */
// @implements RFC8866 P24L44-P24L47
export function checkRtpMaps(m: MediaDescription, field: FieldLine, warnings: Warnings): void {
  if (!m.proto.startsWith('RTP/') || m.port === 0) return;
  for (const pt of m.formats)
    if (isDynamic(pt) && !m.attributes.some((a) => a.kind === 'rtpmap' && a.payloadType === Number(pt))) warnings.at('RFC8866 §8.2.3', `dynamic payload type ${pt} has no a=rtpmap: (one MUST be included)`, field);
}

/** Writes the m= value back. */
export function formatMedia(m: MediaDescription): string {
  const port = decimal(m.port, 'm= <port>') + (m.numberOfPorts !== undefined ? `/${decimal(m.numberOfPorts, 'm= <number of ports>')}` : '');
  return `${m.media} ${port} ${m.proto} ${m.formats.join(' ')}`;
}
