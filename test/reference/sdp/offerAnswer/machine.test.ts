/**
 * The offer/answer machine (RFC 3264 §4): every arrow the text describes,
 * walked; and every event a state does not allow, refused with an error
 * naming the state, the event and the rule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { offerAnswerStep, startOfferAnswer, OfferAnswerStateError, type OfferAnswer, type OfferAnswerEvent } from '../../../../reference/sdp/offerAnswer/machine.ts';
import { audioCapabilities, codecsFromNames, createOffer } from '../../../../reference/sdp/offerAnswer/index.ts';

const sdp = (port: number) => createOffer(audioCapabilities({ address: '127.0.0.1', port, codecs: codecsFromNames('PCMU') }));
const ours = sdp(4000);
const theirs = sdp(5000);
const ourAnswer = sdp(4002);
const theirAnswer = sdp(5002);

const step = (s: OfferAnswer, ...events: OfferAnswerEvent[]) => events.reduce(offerAnswerStep, s);

// @tests RFC3264 P4L18-P4L19, P4L31-P4L36
test('Stable --sendOffer--> HaveLocalOffer --receiveAnswer--> Stable, holding both SDPs', () => {
  const waiting = step(startOfferAnswer(), { type: 'sendOffer', offer: ours });
  assert.is(waiting.state, 'HaveLocalOffer');
  const done = step(waiting, { type: 'receiveAnswer', answer: theirAnswer });
  assert.equal({ ...done, bindings: undefined }, { state: 'Stable', local: ours, remote: theirAnswer, bindings: undefined });
});

// @tests RFC3264 P4L25-P4L26, P4L32-P4L33
test('Stable --receiveOffer--> HaveRemoteOffer --sendAnswer--> Stable, holding both SDPs', () => {
  const owing = step(startOfferAnswer(), { type: 'receiveOffer', offer: theirs });
  assert.is(owing.state, 'HaveRemoteOffer');
  const done = step(owing, { type: 'sendAnswer', answer: ourAnswer });
  assert.equal({ ...done, bindings: undefined }, { state: 'Stable', local: ourAnswer, remote: theirs, bindings: undefined });
});

// @tests RFC3264 P4L25-P4L29
test('a rejected offer, either way, leaves the session as it was before the offer', () => {
  const established = step(startOfferAnswer(), { type: 'sendOffer', offer: ours }, { type: 'receiveAnswer', answer: theirAnswer });
  const ourRejected = step(established, { type: 'sendOffer', offer: sdp(4004) }, { type: 'offerRejected' });
  assert.equal(ourRejected, established);
  const theirRejected = step(established, { type: 'receiveOffer', offer: sdp(5004) }, { type: 'rejectOffer' });
  assert.equal(theirRejected, established);
  // A new session's first offer rejected: back to no session at all.
  assert.equal(step(startOfferAnswer(), { type: 'receiveOffer', offer: theirs }, { type: 'rejectOffer' }), { state: 'Stable' });
});

// @tests RFC3264 P4L31-P4L32, P13L3-P13L4
test('after an exchange either side may offer again (a re-INVITE from either end)', () => {
  const established = step(startOfferAnswer(), { type: 'receiveOffer', offer: theirs }, { type: 'sendAnswer', answer: ourAnswer });
  assert.is(step(established, { type: 'sendOffer', offer: ours }).state, 'HaveLocalOffer');
  assert.is(step(established, { type: 'receiveOffer', offer: theirs }).state, 'HaveRemoteOffer');
});

const STATES: Record<OfferAnswer['state'], OfferAnswer> = {
  Stable: startOfferAnswer(),
  HaveLocalOffer: step(startOfferAnswer(), { type: 'sendOffer', offer: ours }),
  HaveRemoteOffer: step(startOfferAnswer(), { type: 'receiveOffer', offer: theirs }),
};
const EVENTS: Record<OfferAnswerEvent['type'], OfferAnswerEvent> = {
  sendOffer: { type: 'sendOffer', offer: ours },
  receiveOffer: { type: 'receiveOffer', offer: theirs },
  sendAnswer: { type: 'sendAnswer', answer: ourAnswer },
  receiveAnswer: { type: 'receiveAnswer', answer: theirAnswer },
  rejectOffer: { type: 'rejectOffer' },
  offerRejected: { type: 'offerRejected' },
};
/** What each state refuses, and the text that forbids it. */
const REFUSED: [OfferAnswer['state'], OfferAnswerEvent['type'], string][] = [
  ['Stable', 'sendAnswer', 'RFC3264 P3L38-P3L39'],
  ['Stable', 'receiveAnswer', 'RFC3264 P3L38-P3L39'],
  ['Stable', 'rejectOffer', 'RFC3264 P3L38-P3L39'],
  ['Stable', 'offerRejected', 'RFC3264 P3L38-P3L39'],
  ['HaveLocalOffer', 'sendOffer', 'RFC3264 P4L34-P4L36'],
  ['HaveLocalOffer', 'receiveOffer', 'RFC3264 P4L36-P4L38'],
  ['HaveLocalOffer', 'sendAnswer', 'RFC3264 P3L38-P3L39'],
  ['HaveLocalOffer', 'rejectOffer', 'RFC3264 P3L38-P3L39'],
  ['HaveRemoteOffer', 'sendOffer', 'RFC3264 P4L32-P4L33'],
  ['HaveRemoteOffer', 'receiveOffer', 'RFC3264 P4L34-P4L36'],
  ['HaveRemoteOffer', 'receiveAnswer', 'RFC3264 P3L38-P3L39'],
  ['HaveRemoteOffer', 'offerRejected', 'RFC3264 P3L38-P3L39'],
];

// @tests RFC3264 P3L38-P3L39, P4L32-P4L38
test('every event a state does not allow is refused, naming the state, the event and the rule', () => {
  for (const [state, event, rule] of REFUSED) {
    try {
      offerAnswerStep(STATES[state], EVENTS[event]);
      assert.unreachable(`${state} accepted ${event}`);
    } catch (e) {
      assert.instance(e, OfferAnswerStateError, `${state} × ${event}`);
      const err = e as OfferAnswerStateError;
      assert.is(err.state, state);
      assert.is(err.event, event);
      assert.is(err.rule, rule);
      assert.match(err.message, `${event} is not allowed in ${state}`);
      assert.is(err.glare, state === 'HaveLocalOffer' && event === 'receiveOffer');
    }
  }
});

test('the refusals and the arrows together are every state × event', () => {
  for (const state of Object.keys(STATES) as OfferAnswer['state'][]) {
    for (const event of Object.keys(EVENTS) as OfferAnswerEvent['type'][]) {
      const refused = REFUSED.some(([s, e]) => s === state && e === event);
      let threw = false;
      try {
        offerAnswerStep(STATES[state], EVENTS[event]);
      } catch {
        threw = true;
      }
      assert.is(threw, refused, `${state} × ${event}`);
    }
  }
});

// @tests RFC3264 P4L36-P4L38
test('glare: an offer received while ours awaits its answer says so (SIP answers 491)', () => {
  try {
    offerAnswerStep(STATES.HaveLocalOffer, EVENTS.receiveOffer);
    assert.unreachable();
  } catch (e) {
    assert.ok((e as OfferAnswerStateError).glare);
    assert.match((e as Error).message, /glare/);
  }
});

test.run();
