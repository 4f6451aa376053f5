// @implements RFC8866 (SDP: Session Description Protocol)
// @cites-obsoleted RFC4566: each RFC 8866 rule here is quoted beside the RFC 4566 rule it replaced, which descriptions written to RFC 4566 still follow
/**
 * `a=<attribute-name>[:<attribute-value>]` (§5.13): the generic form, and
 * the table of the attributes this parser types. Every other attribute is
 * kept as name and value, in order: not understood, so ignored, never
 * dropped (a serializer writes it back).
 *
 * @exception RFC8866 P22L8, P44L3-P44L6: registering attributes with IANA is their authors' duty
 * @exception RFC8866 P35L11-P35L22, P36L7-P36L10: which languages a session is in is its creator's to say; a=sdplang: and a=lang: are kept as written
 */
import { fail, Warnings, type FieldLine } from './errors.ts';
import { TOKEN } from './address.ts';
import { parseDirection } from './direction.ts';
import { parseFmtp, parseMaxptime, parsePtime, parseRtpmap } from './rtp.ts';
import { parseRtcp } from './rtcp.ts';
import { parseGroup, parseMid } from './grouping.ts';
import { parseConnectionAttribute, parseSetup } from './tcp.ts';
import { parseFingerprint } from './fingerprint.ts';
import type { AttributeInput, Level } from './attributeValue.ts';
import type { Attribute } from './types.ts';

type AttributeParser = (input: AttributeInput) => Attribute;

const TYPED = new Map<string, AttributeParser>(Object.entries({
  rtpmap: parseRtpmap,
  fmtp: parseFmtp,
  ptime: parsePtime,
  maxptime: parseMaxptime,
  sendrecv: parseDirection,
  sendonly: parseDirection,
  recvonly: parseDirection,
  inactive: parseDirection,
  rtcp: parseRtcp,
  mid: parseMid,
  group: parseGroup,
  setup: parseSetup,
  connection: parseConnectionAttribute,
  fingerprint: parseFingerprint,
}));

/**
 * The generic form first: a token for the name, then ":" and a value of at
 * least one octet, or nothing. RFC 4566 called the two parts att-field and
 * att-value; RFC 8866 names them attribute-name and attribute-value (and
 * keeps att-field as a synonym) with the same syntax.
 */
// @implements RFC8866 P21L11-P21L12, P21L28-P21L37, P21L44-P21L47
// @implements RFC4566 P42L6-P42L10
export function parseAttribute(field: FieldLine, level: Level, warnings: Warnings): Attribute {
  const colon = field.value.indexOf(':');
  const name = colon < 0 ? field.value : field.value.slice(0, colon);
  const value = colon < 0 ? undefined : field.value.slice(colon + 1);
  if (!TOKEN.test(name)) fail('RFC8866 §5.13', `attribute name "${name}" is not a token of US-ASCII letters, digits and !#$%&'*+-.^_\`{|}~`, field);
  if (value === '') fail('RFC8866 §9', `a=${name}: has an empty value (attribute-value is at least one octet; a property attribute has no ":")`, field, colon + 1);
  const typed = TYPED.get(name);
  if (typed) return typed({ name, value, field, at: colon + 1, level, warnings });
  obsolete(name, field, warnings);
  // Not understood: ignored, that is kept as written and not acted on.
  // @implements RFC8866 P10L22-P10L23
  return value === undefined ? { kind: 'other', name } : { kind: 'other', name, value };
}

/** `a=cat:` and `a=keywds:` are obsolete: kept, not acted on, and a warning says so. */
// @implements RFC8866 P26L2-P26L4, P26L31-P26L32
function obsolete(name: string, field: FieldLine, warnings: Warnings): void {
  if (name === 'cat' || name === 'keywds') warnings.at('RFC8866 §6', `a=${name}: is obsolete and SHOULD NOT be used (ignored)`, field);
}
