// @implements RFC8656 (TURN)
/**
 * The TURN client's messages (RFC 8656 §7.1, §8.1, §10.1, §11.1, §12.1):
 * which attributes each request or indication carries, and what a response
 * means to the lifetime machines (401 a challenge, 438 a stale nonce, 437 an
 * allocation mismatch, any other error its code). Encoding and decoding are
 * ../message/'s; this file only chooses the attributes.
 */
import { randomBytes } from 'node:crypto';
import { LongTermClient } from '../auth/index.ts';
import {
  Allocate,
  ChannelBind,
  CreatePermission,
  Refresh,
  Send,
  PASSWORD_ALGORITHM,
  encodeMessage,
  firstAttribute,
  type StunAttribute,
  type StunMessage,
} from '../message/index.ts';
import type { TransportAddress } from './allocation.ts';

/** Protocol number of UDP in REQUESTED-TRANSPORT (RFC 8656 §18.8: the IANA protocol number). */
const UDP = 17;
const SOFTWARE = 'rfcdoc TURN client (RFC 8656)';

/** What a response says, in the machines' terms. */
export type Outcome =
  | { type: 'Success'; message: StunMessage }
  | { type: 'Unauthorized'; challenge: { realm: string; nonce: string } }
  | { type: 'StaleNonce'; nonce: string }
  | { type: 'Mismatch' }
  | { type: 'Error'; code: number; reason: string };

const request = (method: number, attributes: StunAttribute[]): StunMessage => ({ class: 'request', method, transactionId: new Uint8Array(randomBytes(12)), attributes });

/**
 * Encodes a request with what the long-term credential (../auth/) adds:
 * nothing before the first challenge; USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY after it. Every request on the allocation's 5-tuple uses
 * the same credential (§7.3).
 */
// @implements RFC8656 P23L6-P23L8, P34L3-P34L5
// @exception RFC8656 P77L21-P77L26: USERNAME is sent in the clear over UDP unless the server's nonce cookie asks for USERHASH (../auth/); no (D)TLS here, so a username that names a person is the user's choice to make
export function encodeRequest(message: StunMessage, credential: LongTermClient): Uint8Array {
  const auth = credential.request();
  return encodeMessage({ ...message, attributes: [...message.attributes, ...auth.attributes] }, { integrity: auth.integrity, fingerprint: true });
}

/**
 * What a response means, after the long-term credential's verdict on it
 * (RFC 8489 §9.2.5): a 401 or 438 to retry, a success that authenticates, or
 * an error; undefined for one to discard as if never received (the
 * transaction then waits on for another).
 */
export function outcome(bytes: Uint8Array, message: StunMessage, credential: LongTermClient, reliable: boolean): Outcome | undefined {
  const verdict = credential.onResponse(message, bytes, reliable);
  if (verdict.action === 'discard') return undefined;
  const error = firstAttribute(message, 'ERROR-CODE');
  const code = error?.code ?? 0;
  if (verdict.action === 'retry') {
    if (code === 438) return { type: 'StaleNonce', nonce: credential.nonce! };
    preferSha256(credential);
    return { type: 'Unauthorized', challenge: { realm: credential.realm!, nonce: credential.nonce! } };
  }
  if (verdict.action !== 'accept') return { type: 'Error', code, reason: verdict.reason };
  if (message.class === 'success') return { type: 'Success', message };
  // @implements RFC8656 P24L6-P24L7
  if (code === 437) return { type: 'Mismatch' };
  return { type: 'Error', code, reason: error?.reason ?? 'an error response without ERROR-CODE' };
}

