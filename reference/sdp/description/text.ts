// @implements RFC8866 (SDP: Session Description Protocol)
// @cites-obsoleted RFC4566: each RFC 8866 rule here is quoted beside the RFC 4566 rule it replaced, which descriptions written to RFC 4566 still follow
/**
 * The free-text fields: `s=` (§5.3), `i=` (§5.4), `u=` (§5.5), `e=` and
 * `p=` (§5.6). Their character set is lines.ts's; here is what each value
 * may be.
 */
import { fail, Warnings, type FieldLine } from './errors.ts';

/**
 * `s=`: never empty. RFC 4566 already said so; RFC 8866 adds "s=-" to the
 * single space as the name of a session with no meaningful one. `lenient`
 * accepts an empty one with a warning (RFC 3264's examples have them).
 */
// @implements RFC8866 P12L45-P12L48
// @implements RFC4566 P12L16-P12L21
export function parseSessionName(field: FieldLine, warnings: Warnings, lenient: boolean): string {
  if (field.value !== '') return field.value;
  const message = 's= MUST NOT be empty (use "s= " or "s=-" for a session with no name)';
  if (!lenient) fail('RFC8866 §5.3', message, field);
  warnings.at('RFC8866 §5.3', `${message}; accepted`, field);
  return field.value;
}

/** `i=`: text, which is at least one octet (§9 byte-string). */
// @implements RFC8866 P13L10-P13L13
export function parseInformation(field: FieldLine): string {
  if (field.value === '') fail('RFC8866 §5.4', 'i= is empty (text is at least one character)', field);
  return field.value;
}

/** `u=`: a URI-reference, which has no spaces. */
// @implements RFC8866 P13L34-P13L37
export function parseUri(field: FieldLine): string {
  if (!/^[\x21-\x7e]+$/.test(field.value)) fail('RFC8866 §5.5', 'u= is not a URI (empty, or a space or non-ASCII character in it)', field);
  return field.value;
}

const ADDR_SPEC = /^[^\s<>()@]+@[^\s<>()@]+$/;

/**
 * `e=`: an address, optionally with a name: `addr (Name)` or `Name <addr>`
 * (§9 email-address). Free text goes in parentheses or before the `<`.
 */
// @implements RFC8866 P14L14-P14L17, P14L21-P14L24
export function parseEmail(field: FieldLine): string {
  const v = field.value;
  const ok = ADDR_SPEC.test(v) || /^(\S+) +\([^()<>]+\)$/.exec(v)?.[1]?.match(ADDR_SPEC) || /^[^()<>]+ +<([^<>]+)>$/.exec(v)?.[1]?.match(ADDR_SPEC);
  if (!ok) fail('RFC8866 §5.6', `e= "${v}" is not addr-spec, "addr-spec (name)" or "name <addr-spec>"`, field);
  return v;
}

const PHONE = /^\+?[0-9][0-9 -]+$/;

/**
 * `p=`: a number (digits, spaces, hyphens), optionally with a name as for
 * `e=`. A number without "+" is accepted with a warning: it SHOULD be an
 * international (E.164) one.
 */
// @implements RFC8866 P14L7-P14L10
export function parsePhone(field: FieldLine, warnings: Warnings): string {
  const v = field.value;
  const phone = PHONE.test(v) ? v : (/^(\S.*?) *\([^()<>]+\)$/.exec(v)?.[1] ?? /^[^()<>]+<([^<>]+)>$/.exec(v)?.[1]);
  if (phone === undefined || !PHONE.test(phone)) fail('RFC8866 §5.6', `p= "${v}" is not a phone number ([+]digit, then digits, spaces, "-"), optionally with a name`, field);
  if (!phone.startsWith('+')) warnings.at('RFC8866 §5.6', `p= "${phone}" SHOULD be an international number starting with "+"`, field);
  return v;
}
