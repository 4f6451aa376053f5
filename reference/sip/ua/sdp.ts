// @implements RFC4566 (SDP)
/**
 * The smallest session description a user agent can offer or answer with:
 * one audio stream of PCMU (RTP/AVP payload type 0). No media flows — this UA
 * only signals — so the port is whatever the caller says it would use.
 *
 * @exception RFC3264 section 6: the answer is not derived from the offer (no
 * offer/answer negotiation); the same minimal description serves as offer and answer.
 */

export interface SessionOptions {
  /** The address written into o= and c= (an IPv4 or IPv6 address). */
  address: string;
  /** The audio port of the m= line. */
  port: number;
  /** o= session id and version (numeric strings). */
  sessionId?: string;
  version?: number;
  username?: string;
}

// @exception RFC3261 P80L34-P80L37: SDP is written, never parsed, and offers and answers do not follow RFC 3264 (the same description is used for both).
export function minimalSdp(options: SessionOptions): string {
  const addrtype = options.address.includes(':') ? 'IP6' : 'IP4';
  const id = options.sessionId ?? String(Date.now());
  const lines = [
    // @implements RFC4566 P10L45-P10L46
    'v=0',
    // @implements RFC4566 P11L3-P11L4
    `o=${options.username ?? '-'} ${id} ${options.version ?? 1} IN ${addrtype} ${options.address}`,
    // @implements RFC4566 P12L16-P12L19
    's=-',
    // @implements RFC4566 P14L7
    `c=IN ${addrtype} ${options.address}`,
    // @implements RFC4566 P17L37-P17L39
    't=0 0',
    // @implements RFC4566 P22L17
    `m=audio ${options.port} RTP/AVP 0`,
  ];
  // @implements RFC4566 P10L25
  return lines.map((l) => `${l}\r\n`).join('');
}
