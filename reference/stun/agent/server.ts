// @implements RFC8489 (STUN)
// @implements RFC5389 (STUN, obsoleted by RFC 8489: its §12 is what RFC 8489 §11 keeps for RFC 3489 clients)
// @cites-obsoleted RFC5389: this is RFC 5389 §12's handling of RFC 3489 clients, which RFC 8489 §11 keeps
/**
 * A basic STUN server's answer to one received message (RFC 8489 §6.3, §12):
 * `answer(bytes, context)` returns the encoded response, or a reason it is
 * silently discarded. No sockets here (listener.ts has them); an optional
 * `authenticate` hook runs §9's checks (auth.ts wires T1's credentials in).
 */
import {
  Binding,
  decodeMessage,
  encodeMessage,
  firstAttribute,
  unknownComprehensionRequired,
  verifyFingerprint,
  type StunAttribute,
  type StunMessage,
  type TransportAddress,
} from '../message/index.ts';
import { isIPv6 } from 'node:net';

/** Where the request came from and on what. */
export interface Received {
  /** The source transport address: of the datagram (UDP), of the connection (TCP). */
  source: { address: string; port: number };
  transport: 'udp' | 'tcp';
}

/** §9's verdict on a request: go on (with the key to protect the response, if any), or this error response. */
export type AuthVerdict =
  | { ok: true; key?: Uint8Array; sha256?: boolean; attributes?: StunAttribute[] }
  | { ok: false; code: number; reason: string; attributes?: StunAttribute[]; key?: Uint8Array; sha256?: boolean }
  | { ok: false; discard: string };

export interface ServerOptions {
  /** The SOFTWARE attribute's value; undefined: none. */
  software?: string;
  /** §9: runs after the §6.3 checks and before the unknown-attribute check. */
  authenticate?: (request: StunMessage, bytes: Uint8Array, received: Received) => AuthVerdict;
}

export type Answer =
  | { respond: Uint8Array; message: StunMessage }
  | { discard: string };

export const SOFTWARE = 'rfcdoc STUN reference (RFC 8489)';

/** The server's answer to one message. Never throws on bad input. */
export function answer(bytes: Uint8Array, received: Received, options: ServerOptions = {}): Answer {
  // §11: a message without the magic cookie is decoded as an RFC 3489 one.
  const decoded = decodeMessage(bytes, { rfc3489: true });
  // @implements RFC8489 P16L24-P16L28, P16L33-P16L34
  if (!decoded.ok) return { discard: `${decoded.reason} (at byte ${decoded.offset})` };
  const request = decoded.message;
  // @implements RFC8489 P16L28-P16L29, P34L22
  if (request.method !== Binding) return { discard: `method 0x${request.method.toString(16).padStart(3, '0')} is not supported by this server (RFC8489 §6.3: only Binding)` };
  // A server runs no client transactions: every response is a stray (§6.3).
  // @implements RFC8489 P16L29-P16L31
  if (request.class === 'success' || request.class === 'error') return { discard: `a ${request.class} response matches no transaction in progress (RFC8489 §6.3)` };
  // @implements RFC8489 P16L31-P16L34, P20L36-P20L39
  if (hasFingerprint(request) && !verifyFingerprint(bytes)) return { discard: 'FINGERPRINT is present but wrong or not last (RFC8489 §7, §14.7)' };
  if (request.cookie !== undefined) return classic(request, received, options);

  let protect: { key: Uint8Array; sha256?: boolean } | undefined;
  const extra: StunAttribute[] = [];
  if (options.authenticate) {
    // @implements RFC8489 P16L39-P16L41
    const verdict = options.authenticate(request, bytes, received);
    if (!verdict.ok) {
      if ('discard' in verdict) return { discard: verdict.discard };
      const key = verdict.key;
      return respond(errorResponse(request, verdict.code, verdict.reason, verdict.attributes ?? [], options), request, key && { key, ...(verdict.sha256 && { sha256: true }) });
    }
    if (verdict.key) protect = { key: verdict.key, ...(verdict.sha256 && { sha256: true }) };
    extra.push(...(verdict.attributes ?? []));
  }

  const unknown = unknownComprehensionRequired(request);
  if (request.class === 'indication') {
    // @implements RFC8489 P18L45-P18L46
    if (unknown.length > 0) return { discard: `an indication with unknown comprehension-required attributes ${list(unknown)} (RFC8489 §6.3.2)` };
    // @implements RFC8489 P19L3-P19L4, P19L6-P19L9
    return { discard: 'a Binding indication: no response is generated (RFC8489 §6.3.2)' };
  }
  if (unknown.length > 0) {
    // @implements RFC8489 P17L6-P17L10, P18L1-P18L2, P18L7-P18L8
    return respond(errorResponse(request, 420, 'Unknown Attribute', [{ type: 'UNKNOWN-ATTRIBUTES', value: unknown }], options), request, protect);
  }
  // No transaction state is kept: a retransmitted Binding request is
  // processed again and gets the same answer (Binding is idempotent).
  // @implements RFC8489 P17L16-P17L19, P17L29-P17L34
  // @exception RFC8489 P17L37-P17L39: this is no extension: Binding only
  // @exception RFC8489 P33L8-P33L16, P33L19-P33L23: this basic server never redirects (§12: it SHOULD NOT use ALTERNATE-SERVER, P34L25-P34L26)
  // @implements RFC8489 P18L20-P18L27
  const mapped: StunAttribute = { type: 'XOR-MAPPED-ADDRESS', value: transportAddress(received.source) };
  // @implements RFC8489 P17L43-P17L46
  const response: StunMessage = { class: 'success', method: request.method, transactionId: request.transactionId, attributes: [mapped, ...extra, ...software(options)] };
  // @implements RFC8489 P18L12-P18L14
  return respond(response, request, protect);
}

