// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * The RTP attributes of §6: `a=rtpmap:` (§6.6), `a=fmtp:` (§6.15),
 * `a=ptime:` (§6.4), `a=maxptime:` (§6.5).
 *
 * @exception RFC8866 P28L6-P28L7: a frame size is codec knowledge; the parser takes any maxptime
 * @exception RFC8866 P29L18-P29L20, P29L32-P29L36: rules for the authors of RTP profiles and payload formats, not for a parser
 */
import { TOKEN } from './address.ts';
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import { numberOf } from './numbers.ts';
import type { Attribute } from './types.ts';

/** `<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`; payload types are 7 bits (0-127). */
// @implements RFC8866 P28L25-P28L31, P28L36-P28L37
export function parseRtpmap(input: AttributeInput): Attribute {
  const v = valueOf(input, '<payload type> <encoding name>/<clock rate>[/<encoding parameters>]');
  const m = /^(0|[1-9]\d*) ([^/ ]+)\/([1-9]\d*)(?:\/([1-9]\d*))?$/.exec(v);
  if (!m) failAt(input, 'RFC8866 §6.6', `a=rtpmap:${v} is not <payload type> <encoding name>/<clock rate>[/<channels>]`);
  if (Number(m[1]) > 127) failAt(input, 'RFC8866 §6.6', `payload type ${m[1]} does not fit in 7 bits (0-127)`);
  if (!TOKEN.test(m[2])) failAt(input, 'RFC8866 §6.6', `encoding name "${m[2]}" is not a token`, m[1].length + 1);
  const a: Attribute = { kind: 'rtpmap', payloadType: Number(m[1]), encodingName: m[2], clockRate: numberOf(m[3], 'a=rtpmap: <clock rate>', 'RFC8866 §6.6', input.field, input.at + m[1].length + m[2].length + 2) };
  if (m[4] !== undefined) a.encodingParameters = m[4];
  return a;
}

/** `<fmt> <format specific parameters>`: the parameters are the media type's, kept as written. */
// @implements RFC8866 P38L4-P38L5, P38L16-P38L18
export function parseFmtp(input: AttributeInput): Attribute {
  const v = valueOf(input, '<format> <format specific parameters>');
  const space = v.indexOf(' ');
  if (space <= 0 || space === v.length - 1) failAt(input, 'RFC8866 §6.15', `a=fmtp:${v} is not <format> <format specific parameters>`);
  const format = v.slice(0, space);
  if (!TOKEN.test(format)) failAt(input, 'RFC8866 §6.15', `format "${format}" is not a token`);
  return { kind: 'fmtp', format, parameters: v.slice(space + 1) };
}

/** non-zero-int-or-real (§9): an integer from 1, or a real with a non-zero digit after the point. */
const NON_ZERO_INT_OR_REAL = /^(?:[1-9]\d*|(?:0|[1-9]\d*)\.\d*[1-9])$/;

function milliseconds(input: AttributeInput, rule: string): number {
  const v = valueOf(input, '<milliseconds>');
  if (!NON_ZERO_INT_OR_REAL.test(v)) failAt(input, rule, `a=${input.name}:${v} is not a non-zero number of milliseconds`);
  return numberOf(v, `a=${input.name}: <milliseconds>`, rule, input.field, input.at, input.warnings);
}

/** `a=ptime:<packet time>`: milliseconds of media in one packet. */
// @implements RFC8866 P27L20, P27L26-P27L27
export function parsePtime(input: AttributeInput): Attribute {
  return { kind: 'ptime', milliseconds: milliseconds(input, 'RFC8866 §6.4') };
}

/** `a=maxptime:<maximum packet time>`. */
// @implements RFC8866 P27L45, P28L3-P28L5
export function parseMaxptime(input: AttributeInput): Attribute {
  return { kind: 'maxptime', milliseconds: milliseconds(input, 'RFC8866 §6.5') };
}
