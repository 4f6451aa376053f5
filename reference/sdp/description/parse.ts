// @implements RFC8866 (SDP: Session Description Protocol)
// @cites-obsoleted RFC4566: each RFC 8866 rule here is quoted beside the RFC 4566 rule it replaced, which descriptions written to RFC 4566 still follow
/**
 * Octets (or text) to a SessionDescription: the lines (lines.ts), then the
 * fields in the order §5 gives them, each parsed by its own module.
 *
 * An error is an SdpError naming the rule and the line and column; what is
 * accepted but not as RFC 8866 writes it (LF line ends, a k= line, an
 * obsolete attribute...) is a warning with the same.
 *
 * @exception RFC8866 P41L42-P41L44, P42L19-P42L27, P43L9-P43L17, P43L47-P43L48, P45L7-P47L39,
 *   P48L11-P48L21, P49L6-P49L9, P49L19: rules for IANA and for the authors of specifications that
 *   register new values; a parser takes any token where §9 allows one
 */
import { SdpError, Warnings, fail, type FieldLine, type SdpWarning } from './errors.ts';
import { decode, splitLines } from './lines.ts';
import { parseOrigin } from './origin.ts';
import { parseEmail, parseInformation, parsePhone, parseSessionName, parseUri } from './text.ts';
import { isMulticastConnection, parseConnection } from './connection.ts';
import { parseBandwidth } from './bandwidth.ts';
import { parseRepeat, parseTiming, parseZone } from './time.ts';
import { checkRtpMaps, parseMedia } from './media.ts';
import { checkRtcpParity } from './rtcp.ts';
import { parseAttribute } from './attribute.ts';
import type { Level } from './attributeValue.ts';
import { checkMidsUnique } from './grouping.ts';
import { inFieldOrder, type CollectedSession } from './fieldOrder.ts';
import type { Attribute, MediaDescription, SessionDescription } from './types.ts';

export interface ParseOptions {
  /**
   * Accept, with a warning, what older examples do that RFC 8866 forbids:
   * fields out of order (RFC 3264's `t=` before `c=`) and an empty `s=`.
   */
  lenient?: boolean;
  /** The largest description accepted, in octets (default 1 MiB): memory stays bounded. */
  maxBytes?: number;
}

export interface ParseResult {
  description: SessionDescription;
  warnings: SdpWarning[];
}

/** One place in the order of §5: a type letter, how few and how many of it. */
interface Slot {
  type: string;
  min: number;
  max: number;
}

const slots = (spec: string): Slot[] =>
  spec.split(' ').map((s) => ({ type: s[0], min: s.includes('1') ? 1 : 0, max: s.endsWith('*') ? Infinity : 1 }));

/**
 * The session level: `v o s i u e p c b`, one or more time descriptions
 * (`t`, with its `r` and `z`), `k a`. A media description: `m i c b k a`.
 * `1` marks a required field, `*` one that may repeat.
 */
// @implements RFC8866 P9L15-P10L11
const SESSION = slots('v1 o1 s1 i u e* p* c b* t1* k a*');
const MEDIA = slots('m1 i c* b* k a*');
const SESSION_INDEX = new Map(SESSION.map((s, i) => [s.type, i]));
const MEDIA_INDEX = new Map(MEDIA.map((s, i) => [s.type, i]));

/** The rule that says how many of a field there may be, for the error when there are too many. */
const AT_MOST: Record<string, string> = {
  v: 'RFC8866 §5.1',
  o: 'RFC8866 §5.2',
  s: 'RFC8866 §5.3',
  i: 'RFC8866 §5.4',
  u: 'RFC8866 §5.5',
  c: 'RFC8866 §5.7',
  k: 'RFC8866 §5.12',
};

/** The field names of §5, for messages. */
const NAMES: Record<string, string> = {
  v: 'protocol version', o: 'origin', s: 'session name', i: 'information', u: 'URI', e: 'email', p: 'phone', c: 'connection',
  b: 'bandwidth', t: 'time', r: 'repeat times', z: 'time zones', k: 'encryption key', a: 'attribute', m: 'media',
};

