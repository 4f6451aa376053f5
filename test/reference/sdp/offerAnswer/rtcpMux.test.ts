/**
 * RTP and RTCP on one port in the offer/answer (RFC 5761 §5.1.1): offered
 * with a=rtcp-mux, answered with one only when offered and wanted, and a
 * stream multiplexed only when both carry it; otherwise RTCP goes to the
 * a=rtcp: port (RFC 3605) or the one above RTP's. The RFC's own example
 * offer is read from its text at test time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../../tools/testkit/docs.ts';
import { parseRef, resolveRef, spanText } from '../../../../tools/spec/refs.ts';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { serialize } from '../../../../reference/sdp/description/serialize.ts';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { codecsFromNames, createAnswer, createOffer, processAnswer, type AnswerResult, type Capabilities } from '../../../../reference/sdp/offerAnswer/index.ts';
import { agent, withStream } from './common.ts';

const ok = (r: AnswerResult) => {
  if (!r.ok) throw new Error(`expected an answer, got ${r.status}: ${r.reason}`);
  return r;
};

/** An agent on 127.0.0.1 with one audio stream at `port` that wants RTP and RTCP on one port or not. */
const muxing = (port: number, rtcpMux: boolean, codecs = 'PCMU,telephone-event'): Capabilities => ({ address: '127.0.0.1', media: [{ media: 'audio', port, codecs: codecsFromNames(codecs), rtcpMux }] });

/** The a=rtcp-mux lines of the whole description (session and media level) as the wire has them. */
const muxLines = (d: SessionDescription): string[] => serialize(d).split('\r\n').filter((l) => l === 'a=rtcp-mux');

/** RFC 5761 §5.1.1's example offer (P6L32-P6L39), as its text prints it, in CRLF lines. */
async function rfcExampleOffer(): Promise<SessionDescription> {
  const doc = await realDoc('RFC5761');
  const text = spanText(doc, resolveRef(doc, parseRef('P6L32-P6L39')));
  return parse(text.split('\n').map((l) => l.trim()).join('\r\n') + '\r\n').description;
}

// @tests RFC5761 P6L25-P6L30
test('an offer of a stream that wants it carries a=rtcp-mux at media level, once; one that does not, none', () => {
  const offer = createOffer(muxing(4000, true));
  assert.equal(muxLines(offer), ['a=rtcp-mux']);
  assert.ok(offer.media[0]!.attributes.some((a) => a.kind === 'other' && a.name === 'rtcp-mux'));
  assert.equal(offer.attributes, [], 'nothing at session level');
  assert.equal(muxLines(createOffer(muxing(4000, false))), []);
  // Parsed back, it is the same property attribute.
  assert.equal(muxLines(parse(serialize(offer)).description), ['a=rtcp-mux']);
});

// @tests RFC5761 P6L45-P6L46, P6L41-P6L43
test('the RFC\'s example offer (iLBC, a=rtcp-mux) answered by an agent that wants it: a=rtcp-mux in the answer, RTP and RTCP both to the offered port', async () => {
  const offer = await rfcExampleOffer();
  const r = ok(createAnswer(offer, muxing(6000, true, 'iLBC')));
  assert.equal(muxLines(r.answer), ['a=rtcp-mux']);
  const [s] = r.streams;
  assert.equal([s!.rtcpMux, s!.remote, s!.rtcp], [true, { address: '2001:DB8::211:24ff:fea3:7a2e', port: 49170 }, { address: '2001:DB8::211:24ff:fea3:7a2e', port: 49170 }]);
  // The offerer reads the same answer as multiplexed, RTCP to the answer's RTP port.
  const p = processAnswer(offer, r.answer);
  assert.ok(p.ok);
  assert.equal(p.ok && [p.streams[0]!.rtcpMux, p.streams[0]!.rtcp], [true, { address: '127.0.0.1', port: 6000 }]);
});

