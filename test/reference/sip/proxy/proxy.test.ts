/**
 * The stateful proxy end to end on loopback: our `SipServer` (registrar +
 * proxy) between real transport + transaction layers acting as caller and
 * callees. Callees are bound statically in the location service.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipServer } from '../../../../reference/sip/proxy/server.ts';
import { buildCancel } from '../../../../reference/sip/transaction/cancel.ts';
import { parseAddress } from '../../../../reference/sip/syntax/address.ts';
import { createRequest, createResponse, topVia, vias, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { FakeClock } from '../../../../reference/clock.ts';
import { TransactionLayer, type ServerTransaction } from '../../../../reference/sip/transaction/layer.ts';
import { TransportLayer } from '../../../../reference/sip/transport/layer.ts';
import { rawUdp, sleep, until } from '../transport/net.ts';
import { parse } from '../../../../reference/sip/syntax/parse.ts';
import { serialize } from '../../../../reference/sip/syntax/serialize.ts';

type Script = (request: Request, tx: ServerTransaction | undefined, ua: UA) => void;

interface UA {
  port: number;
  transactions: TransactionLayer;
  requests: Request[];
  /** Responses no client transaction claimed (2xx retransmissions). */
  strays: Response[];
  /** INVITE server transactions by Call-ID, to answer later. */
  invites: Map<string, ServerTransaction>;
  close(): Promise<void>;
}

/** A callee or caller: a real transport and transaction layer; `script` answers requests. */
async function ua(script: Script = () => {}): Promise<UA> {
  const holder: { ua?: UA } = {};
  const transport = await TransportLayer.start({ host: '127.0.0.1', port: 0 }, { receiveRequest() {}, receiveResponse() {} });
  const transactions = new TransactionLayer(transport, {
    receiveRequest(request, tx) {
      const self = holder.ua as UA;
      self.requests.push(request);
      if (request.method === 'INVITE' && tx !== undefined) self.invites.set(request.headers.get('Call-ID') as string, tx);
      if (request.method === 'CANCEL' && tx !== undefined) {
        // A UAS answering CANCEL: 200 to the CANCEL, 487 to the INVITE if still pending.
        tx.respond(createResponse(request, 200, undefined, { toTag: 'c' }));
        const target = transactions.findCancelTarget(request);
        if (target !== undefined && target.state === 'Proceeding') target.respond(createResponse(target.request, 487, undefined, { toTag: 'callee' }));
        return;
      }
      script(request, tx, self);
    },
    receiveStrayResponse(response) {
      (holder.ua as UA).strays.push(response);
    },
  });
  transport.user = transactions;
  const self: UA = {
    port: transport.sentBy.port,
    transactions,
    requests: [],
    strays: [],
    invites: new Map(),
    async close() {
      transactions.close();
      await transport.close();
    },
  };
  holder.ua = self;
  return self;
}

let n = 0;
function invite(proxyPort: number, user = 'bob'): Request {
  n++;
  return createRequest('INVITE', `sip:${user}@127.0.0.1`, [
    ['Via', `SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKcaller${n}`],
    ['Max-Forwards', '70'],
    ['To', `<sip:${user}@127.0.0.1>`],
    ['From', '<sip:alice@127.0.0.1>;tag=alice1'],
    ['Call-ID', `call-${n}-${proxyPort}@test`],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:alice@127.0.0.1>'],
  ]);
}

/** Sends a request through the proxy; collects every response the caller's client transaction passes up. */
function call(caller: UA, server: SipServer, request: Request) {
  const responses: Response[] = [];
  const failures: string[] = [];
  const tx = caller.transactions.sendRequest(request, { host: '127.0.0.1', port: server.address.port, transport: 'UDP' }, {
    response: (r) => responses.push(r),
    failure: (f) => failures.push(f),
  });
  return { tx, responses, failures, finals: () => responses.filter((r) => r.status >= 200) };
}

function bind(server: SipServer, user: string, callee: UA, q?: number): void {
  server.location.bind(`sip:${user}@127.0.0.1`, {
    contact: parseAddress(`<sip:${user}@127.0.0.1:${callee.port}>`),
    callId: 'static',
    cseq: 1,
    expiresAt: Date.now() / 1000 + 3600,
    ...(q !== undefined && { q }),
  });
}

