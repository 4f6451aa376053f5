// @implements RFC3261 (SIP)
/**
 * The identifiers a SIP element makes up: tags (§19.3), Call-IDs (§8.1.1.4)
 * and Via branches (§8.1.1.7), and the To-tag rule of every response an
 * element generates as a UAS (§8.2.6.2). All come from the operating
 * system's cryptographic random source.
 */
import { randomBytes } from 'node:crypto';
import { addToTag, type Response } from '../syntax/message.ts';
import { MAGIC_COOKIE } from '../syntax/via.ts';

/** Random bits as a token (hex digits are token characters). */
const random = (bytes: number): string => randomBytes(bytes).toString('hex');

// @implements RFC3261 P159L22-P159L24
export function newTag(): string {
  return random(8);
}

// @implements RFC3261 P37L43-P37L46, P38L6-P38L8
export function newCallId(host?: string): string {
  return host === undefined ? random(16) : `${random(16)}@${host}`;
}

/** A branch unique across space and time, starting with the magic cookie. */
// @implements RFC3261 P39L32-P39L33, P39L43-P39L44, P180L1-P180L3
export function newBranch(): string {
  return `${MAGIC_COOKIE}${random(10)}`;
}

/**
 * A response an element generates itself, as a UAS (the UA core, the
 * registrar, the proxy answering on its own), gets a To tag of its own when
 * the request had none. addToTag works on the raw To, so the 400 for a
 * malformed To gets one too.
 */
// @implements RFC3261 P50L19-P50L23
export function withToTag(response: Response): Response {
  addToTag(response.headers, newTag());
  return response;
}
