import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '../../../../reference/sip/syntax/parse.ts';
import { serialize } from '../../../../reference/sip/syntax/serialize.ts';
import { createResponse, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { cancelMatchesServer, clientTransactionKey, requestMatchesServer, responseMatchesClient } from '../../../../reference/sip/transaction/matching.ts';
import { buildAck } from '../../../../reference/sip/transaction/ack.ts';
import { buildCancel } from '../../../../reference/sip/transaction/cancel.ts';

const msg = (lines: string[]) => parse(lines.join('\r\n') + '\r\n\r\n');
const request = (method: string, via: string, extra: string[] = [], cseqMethod = method, uri = 'sip:bob@biloxi.com') =>
  msg([
    `${method} ${uri} SIP/2.0`,
    `Via: ${via}`,
    'To: Bob <sip:bob@biloxi.com>',
    'From: Alice <sip:alice@atlanta.com>;tag=88sja8x',
    'Call-ID: 987asjd97y7atg',
    `CSeq: 986759 ${cseqMethod}`,
    'Max-Forwards: 70',
    ...extra,
  ]) as Request;

const VIA = 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKkjshdyff';
const invite = request('INVITE', VIA);

// @tests RFC3261 P132L20-P132L28
test('client: a response matches by top Via branch and CSeq method; CANCEL shares the branch but not the transaction', () => {
  const ok = createResponse(invite, 180);
  assert.ok(responseMatchesClient(invite, ok));
  const cancel = request('CANCEL', VIA);
  const cancelOk = createResponse(cancel, 200);
  assert.not.ok(responseMatchesClient(invite, cancelOk));
  assert.ok(responseMatchesClient(cancel, cancelOk));
  assert.is.not(clientTransactionKey(invite), clientTransactionKey(cancelOk));
  assert.is(clientTransactionKey(invite), clientTransactionKey(ok));
  const other = createResponse(request('INVITE', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKother'), 180);
  assert.not.ok(responseMatchesClient(invite, other));
});

// @tests RFC3261 P138L7-P138L30
test('server: branch with the magic cookie + sent-by + method; ACK matches the INVITE transaction', () => {
  assert.ok(requestMatchesServer(invite, request('INVITE', VIA)));
  assert.ok(requestMatchesServer(invite, request('ACK', VIA)));
  // Same branch from another client (a different sent-by) is not a retransmission.
  assert.not.ok(requestMatchesServer(invite, request('INVITE', 'SIP/2.0/UDP evil.example.com;branch=z9hG4bKkjshdyff')));
  assert.not.ok(requestMatchesServer(invite, request('INVITE', 'SIP/2.0/UDP pc33.atlanta.com:5070;branch=z9hG4bKkjshdyff')));
  assert.not.ok(requestMatchesServer(invite, request('INVITE', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKzzz')));
  // A CANCEL is its own transaction…
  assert.not.ok(requestMatchesServer(invite, request('CANCEL', VIA)));
  const bye = request('BYE', VIA);
  assert.ok(requestMatchesServer(bye, request('BYE', VIA)));
  assert.not.ok(requestMatchesServer(bye, request('ACK', VIA)));
});

// @tests RFC3261 P55L7-P55L12
test('CANCEL targets the transaction it would match were it the original method', () => {
  assert.ok(cancelMatchesServer(invite, request('CANCEL', VIA)));
  assert.not.ok(cancelMatchesServer(invite, request('CANCEL', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKzzz')));
  const cancel = request('CANCEL', VIA);
  assert.not.ok(cancelMatchesServer(cancel, request('CANCEL', VIA)));
});

// @tests RFC3261 P138L32-P138L48, P140L44-P141L3
test('RFC 2543 requests (no magic cookie): Request-URI, tags, Call-ID, CSeq and top Via', () => {
  const OLD = 'SIP/2.0/UDP pc33.atlanta.com;branch=1234';
  const inv = request('INVITE', OLD);
  assert.ok(requestMatchesServer(inv, request('INVITE', OLD)));
  assert.not.ok(requestMatchesServer(inv, request('INVITE', OLD, [], 'INVITE', 'sip:carol@biloxi.com')));
  assert.not.ok(requestMatchesServer(inv, request('INVITE', 'SIP/2.0/UDP pc33.atlanta.com;branch=5678')));
  // ACK: To tag must be the one of the response the transaction sent.
  const ack = msg([
    'ACK sip:bob@biloxi.com SIP/2.0', `Via: ${OLD}`, 'To: Bob <sip:bob@biloxi.com>;tag=99sa0xk',
    'From: Alice <sip:alice@atlanta.com>;tag=88sja8x', 'Call-ID: 987asjd97y7atg', 'CSeq: 986759 ACK',
  ]) as Request;
  assert.ok(requestMatchesServer(inv, ack, '99sa0xk'));
  assert.not.ok(requestMatchesServer(inv, ack, 'other'));
  // A request lacking a compared field is no retransmission (and no crash).
  const noFrom = msg(['INVITE sip:bob@biloxi.com SIP/2.0', `Via: ${OLD}`, 'To: Bob <sip:bob@biloxi.com>', 'Call-ID: 987asjd97y7atg', 'CSeq: 986759 INVITE']) as Request;
  assert.not.ok(requestMatchesServer(inv, noFrom));
  const reg = request('REGISTER', OLD);
  assert.ok(requestMatchesServer(reg, request('REGISTER', OLD)));
  assert.not.ok(requestMatchesServer(reg, request('OPTIONS', OLD, [], 'OPTIONS')));
});

// @tests RFC3261 P129L27-P130L4, P130L14-P130L33
test('the ACK for a non-2xx is built as in the example of §17.1.1.3', () => {
  const inv = request('INVITE', VIA, ['Route: <sip:p1.example.com;lr>', 'Content-Type: application/sdp']);
  const busy = createResponse(inv, 486, undefined, { toTag: '99sa0xk' }) as Response;
  const ack = buildAck(inv, busy);
  assert.is(ack.method, 'ACK');
  assert.is(
    serialize(ack),
    [
      'ACK sip:bob@biloxi.com SIP/2.0',
      `Via: ${VIA}`,
      'Route: <sip:p1.example.com;lr>',
      'From: Alice <sip:alice@atlanta.com>;tag=88sja8x',
      'Call-ID: 987asjd97y7atg',
      'To: Bob <sip:bob@biloxi.com>;tag=99sa0xk',
      'CSeq: 986759 ACK',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '', '',
    ].join('\r\n'),
  );
  assert.throws(() => buildAck(inv, createResponse(inv, 200) as Response), /13\.2\.2\.4/);
});

// @tests RFC3261 P54L1-P54L20, P53L41-P53L42
test('CANCEL: same Request-URI, Call-ID, To, From, CSeq number and top Via; Route kept, Require dropped', () => {
  const inv = request('INVITE', VIA, ['Route: <sip:p1.example.com;lr>', 'Require: 100rel', 'Proxy-Require: foo']);
  const cancel = buildCancel(inv);
  assert.is(
    serialize(cancel),
    [
      'CANCEL sip:bob@biloxi.com SIP/2.0',
      `Via: ${VIA}`,
      'Route: <sip:p1.example.com;lr>',
      'From: Alice <sip:alice@atlanta.com>;tag=88sja8x',
      'To: Bob <sip:bob@biloxi.com>',
      'Call-ID: 987asjd97y7atg',
      'CSeq: 986759 CANCEL',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '', '',
    ].join('\r\n'),
  );
  // It matches the INVITE's server transaction by the §9.2 rule.
  assert.ok(cancelMatchesServer(inv, cancel));
  assert.throws(() => buildCancel(request('BYE', VIA)), /only cancel an INVITE/);
});

test.run();