/** The default limit on a description's size: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1 << 20;

/**
 * The description, or the SdpError of the first rule it breaks. It must
 * follow §9's grammar: the order and counts of the fields below, each
 * field's syntax in its module.
 */
// @implements RFC8866 P9L12, P9L24-P9L25
export function parse(input: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // A string's UTF-8 size is at most 3 octets a UTF-16 unit: counted only when that could exceed the limit.
  const size = typeof input !== 'string' ? input.length : input.length * 3 <= maxBytes ? 0 : Buffer.byteLength(input);
  if (size > maxBytes) throw new SdpError('limit', `the description is ${size} octets, more than the ${maxBytes} accepted`, 1, 1);
  const warnings = new Warnings();
  // @implements RFC8866 P8L47-P9L1
  const lines = splitLines(decode(input, warnings), warnings);
  const reader = new Reader(warnings, options.lenient === true);
  for (const field of lines) reader.read(field);
  const description = reader.finish(lines.length);
  return { description, warnings: warnings.list };
}

/** The state of one parse: where in the order of §5 the last field was, and what is built so far. */
class Reader {
  // A session-level section, then zero or more media descriptions: where the next field goes, and what each has so far.
  // @implements RFC8866 P9L15-P9L16
  private level: Level = 'session';
  private slot = -1;
  private readonly counts = new Map<string, number>();
  private readonly session: CollectedSession = {
    emails: [],
    phones: [],
    bandwidths: [],
    timings: [],
    attributes: [],
    media: [],
  };
  private media: MediaDescription | undefined;
  private mediaLine = 0;
  private readonly mediaLines: number[] = [];

  constructor(
    private readonly warnings: Warnings,
    private readonly lenient: boolean,
  ) {}

  /** The session-level section runs from v= to the first m=; each media description from its m= to the next. */
  // @implements RFC8866 P9L15-P9L21
  read(field: FieldLine): void {
    if (field.type === 'm') return this.startMedia(field);
    if (field.type === 'r' || field.type === 'z') return this.timeModifier(field);
    this.place(field);
    if (this.level === 'session') this.sessionField(field);
    else this.mediaField(field, this.media!);
  }

  /** Moves to the field's slot: later ones only, none required skipped, no more of it than allowed. */
  // @implements RFC8866 P12L46, P13L11-P13L13, P13L37
  private place(field: FieldLine): void {
    const order = this.level === 'session' ? SESSION : MEDIA;
    const j = (this.level === 'session' ? SESSION_INDEX : MEDIA_INDEX).get(field.type) ?? -1;
    if (j < 0) return this.notAtThisLevel(field);
    if (j < this.slot) {
      const message = `${field.type}= (${NAMES[field.type]}) after ${order[this.slot].type}=: fields appear in the order ${order.map((s) => s.type).join(' ')}`;
      if (!this.lenient) fail('RFC8866 §5', message, field, -2);
      this.warnings.add('RFC8866 §5', `${message}; accepted`, field.line, 1);
    } else {
      this.requireBetween(order, this.slot + 1, j, field);
      this.slot = j;
    }
    const n = (this.counts.get(field.type) ?? 0) + 1;
    this.counts.set(field.type, n);
    if (n > order[j].max) fail(AT_MOST[field.type] ?? 'RFC8866 §5', `more than one ${field.type}= line ${this.level === 'session' ? 'at session level' : 'in this media description'}`, field, -2);
  }

  /** Every required slot in [from, to) has been seen; `at` is the line that came instead. */
  // @implements RFC8866 P9L24
  private requireBetween(order: Slot[], from: number, to: number, at: FieldLine | undefined, line = 0): void {
    for (let k = Math.max(from, 0); k < to; k++) {
      const s = order[k];
      if (s.min > 0 && !this.counts.get(s.type)) {
        const where = at ? `before ${at.type}=` : 'at the end of the session-level section';
        throw new SdpError(MISSING[s.type] ?? 'RFC8866 §5', `no ${s.type}= (${NAMES[s.type]}) line ${where}: it is required${s.type === 'v' ? ' and comes first' : ''}`, at?.line ?? line, 1);
      }
    }
  }

