import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createResponse, formatUri, parse, serialize, type Request, type Response } from '../../../../reference/sip/syntax/index.ts';
import { createsDialog, Dialog, formatRouteSet, uasDialogId } from '../../../../reference/sip/ua/dialog.ts';
import { buildCancel } from '../../../../reference/sip/transaction/cancel.ts';

const invite = parse(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP proxy2.example.com;branch=z9hG4bKp2',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKuac1',
    'Max-Forwards: 68',
    'Record-Route: <sip:proxy2.example.com;lr>',
    'Record-Route: <sip:proxy1.example.com;lr;foo=bar>',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Route: <sip:proxy9.example.com;lr>',
    'Require: 100rel',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
) as Request;

const ok = (status = 200, toTag: string | null = 'a6c85cf'): Response => {
  const r = createResponse(invite, status, undefined, { toTag: toTag ?? undefined, headers: [['Contact', '<sip:bob@192.0.2.4>']] });
  for (const line of invite.headers.lines('Record-Route')) r.headers.append('Record-Route', line.value);
  return r;
};

// @tests RFC3261 P70L22-P70L27
test('only 101-199 and 2xx responses with a To tag to an INVITE create a dialog', () => {
  assert.ok(createsDialog(invite, ok(200)));
  assert.ok(createsDialog(invite, ok(180)));
  assert.not.ok(createsDialog(invite, ok(100)));
  assert.not.ok(createsDialog(invite, ok(180, null)));
  assert.not.ok(createsDialog(invite, ok(486)));
  const options = { ...invite, method: 'OPTIONS' };
  assert.not.ok(createsDialog(options, ok(200)));
});

// @tests RFC3261 P71L16-P71L19, P71L21-P71L22, P71L24-P71L33, P71L38-P71L39
test('UAS dialog: route set = Record-Route in order, remote target = Contact, remote seq = CSeq, local seq empty', () => {
  const d = Dialog.asUas(invite, ok());
  assert.is(d.state, 'Confirmed');
  assert.is(formatRouteSet(d.routeSet), '<sip:proxy2.example.com;lr>, <sip:proxy1.example.com;lr;foo=bar>');
  assert.is(formatUri(d.remoteTarget), 'sip:alice@pc33.atlanta.example.com');
  assert.is(d.remoteSeq, 314159);
  assert.is(d.localSeq, undefined);
  assert.equal(d.id, { callId: 'a84b4c76e66710', localTag: 'a6c85cf', remoteTag: '1928301774' });
  assert.is(formatUri(d.remoteUri), 'sip:alice@atlanta.example.com');
  assert.is(formatUri(d.localUri), 'sip:bob@biloxi.example.com');
  // The dialog ID of a request the peer sends later, computed as a UAS does.
  const bye = parse(
    'BYE sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKb\r\nTo: <sip:bob@biloxi.example.com>;tag=a6c85cf\r\nFrom: <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314160 BYE\r\nContent-Length: 0\r\n\r\n',
  ) as Request;
  assert.equal(uasDialogId(bye), d.id);
});

// @tests RFC3261 P72L8-P72L11, P72L13-P72L14, P72L16-P72L25, P72L30-P72L31
test('UAC dialog: route set = Record-Route reversed, local seq = CSeq, remote seq empty, early on 180', () => {
  const early = Dialog.asUac(invite, ok(180));
  assert.is(early.state, 'Early');
  const d = Dialog.asUac(invite, ok(200));
  assert.is(d.state, 'Confirmed');
  assert.is(formatRouteSet(d.routeSet), '<sip:proxy1.example.com;lr;foo=bar>, <sip:proxy2.example.com;lr>');
  assert.is(formatUri(d.remoteTarget), 'sip:bob@192.0.2.4');
  assert.is(d.localSeq, 314159);
  assert.is(d.remoteSeq, undefined);
  assert.equal(d.id, { callId: 'a84b4c76e66710', localTag: '1928301774', remoteTag: 'a6c85cf' });
});

