/**
 * Framing SIP messages on a stream (TCP, TLS): the header section ends at
 * the first empty line and Content-Length says how many body octets follow,
 * so a byte stream splits into messages (RFC 3261 §7.5, §18.3).
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';
import { parse, indexOfCrlfCrlf, skipLeadingCrlf } from './parse.ts';
import type { Message } from './message.ts';

/** Most octets a header section may take before the stream is given up. */
const MAX_HEAD = 64 * 1024;

export class StreamFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  /** Once the stream broke framing it cannot be resynchronized (§18.3). */
  private broken: SipParseError | undefined;

  /**
   * Add octets received on the stream; returns the messages now complete,
   * in order. Throws SipParseError when the stream cannot be framed (the
   * connection should then be closed).
   */
  push(chunk: Uint8Array): Message[] {
    if (this.broken) throw this.broken;
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const out: Message[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (frame === undefined) break;
      try {
        out.push(parse(frame, { transport: 'stream' }));
      } catch (e) {
        // the frame was delimited, so the stream stays in step: report it with its octets and go on
        if (!(e instanceof SipParseError)) throw e;
        e.frame = frame;
        this.errors.push(e);
      }
    }
    return out;
  }

  /** Messages that were framed but did not parse (each error's `frame` holds its octets), since the last take. */
  errors: SipParseError[] = [];

  /** Octets received but not yet part of a whole message. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The next whole message's octets, or undefined when more must arrive. */
  // @implements RFC3261 P34L8-P34L14, P147L18-P147L20
  private nextFrame(): Uint8Array | undefined {
    // CRLFs between messages (keep-alives) are skipped
    const start = skipLeadingCrlf(this.buffer);
    if (start > 0) this.buffer = this.buffer.subarray(start);
    const end = indexOfCrlfCrlf(this.buffer, 0);
    if (end < 0) {
      if (this.buffer.length > MAX_HEAD) this.break(new SipParseError('message-header', `no end of the header section within ${MAX_HEAD} octets`));
      return undefined;
    }
    const head = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, end).toString('latin1');
    let length: number | undefined;
    try {
      length = contentLengthOf(head);
    } catch (e) {
      if (e instanceof SipParseError) this.break(e);
      throw e;
    }
    if (length === undefined) this.break(new SipParseError('Content-Length', 'required on stream transports but absent; the stream cannot be framed'));
    const total = end + 4 + length;
    if (this.buffer.length < total) return undefined;
    const frame = this.buffer.subarray(0, total);
    this.buffer = this.buffer.subarray(total);
    return frame;
  }

  private break(e: SipParseError): never {
    this.broken = e;
    throw e;
  }
}

/**
 * Content-Length (or `l`) of a raw header section, folding included. Two
 * different values leave the end of the message unknown: the stream cannot
 * be framed.
 */
function contentLengthOf(head: string): number | undefined {
  let length: number | undefined;
  for (const m of head.matchAll(/\r\n(?:content-length|l)[ \t]*:[ \t]*(?:\r\n[ \t]+)?([^\r\n]*)/gi)) {
    const v = m[1].trim();
    if (!/^\d{1,10}$/.test(v)) throw new SipParseError('Content-Length', `must be a number of octets, found ${JSON.stringify(v)}; the stream cannot be framed`);
    if (length !== undefined && length !== Number(v)) throw new SipParseError('Content-Length', `appears twice with different values (${length}, ${v}); the stream cannot be framed`);
    length = Number(v);
  }
  return length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
