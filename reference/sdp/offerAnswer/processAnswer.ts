// @implements RFC3264 (An Offer/Answer Model with SDP)
/**
 * The offerer processing the answer (§7): the answer is held to the rules
 * §6 gives the answerer (a broken one is refused naming the rule), then
 * read as what to send, where, and what to receive.
 */
import type { SessionDescription } from '../description/types.ts';
import { broken, type Broken } from './broken.ts';
import { allowedAnswer, directionOf } from './direction.ts';
import { formatsOf, isRtp, sameCodec } from './formats.ts';
import { isMulticast } from './multicast.ts';
import { sameContent } from './modify.ts';
import { offererStreams, streamAddress, type NegotiatedStream } from './negotiated.ts';

export function processAnswer(offer: SessionDescription, answer: SessionDescription): { ok: true; streams: NegotiatedStream[] } | Broken {
  const wrong = checkAnswer(offer, answer);
  return wrong ?? { ok: true, streams: offererStreams(offer, answer) };
}

function checkAnswer(offer: SessionDescription, answer: SessionDescription): Broken | undefined {
  // @implements RFC3264 P9L7-P9L10
  if (!sameContent(offer, answer) && sameOrigin(offer, answer)) return broken('P9L7-P9L10', 'the answer differs from the offer but carries the offer\'s o= line');
  // @implements RFC3264 P9L14-P9L18
  if (answer.media.length !== offer.media.length) return broken('P9L15-P9L16', `the offer has ${offer.media.length} m= lines, the answer ${answer.media.length}`);
  // @implements RFC3264 P9L20-P9L21
  if (JSON.stringify(times(answer)) !== JSON.stringify(times(offer))) return broken('P9L20-P9L20', `t= ${times(answer).join(', ')} in the answer, ${times(offer).join(', ')} in the offer`);
  for (const [i, o] of offer.media.entries()) {
    const a = answer.media[i]!;
    const at = `m= line ${i + 1}`;
    // @implements RFC3264 P9L36-P9L37
    if (a.media !== o.media) return broken('P9L36-P9L37', `${at}: ${o.media} offered, ${a.media} answered`);
    // @implements RFC3264 P14L22-P14L23
    if (o.port === 0 && a.port !== 0) return broken('P14L22-P14L23', `${at}: offered with port 0, answered with port ${a.port}`);
    // @implements RFC3264 P9L27-P9L28
    if (a.formats.length === 0) return broken('P9L27-P9L28', `${at}: no format listed`);
    if (a.port === 0) continue; // rejected: its formats are ignored
    const offered = formatsOf(o);
    const answered = formatsOf(a);
    const multicast = isMulticast(streamAddress(o, offer));
    // @implements RFC3264 P9L35-P9L36
    if (!multicast && isMulticast(streamAddress(a, answer))) return broken('P9L35-P9L36', `${at}: a unicast stream answered with the multicast address ${streamAddress(a, answer)}`);
    const offeredDirection = directionOf(offer, o);
    const answeredDirection = directionOf(answer, a);
    // @implements RFC3264 P9L39-P9L48
    if (!multicast && !allowedAnswer(offeredDirection, answeredDirection)) return broken('P9L39-P9L48', `${at}: ${offeredDirection} offered, ${answeredDirection} answered`);
    // @implements RFC3264 P10L1-P10L10
    if (!answered.some((f) => offered.some((g) => sameCodec(f, g)))) return broken('P10L1-P10L10', `${at}: none of the answer's formats (${a.formats.join(' ')}) is one the offer lists`);
    if (isRtp(a.proto)) {
      // @implements RFC3264 P10L33-P10L36
      const unmapped = a.formats.filter((f) => Number(f) >= 96 && !a.attributes.some((x) => x.kind === 'rtpmap' && x.payloadType === Number(f)));
      if (unmapped.length > 0) return broken('P10L33-P10L36', `${at}: no a=rtpmap for the dynamic payload type(s) ${unmapped.join(' ')}`);
    }
    if (multicast) {
      const wrong = checkMulticast(o, a, offer, answer, offeredDirection, answeredDirection);
      if (wrong) return broken(wrong[0], `${at}: ${wrong[1]}`);
    }
  }
  return undefined;
}

/** §6.2: an accepted multicast stream keeps the offer's address, port, direction, ptime and bandwidth, and a subset of its formats. */
function checkMulticast(
  o: SessionDescription['media'][number],
  a: SessionDescription['media'][number],
  offer: SessionDescription,
  answer: SessionDescription,
  offeredDirection: string,
  answeredDirection: string,
): [string, string] | undefined {
  // @implements RFC3264 P12L11-P12L12
  if (streamAddress(a, answer) !== streamAddress(o, offer) || a.port !== o.port) return ['P12L11-P12L12', `multicast ${streamAddress(o, offer)}:${o.port} offered, ${streamAddress(a, answer)}:${a.port} answered`];
  // @implements RFC3264 P12L12-P12L14
  if (offeredDirection !== answeredDirection) return ['P12L12-P12L14', `multicast ${offeredDirection} offered, ${answeredDirection} answered`];
  // @implements RFC3264 P12L19-P12L20
  const extra = a.formats.filter((f) => !o.formats.includes(f));
  if (extra.length > 0) return ['P12L19-P12L20', `multicast answer lists format(s) ${extra.join(' ')} the offer does not`];
  // @implements RFC3264 P12L23-P12L24
  const ptime = (m: typeof o) => JSON.stringify(m.attributes.filter((x) => x.kind === 'ptime'));
  const changed = (ptime(o) !== '[]' && ptime(a) !== ptime(o)) || (o.bandwidths.length > 0 && JSON.stringify(a.bandwidths) !== JSON.stringify(o.bandwidths));
  if (changed) return ['P12L23-P12L24', 'multicast answer changes a=ptime or b='];
  return undefined;
}

const times = (d: SessionDescription): string[] => d.timings.map((t) => `${t.start} ${t.stop}`);

const sameOrigin = (a: SessionDescription, b: SessionDescription): boolean =>
  a.origin.username === b.origin.username && a.origin.sessionId === b.origin.sessionId && a.origin.unicastAddress === b.origin.unicastAddress;
