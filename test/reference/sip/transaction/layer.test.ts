import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TransportLayer, type Origin } from '../../../../reference/sip/transport/layer.ts';
import { TransactionLayer, type ServerTransaction } from '../../../../reference/sip/transaction/layer.ts';
import { FakeClock } from '../../../../reference/clock.ts';
import { createRequest, createResponse, topVia, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { parse } from '../../../../reference/sip/syntax/parse.ts';
import { serialize } from '../../../../reference/sip/syntax/serialize.ts';
import { rawUdp, requestText, sleep, until } from '../transport/net.ts';

/** A SIP element: real transport on loopback, transaction layer on a fake clock, and a TU that records. */
async function element(answer?: (request: Request, tx: ServerTransaction) => void, rfc6026 = false, tuAnswersInviteWithin200ms = false) {
  const clock = new FakeClock();
  const seen = {
    requests: [] as { request: Request; tx: ServerTransaction | undefined }[],
    strays: [] as Response[],
  };
  const transport = await TransportLayer.start({ host: '127.0.0.1', port: 0 }, { receiveRequest() {}, receiveResponse() {} });
  const transactions = new TransactionLayer(
    transport,
    {
      receiveRequest(request, tx) {
        seen.requests.push({ request, tx });
        if (tx !== undefined) answer?.(request, tx);
      },
      receiveStrayResponse: (response) => seen.strays.push(response),
    },
    { clock, rfc6026, tuAnswersInviteWithin200ms },
  );
  transport.user = transactions;
  const close = async () => {
    transactions.close();
    await transport.close();
  };
  return { clock, seen, transport, transactions, close };
}

let branchCounter = 0;
function newRequest(method: string, port: number): Request {
  branchCounter++;
  return createRequest(method, `sip:uas@127.0.0.1:${port}`, {
    Via: `SIP/2.0/UDP set-by-transport.invalid;branch=z9hG4bKtest${branchCounter}`,
    From: '<sip:uac@example.com>;tag=uac1',
    To: '<sip:uas@example.com>',
    'Call-ID': `call-${branchCounter}@example.com`,
    CSeq: `1 ${method}`,
    'Max-Forwards': '70',
  });
}

function client() {
  const log = { responses: [] as Response[], failures: [] as string[] };
  return { log, callbacks: { response: (r: Response) => log.responses.push(r), failure: (f: string) => log.failures.push(f) } };
}

/** An element with an INVITE client transaction towards a raw UDP peer, the INVITE arrived there (`inv`). */
async function inviteToRawPeer() {
  const uac = await element();
  const peer = await rawUdp();
  const invite = client();
  const dest = { host: '127.0.0.1', port: peer.port, transport: 'UDP' as const };
  const ct = uac.transactions.sendRequest(newRequest('INVITE', peer.port), dest, invite.callbacks);
  await until(() => peer.received.length === 1, 'the INVITE');
  const inv = parse(peer.received[0].text) as Request;
  return { uac, peer, invite, ct, inv };
}

// @tests RFC3261 P131L30-P131L33, P137L32-P137L35, P144L37-P144L42
test('non-INVITE over UDP end to end: request to the server TU, 200 back to the client TU', async () => {
  const uas = await element((request, tx) => tx.respond(createResponse(request, 200, undefined, { toTag: 'uas1' })));
  const uac = await element();
  const { log, callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.udp.port, transport: 'UDP' as const };
  const ct = uac.transactions.sendRequest(newRequest('OPTIONS', dest.port), dest, callbacks);
  await until(() => log.responses.length === 1, 'the 200');
  assert.is(log.responses[0].status, 200);
  assert.is(ct.state, 'Completed');
  assert.is(uas.seen.requests.length, 1);
  assert.is(uas.seen.requests[0].tx?.state, 'Completed');
  // Timer K (T4) and Timer J (64*T1) end both sides.
  uac.clock.advance(5000);
  assert.is(ct.state, 'Terminated');
  assert.is(uac.transactions.clients.size, 0);
  uas.clock.advance(32000);
  assert.is(uas.transactions.servers.size, 0);
  await uac.close();
  await uas.close();
});

// @tests RFC3261 P126L34-P126L42, P135L5-P135L10, P135L31-P135L34
test('INVITE rejected: the client transaction ACKs the 486 to the same place; the server goes to Confirmed', async () => {
  const uas = await element((request, tx) => {
    tx.respond(createResponse(request, 180, undefined, { toTag: 'uas2' }));
    tx.respond(createResponse(request, 486, undefined, { toTag: 'uas2' }));
  });
  const uac = await element();
  const { log, callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.udp.port, transport: 'UDP' as const };
  const ct = uac.transactions.sendRequest(newRequest('INVITE', dest.port), dest, callbacks);
  await until(() => log.responses.some((r) => r.status === 486), 'the 486');
  const st = uas.seen.requests[0].tx as ServerTransaction;
  await until(() => st.state === 'Confirmed', 'the ACK at the server transaction');
  assert.equal(log.responses.map((r) => r.status), [100, 180, 486]);
  assert.is(ct.state, 'Completed');
  // The ACK was absorbed by the server transaction: the TU saw only the INVITE.
  assert.equal(uas.seen.requests.map((r) => r.request.method), ['INVITE']);
  uas.clock.advance(5000);
  assert.is(st.state, 'Terminated');
  uac.clock.advance(32000);
  assert.is(ct.state, 'Terminated');
  await uac.close();
  await uas.close();
});

// @tests RFC3261 P128L45-P129L19, P146L6-P146L10
test('INVITE accepted: 2xx ends both transactions; a retransmitted 2xx and the ACK go to the cores', async () => {
  let invite: Request | undefined;
  const uas = await element((request, tx) => {
    invite = request;
    tx.respond(createResponse(request, 200, undefined, { toTag: 'uas3' }));
  });
  const uac = await element();
  const { log, callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.udp.port, transport: 'UDP' as const };
  const ct = uac.transactions.sendRequest(newRequest('INVITE', dest.port), dest, callbacks);
  await until(() => log.responses.some((r) => r.status === 200), 'the 200');
  assert.is(ct.state, 'Terminated');
  assert.is(uas.transactions.servers.size, 0);
  // The UAS core retransmits its 2xx (§13.3.1.4): no transaction is left, so it is a stray at the UAC.
  const ok = createResponse(invite as Request, 200, undefined, { toTag: 'uas3' });
  await uas.transport.sendResponse(ok, uas.seen.requests[0].tx?.origin as Origin);
  await until(() => uac.seen.strays.length === 1, 'the stray 2xx');
  // The UAC core's ACK for the 2xx goes straight to the transport and reaches the UAS core.
  const ack = createRequest('ACK', `sip:uas@127.0.0.1:${dest.port}`, {
    Via: 'SIP/2.0/UDP x.invalid;branch=z9hG4bKack3',
    From: '<sip:uac@example.com>;tag=uac1',
    To: '<sip:uas@example.com>;tag=uas3',
    'Call-ID': (invite as Request).headers.get('Call-ID') as string,
    CSeq: '1 ACK',
    'Max-Forwards': '70',
  });
  await uac.transactions.sendAck(ack, dest);
  await until(() => uas.seen.requests.length === 2, 'the ACK at the UAS core');
  assert.is(uas.seen.requests[1].request.method, 'ACK');
  assert.is(uas.seen.requests[1].tx, undefined);
  await uac.close();
  await uas.close();
});

// @tests RFC6026 P12L43-P13L14, P17L13-P17L25, P18L5-P18L9
test('RFC 6026 on both sides: 2xx retransmissions reach the UAC TU through the Accepted transaction; the ACK reaches the UAS TU', async () => {
  let server: ServerTransaction | undefined;
  let ok: Response | undefined;
  const uas = await element((request, tx) => {
    server = tx;
    ok = createResponse(request, 200, undefined, { toTag: 'uas6' });
    tx.respond(ok);
  }, true);
  const uac = await element(undefined, true);
  const { log, callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.udp.port, transport: 'UDP' as const };
  const ct = uac.transactions.sendRequest(newRequest('INVITE', dest.port), dest, callbacks);
  await until(() => log.responses.some((r) => r.status === 200), 'the 200');
  assert.is(ct.state, 'Accepted');
  assert.is(server?.state, 'Accepted');
  // The UAS core retransmits the 2xx through its transaction.
  server?.respond(ok as Response);
  await until(() => log.responses.filter((r) => r.status === 200).length === 2, 'the retransmitted 200 at the UAC TU');
  assert.is(uac.seen.strays.length, 0);
  const invite = uas.seen.requests[0].request;
  // An ACK that matches the INVITE transaction (same branch and sent-by): in
  // Accepted it is passed up, not absorbed. (A UAC's ACK for 2xx normally has
  // a branch of its own and reaches the TU without matching anything.)
  const ack = createRequest('ACK', `sip:uas@127.0.0.1:${dest.port}`, {
    Via: `SIP/2.0/UDP x.invalid;branch=${topVia(invite)?.branch}`,
    From: '<sip:uac@example.com>;tag=uac1',
    To: '<sip:uas@example.com>;tag=uas6',
    'Call-ID': invite.headers.get('Call-ID') as string,
    CSeq: '1 ACK',
    'Max-Forwards': '70',
  });
  await uac.transactions.sendAck(ack, dest);
  await until(() => uas.seen.requests.length === 2, 'the ACK at the UAS TU');
  assert.is(uas.seen.requests[1].request.method, 'ACK');
  assert.is(uas.seen.requests[1].tx, undefined);
  assert.is(server?.state, 'Accepted');
  uac.clock.advance(32000);
  uas.clock.advance(32000);
  assert.is(ct.state, 'Terminated');
  assert.is(server?.state, 'Terminated');
  // Now a 2xx matches nothing: under RFC 6026 it is discarded, not handed up as a stray.
  await uas.transport.sendResponse(ok as Response, uas.seen.requests[0].tx?.origin as Origin);
  await sleep(50);
  assert.is(uac.seen.strays.length, 0);
  assert.is(log.responses.filter((r) => r.status === 200).length, 2);
  await uac.close();
  await uas.close();
});

// @tests RFC3261 P134L22-P134L26, P134L39-P134L42, P137L19-P137L20
test('server: a retransmitted INVITE is absorbed and answered with the last provisional', async () => {
  const uas = await element();
  const peer = await rawUdp();
  const invite = requestText({ method: 'INVITE', via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKretx` });
  await peer.send(invite, uas.transport.local.udp.port);
  await until(() => peer.received.length === 1, 'the 100 Trying');
  assert.is((parse(peer.received[0].text) as Response).status, 100);
  await peer.send(invite, uas.transport.local.udp.port);
  await until(() => peer.received.length === 2, 'the 100 again');
  assert.is(uas.seen.requests.length, 1);
  // The 100 carries no To tag.
  assert.not.match(peer.received[0].text, /\r\nTo:[^\r]*tag=/);
  await peer.close();
  await uas.close();
});

// @tests RFC3261 P50L1-P50L3
test('server: the 100 (Trying) echoes the INVITE\'s Timestamp; without one it carries none', async () => {
  const uas = await element();
  const peer = await rawUdp();
  await peer.send(requestText({ method: 'INVITE', via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKstamp`, extra: ['Timestamp: 54.25'] }), uas.transport.local.udp.port);
  await until(() => peer.received.length === 1, 'the 100 Trying');
  const trying = parse(peer.received[0].text) as Response;
  assert.is(trying.status, 100);
  assert.is(trying.headers.get('Timestamp'), '54.25');
  await peer.send(requestText({ method: 'INVITE', via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKnostamp`, cseq: '2 INVITE' }), uas.transport.local.udp.port);
  await until(() => peer.received.length === 2, 'the second 100 Trying');
  const plain = parse(peer.received[1].text) as Response;
  assert.is(plain.status, 100);
  assert.is(plain.headers.get('Timestamp'), undefined);
  await peer.close();
  await uas.close();
});

// @tests RFC3261 P138L32-P138L48
test('server, RFC 2543 client (no magic cookie): the INVITE retransmission and the ACK for the 486 are matched', async () => {
  let st: ServerTransaction | undefined;
  const uas = await element((request, tx) => {
    st = tx;
    tx.respond(createResponse(request, 486, undefined, { toTag: 'busy1' }));
  });
  const peer = await rawUdp();
  const via = `SIP/2.0/UDP 127.0.0.1:${peer.port}`;
  const invite = requestText({ method: 'INVITE', via });
  await peer.send(invite, uas.transport.local.udp.port);
  await until(() => peer.received.length === 2, 'the 100 and the 486');
  await peer.send(invite, uas.transport.local.udp.port);
  await until(() => peer.received.length === 3, 'the 486 again');
  assert.is((parse(peer.received[2].text) as Response).status, 486);
  const ack = requestText({ method: 'ACK', via, cseq: '1 ACK' }).replace('To: <sip:uas@example.com>', 'To: <sip:uas@example.com>;tag=busy1');
  await peer.send(ack, uas.transport.local.udp.port);
  await until(() => st?.state === 'Confirmed', 'the ACK absorbed by the transaction');
  assert.is(uas.seen.requests.length, 1);
  await peer.close();
  await uas.close();
});

// @tests RFC3261 P126L43-P126L45, P137L3-P137L5, P146L18-P146L21
test('INVITE over TCP end to end: no retransmissions, 486 and ACK on the connection, Timer D and Timer I are zero', async () => {
  let st: ServerTransaction | undefined;
  const uas = await element((request, tx) => {
    st = tx;
    tx.respond(createResponse(request, 486, undefined, { toTag: 'tcp1' }));
  });
  const uac = await element();
  const { log, callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.tcp.port, transport: 'TCP' as const };
  const ct = uac.transactions.sendRequest(newRequest('INVITE', dest.port), dest, callbacks);
  await until(() => log.responses.some((r) => r.status === 486), 'the 486');
  await until(() => st?.state === 'Confirmed', 'the ACK');
  assert.is(uas.seen.requests[0].tx?.origin.transport, 'TCP');
  assert.is(ct.state, 'Completed');
  uac.clock.advance(0);
  uas.clock.advance(0);
  assert.is(ct.state, 'Terminated');
  assert.is(st?.state, 'Terminated');
  await uac.close();
  await uas.close();
});

// @tests RFC3261 P142L32-P142L37, P125L40-P125L41
test('a request the size rule moves to TCP runs its transaction with reliable timers (no Timer A)', async () => {
  // No 100 (Trying): the client stays in Calling, where Timer A would retransmit.
  const uas = await element(undefined, false, true);
  // Count every INVITE that arrives, before the server transaction absorbs retransmissions.
  let arrivals = 0;
  const tl = uas.transactions;
  uas.transport.user = {
    receiveRequest: (r, o) => {
      arrivals++;
      tl.receiveRequest(r, o);
    },
    receiveResponse: (r, o) => tl.receiveResponse(r, o),
  };
  const uac = await element();
  const { callbacks } = client();
  const dest = { host: '127.0.0.1', port: uas.transport.local.udp.port, transport: 'UDP' as const };
  const big = newRequest('INVITE', dest.port);
  big.headers.append('Subject', 'z'.repeat(1400));
  const ct = uac.transactions.sendRequest(big, dest, callbacks);
  assert.is(ct.destination.transport, 'TCP');
  assert.is(topVia(big)?.transport, 'TCP');
  await until(() => uas.seen.requests.length === 1, 'the INVITE over TCP');
  uac.clock.advance(4000);
  await sleep(50);
  assert.is(arrivals, 1);
  assert.is(uas.seen.requests.length, 1);
  assert.is(uas.seen.requests[0].tx?.origin.transport, 'TCP');
  await uac.close();
  await uas.close();
});

// @tests RFC3261 P125L38-P126L8
test('client over UDP against a silent peer: the INVITE really leaves at 0, 500, 1500 ms of the clock', async () => {
  const { uac, peer, invite } = await inviteToRawPeer();
  uac.clock.advance(499);
  await sleep(30);
  assert.is(peer.received.length, 1);
  uac.clock.advance(1);
  await until(() => peer.received.length === 2, 'the first retransmission');
  uac.clock.advance(1000);
  await until(() => peer.received.length === 3, 'the second retransmission');
  assert.is(peer.received[2].text, peer.received[0].text);
  uac.clock.advance(32000);
  assert.equal(invite.log.failures, ['timeout']);
  await peer.close();
  await uac.close();
});

// @tests RFC3261 P55L7-P55L12
test('CANCEL: the layer finds the INVITE server transaction it targets', async () => {
  const uas = await element();
  const peer = await rawUdp();
  const via = `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKcancel1`;
  await peer.send(requestText({ method: 'INVITE', via }), uas.transport.local.udp.port);
  await until(() => uas.seen.requests.length === 1, 'the INVITE');
  await peer.send(requestText({ method: 'CANCEL', via }), uas.transport.local.udp.port);
  await until(() => uas.seen.requests.length === 2, 'the CANCEL');
  const cancel = uas.seen.requests[1];
  assert.is(cancel.request.method, 'CANCEL');
  assert.ok(cancel.tx !== undefined && cancel.tx !== uas.seen.requests[0].tx);
  assert.is(uas.transactions.findCancelTarget(cancel.request), uas.seen.requests[0].tx);
  await peer.close();
  await uas.close();
});

// @tests RFC3261 P54L22-P54L36, P54L46-P55L3
test('client CANCEL: waits for a provisional, goes to the INVITE destination with its branch; 64*T1 later the INVITE is given up', async () => {
  const { uac, peer, invite, ct, inv } = await inviteToRawPeer();
  const cancelled = client();
  assert.is(uac.transactions.cancel(ct, cancelled.callbacks), 'waiting for a provisional response');
  await sleep(30);
  assert.is(peer.received.length, 1);
  await peer.send(serialize(createResponse(inv, 180, undefined, { toTag: 'p1' })), uac.transport.local.udp.port);
  await until(() => peer.received.length === 2, 'the CANCEL');
  const cancel = parse(peer.received[1].text) as Request;
  assert.is(cancel.method, 'CANCEL');
  assert.is(topVia(cancel)?.branch, topVia(inv)?.branch);
  assert.is(cancel.headers.get('CSeq'), '1 CANCEL');
  assert.is(cancel.headers.get('To'), inv.headers.get('To'));
  await peer.send(serialize(createResponse(cancel, 200, undefined, { toTag: 'p1' })), uac.transport.local.udp.port);
  await until(() => cancelled.log.responses.length === 1, 'the 200 to CANCEL');
  // The 200 for CANCEL did not touch the INVITE transaction (different CSeq method).
  assert.is(ct.state, 'Proceeding');
  assert.equal(invite.log.responses.map((r) => r.status), [180]);
  uac.clock.advance(31999);
  assert.equal(invite.log.failures, []);
  uac.clock.advance(1);
  assert.equal(invite.log.failures, ['timeout']);
  assert.is(ct.state, 'Terminated');
  assert.is(uac.transactions.cancel(ct, cancelled.callbacks), 'not sent: the INVITE has a final response');
  await peer.close();
  await uac.close();
});

// @tests RFC3261 P54L22-P54L31
test('client CANCEL waiting for a provisional: a final response first means no CANCEL, and the TU hears notSent', async () => {
  const { uac, peer, invite, ct, inv } = await inviteToRawPeer();
  let notSent = 0;
  const cancelled = client();
  assert.is(uac.transactions.cancel(ct, { ...cancelled.callbacks, notSent: () => notSent++ }), 'waiting for a provisional response');
  await peer.send(serialize(createResponse(inv, 486, undefined, { toTag: 'p1' })), uac.transport.local.udp.port);
  await until(() => invite.log.responses.length === 1, 'the 486');
  assert.is(notSent, 1);
  await until(() => peer.received.length === 2, 'the ACK for the 486');
  await sleep(30);
  assert.equal(peer.received.map((m) => (parse(m.text) as Request).method), ['INVITE', 'ACK'], 'no CANCEL after a final response');
  await peer.close();
  await uac.close();
});

// @tests RFC3261 P54L31-P54L36
test('client CANCEL sent with the first provisional but refused by the layer (a second CANCEL of the same INVITE) is a transportError to its callbacks, not an exception thrown in a microtask', async () => {
  const { uac, peer, ct, inv } = await inviteToRawPeer();
  const first = client();
  const second = client();
  assert.is(uac.transactions.cancel(ct, first.callbacks), 'waiting for a provisional response');
  assert.is(uac.transactions.cancel(ct, second.callbacks), 'waiting for a provisional response');
  await peer.send(serialize(createResponse(inv, 180, undefined, { toTag: 'p1' })), uac.transport.local.udp.port);
  await until(() => second.log.failures.length === 1, 'the second CANCEL refused');
  assert.equal(second.log.failures, ['transportError']);
  await until(() => peer.received.length === 2, 'the one CANCEL');
  await sleep(30);
  assert.equal(peer.received.map((m) => (parse(m.text) as Request).method), ['INVITE', 'CANCEL']);
  assert.equal(first.log.failures, []);
  await peer.close();
  await uac.close();
});

// @tests RFC3261 P133L46-P134L3, P147L34-P147L36
test('a TCP connection that cannot be opened is a transport error for the client transaction', async () => {
  const uac = await element();
  // A port that was just free: nobody listens there.
  const probe = await rawUdp();
  const port = probe.port;
  await probe.close();
  const { log, callbacks } = client();
  const ct = uac.transactions.sendRequest(newRequest('OPTIONS', port), { host: '127.0.0.1', port, transport: 'TCP' }, callbacks);
  await until(() => log.failures.length === 1, 'the transport error');
  assert.equal(log.failures, ['transportError']);
  assert.is(ct.state, 'Terminated');
  assert.is(uac.transactions.clients.size, 0);
  await uac.close();
});

test('the TU is told what it did wrong', async () => {
  const uac = await element();
  const { callbacks } = client();
  const dest = { host: '127.0.0.1', port: 9, transport: 'UDP' as const };
  const ack = newRequest('ACK', 9);
  assert.throws(() => uac.transactions.sendRequest(ack, dest, callbacks), /no client transaction for ACK/);
  const old = newRequest('OPTIONS', 9);
  old.headers.set('Via', 'SIP/2.0/UDP a.invalid;branch=1234');
  assert.throws(() => uac.transactions.sendRequest(old, dest, callbacks), /z9hG4bK/);
  assert.is(topVia(old)?.branch, '1234');
  await uac.close();
});

test.run();
