/**
 * The stream header (RFC 6120 §4.7, §4.8): the initial header an initiating
 * entity opens with, the response header a receiving entity answers with,
 * and the checks each side makes of the header it receives. A header that
 * breaks a rule is a StreamError with the condition §4.8 or §4.9.3 names.
 *
 * @implements RFC6120 (XMPP core)
 */
import { randomBytes } from 'node:crypto';
import { type XmlElement, StreamCondition, StreamError, element, openTag } from '../xml/index.ts';

// @implements RFC6120 P43L27-P43L29
export const STREAM_NS = 'http://etherx.jabber.org/streams';
// @implements RFC6120 P45L20-P45L21
export const CLIENT_NS = 'jabber:client';
export const SERVER_NS = 'jabber:server';

/** The version this implementation speaks: RFC 6120's. */
export const VERSION = { major: 1, minor: 0 } as const;

export interface Version {
  major: number;
  minor: number;
}

/** What a header says, once checked. */
export interface Header {
  to?: string;
  from?: string;
  id?: string;
  lang?: string;
  /** "0.9" when the header had no 'version' (§4.7.5). */
  version: Version;
  /** The content namespace (the default namespace the header declares). */
  content: string;
}

/**
 * "major.minor" as two integers; leading zeros read and ignored. Anything
 * else is not a version.
 */
// @implements RFC6120 P41L29-P41L31, P41L33-P41L34
export function parseVersion(v: string): Version | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** The version as sent: no leading zeros. */
// @implements RFC6120 P41L33-P41L34
export const formatVersion = (v: Version) => `${v.major}.${v.minor}`;

/** Numeric order of two versions: major first, then minor. */
// @implements RFC6120 P42L17-P42L20
export function compareVersions(a: Version, b: Version): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** A new stream ID: 128 random bits, so unpredictable and, in practice, never repeated. */
// @implements RFC6120 P38L43-P38L45, P39L1-P39L6
export function newStreamId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The initial stream header: 'to' the domain the client connects to, 'from'
 * its bare JID only once TLS protects the stream (optional; we send it
 * then), our highest version, no 'id'.
 */
// @implements RFC6120 P37L30-P37L33, P39L8-P39L10, P42L8-P42L12
export function initialHeader(o: { to: string; from?: string; lang?: string }): XmlElement {
  return element('stream:stream', {
    ...(o.from !== undefined && { from: o.from }),
    to: o.to,
    version: formatVersion(VERSION),
    'xml:lang': o.lang ?? 'en',
    xmlns: CLIENT_NS,
    'xmlns:stream': STREAM_NS,
  }, [], STREAM_NS);
}

/**
 * The response stream header for a checked initial one: 'from' our domain,
 * 'to' only if the initiating entity gave a 'from', a fresh 'id', an
 * 'xml:lang', and the lower of the two versions.
 */
// @implements RFC6120 P20L36-P20L40, P37L1-P37L6, P37L46-P38L2, P38L2-P38L5, P39L12-P39L13, P40L10-P40L11, P42L14-P42L17
export function responseHeader(initial: Header | undefined, o: { domain: string; id: string; lang?: string }): XmlElement {
  const version = initial === undefined || compareVersions(initial.version, VERSION) > 0 ? VERSION : initial.version;
  return element('stream:stream', {
    from: o.domain,
    id: o.id,
    ...(initial?.from !== undefined && { to: initial.from }),
    version: formatVersion(version),
    // @implements RFC6120 P40L13-P40L19, P40L27-P40L32
    // Our text is English only: 'en' is both the language we support and our default, whatever the initiating entity preferred.
    'xml:lang': o.lang ?? 'en',
    xmlns: initial?.content ?? CLIENT_NS,
    'xmlns:stream': STREAM_NS,
  }, [], STREAM_NS);
}

/** The header as it goes on the wire: the XML declaration, then the open tag. */
// @implements RFC6120 P27L21-P27L23
export const headerText = (h: XmlElement) => `<?xml version='1.0'?>${openTag(h)}`;

const NMTOKEN = /^[A-Za-z0-9._:-]+$/;
// BCP 47's shape: subtags of 1-8 letters or digits, the first of letters.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

