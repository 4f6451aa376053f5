// @implements RFC8489 (STUN)
/**
 * STUN alone over a TCP connection (RFC 8489 §6.2.2): no framing protocol,
 * so a message's end is found from its own header — 20 bytes, of which bytes
 * 2-3 are the length of what follows (§5). `StreamDeframer` cuts a byte
 * stream into whole messages, holding at most one message's worth of bytes.
 */

/** The fixed header (§5). */
// @implements RFC8489 P9L13-P9L15
export const HEADER_LENGTH = 20;

/** A stream that is not STUN (or is broken): the connection cannot go on. */
export class FramingError extends Error {
  constructor(
    message: string,
    /** Offset in the stream of the header that is wrong. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

export class StreamDeframer {
  #held: Uint8Array[] = [];
  #heldLength = 0;
  /** Stream offset of the first held byte. */
  #offset = 0;

  // A bound on what one connection can make the server hold (overload, §6.2.2).
  // @implements RFC8489 P15L22-P15L23
  /** `maxMessage`: the largest message (header included) accepted; a header announcing more ends the stream. */
  constructor(readonly maxMessage = HEADER_LENGTH + 0xffff) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#heldLength;
  }

  /** Takes the next chunk of the stream; returns the messages it completes, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.#held.push(chunk);
      this.#heldLength += chunk.length;
    }
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.#heldLength < HEADER_LENGTH) return out;
      const all = this.#flatten();
      // @implements RFC8489 P14L6-P14L8
      // @exception RFC8489 P14L9-P14L13: STUN runs alone on the connection, as on the well-known port (P14L13-P14L17): no framing protocol
      const first = all[0]!;
      // §5: the two most significant bits of every STUN message are zero.
      if ((first & 0xc0) !== 0) throw new FramingError(`not a STUN message at stream offset ${this.#offset}: first byte 0x${first.toString(16).padStart(2, '0')} has its top two bits set (RFC 8489 §5)`, this.#offset);
      // @implements RFC8489 P11L15-P11L18
      const length = (all[2]! << 8) | all[3]!;
      if (length % 4 !== 0) throw new FramingError(`not a STUN message at stream offset ${this.#offset}: message length ${length} is not a multiple of 4 (RFC 8489 §5)`, this.#offset);
      const total = HEADER_LENGTH + length;
      if (total > this.maxMessage) throw new FramingError(`message at stream offset ${this.#offset} announces ${total} bytes, more than the ${this.maxMessage} accepted`, this.#offset);
      // @implements RFC8489 P11L15-P11L16
      if (all.length < total) return out;
      out.push(all.slice(0, total));
      const rest = all.subarray(total);
      this.#held = rest.length > 0 ? [rest] : [];
      this.#heldLength = rest.length;
      this.#offset += total;
    }
  }

  #flatten(): Uint8Array {
    if (this.#held.length === 1) return this.#held[0]!;
    const all = new Uint8Array(this.#heldLength);
    let at = 0;
    for (const c of this.#held) {
      all.set(c, at);
      at += c.length;
    }
    this.#held = [all];
    return all;
  }
}
