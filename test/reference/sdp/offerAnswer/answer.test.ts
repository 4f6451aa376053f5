/** Generating the answer (RFC 3264 §6), on descriptions built through the module. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAnswer, createOffer, type AnswerResult, type Capabilities } from '../../../../reference/sdp/offerAnswer/index.ts';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { serialize } from '../../../../reference/sdp/description/serialize.ts';
import { formatMedia } from '../../../../reference/sdp/description/media.ts';
import { formatsOf } from '../../../../reference/sdp/offerAnswer/formats.ts';
import { agent, lines, offerOf, withStream } from './common.ts';

const ok = (r: AnswerResult) => {
  if (!r.ok) throw new Error(`expected an answer, got ${r.status}: ${r.reason}`);
  return r;
};

// @tests RFC3264 P9L14-P9L18, P9L25-P9L28, P9L36-P9L37
test('one m= line per offered one, in order; a stream we have nothing for is rejected with port 0 and one format', () => {
  const offer = offerOf(4000, 'audio:PCMU,PCMA', 'video:H261/90000,MPV/90000', 'audio:telephone-event');
  const { answer } = ok(createAnswer(offer, agent(6000, 'audio:PCMA', 'audio:telephone-event')));
  assert.equal(lines(answer), ['audio 6000 8 sendrecv', 'video 0 31 sendrecv', 'audio 6002 96 sendrecv']);
  assert.equal(answer.media[1]!.attributes, []);
  // No m= lines offered: none answered.
  assert.equal(ok(createAnswer({ ...offer, media: [] }, agent(6000, 'audio:PCMU'))).answer.media, []);
});

// @tests RFC3264 P9L39-P9L48, P5L46-P6L1, P17L39-P17L41
test('the direction answered: sendonly → recvonly, recvonly → sendonly, inactive stays, sendrecv as we wish; a session-level mark counts', () => {
  const offer = offerOf(4000, 'audio:PCMU:sendonly', 'audio:PCMU:recvonly', 'audio:PCMU:inactive', 'audio:PCMU', 'audio:PCMU');
  const local = agent(6000, 'audio:PCMU', 'audio:PCMU', 'audio:PCMU', 'audio:PCMU', 'audio:PCMU:recvonly');
  assert.equal(lines(ok(createAnswer(offer, local)).answer).map((l) => l.split(' ').pop()), ['recvonly', 'sendonly', 'inactive', 'sendrecv', 'recvonly']);
  // We wish only to send, and the offer only sends: nothing flows either way.
  assert.equal(lines(ok(createAnswer(offerOf(4000, 'audio:PCMU:sendonly'), agent(6000, 'audio:PCMU:sendonly'))).answer), ['audio 6000 0 inactive']);
  const sessionLevel = { ...offerOf(4000, 'audio:PCMU'), attributes: [{ kind: 'direction' as const, direction: 'sendonly' as const }] };
  assert.equal(lines(ok(createAnswer(sessionLevel, agent(6000, 'audio:PCMU'))).answer), ['audio 6000 0 recvonly']);
});

// @tests RFC3264 P10L31-P10L38, P10L43-P11L3, P11L8-P11L10
test('formats: the intersection, in the offer\'s order unless we ask for ours; the offer\'s numbers and fmtp; an rtpmap for each', () => {
  const offer = offerOf(4000, 'audio:iLBC,PCMU,PCMA,telephone-event');
  const local = agent(6000, 'audio:PCMA,telephone-event,iLBC');
  const inOfferOrder = ok(createAnswer(offer, local)).answer;
  assert.equal(lines(inOfferOrder), ['audio 6000 96 8 97 sendrecv']);
  const inOurs = ok(createAnswer(offer, { ...local, order: 'local' })).answer;
  assert.equal(lines(inOurs), ['audio 6000 8 97 96 sendrecv']);
  const f = formatsOf(inOfferOrder.media[0]!);
  assert.equal(f.map((x) => `${x.fmt} ${x.encodingName}/${x.clockRate}${x.fmtp ? ` ${x.fmtp}` : ''}`), ['96 iLBC/8000', '8 PCMA/8000', '97 telephone-event/8000 0-16']);
  assert.equal(inOfferOrder.media[0]!.attributes.filter((a) => a.kind === 'rtpmap').length, 3);
});

// @tests RFC3264 P11L29-P11L34
// @tests RFC3261 P181L23-P181L25, P181L31-P181L35
test('nothing in common anywhere: no answer but 488, Warning 305 (formats), 304 (media types) or 302 (transports), naming what was offered', () => {
  const offer = offerOf(4000, 'audio:G726-32/8000');
  const r = createAnswer(offer, agent(6000, 'audio:PCMU,PCMA'));
  assert.equal(r.ok ? undefined : [r.status, 'warning' in r ? r.warning : undefined], [488, { code: 305, text: 'Incompatible media format' }]);
  assert.match(r.ok ? '' : r.reason, 'G726-32/8000');
  const video = createAnswer(offerOf(4000, 'video:H261/90000'), agent(6000, 'audio:PCMU'));
  assert.equal(video.ok ? undefined : 'warning' in video ? video.warning.code : undefined, 304);
  // PCMU over SRTP (RTP/SAVP) is not PCMU over RTP/AVP: 302.
  const srtp = { ...offer, media: offerOf(4000, 'audio:PCMU').media.map((m) => ({ ...m, proto: 'RTP/SAVP' })) };
  const s = createAnswer(srtp, agent(6000, 'audio:PCMU'));
  assert.equal(s.ok ? undefined : 'warning' in s ? s.warning : undefined, { code: 302, text: 'Incompatible transport protocol' });
  // One stream in common is enough: the rest are rejected, the offer is not.
  assert.ok(createAnswer(offerOf(4000, 'video:H261/90000', 'audio:PCMU'), agent(6000, 'audio:PCMU')).ok);
});

// @tests RFC3264 P14L22-P14L23, P9L20-P9L20, P9L7-P9L10
test('a stream offered with port 0 is answered with port 0; t= is the offer\'s; the o= line is ours', () => {
  const offer = withStream(offerOf(4000, 'audio:PCMU', 'audio:PCMU'), 1, (m) => ({ ...m, port: 0 }));
  const timed = { ...offer, timings: [{ start: 3034423619n, stop: 3042462419n, repeats: [] }] };
  const { answer } = ok(createAnswer(timed, agent(6000, 'audio:PCMU', 'audio:PCMU')));
  assert.equal(lines(answer), ['audio 6000 0 sendrecv', 'audio 0 0 sendrecv']);
  assert.equal(answer.timings, timed.timings);
  assert.is.not(answer.origin.sessionId, offer.origin.sessionId);
});

// @tests RFC3264 P7L28-P7L28, P5L12-P5L14
test('an offer breaking §5 gets 400 naming the rule: a=ptime:0, an o= session id beyond 64 bits', () => {
  const zero = withStream(offerOf(4000, 'audio:PCMU'), 0, (m) => ({ ...m, attributes: [...m.attributes, { kind: 'ptime', milliseconds: 0 }] }));
  const r = createAnswer(zero, agent(6000, 'audio:PCMU'));
  assert.equal(r.ok ? undefined : [r.status, 'rule' in r ? r.rule : ''], [400, 'RFC3264 P7L28-P7L28']);
  const big = { ...offerOf(4000, 'audio:PCMU'), origin: { ...offerOf(4000, 'audio:PCMU').origin, sessionId: '9223372036854775808' } };
  const b = createAnswer(big, agent(6000, 'audio:PCMU'));
  assert.equal(b.ok ? undefined : [b.status, 'rule' in b ? b.rule : ''], [400, 'RFC3264 P5L12-P5L14']);
});

// @tests RFC3264 P12L11-P12L24
test('a multicast stream is answered with its own address, port, direction, ptime and bandwidth, and a subset of its formats', () => {
  const base = offerOf(4000, 'audio:PCMU,PCMA:recvonly');
  const offer = {
    ...base,
    connection: { netType: 'IN', addrType: 'IP4', address: '224.2.17.12', ttl: 127 },
    media: base.media.map((m) => ({ ...m, bandwidths: [{ type: 'AS', bandwidth: 64 }], attributes: [...m.attributes, { kind: 'ptime' as const, milliseconds: 40 }] })),
  };
  const { answer } = ok(createAnswer(offer, agent(6000, 'audio:PCMA')));
  assert.equal(lines(answer), ['audio 4000 8 recvonly']);
  assert.equal(answer.media[0]!.connections, [offer.connection]);
  assert.equal(answer.media[0]!.bandwidths, [{ type: 'AS', bandwidth: 64 }]);
  assert.ok(answer.media[0]!.attributes.some((a) => a.kind === 'ptime' && a.milliseconds === 40));
});

// @tests RFC3264 P11L36-P12L2
test('the answerer\'s view: it sends the offer\'s formats also answered, numbered as offered, at the offer\'s ptime', () => {
  const offer = withStream(offerOf(4000, 'audio:PCMU,iLBC'), 0, (m) => ({ ...m, attributes: [...m.attributes, { kind: 'ptime', milliseconds: 30 }] }));
  const r = ok(createAnswer(offer, agent(6000, 'audio:iLBC,PCMU')));
  const [s] = r.streams;
  assert.equal(s!.send.map((f) => `${f.fmt} ${f.encodingName}`), ['0 PCMU', '96 iLBC']);
  assert.equal(s!.remote, { address: '127.0.0.1', port: 4000 });
  assert.is(s!.ptime, 30);
  assert.is(s!.direction, 'sendrecv');
});

// Our policy (answer.ts withoutMedia): telephone-event and CN carry no media of their own.
test('an offer whose only formats in common are telephone-event or CN: the stream rejected, and with nothing else 488 Warning 305', () => {
  const g726 = offerOf(4000, 'audio:G726-32/8000,telephone-event');
  const r = createAnswer(g726, agent(6000, 'audio:PCMU,telephone-event'));
  assert.equal(r.ok ? lines(r.answer) : [r.status, 'warning' in r ? r.warning.code : 0], [488, 305]);
  if (!r.ok && r.status === 488) assert.match(r.reason, /but telephone-event or CN, which carry no media of their own/);
  const cn = createAnswer(offerOf(4000, 'audio:G726-32/8000,CN/8000'), agent(6000, 'audio:PCMU,CN/8000'));
  assert.equal(cn.ok ? lines(cn.answer) : [cn.status, 'warning' in cn ? cn.warning.code : 0], [488, 305]);
  // Beside an accepted audio stream, its own telephone-event stream is accepted (RFC 4317 §2.4, RFC 4733 §2.5.1.1); without one it is not.
  const two = offerOf(4000, 'audio:G726-32/8000,PCMU', 'audio:telephone-event');
  assert.equal(lines(ok(createAnswer(two, agent(6000, 'audio:PCMU', 'audio:telephone-event'))).answer), ['audio 6000 0 sendrecv', 'audio 6002 96 sendrecv']);
  const video = offerOf(4000, 'video:H261/90000', 'audio:G726-32/8000,telephone-event');
  assert.equal(lines(ok(createAnswer(video, agent(6000, 'video:H261/90000', 'audio:PCMU,telephone-event'))).answer), ['video 6000 31 sendrecv', 'audio 0 96 sendrecv']);
});

// @tests RFC3264 P10L31-P10L36, P7L14-P7L15
test('a stream that is not RTP (TCP/MSRP *): offered and answered with its formats as written, no rtpmap, and the answer parses', () => {
  const msrp: Capabilities = { address: '127.0.0.1', media: [{ media: 'message', port: 7394, proto: 'TCP/MSRP', codecs: [{ encodingName: '*', clockRate: 0, fmtp: 'x=1' }] }] };
  const offer = createOffer(msrp);
  assert.equal(offer.media.map((m) => [formatMedia(m), m.attributes]), [['message 7394 TCP/MSRP *', [{ kind: 'fmtp', format: '*', parameters: 'x=1' }]]]);
  const { answer } = ok(createAnswer(parse(serialize(offer)).description, { ...msrp, media: [{ ...msrp.media[0]!, port: 9 }] }));
  assert.equal(answer.media.map((m) => [formatMedia(m), m.attributes.map((a) => a.kind)]), [['message 9 TCP/MSRP *', ['fmtp']]]);
  assert.equal(parse(serialize(answer)).description, answer);
});

test.run();