async function withServer(options: Partial<Parameters<typeof SipServer.start>[0]>, body: (server: SipServer) => Promise<void>, uas: UA[] = []): Promise<void> {
  const server = await SipServer.start({ listen: { host: '127.0.0.1', port: 0 }, ...options });
  try {
    await body(server);
  } finally {
    for (const u of uas) await u.close();
    await server.close();
  }
}

const answer = (status: number, delay = 0): Script => (request, tx) => {
  if (tx === undefined || request.method !== 'INVITE') return;
  const send = () => tx.respond(createResponse(request, status, undefined, { toTag: `t${status}`, headers: [['Contact', '<sip:callee@127.0.0.1>']] }));
  if (delay === 0) send();
  else setTimeout(send, delay);
};
const ring: Script = (request, tx) => {
  if (tx !== undefined && request.method === 'INVITE') tx.respond(createResponse(request, 180, undefined, { toTag: 'ringing' }));
};

// @tests RFC3261 P99L17-P99L18, P109L33-P109L38, P114L21-P114L23, P115L24-P115L26, P110L24-P110L27
test('forking to three contacts: 486 from one, 200 from another: the 200 is forwarded, the 486 never, the ringing one is CANCELled', async () => {
  const busy = await ua(answer(486));
  const answers = await ua((request, tx) => {
    ring(request, tx, undefined as never);
    answer(200, 150)(request, tx, undefined as never);
  });
  const ringing = await ua(ring);
  const caller = await ua();
  await withServer({}, async (server) => {
    bind(server, 'bob', busy);
    bind(server, 'bob', answers);
    bind(server, 'bob', ringing);
    const c = call(caller, server, invite(server.address.port));
    await until(() => c.finals().length === 1, 'the final response');
    assert.is(c.finals()[0]?.status, 200);
    assert.ok(c.responses.some((r) => r.status === 180));
    // The ringing branch gets a CANCEL and answers 487; nothing more reaches the caller.
    await until(() => ringing.requests.some((r) => r.method === 'CANCEL'), 'the CANCEL to the ringing branch');
    const cancel = ringing.requests.find((r) => r.method === 'CANCEL') as Request;
    const inviteThere = ringing.requests.find((r) => r.method === 'INVITE') as Request;
    assert.is(topVia(cancel)?.branch, topVia(inviteThere)?.branch);
    await sleep(100);
    assert.equal(c.finals().map((r) => r.status), [200]);
    assert.not.ok(busy.requests.some((r) => r.method === 'CANCEL'));
    assert.not.ok(answers.requests.some((r) => r.method === 'CANCEL'));
    // Each callee saw one copy with the proxy's Via on top (branch with the loop-detection part) and Max-Forwards 69.
    for (const u of [busy, answers, ringing]) {
      const got = u.requests.find((r) => r.method === 'INVITE') as Request;
      assert.is(vias(got).length, 2);
      assert.match(topVia(got)?.branch ?? '', /^z9hG4bK[0-9a-f]+\.[0-9a-f]{32}$/);
      assert.is(got.headers.get('Max-Forwards'), '69');
      assert.is(got.requestUri.port, u.port);
    }
    // The 200 the caller got has only its own Via left.
    assert.is(vias(c.finals()[0] as Response).length, 1);
  }, [busy, answers, ringing, caller]);
});

// @tests RFC3261 P109L36-P109L38, P114L21-P114L30
test('forking to two contacts: one would answer 486, the other answers 200 first: the 200 is forwarded, the other branch CANCELled', async () => {
  const late486 = await ua((request, tx) => {
    ring(request, tx, undefined as never);
    answer(486, 800)(request, tx, undefined as never);
  });
  const quick200 = await ua(answer(200, 100));
  const caller = await ua();
  await withServer({}, async (server) => {
    bind(server, 'bob', late486);
    bind(server, 'bob', quick200);
    const c = call(caller, server, invite(server.address.port));
    await until(() => c.finals().length === 1, 'the 200');
    assert.is(c.finals()[0]?.status, 200);
    await until(() => late486.requests.some((r) => r.method === 'CANCEL'), 'the CANCEL to the other branch');
    await sleep(1000);
    // The cancelled branch ended with 487 before its 486 was due; the caller saw one final response, the 200.
    assert.equal(c.finals().map((r) => r.status), [200]);
  }, [late486, quick200, caller]);
});

