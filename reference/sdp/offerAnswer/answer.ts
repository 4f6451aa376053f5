// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * Generating the answer (§6): one m= line for each offered one, in the same
 * order; each stream accepted with the formats both sides have (numbered as
 * the offer numbers them) and the direction the offer allows, or rejected
 * with port 0. An offer that follows an earlier SDP is checked against it
 * first (§8).
 */
import type { Bandwidth, MediaDescription, SessionDescription } from '../description/types.ts';
import type { Capabilities, MediaCapabilities } from './capabilities.ts';
import { broken, type Broken } from './broken.ts';
import { answerDirection, directionAttributes, directionOf } from './direction.ts';
import { carriesMedia, formatAttributes, formatsOf, sameCodec, type Format } from './formats.ts';
import { checkModifiedOffer, checkOrigin, newOrigin, originAfter, type Session } from './modify.ts';
import { connection } from './offer.ts';
import { answererStreams, streamAddress, type NegotiatedStream } from './negotiated.ts';
import { isMulticast } from './multicast.ts';
import { answersRtcpMux, rtcpMuxAttributes } from './rtcpMux.ts';

export type AnswerResult =
  | { ok: true; answer: SessionDescription; streams: NegotiatedStream[] }
  | { ok: false; status: 488; warning: { code: 302 | 304 | 305; text: string }; reason: string }
  | (Broken & { status: 400 });

/**
 * The answer of `local` to `offer`. `session` is the exchange so far: the
 * offer is checked against `session.remote`, and the answer keeps the o= of
 * `session.local` (the same version when nothing changed, one more when
 * something did).
 */
export function createAnswer(offer: SessionDescription, local: Capabilities, session?: Session): AnswerResult {
  const refused = checkOffer(offer, session);
  if (refused) return { ...refused, status: 400 };
  const seen = new Map<string, number>();
  const answered = offer.media.map((o) => {
    const k = seen.get(o.media) ?? 0;
    seen.set(o.media, k + 1);
    // @implements RFC3264 P9L14-P9L18
    return answerStream(o, offer, local, local.media.filter((m) => m.media === o.media)[k]);
  });
  const media = answered.map((a, i) => (withoutMedia(a, answered) ? rejected(offer.media[i]!) : a));
  const offeredLive = offer.media.filter((o) => o.port !== 0);
  // @implements RFC3264 P11L33-P11L34
  if (offeredLive.length > 0 && media.every((m) => m.port === 0)) return noneAcceptable(offeredLive, local);
  const draft: SessionDescription = {
    version: 0,
    origin: newOrigin(local.username ?? '-', local.address),
    // @implements RFC3264 P5L22-P5L24
    sessionName: '-',
    emails: [],
    phones: [],
    connection: connection(local.address),
    bandwidths: [],
    // @implements RFC3264 P9L20-P9L21
    timings: offer.timings.map((t) => ({ ...t, repeats: [...t.repeats] })),
    attributes: [],
    media,
  };
  // @implements RFC3264 P9L7-P9L10
  if (draft.origin.sessionId === offer.origin.sessionId) draft.origin.sessionId = String(BigInt(offer.origin.sessionId) + 1n);
  const previous = session?.local;
  const answer = previous ? { ...draft, origin: originAfter(previous, { ...draft, origin: previous.origin }) } : draft;
  return { ok: true, answer, streams: answererStreams(offer, answer) };
}

/** The rules an offer must keep before it is answered. */
function checkOffer(offer: SessionDescription, session: Session | undefined): Broken | undefined {
  const origin = checkOrigin(offer);
  if (origin) return origin;
  for (const [i, m] of offer.media.entries()) {
    // @implements RFC3264 P7L27-P7L28
    const ptime = m.attributes.find((a) => a.kind === 'ptime');
    if (ptime?.kind === 'ptime' && !(ptime.milliseconds > 0)) return broken('P7L28-P7L28', `m= line ${i + 1}: a=ptime must be greater than zero, found ${ptime.milliseconds}`);
  }
  // @implements RFC3264 P13L24-P13L29
  const modified = session?.remote ? checkModifiedOffer(session.remote, offer) : undefined;
  return modified?.ok === false ? modified : undefined;
}

