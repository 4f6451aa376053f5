/**
 * The typed session description: what the parser (parse.ts) produces, the
 * serializer (serialize.ts) writes back, and offer/answer (../offerAnswer/)
 * reads and builds. Fields are named as RFC 8866 §5 names them and kept in
 * its order, session level first, then each media description.
 *
 * Plumbing (types only): the rules live in the modules that use these.
 */

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2). */
export interface Origin {
  username: string;
  /** A numeric string: it may exceed 2^53, and only equality matters. */
  sessionId: string;
  /** A number that offer/answer increments by exactly one (RFC 3264 §8). */
  sessionVersion: bigint;
  netType: string;
  addrType: string;
  unicastAddress: string;
}

/** `c=<nettype> <addrtype> <connection-address>` (§5.7); TTL and count as written for multicast. */
export interface Connection {
  netType: string;
  addrType: string;
  address: string;
  ttl?: number;
  numberOfAddresses?: number;
}

/** `b=<bwtype>:<bandwidth>` (§5.8). */
export interface Bandwidth {
  type: string;
  bandwidth: number;
}

/**
 * `t=<start-time> <stop-time>` (§5.9) with its `r=` lines (§5.10) and the
 * `z=` line (§5.11) that modifies them, kept as written. RFC 8866 makes `z=`
 * part of the time description, after its `r=` lines (RFC 4566 had one `z=`
 * after all of them).
 */
export interface Timing {
  start: bigint;
  stop: bigint;
  repeats: string[];
  zone?: string;
}

/** The media directions of RFC 8866 §6.7 (and RFC 3264 §5.1). */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * An `a=` line (§5.13). Those this wave needs are typed; every other is kept
 * as name and value, in order, never dropped (`kind: 'other'`). `value` is
 * absent for a property attribute (`a=<name>`), present (maybe empty) for a
 * value attribute (`a=<name>:<value>`).
 */
export type Attribute =
  | { kind: 'rtpmap'; payloadType: number; encodingName: string; clockRate: number; encodingParameters?: string }
  | { kind: 'fmtp'; format: string; parameters: string }
  | { kind: 'ptime'; milliseconds: number }
  | { kind: 'maxptime'; milliseconds: number }
  | { kind: 'direction'; direction: Direction }
  /** RFC 3605: `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]`. */
  | { kind: 'rtcp'; port: number; connection?: Connection }
  /** RFC 5888 §4: `a=mid:<identification-tag>`. */
  | { kind: 'mid'; tag: string }
  /** RFC 5888 §5: `a=group:<semantics> *(SP <identification-tag>)`. */
  | { kind: 'group'; semantics: string; tags: string[] }
  /** RFC 4145 §4: `a=setup:active|passive|actpass|holdconn`. */
  | { kind: 'setup'; role: 'active' | 'passive' | 'actpass' | 'holdconn' }
  /** RFC 4145 §5: `a=connection:new|existing`. */
  | { kind: 'connection'; value: 'new' | 'existing' }
  /** RFC 8122 §5: `a=fingerprint:<hash-func> <fingerprint>` (parsed, never checked). */
  | { kind: 'fingerprint'; hashFunction: string; fingerprint: string }
  | { kind: 'other'; name: string; value?: string };

/** `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (§5.14) and what follows it. */
export interface MediaDescription {
  media: string;
  /** 0 rejects or disables the stream (RFC 3264 §5.1, §6). */
  port: number;
  numberOfPorts?: number;
  proto: string;
  /** As written: RTP payload type numbers for RTP/AVP, anything for other protos. */
  formats: string[];
  information?: string;
  connections: Connection[];
  bandwidths: Bandwidth[];
  attributes: Attribute[];
}

/** A whole session description (§5), in field order. */
export interface SessionDescription {
  version: number;
  origin: Origin;
  sessionName: string;
  information?: string;
  uri?: string;
  emails: string[];
  phones: string[];
  connection?: Connection;
  bandwidths: Bandwidth[];
  /** `k=` has no field: RFC 8866 §5.12 says to discard it (parse warns). */
  timings: Timing[];
  attributes: Attribute[];
  media: MediaDescription[];
}
