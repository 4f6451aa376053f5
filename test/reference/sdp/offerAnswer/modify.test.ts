/** Modifying the session (RFC 3264 §8): new offers, and answers to them, after an exchange. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAnswer, createOffer, hold, offerAnswerStep, resume, startOfferAnswer, type AnswerResult, type OfferAnswer, type Stable } from '../../../../reference/sdp/offerAnswer/index.ts';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { formatsOf } from '../../../../reference/sdp/offerAnswer/formats.ts';
import { agent, lines, marked, withStream } from './common.ts';

const ok = (r: AnswerResult) => {
  if (!r.ok) throw new Error(`expected an answer, got ${r.status}: ${r.reason}`);
  return r;
};
const rule = (r: AnswerResult) => (r.ok ? 'answered' : 'rule' in r ? r.rule : `${r.status}`);

const alice = agent(4000, 'audio:PCMU,telephone-event', 'video:H261/90000');
const bob = agent(6000, 'audio:PCMU,telephone-event', 'video:H261/90000');
const first = createOffer(alice);
const firstAnswer = ok(createAnswer(first, bob)).answer;

// @tests RFC3264 P13L19-P13L22, P13L31-P13L36, P13L40-P13L42, P14L3-P14L5, P14L17-P14L20
test('a new offer: the same o= with the version one more; every stream in its slot, a dropped one with port 0, new ones below', () => {
  const next = createOffer(agent(4000, 'audio:PCMU'), { local: first, remote: firstAnswer });
  assert.equal(next.origin, { ...first.origin, sessionVersion: first.origin.sessionVersion + 1n });
  assert.equal(lines(next), ['audio 4000 0 sendrecv', 'video 0 31 sendrecv']);
  assert.equal(next.media[1]!.attributes, []);
  const more = createOffer(agent(4000, 'audio:PCMU', 'video:H261/90000', 'audio:telephone-event'), { local: next });
  assert.equal(more.origin.sessionVersion, first.origin.sessionVersion + 2n);
  assert.equal(lines(more).map((l) => l.split(' ')[0]), ['audio', 'video', 'audio']);
});

// @tests RFC3264 P14L40-P14L44
test('a new offer that changes only a port changes nothing else but the o= version', () => {
  const moved = createOffer(agent(4100, 'audio:PCMU,telephone-event', 'video:H261/90000'), { local: first, remote: firstAnswer });
  assert.equal(moved.media.map((m) => m.port), [4100, 4102]);
  assert.equal({ ...moved, origin: first.origin, media: moved.media.map((m, i) => ({ ...m, port: first.media[i]!.port })) }, first);
});

// @tests RFC3264 P15L38-P15L44
test('a dynamic payload type keeps its codec for the whole session: a new codec gets a number never bound to another', () => {
  // telephone-event took 96 in the first offer; the new offer puts opus first.
  const next = createOffer(agent(4000, 'audio:opus,telephone-event'), { local: first, remote: firstAnswer });
  assert.equal(formatsOf(next.media[0]!).map((f) => `${f.fmt} ${f.encodingName}`), ['97 opus', '96 telephone-event']);
});

// @tests RFC3264 P13L22-P13L29
test('an answer after an answer: the same o= version when nothing changed, one more when something did', () => {
  const again = ok(createAnswer(first, bob, { local: firstAnswer, remote: first })).answer;
  assert.equal(again.origin, firstAnswer.origin);
  assert.equal(again, firstAnswer);
  const held = hold(first);
  const heldAnswer = ok(createAnswer(held, bob, { local: firstAnswer, remote: first })).answer;
  assert.equal(heldAnswer.origin, { ...firstAnswer.origin, sessionVersion: firstAnswer.origin.sessionVersion + 1n });
  assert.is(heldAnswer.origin.sessionId, firstAnswer.origin.sessionId);
});

// @tests RFC3264 P13L19-P13L24, P13L31-P13L34
test('an offer that breaks §8 is refused naming the rule', () => {
  const session = { local: firstAnswer, remote: first };
  const skipped = { ...hold(first), origin: { ...first.origin, sessionVersion: first.origin.sessionVersion + 2n } };
  assert.is(rule(createAnswer(skipped, bob, session)), 'RFC3264 P13L20-P13L22');
  const sameVersion = { ...hold(first), origin: first.origin };
  assert.is(rule(createAnswer(sameVersion, bob, session)), 'RFC3264 P13L22-P13L24');
  const newSession = { ...hold(first), origin: { ...hold(first).origin, sessionId: '1' } };
  assert.is(rule(createAnswer(newSession, bob, session)), 'RFC3264 P13L19-P13L22');
  const fewer = { ...hold(first), media: hold(first).media.slice(0, 1) };
  assert.is(rule(createAnswer(fewer, bob, session)), 'RFC3264 P13L31-P13L34');
});

// @tests RFC3264 P17L29-P17L36, P17L39-P17L41
test('hold: sendrecv → sendonly, recvonly → inactive, the rest unchanged, version one more; the answer is not held in turn', () => {
  const offer = withStream(createOffer(agent(4000, 'audio:PCMU', 'audio:PCMU', 'audio:PCMU')), 1, marked('recvonly'));
  const held = hold(withStream(offer, 2, (m) => ({ ...m, port: 0 })));
  assert.equal(lines(held), ['audio 4000 0 sendonly', 'audio 4002 0 inactive', 'audio 0 0 sendrecv']);
  assert.equal(held.origin.sessionVersion, offer.origin.sessionVersion + 1n);
  const answer = ok(createAnswer(createOffer(agent(4000, 'audio:PCMU')), agent(6000, 'audio:PCMU'))).answer;
  const heldAnswer = ok(createAnswer(hold(createOffer(agent(4000, 'audio:PCMU'))), agent(6000, 'audio:PCMU'))).answer;
  assert.equal(lines(answer), ['audio 6000 0 sendrecv']);
  assert.equal(lines(heldAnswer), ['audio 6000 0 recvonly']);
  // A session-level sendrecv moves onto each stream as it changes.
  const sessionMarked = { ...offer, attributes: [{ kind: 'direction' as const, direction: 'sendrecv' as const }] };
  assert.equal(hold(sessionMarked).attributes, []);
});

// @tests RFC3264 P13L3-P13L7
test('resume: a new offer in the directions we wish again, version one more', () => {
  const held = hold(first);
  const back = resume(held, alice);
  assert.equal(lines(back), lines(first));
  assert.equal(back.origin.sessionVersion, held.origin.sessionVersion + 1n);
});

// @tests RFC3264 P13L33-P13L36, P14L3-P14L5
test('after answering [video, audio] with audio only, our re-offers keep audio in slot 2 and video off in slot 1', () => {
  const theirs = createOffer(agent(6000, 'video:H261/90000', 'audio:PCMU'));
  const us = agent(4000, 'audio:PCMU');
  const answer = ok(createAnswer(theirs, us)).answer;
  assert.equal(lines(answer), ['video 0 31 sendrecv', 'audio 4000 0 sendrecv']);
  const again = createOffer(us, { local: answer, remote: theirs });
  assert.equal(lines(again), ['video 0 31 sendrecv', 'audio 4000 0 sendrecv']);
  assert.equal(lines(resume(hold(answer), us)), ['video 0 31 sendrecv', 'audio 4000 0 sendrecv']);
  // The k-th stream of a type takes the k-th earlier slot of that type; one more goes below.
  const more = createOffer(agent(4000, 'audio:PCMU', 'video:H261/90000', 'audio:PCMA'), { local: answer, remote: theirs });
  assert.equal(lines(more), ['video 4002 31 sendrecv', 'audio 4000 0 sendrecv', 'audio 4004 8 sendrecv']);
});

/** One exchange through the machine: our offer (built from the Stable state) and the peer's answer. */
function weOffer(state: OfferAnswer, build: (s: Stable) => SessionDescription, peer: ReturnType<typeof agent>): Stable {
  if (state.state !== 'Stable') throw new Error(state.state);
  const offer = build(state);
  const sent = offerAnswerStep(state, { type: 'sendOffer', offer });
  const answer = ok(createAnswer(offer, peer, { local: state.remote, remote: state.local })).answer;
  return offerAnswerStep(sent, { type: 'receiveAnswer', answer }) as Stable;
}
const rtpmaps = (d: SessionDescription) => formatsOf(d.media[0]!).map((f) => `${f.fmt} ${f.encodingName}`);