  /** e= and p= before the first media description; the other session fields too. */
  // @implements RFC8866 P14L3-P14L4
  private notAtThisLevel(field: FieldLine): never {
    const rule = field.type === 'e' || field.type === 'p' ? 'RFC8866 §5.6' : 'RFC8866 §5';
    fail(rule, `${field.type}= (${NAMES[field.type]}) is a session-level field: it MUST come before the first m= line`, field, -2);
  }

  private sessionField(field: FieldLine): void {
    const s = this.session;
    switch (field.type) {
      case 'v':
        // @implements RFC8866 P11L27-P11L31
        if (field.value !== '0') fail('RFC8866 §5.1', `v=${field.value}: the version is 0 (there is no other)`, field);
        s.version = 0;
        return;
      // @implements RFC8866 P11L38-P11L40
      case 'o':
        s.origin = parseOrigin(field, this.warnings);
        return;
      case 's':
        s.sessionName = parseSessionName(field, this.warnings, this.lenient);
        return;
      case 'i':
        s.information = parseInformation(field);
        return;
      case 'u':
        s.uri = parseUri(field);
        return;
      // @implements RFC8866 P14L4-P14L5
      case 'e':
        s.emails.push(parseEmail(field));
        return;
      case 'p':
        s.phones.push(parsePhone(field, this.warnings));
        return;
      case 'c': {
        const c = parseConnection(field);
        // @implements RFC8866 P16L31-P16L35
        if ((c.numberOfAddresses ?? 1) > 1) fail('RFC8866 §5.7', 'multiple addresses MUST NOT be specified at session level', field);
        s.connection = c;
        return;
      }
      // @implements RFC8866 P16L44-P16L45
      case 'b':
        s.bandwidths.push(parseBandwidth(field, this.warnings));
        return;
      case 't':
        s.timings.push(parseTiming(field));
        return;
      case 'k':
        return this.discardKey(field);
      // @implements RFC8866 P21L23-P21L26
      case 'a':
        s.attributes.push(parseAttribute(field, 'session', this.warnings));
        return;
    }
  }

  private mediaField(field: FieldLine, m: MediaDescription): void {
    switch (field.type) {
      // @implements RFC8866 P13L19-P13L20
      case 'i':
        m.information = parseInformation(field);
        return;
      case 'c':
        return this.mediaConnection(field, m);
      case 'b':
        m.bandwidths.push(parseBandwidth(field, this.warnings));
        return;
      case 'k':
        return this.discardKey(field);
      // @implements RFC8866 P21L20-P21L23
      case 'a':
        return this.mediaAttribute(field, m);
    }
  }

  /** A media attribute; an fmtp names one of the formats its m= line lists. */
  private mediaAttribute(field: FieldLine, m: MediaDescription): void {
    const a = parseAttribute(field, 'media', this.warnings);
    // @implements RFC8866 P38L14-P38L16
    if (a.kind === 'fmtp' && !m.formats.includes(a.format)) fail('RFC8866 §6.15', `a=fmtp:${a.format}: ${a.format} is not one of the formats of the m= line (${m.formats.join(' ')})`, field, 5);
    m.attributes.push(a);
  }

  /** A media description's c= lines: more than one only when every one is a multicast group (the layers of a layered encoding). */
  // @implements RFC8866 P16L31-P16L33
  private mediaConnection(field: FieldLine, m: MediaDescription): void {
    const c = parseConnection(field);
    const unicast = [...m.connections, c].find((x) => !isMulticastConnection(x));
    if (m.connections.length > 0 && unicast) fail('RFC8866 §5.7', `a second c= line in this media description, but ${unicast.address} is not a multicast address: several c= lines only give multicast addresses for the layers of a layered encoding`, field);
    m.connections.push(c);
  }

  /**
   * `k=` is obsolete: RFC 8866 says to discard it on receipt (and never
   * to write one: the model has no field for it). RFC 4566 still defined
   * its methods, with use NOT RECOMMENDED.
   */
  // @implements RFC8866 P21L5-P21L7
  // @implements RFC4566 P19L41-P19L47
  private discardKey(field: FieldLine): void {
    this.warnings.at('RFC8866 §5.12', 'k= is obsolete: discarded', field, -2);
  }

