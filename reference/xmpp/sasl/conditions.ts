/**
 * The SASL failure conditions of XMPP (RFC 6120 §6.5): the one element a
 * <failure/> carries, and what an unknown one means.
 *
 * @implements RFC6120 (XMPP core)
 */

/** §6.5.1-§6.5.11, each with the rule saying when it is sent. */
export enum SaslCondition {
  // @implements RFC6120 P88L14-P88L16
  Aborted = 'aborted',
  // @implements RFC6120 P88L26-P88L28
  AccountDisabled = 'account-disabled',
  // @implements RFC6120 P88L40-P88L42
  CredentialsExpired = 'credentials-expired',
  // @implements RFC6120 P89L7-P89L9
  EncryptionRequired = 'encryption-required',
  // @implements RFC6120 P89L21-P89L23
  IncorrectEncoding = 'incorrect-encoding',
  // @implements RFC6120 P89L36-P89L38
  InvalidAuthzid = 'invalid-authzid',
  // @implements RFC6120 P90L3-P90L5
  InvalidMechanism = 'invalid-mechanism',
  // @implements RFC6120 P90L16-P90L18
  MalformedRequest = 'malformed-request',
  // @implements RFC6120 P90L35-P90L37
  MechanismTooWeak = 'mechanism-too-weak',
  // @implements RFC6120 P91L3-P91L5
  NotAuthorized = 'not-authorized',
  // @implements RFC6120 P91L26-P91L28
  TemporaryAuthFailure = 'temporary-auth-failure',
}

const KNOWN = new Set<string>(Object.values(SaslCondition));

/** The condition a received <failure/> child names; one we do not know is a generic failure. */
// @implements RFC6120 P87L43-P87L48
export function receivedCondition(name: string): SaslCondition {
  return KNOWN.has(name) ? (name as SaslCondition) : SaslCondition.NotAuthorized;
}
