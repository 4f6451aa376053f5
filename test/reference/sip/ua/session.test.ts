/**
 * The UA negotiates its sessions (RFC 3261 §13–§14 on RFC 3264) over real
 * UDP on loopback: a hand-driven peer sends offers and answers written out
 * in full, the UserAgent answers them through its offer/answer machine;
 * bodies coming back are read with the SDP parser.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../../reference/clock.ts';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { directionOf } from '../../../../reference/sdp/description/direction.ts';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { cseq, tagOf, to, from, type Message, type Request } from '../../../../reference/sip/syntax/index.ts';
import { UserAgent, type Call } from '../../../../reference/sip/ua/index.ts';
import { settle, Peer, request, responseTo, twoAgents } from './peer.ts';

/** An SDP from its lines, CRLF-ended. */
const sdp = (...lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

/** The peer's offer: session `id`, version `version`, then the media lines given. */
const offer = (version: number, ...media: string[]): string =>
  sdp('v=0', `o=peer 100 ${version} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media);

const AUDIO = ['m=audio 4000 RTP/AVP 8 0 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15'];

const body = (m: Message): SessionDescription => parse(m.body).description;
const directions = (d: SessionDescription): string[] => d.media.map((m) => directionOf(d, m));

async function setup(options: { clock?: FakeClock } = {}) {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, clock: options.clock, media: { port: 49170 } });
  const calls: Call[] = [];
  ua.on('invite', (call: Call) => {
    calls.push(call);
    call.accept();
  });
  const peer = await Peer.open();
  const port = ua.sentBy.port;
  return { ua, peer, port, calls, close: async () => { await peer.close(); await ua.close(); await settle(); } };
}

/** The peer calls the UA (CSeq 1, our audio offer), gets the 200 and ACKs it: the 200. */
async function callUa(peer: Peer, port: number, fields: { callId: string; fromTag: string }): Promise<Message> {
  await peer.send(request('INVITE', peer.port, port, { ...fields, cseq: 1, body: offer(1, ...AUDIO) }), port);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(request('ACK', peer.port, port, { ...fields, cseq: 1, toTag: tagOf(to(ok)) }), port);
  return ok;
}

/** The peer's in-dialog request to the UA, from the 2xx it got (the UA's To tag) and the fields of its INVITE. */
function inDialog(method: string, peer: Peer, port: number, ok: Message, fields: { callId: string; fromTag: string }, seq: number, sdpBody = '') {
  return request(method, peer.port, port, { ...fields, toTag: tagOf(to(ok)), cseq: seq, body: sdpBody });
}

// @tests RFC3261 P80L1-P80L4, P85L32-P85L33, P83L42-P83L43
// @tests RFC3264 P9L14-P9L18, P10L24-P10L29
test('offer in the INVITE: the 200 carries the answer (our port, the formats in common in the offer\'s numbers, a session id of our own)', async () => {
  const { peer, port, calls, close } = await setup();
  try {
    const fields = { callId: 'oa1@peer', fromTag: 'o1' };
    await peer.send(request('INVITE', peer.port, port, { ...fields, body: offer(1, ...AUDIO) }), port);
    const ok = await peer.response(200, 'INVITE');
    assert.is(ok.headers.get('Content-Type'), 'application/sdp');
    const answer = body(ok);
    assert.is(answer.media.length, 1);
    assert.is(answer.media[0]?.port, 49170);
    assert.equal(answer.media[0]?.formats, ['8', '0', '101']);
    assert.not.equal(answer.origin.sessionId, '100');
    assert.equal(directions(answer), ['sendrecv']);
    await peer.send(request('ACK', peer.port, port, { ...fields, toTag: tagOf(to(ok)) }), port);
    await new Promise((r) => calls[0]?.state === 'Confirmed' ? r(null) : calls[0]?.once('confirmed', r));
    assert.is(calls[0]?.offerAnswer.state, 'Stable');
    assert.equal(calls[0]?.streams?.[0]?.send.map((f) => f.encodingName), ['PCMA', 'PCMU', 'telephone-event']);
    assert.equal(calls[0]?.streams?.[0]?.remote, { address: '127.0.0.1', port: 4000 });
  } finally {
    await close();
  }
});

// @tests RFC3261 P79L43-P79L46, P80L11-P80L14, P84L7-P84L10, P85L33-P85L35
test('no offer in the INVITE: the 200 carries our offer, the ACK the answer; an ACK without one ends the call with BYE', async () => {
  const { peer, port, calls, close } = await setup();
  try {
    const fields = { callId: 'oa2@peer', fromTag: 'o2' };
    await peer.send(request('INVITE', peer.port, port, fields), port);
    const ok = await peer.response(200, 'INVITE');
    const ours = body(ok);
    assert.is(ours.media[0]?.port, 49170);
    assert.equal(ours.media[0]?.formats, ['0', '8', '96'], 'PCMU, PCMA, telephone-event: the default codecs in their order');
    assert.is(calls[0]?.offerAnswer.state, 'HaveLocalOffer');
    const answer = sdp('v=0', 'o=peer 200 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 5000 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000');
    await peer.send(request('ACK', peer.port, port, { ...fields, toTag: tagOf(to(ok)), body: answer }), port);
    await new Promise((r) => calls[0]?.state === 'Confirmed' ? r(null) : calls[0]?.once('confirmed', r));
    assert.is(calls[0]?.offerAnswer.state, 'Stable');
    assert.is(calls[0]?.session.remote?.origin.sessionId, '200');
    assert.equal(calls[0]?.streams?.[0]?.send.map((f) => f.encodingName), ['PCMA']);
    assert.equal(calls[0]?.streams?.[0]?.remote, { address: '127.0.0.1', port: 5000 });

    // The same without the answer: the session has no media agreed, the UA hangs up.
    const silent = { callId: 'oa2b@peer', fromTag: 'o2b' };
    await peer.send(request('INVITE', peer.port, port, silent), port);
    const ok2 = await peer.response(200, 'INVITE');
    await peer.send(request('ACK', peer.port, port, { ...silent, toTag: tagOf(to(ok2)) }), port);
    const bye = await peer.request('BYE');
    assert.is(bye.headers.get('Call-ID'), 'oa2b@peer');
  } finally {
    await close();
  }
});

// @tests RFC3261 P85L16-P85L18, P181L31-P181L35, P190L16-P190L19, P232L20-P232L26
// @tests RFC3264 P11L33-P11L34, P18L35-P18L41
test('an offer with nothing acceptable: 488 with Warning 305 (G.726 only) or 304 (video only), our capabilities as its body', async () => {
  const { peer, port, calls, close } = await setup();
  try {
    await peer.send(request('INVITE', peer.port, port, { callId: 'g726@peer', body: offer(1, 'm=audio 4000 RTP/AVP 96', 'a=rtpmap:96 G726-32/8000') }), port);
    const refused = await peer.response(488, 'INVITE');
    assert.is(refused.reason, 'Not Acceptable Here');
    assert.match(refused.headers.get('Warning') as string, new RegExp(`^305 127\\.0\\.0\\.1:${port} "Incompatible media format`));
    assert.match(refused.headers.get('Warning') as string, /G726-32\/8000/);
    const capabilities = body(refused);
    assert.equal(capabilities.media.map((m) => [m.media, m.port, m.formats]), [['audio', 0, ['0', '8', '96']]]);
    assert.equal(capabilities.timings.map((t) => [t.start, t.stop]), [[0n, 0n]]);
    await peer.send(request('INVITE', peer.port, port, { callId: 'video@peer', body: offer(1, 'm=video 4002 RTP/AVP 31') }), port);
    const video = await peer.response(488, 'INVITE');
    assert.match(video.headers.get('Warning') as string, /^304 \S+ "Media type not available/);
    assert.equal(calls, [], 'the application never saw either call');
  } finally {
    await close();
  }
});

