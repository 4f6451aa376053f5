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
import { StreamBuffer } from './streamBuffer.ts';

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
  /** The octets received and not yet part of a message handed out. */
  readonly #octets = new StreamBuffer();
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

  /** Messages that were framed but did not parse (each error's `frame` holds its octets), since the last take. */
  errors: SipParseError[] = [];

  /** The fault that broke the stream, once it broke (push then throws it). */
  get failure(): SipParseError | undefined {
    return this.broken;
  }

  /** Octets the buffer can hold now (what this framer pins in memory). */
  get capacity(): number {
    return this.#octets.capacity;
  }

  /** Octets received but not yet part of a whole message. */
  get pending(): number {
    return this.#octets.length;
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
  // @implements RFC3261 P34L12-P34L14
  feed(chunk: Uint8Array): Framed[] {
    const out: Framed[] = [];
    if (this.broken) return out;
    this.#octets.append(chunk, this.#total);
    for (;;) {
      let frame: Uint8Array | undefined;
      try {
        frame = this.nextFrame();
      } catch (e) {
        if (e === this.broken) return out;
        throw e;
      }
      if (frame === undefined) return out;
      // Content-Length gave the message's size whether or not it parses, so the stream stays in step.
      // @implements RFC3261 P147L18-P147L19
      try {
        out.push({ message: parse(frame, { transport: 'stream', limits: this.#limits }) });
      } catch (e) {
        // report it with its octets and go on
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

  /**
   * Keep-alive pings (a double CRLF between messages, RFC 5626 §3.5.1) read
   * since the last take; each is owed a pong.
   */
  // @implements RFC5626 P19L41-P19L42, P11L37
  pings = 0;

  /** The next whole message's octets (a copy), or undefined when more must arrive. */
  // @implements RFC3261 P34L8-P34L14, P147L18-P147L20
  private nextFrame(): Uint8Array | undefined {
    if (this.#total < 0 && !this.#readHead()) return undefined;
    if (this.pending < this.#total) return undefined;
    const frame = this.#octets.take(this.#total);
    this.#scanned = 0;
    this.#total = -1;
    this.#crlfs = 0;
    return frame;
  }

  /** Finds the end of the header section and reads Content-Length; false when more must arrive. */
  #readHead(): boolean {
    const view = this.#octets.view();
    // CRLFs between messages (keep-alives) are skipped
    // @implements RFC3261 P34L8-P34L10
    const skipped = skipLeadingCrlf(view);
    if (skipped > 0) {
      // Every second CRLF in a row is a ping: counted whichever way the pairs were split.
      // @implements RFC5626 P19L41-P19L45
      this.#crlfs += skipped / 2;
      this.pings += this.#crlfs >> 1;
      this.#crlfs &= 1;
      this.#scanned = Math.max(0, this.#scanned - skipped);
      this.#octets.skip(skipped);
      return this.#readHead();
    }
    // The header section ends at the empty line. Resume 3 octets back: a CRLF CRLF may straddle the previous chunk's end.
    // @implements RFC3261 P27L8-P27L9
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
    // @implements RFC3261 P147L18-P147L20
    const length = this.#guard(() => {
      const value = contentLengthOf(contentLengthValues(Buffer.from(head.buffer, head.byteOffset, end).toString('latin1')), '; the stream cannot be framed');
      if (value === undefined) throw new SipParseError('Content-Length', 'required on stream transports but absent; the stream cannot be framed');
      checkSize('body', value, this.#limits);
      return value;
    }, head);
    this.#total = head.length + length;
    return true;
  }

  /**
   * Runs a check of the header section; a fault breaks the stream for good,
   * keeping `head` so it can be answered: only Content-Length locates the
   * end of a message, so without it no later message can be found.
   */
  // @implements RFC3261 P34L12-P34L13
  #guard<T>(check: () => T, head: Uint8Array): T {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      e.frame = head.slice();
      this.broken = e;
      this.#octets.clear();
      throw e;
    }
  }
}

/**
 * The values of Content-Length (or `l`) fields in a raw header section,
 * folding included, for contentLengthOf to read. Two different values leave
 * the end of the message unknown: the stream cannot be framed.
 */
// @implements RFC3261 P229L17
function* contentLengthValues(head: string): Iterable<string> {
  for (const m of head.matchAll(/\r\n(?:content-length|l)[ \t]*:[ \t]*(?:\r\n[ \t]+)?([^\r\n]*)/gi)) yield m[1].trim();
}