// @tests RFC3261 P115L36-P115L43, P115L24-P115L26
test('CANCEL from the caller: 200 to the CANCEL at once, every ringing branch CANCELled, the 487 forwarded', async () => {
  const a = await ua(ring);
  const b = await ua(ring);
  const caller = await ua();
  await withServer({}, async (server) => {
    bind(server, 'bob', a);
    bind(server, 'bob', b);
    const request = invite(server.address.port);
    const c = call(caller, server, request);
    await until(() => c.responses.some((r) => r.status === 180) && a.invites.size === 1 && b.invites.size === 1, 'ringing on both');
    await sleep(50);
    const cancelResponses: Response[] = [];
    caller.transactions.sendRequest(buildCancel(c.tx.request), c.tx.destination, { response: (r) => cancelResponses.push(r), failure: () => {} });
    await until(() => cancelResponses.some((r) => r.status === 200), '200 to the CANCEL');
    await until(() => a.requests.some((r) => r.method === 'CANCEL') && b.requests.some((r) => r.method === 'CANCEL'), 'CANCEL on both branches');
    await until(() => c.finals().length === 1, 'the final response');
    assert.is(c.finals()[0]?.status, 487);
  }, [a, b, caller]);
});

// @tests RFC3261 P112L15-P112L23, P110L43-P110L48
test('both branches challenge: one 401/407 goes upstream carrying both challenges', async () => {
  const www: Script = (request, tx) => tx?.respond(createResponse(request, 401, undefined, { toTag: 'w', headers: [['WWW-Authenticate', 'Digest realm="a", nonce="n1", algorithm=MD5']] }));
  const prx: Script = (request, tx) => tx?.respond(createResponse(request, 407, undefined, { toTag: 'p', headers: [['Proxy-Authenticate', 'Digest realm="b", nonce="n2", algorithm=MD5']] }));
  const a = await ua(www);
  const b = await ua(prx);
  const caller = await ua();
  await withServer({}, async (server) => {
    bind(server, 'bob', a);
    bind(server, 'bob', b);
    const c = call(caller, server, invite(server.address.port));
    await until(() => c.finals().length === 1, 'the final response');
    const final = c.finals()[0] as Response;
    assert.ok(final.status === 401 || final.status === 407);
    assert.equal(final.headers.lines('WWW-Authenticate').map((f) => f.value), ['Digest realm="a", nonce="n1", algorithm=MD5']);
    assert.equal(final.headers.lines('Proxy-Authenticate').map((f) => f.value), ['Digest realm="b", nonce="n2", algorithm=MD5']);
  }, [a, b, caller]);
});

// @tests RFC3261 P99L5-P99L6, P99L8-P99L10, P95L18-P95L22, P95L3-P95L5
test('over the wire: unknown user 404, expired bindings 480, Max-Forwards 0 483, tel: 416', async () => {
  const caller = await ua();
  await withServer({}, async (server) => {
    const port = server.address.port;
    const statusOf = async (request: Request) => {
      const c = call(caller, server, request);
      await until(() => c.finals().length === 1, `the answer to ${request.requestUri.user}`);
      const f = c.finals()[0] as Response;
      assert.ok(/;tag=/.test(f.headers.get('To') as string), 'the proxy answers as a UAS, with a To tag');
      return f.status;
    };
    assert.is(await statusOf(invite(port, 'nobody')), 404);
    server.location.bind('sip:gone@127.0.0.1', { contact: parseAddress('<sip:gone@127.0.0.1:9>'), callId: 'x', cseq: 1, expiresAt: Date.now() / 1000 - 1 });
    assert.is(await statusOf(invite(port, 'gone')), 480);
    const hops = invite(port, 'nobody');
    hops.headers.set('Max-Forwards', '0');
    assert.is(await statusOf(hops), 483);
    const tel = invite(port, 'nobody');
    tel.requestUri = { scheme: 'tel', user: '+15551234', host: '', params: new Map(), headers: [] };
    assert.is(await statusOf(tel), 416);
  }, [caller]);
});

