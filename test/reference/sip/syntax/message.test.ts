/**
 * Header access, message building (§8.2.6), datagram bodies (§18.3), stream
 * framing (§7.5, §18.3), serialization, and the 400 reason phrase.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import {
  parse, serialize, serializeBytes, Headers, headerKey, canonicalName, splitList, StreamFramer, SipParseError,
  badRequestReason, createRequest, createResponse, vias, topVia, from, to, cseq, callId, contacts, routes, tagOf,
  parseVia, formatVia, parseAddress, formatAddress, bodyText, type Request, type Address,
} from '../../../../reference/sip/syntax/index.ts';

const crlf = (lines: string[]) => lines.join('\r\n');
const INVITE = crlf([
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
]);

/** Header rows printed in §7.3.1, in groups separated by blank lines (continuations kept). */
async function routeGroups(first: string, last: string): Promise<string[][]> {
  const doc = await realDoc('RFC3261');
  const lines = doc.lines.map((l) => l.text);
  const from = lines.findIndex((l) => l.includes(first));
  const to = lines.findIndex((l, i) => i > from && l.includes(last));
  const groups: string[][] = [];
  let cur: string[] = [];
  for (const l of lines.slice(from + 1, to)) {
    if (l.trim() === '') {
      if (cur.length) groups.push(cur);
      cur = [];
    } else if (l.startsWith('      ')) cur.push(l.slice(6));
  }
  if (cur.length) groups.push(cur);
  return groups;
}
const withRows = (rows: string[]) => parse(crlf(['OPTIONS sip:x@example.com SIP/2.0', ...rows, '', '']));

// @tests RFC3261 P31L5-P31L22
test('§7.3.1: the printed groups of Route rows are equivalent', async () => {
  const groups = await routeGroups('The following groups of header field rows are valid and equivalent:', 'Each of the following blocks is valid but not equivalent');
  assert.is(groups.length, 3);
  const values = groups.map((g) => withRows(g).headers.getAll('Route'));
  assert.equal(values[0], ['<sip:alice@atlanta.com>', '<sip:bob@biloxi.com>', '<sip:carol@chicago.com>']);
  for (const v of values) assert.equal(v, values[0]);
  assert.is(withRows(groups[2]).headers.get('Subject'), 'Lunch');
});

// @tests RFC3261 P31L24-P31L36, P30L38-P30L39
test('§7.3.1: the printed blocks that differ in order give different routes', async () => {
  const groups = await routeGroups('Each of the following blocks is valid but not equivalent', 'The format of a header field-value is defined per header-name');
  assert.is(groups.length, 3);
  const values = groups.map((g) => routes(withRows(g)).map((a) => a.uri.user));
  assert.equal(values, [['alice', 'bob', 'carol'], ['bob', 'alice', 'carol'], ['alice', 'carol', 'bob']]);
});

