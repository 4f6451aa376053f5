/**
 * The XML stream reader: bytes in, the stream header and each first-level
 * element out, on top of saxes (a namespace-aware, non-validating parser
 * that resolves no external entity and expands none but the predefined
 * ones). RFC 6120 §11's restrictions are enforced on its events, and the
 * limits of §13.12 on what a peer can make us hold.
 *
 * @implements RFC6120 (XMPP core)
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { type XmlElement, type XmlNode } from './element.ts';
import { ReferenceScanner } from './references.ts';
import { StreamCondition, StreamError, type StreamPosition } from './streamErrors.ts';

export interface ReaderLimits {
  /**
   * The most octets a first-level element may take, from its '<' to its
   * last '>', and the most octets between two of them (whitespace, or
   * anything a peer sends outside an element). Default 262144 (256 KiB).
   */
  maxStanzaOctets?: number;
  /** The deepest nesting of elements inside a first-level element (which is depth 1). Default 64. */
  maxDepth?: number;
}

/**
 * 256 KiB: §13.12 says at least 10000 bytes, and no one number for all
 * deployments. It is Prosody's default for client streams, and room for a
 * vCard with an avatar (XEP-0153, some tens of KiB in base64); a peer
 * holding a stream open can make us hold no more than this per stream.
 */
// @implements RFC6120 P168L5-P168L16
export const DEFAULT_MAX_STANZA_OCTETS = 256 * 1024;

/** 64: real stanzas nest a handful deep (XHTML-IM, forwarded messages, a dozen or so). */
export const DEFAULT_MAX_DEPTH = 64;

/** Input is handed to saxes in slices of this many octets, so a limit is checked at least this often. */
const SLICE = 16 * 1024;

// @implements RFC6120 P20L22-P20L32
export type StreamEvent =
  | { type: 'header'; element: XmlElement }
  | { type: 'element'; element: XmlElement }
  | { type: 'close' }
  | { type: 'error'; error: StreamError };

/** A reader used after its stream ended. */
export class ReaderClosedError extends Error {}

const STREAM_WHITESPACE = /^[ \t\r\n]*$/;

// @implements RFC6120 P145L16-P145L24
// saxes is configured for what XMPP allows: namespaces on, no DTD processing (it has none).
export class StreamReader {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  // ignoreBOM: the decoder keeps a leading U+FEFF, for slice() to refuse.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly references = new ReferenceScanner();
  private readonly maxOctets: number;
  private readonly maxDepth: number;
  private events: StreamEvent[] = [];
  private done = false;
  /** Open elements inside the current first-level element, outermost first. */
  private stack: XmlElement[] = [];
  private depth = 0;
  private rootClosed = false;

  // @implements RFC6120 P168L5-P168L9
  // Positions: saxes counts UTF-16 code units; limits count octets.
  private octetsBefore = 0;
  private sliceText = '';
  private sliceAscii = true;
  private sliceCharStart = 0;
  /** Octet where the current first-level element began, or where the last one ended. */
  private mark = 0;
  private inElement = false;

  // @implements RFC6120 P168L13-P168L16
  constructor(limits: ReaderLimits = {}) {
    this.maxOctets = limits.maxStanzaOctets ?? DEFAULT_MAX_STANZA_OCTETS;
    // @implements RFC6120 P168L10
    if (this.maxOctets < 10000) throw new RangeError(`RFC6120 §13.12: a maximum stanza size MUST NOT be smaller than 10000 bytes (got ${this.maxOctets})`);
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.listen();
  }

  /**
   * Feeds bytes (or text, as its UTF-8) of the stream; returns what they
   * completed. After an error or the stream's end, the reader takes nothing
   * more.
   */
  feed(chunk: Uint8Array | string): StreamEvent[] {
    if (this.done) throw new ReaderClosedError('the stream is over (an error or its closing tag); this reader reads nothing more');
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    for (let at = 0; at < bytes.length && !this.done; at += SLICE) this.slice(bytes.subarray(at, at + SLICE));
    const out = this.events;
    this.events = [];
    return out;
  }

