import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateChallenges, chooseBestResponse } from '../../../../reference/sip/proxy/bestResponse.ts';
import { buildCancel } from '../../../../reference/sip/transaction/cancel.ts';
import { forwardedRequest } from '../../../../reference/sip/proxy/forward.ts';
import { recordRouteUri, type ProxyIdentity } from '../../../../reference/sip/proxy/identity.ts';
import { loopHash, proxyBranch, secondPart } from '../../../../reference/sip/proxy/loop.ts';
import { preprocessRoute } from '../../../../reference/sip/proxy/routing.ts';
import { determineTargets } from '../../../../reference/sip/proxy/targets.ts';
import { validateRequest } from '../../../../reference/sip/proxy/validation.ts';
import { LocationService, canonicalAoR } from '../../../../reference/sip/core/location.ts';
import { parseAddress } from '../../../../reference/sip/syntax/address.ts';
import { createRequest, createResponse, cseq, topVia, vias, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { formatUri, parseUri } from '../../../../reference/sip/syntax/uri.ts';

const me: ProxyIdentity = { hosts: ['127.0.0.1', 'proxy.example.com'], port: 5070, instance: 'i1' };
const sentBy = { host: '127.0.0.1', port: 5070 };

function invite(uri = 'sip:bob@example.com', extra: [string, string][] = []): Request {
  return createRequest('INVITE', uri, [
    ['Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcaller1'],
    ['Max-Forwards', '70'],
    ['To', '<sip:bob@example.com>'],
    ['From', '<sip:alice@example.com>;tag=a1'],
    ['Call-ID', 'c1@192.0.2.1'],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:alice@192.0.2.1>'],
    ...extra,
  ]);
}

const status = (r: Response | undefined) => r?.status;

// ---- §16.3 ----

// @tests RFC3261 P95L3-P95L5
test('validation: a Request-URI scheme the proxy does not understand gets 416', () => {
  assert.is(status(validateRequest(invite('tel:+15551234'), { sentBy })), 416);
  assert.is(status(validateRequest(invite('mailto:bob@example.com'), { sentBy })), 416);
  assert.is(validateRequest(invite('sips:bob@example.com'), { sentBy }), undefined);
});

// @tests RFC3261 P95L12-P95L16, P95L18-P95L22
test('validation: Max-Forwards 0 gets 483; absent or positive passes', () => {
  const zero = invite();
  zero.headers.set('Max-Forwards', '0');
  assert.is(status(validateRequest(zero, { sentBy })), 483);
  const none = invite();
  none.headers.remove('Max-Forwards');
  assert.is(validateRequest(none, { sentBy }), undefined);
  const one = invite();
  one.headers.set('Max-Forwards', '1');
  assert.is(validateRequest(one, { sentBy }), undefined);
});

// @tests RFC3261 P94L32-P94L36, P94L41-P94L44
test('validation: malformed fields the proxy uses give 400; unknown headers and methods do not', () => {
  const bad = invite();
  bad.headers.set('CSeq', 'one INVITE');
  assert.is(status(validateRequest(bad, { sentBy })), 400);
  const mf = invite();
  mf.headers.set('Max-Forwards', 'many');
  assert.is(status(validateRequest(mf, { sentBy })), 400);
  const unknown = invite('sip:bob@example.com', [['X-Whatever', '{{not sip}}'], ['Date', 'yesterday']]);
  unknown.method = 'FROBNICATE';
  unknown.headers.set('CSeq', '1 FROBNICATE');
  assert.is(validateRequest(unknown, { sentBy }), undefined);
});

// @tests RFC3261 P96L1-P96L6, P48L1-P48L3
test('validation: Proxy-Require with unknown option tags gets 420 listing them in Unsupported; ignored in CANCEL', () => {
  const r = invite('sip:bob@example.com', [['Proxy-Require', 'foo, sec-agree']]);
  const answer = validateRequest(r, { sentBy, proxyRequireSupported: ['sec-agree'] });
  assert.is(status(answer), 420);
  assert.equal(answer?.headers.getAll('Unsupported'), ['foo']);
  const cancel = buildCancel(invite());
  cancel.headers.append('Proxy-Require', 'foo');
  assert.is(validateRequest(cancel, { sentBy }), undefined);
});

// @tests RFC5393 P9L3-P9L15, P8L27-P8L33, P8L37-P8L41
// @tests RFC3261 P95L26-P95L37
test('loop detection: our Via with the same second part is a loop (482); a changed Request-URI is a spiral', () => {
  const received = invite();
  const branch = proxyBranch(received);
  assert.ok(branch.startsWith('z9hG4bK'));
  assert.is(secondPart(branch), loopHash(received));
  // The request comes back with our Via below the next hop's.
  const back = forwardedRequest(received, received.requestUri, { branch }).request;
  back.headers.removeFirst('Via');
  back.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=${branch}`);
  back.headers.prepend('Via', 'SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKnexthop');
  back.requestUri = received.requestUri;
  assert.is(status(validateRequest(back, { sentBy })), 482);
  // Spiral: the Request-URI changed (e.g. retargeted by another proxy).
  const spiral = { ...back, requestUri: parseUri('sip:bob-office@example.com') };
  assert.is(validateRequest(spiral, { sentBy }), undefined);
  // Same branch at another sent-by is not ours.
  const other = invite();
  other.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:5071;branch=${branch}`);
  assert.is(validateRequest(other, { sentBy }), undefined);
  // The method is not part of it: CANCEL and ACK get the INVITE's branch part.
  const asCancel = { ...received, method: 'CANCEL' };
  assert.is(loopHash(asCancel), loopHash(received));
});