// @tests RFC3261 P73L19-P73L26, P73L36-P73L46, P74L17-P74L21
test('requests within the dialog: To/From with the dialog tags, same Call-ID, CSeq +1 each time, loose route', () => {
  const d = Dialog.asUac(invite, ok());
  const bye = d.createRequest('BYE');
  assert.is(bye.headers.get('To'), '<sip:bob@biloxi.example.com>;tag=a6c85cf');
  assert.is(bye.headers.get('From'), '<sip:alice@atlanta.example.com>;tag=1928301774');
  assert.is(bye.headers.get('Call-ID'), 'a84b4c76e66710');
  assert.is(bye.headers.get('CSeq'), '314160 BYE');
  assert.is(d.createRequest('INFO').headers.get('CSeq'), '314161 INFO');
  // First route has lr: Request-URI = remote target, Route = route set in order.
  assert.is(formatUri(bye.requestUri), 'sip:bob@192.0.2.4');
  assert.equal(bye.headers.getAll('Route'), ['<sip:proxy1.example.com;lr;foo=bar>', '<sip:proxy2.example.com;lr>']);
  // ACK and CANCEL reuse the number they belong to.
  assert.is(d.createRequest('ACK', { seq: 314159 }).headers.get('CSeq'), '314159 ACK');
});

// @tests RFC3261 P74L23-P74L29, P74L31-P74L40
test('strict router first: it becomes the Request-URI, the remote target goes last in Route (the RFC example)', () => {
  const withRoutes = createResponse(invite, 200, undefined, { toTag: 'x', headers: [['Contact', '<sip:user@remoteua>']] });
  // A UAC reverses Record-Route, so list them backwards to get the example's route set.
  withRoutes.headers.append('Record-Route', '<sip:proxy4>, <sip:proxy3;lr>, <sip:proxy2>, <sip:proxy1>');
  const d = Dialog.asUac(invite, withRoutes);
  assert.is(formatRouteSet(d.routeSet), '<sip:proxy1>, <sip:proxy2>, <sip:proxy3;lr>, <sip:proxy4>');
  const r = d.createRequest('BYE');
  assert.is(formatUri(r.requestUri), 'sip:proxy1');
  assert.equal(r.headers.getAll('Route'), ['<sip:proxy2>', '<sip:proxy3;lr>', '<sip:proxy4>', '<sip:user@remoteua>']);
});

// @tests RFC3261 P74L13-P74L15
test('empty route set: Request-URI = remote target and no Route header', () => {
  const plain = createResponse(invite, 200, undefined, { toTag: 'y', headers: [['Contact', '<sip:bob@192.0.2.4:5070>']] });
  const d = Dialog.asUac(invite, plain);
  const r = d.createRequest('BYE');
  assert.is(formatUri(r.requestUri), 'sip:bob@192.0.2.4:5070');
  assert.not.ok(r.headers.has('Route'));
});

// @tests RFC3261 P77L5-P77L6, P77L7-P77L10, P77L10-P77L18
test('UAS side CSeq rules: lower → 500, higher by more than one is fine and recorded', () => {
  const d = Dialog.asUas(invite, ok());
  const req = (seq: number, method = 'INFO') => ({ ...invite, method, headers: invite.headers.clone().set('CSeq', `${seq} ${method}`) }) as Request;
  assert.is(d.receiveRequest(req(314158)), 500);
  assert.is(d.remoteSeq, 314159);
  assert.is(d.receiveRequest(req(314170)), undefined);
  assert.is(d.remoteSeq, 314170);
  assert.is(d.receiveRequest(req(314170, 'ACK')), undefined, 'ACK carries the INVITE number');
  const uac = Dialog.asUac(invite, ok());
  assert.is(uac.receiveRequest(req(5)), undefined, 'an empty remote sequence number takes the first value');
  assert.is(uac.remoteSeq, 5);
});

// @tests RFC3261 P77L26-P77L28, P75L44-P75L46
test('a target refresh replaces the remote target with its Contact, if present', () => {
  const d = Dialog.asUas(invite, ok());
  const reinvite = { ...invite, headers: invite.headers.clone().set('Contact', '<sip:alice@10.0.0.9:5090>') } as Request;
  d.refreshTarget(reinvite);
  assert.is(formatUri(d.remoteTarget), 'sip:alice@10.0.0.9:5090');
  const noContact = { ...invite, headers: invite.headers.clone() } as Request;
  noContact.headers.remove('Contact');
  d.refreshTarget(noContact);
  assert.is(formatUri(d.remoteTarget), 'sip:alice@10.0.0.9:5090');
});

