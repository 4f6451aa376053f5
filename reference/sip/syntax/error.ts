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
  /** The response a UAS answers with: 400, or 505 for an unsupported SIP-Version. */
  status = 400;
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
 * A reason phrase for the 400 response to a message that did not parse.
 * Kept on one line and free of control characters, as Reason-Phrase requires.
 */
// @implements RFC3261 P185L38-P185L40
export function badRequestReason(error: unknown): string {
  if (!(error instanceof SipParseError)) return 'Bad Request';
  const where = error.line > 0 ? ` at line ${error.line} column ${error.column}` : '';
  const text = `Bad ${error.rule}: ${error.detail}${where}`;
  return text.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
}