// @tests RFC5393 P7L15-P7L18, P9L3-P9L15
test('a request routed back to the proxy itself is detected as a loop: 482', async () => {
  const caller = await ua();
  await withServer({}, async (server) => {
    const port = server.address.port;
    // The AoR's only contact is the proxy's own address: the copy comes straight back unchanged.
    server.location.bind('sip:loop@127.0.0.1', { contact: parseAddress(`<sip:loop@127.0.0.1:${port}>`), callId: 'x', cseq: 1, expiresAt: Date.now() / 1000 + 60 });
    const request = invite(port, 'loop');
    request.requestUri = { ...request.requestUri, port };
    request.headers.set('To', `<sip:loop@127.0.0.1:${port}>`);
    const c = call(caller, server, request);
    await until(() => c.finals().length === 1, 'the final response', 5000);
    assert.is(c.finals()[0]?.status, 482);
  }, [caller]);
});

// @tests RFC3261 P101L3-P101L7, P101L35-P101L37, P116L24-P116L28
test('Record-Route when asked; the ACK for the 2xx is forwarded statelessly to the callee', async () => {
  const callee = await ua(answer(200));
  const caller = await ua();
  await withServer({ recordRoute: true }, async (server) => {
    bind(server, 'bob', callee);
    const request = invite(server.address.port);
    request.headers.append('Record-Route', '<sip:earlier.example.com;lr>');
    const c = call(caller, server, request);
    await until(() => c.finals().length === 1, 'the 200');
    const got = callee.requests.find((r) => r.method === 'INVITE') as Request;
    const rr = got.headers.getAll('Record-Route');
    assert.is(rr.length, 2);
    assert.match(rr[0] as string, new RegExp(`^<sip:rr\\.[0-9a-f]+@127\\.0\\.0\\.1:${server.address.port};lr>$`));
    assert.is(rr[1], '<sip:earlier.example.com;lr>');
    // The 200 carries the Record-Route back (the callee copies it, §12.1.1): check our test callee left it.
    // The caller's ACK for the 2xx, sent through the proxy with the callee's contact as Request-URI.
    const ack = createRequest('ACK', `sip:bob@127.0.0.1:${callee.port}`, [
      ['Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKack1'],
      ['Max-Forwards', '70'],
      ['To', `${request.headers.get('To')};tag=t200`],
      ['From', request.headers.get('From') as string],
      ['Call-ID', request.headers.get('Call-ID') as string],
      ['CSeq', '1 ACK'],
    ]);
    await caller.transactions.sendAck(ack, { host: '127.0.0.1', port: server.address.port, transport: 'UDP' });
    await until(() => callee.requests.some((r) => r.method === 'ACK'), 'the ACK at the callee');
    const got2 = callee.requests.find((r) => r.method === 'ACK') as Request;
    assert.is(vias(got2).length, 2);
    assert.is(got2.headers.get('Max-Forwards'), '69');
  }, [callee, caller]);
});

// @tests RFC3261 P114L42-P114L48, P106L36-P106L40, P108L12-P108L16
test('Timer C: a branch ringing for more than 3 minutes is CANCELled, and its 487 goes upstream', async () => {
  const clock = new FakeClock();
  const ringer = await ua(ring);
  const caller = await ua();
  await withServer({ clock }, async (server) => {
    bind(server, 'bob', ringer);
    const c = call(caller, server, invite(server.address.port));
    await until(() => c.responses.some((r) => r.status === 180), 'the 180');
    clock.advance(180_000);
    await sleep(50);
    assert.not.ok(ringer.requests.some((r) => r.method === 'CANCEL'));
    clock.advance(1_500);
    await until(() => ringer.requests.some((r) => r.method === 'CANCEL'), 'the CANCEL from Timer C');
    await until(() => c.finals().length === 1, 'the 487');
    assert.is(c.finals()[0]?.status, 487);
  }, [ringer, caller]);
});