// @tests RFC3261 P70L14-P70L18, P77L32-P77L37, P89L46-P89L48
test('dialog machine: Early → Confirmed on a 2xx (received at the UAC, sent by the UAS), Early → Terminated on a non-2xx final or BYE, Confirmed → Terminated on BYE; every other arrow refused naming state and event', () => {
  const withContact = (status: number, contact: string) => {
    const r = ok(status);
    r.headers.removeFirst('Contact');
    r.headers.append('Contact', contact);
    return r;
  };
  // UAC: the 2xx's Contact becomes the remote target.
  const uac = Dialog.asUac(invite, ok(180));
  assert.is(uac.state, 'Early');
  uac.dispatch({ type: '2xx received', response: withContact(200, '<sip:bob@192.0.2.77>') });
  assert.is(uac.state, 'Confirmed');
  assert.is(formatUri(uac.remoteTarget), 'sip:bob@192.0.2.77');
  // A 2xx again (retransmission) keeps it confirmed; a 2xx is never sent by the UAC.
  uac.dispatch({ type: '2xx received', response: ok(200) });
  assert.is(uac.state, 'Confirmed');
  assert.throws(() => uac.dispatch({ type: 'non-2xx final' }), /non-2xx final in state Confirmed/);
  assert.throws(() => uac.dispatch({ type: '2xx sent' }), /2xx sent in state Confirmed/);
  uac.dispatch({ type: 'BYE sent' });
  assert.is(uac.state, 'Terminated');
  for (const event of [{ type: 'BYE received' }, { type: 'BYE sent' }, { type: 'non-2xx final' }, { type: '2xx sent' }] as const) {
    assert.throws(() => uac.dispatch(event), new RegExp(`${event.type} in state Terminated`));
  }
  assert.throws(() => uac.dispatch({ type: '2xx received', response: ok(200) }), /2xx received in state Terminated/);
  // UAS: its own 2xx confirms; it never receives one.
  const uas = Dialog.asUas(invite, ok(180));
  assert.is(uas.state, 'Early');
  assert.throws(() => uas.dispatch({ type: '2xx received', response: ok(200) }), /2xx received in state Early: only the UAC/);
  // The callee must not end an early dialog with BYE.
  assert.throws(() => uas.dispatch({ type: 'BYE sent' }), /BYE sent in state Early: the callee MUST NOT/);
  uas.dispatch({ type: '2xx sent' });
  assert.is(uas.state, 'Confirmed');
  uas.dispatch({ type: 'BYE received' });
  assert.is(uas.state, 'Terminated');
  // Early → Terminated: a non-2xx final (UAC and UAS), a BYE from the caller (either side of it).
  for (const [make, event] of [
    [() => Dialog.asUac(invite, ok(180)), { type: 'non-2xx final' }],
    [() => Dialog.asUas(invite, ok(180)), { type: 'non-2xx final' }],
    [() => Dialog.asUac(invite, ok(180)), { type: 'BYE sent' }],
    [() => Dialog.asUas(invite, ok(180)), { type: 'BYE received' }],
  ] as const) {
    const d = make();
    d.dispatch(event);
    assert.is(d.state, 'Terminated', event.type);
  }
  // Only a 2xx confirms.
  assert.throws(() => Dialog.asUac(invite, ok(180)).dispatch({ type: '2xx received', response: ok(486) }), /486 does not confirm a dialog/);
});

// @tests RFC3261 P54L1-P54L6, P54L9-P54L11, P54L13-P54L14, P54L19-P54L20
test('CANCEL: same Request-URI, Call-ID, To, From, CSeq number, Route; one Via = the top Via; no Require', () => {
  const uacInvite = parse(serialize(invite).replace(/^Via: SIP\/2.0\/UDP proxy2[^\r]*\r\n/m, '')) as Request;
  const c = buildCancel(uacInvite);
  assert.is(c.method, 'CANCEL');
  assert.is(formatUri(c.requestUri), formatUri(uacInvite.requestUri));
  assert.equal(c.headers.getAll('Via'), ['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKuac1']);
  for (const name of ['To', 'From', 'Call-ID']) assert.is(c.headers.get(name), uacInvite.headers.get(name));
  assert.is(c.headers.get('CSeq'), '314159 CANCEL');
  assert.equal(c.headers.getAll('Route'), ['<sip:proxy9.example.com;lr>']);
  assert.not.ok(c.headers.has('Require'));
  assert.throws(() => buildCancel({ ...uacInvite, method: 'OPTIONS' }), /only cancel an INVITE/);
});

test.run();
