/**
 * The stream error conditions of RFC 6120 §4.9.3, and the error a reader
 * raises: the condition, why, and where in the stream (octet offset,
 * line, column). The XML layer raises five of them; the stream layer
 * above raises the rest.
 *
 * @implements RFC6120 (XMPP core)
 */

/** The defined conditions, §4.9.3.1-§4.9.3.25, each with the rule saying when it applies. */
export enum StreamCondition {
  // @implements RFC6120 P52L11
  BadFormat = 'bad-format',
  // @implements RFC6120 P52L34-P52L35
  BadNamespacePrefix = 'bad-namespace-prefix',
  // @implements RFC6120 P53L18-P53L19
  Conflict = 'conflict',
  // @implements RFC6120 P54L9-P54L10
  ConnectionTimeout = 'connection-timeout',
  // @implements RFC6120 P54L31-P54L32
  HostGone = 'host-gone',
  // @implements RFC6120 P55L18-P55L19
  HostUnknown = 'host-unknown',
  // @implements RFC6120 P56L3-P56L4
  ImproperAddressing = 'improper-addressing',
  // @implements RFC6120 P56L22-P56L23
  InternalServerError = 'internal-server-error',
  // @implements RFC6120 P56L33-P56L34
  InvalidFrom = 'invalid-from',
  // @implements RFC6120 P57L9-P57L10
  InvalidNamespace = 'invalid-namespace',
  // @implements RFC6120 P57L42-P57L43
  InvalidXml = 'invalid-xml',
  // @implements RFC6120 P58L16-P58L17
  NotAuthorized = 'not-authorized',
  // @implements RFC6120 P59L9-P59L10
  NotWellFormed = 'not-well-formed',
  // @implements RFC6120 P59L35-P59L38
  PolicyViolation = 'policy-violation',
  // @implements RFC6120 P60L11-P60L12
  RemoteConnectionFailed = 'remote-connection-failed',
  // @implements RFC6120 P60L43-P60L44
  Reset = 'reset',
  // @implements RFC6120 P61L14-P61L15
  ResourceConstraint = 'resource-constraint',
  // @implements RFC6120 P61L42-P61L44
  RestrictedXml = 'restricted-xml',
  // @implements RFC6120 P62L14-P62L15
  SeeOtherHost = 'see-other-host',
  // @implements RFC6120 P64L3-P64L4
  SystemShutdown = 'system-shutdown',
  // @implements RFC6120 P64L14-P64L15
  UndefinedCondition = 'undefined-condition',
  // @implements RFC6120 P64L27-P64L30
  UnsupportedEncoding = 'unsupported-encoding',
  // @implements RFC6120 P65L18-P65L19
  UnsupportedFeature = 'unsupported-feature',
  // @implements RFC6120 P65L41-P65L42
  UnsupportedStanzaType = 'unsupported-stanza-type',
  // @implements RFC6120 P66L36-P66L37
  UnsupportedVersion = 'unsupported-version',
}

/** The namespace every defined condition element is qualified by. */
// @implements RFC6120 P51L29-P51L31
export const STREAMS_NS = 'urn:ietf:params:xml:ns:xmpp-streams';

const KNOWN = new Set<string>(Object.values(StreamCondition));

/** The condition a received <stream:error/> names; one we do not know is undefined-condition. */
// @implements RFC6120 P51L15-P51L20
export function receivedStreamCondition(name: string): StreamCondition {
  return KNOWN.has(name) ? (name as StreamCondition) : StreamCondition.UndefinedCondition;
}

/** Where in the stream: octets from its first byte, and the line and column (1-based) of the text. */
export interface StreamPosition {
  offset: number;
  line: number;
  column: number;
}

/** A stream error: the stream is over (§4.9.1.1), the condition says why. */
export class StreamError extends Error {
  constructor(readonly condition: StreamCondition, readonly reason: string, readonly position?: StreamPosition) {
    super(`<${condition}/>: ${reason}${position ? ` at octet ${position.offset} (line ${position.line}, column ${position.column})` : ''}`);
    this.name = 'StreamError';
  }
}
