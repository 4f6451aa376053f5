/**
 * Framing SIP messages on a stream (TCP, TLS): the header section ends at
 * the first empty line and Content-Length says how many body octets follow,
 * so a byte stream splits into messages (RFC 3261 §7.5, §18.3).
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';
import { checkSize, messageLimits, type MessageLimits } from './limits.ts';
import { parse, indexOfCrlfCrlf, skipLeadingCrlf } from './parse.ts';
import type { Message } from './message.ts';

const EMPTY = new Uint8Array(0);
/** A buffer larger than this is let go once it holds no octets, so one big message does not pin memory. */
const KEEP_BYTES = 64 * 1024;

/**
 * Frames a stream in time linear in its length: octets go into one buffer
 * that grows by doubling; the search for the empty line resumes where it
 * stopped; once the header section is known the framer only waits for
 * Content-Length octets. Each message's octets are copied out once. The
 * verdict on a stream does not depend on how it was split into chunks.
 */
export class StreamFramer {
  readonly #limits: MessageLimits;
  #buffer: Uint8Array = EMPTY;
  /** The unconsumed octets are #buffer[#start, #end). */
  #start = 0;
  #end = 0;
  /** Octets of the current message already searched for CRLF CRLF. */
  #scanned = 0;
  /** The length of the current message once its header section is known, else -1. */
  #total = -1;
  /** Once the stream broke framing it cannot be resynchronized (§18.3). */
  private broken: SipParseError | undefined;

  constructor(limits: Partial<MessageLimits> = {}) {
    this.#limits = messageLimits(limits);
  }

  /**
   * Add octets received on the stream; returns the messages now complete,
   * in order. Throws SipParseError when the stream cannot be framed (the
   * connection should then be closed); its `frame` holds the header
   * section when one was read, so the request can still be answered. When
   * messages came before the fault in this chunk, they are returned and
   * `failure` holds the fault instead.
   */
  push(chunk: Uint8Array): Message[] {
    if (this.broken) throw this.broken;
    this.#append(chunk);
    const out: Message[] = [];
    for (;;) {
      let frame: Uint8Array | undefined;
      try {
        frame = this.nextFrame();
      } catch (e) {
        // Messages framed before the fault are not lost: they are returned,
        // `failure` says the stream broke, and the next push throws.
        if (out.length > 0 && e === this.broken) return out;
        throw e;
      }
      if (frame === undefined) break;
      try {
        out.push(parse(frame, { transport: 'stream', limits: this.#limits }));
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

  /** The fault that broke the stream, once it broke (push then throws it). */
  get failure(): SipParseError | undefined {
    return this.broken;
  }

  /** Octets received but not yet part of a whole message. */
  get pending(): number {
    return this.#end - this.#start;
  }

  /** Appends in amortized constant time per octet: compact when half is free, else double. */
  #append(chunk: Uint8Array): void {
    const live = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = live + chunk.length;
      if (needed <= this.#buffer.length >> 1) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(Math.max(2 * needed, 4096));
        grown.set(this.#buffer.subarray(this.#start, this.#end), 0);
        this.#buffer = grown;
      }
      this.#start = 0;
      this.#end = live;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The next whole message's octets (a copy), or undefined when more must arrive. */
  // @implements RFC3261 P34L8-P34L14, P147L18-P147L20
  private nextFrame(): Uint8Array | undefined {
    if (this.#total < 0 && !this.#readHead()) return undefined;
    if (this.pending < this.#total) return undefined;
    const frame = this.#buffer.slice(this.#start, this.#start + this.#total);
    this.#start += this.#total;
    this.#scanned = 0;
    this.#total = -1;
    this.#releaseIfEmpty();
    return frame;
  }

  /** Finds the end of the header section and reads Content-Length; false when more must arrive. */
  #readHead(): boolean {
    const view = this.#buffer.subarray(this.#start, this.#end);
    // CRLFs between messages (keep-alives) are skipped
    const skipped = skipLeadingCrlf(view);
    if (skipped > 0) {
      this.#start += skipped;
      this.#scanned = Math.max(0, this.#scanned - skipped);
      this.#releaseIfEmpty();
      return this.#readHead();
    }
    // Resume 3 octets back: a CRLF CRLF may straddle the previous chunk's end.
    const end = indexOfCrlfCrlf(view, Math.max(0, this.#scanned - 3));
    const max = this.#limits.maxHeaderBytes;
    if (end < 0 && view.length <= max) {
      this.#scanned = view.length;
      return false;
    }
    if (end < 0 || end + 4 > max) {
      // Answered from the first maxHeaderBytes octets, whole lines only, whichever way they arrived.
      const first = view.subarray(0, max);
      this.#guard(() => checkSize('header', end < 0 ? view.length : end + 4, this.#limits), first.subarray(0, first.lastIndexOf(0x0a) + 1));
    }
    const head = view.subarray(0, end + 4);
    const length = this.#guard(() => {
      const value = contentLengthOf(Buffer.from(head.buffer, head.byteOffset, end).toString('latin1'));
      if (value === undefined) throw new SipParseError('Content-Length', 'required on stream transports but absent; the stream cannot be framed');
      checkSize('body', value, this.#limits);
      return value;
    }, head);
    this.#total = head.length + length;
    return true;
  }

  /** Runs a check of the header section; a fault breaks the stream for good, keeping `head` so it can be answered. */
  #guard<T>(check: () => T, head: Uint8Array): T {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      e.frame = head.slice();
      this.broken = e;
      this.#buffer = EMPTY;
      this.#start = this.#end = 0;
      throw e;
    }
  }

  #releaseIfEmpty(): void {
    if (this.#start !== this.#end) return;
    this.#start = this.#end = 0;
    if (this.#buffer.length > KEEP_BYTES) this.#buffer = EMPTY;
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