// @tests RFC3264 P15L38-P15L44
test('a dynamic payload type dropped for one exchange is not bound to another codec in a later one', () => {
  const peer = agent(6000, 'audio:PCMU,telephone-event,opus');
  let s = weOffer(startOfferAnswer(), () => createOffer(agent(4000, 'audio:PCMU,telephone-event')), peer);
  assert.equal(rtpmaps(s.local!), ['0 PCMU', '96 telephone-event']);
  s = weOffer(s, (st) => createOffer(agent(4000, 'audio:PCMU'), st), peer);
  assert.equal(rtpmaps(s.local!), ['0 PCMU']);
  s = weOffer(s, (st) => createOffer(agent(4000, 'audio:PCMU,opus,telephone-event'), st), peer);
  assert.equal(rtpmaps(s.local!), ['0 PCMU', '97 opus', '96 telephone-event']);
});

// @tests RFC3264 P15L38-P15L44, P13L3-P13L7
test('resume takes the session: a number the peer bound (96 iLBC in its offer) is not given to another codec', () => {
  const theirs = createOffer(agent(6000, 'audio:PCMU,iLBC'));
  assert.equal(rtpmaps(theirs), ['0 PCMU', '96 iLBC']);
  const us = agent(4000, 'audio:PCMU,telephone-event');
  const offered = offerAnswerStep(startOfferAnswer(), { type: 'receiveOffer', offer: theirs });
  const answer = ok(createAnswer(theirs, us)).answer;
  let s = offerAnswerStep(offered, { type: 'sendAnswer', answer }) as Stable;
  s = weOffer(s, (st) => hold(st.local!), agent(6000, 'audio:PCMU,iLBC,telephone-event'));
  const back = resume(s, us);
  assert.equal(rtpmaps(back), ['0 PCMU', '97 telephone-event']);
  assert.equal(back.origin.sessionVersion, s.local!.origin.sessionVersion + 1n);
});