// ---- §16.4 ----

// @tests RFC3261 P96L17-P96L23
test('route preprocessing: a Request-URI we put in Record-Route (strict router before us) is replaced by the last Route', () => {
  const r = invite(formatUri(recordRouteUri(me)), [['Route', '<sip:p2.example.com;lr>, <sip:bob@192.0.2.7>']]);
  preprocessRoute(r, me, 'UDP');
  assert.is(formatUri(r.requestUri), 'sip:bob@192.0.2.7');
  assert.equal(r.headers.lines('Route').map((f) => f.value), ['<sip:p2.example.com;lr>']);
});

// @tests RFC3261 P97L6-P97L7
test('route preprocessing: the first Route value naming this proxy is removed', () => {
  const r = invite('sip:bob@example.com', [['Route', '<sip:127.0.0.1:5070;lr>, <sip:p2.example.com;lr>']]);
  preprocessRoute(r, me, 'UDP');
  assert.equal(r.headers.getAll('Route'), ['<sip:p2.example.com;lr>']);
  const notMe = invite('sip:bob@example.com', [['Route', '<sip:127.0.0.1:5071;lr>']]);
  preprocessRoute(notMe, me, 'UDP');
  assert.equal(notMe.headers.getAll('Route'), ['<sip:127.0.0.1:5071;lr>']);
});

// @tests RFC3261 P96L37-P96L44
test('route preprocessing: a maddr naming us on the port and transport used is stripped', () => {
  const r = invite('sip:bob@example.com:5070;maddr=127.0.0.1;transport=udp');
  preprocessRoute(r, me, 'UDP');
  assert.is(formatUri(r.requestUri), 'sip:bob@example.com');
  const tcp = invite('sip:bob@example.com:5070;maddr=127.0.0.1;transport=tcp');
  preprocessRoute(tcp, me, 'UDP');
  assert.ok(tcp.requestUri.params.has('maddr'));
});

// ---- §16.5 ----

