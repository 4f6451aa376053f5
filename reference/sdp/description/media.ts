// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (§5.14), and the
 * checks on a whole media description once its lines are read.
 *
 * @exception RFC8866 P22L37-P22L39: whether ports are contiguous or follow the parity rule is the creator's choice to know; a=rtcp is parsed when given (rtcp.ts)
 * @exception RFC8866 P24L42-P24L44: which format to use is offer/answer's choice (RFC 3264, ../offerAnswer/), not the parser's
 * @exception RFC8866 P25L2-P25L11: media subtypes and <fmt> rules are registry knowledge (IANA, §8.2.3); any token is kept as written
 */
import { fail, Warnings, type FieldLine } from './errors.ts';
import { TOKEN } from './address.ts';
import { subfields } from './origin.ts';
import type { MediaDescription } from './types.ts';

const RULE = 'RFC8866 §5.14';

// @implements RFC8866 P22L14-P22L19, P23L2
export function parseMedia(field: FieldLine, warnings: Warnings): MediaDescription {
  const parts = subfields(field.value);
  if (parts.length < 4) fail(RULE, `m= has ${parts.length} subfields: it needs <media> <port> <proto> and at least one <fmt>`, field);
  const [media, port, proto, ...formats] = parts;
  if (!TOKEN.test(media.text)) fail(RULE, `<media> "${media.text}" is not a token`, field, media.at);
  // @implements RFC8866 P42L37-P42L40
  if (media.text === 'control' || media.text === 'data') warnings.at('RFC8866 §8.2.2', `<media> "${media.text}" was removed from SDP: applications SHOULD NOT use it`, field, media.at);
  const ports = /^(\d+)(?:\/([1-9]\d*))?$/.exec(port.text);
  if (!ports || Number(ports[1]) > 65535) fail(RULE, `<port> "${port.text}" is not a port (0-65535) with an optional /<number of ports>`, field, port.at);
  // proto = token *("/" token)
  if (!proto.text.split('/').every((t) => TOKEN.test(t))) fail(RULE, `<proto> "${proto.text}" is not token *("/" token)`, field, proto.at);
  for (const f of formats) if (!TOKEN.test(f.text)) fail(RULE, `<fmt> "${f.text}" is not a token`, field, f.at);
  // @implements RFC8866 P43L26-P43L27, P24L37-P24L38
  if (proto.text.startsWith('RTP/'))
    for (const f of formats) if (!/^(?:\d|[1-9]\d|1[01]\d|12[0-7])$/.test(f.text)) fail('RFC8866 §8.2.3', `<fmt> "${f.text}" under ${proto.text} is not an RTP payload type number (0-127)`, field, f.at);
  const m: MediaDescription = { media: media.text, port: Number(ports[1]), proto: proto.text, formats: formats.map((f) => f.text), connections: [], bandwidths: [], attributes: [] };
  if (ports[2] !== undefined) m.numberOfPorts = Number(ports[2]);
  return m;
}

/** RTP/AVP payload types 96-127 are dynamic (RFC 3551 §3): a description that uses one must say what it is. */
const isDynamic = (pt: string): boolean => Number(pt) >= 96 && Number(pt) <= 127;

/**
 * A whole RTP media description: each dynamic payload type it lists has
 * its `a=rtpmap:`. Warned about, not refused: the format is still listed,
 * and an answerer that cannot tell what it is leaves it out.
 */
// @implements RFC8866 P24L44-P24L47, P43L27-P43L30
export function checkRtpMaps(m: MediaDescription, field: FieldLine, warnings: Warnings): void {
  if (!m.proto.startsWith('RTP/') || m.port === 0) return;
  const mapped = new Set(m.attributes.flatMap((a) => (a.kind === 'rtpmap' ? [String(a.payloadType)] : [])));
  for (const pt of m.formats)
    if (isDynamic(pt) && !mapped.has(pt)) warnings.at('RFC8866 §8.2.3', `dynamic payload type ${pt} has no a=rtpmap: (one MUST be included)`, field);
}

/** Writes the m= value back. */
export function formatMedia(m: MediaDescription): string {
  const port = m.numberOfPorts !== undefined ? `${m.port}/${m.numberOfPorts}` : `${m.port}`;
  return `${m.media} ${port} ${m.proto} ${m.formats.join(' ')}`;
}