  /**
   * `r=` follows its `t=` (or another `r=`); `z=` follows the `r=` lines
   * it modifies, once. RFC 8866 made a `z=` without an `r=` before it a
   * syntax error; under RFC 4566 it followed the time descriptions.
   */
  // @implements RFC8866 P18L9-P18L12, P20L6-P20L7
  // @implements RFC4566 P40L3-P40L5
  private timeModifier(field: FieldLine): void {
    const timing = this.session.timings[this.session.timings.length - 1];
    const inTime = this.level === 'session' && SESSION[this.slot]?.type === 't';
    if (!inTime || !timing) fail(field.type === 'r' ? 'RFC8866 §5.10' : 'RFC8866 §5.11', `${field.type}= (${NAMES[field.type]}) must follow a t= line${field.type === 'z' ? ' and its r= lines' : ''}`, field, -2);
    // @implements RFC8866 P19L7-P19L9
    if (field.type === 'r') {
      if (timing.zone !== undefined) fail('RFC8866 §5.11', 'r= after z=: the z= line ends its time description', field, -2);
      timing.repeats.push(parseRepeat(field));
      return;
    }
    if (timing.repeats.length === 0) fail('RFC8866 §5.11', 'z= without an r= line before it (a syntax error since RFC 8866)', field, -2);
    if (timing.zone !== undefined) fail('RFC8866 §5.11', 'more than one z= line in a time description', field, -2);
    timing.zone = parseZone(field);
  }

  // @implements RFC8866 P22L16-P22L19
  private startMedia(field: FieldLine): void {
    if (this.level === 'session') this.requireBetween(SESSION, this.slot + 1, SESSION.length, field);
    else this.endMedia();
    this.level = 'media';
    this.slot = 0;
    this.counts.clear();
    this.counts.set('m', 1);
    this.media = parseMedia(field, this.warnings);
    this.mediaLine = field.line;
    this.mediaLines.push(field.line);
    this.session.media.push(this.media);
  }

  /** The checks of a whole media description. */
  // @implements RFC8866 P29L46-P29L48
  private endMedia(): void {
    const m = this.media!;
    const at: FieldLine = { type: 'm', value: '', line: this.mediaLine };
    checkRtpMaps(m, at, this.warnings);
    checkRtcpParity(m, at, this.warnings);
    atMostOneDirection(m.attributes, this.mediaLine, 'media');
  }

  /** The required session fields seen, the description assembled, the checks that need all of it. */
  // @implements RFC8866 P9L15-P9L18, P14L37-P14L38
  finish(lineCount: number): SessionDescription {
    if (this.level === 'session') this.requireBetween(SESSION, this.slot + 1, SESSION.length, undefined, Math.max(lineCount, 1));
    else this.endMedia();
    const s = inFieldOrder(this.session);
    // @implements RFC8866 P29L46-P29L48
    atMostOneDirection(s.attributes, 1, 'session');
    requireConnections(s, this.mediaLines);
    checkMidsUnique(s, this.mediaLines);
    return s;
  }
}

/** The rule that requires a field, for the error when it is missing. */
const MISSING: Record<string, string> = {
  v: 'RFC8866 §5',
  o: 'RFC8866 §5.2',
  s: 'RFC8866 §5.3',
  t: 'RFC8866 §5.9',
};

/** At most one media direction attribute at each level. */
// @implements RFC8866 P29L46-P29L48
function atMostOneDirection(attributes: readonly Attribute[], line: number, level: Level): void {
  if (attributes.filter((a) => a.kind === 'direction').length > 1)
    throw new SdpError('RFC8866 §6.7', `more than one of sendrecv, sendonly, recvonly, inactive ${level === 'session' ? 'at session level' : 'in the media description'}`, line, 1);
}

/** A c= line in each media description, or one at session level. */
// @implements RFC8866 P14L37-P14L38
function requireConnections(s: SessionDescription, mediaLines: number[]): void {
  if (s.connection) return;
  s.media.forEach((m, i) => {
    if (m.connections.length === 0) throw new SdpError('RFC8866 §5.7', 'this media description has no c= line, and there is none at session level', mediaLines[i], 1);
  });
}
