/**
 * Parse errors. Every rejection names the ABNF rule (RFC 3261 §25) or the
 * framing rule that the input broke and where, so that a server can answer
 * 400 (Bad Request) with a reason phrase that says what was wrong.
 *
 * @implements RFC3261 (SIP)
 */

export class SipParseError extends Error {
  /** The grammar rule or requirement that was broken, e.g. `Via`, `CSeq`, `Request-Line`. */
  readonly rule: string;
  /** Offset in the message (characters of the header section, or bytes for framing). */
  readonly offset: number;
  /** 1-based line of the message head, 0 when unknown. */
  readonly line: number;
  /** 1-based column in that line, 0 when unknown. */
  readonly column: number;
  /** What was found wrong, without the position. */
  readonly detail: string;
  /**
   * The response a server answers with: 400, 505 for an unsupported
   * SIP-Version, 513 for a message over a size limit. Read it through
   * rejectionStatus(), the one place that decides.
   */
  status: 400 | 505 | 513 = 400;
  /** The octets of the message that failed, when a StreamFramer framed it (so a server can still answer it). */
  frame?: Uint8Array;

  constructor(rule: string, detail: string, offset = -1, line = 0, column = 0) {
    super(`${rule}: ${detail}${line > 0 ? ` (line ${line}, column ${column})` : offset >= 0 ? ` (at ${offset})` : ''}`);
    this.name = 'SipParseError';
    this.rule = rule;
    this.detail = detail;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

/**
 * The status of the response to a message that did not parse: what the
 * error calls for (505 for the SIP-Version, 513 for a size limit), else 400.
 */
// @implements RFC3261 P185L38-P185L40, P191L44-P191L47, P192L3-P192L4
export function rejectionStatus(error: unknown): 400 | 505 | 513 {
  return error instanceof SipParseError ? error.status : 400;
}

/**
 * A reason phrase for the response to a message that did not parse (status
 * from rejectionStatus). Kept on one line and free of control characters,
 * as Reason-Phrase requires.
 */
// @implements RFC3261 P185L38-P185L40
export function badRequestReason(error: unknown): string {
  if (!(error instanceof SipParseError)) return 'Bad Request';
  const where = error.line > 0 ? ` at line ${error.line} column ${error.column}` : '';
  const text = error.status === 513 ? `Message Too Large: ${error.detail}` : `Bad ${error.rule}: ${error.detail}${where}`;
  return text.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
}
