/**
 * Framing SIP messages on a stream (TCP, TLS): the header section ends at
 * the first empty line and Content-Length says how many body octets follow,
 * so a byte stream splits into messages (RFC 3261 §7.5, §18.3).
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';
import { checkSize, messageLimits, type MessageLimits } from './limits.ts';
import { parse, contentLengthOf, indexOfCrlfCrlf, skipLeadingCrlf } from './parse.ts';
import type { Message } from './message.ts';

const EMPTY = new Uint8Array(0);
/** A buffer larger than this is let go once it holds no octets, so one big message does not pin memory. */
const KEEP_BYTES = 64 * 1024;

/** What a stream held, in its order: a message, or a framed message that did not parse (`frame` holds its octets). */
export type Framed = { message: Message; error?: undefined } | { error: SipParseError; message?: undefined };

/**
 * Frames a stream in time linear in its length: octets go into one buffer
 * that grows by doubling until a message's header section is read, then to
 * exactly that message's length; the search for the empty line resumes
 * where it stopped; once the header section is known the framer only waits
 * for Content-Length octets. Each message's octets are copied out at most
 * once (a message as large as its buffer is handed out without a copy).
 * The verdict on a stream does not depend on how it was split into chunks.
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
  /** CRLFs skipped since the last message, for keep-alive pings (RFC 5626 §3.5.1). */
  #crlfs = 0;
  /** Once the stream broke framing it cannot be resynchronized (§18.3). */
  private broken: SipParseError | undefined;

  constructor(limits: Partial<MessageLimits> = {}) {
    this.#limits = messageLimits(limits);
  }

  /**
   * Add octets received on the stream; returns what they completed, in the
   * stream's order: messages, and framed messages that did not parse (the
   * stream stays in step after those). Never throws for the stream's own
   * faults: when the stream cannot be framed any more, what came before the
   * fault is returned and `failure` holds the fault (its `frame` holds the
   * header section when one was read, so the request can still be
   * answered); later chunks are ignored.
   */
  feed(chunk: Uint8Array): Framed[] {
    const out: Framed[] = [];
    if (this.broken) return out;
    this.#append(chunk);
    for (;;) {
      let frame: Uint8Array | undefined;
      try {
        frame = this.nextFrame();
      } catch (e) {
        if (e === this.broken) return out;
        throw e;
      }
      if (frame === undefined) return out;
      try {
        out.push({ message: parse(frame, { transport: 'stream', limits: this.#limits }) });
      } catch (e) {
        // the frame was delimited, so the stream stays in step: report it with its octets and go on
        if (!(e instanceof SipParseError)) throw e;
        e.frame = frame;
        out.push({ error: e });
      }
    }
  }

  /**
   * `feed` for callers that want the messages alone: framed messages that did
   * not parse go to `errors`, in order; when the stream broke and no message
   * came in this chunk, the fault is thrown (after `errors` got the ones
   * before it).
   */
  push(chunk: Uint8Array): Message[] {
    if (this.broken) throw this.broken;
    const messages: Message[] = [];
    for (const item of this.feed(chunk)) {
      if (item.error !== undefined) this.errors.push(item.error);
      else messages.push(item.message);
    }
    if (this.broken && messages.length === 0) throw this.broken;
    return messages;
  }

  /** Messages that were framed but did not parse (each error's `frame` holds its octets), since the last take. */
  errors: SipParseError[] = [];

  /** The fault that broke the stream, once it broke (push then throws it). */
  get failure(): SipParseError | undefined {
    return this.broken;
  }

  /** Octets the buffer can hold now (what this framer pins in memory). */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Octets received but not yet part of a whole message. */
  get pending(): number {
    return this.#end - this.#start;
  }

  /**
   * Keep-alive pings (a double CRLF between messages, RFC 5626 §3.5.1) read
   * since the last take; each is owed a pong.
   */
  pings = 0;

  /**
   * Appends in amortized constant time per octet: compact when half is free,
   * else grow: by doubling while the message's length is unknown (so at most
   * twice maxHeaderBytes and a chunk), then to exactly what the message and
   * this chunk need, so a large body is never held twice.
   */
  #append(chunk: Uint8Array): void {
    const live = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = live + chunk.length;
      if (needed <= this.#buffer.length >> 1) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(this.#total >= 0 ? Math.max(this.#total, needed) : Math.max(2 * needed, 4096));
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
    // A large message that is all the buffer holds is handed out as it lies, not copied.
    const whole = this.pending === this.#total && this.#buffer.length > KEEP_BYTES;
    const frame = whole ? this.#buffer.subarray(this.#start, this.#end) : this.#buffer.slice(this.#start, this.#start + this.#total);
    if (whole) this.#buffer = EMPTY;
    this.#start = whole ? 0 : this.#start + this.#total;
    if (whole) this.#end = 0;
    this.#scanned = 0;
    this.#total = -1;
    this.#crlfs = 0;
    this.#releaseIfEmpty();
    return frame;
  }

  /** Finds the end of the header section and reads Content-Length; false when more must arrive. */
  #readHead(): boolean {
    const view = this.#buffer.subarray(this.#start, this.#end);
    // CRLFs between messages (keep-alives) are skipped
    const skipped = skipLeadingCrlf(view);
    if (skipped > 0) {
      // Every second CRLF in a row is a ping: counted whichever way the pairs were split.
      this.#crlfs += skipped / 2;
      this.pings += this.#crlfs >> 1;
      this.#crlfs &= 1;
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
      const value = contentLengthOf(contentLengthValues(Buffer.from(head.buffer, head.byteOffset, end).toString('latin1')), '; the stream cannot be framed');
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
 * The values of Content-Length (or `l`) fields in a raw header section,
 * folding included, for contentLengthOf to read. Two different values leave
 * the end of the message unknown: the stream cannot be framed.
 */
function* contentLengthValues(head: string): Iterable<string> {
  for (const m of head.matchAll(/\r\n(?:content-length|l)[ \t]*:[ \t]*(?:\r\n[ \t]+)?([^\r\n]*)/gi)) yield m[1].trim();
}
