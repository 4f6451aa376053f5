/**
 * How SCRAM prepares the username and the password. RFC 5802 names
 * SASLprep (§2.2 Normalize, §5.1 n); RFC 8265 replaces SASLprep with PRECIS
 * (§6: usernames, passwords), and XMPP's simple user name is the JID's
 * localpart (RFC 6120 §6.3.7), a UsernameCaseMapped string (RFC 7622 §3.3).
 *
 * @implements RFC8265 (PRECIS usernames and passwords)
 */
import { opaqueString, saslprep, usernameCaseMapped } from '../../precis/index.ts';

export interface ScramPrep {
  name: string;
  username(s: string): string;
  password(s: string): string;
}

/**
 * RFC 8265: UsernameCaseMapped and OpaqueString. The default. Case mapping
 * of the authentication identity is applied here, at enforcement, before
 * SCRAM computes anything or a server looks the user up.
 */
// @implements RFC8265 P19L10-P19L21, P6L39-P6L41, P7L4-P7L7, P7L28-P7L33
export const PRECIS_PREP: ScramPrep = { name: 'PRECIS (RFC 8265)', username: usernameCaseMapped, password: opaqueString };

// @exception RFC8265 P7L16-P7L20: no non-SASL protocol here reuses the profile

/** RFC 5802 as written: SASLprep for both, for peers that have not moved to PRECIS. */
// @implements RFC5802 P6L33-P6L40
export const SASLPREP: ScramPrep = { name: 'SASLprep (RFC 4013)', username: saslprep, password: saslprep };
