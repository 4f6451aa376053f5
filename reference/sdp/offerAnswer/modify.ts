// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Modifying the session (§8): the origin of a new offer or answer, what an
 * answerer checks in an offer that follows an earlier SDP, and the payload
 * type bindings a stream keeps for the whole session.
 */
import { randomInt } from 'node:crypto';
import type { Origin, SessionDescription } from '../description/types.ts';
import { unicastProblem } from '../description/address.ts';
import { broken, type Broken } from './broken.ts';
import { isMulticast } from './multicast.ts';
import { formatsOf, isRtp, type Format } from './formats.ts';

/** The session so far, from this agent's side: the machine's Stable state carries it. */
export interface Session {
  /** The last SDP this agent sent (an offer or an answer): the "previous SDP" of its next one. */
  local?: SessionDescription;
  /** The last SDP this agent received. */
  remote?: SessionDescription;
  /**
   * Slot by slot, every dynamic payload type either side's SDP has bound
   * to a codec in the session so far (the machine merges each exchange's
   * offer and answer in): a number dropped for one exchange stays its codec's.
   */
  bindings?: readonly (readonly Format[])[];
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Why `address` cannot be this agent's in o= and c= (where it receives
 * unicast media), or undefined: o= takes a unicast address, and SDP's IP6
 * addresses carry no zone id (RFC 8866 §9).
 */
export function localAddressProblem(address: string): string | undefined {
  if (address.includes('%')) return `${address} has a zone id: an SDP address has none (give the address alone)`;
  if (isMulticast(address)) return `${address} is a multicast address: this agent's own address is unicast`;
  return unicastProblem(addrType(address), address);
}

/** The o= line of a new session: a random session id, version 1. Throws for an address o= cannot carry. */
export function newOrigin(username: string, address: string): Origin {
  // @implements RFC8866 P12L19-P12L25
  const problem = localAddressProblem(address);
  if (problem) throw new Error(`cannot write o= with ${JSON.stringify(address)}: ${problem}`);
  // Both well below 2**62 - 1, so that every later version stays a 64-bit signed integer.
  // @implements RFC3264 P5L12-P5L15
  const sessionId = String(randomInt(1, 2 ** 48 - 1));
  return { username, sessionId, sessionVersion: 1n, netType: 'IN', addrType: addrType(address), unicastAddress: address };
}

export const addrType = (address: string): string => (address.includes(':') ? 'IP6' : 'IP4');

/** The o= line of an SDP that follows `previous`: identical, the version one more. */
export function nextOrigin(previous: Origin): Origin {
  // @implements RFC3264 P13L19-P13L22
  return { ...previous, sessionVersion: previous.sessionVersion + 1n };
}

/** Are two descriptions the same, the o= version left out (it is what tells them apart)? */
export function sameContent(a: SessionDescription, b: SessionDescription): boolean {
  const canonical = (d: SessionDescription) =>
    JSON.stringify({ ...d, origin: { ...d.origin, sessionVersion: 0 } }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return canonical(a) === canonical(b);
}

/**
 * The origin of an SDP this agent sends after `previous`: the same one
 * when nothing else changed, the next version when something did.
 */
export function originAfter(previous: SessionDescription, next: SessionDescription): Origin {
  // @implements RFC3264 P13L22-P13L24
  return sameContent(previous, next) ? previous.origin : nextOrigin(previous.origin);
}

/** The o= session id and version of an SDP received: representable as 64-bit signed integers. */
export function checkOrigin(description: SessionDescription): Broken | undefined {
  // @implements RFC3264 P5L12-P5L14
  if (!/^[0-9]+$/.test(description.origin.sessionId) || BigInt(description.origin.sessionId) > INT64_MAX) {
    return broken('P5L12-P5L14', `o= session id ${description.origin.sessionId} is not a 64-bit signed integer`);
  }
  if (description.origin.sessionVersion < 0n || description.origin.sessionVersion > INT64_MAX) {
    return broken('P5L12-P5L14', `o= version ${description.origin.sessionVersion} is not a 64-bit signed integer`);
  }
  return undefined;
}

/**
 * An offer that follows the peer's earlier SDP `previous` in the same
 * session: its o= the same but the version one more, or the version
 * unchanged and the SDP identical; and every earlier stream still in its
 * slot. `unchanged` says the offer is the previous SDP again (a no-op).
 */
export function checkModifiedOffer(previous: SessionDescription, offer: SessionDescription): { ok: true; unchanged: boolean } | Broken {
  const p = previous.origin;
  const o = offer.origin;
  // @implements RFC3264 P13L19-P13L22
  if (o.username !== p.username || o.sessionId !== p.sessionId || o.netType !== p.netType || o.addrType !== p.addrType || o.unicastAddress !== p.unicastAddress) {
    return broken('P13L19-P13L22', `the o= line of a new offer must be that of the previous SDP (${p.username} ${p.sessionId} … ${p.unicastAddress}) but for the version, found ${o.username} ${o.sessionId} … ${o.unicastAddress}`);
  }
  if (o.sessionVersion === p.sessionVersion) {
    // @implements RFC3264 P13L22-P13L26
    if (!sameContent(previous, offer)) return broken('P13L22-P13L24', `the o= version ${o.sessionVersion} did not change, but the SDP did`);
    return { ok: true, unchanged: true };
  }
  // @implements RFC3264 P13L20-P13L22
  if (o.sessionVersion !== p.sessionVersion + 1n) {
    return broken('P13L20-P13L22', `the o= version must go from ${p.sessionVersion} to ${p.sessionVersion + 1n}, found ${o.sessionVersion}`);
  }
  // @implements RFC3264 P13L31-P13L34, P13L40-P13L42
  if (offer.media.length < previous.media.length) {
    return broken('P13L31-P13L34', `the previous SDP had ${previous.media.length} m= lines, this offer has ${offer.media.length}: a stream is removed with port 0, never by leaving its m= line out`);
  }
  return { ok: true, unchanged: false };
}

/**
 * The payload types slot `index` has bound to codecs in the session so far
 * (every exchange's SDP, either side's): a dynamic one is never bound to
 * another codec later.
 */
export function boundPayloadTypes(session: Session | undefined, index: number): Map<number, Format> {
  const bound = new Map<number, Format>();
  const add = (f: Format) => {
    // @implements RFC3264 P15L38-P15L44
    if (f.encodingName !== '' && !bound.has(Number(f.fmt))) bound.set(Number(f.fmt), f);
  };
  for (const f of session?.bindings?.[index] ?? []) add(f);
  for (const d of [session?.local, session?.remote]) for (const f of rtpFormats(d, index)) add(f);
  return bound;
}

/** The bindings after `bindings`, with each slot's formats of `descriptions` (an exchange's offer and answer) added. */
export function bindingsAfter(bindings: Session['bindings'], ...descriptions: SessionDescription[]): Format[][] {
  const slots = Math.max(bindings?.length ?? 0, ...descriptions.map((d) => d.media.length));
  return Array.from({ length: slots }, (_, i) => {
    const bound = boundPayloadTypes({ bindings: bindings ?? [] }, i);
    for (const d of descriptions) for (const f of rtpFormats(d, i)) if (f.encodingName !== '' && !bound.has(Number(f.fmt))) bound.set(Number(f.fmt), f);
    return [...bound.values()];
  });
}

/** The resolved formats of slot `index` of an RTP stream (none for another proto). */
function rtpFormats(d: SessionDescription | undefined, index: number): Format[] {
  const m = d?.media[index];
  return m === undefined || !isRtp(m.proto) ? [] : formatsOf(m);
}
