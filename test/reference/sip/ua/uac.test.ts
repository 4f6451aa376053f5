/**
 * The UAC side of the UA core over real UDP on loopback: the UserAgent
 * places calls, a hand-driven peer plays the far end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestServer, passwords } from '../../../../reference/auth/digest.ts';
import { formatUri, tagOf, to, from, topVia, type Request } from '../../../../reference/sip/syntax/index.ts';
import { UserAgent, type Call } from '../../../../reference/sip/ua/index.ts';
import { settle, Peer, responseTo, SDP, twoAgents } from './peer.ts';

async function setup() {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const peer = await Peer.open();
  return { ua, peer, target: `sip:bob@127.0.0.1:${peer.port}`, close: async () => { await peer.close(); await ua.close(); await settle(); } };
}

// @tests RFC3261 P35L7-P35L10, P36L40-P36L42, P37L26-P37L27, P39L9-P39L10, P39L25-P39L28, P39L43-P39L44, P40L14-P40L17, P35L24-P35L25
// @tests RFC3261 P180L1-P180L3, P79L43-P79L45, P33L17-P33L18, P170L15-P170L16, P33L18-P33L20
test('INVITE outside a dialog: the six mandatory fields, From tag, no To tag, Max-Forwards 70, z9hG4bK branch, Contact', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    ua.invite(target);
    const invite = await peer.request('INVITE');
    for (const name of ['To', 'From', 'CSeq', 'Call-ID', 'Max-Forwards', 'Via']) assert.ok(invite.headers.has(name), name);
    assert.is(formatUri(invite.requestUri), target);
    assert.is(formatUri(to(invite).uri), target);
    assert.is(tagOf(to(invite)), undefined);
    assert.ok((tagOf(from(invite)) ?? '').length >= 8);
    assert.is(invite.headers.get('Max-Forwards'), '70');
    assert.match(topVia(invite)?.branch ?? '', /^z9hG4bK./);
    assert.is(topVia(invite)?.protocol, 'SIP/2.0');
    assert.match(invite.headers.get('CSeq') as string, /^\d+ INVITE$/);
    assert.ok(Number((invite.headers.get('CSeq') as string).split(' ')[0]) < 2 ** 31);
    assert.is(formatUri(invite.requestUri).startsWith('sip:'), true);
    assert.match(invite.headers.get('Contact') as string, new RegExp(`^<sip:ua@127\\.0\\.0\\.1:${ua.sentBy.port}>$`));
    // The offer is in the INVITE, typed by Content-Type, not encoded.
    assert.match(Buffer.from(invite.body).toString('utf8'), /^v=0\r\n/);
    assert.is(invite.headers.get('Content-Type'), 'application/sdp');
    assert.is(invite.headers.get('Content-Encoding'), undefined);
  } finally {
    await close();
  }
});

// @tests RFC3261 P82L29-P82L35, P82L41-P82L48, P72L8-P72L11
test('2xx: ACK with the INVITE Call-ID, CSeq number and To tag, Route = reversed Record-Route; a retransmitted 2xx is ACKed again', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    const call = ua.invite(target);
    const invite = await peer.request('INVITE');
    const ok = responseTo(invite, 200, 'OK', {
      toTag: 'callee1',
      body: SDP,
      extra: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`, 'Record-Route: <sip:far.invalid;lr>', `Record-Route: <sip:127.0.0.1:${peer.port};lr>`],
    });
    await peer.send(ok, ua.sentBy.port);
    const ack = await peer.request('ACK');
    assert.is(ack.headers.get('Call-ID'), invite.headers.get('Call-ID'));
    assert.is(ack.headers.get('CSeq'), `${(invite.headers.get('CSeq') as string).split(' ')[0]} ACK`);
    assert.is(tagOf(to(ack)), 'callee1');
    assert.is(formatUri(ack.requestUri), `sip:bob@127.0.0.1:${peer.port}`);
    assert.equal(ack.headers.getAll('Route'), [`<sip:127.0.0.1:${peer.port};lr>`, '<sip:far.invalid;lr>']);
    assert.not.equal(topVia(ack)?.branch, topVia(invite)?.branch, 'the ACK for a 2xx is a new transaction');
    assert.is(call.state, 'Confirmed');
    await peer.send(ok, ua.sentBy.port);
    const again = await peer.request('ACK');
    assert.is(again.headers.get('CSeq'), ack.headers.get('CSeq'));
    // BYE within the dialog: next CSeq, same route set.
    const outcome = call.bye();
    const bye = await peer.request('BYE');
    assert.is(bye.headers.get('CSeq'), `${Number((invite.headers.get('CSeq') as string).split(' ')[0]) + 1} BYE`);
    assert.equal(bye.headers.getAll('Route'), ack.headers.getAll('Route'));
    await peer.send(responseTo(bye, 200, 'OK'), ua.sentBy.port);
    assert.is(await outcome, 200);
    assert.is(call.state, 'Ended');
  } finally {
    await close();
  }
});

// @tests RFC3261 P54L26-P54L28, P54L32-P54L36, P55L34-P55L38
test('CANCEL waits for a provisional response, then goes with the INVITE branch; the 487 ends the call', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    const call = ua.invite(target);
    const invite = await peer.request('INVITE');
    const cancelled = call.cancel();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(peer.received.filter((m) => m.type === 'request' && m.method === 'CANCEL'), [], 'no CANCEL before a provisional response');
    await peer.send(responseTo(invite, 180, 'Ringing', { toTag: 'r1' }), ua.sentBy.port);
    const cancel = await peer.request('CANCEL');
    assert.is(topVia(cancel)?.branch, topVia(invite)?.branch);
    assert.is(cancel.headers.getAll('Via').length, 1);
    await peer.send(responseTo(cancel, 200, 'OK', { toTag: 'r1' }), ua.sentBy.port);
    assert.is(await cancelled, 200);
    await peer.send(responseTo(invite, 487, 'Request Terminated', { toTag: 'r1' }), ua.sentBy.port);
    // The INVITE client transaction ACKs the 487 with the INVITE's branch (§17.1.1.3).
    const ack = await peer.request('ACK');
    assert.is(topVia(ack)?.branch, topVia(invite)?.branch);
    assert.is(call.state, 'Failed');
    assert.is(call.status, 487);
    assert.is(ua.stats().calls, 0);
  } finally {
    await close();
  }
});

// @tests RFC3261 P45L15-P45L18, P196L45-P196L48
test('401: the INVITE is sent again with credentials, CSeq + 1, same Call-ID, new branch; the digest verifies', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    const server = new DigestServer({ realm: 'test.example', lookup: passwords('test.example', { alice: 's3cret' }), userhash: false });
    const call = ua.invite(target, { credentials: { username: 'alice', password: 's3cret' } });
    const first = await peer.request('INVITE');
    await peer.send(responseTo(first, 401, 'Unauthorized', { toTag: 'a1', extra: server.challengeHeaders().map((c) => `WWW-Authenticate: ${c}`) }), ua.sentBy.port);
    await peer.request('ACK');
    const second: Request = await peer.request('INVITE');
    assert.is(second.headers.get('Call-ID'), first.headers.get('Call-ID'));
    assert.is(Number((second.headers.get('CSeq') as string).split(' ')[0]), Number((first.headers.get('CSeq') as string).split(' ')[0]) + 1);
    assert.not.equal(topVia(second)?.branch, topVia(first)?.branch);
    assert.is(tagOf(from(second)), tagOf(from(first)));
    const verdict = server.verify({ authorization: second.headers.getAll('Authorization'), method: 'INVITE', uri: formatUri(second.requestUri) });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    await peer.send(responseTo(second, 200, 'OK', { toTag: 'a2', body: SDP, extra: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`] }), ua.sentBy.port);
    const ack = await peer.request('ACK');
    assert.ok(ack.headers.has('Authorization'), 'the ACK carries the INVITE credentials');
    assert.ok(await call.answered());
  } finally {
    await close();
  }
});

// @tests RFC3261 P81L8-P81L12, P42L29-P42L30
test('a non-2xx final response fails the call with its status; a timeout counts as 408', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    const busy = ua.invite(target);
    const invite = await peer.request('INVITE');
    await peer.send(responseTo(invite, 486, 'Busy Here', { toTag: 'b' }), ua.sentBy.port);
    assert.is(await busy.answered(), false);
    assert.is(busy.status, 486);
  } finally {
    await close();
  }
  const quick = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, timers: { T1: 5, T2: 40 } });
  const silent = await Peer.open();
  try {
    const call = quick.invite(`sip:nobody@127.0.0.1:${silent.port}`);
    assert.is(await call.answered(), false);
    assert.is(call.status, 408);
  } finally {
    await silent.close();
    await quick.close();
  }
});

// @tests RFC3261 P42L38-P42L40, P42L43-P42L45, P42L45-P42L46
test('unknown response codes count as the x00 of their class: 199 as a provisional, 499 as a failure', async () => {
  const { ua, peer, target, close } = await setup();
  try {
    const call = ua.invite(target);
    const progress: number[] = [];
    call.on('progress', (r: { status: number }) => progress.push(r.status));
    const invite = await peer.request('INVITE');
    await peer.send(responseTo(invite, 100, 'Trying'), ua.sentBy.port);
    await peer.send(responseTo(invite, 183, 'Session Progress', { toTag: 'u1' }), ua.sentBy.port);
    await peer.send(responseTo(invite, 199, 'Something New', { toTag: 'u1' }), ua.sentBy.port);
    await peer.send(responseTo(invite, 499, 'Something Wrong', { toTag: 'u1' }), ua.sentBy.port);
    assert.is(await call.answered(), false);
    assert.is(call.status, 499);
    assert.is(call.state, 'Failed');
    assert.ok(progress.includes(183) && progress.includes(199), `progress seen: ${progress.join(', ')}`);
    // The failure is ACKed like any non-2xx final response.
    const ack = await peer.request('ACK');
    assert.is(ack.headers.get('CSeq'), `${(invite.headers.get('CSeq') as string).split(' ')[0]} ACK`);
  } finally {
    await close();
  }
});

// @tests RFC3261 P89L45-P89L48, P90L37-P90L44
test('two UserAgents: call, ACK, BYE; every table is empty afterwards', async () => {
  const callee = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const caller = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  try {
    const incoming: Call[] = [];
    callee.on('invite', (call: Call) => {
      incoming.push(call);
      call.ring();
      call.accept();
    });
    const confirmed = new Promise((resolve) => callee.once('invite', (c: Call) => c.once('confirmed', resolve)));
    const call = caller.invite(`sip:callee@127.0.0.1:${callee.sentBy.port}`);
    assert.ok(await call.answered());
    await confirmed;
    assert.is(incoming[0]?.state, 'Confirmed');
    assert.is(await call.bye(), 200);
    assert.is(incoming[0]?.state, 'Ended');
    const s = callee.stats();
    assert.equal([s.calls, s.awaitingAck], [0, 0]);
    assert.equal([caller.stats().calls, caller.stats().uacCalls], [0, 0]);
    assert.is((await caller.options(`sip:callee@127.0.0.1:${callee.sentBy.port}`)).status, 200);
  } finally {
    await caller.close();
    await callee.close();
  }
});

// @tests RFC3261 P87L9-P87L11, P88L17-P88L19, P77L26-P77L28, P88L33-P88L35
test('re-INVITE: next CSeq in the dialog, 200 with the same session, ACKed; a crossing re-INVITE gets 491', async () => {
  const { callee, incoming, call: place, close } = await twoAgents();
  try {
    const { call } = await place();
    const seq = call.dialog?.localSeq as number;
    assert.is(await call.reinvite(), 200);
    assert.is(call.dialog?.localSeq, seq + 1);
    assert.is(incoming[0]?.dialog?.remoteSeq, seq + 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(callee.stats().awaitingAck, 0, 'the ACK of the re-INVITE stopped the 2xx retransmissions');
    // While the callee's own re-INVITE is pending, the caller's re-INVITE gets 491 (the two cross: each gets 491).
    const calleeReinvite = (incoming[0] as Call).reinvite();
    assert.is(await call.reinvite(), 491);
    assert.is(await calleeReinvite, 491);
    assert.is(await call.bye(), 200);
  } finally {
    await close();
  }
});

// @tests RFC3261 P83L22-P83L27
test('an INVITE with Expires that is not answered in time gets 487', async () => {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const peer = await Peer.open();
  try {
    ua.on('invite', (call: Call) => call.ring());
    const lines = [
      `INVITE sip:ua@127.0.0.1:${ua.sentBy.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKexpires1`,
      'Max-Forwards: 70',
      `To: <sip:ua@127.0.0.1:${ua.sentBy.port}>`,
      `From: <sip:peer@127.0.0.1:${peer.port}>;tag=e1`,
      'Call-ID: expires@peer',
      'CSeq: 1 INVITE',
      `Contact: <sip:peer@127.0.0.1:${peer.port}>`,
      'Expires: 0',
      'Content-Length: 0',
      '',
      '',
    ];
    await peer.send(lines.join('\r\n'), ua.sentBy.port);
    await peer.response(487, 'INVITE');
  } finally {
    await peer.close();
    await ua.close();
  }
});

test.after(settle);

test.run();