/** The answer's m= line for one offered stream, given the capabilities that answer it (if any). */
function answerStream(o: MediaDescription, offer: SessionDescription, local: Capabilities, mine: MediaCapabilities | undefined): MediaDescription {
  // @implements RFC3264 P14L22-P14L25
  if (o.port === 0) return rejected(o);
  const offered = formatsOf(o);
  // A transport this agent does not speak (RTP/SAVP's keys, a DTLS fingerprint) is no format in common either.
  const common = mine === undefined || !sameProto(mine, o) ? [] : commonFormats(offered, mine, local.order ?? 'offer');
  // @implements RFC3264 P11L29-P11L31
  if (common.length === 0) return rejected(o);
  // Our port 0 declines the stream: rejected like one with nothing in common.
  if (mine!.port === 0) return rejected(o);
  const address = streamAddress(o, offer);
  if (isMulticast(address)) return multicastAnswer(o, offer, common);
  const ours = mine!.address;
  return {
    // @implements RFC3264 P9L36-P9L37
    media: o.media,
    // @implements RFC3264 P10L24-P10L29
    port: mine!.port,
    proto: o.proto,
    formats: common.map((f) => f.fmt),
    // @implements RFC3264 P9L35-P9L36
    connections: ours === undefined || ours === local.address ? [] : [connection(ours)],
    bandwidths: [],
    attributes: [
      // @implements RFC3264 P10L31-P10L36, P11L8-P11L10
      ...common.flatMap((f) => formatAttributes(o.proto, f.fmt, f)),
      // The offer's mark, its session's, or sendrecv; and our wish, not the offer's: a held (sendonly) offer gets recvonly, not a held answer.
      // @implements RFC3264 P5L46-P6L1, P9L43-P9L45, P17L39-P17L41
      ...directionAttributes(answerDirection(directionOf(offer, o), mine!.direction ?? 'sendrecv')),
      ...rtcpMuxAttributes(answersRtcpMux(o, mine!.rtcpMux, common.map((f) => f.fmt))),
    ],
  };
}

/**
 * The offered formats this agent has, each as the offer wrote it (its
 * number and fmtp): in the offer's order, or in this agent's when
 * `order` is `local`.
 */
function commonFormats(offered: Format[], mine: MediaCapabilities, order: 'offer' | 'local'): Format[] {
  // The same list whatever the direction: the codecs here are ones this agent both sends and receives.
  // @implements RFC3264 P10L1-P10L22
  const common = offered.filter((f) => mine.codecs.some((c) => sameCodec(f, c)));
  if (order === 'offer') {
    // @implements RFC3264 P10L43-P11L3
    return common;
  }
  // @implements RFC3264 P10L36-P10L38, P10L43-P10L44
  const rank = (f: Format) => mine.codecs.findIndex((c) => sameCodec(f, c));
  return [...common].sort((a, b) => rank(a) - rank(b));
}

/** An accepted multicast stream: the offer's address, port, direction, ptime and bandwidth; a subset of its formats. */
function multicastAnswer(o: MediaDescription, offer: SessionDescription, common: Format[]): MediaDescription {
  const kept = (kind: string) => o.attributes.filter((a) => a.kind === kind);
  const direction = directionOf(offer, o);
  return {
    media: o.media,
    // @implements RFC3264 P12L11-P12L12
    port: o.port,
    ...(o.numberOfPorts === undefined ? {} : { numberOfPorts: o.numberOfPorts }),
    proto: o.proto,
    // @implements RFC3264 P12L19-P12L20
    formats: common.map((f) => f.fmt),
    // @implements RFC3264 P12L11-P12L12
    connections: o.connections.length > 0 ? o.connections.map((c) => ({ ...c })) : [{ ...offer.connection! }],
    // @implements RFC3264 P12L23-P12L24
    bandwidths: o.bandwidths.map((b: Bandwidth) => ({ ...b })),
    attributes: [
      ...common.flatMap((f) => formatAttributes(o.proto, f.fmt, f)),
      // @implements RFC3264 P12L23-P12L24
      ...kept('ptime'),
      // @implements RFC3264 P12L12-P12L14
      ...directionAttributes(direction),
    ],
  };
}

