/**
 * Header values are read where they are in the message head, not copied
 * out: the parser must stop at the end of each value, never reading the
 * trailing whitespace, the CRLF or the next field. Each case is a fault at
 * the end of a value that the next line would seem to repair (a closing
 * quote, ">", "]" or ":" there); the error is the one the value alone gives,
 * at the same line and column.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAddress, parseVia, SipParseError } from '../../../../reference/sip/syntax/index.ts';

const crlf = (lines: string[]) => lines.join('\r\n');
/** An OPTIONS with `field` on line 2, then fields holding `"`, `>`, `]` and `:`. */
const withField = (field: string) =>
  crlf([
    'OPTIONS sip:x@example.com SIP/2.0',
    field,
    'To: "Bob" <sip:bob@[2001:db8::1]>',
    'Via: SIP/2.0/UDP [2001:db8::2]:5060;branch=z9hG4bK1',
    'From: <sip:alice@example.com>;tag=1',
    'Call-ID: 1@example.com',
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    '',
    '',
  ]);

/** The SipParseError that parsing throws (any other outcome fails the test). */
function alone(parsing: () => unknown): SipParseError {
  try {
    parsing();
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw e;
  }
  throw new Error('parsed, but should not have');
}
/** The error of the whole message. */
const fault = (text: string) => alone(() => parse(text));

// @tests RFC3261 P222L15-P222L17
test('a quoted-string unterminated at the end of its value is not closed by a quote on the next line', () => {
  const e = fault(withField('From: "Alice <sip:alice@example.com>   '));
  assert.is(e.detail, alone(() => parseAddress('"Alice <sip:alice@example.com>', 'From')).detail);
  assert.is(e.detail, 'unterminated quoted-string in the display name of From');
  assert.equal([e.line, e.column], [2, 7]);
});

// @tests RFC3261 P221L38-P221L39
test('a URI in <> without its ">" is not closed by a ">" on the next line', () => {
  const e = fault(withField('From: Alice <sip:alice@example.com'));
  assert.is(e.detail, alone(() => parseAddress('Alice <sip:alice@example.com', 'From')).detail);
  assert.equal([e.line, e.column], [2, 13]);
});

// @tests RFC3261 P223L2-P223L6
test('an IPv6reference without its "]" is not closed by a "]" on the next line', () => {
  const e = fault(withField('Via: SIP/2.0/UDP [2001:db8::3'));
  assert.is(e.detail, alone(() => parseVia('SIP/2.0/UDP [2001:db8::3')).detail);
  assert.equal([e.line, e.column], [2, 18]);
});

// @tests RFC3261 P224L10
test('a URI without "scheme:" does not take the ":" of the next line, and the error quotes only the URI', () => {
  const e = fault(withField('Contact: <alice>'));
  assert.is(e.detail, 'expected "scheme:" at the start of "alice"');
  assert.equal([e.line, e.column], [2, 11]);
});

test('what an error shows of the text stops at the end of the value', () => {
  const e = fault(withField('CSeq: 1 OPTIONS x'));
  assert.is(e.detail, 'unexpected "x" after CSeq');
  const f = fault(withField('Call-ID: a b  '));
  assert.is(f.detail, 'unexpected " b"');
  assert.equal([f.line, f.column], [2, 11]);
});

test.run();
