/**
 * The 'tls-exporter' channel binding type (RFC 9266 §2): 32 octets of the
 * TLS connection's exported keying material, which both ends compute and
 * SCRAM-*-PLUS sends inside c=. The data is an input to the SCRAM
 * machines; this file only takes it from a node:tls socket.
 *
 * @implements RFC9266 (tls-exporter)
 */
import type { TLSSocket } from 'node:tls';

/** A channel binding: its type name (the cb-name of RFC 5802 §7) and its data. */
export interface ChannelBinding {
  type: string;
  data: Uint8Array;
}

export const TLS_EXPORTER = 'tls-exporter';

// @exception RFC5802 P15L31-P15L32: RFC 9266 §3 updates this for TLS 1.3 (tls-unique is not defined there): tls-exporter is the binding here
// @todo RFC9266 P5L1-P5L3, P5L4-P5L5
// (the stream layer to come uses one binding for one SASL exchange per TLS connection, and closes the connection when the stream ends)

/**
 * The tls-exporter data of a connected TLS socket. Refused below TLS 1.3:
 * Node cannot tell whether the extended master secret (RFC 7627) was used,
 * and without it the binding is not defined.
 */
// @implements RFC9266 P3L4-P3L13, P3L36-P3L37
export function tlsExporter(socket: TLSSocket): ChannelBinding {
  const version = socket.getProtocol();
  // @implements RFC9266 P3L15-P3L18, P5L9-P5L14, P5L16-P5L18, RFC7677 P3L22-P3L24
  // TLS 1.3 has no renegotiation, and its handshake always gives unique master secrets.
  if (version !== 'TLSv1.3') throw new Error(`RFC9266 §2: tls-exporter is defined only when the handshake gives unique master secrets; this connection is ${version ?? 'not established'}, and only TLS 1.3 guarantees that here`);
  const data = socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  return { type: TLS_EXPORTER, data: new Uint8Array(data) };
}
