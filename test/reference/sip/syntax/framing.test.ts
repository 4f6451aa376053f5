/**
 * StreamFramer: the verdict on a stream does not depend on how it is split
 * into chunks, and the size limits hold on a stream as on a datagram.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamFramer, rejectionStatus, serialize, parse } from '../../../../reference/sip/syntax/index.ts';

const request = (n: number, body = '', extra: string[] = []) =>
  [
    `OPTIONS sip:bob@example.com SIP/2.0`,
    `Via: SIP/2.0/TCP pc.example.com;branch=z9hG4bKsplit${n}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a',
    'To: <sip:bob@example.com>',
    `Call-ID: split-${n}@example.com`,
    `CSeq: ${n} OPTIONS`,
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

/**
 * Everything a framer said about a stream, in the stream's order: the
 * messages, the framed messages that did not parse, the pings, and how it
 * ended (the fault that broke it, or what was left pending).
 */
function verdict(stream: Buffer, cuts: number[], limits = {}): string {
  const framer = new StreamFramer(limits);
  const said: string[] = [];
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    for (const { message, error } of framer.feed(stream.subarray(from, to))) {
      said.push(message !== undefined ? serialize(message) : `error ${error.message} [${Buffer.from(error.frame ?? []).toString('latin1')}]`);
    }
    from = to;
  }
  said.push(`pings ${framer.pings}`);
  const e = framer.failure;
  said.push(e !== undefined ? `broken ${rejectionStatus(e)} ${e.message} [${Buffer.from(e.frame ?? []).toString('latin1')}]` : `pending ${framer.pending}`);
  return said.join('\n');
}

/** A seeded generator, so a failing split can be reproduced. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const STREAMS: [string, Buffer, object][] = [
  ['keep-alives, a body, a bad CSeq, a partial message', Buffer.from('\r\n\r\n' + request(1, 'hello') + '\r\n' + request(2).replace('CSeq: 2 OPTIONS', 'CSeq: x OPTIONS') + request(3) + request(4).slice(0, 60)), {}],
  ['no Content-Length', Buffer.from(request(1) + request(2).replace(/Content-Length: 0\r\n/, '')), {}],
  ['a bad CSeq, then no Content-Length', Buffer.from(request(1).replace('CSeq: 1 OPTIONS', 'CSeq: x OPTIONS') + request(2).replace(/Content-Length: 0\r\n/, '')), {}],
  ['pings between messages, a lone CRLF, a ping split from its pair', Buffer.from('\r\n\r\n' + request(1) + '\r\n\r\n\r\n' + request(2) + '\r\n\r\n\r\n\r\n'), {}],
  ['a header section over maxHeaderBytes', Buffer.from(request(1) + request(2, '', [`X-Pad: ${'p'.repeat(300)}`])), { maxHeaderBytes: 256 }],
  ['a body over maxBodyBytes', Buffer.from(request(1, 'ok') + request(2, 'x'.repeat(65))), { maxBodyBytes: 64 }],
];

// @tests RFC3261 P34L8-P34L14, P147L18-P147L20, P192L3-P192L4
test('the same verdict however the stream is split: at every single offset, and at 200 random sets of cuts', () => {
  for (const [name, stream, limits] of STREAMS) {
    const whole = verdict(stream, [], limits);
    for (let cut = 1; cut < stream.length; cut++) assert.is(verdict(stream, [cut], limits), whole, `${name}: split at ${cut}`);
    const next = random(stream.length);
    for (let round = 0; round < 200; round++) {
      const cuts = [...new Set(Array.from({ length: 1 + Math.floor(next() * 12) }, () => 1 + Math.floor(next() * (stream.length - 1))))].sort((a, b) => a - b);
      assert.is(verdict(stream, cuts, limits), whole, `${name}: cuts ${cuts.join(',')}`);
    }
    // One octet at a time too.
    assert.is(verdict(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1), limits), whole, `${name}: octet by octet`);
  }
});

// @tests RFC3261 P192L3-P192L4
test('over a size limit the stream breaks with 513 naming the limit; the header section is kept so the request can be answered', () => {
  const big = verdict(STREAMS[4][1], [], STREAMS[4][2]);
  assert.match(big, /^OPTIONS sip:bob@example.com SIP\/2.0\r\n[^]*\nbroken 513 message-header: no empty line ends the header section within 256 octets \(maxHeaderBytes = 256\) \[OPTIONS sip:bob@example.com SIP\/2.0\r\nVia: [^]*Call-ID: split-2@example.com\r\nCSeq: 2 OPTIONS\r\n\]$/);
  const body = verdict(STREAMS[5][1], [], STREAMS[5][2]);
  assert.match(body, /\nbroken 513 message-body: a body of 65 octets is over the limit \(maxBodyBytes = 64\) \[OPTIONS [^]*Content-Length: 65\r\n\r\n\]$/);
  // Content-Length: 9999999999 is a number of octets, far over the default limit.
  const framer = new StreamFramer();
  assert.throws(() => framer.push(Buffer.from(request(1).replace('Content-Length: 0', 'Content-Length: 9999999999'))), /maxBodyBytes = 262144/);
  // The same limit on a datagram.
  assert.throws(() => parse(request(1, 'x'.repeat(65)), { limits: { maxBodyBytes: 64 } }), (e: unknown) => rejectionStatus(e) === 513);
});

test('the default header limit holds whatever the chunks: a 70 KB header section in one chunk and in 1 KB chunks', () => {
  const stream = Buffer.from(request(1, '', [`X-Pad: ${'p'.repeat(70 * 1024)}`]));
  const whole = verdict(stream, []);
  assert.match(whole, /^pings 0\nbroken 513 .*maxHeaderBytes = 65536/);
  assert.is(verdict(stream, Array.from({ length: Math.floor(stream.length / 1024) }, (_, i) => (i + 1) * 1024)), whole);
});

test('a framed message that does not parse, then a fault, in one chunk: the error comes first, in order, from feed and from push', () => {
  const stream = STREAMS[2][1];
  assert.match(verdict(stream, []), /^error CSeq: [^]*\npings 0\nbroken 400 Content-Length: required on stream transports but absent/);
  const framer = new StreamFramer();
  assert.throws(() => framer.push(stream), /Content-Length: required on stream transports but absent/);
  assert.is(framer.errors.length, 1, 'push keeps the error before it throws the fault');
  assert.match(framer.errors[0]!.message, /^CSeq: /);
});

// @tests RFC5626 P25L14-P25L16
test('pings: each double CRLF between messages is one, however split; a lone CRLF is none', () => {
  assert.match(verdict(STREAMS[3][1], []), /\npings 4\npending 0$/);
});

test('memory: a 1 MiB body in 1460-octet chunks is held once: the buffer grows to the message, never to twice its size', () => {
  const body = 'b'.repeat(1 << 20);
  const stream = Buffer.from(request(1, body));
  const framer = new StreamFramer({ maxBodyBytes: 1 << 21 });
  let messages: { body: Uint8Array }[] = [];
  let most = 0;
  for (let at = 0; at < stream.length; at += 1460) {
    messages = messages.concat(framer.push(stream.subarray(at, at + 1460)));
    most = Math.max(most, framer.capacity);
  }
  assert.is(messages.length, 1);
  assert.ok(most <= stream.length + 1460, `the buffer reached ${most} octets for a message of ${stream.length}`);
  // The body lies in a buffer of the message's size, not in a doubled one.
  assert.is(messages[0]!.body.buffer.byteLength, stream.length);
  assert.is(framer.capacity, 0, 'the big buffer is let go');
});

test.run();