// @tests RFC3261 P114L15-P114L17, P110L31-P110L34
test('a context done on the best-response path is dropped 64*T1 later (the configured T1), by one timer that close() clears', async () => {
  const busy = await ua(answer(486));
  const caller = await ua();
  const clock = new FakeClock();
  const T1 = 100;
  const server = await SipServer.start({ listen: { host: '127.0.0.1', port: 0 }, clock, timers: { T1 } });
  try {
    bind(server, 'bob', busy);
    const first = call(caller, server, invite(server.address.port));
    await until(() => first.finals().length === 1, 'the 486');
    assert.is(first.finals()[0]?.status, 486);
    assert.is(server.proxy.contexts.size, 1);
    clock.advance(64 * T1 - 1);
    assert.is(server.proxy.contexts.size, 1, 'kept for 64*T1');
    clock.advance(1);
    assert.is(server.proxy.contexts.size, 0, 'dropped at 64*T1 of the configured T1');
    // A second call done the same way, then close(): no timer of the proxy's is left behind.
    const second = call(caller, server, invite(server.address.port));
    await until(() => second.finals().length === 1, 'the second 486');
    assert.is(server.proxy.contexts.size, 1);
  } finally {
    await server.close();
    await busy.close();
    await caller.close();
  }
  assert.is(clock.pending, 0, 'no timer left on the clock after close()');
});

// @tests RFC3261 P54L26-P54L28, P108L35-P108L40, P109L33-P109L38, P114L15-P114L17, P114L21-P114L30
test('the branch and response-context machines: Trying → Proceeding → Cancelled → Completed, Trying → Cancel waiting → Cancelled → Completed; Collecting → Final forwarded → Done; other arrows refused', async () => {
  const silent = await rawUdp();
  const ringer = await ua(ring);
  const answers = await ua(answer(200, 150));
  const caller = await ua();
  await withServer({}, async (server) => {
    server.location.bind('sip:bob@127.0.0.1', { contact: parseAddress(`<sip:bob@127.0.0.1:${silent.port}>`), callId: 'static', cseq: 1, expiresAt: Date.now() / 1000 + 3600 });
    bind(server, 'bob', ringer);
    bind(server, 'bob', answers);
    const c = call(caller, server, invite(server.address.port));
    const context = () => [...server.proxy.contexts.values()][0];
    const states = () => context()?.branches.map((b) => [b.request.requestUri.port, b.state.name]);
    await until(() => c.responses.some((r) => r.status === 180) && silent.received.length > 0, 'the 180 and the INVITE at the silent callee');
    assert.is(context()?.state.name, 'Collecting');
    assert.equal(states(), [[silent.port, 'Trying'], [ringer.port, 'Proceeding'], [answers.port, 'Proceeding']]);
    // The 200 goes upstream: the ringing branch is CANCELled at once, the silent one once it sends a provisional.
    await until(() => c.finals().length === 1, 'the 200');
    await until(() => ringer.requests.some((r) => r.method === 'CANCEL'), 'the CANCEL to the ringing branch');
    assert.is(context()?.state.name, 'Final forwarded');
    assert.equal(states()?.[0], [silent.port, 'Cancel waiting']);
    assert.equal(states()?.[2], [answers.port, 'Completed']);
    await until(() => states()?.[1]?.[1] === 'Completed', 'the 487 of the ringing branch');
    const inviteThere = parse(silent.received[0].text) as Request;
    assert.not.ok(silent.received.some((m) => m.text.startsWith('CANCEL')), 'no CANCEL before a provisional response (§9.1)');
    await silent.send(serialize(createResponse(inviteThere, 180, undefined, { toTag: 'quiet' })), server.address.port);
    await until(() => silent.received.some((m) => m.text.startsWith('CANCEL')), 'the CANCEL after the provisional');
    assert.equal(states()?.[0], [silent.port, 'Cancelled']);
    await silent.send(serialize(createResponse(inviteThere, 487, undefined, { toTag: 'quiet' })), server.address.port);
    await until(() => context()?.state.name === 'Done', 'the context done');
    assert.equal(states(), [[silent.port, 'Completed'], [ringer.port, 'Completed'], [answers.port, 'Completed']]);
    assert.equal(c.finals().map((r) => r.status), [200]);
    // Arrows the RFC does not draw are refused, naming the state and the event.
    const done = context() as NonNullable<ReturnType<typeof context>>;
    assert.throws(() => server.proxy.contextEvent(done, { type: 'final forwarded' }), /final forwarded in state Done/);
    assert.throws(() => server.proxy.contextEvent(done, { type: '6xx received' }), /6xx received in state Done/);
    const branch = done.branches[0] as (typeof done.branches)[number];
    assert.throws(() => server.proxy.branchEvent(done, branch, { type: 'cancel' }), /cancel in state Completed/);
    assert.throws(() => server.proxy.branchEvent(done, branch, { type: 'Timer C' }), /Timer C in state Completed/);
  }, [ringer, answers, caller]);
  await silent.close();
});