/** Our offerer at 4000 and our answerer at 6000, each wanting multiplexing or not: the answer and each side's view. */
function exchange(offerMux: boolean, answerMux: boolean) {
  const offer = createOffer(muxing(4000, offerMux));
  const r = ok(createAnswer(offer, muxing(6000, answerMux)));
  const p = processAnswer(offer, r.answer);
  if (!p.ok) throw new Error(`our own answer refused: ${p.reason}`);
  const view = (s: { rtcpMux: boolean; rtcp: { address: string; port: number } }) => [s.rtcpMux, s.rtcp.port];
  return { offer, answer: r.answer, answerer: view(r.streams[0]!), offerer: view(p.streams[0]!) };
}

// @tests RFC5761 P7L1-P7L5, P6L15-P6L18
test('one side does not want it (either one): no a=rtcp-mux in the answer, and neither side multiplexes (RTCP on port + 1)', () => {
  for (const [offerMux, answerMux] of [[true, false], [false, true]]) {
    const x = exchange(offerMux!, answerMux!);
    // Not offered, an answerer that wants it still does not add it.
    assert.equal(muxLines(x.answer), [], `offer ${offerMux}, answer ${answerMux}`);
    assert.equal([x.answerer, x.offerer], [[false, 4001], [false, 6001]], `offer ${offerMux}, answer ${answerMux}`);
  }
  // An answer that adds it anyway does not make the offerer multiplex: it did not ask.
  const x = exchange(false, true);
  const added = withStream(x.answer, 0, (m) => ({ ...m, attributes: [...m.attributes, { kind: 'other', name: 'rtcp-mux' }] }));
  const p = processAnswer(x.offer, added);
  assert.equal(p.ok && p.streams[0]!.rtcpMux, false);
});

// @tests RFC5761 P6L47-P6L48, P5L35-P5L38
test('a payload type in 64-95 clashes with RTCP\'s packet types: the answer does not multiplex that stream', () => {
  const offer = parse(['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 72', 'a=rtpmap:72 PCMU/8000', 'a=rtcp-mux', ''].join('\r\n')).description;
  const r = ok(createAnswer(offer, muxing(6000, true)));
  assert.equal(r.answer.media[0]!.formats, ['72']);
  assert.equal(muxLines(r.answer), []);
  assert.equal(r.streams[0]!.rtcpMux, false);
});

// @tests RFC3605 P2L31-P2L33
test('not multiplexed, RTCP goes where a=rtcp: says, at its address when it gives one', () => {
  const offer = withStream(createOffer(agent(4000, 'audio:PCMU')), 0, (m) => ({ ...m, attributes: [...m.attributes, { kind: 'rtcp', port: 4711, connection: { netType: 'IN', addrType: 'IP4', address: '127.0.0.2' } }] }));
  const r = ok(createAnswer(offer, muxing(6000, true)));
  assert.equal(r.streams[0]!.rtcp, { address: '127.0.0.2', port: 4711 });
  const portOnly = withStream(offer, 0, (m) => ({ ...m, attributes: m.attributes.map((a) => (a.kind === 'rtcp' ? { kind: 'rtcp' as const, port: 4711 } : a)) }));
  assert.equal(ok(createAnswer(portOnly, muxing(6000, true))).streams[0]!.rtcp, { address: '127.0.0.1', port: 4711 });
});

// @tests RFC5761 P9L6-P9L9
test('a multicast stream is not multiplexed: our answer to one carries no a=rtcp-mux', () => {
  const offer = parse(['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 224.2.17.12/127', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=rtcp-mux', ''].join('\r\n')).description;
  const r = ok(createAnswer(offer, muxing(6000, true)));
  assert.equal(muxLines(r.answer), []);
  assert.equal(r.streams[0]!.rtcpMux, false);
});

test('a re-offer keeps asking: the modified offer of a muxed stream carries a=rtcp-mux again', () => {
  const first = createOffer(muxing(4000, true));
  const again = createOffer(muxing(4002, true), { local: first });
  assert.equal(muxLines(again), ['a=rtcp-mux']);
  assert.is(again.origin.sessionVersion, first.origin.sessionVersion + 1n);
});

test.run();
