/**
 * What a written message looks like on the wire (§7, §20.14, §20.10/§20.20):
 * CRLF line ends, the empty line, Content-Length always, name-addr when the
 * URI would otherwise be ambiguous.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serialize, createRequest, formatAddress, parseUri, parse, type Request } from '../../../../reference/sip/syntax/index.ts';

const request = (body?: string): Request =>
  createRequest('OPTIONS', 'sip:bob@biloxi.com', {
    Via: 'SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bK776asdhds',
    'Max-Forwards': '70',
    To: '<sip:bob@biloxi.com>',
    From: '<sip:alice@atlanta.com>;tag=1928301774',
    'Call-ID': 'a84b4c76e66710',
    CSeq: '63104 OPTIONS',
  }, body);

// @tests RFC3261 P27L18-P27L19, P27L19-P27L20
test('every line ends in CRLF, and the empty line is there without a body', () => {
  const text = serialize(request());
  assert.ok(text.endsWith('\r\n\r\n'), 'ends with the empty line');
  // No bare LF and no bare CR anywhere.
  assert.not.match(text, /[^\r]\n/);
  assert.not.match(text, /\r[^\n]/);
  const lines = text.split('\r\n');
  assert.is(lines[0], 'OPTIONS sip:bob@biloxi.com SIP/2.0');
  assert.is(lines.at(-1), '');
  assert.is(lines.at(-2), '');
});

// @tests RFC3261 P160L47-P160L48, P33L41
test('Content-Length is written on every message, and the body is never chunked', () => {
  const empty = serialize(request());
  assert.match(empty, /\r\nContent-Length: 0\r\n\r\n$/);
  const withBody = serialize(request('v=0\r\n'));
  assert.match(withBody, /\r\nContent-Length: 5\r\n\r\nv=0\r\n$/);
  assert.not.match(withBody, /Transfer-Encoding/i);
  // What was written reads back with the same body.
  assert.is(Buffer.from((parse(withBody) as Request).body).toString('utf8'), 'v=0\r\n');
});

// @tests RFC3261 P172L14-P172L16, P176L15-P176L17
test('an address whose URI holds a comma, question mark or semicolon is written as name-addr', () => {
  for (const uri of ['sip:bob@biloxi.com;transport=tcp', 'sip:bob@biloxi.com?subject=a', 'sip:b,ob@biloxi.com']) {
    const text = formatAddress({ uri: parseUri(uri), params: new Map([['tag', '9']]), nameAddr: false });
    assert.ok(text.startsWith('<') && text.includes('>;tag=9'), `${uri} -> ${text}`);
  }
  // A plain URI may stay an addr-spec.
  assert.is(formatAddress({ uri: parseUri('sip:bob@biloxi.com'), params: new Map([['tag', '9']]), nameAddr: false }), 'sip:bob@biloxi.com;tag=9');
});

test.run();
