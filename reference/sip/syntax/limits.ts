/**
 * Size limits on a message: how many octets of header section and of body an
 * element takes before it answers 513 (Message Too Large) instead. The same
 * limits, and the same checks, apply to a datagram (parse) and to a message
 * framed on a stream (StreamFramer), so the verdict does not depend on the
 * transport or on how a stream was split.
 *
 * @implements RFC3261 (SIP)
 */
import { SipParseError } from './error.ts';

export interface MessageLimits {
  /** Most octets of start line and header fields, the empty line included. */
  maxHeaderBytes: number;
  /** Most octets of a body (what Content-Length may announce). */
  maxBodyBytes: number;
}

/**
 * 64 KiB of header section (no header needs more; a UDP datagram cannot
 * carry more), 256 KiB of body (SDP and the other bodies SIP carries are a
 * few KiB; a TCP connection then holds at most 320 KiB of one message).
 */
export const DEFAULT_LIMITS: Readonly<MessageLimits> = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 256 * 1024 };

/** A limit's value: a whole number above zero (a count of octets, milliseconds or connections). */
export const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Limits with defaults filled in, each a positive integer: the one check for
 * every set of limits (these, and the transport's connection limits); a bad
 * value is a RangeError naming it.
 */
export function withDefaults<T extends object>(defaults: Readonly<T>, given: Partial<T>): T {
  const limits = { ...defaults } as T;
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!isPositiveInteger(value)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    (limits as Record<string, unknown>)[name] = value;
  }
  return limits;
}

/** The size limits with defaults filled in; each must be a positive integer. */
export function messageLimits(given: Partial<MessageLimits> = {}): MessageLimits {
  return withDefaults(DEFAULT_LIMITS, given);
}

/**
 * A header section or a body of `size` octets over its limit is a 513 naming
 * the limit and its value. A header section is over its limit when no empty
 * line ends it within the first maxHeaderBytes octets: a fact about those
 * octets alone, so a stream gets the same verdict however it was split.
 */
// @implements RFC3261 P192L3-P192L4
export function checkSize(what: 'header' | 'body', size: number, limits: MessageLimits): void {
  const limit = what === 'header' ? limits.maxHeaderBytes : limits.maxBodyBytes;
  if (size <= limit) return;
  const error = what === 'header'
    ? new SipParseError('message-header', `no empty line ends the header section within ${limit} octets (maxHeaderBytes = ${limit})`)
    : new SipParseError('message-body', `a body of ${size} octets is over the limit (maxBodyBytes = ${limit})`);
  error.status = 513;
  throw error;
}