// @tests RFC3261 P97L16-P97L23, P99L5-P99L10, P98L13-P98L17, P97L38-P97L41
test('targets: maddr or a foreign domain is the only target; unknown AoR 404; all bindings expired 480; duplicates once', () => {
  let now = 100;
  const location = new LocationService(() => now);
  const ours = { isResponsibleFor: (u: { host: string }) => u.host === 'example.com', aorOf: (u: Parameters<typeof canonicalAoR>[0]) => canonicalAoR(u) };
  assert.equal(determineTargets(invite('sip:bob@elsewhere.org'), ours, location), { targets: [{ uri: parseUri('sip:bob@elsewhere.org') }] });
  assert.is((determineTargets(invite('sip:bob@example.com;maddr=192.0.2.3'), ours, location) as { targets: unknown[] }).targets.length, 1);
  assert.equal(determineTargets(invite('sip:nobody@example.com'), ours, location), { status: 404 });
  const bind = (uri: string, expiresAt: number, q?: number) =>
    location.bind('sip:bob@example.com', { contact: parseAddress(`<${uri}>`), callId: 'x', cseq: 1, expiresAt, ...(q !== undefined && { q }) });
  bind('sip:bob@192.0.2.5', 150);
  now = 200;
  assert.equal(determineTargets(invite(), ours, location), { status: 480 });
  bind('sip:bob@192.0.2.5', 300, 0.2);
  bind('sip:bob@192.0.2.6', 300, 0.9);
  location.bind('sip:bob@example.com', { contact: parseAddress('<sip:bob@192.0.2.6>'), callId: 'y', cseq: 1, expiresAt: 300, q: 0.9 });
  // The Request-URI is canonicalized (parameters dropped, escapes undone) before the lookup.
  const found = determineTargets(invite('sip:b%6Fb@example.com;user=ip'), ours, location) as { targets: { uri: unknown }[] };
  assert.equal(found.targets.map((t) => formatUri(t.uri as never)), ['sip:bob@192.0.2.6', 'sip:bob@192.0.2.5']);
});

// ---- §16.6 ----

// @tests RFC3261 P100L13-P100L20, P100L28-P100L30, P100L41-P100L45, P101L3-P101L7, P105L16-P105L18
test('forwarding: the copy keeps every header in order, gets the target URI, Max-Forwards-1, Record-Route on top, a new top Via', () => {
  const received = invite('sip:bob@example.com', [['Record-Route', '<sip:earlier.example.com;lr>'], ['X-Custom', 'kept']]);
  received.body = new TextEncoder().encode('v=0\r\n');
  const { request: copy } = forwardedRequest(received, parseUri('sip:bob@192.0.2.5:5062;method=INVITE?Subject=x'), { branch: 'z9hG4bKabc.def', recordRoute: recordRouteUri(me) });
  assert.is(formatUri(copy.requestUri), 'sip:bob@192.0.2.5:5062');
  assert.is(copy.headers.get('Max-Forwards'), '69');
  assert.equal(copy.headers.getAll('Record-Route'), ['<sip:rr.i1@127.0.0.1:5070;lr>', '<sip:earlier.example.com;lr>']);
  assert.is(topVia(copy)?.branch, 'z9hG4bKabc.def');
  assert.is(vias(copy).length, 2);
  assert.is(copy.headers.get('X-Custom'), 'kept');
  assert.equal(copy.body, received.body);
  // The received request is untouched.
  assert.is(received.headers.get('Max-Forwards'), '70');
  assert.is(vias(received).length, 1);
  const none = invite();
  none.headers.remove('Max-Forwards');
  assert.is(forwardedRequest(none, none.requestUri, { branch: 'z9hG4bKx' }).request.headers.get('Max-Forwards'), '70');
  assert.not.ok(forwardedRequest(received, received.requestUri, { branch: 'z9hG4bKx' }).request.headers.getAll('Record-Route').includes('<sip:rr.i1@127.0.0.1:5070;lr>'));
});

// @tests RFC3261 P103L45-P103L48, P104L1-P104L6, P104L27-P104L35
test('forwarding: a strict router as next hop gets the Request-URI appended to Route and becomes the Request-URI', () => {
  const received = invite('sip:bob@example.com', [['Route', '<sip:strict.example.com:5080>, <sip:loose.example.com;lr>']]);
  const { request: copy, destination } = forwardedRequest(received, received.requestUri, { branch: 'z9hG4bKs' });
  assert.is(formatUri(copy.requestUri), 'sip:strict.example.com:5080');
  assert.equal(copy.headers.getAll('Route'), ['<sip:loose.example.com;lr>', '<sip:bob@example.com>']);
  assert.equal(destination, { host: 'strict.example.com', port: 5080, transport: 'UDP' });
  const loose = forwardedRequest(invite('sip:bob@example.com', [['Route', '<sip:192.0.2.8:5090;lr;transport=tcp>']]), parseUri('sip:bob@example.com'), { branch: 'z9hG4bKl' });
  assert.equal(loose.destination, { host: '192.0.2.8', port: 5090, transport: 'TCP' });
  assert.equal(forwardedRequest(invite(), parseUri('sip:bob@192.0.2.5'), { branch: 'z9hG4bKn' }).destination, { host: '192.0.2.5', port: 5060, transport: 'UDP' });
});