// @tests RFC3261 P32L5-P32L6, P32L46-P33L3
test('header names: any case, compact forms', () => {
  for (const n of ['v', 'V', 'via', 'VIA', 'Via']) assert.is(headerKey(n), 'via');
  assert.is(headerKey('i'), 'call-id');
  assert.is(canonicalName('call-id'), 'Call-ID');
  assert.is(canonicalName('cseq'), 'CSeq');
  assert.is(canonicalName('www-authenticate'), 'WWW-Authenticate');
  assert.is(canonicalName('x-my-header'), 'X-My-Header');
  const m = parse(crlf(['OPTIONS sip:x@example.com SIP/2.0', 'v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'VIA: SIP/2.0/TCP b.example.com;branch=z9hG4bK2', 'i: abc', 'l: 0', '', '']));
  assert.equal(vias(m).map((v) => v.host), ['a.example.com', 'b.example.com']);
  assert.is(m.headers.get('Call-ID'), 'abc');
  assert.is(m.headers.get('content-length'), '0');
});

// @tests RFC3261 P30L43-P30L46
test('splitList: commas inside quotes and <> do not split', () => {
  assert.equal(splitList('"Doe, John" <sip:j@x.com>;q=0.5, <sip:a@b.com;x=1,2>'), ['"Doe, John" <sip:j@x.com>;q=0.5', '<sip:a@b.com;x=1,2>']);
  assert.equal(splitList('"a \\", b" <sip:a@b.com>, c <sip:c@d.com>'), ['"a \\", b" <sip:a@b.com>', 'c <sip:c@d.com>']);
});

test('Headers: get, getAll, set in place, append, prepend, remove, removeFirst', () => {
  const h = new Headers([['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2'], ['To', '<sip:t@x>'], ['Via', 'SIP/2.0/UDP c;branch=z9hG4bK3']]);
  assert.is(h.get('v'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
  assert.equal(h.getAll('Via').length, 3);
  h.prepend('Via', 'SIP/2.0/UDP top;branch=z9hG4bK0');
  assert.is(h.fields[0].value, 'SIP/2.0/UDP top;branch=z9hG4bK0');
  assert.is(h.removeFirst('Via'), 'SIP/2.0/UDP top;branch=z9hG4bK0');
  assert.is(h.removeFirst('Via'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
  assert.equal(h.getAll('Via'), ['SIP/2.0/UDP b;branch=z9hG4bK2', 'SIP/2.0/UDP c;branch=z9hG4bK3']);
  h.set('To', '<sip:u@x>;tag=1');
  assert.equal(h.fields.map((f) => f.key), ['via', 'to', 'via']);
  h.append('Subject', 'hi');
  assert.is(h.remove('via'), 2);
  assert.equal(h.fields.map((f) => [f.name, f.value]), [['To', '<sip:u@x>;tag=1'], ['Subject', 'hi']]);
  assert.ok(h.has('t'));
  assert.not.ok(h.has('Via'));
});

// @tests RFC3261 P232L1-P232L18
test('Via: sent-protocol, sent-by, branch, received, maddr, ttl', () => {
  const v = parseVia('SIP / 2.0 / tcp [2001:db8::9]:5062 ;branch=z9hG4bKx;received=192.0.2.4;maddr=239.1.1.1;ttl=16');
  assert.is(v.protocol, 'SIP/2.0');
  assert.is(v.transport, 'TCP');
  assert.equal(v.sentBy, { host: '[2001:db8::9]', port: 5062 });
  assert.is(v.branch, 'z9hG4bKx');
  assert.is(v.received, '192.0.2.4');
  assert.is(v.maddr, '239.1.1.1');
  assert.is(v.ttl, 16);
  assert.is(formatVia(v), 'SIP/2.0/TCP [2001:db8::9]:5062;branch=z9hG4bKx;received=192.0.2.4;maddr=239.1.1.1;ttl=16');
  assert.throws(() => parseVia('SIP/2.0/UDP host;ttl=300'), /Via ttl must be 0 to 255/);
  assert.throws(() => parseVia('SIP/2.0/UDP host;received=example.com'), /Via received must be an IP address/);
  // via-received takes a bare IPv6address (RFC 5118 §4.5 sends one): colons and all.
  for (const ip of ['2001:db8::9:255', '::1', '[2001:db8::9]']) {
    const v6 = parseVia(`SIP/2.0/UDP [2001:db8::9:1];received=${ip};branch=z9hG4bKas3`);
    assert.is(v6.received, ip);
    assert.is(formatVia(v6), `SIP/2.0/UDP [2001:db8::9:1];received=${ip};branch=z9hG4bKas3`);
  }
  assert.throws(() => parseVia('SIP/2.0/UDP host;received=2001:db8::zz'), /Via received must be an IP address, found "2001:db8::zz"/);
  assert.throws(() => parseVia('SIP/2.0/UDP'), /expected whitespace between the sent-protocol and sent-by/);
});

// @tests RFC3581 P5L5
test('Via rport: absent, flag, value', () => {
  const v = parseVia('SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKa');
  assert.is(v.rport, true);
  v.received = '192.0.2.1';
  v.rport = 9988;
  assert.is(formatVia(v), 'SIP/2.0/UDP 10.0.0.1:5060;rport=9988;branch=z9hG4bKa;received=192.0.2.1');
  assert.is(parseVia(formatVia(v)).rport, 9988);
  assert.is(parseVia('SIP/2.0/UDP h').rport, undefined);
  assert.throws(() => parseVia('SIP/2.0/UDP h;rport=x'), /rport must be empty or a port/);
});

// @tests RFC3261 P228L34-P228L36, P161L26-P161L31, P167L20-P167L23
test('addresses: name-addr, addr-spec, display names, parameters', () => {
  const a = parseAddress('"Mr. \\"Q\\"" <sip:q@x.com;lr>;tag=9');
  assert.is(a.displayName, 'Mr. "Q"');
  assert.ok(a.uri.params.has('lr'));
  assert.is(tagOf(a), '9');
  assert.is(formatAddress(a), '"Mr. \\"Q\\"" <sip:q@x.com;lr>;tag=9');
  const b = parseAddress('sip:q@x.com;tag=9');
  assert.is(b.uri.params.size, 0, 'parameters after a bare URI belong to the header');
  assert.is(tagOf(b), '9');
  assert.is(formatAddress(b), 'sip:q@x.com;tag=9');
  b.uri.params.set('transport', 'tcp');
  assert.is(formatAddress(b), '<sip:q@x.com;transport=tcp>;tag=9', 'a URI with ";" goes in <>');
  assert.is(parseAddress('Bob Smith<sip:b@x.com>').displayName, 'Bob Smith');
});

// @tests RFC3261 P147L7-P147L16
test('datagram bodies: no Content-Length = rest of datagram; extra octets dropped; short body is an error', () => {
  const head = INVITE.slice(0, INVITE.indexOf('\r\n\r\n') + 4);
  assert.is(bodyText(parse(head.replace('Content-Length: 4\r\n', '') + 'abcdef')), 'abcdef');
  assert.is(bodyText(parse(INVITE + 'trailing junk')), 'v=0\n');
  assert.throws(() => parse(head + 'v='), /Content-Length: is 4 but only 2 octets of body follow/);
  assert.throws(() => parse(head.replace('Content-Length: 4\r\n', '') + 'x', { transport: 'stream' }), /required on stream transports/);
});

// @tests RFC3261 P169L40-P169L43, P169L47-P169L48
test('serialize: one Content-Length, always the body length', () => {
  const m = parse(INVITE);
  m.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 x\r\n');
  assert.match(serialize(m), /\r\nContent-Length: 23\r\n\r\nv=0/);
  const r = createResponse(m as Request, 100);
  assert.match(serialize(r), /\r\nContent-Length: 0\r\n\r\n$/);
  const bin = parse(INVITE);
  bin.body = new Uint8Array([0, 255, 13, 10]);
  const bytes = serializeBytes(bin);
  assert.equal([...parse(bytes).body], [0, 255, 13, 10]);
});

// @tests RFC3261 P50L10-P50L15, P50L17-P50L23
test('createResponse copies Via (in order), From, To, Call-ID, CSeq; adds the To tag', () => {
  const req = parse(INVITE.replace('Max-Forwards: 70', 'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp\r\nMax-Forwards: 70')) as Request;
  const r = createResponse(req, 180, undefined, { toTag: 'xyz' });
  assert.is(r.reason, 'Ringing');
  assert.equal(vias(r).map((v) => v.host), ['pc33.atlanta.com', 'proxy.example.com']);
  assert.equal(from(r), from(req));
  assert.is(callId(r), callId(req));
  assert.equal(cseq(r), cseq(req));
  assert.is(tagOf(to(r)), 'xyz');
  assert.equal(to(r).uri, to(req).uri);
  const again = createResponse(parse(serialize(r).replace('SIP/2.0 180 Ringing', 'INVITE sip:bob@biloxi.com SIP/2.0')) as Request, 200, 'OK', { toTag: 'other' });
  assert.is(tagOf(to(again)), 'xyz', 'an existing To tag is kept');
});

// @tests RFC3261 P50L19-P50L23, P161L29-P161L31
test('createResponse adds the To tag to the To as the request wrote it: a repeated URI parameter, an addr-spec, a tag inside the URI', () => {
  const withTo = (value: string) => parse(INVITE.replace(/^To: .*$/m, `To: ${value}`)) as Request;
  const toOf = (value: string) => createResponse(withTo(value), 200, undefined, { toTag: 'xyz' }).headers.get('To');
  // baresip sends such a To over TCP; the parser keeps one transport, a re-serialized To would lose the other.
  assert.is(toOf('<sip:carol@127.0.0.1;transport=tcp;transport=tcp>'), '<sip:carol@127.0.0.1;transport=tcp;transport=tcp>;tag=xyz');
  assert.is(toOf('"Bob"  <sip:bob@biloxi.com;Lr>'), '"Bob"  <sip:bob@biloxi.com;Lr>;tag=xyz');
  assert.is(toOf('sip:bob@biloxi.com'), 'sip:bob@biloxi.com;tag=xyz');
  // a URI parameter named tag is not the To tag
  assert.is(toOf('<sip:bob@biloxi.com;tag=uri>'), '<sip:bob@biloxi.com;tag=uri>;tag=xyz');
  assert.is(toOf('sip:bob@biloxi.com ; TAG = 1'), 'sip:bob@biloxi.com ; TAG = 1', 'an addr-spec with a tag keeps it');
});

test('createRequest builds a request that serializes and parses back', () => {
  const r = createRequest('OPTIONS', 'sip:carol@chicago.com', [
    ['Via', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877'],
    ['Max-Forwards', '70'],
    ['To', '<sip:carol@chicago.com>'],
    ['From', 'Alice <sip:alice@atlanta.com>;tag=1928301774'],
    ['Call-ID', 'a84b4c76e66710'],
    ['CSeq', '63104 OPTIONS'],
  ]);
  const back = parse(serialize(r)) as Request;
  assert.is(back.method, 'OPTIONS');
  assert.is(topVia(back)!.branch, 'z9hG4bKhjhs8ass877');
  assert.equal(cseq(back), { seq: 63104, method: 'OPTIONS' });
});

// @tests RFC3261 P34L8-P34L14, P147L18-P147L20
test('StreamFramer: messages split across and within chunks, keep-alive CRLFs skipped', () => {
  const one = Buffer.from(INVITE);
  const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, Buffer.from('\r\n'), one, one]);
  const framer = new StreamFramer();
  const got: string[] = [];
  for (let i = 0; i < stream.length; i += 7) got.push(...framer.push(stream.subarray(i, i + 7)).map((m) => bodyText(m)));
  assert.equal(got, ['v=0\n', 'v=0\n', 'v=0\n']);
  assert.is(framer.pending, 0);
});

// @tests RFC3261 P147L18-P147L20
test('StreamFramer: a message without Content-Length breaks the stream for good', () => {
  const framer = new StreamFramer();
  const noLength = INVITE.replace('Content-Length: 4\r\n', '');
  assert.throws(() => framer.push(Buffer.from(noLength)), /Content-Length: required on stream transports but absent/);
  assert.throws(() => framer.push(Buffer.from(INVITE)), /required on stream transports/);
});

// @tests RFC4475 P40L1-P40L12
test('StreamFramer: two different Content-Length values break the stream', () => {
  const framer = new StreamFramer();
  assert.throws(() => framer.push(Buffer.from(INVITE.replace('Content-Length: 4', 'Content-Length: 4\r\nl: 5'))), /appears twice with different values \(4, 5\); the stream cannot be framed/);
});

test('StreamFramer: a framed message that does not parse is reported, the stream goes on', () => {
  const framer = new StreamFramer();
  const bad = INVITE.replace('CSeq: 314159 INVITE', 'CSeq: x INVITE');
  const got = framer.push(Buffer.from(bad + INVITE));
  assert.is(got.length, 1);
  assert.is(framer.errors.length, 1);
  assert.match(framer.errors[0].message, /^CSeq: expected the CSeq sequence number, found "x INVITE" \(line 7, column 7\)/);
});

// @tests RFC3261 P185L38-P185L40
test('badRequestReason names the rule and the place, on one line', () => {
  try {
    parse(INVITE.replace('To: Bob <sip:bob@biloxi.com>', 'To: Bob <sip:bob@biloxi.com'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SipParseError);
    assert.is(badRequestReason(e), 'Bad To: missing ">" closing the URI of To at line 4 column 9');
  }
  assert.is(badRequestReason(new Error('x')), 'Bad Request');
});

test('faults in the header section name the line', () => {
  const at = (text: string, re: RegExp) => assert.throws(() => parse(text), re);
  at(INVITE.replace('Max-Forwards: 70', 'Max-Forwards 70'), /HCOLON: expected ":" after header field name Max-Forwards, found "70" \(line 3, column 14\)/);
  at(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 256'), /Max-Forwards: must be an integer from 0 to 255/);
  at(INVITE.replace('Call-ID: a84b4c76e66710@pc33.atlanta.com', 'Call-ID: a b'), /Call-ID: unexpected " b"/);
  at(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 7\n0'), /CRLF: CR or LF alone inside a line \(line 3, column 16\)/);
  // A lone CR anywhere, a lone LF first in the head or on the last line: the lone one is named, and an LF before a CR.
  at(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 7\r0'), /CRLF: CR or LF alone inside a line \(line 3, column 16\)/);
  at('\n', /CRLF: CR or LF alone inside a line \(line 1, column 0\)/);
  at('\r', /CRLF: CR or LF alone inside a line \(line 1, column 0\)/);
  at(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 7\r0').replace('CSeq: ', 'CSeq:\n'), /CRLF: CR or LF alone inside a line \(line \d+, column 6\)/);
  at(INVITE.replace('\r\n\r\n', '\r\nX: y\n'), /CRLF: CR or LF alone/);
  at(INVITE.replace('Contact: <sip:alice@pc33.atlanta.com>', 'Contact: <sip:alice@pc33.atlanta.com>;q=2'), /Contact: q must be a qvalue from 0 to 1/);
  at(INVITE.replace('Contact: <sip:alice@pc33.atlanta.com>', 'Route: sip:p1.example.com'), /Route: values of Route must be name-addr/);
  at(' ' + INVITE, /Request-Line: Method must be a token/);
  // @tests RFC3261 P32L1-P32L3
  at(INVITE.replace(';tag=1928301774', ';tag=1;TAG=2'), /From: parameter TAG appears twice in From \(line 5, column 43\)/);
  at(INVITE.replace(';rport', ';rport;branch=x'), /Via: parameter branch appears twice in Via/);
});

// @tests RFC3261 P220L38-P220L45
test('octets that are not UTF-8 in the header section are a fault, not replaced', () => {
  const bytes = Buffer.from(INVITE.replace('To: Bob', 'To: "B\u00e9b"'));
  const at = bytes.indexOf(0xc3);
  bytes[at + 1] = 0x28; // a lead octet without its continuation
  assert.throws(() => parse(bytes), new RegExp(`^UTF8-NONASCII: octet 0xc3 at offset ${at} of the header section is not UTF-8`));
  assert.is(to(parse(Buffer.from(INVITE.replace('To: Bob', 'To: "B\u00e9b"')))).displayName, 'Béb');
});

// @tests RFC3261 P228L31-P228L33
test('Contact: * and lists', () => {
  const star = parse(INVITE.replace('Contact: <sip:alice@pc33.atlanta.com>', 'Contact: *'));
  assert.is(contacts(star), '*');
  const list = parse(INVITE.replace('Contact: <sip:alice@pc33.atlanta.com>', 'm: <sip:a@x.com>;expires=60, "B, C" <sip:b@y.com>;q=0.5'));
  assert.equal((contacts(list) as Address[]).map((a) => [a.uri.user, a.displayName ?? null]), [['a', null], ['b', 'B, C']]);
});

test.run();