// @tests RFC3261 P109L40-P109L43, P110L43-P110L46
test('a 6xx is not forwarded at once: the ringing branch is CANCELled first, then the 603 goes upstream', async () => {
  const decline = await ua(answer(603, 100));
  const ringer = await ua(ring);
  const caller = await ua();
  await withServer({}, async (server) => {
    bind(server, 'bob', decline);
    bind(server, 'bob', ringer);
    const c = call(caller, server, invite(server.address.port));
    await until(() => ringer.requests.some((r) => r.method === 'CANCEL'), 'the CANCEL after the 603');
    await until(() => c.finals().length === 1, 'the final response');
    assert.is(c.finals()[0]?.status, 603);
  }, [decline, ringer, caller]);
});

// @tests RFC3261 P107L3-P107L7, P110L9-P110L12
test('a 2xx retransmitted after the client transaction ended is forwarded statelessly', async () => {
  const callee = await rawUdp();
  const caller = await ua();
  try {
    await withServer({}, async (server) => {
      server.location.bind('sip:bob@127.0.0.1', { contact: parseAddress(`<sip:bob@127.0.0.1:${callee.port}>`), callId: 's', cseq: 1, expiresAt: Date.now() / 1000 + 60 });
      const c = call(caller, server, invite(server.address.port));
      await until(() => callee.received.length > 0, 'the INVITE at the raw callee');
      const got = parse(callee.received[0]?.text as string);
      assert.ok(got.type === 'request');
      const ok = serialize(createResponse(got as Request, 200, undefined, { toTag: 'raw', headers: [['Contact', `<sip:bob@127.0.0.1:${callee.port}>`]] }));
      await callee.send(ok, server.address.port);
      await until(() => c.finals().length === 1, 'the 200 through the client transaction');
      await sleep(50);
      await callee.send(ok, server.address.port);
      await until(() => caller.strays.length === 1, 'the retransmitted 200 at the caller');
      assert.is(caller.strays[0]?.status, 200);
      assert.is(vias(caller.strays[0] as Response).length, 1);
    }, [caller]);
  } finally {
    await callee.close();
  }
});

// @tests RFC3261 P94L32-P94L36, P94L22-P94L23
test('malformed requests over the wire get 400 and the server keeps serving', async () => {
  const raw = await rawUdp();
  try {
    await withServer({}, async (server) => {
      const port = server.address.port;
      const base = (method: string, uri: string, extra: string[]) => [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bK${method}${extra.length}`,
        'From: <sip:alice@127.0.0.1>;tag=x',
        'Call-ID: bad-1@test',
        `CSeq: 1 ${method}`,
        'Max-Forwards: 70',
        ...extra,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      // REGISTER without To, INVITE with a Route that does not parse.
      await raw.send(base('REGISTER', 'sip:127.0.0.1', ['Contact: <sip:alice@127.0.0.1:9>']), port);
      await raw.send(base('INVITE', 'sip:bob@127.0.0.1', ['To: <sip:bob@127.0.0.1>', 'Route: <<<not a uri']), port);
      await until(() => raw.received.filter((m) => m.text.startsWith('SIP/2.0 400')).length === 2, 'two 400 responses');
      // Still alive: an OPTIONS for an unknown user gets its 404.
      await raw.send(base('OPTIONS', 'sip:nobody@127.0.0.1', ['To: <sip:nobody@127.0.0.1>']), port);
      await until(() => raw.received.some((m) => m.text.startsWith('SIP/2.0 404')), 'the 404');
    });
  } finally {
    await raw.close();
  }
});

test.run();