// @tests RFC3261 P185L38-P185L40, P80L34-P80L35
// @tests RFC3264 P5L15-P5L18
test('a body that is not SDP, or two descriptions in one body: 400 whose reason and Warning name the SDP error and its line', async () => {
  const { peer, port, calls, close } = await setup();
  try {
    await peer.send(request('INVITE', peer.port, port, { callId: 'garbage@peer', body: 'this is not SDP\r\n' }), port);
    const bad = await peer.response(400, 'INVITE');
    assert.match(bad.reason, /^Bad Request: SDP line 1:2: RFC8866 §5: /);
    assert.match(bad.headers.get('Warning') as string, /^399 \S+ "SDP line 1:2: RFC8866 §5: \\"this is not \\" is not <type>=<value>/);
    const two = offer(1, 'm=audio 4000 RTP/AVP 0');
    await peer.send(request('INVITE', peer.port, port, { callId: 'two@peer', body: two + two }), port);
    const twice = await peer.response(400, 'INVITE');
    assert.match(twice.reason, /^Bad Request: SDP line 7:1: RFC8866 §5: v= /);
    assert.equal(calls, []);
  } finally {
    await close();
  }
});

// @tests RFC3261 P88L37-P88L42, P86L41-P86L46
// @tests RFC3264 P13L19-P13L24, P17L29-P17L41
test('re-INVITEs: hold (sendonly → recvonly), resume (sendrecv), the same offer again: one session id, the version +1 only when the answer changed', async () => {
  const { peer, port, close } = await setup();
  try {
    const fields = { callId: 'hold@peer', fromTag: 'h1' };
    const ok = await callUa(peer, port, fields);
    const first = body(ok);
    const seen: [bigint, string[]][] = [];
    const steps: [number, number, string[]][] = [
      [2, 2, [...AUDIO, 'a=sendonly']],
      [3, 3, AUDIO],
      [4, 3, AUDIO],
    ];
    for (const [seq, version, media] of steps) {
      await peer.send(inDialog('INVITE', peer, port, ok, fields, seq, offer(version, ...media)), port);
      const answer = await peer.next((m) => m.type === 'response' && m.status === 200 && cseq(m).seq === seq);
      await peer.send(inDialog('ACK', peer, port, ok, fields, seq), port);
      const d = body(answer);
      assert.is(d.origin.sessionId, first.origin.sessionId, 'the answer keeps the session id');
      seen.push([d.origin.sessionVersion - first.origin.sessionVersion, directions(d)]);
    }
    assert.equal(seen, [
      [1n, ['recvonly']],
      [2n, ['sendrecv']],
      [2n, ['sendrecv']],
    ]);
    // A re-INVITE whose offer skips a version breaks RFC 3264 §8: 400, the session as it was.
    await peer.send(inDialog('INVITE', peer, port, ok, fields, 5, offer(9, ...AUDIO)), port);
    const skipped = await peer.response(400, 'INVITE');
    assert.match(skipped.reason, /RFC3264 P13L20-P13L22/);
  } finally {
    await close();
  }
});

// @tests RFC3261 P87L1-P87L3, P80L11-P80L14
// @tests RFC3264 P4L34-P4L36
test('a re-INVITE without an offer: our offer in the 200 (the version one more), its answer in the ACK; another meanwhile gets 491', async () => {
  const { peer, port, calls, close } = await setup();
  try {
    const fields = { callId: 'ask@peer', fromTag: 'a1' };
    const ok = await callUa(peer, port, fields);
    await peer.send(inDialog('INVITE', peer, port, ok, fields, 2), port);
    const asked = await peer.next((m) => m.type === 'response' && m.status === 200 && cseq(m).seq === 2);
    const ours = body(asked);
    assert.is(ours.origin.sessionId, body(ok).origin.sessionId);
    assert.is(ours.origin.sessionVersion, body(ok).origin.sessionVersion + 1n);
    assert.is(calls[0]?.offerAnswer.state, 'HaveLocalOffer');
    // Before the ACK with the answer, a re-INVITE asking for another offer is refused.
    await peer.send(inDialog('INVITE', peer, port, ok, fields, 3), port);
    await peer.response(491, 'INVITE');
    await peer.send(inDialog('ACK', peer, port, ok, fields, 2, offer(2, 'm=audio 4000 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000')), port);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(calls[0]?.offerAnswer.state, 'Stable');
    assert.is(calls[0]?.session.remote?.origin.sessionVersion, 2n);
    assert.equal(calls[0]?.streams?.[0]?.send.map((f) => f.encodingName), ['PCMA']);
  } finally {
    await close();
  }
});

// @tests RFC3261 P89L5-P89L6
test('a re-INVITE\'s 2xx with no ACK within 64*T1: the UA hangs up with BYE', async () => {
  const clock = new FakeClock();
  const { peer, port, calls, close } = await setup({ clock });
  try {
    const fields = { callId: 'noack2@peer', fromTag: 'n2' };
    const ok = await callUa(peer, port, fields);
    await peer.send(inDialog('INVITE', peer, port, ok, fields, 2, offer(2, ...AUDIO)), port);
    await peer.next((m) => m.type === 'response' && m.status === 200 && cseq(m).seq === 2);
    clock.advance(64 * 500 - 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.received.filter((m) => m.type === 'request'), [], 'no BYE before 64*T1');
    clock.advance(1);
    const bye = await peer.request('BYE');
    assert.is(bye.headers.get('Call-ID'), 'noack2@peer');
    assert.is(calls[0]?.state, 'Ended');
  } finally {
    await close();
  }
});

// @tests RFC3264 P17L29-P17L36, P13L3-P13L7
test('two UserAgents: hold and resume re-INVITEs, the answers recvonly then sendrecv; the offers\' versions 2 and 3', async () => {
  const agents = await twoAgents();
  try {
    const { call, callee } = await agents.call();
    const states: [string, bigint | undefined, string[]][] = [];
    const note = () => {
      const { local, remote } = call.session;
      states.push([directions(local!).join(), local?.origin.sessionVersion, directions(remote!)]);
    };
    note();
    assert.is(await call.reinvite('hold'), 200);
    note();
    assert.is(await call.reinvite('resume'), 200);
    note();
    assert.equal(states, [
      ['sendrecv', 1n, ['sendrecv']],
      ['sendonly', 2n, ['recvonly']],
      ['sendrecv', 3n, ['sendrecv']],
    ]);
    assert.is(callee.session.remote?.origin.sessionVersion, 3n);
    assert.is(await call.bye(), 200);
  } finally {
    await agents.close();
  }
});

// @tests RFC3264 P9L14-P9L18, P9L25-P9L28
test('a two-stream offer gets a two-stream answer, in order: audio accepted, video (which this UA has not) and a second audio rejected with port 0', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('INVITE', peer.port, port, { callId: 'av@peer', body: offer(1, 'm=audio 4000 RTP/AVP 0', 'm=video 4002 RTP/AVP 31') }), port);
    const av = body(await peer.response(200, 'INVITE'));
    assert.equal(av.media.map((m) => [m.media, m.port]), [['audio', 49170], ['video', 0]]);
    await peer.send(request('INVITE', peer.port, port, { callId: 'aa@peer', body: offer(1, 'm=audio 4000 RTP/AVP 0', 'm=audio 4002 RTP/AVP 8') }), port);
    const aa = body(await peer.response(200, 'INVITE'));
    assert.equal(aa.media.map((m) => [m.media, m.port, m.formats]), [['audio', 49170, ['0']], ['audio', 0, ['8']]]);
  } finally {
    await close();
  }
});

