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

/**
 * The tls-exporter data of a connected TLS socket. Refused below TLS 1.3:
 * Node cannot tell whether the extended master secret (RFC 7627) was used,
 * and without it the binding is not defined.
 */
// @implements RFC9266 P3L4-P3L13
export function tlsExporter(socket: TLSSocket): ChannelBinding {
  const version = socket.getProtocol();
  // @implements RFC9266 P3L15-P3L18, P5L9-P5L14
  if (version !== 'TLSv1.3') throw new Error(`RFC9266 §2: tls-exporter is defined only when the handshake gives unique master secrets; this connection is ${version ?? 'not established'}, and only TLS 1.3 guarantees that here`);
  const data = socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  return { type: TLS_EXPORTER, data: new Uint8Array(data) };
}
