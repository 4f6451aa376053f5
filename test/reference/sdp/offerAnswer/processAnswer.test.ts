/** The offerer processing the answer (RFC 3264 §7), and the §6 rules it holds the answer to. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { createAnswer, processAnswer } from '../../../../reference/sdp/offerAnswer/index.ts';
import { agent, marked, offerOf, withStream } from './common.ts';

const offer = offerOf(4000, 'audio:PCMU,iLBC:sendrecv', 'video:H261/90000');
const r = createAnswer(offer, agent(6000, 'audio:iLBC,PCMU', 'video:H261/90000'));
if (!r.ok) throw new Error(r.reason);
const answer = r.answer;
const rule = (a: SessionDescription, o = offer) => {
  const p = processAnswer(o, a);
  return p.ok ? 'accepted' : p.rule;
};

// @tests RFC3264 P12L29-P12L33, P7L4-P7L6, P12L47-P12L48
test('the offerer sends the answer\'s formats with the answer\'s numbers, first one first, and receives what both listed', () => {
  // The answerer numbered iLBC 99 where the offer had 96: allowed, and the offerer sends 99.
  const renumbered = withStream(answer, 0, (m) => ({
    ...m,
    formats: m.formats.map((f) => (f === '96' ? '99' : f)),
    attributes: m.attributes.map((a) => (a.kind === 'rtpmap' && a.payloadType === 96 ? { ...a, payloadType: 99 } : a)),
  }));
  const p = processAnswer(offer, renumbered);
  if (!p.ok) throw new Error(p.reason);
  assert.equal(p.streams[0]!.send.map((f) => `${f.fmt} ${f.encodingName}`), ['0 PCMU', '99 iLBC']);
  assert.equal(p.streams[0]!.receive.map((f) => `${f.fmt} ${f.encodingName}`), ['0 PCMU', '96 iLBC']);
  assert.equal(p.streams[0]!.remote, { address: '127.0.0.1', port: 6000 });
});

// @tests RFC3264 P9L23-P9L25, P18L15-P18L17
test('a rejected stream carries nothing; an answer at 0.0.0.0 gets nothing sent to it', () => {
  const rejected = withStream(answer, 1, (m) => ({ ...m, port: 0 }));
  const p = processAnswer(offer, rejected);
  assert.equal(p.ok && [p.streams[1]!.rejected, p.streams[1]!.direction, p.streams[1]!.send, p.streams[1]!.receive], [true, 'inactive', [], []]);
  const blackHoled = { ...answer, connection: { ...answer.connection!, address: '0.0.0.0' } };
  const q = processAnswer(offer, blackHoled);
  assert.equal(q.ok && [q.streams[0]!.direction, q.streams[0]!.send], ['recvonly', []]);
});

// @tests RFC3264 P9L15-P9L16, P9L36-P9L37, P14L22-P14L23, P9L39-P9L48, P10L1-P10L10, P10L33-P10L36, P9L7-P9L10, P9L20-P9L20
test('an answer breaking §6 is refused naming the rule', () => {
  assert.is(rule(answer), 'accepted');
  assert.is(rule({ ...answer, media: answer.media.slice(0, 1) }), 'RFC3264 P9L15-P9L16');
  assert.is(rule(withStream(answer, 1, (m) => ({ ...m, media: 'audio' }))), 'RFC3264 P9L36-P9L37');
  assert.is(rule(answer, withStream(offer, 1, (m) => ({ ...m, port: 0 }))), 'RFC3264 P14L22-P14L23');
  assert.is(rule(withStream(answer, 0, marked('sendonly')), withStream(offer, 0, marked('sendonly'))), 'RFC3264 P9L39-P9L48');
  assert.is(rule(withStream(answer, 0, (m) => ({ ...m, formats: ['8'], attributes: [] }))), 'RFC3264 P10L1-P10L10');
  assert.is(rule(withStream(answer, 0, (m) => ({ ...m, attributes: m.attributes.filter((a) => a.kind !== 'rtpmap') }))), 'RFC3264 P10L33-P10L36');
  assert.is(rule({ ...answer, origin: offer.origin }), 'RFC3264 P9L7-P9L10');
  assert.is(rule({ ...answer, timings: [{ start: 1n, stop: 2n, repeats: [] }] }), 'RFC3264 P9L20-P9L20');
});

// @tests RFC3264 P12L11-P12L24
test('a multicast answer must keep the offer\'s address, port and direction and list only offered formats', () => {
  const group = { netType: 'IN', addrType: 'IP4', address: '224.2.17.12', ttl: 127 };
  const mOffer = { ...offerOf(4000, 'audio:PCMU,PCMA:recvonly'), connection: group };
  const mr = createAnswer(mOffer, agent(6000, 'audio:PCMU'));
  if (!mr.ok) throw new Error(mr.reason);
  assert.is(rule(mr.answer, mOffer), 'accepted');
  assert.is(rule(withStream(mr.answer, 0, (m) => ({ ...m, port: 5000 })), mOffer), 'RFC3264 P12L11-P12L12');
  assert.is(rule(withStream(mr.answer, 0, marked('sendonly')), mOffer), 'RFC3264 P12L12-P12L14');
});

test.run();
