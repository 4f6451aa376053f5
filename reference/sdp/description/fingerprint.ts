// @implements RFC8122 (Connection-Oriented Media Transport over TLS in SDP)
/** `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): parsed, never checked against a certificate. */
import { TOKEN } from './address.ts';
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import type { Attribute } from './types.ts';

/** A hash function name (a token), one space, then octets in upper-case hex separated by colons. */
// @implements RFC8122 P8L27-P8L39
export function parseFingerprint(input: AttributeInput): Attribute {
  const v = valueOf(input, '<hash-func> <fingerprint>');
  const space = v.indexOf(' ');
  const hashFunction = space < 0 ? v : v.slice(0, space);
  const fingerprint = space < 0 ? '' : v.slice(space + 1);
  if (!TOKEN.test(hashFunction)) failAt(input, 'RFC8122 §5', `a=fingerprint: hash function "${hashFunction}" is not a token`);
  if (!/^[0-9A-F]{2}(?::[0-9A-F]{2})*$/.test(fingerprint)) failAt(input, 'RFC8122 §5', 'a=fingerprint: the fingerprint is upper-case hex octets separated by ":" (e.g. 4A:AD:B9)', space + 1);
  return { kind: 'fingerprint', hashFunction, fingerprint };
}
