/**
 * SASL for XMPP: the public face of reference/xmpp/sasl/.
 *
 *   conditions.ts      the failure conditions of RFC 6120 §6.5
 *   scramMessages.ts   SCRAM's messages (RFC 5802 §7) parsed and written
 *   scramCrypto.ts     Hi, the keys, proof and signatures (SHA-1, SHA-256)
 *   scramClient.ts     the client machine
 *   scramServer.ts     the server machine, storedCredentials
 *   channelBinding.ts  tls-exporter (RFC 9266) from a node:tls socket
 *   prep.ts            PRECIS or SASLprep for username and password
 *   plain.ts           PLAIN (RFC 4616)
 *   negotiation.ts     RFC 6120 §6.3-§6.4: <mechanisms/>, payloads, SaslReceiver, SaslInitiator
 *   mechanisms.ts      SCRAM and PLAIN behind the negotiation machines
 *
 * @implements RFC5802 (SCRAM)
 */
export { SaslCondition, receivedCondition } from './conditions.ts';
export { type ServerErrorValue, type CbindFlag, ScramSyntaxError, encodeSaslname, decodeSaslname } from './scramMessages.ts';
export { type ScramHash, type StoredCredentials, hi, deriveKeys } from './scramCrypto.ts';
export { type ScramClientState, type ScramClientOptions, ScramClient, ScramStateError, ScramFailure } from './scramClient.ts';
export { type ScramServerState, type ScramServerOptions, type ServerStep, ScramServer, storedCredentials } from './scramServer.ts';
export { type ChannelBinding, TLS_EXPORTER, tlsExporter } from './channelBinding.ts';
export { type ScramPrep, PRECIS_PREP, SASLPREP } from './prep.ts';
export { type PlainCredentials, PlainError, writePlain, parsePlain, preparePlain, plainAllowed } from './plain.ts';
export {
  SASL_NS, offeredMechanisms, mechanismsElement, readMechanisms, mechanismOrder, encodePayload, decodePayload, failure, failureCondition,
  type MechanismStep, type ServerMechanism, type ClientMechanism, type ReceiverResult, type ReceiverOptions, SaslReceiver, SaslInitiator,
} from './negotiation.ts';
export { type ServerAccounts, parseScramName, serverMechanism, clientMechanism } from './mechanisms.ts';