// ---- §16.7 step 6 and 7 ----

const original = invite();
const answer = (code: number, headers: [string, string][] = []): Response => createResponse(original, code, undefined, { toTag: `t${code}`, headers });

// @tests RFC3261 P110L39-P110L48, P111L1-P111L3, P111L5-P111L12, P111L18-P111L20
test('best response: the RFC 3261 table of cases', () => {
  const best = (codes: number[]) => chooseBestResponse(original, codes.map((c) => answer(c))).status;
  assert.is(best([]), 408); // no final response at all
  assert.is(best([503, 407, 501, 404]), 407); // the RFC's own example
  assert.is(best([486, 603, 200]), 603); // any 6xx wins
  assert.is(best([486, 302, 500]), 302); // lowest class
  assert.is(best([404, 486, 415]), 415); // a 4xx that helps resubmission
  assert.is(best([486, 484]), 484);
  assert.is(best([404, 480]), 404); // otherwise any of the class: the first
  assert.is(best([503]), 500); // a lone 503 becomes 500
  assert.is(best([503, 502]), 502); // a 503 is not chosen over another 5xx
  const generated = chooseBestResponse(original, [answer(503)]);
  assert.ok(/;tag=t503/.test(generated.headers.get('To') as string));
  assert.ok(/;tag=/.test(chooseBestResponse(original, []).headers.get('To') as string));
});

// @tests RFC3261 P112L15-P112L23
test('best response: a chosen 401/407 carries every WWW-Authenticate and Proxy-Authenticate of the context', () => {
  const a = answer(401, [['WWW-Authenticate', 'Digest realm="a.example.com", nonce="1"']]);
  const b = answer(407, [['Proxy-Authenticate', 'Digest realm="b.example.com", nonce="2"']]);
  const c = answer(401, [['WWW-Authenticate', 'Digest realm="c.example.com", nonce="3"']]);
  const finals = [answer(486), a, b, c];
  const best = aggregateChallenges(chooseBestResponse(original, finals), finals);
  assert.is(best.status, 401);
  assert.equal(best.headers.lines('WWW-Authenticate').map((f) => f.value), ['Digest realm="a.example.com", nonce="1"', 'Digest realm="c.example.com", nonce="3"']);
  assert.equal(best.headers.lines('Proxy-Authenticate').map((f) => f.value), ['Digest realm="b.example.com", nonce="2"']);
  assert.is(aggregateChallenges(answer(486), finals).headers.has('WWW-Authenticate'), false);
});

// ---- §9.1 ----

// @tests RFC3261 P54L1-P54L11, P54L13-P54L14, P54L19-P54L20
test('CANCEL: same Request-URI, Call-ID, To, From, CSeq number and Route, one Via (the top one), CSeq method CANCEL', () => {
  const forwarded = forwardedRequest(invite('sip:bob@example.com', [['Route', '<sip:p2.example.com;lr>'], ['Require', '100rel'], ['Proxy-Require', 'x']]), parseUri('sip:bob@192.0.2.5'), { branch: 'z9hG4bKfwd.1' }).request;
  const cancel = buildCancel(forwarded);
  assert.is(cancel.method, 'CANCEL');
  assert.is(formatUri(cancel.requestUri), 'sip:bob@192.0.2.5');
  assert.equal(vias(cancel).map((v) => v.branch), ['z9hG4bKfwd.1']);
  for (const h of ['Call-ID', 'To', 'From']) assert.is(cancel.headers.get(h), forwarded.headers.get(h));
  assert.equal(cseq(cancel), { seq: 1, method: 'CANCEL' });
  assert.equal(cancel.headers.getAll('Route'), ['<sip:p2.example.com;lr>']);
  assert.not.ok(cancel.headers.has('Require'));
  assert.not.ok(cancel.headers.has('Proxy-Require'));
});

test.run();
