/**
 * RFC 4475 §3.2–§3.4 (transaction- and application-layer semantics): each
 * message, taken from the RFC's own archive, is sent as one UDP datagram to
 * a UserAgent, and the response the RFC expects from an endpoint is checked.
 *
 * Most of these messages carry a Via naming another host, so the response
 * travels there (§18.2.2), not back to the test's socket; the test reads
 * it from the UserAgent's 'response' event, which fires as the UA core hands
 * the response to its server transaction. Responses the transport itself
 * sends (400 for an unparsable datagram) go back to the packet's source.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Request, Response } from '../../../../reference/sip/syntax/index.ts';
import { UserAgent, type Call } from '../../../../reference/sip/ua/index.ts';
import { tortureMessages } from '../../../../tools/testkit/rfcMessages.ts';
import { settle, Peer } from './peer.ts';

interface Seen {
  responses: Response[];
  logs: string[];
  invites: Call[];
  peer: Peer;
}

/** Sends one RFC 4475 message to a fresh UserAgent and collects what it did within `ms`. */
async function deliver(name: string, ms = 300): Promise<Seen> {
  const message = (await tortureMessages()).find((m) => m.name === name);
  if (message === undefined) throw new Error(`RFC 4475 archive has no message ${name}`);
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const peer = await Peer.open();
  const seen: Seen = { responses: [], logs: [], invites: [], peer };
  ua.on('response', (response: Response, _request: Request) => seen.responses.push(response));
  ua.on('log', (line: string) => seen.logs.push(line));
  ua.on('invite', (call: Call) => {
    seen.invites.push(call);
    call.accept();
  });
  try {
    await peer.send(message.bytes, ua.sentBy.port);
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    await ua.close();
  }
  return seen;
}

const final = (seen: Seen): Response => {
  const finals = seen.responses.filter((r) => r.status >= 200);
  assert.is(finals.length, 1, `one final response expected, got ${finals.map((r) => r.status).join(', ') || 'none'}; log: ${seen.logs.join(' | ')}`);
  return finals[0] as Response;
};


// @tests RFC4475 P34L27-P34L30
test('3.2.1 badbranch: a branch that is only the magic cookie is rejected with 400', async () => {
  const seen = await deliver('badbranch');
  assert.is(final(seen).status, 400);
  await seen.peer.close();
});

// @tests RFC4475 P35L10-P35L12
test('3.3.1 insuf: no Call-ID, From or To: 400, and the application never sees the INVITE', async () => {
  const seen = await deliver('insuf');
  // Whichever layer notices first answers: the transport (to the packet's source) or the UA core.
  const r = seen.responses.find((x) => x.status >= 200) ?? ((await seen.peer.response(400)) as Response);
  assert.is(r.status, 400);
  assert.match(r.reason, /Missing/);
  assert.is(seen.invites.length, 0);
  await seen.peer.close();
});

// @tests RFC4475 P36L4, P36L6-P36L7
test('3.3.2 unkscm: unknown Request-URI scheme: 416', async () => {
  const seen = await deliver('unkscm');
  assert.is(final(seen).status, 416);
  await seen.peer.close();
});

// @tests RFC4475 P36L32-P36L34
test('3.3.3 novelsc: a registered scheme this UA never accepts (soap.beep): 416', async () => {
  const seen = await deliver('novelsc');
  assert.is(final(seen).status, 416);
  await seen.peer.close();
});

// @tests RFC4475 P38L44-P38L45
test('3.3.4 unksm2, 3.3.7 regaut01, 3.3.12-14 REGISTERs: an endpoint that is no registrar answers 405 with Allow', async () => {
  for (const name of ['unksm2', 'regaut01', 'cparam01', 'cparam02', 'regescrt']) {
    const seen = await deliver(name);
    const r = final(seen);
    assert.is(r.status, 405, name);
    assert.ok(r.headers.has('Allow'), name);
    await seen.peer.close();
  }
});

// @tests RFC4475 P8L45-P8L46, P11L38-P11L39
test('3.1.1.2 intmeth, 3.1.1.5 esc02: a method the endpoint does not recognise gets 501 (not 405)', async () => {
  for (const name of ['intmeth', 'esc02']) {
    const seen = await deliver(name);
    assert.is(final(seen).status, 501, name);
    await seen.peer.close();
  }
});

// @tests RFC4475 P37L29-P37L32
test('3.3.5 bext01: 420 with Unsupported listing the Require option tags (a UAS ignores Proxy-Require)', async () => {
  const seen = await deliver('bext01');
  const r = final(seen);
  assert.is(r.status, 420);
  assert.equal(r.headers.getAll('Unsupported'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
  await seen.peer.close();
});

// @tests RFC4475 P38L7-P38L8
test('3.3.6 invut: body of unknown type: 415 with Accept', async () => {
  const seen = await deliver('invut');
  const r = final(seen);
  assert.is(r.status, 415);
  assert.is(r.headers.get('Accept'), 'application/sdp');
  assert.is(seen.invites.length, 0);
  await seen.peer.close();
});

// @tests RFC4475 P39L19-P39L20
test('3.3.8 multi01: several Call-ID, To, From, CSeq, Max-Forwards values: 400', async () => {
  const seen = await deliver('multi01');
  assert.is(final(seen).status, 400);
  assert.is(seen.invites.length, 0);
  await seen.peer.close();
});

// @tests RFC4475 P40L9-P40L11
test('3.3.9 mcl01: conflicting Content-Length values: the transport answers 400 to the source', async () => {
  const seen = await deliver('mcl01');
  assert.equal(seen.responses, [], 'the UA core never saw it');
  const r = (await seen.peer.response(400)) as Response;
  assert.match(r.reason, /Content-Length/);
  await seen.peer.close();
});

// @tests RFC4475 P40L36-P40L37
test('3.3.10 bcast: a 200 whose second Via is the broadcast address is discarded', async () => {
  const seen = await deliver('bcast');
  assert.equal(seen.responses, []);
  assert.ok(seen.logs.some((l) => /dropped/.test(l)), seen.logs.join(' | '));
  assert.is(seen.peer.received.length, 0);
  await seen.peer.close();
});

// @tests RFC4475 P41L29-P41L30
test('3.3.11 zeromf: OPTIONS with Max-Forwards 0 is processed as if it were positive: 200', async () => {
  const seen = await deliver('zeromf');
  assert.is(final(seen).status, 200);
  await seen.peer.close();
});

// @tests RFC4475 P44L6-P44L8
test('3.3.15 sdp01: Accept without application/sdp: 406 with a 399 Warning', async () => {
  const seen = await deliver('sdp01');
  const r = final(seen);
  assert.is(r.status, 406);
  assert.match(r.headers.get('Warning') as string, /^399 /);
  await seen.peer.close();
});

// @tests RFC4475 P44L40-P44L42
test('3.4.1 inv2543: an RFC 2543 INVITE (no branch, no From tag, no Max-Forwards, no Content-Length) is accepted', async () => {
  const seen = await deliver('inv2543');
  const r = final(seen);
  assert.is(r.status, 200);
  assert.is(seen.invites.length, 1);
  assert.match(r.headers.get('To') as string, /;tag=/);
  await seen.peer.close();
});

test.after(settle);

test.run();