// @tests RFC8866 P12L19-P12L25
test('an offer or answer of ours is never written with a multicast address or a zone id in o=', () => {
  assert.throws(() => createOffer({ ...alice, address: '239.1.1.1' }), /cannot write o= with "239\.1\.1\.1": 239\.1\.1\.1 is a multicast address/);
  assert.throws(() => createAnswer(first, { ...bob, address: 'fe80::1%eth0' }), /fe80::1%eth0 has a zone id/);
});

// @tests RFC3264 P17L29-P17L31
test('hold moves a session-level direction onto the streams it leaves alone: a multicast recvonly stream stays recvonly', () => {
  const offer = createOffer({ address: '127.0.0.1', media: [{ media: 'audio', port: 5000, codecs: [{ encodingName: 'PCMU', clockRate: 8000 }], address: '127.0.0.1' }, { media: 'audio', port: 5002, codecs: [{ encodingName: 'PCMU', clockRate: 8000 }] }] });
  const multicast = { ...offer, attributes: [{ kind: 'direction' as const, direction: 'recvonly' as const }], media: [{ ...offer.media[0]!, connections: [{ netType: 'IN', addrType: 'IP4', address: '224.2.1.1', ttl: 16 }] }, offer.media[1]!] };
  assert.equal(lines(multicast).map((l) => l.split(' ').pop()), ['recvonly', 'recvonly']);
  const held = hold(multicast);
  assert.equal(lines(held).map((l) => l.split(' ').pop()), ['recvonly', 'inactive']);
  assert.equal(held.attributes, []);
});

test.run();
