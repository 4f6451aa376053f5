/**
 * DigestError: a malformed or unacceptable header, naming the rule it breaks.
 *
 * Every parse and verify failure in this module is a DigestError whose
 * `rule` is a tag-style reference (`RFC7616 P9L29-P9L30`) to the sentence
 * that was broken, so a caller can log it or answer 400 with a reason.
 */

export class DigestError extends Error {
  /** The rule broken, as `<doc> <ref>`, e.g. `RFC9110 P102L44-P102L46`. */
  readonly rule: string;
  /** Offset in the header value where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(message: string, rule: string, offset?: number) {
    super(`${message}${offset === undefined ? '' : ` at offset ${offset}`} (${rule})`);
    this.name = 'DigestError';
    this.rule = rule;
    this.offset = offset;
  }
}