export function allocateRequest(): StunMessage {
  // This client asks for one UDP relay of the server's default family: no
  // REQUESTED-ADDRESS-FAMILY, ADDITIONAL-ADDRESS-FAMILY, EVEN-PORT or
  // RESERVATION-TOKEN, so none of the combinations §7.1 forbids can be formed.
  // @implements RFC8656 P27L15-P27L16, P24L10-P24L11
  // @exception RFC8656 P27L25-P27L32, P27L37-P27L45, P28L26-P28L27, P62L46-P62L47: no REQUESTED-ADDRESS-FAMILY, ADDITIONAL-ADDRESS-FAMILY, EVEN-PORT or RESERVATION-TOKEN is ever sent (a single allocation of the server's default family)
  // @exception RFC8656 P34L9-P34L13: ADDRESS-ERROR-CODE answers a dual-allocation request, which this client never makes; there is no rejected second family to retry
  return request(Allocate, [{ type: 'REQUESTED-TRANSPORT', value: UDP }, { type: 'SOFTWARE', value: SOFTWARE }]);
}

export function refreshRequest(lifetime: number): StunMessage {
  // @implements RFC8656 P37L9-P37L11, P37L25-P37L28, P24L10-P24L11
  // @exception RFC8656 P37L17-P37L23: no dual allocation is ever asked for, so a Refresh never carries REQUESTED-ADDRESS-FAMILY and deletes the one allocation there is
  return request(Refresh, [{ type: 'LIFETIME', value: lifetime }, { type: 'SOFTWARE', value: SOFTWARE }]);
}

export function createPermissionRequest(peers: TransportAddress[], relayed: TransportAddress): StunMessage {
  // @implements RFC8656 P40L18-P40L20
  if (peers.length === 0) throw new RangeError('CreatePermission: at least one XOR-PEER-ADDRESS is required (RFC 8656 §10.1)');
  // @implements RFC8656 P40L24-P40L27
  for (const p of peers) sameFamily(p, relayed, 'CreatePermission', '§10.1');
  return request(CreatePermission, peers.map((p) => ({ type: 'XOR-PEER-ADDRESS', value: p })));
}

export function channelBindRequest(number: number, peer: TransportAddress, relayed: TransportAddress): StunMessage {
  // @implements RFC8656 P47L32-P47L34
  sameFamily(peer, relayed, 'ChannelBind', '§12.1');
  // @implements RFC8656 P47L28-P47L31
  return request(ChannelBind, [{ type: 'CHANNEL-NUMBER', value: number }, { type: 'XOR-PEER-ADDRESS', value: peer }]);
}

export function sendIndication(peer: TransportAddress, data: Uint8Array): Uint8Array {
  // @implements RFC8656 P41L41-P41L42
  const message: StunMessage = { class: 'indication', method: Send, transactionId: new Uint8Array(randomBytes(12)), attributes: [{ type: 'XOR-PEER-ADDRESS', value: peer }, { type: 'DATA', value: data }] };
  return encodeMessage(message, { fingerprint: true });
}

/**
 * RFC 8489 takes the first of the server's PASSWORD-ALGORITHMS the client
 * supports; TURN wants SHA-256 whenever MD5 and SHA-256 are both offered and
 * both supported, whatever the order.
 */
function preferSha256(credential: LongTermClient): void {
  const offered = credential.passwordAlgorithms ?? [];
  const sha256 = offered.find((a) => a.algorithm === PASSWORD_ALGORITHM['SHA-256']);
  const both = sha256 !== undefined && offered.some((a) => a.algorithm === PASSWORD_ALGORITHM.MD5);
  // @implements RFC8656 P26L16-P26L19
  if (both && credential.supported.includes(PASSWORD_ALGORITHM['SHA-256']) && credential.supported.includes(PASSWORD_ALGORITHM.MD5)) credential.passwordAlgorithm = sha256;
}

function sameFamily(peer: TransportAddress, relayed: TransportAddress, method: string, section: string): void {
  if (peer.family !== relayed.family) {
    throw new RangeError(`${method}: the peer ${peer.address} is ${peer.family}, the relayed address ${relayed.address} is ${relayed.family}; only the relayed address's family may be named (RFC 8656 ${section})`);
  }
}
