/**
 * The three parts of a JID, each prepared and enforced by its own rules
 * (RFC 7622 §3.2–§3.4), each 1 to 1023 octets of UTF-8 once enforced.
 *
 * @implements RFC7622 (XMPP address format)
 */
import { isIPv6 } from 'node:net';
import { PrepError, opaqueString, uPlus, usernameCaseMapped } from '../../precis/index.ts';

export type JidPart = 'localpart' | 'domainpart' | 'resourcepart';

/** A JID or part that breaks a rule: which part, which rule, and why. */
export class JidError extends Error {
  constructor(readonly part: JidPart | 'jid', readonly rule: string, why: string) {
    super(`${part}: ${why} (${rule})`);
    this.name = 'JidError';
  }
}

const utf8 = new TextEncoder();

/** 1 to 1023 octets, counted after enforcement, in UTF-8. */
// @implements RFC7622 P4L37-P4L39, P4L41-P4L43
function octets(s: string, part: JidPart, rule: string): string {
  const n = utf8.encode(s).length;
  if (n === 0) throw new JidError(part, rule, `the ${part} is zero octets long; it MUST be 1 to 1023 octets`);
  if (n > 1023) throw new JidError(part, rule, `the ${part} is ${n} octets long; it MUST NOT be more than 1023 octets`);
  return s;
}

/** The PRECIS profile applied, its PrepError restated as a JidError of the part. */
function profiled(s: string, part: JidPart, rule: string, profile: (s: string) => string): string {
  try {
    return profile(s);
  } catch (e) {
    if (e instanceof PrepError) throw new JidError(part, rule, e.message);
    throw e;
  }
}

const EXCLUDED_FROM_LOCALPART = /["&'/:<>@]/u;

/** The localpart: UsernameCaseMapped, minus §3.3.1's characters, 1..1023 octets. */
export function enforceLocalpart(s: string): string {
  // @implements RFC7622 P7L38-P7L41
  // Empty input is the zero-length rule's to name, not the profile's.
  const out = s === '' ? s : profiled(s, 'localpart', 'RFC 7622 §3.3, RFC 8265 §3.3 UsernameCaseMapped', usernameCaseMapped);
  // @implements RFC7622 P8L8-P8L26, RFC8264 P14L7-P14L10
  // A restriction beyond the profile, never an addition. Checked on the enforced string: width mapping turns FULLWIDTH COMMERCIAL AT into '@'.
  const bad = EXCLUDED_FROM_LOCALPART.exec(out);
  if (bad) throw new JidError('localpart', 'RFC 7622 §3.3.1', `'${bad[0]}' (${uPlus(bad[0].codePointAt(0)!)}) at offset ${bad.index} is explicitly disallowed in XMPP localparts`);
  // @implements RFC7622 P7L33-P7L36
  return octets(out, 'localpart', 'RFC 7622 §3.3');
}

/** The resourcepart: OpaqueString, 1..1023 octets. */
export function enforceResourcepart(s: string): string {
  // @implements RFC7622 P9L25-P9L28
  const out = s === '' ? s : profiled(s, 'resourcepart', 'RFC 7622 §3.4, RFC 8265 §4.2 OpaqueString', opaqueString);
  // @implements RFC7622 P9L20-P9L23
  return octets(out, 'resourcepart', 'RFC 7622 §3.4');
}

// RFC 3986 §3.2.2: dec-octet has no leading zero.
const DEC_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${DEC_OCTET}(\\.${DEC_OCTET}){3}$`);

/** An NR-LDH label (RFC 5890 §2.3.1): letters, digits, hyphens, no hyphen at either end, no "--" in the third and fourth positions. */
const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The domainpart: an IPv6 literal in brackets, an IPv4 address, or a name
 * of NR-LDH labels, lower-cased. Internationalized names (U-labels and the
 * A-labels that MUST become U-labels) need IDNA2008's tables (RFC 5892),
 * which this reference does not carry: they are refused naming the rule.
 */
// @implements RFC7622 P5L37-P5L40
export function enforceDomainpart(input: string): string {
  // @implements RFC7622 P6L11-P6L17
  const s = input.endsWith('.') ? input.slice(0, -1) : input;
  // @implements RFC7622 P6L25-P6L30
  octets(s, 'domainpart', 'RFC 7622 §3.2');
  // @implements RFC7622 P4L10-P4L16
  if (s.startsWith('[')) {
    if (!s.endsWith(']') || !isIPv6(s.slice(1, -1).replace(/%25.*$/, '')))
      throw new JidError('domainpart', 'RFC 7622 §3.2, RFC 6874 IP-literal', `'${s}' opens an IP-literal but is not '[' IPv6address ']' (IPvFuture is not supported)`);
    return s.toLowerCase();
  }
  if (IPV4.test(s)) return s;
  // @implements RFC7622 P6L37-P6L43
  const nonAscii = /[^\x00-\x7f]/u.exec(s);
  if (nonAscii) throw new JidError('domainpart', 'RFC 7622 §3.2.1, RFC 5890 U-label', `${uPlus(nonAscii[0].codePointAt(0)!)} at offset ${nonAscii.index}: internationalized domain names need IDNA2008 (RFC 5891, RFC 5892), which this reference does not implement`);
  // @implements RFC7622 P7L3-P7L6
  const lower = s.toLowerCase();
  for (const label of lower.split('.')) {
    if (label.startsWith('xn--'))
      throw new JidError('domainpart', 'RFC 7622 §3.2.1', `'${label}' is an A-label, which MUST be converted to a U-label, and U-labels need IDNA2008, which this reference does not implement`);
    if (label.length > 63) throw new JidError('domainpart', 'RFC 1034 §3.1', `the label '${label.slice(0, 16)}…' is ${label.length} octets; a label is at most 63`);
    if (!LDH_LABEL.test(label) || label.slice(2, 4) === '--')
      throw new JidError('domainpart', 'RFC 7622 §3.2.1, RFC 5890 NR-LDH label', `'${label}' is not an NR-LDH label (letters, digits and hyphens, not starting or ending with a hyphen, no "--" in positions 3-4)`);
  }
  return lower;
}
