/**
 * Streams (RFC 6120 §4, §5, §7, and §6 over the stream): the public face of reference/xmpp/stream/.
 *
 *   header.ts      the stream header: initial and response, §4.7's attributes, §4.8's namespaces, versions
 *   machine.ts     the initiating and receiving entities as state × event tables, StreamStateError
 *   starttls.ts    STARTTLS: the feature and elements, the TLS upgrade on both sides (RFC 6125 identity)
 *   bind.ts        resource binding: request, result, the server's random resourcepart
 *   connection.ts  one stream over a socket: reader in, serializer out, §4.4 closing, §4.9 errors
 *   initiating.ts  the client's negotiation: header, features, STARTTLS, SASL, bind, with the restarts
 *   receiving.ts   the server's negotiation: the same, answered, with fresh stream IDs and generated resourceparts
 *
 * @implements RFC6120 (XMPP core)
 */
export { STREAM_NS, CLIENT_NS, SERVER_NS, VERSION, type Version, type Header, parseVersion, formatVersion, compareVersions, newStreamId, initialHeader, responseHeader, headerText, checkHeader } from './header.ts';
export { type InitiatingState, type InitiatingEvent, type ReceivingState, type ReceivingEvent, INITIATING, RECEIVING, StreamStateError, StreamMachine, initiatingMachine, receivingMachine } from './machine.ts';
export { TLS_NS, starttlsFeature, starttlsOffer, starttls, proceed, tlsFailure, type ClientTlsOptions, type ServerTlsOptions, TlsNegotiationFailed, clientTls, serverTls } from './starttls.ts';
export { BIND_NS, bindFeature, bindRequest, requestedResource, generateResource, bindResult, readBindResult } from './bind.ts';
export { type Arrival, CLOSE_WAIT_MS, StreamConnection } from './connection.ts';
export { MECHANISM_PREFERENCE, streamErrorOf, type InitiatingOptions, NegotiationError, type Negotiated, negotiate } from './initiating.ts';
export { type ReceivingOptions, ReceivingError, type Received, receive } from './receiving.ts';
