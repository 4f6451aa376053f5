// @implements RFC8866 (SDP: Session Description Protocol)
// @cites-obsoleted RFC4566: each RFC 8866 rule here is quoted beside the RFC 4566 rule it replaced, which descriptions written to RFC 4566 still follow
/**
 * `b=<bwtype>:<bandwidth>` (§5.8).
 *
 * @exception RFC8866 P17L3-P17L9: whether a session's bandwidth differs from what its scope implies is its creator's knowledge; b=CT is parsed when given
 */
import { fail, Warnings, type FieldLine } from './errors.ts';
import { TOKEN } from './address.ts';
import { numberOf } from './numbers.ts';
import type { Bandwidth } from './types.ts';

/** The <bwtype> names RFC 8866 defines; others are registered elsewhere (RFC 3556 RS and RR, RFC 3890 TIAS). */
export const KNOWN_BWTYPES = new Set(['CT', 'AS', 'RS', 'RR', 'TIAS']);

/**
 * A bandwidth line. An unknown <bwtype> is not an error: it is kept as
 * written (so the description round-trips) and means nothing here; the
 * `X-` prefix is accepted with a warning.
 */
// @implements RFC8866 P16L42-P16L47, P17L35-P17L40
// @implements RFC4566 P16L42-P17L4
export function parseBandwidth(field: FieldLine, warnings: Warnings): Bandwidth {
  const colon = field.value.indexOf(':');
  if (colon < 0) fail('RFC8866 §5.8', 'b= is <bwtype>:<bandwidth>', field);
  const type = field.value.slice(0, colon);
  const bandwidth = field.value.slice(colon + 1);
  if (!TOKEN.test(type)) fail('RFC8866 §5.8', `<bwtype> "${type}" is not a token`, field);
  if (!/^\d+$/.test(bandwidth)) fail('RFC8866 §5.8', `<bandwidth> "${bandwidth}" is not a number (kilobits per second)`, field, colon + 1);
  if (type.startsWith('X-')) warnings.at('RFC8866 §5.8', `<bwtype> "${type}": the "X-" prefix is NOT RECOMMENDED; new names SHOULD be registered`, field);
  return { type, bandwidth: numberOf(bandwidth, 'b= <bandwidth>', 'RFC8866 §5.8', field, colon + 1, warnings) };
}