/**
 * Checks a received header, as the side `role` receives it: the initiating
 * entity receives response headers, the receiving entity initial ones.
 * Returns what it says, or the stream error to close with.
 */
export function checkHeader(e: XmlElement, role: 'initiating' | 'receiving', o: { domains?: readonly string[] } = {}): { ok: true; header: Header } | { ok: false; error: StreamError } {
  const fail = (condition: StreamCondition, reason: string) => ({ ok: false as const, error: new StreamError(condition, reason) });
  // @implements RFC6120 P43L27-P43L33
  if (e.name !== 'stream' || e.ns !== STREAM_NS)
    return fail(StreamCondition.InvalidNamespace, `the stream header is <${e.prefix ? `${e.prefix}:` : ''}${e.name}/> in '${e.ns}', not <stream/> in '${STREAM_NS}' (RFC 6120 §4.8.1)`);
  // @implements RFC6120 P47L31-P47L35
  if (e.prefix !== 'stream') return fail(StreamCondition.BadNamespacePrefix, `the stream namespace is bound to the prefix '${e.prefix}', and we accept only 'stream' (RFC 6120 §4.8.5)`);
  const content = e.attrs.xmlns ?? '';
  // @implements RFC6120 P43L39-P43L42, P45L15-P45L18
  // @exception RFC6120 P45L25-P45L32, P38L17-P38L20, P29L1-P29L6: no server-to-server streams: jabber:server is refused like any other content namespace
  if (content !== CLIENT_NS)
    return fail(StreamCondition.InvalidNamespace, `the content namespace is '${content}': this is a client-to-server stream, '${CLIENT_NS}' (RFC 6120 §4.8.3)`);
  // @implements RFC6120 P42L29-P42L32
  // No 'version' is 0.9, which has no features and no SASL: refused below as unsupported.
  const version = e.attrs.version === undefined ? { major: 0, minor: 9 } : parseVersion(e.attrs.version);
  if (version === undefined) return fail(StreamCondition.UnsupportedVersion, `version='${e.attrs.version}' is not <major>.<minor> (RFC 6120 §4.7.5)`);
  // @implements RFC6120 P41L46-P42L3, P66L36-P66L37
  // A higher minor version is fine (we ignore it); a different major one we cannot speak.
  if (version.major !== VERSION.major) return fail(StreamCondition.UnsupportedVersion, `version ${formatVersion(version)}: we speak ${formatVersion(VERSION)} (RFC 6120 §4.7.5)`);
  const lang = e.attrs['xml:lang'];
  // @implements RFC6120 P39L34-P39L38
  if (lang !== undefined && (!NMTOKEN.test(lang) || !LANGUAGE_TAG.test(lang)))
    return fail(StreamCondition.InvalidXml, `xml:lang='${lang}' is not a language tag (RFC 6120 §4.7.4: an NMTOKEN conforming to BCP 47)`);
  const header: Header = { version, content, ...(lang !== undefined && { lang }) };
  if (e.attrs.from !== undefined) header.from = e.attrs.from;
  if (role === 'receiving') {
    // @implements RFC6120 P55L18-P55L19
    if (e.attrs.to === undefined || (o.domains && !o.domains.includes(e.attrs.to.toLowerCase())))
      return fail(StreamCondition.HostUnknown, e.attrs.to === undefined ? "the initial stream header has no 'to' (RFC 6120 §4.7.2)" : `'${e.attrs.to}' is not a domain this server serves (RFC 6120 §4.9.3.6)`);
    header.to = e.attrs.to;
    // @implements RFC6120 P39L8-P39L10
    // An 'id' in an initial header is ignored.
  } else {
    // @implements RFC6120 P39L12-P39L13
    if (e.attrs.id === undefined) return fail(StreamCondition.InvalidXml, "the response stream header has no 'id' (RFC 6120 §4.7.3: the receiving entity MUST include it)");
    header.id = e.attrs.id;
    if (e.attrs.to !== undefined) header.to = e.attrs.to;
    // @implements RFC6120 P42L14-P42L17
    if (compareVersions(version, VERSION) > 0) return fail(StreamCondition.UnsupportedVersion, `the response header says version ${formatVersion(version)}, higher than our ${formatVersion(VERSION)} (RFC 6120 §4.7.5: the lower of the two)`);
  }
  return { ok: true, header };
}
