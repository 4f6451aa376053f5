/**
 * The SIP syntax layer in one import: messages, header access, URIs,
 * addresses, Via, CSeq, parsing, serialization, stream framing.
 *
 * @implements RFC3261 (SIP)
 */
export { SipParseError, badRequestReason, rejectionStatus } from './error.ts';
export { Headers, headerKey, canonicalName, splitList, COMPACT_FORMS, LIST_HEADERS, type HeaderField } from './headers.ts';
export { parseUri, formatUri, uriEquals, unescape, escape, sipUri, type URI } from './uri.ts';
export { parseAddress, formatAddress, tagOf, type Address } from './address.ts';
export { Via, parseVia, formatVia } from './via.ts';
export { parseCSeq, formatCSeq, type CSeq } from './cseq.ts';
export { paramValue, formatParams, type Params } from './params.ts';
export { quote, isToken } from './grammar.ts';
export { REASON_PHRASES, reasonPhrase } from './reason.ts';
export {
  SIP_VERSION, isRequest, isResponse, vias, topVia, from, to, callId, cseq, maxForwards, contacts, routes,
  recordRoutes, addresses, bodyText, createRequest, createResponse,
  type Message, type Request, type Response, type HeaderInit,
} from './message.ts';
export { parse, contentLength, type ParseOptions } from './parse.ts';
export { serialize, serializeBytes, serializeHead } from './serialize.ts';
export { StreamFramer } from './framing.ts';