  private slice(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      // @implements RFC6120 P64L27-P64L30
      return this.fail(StreamCondition.UnsupportedEncoding, `the ${bytes.length} octets from here are not UTF-8 (RFC 6120 §11.6: UTF-8 and only UTF-8)`, this.octetsBefore);
    }
    // @implements RFC6120 P148L1-P148L4
    // saxes would skip a leading U+FEFF as a byte order mark; here it is a character, and no character may precede the stream.
    if (this.parser.position === 0 && text.startsWith('\ufeff'))
      return this.fail(StreamCondition.NotWellFormed, 'U+FEFF at the start of the stream: it is ZERO WIDTH NO-BREAK SPACE, not a byte order mark (RFC 6120 §11.6), and character data may not precede the XML declaration');
    this.sliceCharStart = this.parser.position;
    this.sliceText = text;
    this.sliceAscii = text.length === bytes.length;
    // @implements RFC6120 P146L27-P146L29
    // A '&' that begins no reference is refused where it stands; saxes would read on to the next ';'.
    const bare = this.references.scan(text);
    this.parser.write(bare < 0 ? text : text.slice(0, bare));
    if (this.done) return;
    if (bare >= 0) return this.fail(StreamCondition.NotWellFormed, "not well-formed XML: a '&' that begins no entity or character reference", this.octetsBefore + Buffer.byteLength(text.slice(0, bare)));
    this.octetsBefore += bytes.length;
    this.checkSize(this.octetsBefore);
  }

  /** The octet offset of a saxes position (a UTF-16 index), within or before the current slice. */
  private octetAt(charPos: number): number {
    const k = Math.max(0, Math.min(charPos - this.sliceCharStart, this.sliceText.length));
    return this.octetsBefore + (this.sliceAscii ? k : Buffer.byteLength(this.sliceText.slice(0, k)));
  }

  /** Where the stream is: saxes's position is right while it emits an event; after a write, the caller knows the offset. */
  private here(offset?: number): StreamPosition {
    return { offset: offset ?? this.octetAt(this.parser.position), line: this.parser.line, column: this.parser.column + 1 };
  }

  // @implements RFC6120 P168L16-P168L20
  private checkSize(now: number): void {
    const size = now - this.mark;
    if (size <= this.maxOctets) return;
    if (this.inElement) this.fail(StreamCondition.PolicyViolation, `a first-level element is over ${this.maxOctets} octets (RFC 6120 §13.12: the stanza size limit)`, now);
    else this.fail(StreamCondition.PolicyViolation, `${size} octets between first-level elements, over the ${this.maxOctets} allowed`, now);
  }

  private fail(condition: StreamCondition, reason: string, offset?: number): void {
    if (this.done) return;
    this.done = true;
    this.events.push({ type: 'error', error: new StreamError(condition, reason, this.here(offset)) });
  }

  private listen(): void {
    const p = this.parser;
    // @implements RFC6120 P145L41-P145L45
    // Each restricted feature closes the stream with <restricted-xml/>.
    p.on('comment', () => this.fail(StreamCondition.RestrictedXml, 'a comment (RFC 6120 §11.1)'));
    p.on('processinginstruction', (pi) => this.fail(StreamCondition.RestrictedXml, `a processing instruction <?${pi.target} …?> (RFC 6120 §11.1)`));
    p.on('doctype', () => this.fail(StreamCondition.RestrictedXml, 'a document type declaration (RFC 6120 §11.1: no internal or external DTD subset)'));
    // @implements RFC6120 P147L20-P147L22
    // saxes applies XML's XMLDecl production and allows the declaration only first.
    p.on('xmldecl', (decl) => {
      // @implements RFC6120 P147L36-P147L42
      if (decl.encoding !== undefined && decl.encoding.toUpperCase() !== 'UTF-8')
        return this.fail(StreamCondition.UnsupportedEncoding, `the XML declaration names encoding '${decl.encoding}' (RFC 6120 §11.6: UTF-8 only)`);
      // @implements RFC6120 P147L28-P147L32
      if (decl.standalone === 'no') this.fail(StreamCondition.RestrictedXml, "the XML declaration has standalone='no' (RFC 6120 §11.5)");
    });
    p.on('error', (e) => {
      // @implements RFC6120 P145L32-P145L33
      // saxes expands the five predefined entities and reports any other reference as undefined.
      if (/undefined entity/.test(e.message)) return this.fail(StreamCondition.RestrictedXml, 'an entity reference other than the five predefined ones (RFC 6120 §11.1)');
      // @implements RFC6120 P146L27-P146L29, P146L34-P146L39
      this.fail(StreamCondition.NotWellFormed, `not well-formed XML: ${e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')}`);
    });
    p.on('opentagstart', (tag) => {
      if (this.done) return;
      this.depth++;
      if (this.depth === 2) {
        // The element starts at its '<': saxes has read '<', the name and one more character.
        this.mark = this.octetAt(p.position - tag.name.length - 2);
        this.inElement = true;
      }
      // @implements RFC6120 P59L35-P59L38
      if (this.depth - 1 > this.maxDepth) this.fail(StreamCondition.PolicyViolation, `elements nested more than ${this.maxDepth} deep in a first-level element`);
    });
    // @implements RFC6120 P20L24-P20L27, P20L42-P20L44
    // Depth 0 is the stream header, depth 1 a first-level element (a stanza, features, a SASL element).
    p.on('opentag', (tag) => {
      if (this.done) return;
      const e = fromTag(tag);
      if (this.depth === 1) return void this.events.push({ type: 'header', element: e });
      this.stack[this.stack.length - 1]?.children.push(e);
      this.stack.push(e);
    });
    p.on('closetag', () => {
      if (this.done) return;
      this.depth--;
      // @implements RFC6120 P20L26-P20L27
      if (this.depth === 0) {
        this.rootClosed = true;
        this.done = true;
        return void this.events.push({ type: 'close' });
      }
      const e = this.stack.pop()!;
      if (this.stack.length > 0) return;
      // @implements RFC6120 P168L7-P168L9
      const end = this.octetAt(p.position);
      this.inElement = false;
      this.checkSize(end);
      if (this.done) return;
      this.mark = end;
      this.events.push({ type: 'element', element: e });
    });
    const text = (t: string) => {
      if (this.done) return;
      const top = this.stack[this.stack.length - 1];
      if (top) return appendText(top.children, t);
      // @implements RFC6120 P148L8-P148L11
      // Between first-level elements only whitespace may come.
      if (this.depth === 1 && !STREAM_WHITESPACE.test(t)) this.fail(StreamCondition.BadFormat, 'character data between first-level elements (RFC 6120 §11.7: only whitespace)');
    };
    p.on('text', text);
    p.on('cdata', text);
  }

  /** Whether the stream's closing tag was read. */
  get closed(): boolean {
    return this.rootClosed;
  }
}

function appendText(children: XmlNode[], t: string): void {
  const last = children.length - 1;
  if (last >= 0 && typeof children[last] === 'string') children[last] = (children[last] as string) + t;
  else children.push(t);
}

function fromTag(tag: SaxesTagNS): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [name, a] of Object.entries(tag.attributes)) attrs[name] = a.value;
  return { name: tag.local, prefix: tag.prefix, ns: tag.uri, attrs, children: [] };
}
