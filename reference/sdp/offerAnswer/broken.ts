// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * A rule of RFC 3264 that an SDP given to this module breaks: what the
 * answerer refuses an offer with (SIP: 400) and what the offerer refuses an
 * answer with. Plumbing: each rule is decided where it is checked.
 */

export interface Broken {
  ok: false;
  /** The text broken, as a ref: `RFC3264 P13L31-P13L34`. */
  rule: string;
  /** What was wrong, and where (which m-line). */
  reason: string;
}

export const broken = (rule: string, reason: string): Broken => ({ ok: false, rule: `RFC3264 ${rule}`, reason });