/** Is each format in common with an offered stream one that carries no media (telephone-event, CN), and is there one? */
function onlyAuxiliary(offered: MediaDescription[], local: Capabilities): boolean {
  const common = offered.flatMap((o) => formatsOf(o).filter((f) => local.media.some((m) => m.media === o.media && m.codecs.some((c) => sameCodec(f, c)))));
  return common.length > 0 && !common.some(carriesMedia);
}

/**
 * Our policy, not RFC 3264's: a stream accepted with only formats that
 * carry no media of their own (telephone-event, CN: see carriesMedia) is
 * rejected like one with nothing in common, unless another accepted
 * stream of its media type carries the media they go with. RFC 4733 sends
 * events "in combination with or alternating with other payload types",
 * in one stream or in "separate event and other payload streams" (§2.5.1.1,
 * P11L26-P11L28), as RFC 4317 §2.4 does; never with no other payload.
 */
function withoutMedia(a: MediaDescription, answered: readonly MediaDescription[]): boolean {
  const live = (m: MediaDescription) => m.port !== 0 && formatsOf(m).some(carriesMedia);
  return a.port !== 0 && !live(a) && !answered.some((b) => b.media === a.media && live(b));
}

const sameProto = (mine: MediaCapabilities, o: MediaDescription): boolean => (mine.proto ?? 'RTP/AVP').toUpperCase() === o.proto.toUpperCase();

/** A stream rejected: port 0, and (as an m= line must list one) the first offered format, no attributes. */
function rejected(o: MediaDescription): MediaDescription {
  // @implements RFC3264 P9L25-P9L28
  return { media: o.media, port: 0, proto: o.proto, formats: o.formats.slice(0, 1), connections: [], bandwidths: [], attributes: [] };
}

/**
 * No offered stream can be accepted: the whole offer is refused. Warning
 * 304 when this agent has none of the offered media types, 302 when it has
 * them but not over the offered transport, 305 when it has them but none of
 * their formats (RFC 3261 §20.43).
 */
function noneAcceptable(offered: MediaDescription[], local: Capabilities): AnswerResult {
  const types = [...new Set(offered.map((o) => o.media))];
  const known = types.filter((t) => local.media.some((m) => m.media === t));
  const formats = offered.map((o) => `${o.media} ${formatsOf(o).map((f) => (f.encodingName === '' ? f.fmt : `${f.encodingName}/${f.clockRate}`)).join(' ')}`).join('; ');
  if (known.length === 0) {
    // @implements RFC3261 P181L31-P181L32
    return { ok: false, status: 488, warning: { code: 304, text: 'Media type not available' }, reason: `no offered media type is one this agent has (offered: ${formats})` };
  }
  const ours = local.media.filter((m) => known.includes(m.media));
  if (ours.every((m) => m.port === 0)) {
    // Port 0 is this agent declining its streams of those types: that, not a format, is why.
    // @implements RFC3261 P181L31-P181L32
    return { ok: false, status: 488, warning: { code: 304, text: 'Media type not available' }, reason: `this agent's port for ${[...new Set(ours.map((m) => m.media))].join(', ')} is 0: it declines the stream (offered: ${formats})` };
  }
  const overOurs = offered.filter((o) => local.media.some((m) => m.media === o.media && sameProto(m, o)));
  if (overOurs.length === 0) {
    // @implements RFC3261 P181L23-P181L25
    return { ok: false, status: 488, warning: { code: 302, text: 'Incompatible transport protocol' }, reason: `no offered stream is over a transport this agent has (offered: ${[...new Set(offered.map((o) => o.proto))].join(', ')}; ours: ${[...new Set(local.media.map((m) => m.proto ?? 'RTP/AVP'))].join(', ')})` };
  }
  // @implements RFC3261 P181L34-P181L35
  return { ok: false, status: 488, warning: { code: 305, text: 'Incompatible media format' }, reason: `no offered format is one this agent has${onlyAuxiliary(offered, local) ? ' but telephone-event or CN, which carry no media of their own' : ''} (offered: ${formats}; ours: ${local.media.map((m) => `${m.media} ${m.codecs.map((c) => `${c.encodingName}/${c.clockRate}`).join(' ')}`).join('; ')})` };
}
