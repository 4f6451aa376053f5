/**
 * The UAS core over real UDP on loopback: a hand-driven peer sends requests,
 * the UserAgent answers them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatUri, from, tagOf, to } from '../../../../reference/sip/syntax/index.ts';
import { FakeClock } from '../../../../reference/clock.ts';
import { UserAgent, type Call, type Capabilities } from '../../../../reference/sip/ua/index.ts';
import { settle, Peer, request, SDP } from './peer.ts';

async function setup(options: { clock?: FakeClock; answer?: 'accept' | 'ring' | 'none'; capabilities?: Partial<Capabilities> } = {}) {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, clock: options.clock, capabilities: options.capabilities });
  const calls: Call[] = [];
  ua.on('invite', (call: Call) => {
    calls.push(call);
    if (options.answer === 'accept' || options.answer === undefined) call.accept();
    if (options.answer === 'ring') call.ring();
  });
  const peer = await Peer.open();
  const port = ua.sentBy.port;
  return { ua, peer, port, calls, close: async () => { await peer.close(); await ua.close(); await settle(); } };
}

// @tests RFC3261 P46L24-P46L29, P46L22-P46L23, P165L6-P165L8, P78L28-P78L29
test('405 with Allow for a method the UAS does not support', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('SUBSCRIBE', peer.port, port), port);
    const r = await peer.response(405);
    assert.is(r.headers.getAll('Allow').join(', '), 'INVITE, ACK, BYE, CANCEL, OPTIONS');
    assert.ok(tagOf(to(r)) !== undefined, 'a To tag is added');
  } finally {
    await close();
  }
});

// @tests RFC3261 P46L28-P46L29
test('capabilities listing a method no handler implements (MESSAGE): its 405 and the OPTIONS 200 leave it out of Allow', async () => {
  const { peer, port, close } = await setup({ capabilities: { methods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'MESSAGE'] } });
  try {
    await peer.send(request('MESSAGE', peer.port, port), port);
    const refused = await peer.response(405, 'MESSAGE');
    assert.is(refused.headers.getAll('Allow').join(', '), 'INVITE, ACK, BYE, CANCEL, OPTIONS');
    await peer.send(request('OPTIONS', peer.port, port), port);
    const options = await peer.response(200, 'OPTIONS');
    assert.is(options.headers.getAll('Allow').join(', '), 'INVITE, ACK, BYE, CANCEL, OPTIONS');
  } finally {
    await close();
  }
});

// @tests RFC3261 P191L3-P191L10, P46L23-P46L24
test('501 for a method no RFC defines (FOO, or "invite" in lower case); 405 only for one it recognises', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('FOO', peer.port, port), port);
    const foo = await peer.response(501, 'FOO');
    assert.is(foo.reason, 'Not Implemented');
    assert.ok(tagOf(to(foo)) !== undefined, 'a To tag is added');
    // Methods are case-sensitive: "invite" is not INVITE.
    await peer.send(request('invite', peer.port, port), port);
    await peer.response(501, 'invite');
    // REGISTER is an RFC 3261 method this UAS does not support: 405, never 501.
    await peer.send(request('REGISTER', peer.port, port), port);
    const register = await peer.response(405, 'REGISTER');
    assert.is(register.headers.getAll('Allow').join(', '), 'INVITE, ACK, BYE, CANCEL, OPTIONS');
  } finally {
    await close();
  }
});

// @tests RFC3261 P46L36-P46L39
test('header fields the UAS does not understand are ignored: the OPTIONS is answered 200', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('OPTIONS', peer.port, port, { extra: ['X-Nonsense: ;;; <not a uri', 'Foo-Bar: 1, 2, "three"'] }), port);
    const r = await peer.response(200, 'OPTIONS');
    assert.is(r.headers.get('X-Nonsense'), undefined, 'not echoed either');
  } finally {
    await close();
  }
});

// @tests RFC3261 P47L44-P47L48
test('420 with Unsupported listing the unknown Require option tags', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('OPTIONS', peer.port, port, { extra: ['Require: foo, bar', 'Proxy-Require: baz'] }), port);
    const r = await peer.response(420);
    assert.is(r.headers.getAll('Unsupported').join(', '), 'foo, bar');
  } finally {
    await close();
  }
});

// @tests RFC3261 P48L28-P48L37
test('415 with Accept for a body of an unknown type', async () => {
  const { peer, port, close, calls } = await setup();
  try {
    await peer.send(request('INVITE', peer.port, port, { body: '<x/>', extra: ['Content-Type: application/unknown'] }), port);
    const r = await peer.response(415);
    assert.is(r.headers.get('Accept'), 'application/sdp');
    assert.is(calls.length, 0, 'the application never saw the INVITE');
  } finally {
    await close();
  }
});

// @tests RFC3261 P47L9-P47L12
test('416 for a Request-URI scheme the UAS does not support', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('OPTIONS', peer.port, port, { uri: 'mailto:someone@example.com' }), port);
    await peer.response(416);
  } finally {
    await close();
  }
});

// @tests RFC3261 P47L23-P47L29
test('482 for a merged request: same From tag, Call-ID and CSeq as a live transaction, other branch', async () => {
  const { peer, port, close, calls } = await setup({ answer: 'ring' });
  try {
    const fields = { callId: 'merged@peer', fromTag: 'm1', cseq: 7, body: SDP };
    await peer.send(request('INVITE', peer.port, port, { ...fields, branch: 'z9hG4bKpathA' }), port);
    await peer.response(180);
    await peer.send(request('INVITE', peer.port, port, { ...fields, branch: 'z9hG4bKpathB' }), port);
    const r = await peer.response(482);
    assert.match(r.headers.get('Via') as string, /z9hG4bKpathB/);
    assert.is(calls.length, 1);
  } finally {
    await close();
  }
});

// @tests RFC3261 P76L42-P76L45, P91L9-P91L12
test('481 for a BYE that matches no dialog (with a To tag, and without one)', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('BYE', peer.port, port, { toTag: 'nosuchdialog' }), port);
    await peer.response(481);
    await peer.send(request('BYE', peer.port, port), port);
    await peer.response(481);
  } finally {
    await close();
  }
});

// @tests RFC3261 P185L38-P185L40
test('400 naming the missing header field when Call-ID is absent', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('OPTIONS', peer.port, port).replace(/Call-ID:[^\r]*\r\n/, ''), port);
    const r = await peer.response(400);
    assert.match(r.reason, /Call-ID/);
  } finally {
    await close();
  }
});

// @tests RFC3261 P68L3-P68L7, P68L27-P68L29, P68L36-P68L40
test('OPTIONS: 200 with Allow, Accept, Supported and an SDP body', async () => {
  const { peer, port, close } = await setup();
  try {
    await peer.send(request('OPTIONS', peer.port, port, { extra: ['Accept: application/sdp'] }), port);
    const r = await peer.response(200, 'OPTIONS');
    assert.is(r.headers.getAll('Allow').join(', '), 'INVITE, ACK, BYE, CANCEL, OPTIONS');
    assert.is(r.headers.get('Accept'), 'application/sdp');
    assert.ok(r.headers.has('Supported'));
    assert.is(r.headers.get('Content-Type'), 'application/sdp');
    assert.match(Buffer.from(r.body).toString(), /^v=0\r\n/);
  } finally {
    await close();
  }
});

// @tests RFC3261 P55L26-P55L28, P55L34-P55L38, P55L41-P55L46
test('CANCEL: 200 to the CANCEL and 487 to the INVITE, same To tag; a CANCEL matching nothing gets 481', async () => {
  const { peer, port, close, calls, ua } = await setup({ answer: 'ring' });
  try {
    const fields = { callId: 'cancel@peer', fromTag: 'c1', cseq: 3, branch: 'z9hG4bKcancelme' };
    await peer.send(request('INVITE', peer.port, port, { ...fields, body: SDP }), port);
    const ringing = await peer.response(180);
    await peer.send(request('CANCEL', peer.port, port, fields), port);
    const ok = await peer.response(200, 'CANCEL');
    const terminated = await peer.response(487, 'INVITE');
    assert.is(tagOf(to(ok)), tagOf(to(ringing)));
    assert.is(tagOf(to(terminated)), tagOf(to(ringing)));
    assert.is(calls[0]?.state, 'Failed');
    // The ACK for the 487 goes to the INVITE server transaction (no retransmission follows).
    await peer.send(request('ACK', peer.port, port, { ...fields, toTag: tagOf(to(terminated)) }), port);
    await peer.send(request('CANCEL', peer.port, port, { branch: 'z9hG4bKnothing' }), port);
    await peer.response(481, 'CANCEL');
    assert.is(ua.stats().calls, 0);
  } finally {
    await close();
  }
});

// @tests RFC3261 P85L37-P85L47
test('2xx retransmitted after T1, 2T1, 4T1 … capped at T2 until the ACK, then silence', async () => {
  const clock = new FakeClock();
  const { peer, port, close, ua } = await setup({ clock });
  try {
    const fields = { callId: 'retx@peer', fromTag: 'r1', cseq: 1, body: SDP };
    await peer.send(request('INVITE', peer.port, port, fields), port);
    const first = await peer.response(200, 'INVITE');
    const times: number[] = [];
    for (const step of [500, 1000, 2000, 4000, 4000]) {
      clock.advance(step);
      await peer.response(200, 'INVITE');
      times.push(clock.now());
    }
    assert.equal(times, [500, 1500, 3500, 7500, 11500]);
    // A retransmitted INVITE gets the same 2xx again.
    await peer.send(request('INVITE', peer.port, port, { ...fields, branch: (first.headers.get('Via') as string).split('branch=')[1] }), port);
    const again = await peer.response(200, 'INVITE');
    assert.is(tagOf(to(again)), tagOf(to(first)));
    await peer.send(request('ACK', peer.port, port, { ...fields, body: '', toTag: tagOf(to(first)) }), port);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(ua.stats().awaitingAck, 0);
    clock.advance(60000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.received.filter((m) => m.type === 'response' && m.status === 200), []);
  } finally {
    await close();
  }
});

// @tests RFC3261 P86L6-P86L9, P37L39-P37L40
test('no ACK within 64*T1: retransmissions stop and the UAS sends BYE', async () => {
  const clock = new FakeClock();
  const { peer, port, close } = await setup({ clock });
  try {
    await peer.send(request('INVITE', peer.port, port, { callId: 'noack@peer', fromTag: 'n1', body: SDP }), port);
    const ok = await peer.response(200, 'INVITE');
    clock.advance(64 * 500 - 1);
    assert.equal(peer.received.filter((m) => m.type === 'request'), []);
    clock.advance(1);
    const bye = await peer.request('BYE');
    assert.is(bye.headers.get('Call-ID'), 'noack@peer');
    // Built from the UAS's dialog: To = the peer (its From tag), From = us (our To tag), to the peer's Contact.
    assert.is(bye.headers.get('To'), `<sip:peer@127.0.0.1:${peer.port}>;tag=n1`);
    assert.is(tagOf(from(bye)), tagOf(to(ok)));
    assert.is(formatUri(bye.requestUri), `sip:peer@127.0.0.1:${peer.port}`);
  } finally {
    await close();
  }
});

// @tests RFC3261 P84L33-P84L35, P50L24-P50L26
test('an INVITE left ringing gets its 180 again every minute, with the same To tag, until it is answered', async () => {
  const clock = new FakeClock();
  const { peer, port, close, calls } = await setup({ clock, answer: 'ring' });
  try {
    await peer.send(request('INVITE', peer.port, port, { callId: 'long@peer', fromTag: 'l1', body: SDP }), port);
    const first = await peer.response(180);
    clock.advance(59_999);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.received.filter((m) => m.type === 'response' && m.status === 180), [], 'nothing before a minute');
    clock.advance(1);
    const second = await peer.response(180);
    clock.advance(60_000);
    const third = await peer.response(180);
    assert.is(tagOf(to(second)), tagOf(to(first)));
    assert.is(tagOf(to(third)), tagOf(to(first)));
    calls[0].accept();
    const ok = await peer.response(200, 'INVITE');
    assert.is(tagOf(to(ok)), tagOf(to(first)));
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.received.filter((m) => m.type === 'response' && m.status === 180), [], 'no 180 after the 200');
  } finally {
    await close();
  }
});

// @tests RFC3261 P91L18-P91L26, P77L7-P77L10
test('BYE in the dialog gets 200 and ends the call; an out-of-order request gets 500', async () => {
  const { peer, port, close, calls, ua } = await setup();
  try {
    const fields = { callId: 'bye@peer', fromTag: 'b1', cseq: 10 };
    await peer.send(request('INVITE', peer.port, port, { ...fields, body: SDP }), port);
    const ok = await peer.response(200, 'INVITE');
    const toTag = tagOf(to(ok));
    await peer.send(request('ACK', peer.port, port, { ...fields, toTag }), port);
    await peer.send(request('OPTIONS', peer.port, port, { ...fields, cseq: 9, toTag }), port);
    await peer.response(500, 'OPTIONS');
    await peer.send(request('BYE', peer.port, port, { ...fields, cseq: 11, toTag }), port);
    await peer.response(200, 'BYE');
    assert.is(calls[0]?.state, 'Ended');
    assert.is(ua.stats().calls, 0);
  } finally {
    await close();
  }
});

test.run();