// @tests RFC3261 P68L36-P68L42
// @tests RFC3264 P18L35-P18L41, P18L46-P19L1
test('OPTIONS: the body states our capabilities (RFC 3264 §9): port 0, t=0 0, every codec with its rtpmap, a new session id each time', async () => {
  const { peer, port, close } = await setup();
  try {
    const ids: string[] = [];
    for (const n of [1, 2]) {
      await peer.send(request('OPTIONS', peer.port, port, { callId: `opt${n}@peer` }), port);
      const d = body(await peer.response(200, 'OPTIONS'));
      assert.equal(d.media.map((m) => [m.media, m.port, m.formats]), [['audio', 0, ['0', '8', '96']]]);
      assert.equal(d.timings.map((t) => [t.start, t.stop]), [[0n, 0n]]);
      const maps = d.media[0]!.attributes.flatMap((a) => (a.kind === 'rtpmap' ? [`${a.payloadType} ${a.encodingName}/${a.clockRate}`] : []));
      assert.equal(maps, ['0 PCMU/8000', '8 PCMA/8000', '96 telephone-event/8000']);
      ids.push(d.origin.sessionId);
    }
    assert.is.not(ids[0], ids[1]);
  } finally {
    await close();
  }
});

// @tests RFC3261 P80L4-P80L9, P79L34-P79L36, P83L7-P83L9
test('the first session description received is the answer: a 183\'s, the 2xx\'s then ignored; from another fork\'s early dialog the 2xx\'s is taken; a broken one ends the call with BYE', async () => {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const peer = await Peer.open();
  const answer = (port: number, ...extra: string[]) => sdp('v=0', 'o=bob 300 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`, ...extra);
  const contact = [`Contact: <sip:bob@127.0.0.1:${peer.port}>`];
  /** A call that gets a 183 (tag `early`, body `first`) then a 200 (tag `final`, body `second`); the call and its ACK. */
  const place = async (early: string, first: string, final: string, second: string) => {
    const call = ua.invite(`sip:bob@127.0.0.1:${peer.port}`);
    const invite = await peer.request('INVITE');
    await peer.send(responseTo(invite, 183, 'Session Progress', { toTag: early, body: first, extra: contact }), ua.sentBy.port);
    await new Promise((r) => call.once('progress', r));
    await peer.send(responseTo(invite, 200, 'OK', { toTag: final, body: second, extra: contact }), ua.sentBy.port);
    const ack = await peer.request('ACK');
    return { call, ack };
  };
  try {
    const same = await place('t1', answer(5000), 't1', answer(6000));
    assert.is(same.call.session.remote?.media[0]?.port, 5000, 'the 183\'s answer, not the 2xx\'s');
    assert.equal(same.call.streams?.[0]?.remote, { address: '127.0.0.1', port: 5000 });
    assert.is(same.ack.body.length, 0);
    const forked = await place('t2', answer(5000), 't3', answer(7000));
    assert.is(forked.call.session.remote?.media[0]?.port, 7000, 'the dialog of the 2xx has its own exchange');
    // An answer with two m= lines to a one-stream offer breaks RFC 3264 §6: no session, BYE after the ACK.
    const broken = await place('t4', answer(5000, 'm=audio 5002 RTP/AVP 0'), 't4', answer(5000));
    const bye = await peer.request('BYE');
    assert.is(bye.headers.get('Call-ID'), broken.ack.headers.get('Call-ID'));
    assert.is(broken.call.session.remote, undefined);
  } finally {
    await peer.close();
    await ua.close();
  }
});

/** A UA (on `clock`) calling the peer, or called by it; the call confirmed, the peer's dialog fields known. */
async function confirmedCall(clock: FakeClock, role: 'UAC' | 'UAS') {
  const { ua, peer, port, calls, close } = await setup({ clock });
  // The peer's SDP: answer (to the UA's offer) or offer, then a re-INVITE offer one version on.
  const peerSdp = (version: number) => offer(version, 'm=audio 5000 RTP/AVP 0');
  if (role === 'UAC') {
    const call = ua.invite(`sip:bob@127.0.0.1:${peer.port}`);
    const invite = await peer.request('INVITE');
    await peer.send(responseTo(invite, 200, 'OK', { toTag: 'bob1', body: peerSdp(1), extra: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`] }), port);
    await peer.request('ACK');
    // The peer's requests in the dialog: From is the INVITE's To (tag bob1), To its From.
    const dialog = { callId: invite.headers.get('Call-ID') as string, fromTag: 'bob1', toTag: tagOf(from(invite)) as string };
    return { ua, peer, port, call, dialog, peerSdp, close };
  }
  const fields = { callId: 'glare@peer', fromTag: 'g1' };
  await peer.send(request('INVITE', peer.port, port, { ...fields, cseq: 1, body: peerSdp(1) }), port);
  const ok = await peer.response(200, 'INVITE');
  await peer.send(request('ACK', peer.port, port, { ...fields, cseq: 1, toTag: tagOf(to(ok)) }), port);
  await new Promise((r) => setTimeout(r, 50));
  return { ua, peer, port, call: calls[0] as Call, dialog: { ...fields, toTag: tagOf(to(ok)) as string }, peerSdp, close };
}

/** Advances `clock` 10 ms at a time from now until the UA starts a client transaction; the ms that took. */
function untilNextRequest(clock: FakeClock, ua: UserAgent, limit = 5000): number {
  const before = ua.stats().clientTransactions;
  const start = clock.now();
  clock.advance(0);
  while (ua.stats().clientTransactions === before) {
    if (clock.now() - start > limit) throw new Error(`no request within ${limit} ms`);
    clock.advance(10);
  }
  return clock.now() - start;
}

for (const role of ['UAC', 'UAS'] as const) {
  const [low, high] = role === 'UAC' ? [2100, 4000] : [0, 2000];
  // @tests RFC3261 P88L1-P88L10, P88L12-P88L13, P88L33-P88L35, P87L39-P87L40
  // @tests RFC3264 P4L36-P4L38
  test(`glare (the UA as ${role}): the peer's re-INVITE gets 491 while ours is pending; ours, answered 491, goes again after ${low}-${high} ms in 10 ms units`, async () => {
    const clock = new FakeClock();
    const { ua, peer, port, call, dialog, peerSdp, close } = await confirmedCall(clock, role);
    try {
      const first = call.reinvite('hold');
      const ours: Request = await peer.request('INVITE');
      // The peer's own re-INVITE crosses ours.
      await peer.send(request('INVITE', peer.port, port, { ...dialog, cseq: 10, body: peerSdp(2) }), port);
      await peer.response(491, 'INVITE');
      await peer.send(responseTo(ours, 491, 'Request Pending'), port);
      await peer.request('ACK');
      assert.is(await first, 491);
      assert.is(call.offerAnswer.state, 'Stable', 'the refused offer left the session as it was');
      const waited = untilNextRequest(clock, ua);
      assert.ok(waited >= low && waited <= high, `retried after ${waited} ms`);
      assert.is(waited % 10, 0);
      const retry: Request = await peer.request('INVITE');
      assert.is(cseq(retry).seq, cseq(ours).seq + 1);
      const held = body(retry);
      assert.equal(directions(held), ['sendonly']);
      assert.is(held.origin.sessionVersion, body(ours).origin.sessionVersion, 'the same modification, offered again');
      const reinvited = new Promise((r) => call.once('reinvited', (status: number, again: boolean) => r([status, again])));
      await peer.send(responseTo(retry, 200, 'OK', { body: peerSdp(2).replace('t=0 0\r\n', 't=0 0\r\na=recvonly\r\n'), extra: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`] }), port);
      assert.equal(await reinvited, [200, true]);
      assert.equal(directions(call.session.remote!), ['recvonly']);
    } finally {
      await close();
    }
  });
}

test.after(settle);

test.run();