/**
 * RFC 5389 §12.2: an RFC 3489 client gets its cookie field back and
 * MAPPED-ADDRESS instead of XOR-MAPPED-ADDRESS. No FINGERPRINT and no
 * authentication: RFC 3489 has neither.
 */
// @exception RFC8489 P34L3-P34L8: no DTLS transport here, so classic STUN never comes over DTLS
function classic(request: StunMessage, received: Received, options: ServerOptions): Answer {
  if (request.class !== 'request') return { discard: 'an RFC 3489 message that is not a request' };
  const unknown = unknownComprehensionRequired(request);
  // @implements RFC5389 P29L38-P29L43
  if (unknown.length > 0) return respond({ ...errorResponse(request, 420, 'Unknown Attribute', [{ type: 'UNKNOWN-ATTRIBUTES', value: unknown }], options), cookie: request.cookie! }, request, undefined, false);
  // @implements RFC5389 P29L30-P29L36
  const response: StunMessage = {
    class: 'success',
    method: request.method,
    transactionId: request.transactionId,
    cookie: request.cookie!,
    attributes: [{ type: 'MAPPED-ADDRESS', value: transportAddress(received.source) }, ...software(options)],
  };
  return respond(response, request, undefined, false);
}

function errorResponse(request: StunMessage, code: number, reason: string, attributes: StunAttribute[], options: ServerOptions): StunMessage {
  // @implements RFC8489 P18L1-P18L4
  return { class: 'error', method: request.method, transactionId: request.transactionId, attributes: [{ type: 'ERROR-CODE', code, reason }, ...attributes, ...software(options)] };
}

function respond(response: StunMessage, request: StunMessage, protect: { key: Uint8Array; sha256?: boolean } | undefined, fingerprint = hasFingerprint(request)): Answer {
  // FINGERPRINT when the client used it (the usage's choice, §7); never required of it (§12).
  // @implements RFC8489 P34L31-P34L32
  return { respond: encodeMessage(response, { ...(protect && { integrity: protect }), fingerprint }), message: response };
}

function software(options: ServerOptions): StunAttribute[] {
  // @implements RFC8489 P18L17-P18L18
  return options.software === undefined ? [] : [{ type: 'SOFTWARE', value: options.software }];
}

function hasFingerprint(m: StunMessage): boolean {
  return firstAttribute(m, 'FINGERPRINT') !== undefined || (m.ignored ?? []).some((i) => i.attribute.type === 'FINGERPRINT');
}

function transportAddress(source: { address: string; port: number }): TransportAddress {
  const address = source.address.startsWith('::ffff:') && !isIPv6(source.address.slice(7)) ? source.address.slice(7) : source.address;
  return { family: isIPv6(address) ? 'IPv6' : 'IPv4', address, port: source.port };
}

function list(types: number[]): string {
  return types.map((t) => `0x${t.toString(16).padStart(4, '0')}`).join(', ');
}
