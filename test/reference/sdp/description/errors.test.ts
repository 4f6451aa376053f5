/**
 * Each kind of error the parser reports, with the rule it names and the
 * line and column it points at; and what it accepts with a warning.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { serialize } from '../../../../reference/sdp/description/serialize.ts';
import { SdpError } from '../../../../reference/sdp/description/errors.ts';

/** A small valid description, one line per entry. */
const BASE = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 49170 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000'];
const sdp = (lines: string[]) => lines.map((l) => l + '\r\n').join('');
/** BASE with line n (1-based) replaced by `by` (none: removed; several: inserted). */
const edit = (n: number, ...by: string[]) => sdp([...BASE.slice(0, n - 1), ...by, ...BASE.slice(n)]);
/** BASE with `lines` inserted before line n. */
const insert = (n: number, ...lines: string[]) => sdp([...BASE.slice(0, n - 1), ...lines, ...BASE.slice(n - 1)]);

function fails(text: string | Uint8Array, rule: string, line: number, col: number, detail: RegExp): void {
  try {
    parse(text);
  } catch (e) {
    assert.instance(e, SdpError);
    const err = e as SdpError;
    assert.equal([err.rule, err.line, err.col], [rule, line, col], err.message);
    assert.match(err.message, detail);
    assert.ok(err.message.startsWith(`${rule}: `));
    return;
  }
  assert.unreachable(`accepted: ${JSON.stringify(text)}`);
}

test('the base description is valid and round-trips', () => {
  const { description, warnings } = parse(sdp(BASE));
  assert.equal(warnings, []);
  assert.is(serialize(description), sdp(BASE));
});

// @tests RFC8866 P9L24-P9L25
test('a field out of order: refused, or accepted with a warning when lenient', () => {
  const text = sdp(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'c=IN IP4 192.0.2.1', 'm=audio 49170 RTP/AVP 0']);
  fails(text, 'RFC8866 §5', 5, 1, /c= \(connection\) after t=: fields appear in the order v o s i u e p c b t k a/);
  const { description, warnings } = parse(text, { lenient: true });
  assert.equal(warnings.map((w) => [w.rule, w.line, w.col]), [['RFC8866 §5', 5, 1]]);
  assert.is(description.connection?.address, '192.0.2.1');
  fails(sdp([...BASE, 'i=late']), 'RFC8866 §5', 8, 1, /i= \(information\) after a=/);
});

// @tests RFC8866 P9L15-P10L11, P12L46, P18L4-P18L5
test('a missing required field names it and where it was due', () => {
  fails(edit(1), 'RFC8866 §5', 1, 1, /no v= \(protocol version\) line before o=: it is required and comes first/);
  fails(edit(2), 'RFC8866 §5.2', 2, 1, /no o= \(origin\) line before s=/);
  fails(edit(3), 'RFC8866 §5.3', 3, 1, /no s= \(session name\) line before c=/);
  fails(edit(5), 'RFC8866 §5.9', 5, 1, /no t= \(time\) line before m=/);
  fails(sdp(BASE.slice(0, 4)), 'RFC8866 §5.9', 4, 1, /no t= \(time\) line at the end of the session-level section/);
  fails('', 'RFC8866 §5', 1, 1, /no v= \(protocol version\) line at the end of the session-level section: it is required and comes first/);
  fails(insert(4, 's=again'), 'RFC8866 §5.3', 4, 1, /more than one s= line at session level/);
});

// @tests RFC8866 P11L35-P11L36, P11L42-P11L44, P11L46-P12L9
test('a bad o= value: the subfield and its column', () => {
  fails(edit(2, 'o=jane doe 1 1 IN IP4 192.0.2.1'), 'RFC8866 §5.2', 2, 3, /7 subfields.*MUST NOT contain spaces/);
  fails(edit(2, 'o=- 12a 1 IN IP4 192.0.2.1'), 'RFC8866 §5.2', 2, 5, /<sess-id> "12a" is not a numeric string/);
  fails(edit(2, 'o=- 1 1 IN IP4 192.0.2.300'), 'RFC8866 §5.2', 2, 16, /not an IP4 address/);
  fails(edit(2, 'o=- 1 1 IN IP4 bücher.example'), 'RFC8866 §5.2', 2, 16, /internationalized domain name in UTF-8: write it in ACE form/);
  assert.is(parse(edit(2, 'o=- 1 18446744073709551617 IN IP4 xn--bcher-kva.example')).description.origin.sessionVersion, 18446744073709551617n);
});

// @tests RFC8866 P15L22-P15L26, P15L36-P15L37, P16L34-P16L38, P14L37-P14L38
test('a bad c= value: multicast TTL rules, the slash on unicast, session-level multiples, a missing c=', () => {
  fails(edit(4, 'c=IN IP4 233.252.0.1'), 'RFC8866 §5.7', 4, 10, /IP4 multicast address: it MUST have a TTL/);
  fails(edit(4, 'c=IN IP4 233.252.0.1/256'), 'RFC8866 §5.7', 4, 22, /TTL 256 is not in the range 0-255/);
  fails(edit(4, 'c=IN IP4 192.0.2.1/2'), 'RFC8866 §5.7', 4, 19, /slash notation MUST NOT be used for a unicast address/);
  fails(edit(4, 'c=IN IP6 ff00::db8:0:101/127/3'), 'RFC8866 §5.7', 4, 10, /a TTL MUST NOT be present/);
  fails(edit(4, 'c=IN IP4 233.252.0.1/127/3'), 'RFC8866 §5.7', 4, 3, /multiple addresses MUST NOT be specified at session level/);
  fails(edit(4, 'c=IN IP6 2001:db8::zz'), 'RFC8866 §5.7', 4, 10, /"2001:db8::zz" is not an IP6 address/);
  fails(edit(4), 'RFC8866 §5.7', 5, 1, /no c= line, and there is none at session level/);
  const layered = parse(edit(4, 'c=IN IP4 233.252.0.1/127')).description;
  assert.equal(layered.connection, { netType: 'IN', addrType: 'IP4', address: '233.252.0.1', ttl: 127 });
  const m = parse(sdp([...BASE.slice(0, 3), 't=0 0', 'm=audio 49170 RTP/AVP 0', 'c=IN IP6 ff00::db8:0:101/3'])).description.media[0];
  assert.equal(m.connections, [{ netType: 'IN', addrType: 'IP6', address: 'ff00::db8:0:101', numberOfAddresses: 3 }]);
});

// @tests RFC8866 P22L14-P22L19, P43L26-P43L27
test('a bad m= value', () => {
  fails(edit(6, 'm=audio 70000 RTP/AVP 0'), 'RFC8866 §5.14', 6, 9, /<port> "70000" is not a port/);
  fails(edit(6, 'm=audio 49170 RTP/AVP'), 'RFC8866 §5.14', 6, 3, /at least one <fmt>/);
  fails(edit(6, 'm=audio 49170 RTP/AVP 0 PCMU'), 'RFC8866 §8.2.3', 6, 25, /<fmt> "PCMU" under RTP\/AVP is not an RTP payload type number/);
  fails(edit(6, 'm=audio 49170 RTP/AVP 128'), 'RFC8866 §8.2.3', 6, 23, /0-127/);
  const m = parse(edit(6, 'm=video 49170/2 RTP/AVP 31')).description.media[0];
  assert.equal([m.port, m.numberOfPorts], [49170, 2]);
  // Any token is a format under another proto.
  assert.equal(parse(edit(6, 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel')).description.media[0].formats, ['webrtc-datachannel']);
});

// @tests RFC8866 P10L13-P10L16
test('a type letter SDP does not define rejects the whole description (so nothing is silently lost)', () => {
  fails(insert(5, 'x=whatever'), 'RFC8866 §5', 5, 1, /type letter "x" is not one SDP defines: the whole description is rejected/);
  // Type letters are case-significant.
  fails(edit(1, 'V=0'), 'RFC8866 §5', 1, 1, /type letter "V"/);
  fails(edit(5, 't = 0 0'), 'RFC8866 §5', 5, 2, /not <type>=<value>/);
});

// @tests RFC8866 P11L4-P11L9
test('LF line ends are accepted with one warning; CR or NUL inside a line and empty lines are refused', () => {
  const { description, warnings } = parse(BASE.join('\n') + '\n');
  assert.equal(warnings.map((w) => [w.rule, w.line, w.col]), [['RFC8866 §5', 1, 4]]);
  assert.match(warnings[0].message, /LF, not CRLF \(7 lines; accepted\)/);
  assert.is(serialize(description), sdp(BASE));
  const noEnd = parse(sdp(BASE).slice(0, -2));
  assert.equal(noEnd.warnings.map((w) => [w.rule, w.line]), [['RFC8866 §9', 7]]);
  fails(edit(3, 's=a\rb'), 'RFC8866 §5', 3, 4, /a CR \(0x0d\) inside a line/);
  fails(edit(3, 's=a\0b'), 'RFC8866 §5', 3, 4, /a NUL/);
  fails(insert(5, ''), 'RFC8866 §5', 5, 1, /an empty line/);
});

// @tests RFC8866 P11L9-P11L14, P34L14-P34L24
test('text is UTF-8 unless a=charset: says otherwise', () => {
  const latin1 = Buffer.from(sdp(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=caf\xe9', 'c=IN IP4 192.0.2.1', 't=0 0']), 'latin1');
  fails(latin1, 'RFC8866 §5', 3, 6, /not UTF-8/);
  const declared = Buffer.from(sdp(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=caf\xe9', 'c=IN IP4 192.0.2.1', 't=0 0', 'a=charset:iso-8859-1']), 'latin1');
  assert.is(parse(declared).description.sessionName, 'café');
  assert.is(parse(Buffer.from(edit(3, 's=café'))).description.sessionName, 'café');
  const unknown = parse(Buffer.from(sdp(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=x', 'c=IN IP4 192.0.2.1', 't=0 0', 'a=charset:KOI8-R'])));
  assert.equal(unknown.warnings.map((w) => [w.rule, w.line]), [['RFC8866 §6.10', 6]]);
});

// @tests RFC8866 P12L45-P12L48, P14L3-P14L4, P14L7-P14L10
test('s= is never empty; e= and p= come before the first m= line; p= SHOULD be international', () => {
  fails(edit(3, 's='), 'RFC8866 §5.3', 3, 3, /s= MUST NOT be empty/);
  assert.is(parse(edit(3, 's= ')).description.sessionName, ' ');
  fails(insert(7, 'e=j.doe@example.com'), 'RFC8866 §5.6', 7, 1, /session-level field: it MUST come before the first m= line/);
  fails(insert(4, 'e=Jane Doe'), 'RFC8866 §5.6', 4, 3, /not addr-spec/);
  const p = parse(insert(4, 'e=Jane Doe <j.doe@example.com>', 'p=617 555-6011'));
  assert.equal(p.warnings.map((w) => [w.rule, w.line]), [['RFC8866 §5.6', 5]]);
  assert.equal(p.description.emails, ['Jane Doe <j.doe@example.com>']);
});

// @tests RFC8866 P19L5, P20L4-P20L7, P21L5-P21L7
test('time descriptions: r= after its t=, z= only after r= (RFC 8866); k= is discarded', () => {
  const t = ['t=3724394400 3730536000', 'r=604800 3600 0 90000', 'z=3730928400 -1h 3749680800 0', 't=3724484400 3724488000'];
  const { description, warnings } = parse(edit(5, ...t));
  assert.equal(warnings, []);
  assert.equal(description.timings, [
    { start: 3724394400n, stop: 3730536000n, repeats: ['604800 3600 0 90000'], zone: '3730928400 -1h 3749680800 0' },
    { start: 3724484400n, stop: 3724488000n, repeats: [] },
  ]);
  assert.is(serialize(description), edit(5, ...t));
  fails(edit(5, 't=0 0', 'z=3730928400 -1h'), 'RFC8866 §5.11', 6, 1, /z= without an r= line before it/);
  fails(edit(5, 't=0 0', 'r=7d 1h 0 25H'), 'RFC8866 §5.10', 6, 11, /"25H" is not a number with an optional unit/);
  fails(insert(7, 'r=7d 1h 0'), 'RFC8866 §5.10', 7, 1, /must follow a t= line/);
  fails(insert(6, 'a=tool:x', 'r=7d 1h 0'), 'RFC8866 §5.10', 7, 1, /must follow a t= line/);
  fails(edit(5, 't=123 0'), 'RFC8866 §5.9', 5, 3, /"123" is not a time/);
  const k = parse(insert(6, 'k=prompt'));
  assert.equal(k.warnings.map((w) => [w.rule, w.line, w.col]), [['RFC8866 §5.12', 6, 1]]);
  assert.is(serialize(k.description), sdp(BASE));
});

// @tests RFC8866 P17L35-P17L40
test('b=: an unknown <bwtype> is kept and means nothing; X- is warned about', () => {
  const { description, warnings } = parse(insert(5, 'b=CT:128', 'b=X-YZ:64', 'b=FOO:1'));
  assert.equal(description.bandwidths, [{ type: 'CT', bandwidth: 128 }, { type: 'X-YZ', bandwidth: 64 }, { type: 'FOO', bandwidth: 1 }]);
  assert.equal(warnings.map((w) => [w.rule, w.line]), [['RFC8866 §5.8', 6]]);
  fails(insert(5, 'b=AS:fast'), 'RFC8866 §5.8', 5, 6, /<bandwidth> "fast" is not a number/);
});

test('a description larger than maxBytes is refused before it is read', () => {
  assert.throws(() => parse(sdp(BASE), { maxBytes: 64 }), (e: SdpError) => e.rule === 'limit' && /more than the 64 accepted/.test(e.message));
});

test('numbers: past 15 digits refused naming the field; zeros in front accepted, written back without them and warned about; never exponent form', () => {
  const long = '123456789012345678901234';
  fails(insert(5, `b=AS:${long}`), 'RFC8866 §5.8', 5, 6, /b= <bandwidth> "123456789012345678901234" has 24 digits/);
  fails(edit(7, `a=rtpmap:96 telephone-event/${long}`), 'RFC8866 §6.6', 7, 29, /<clock rate>.*24 digits/);
  fails(edit(6, `m=audio 49170/${long} RTP/AVP 0 96`), 'RFC8866 §5.14', 6, 15, /<number of ports>.*24 digits/);
  fails(insert(7, `a=ptime:${long}`), 'RFC8866 §6.4', 7, 9, /a=ptime: <milliseconds>.*24 digits/);
  fails(edit(4, `c=IN IP4 233.252.0.1/127/${long}`), 'RFC8866 §5.7', 4, 22, /c= \/<ttl> or \/<number of addresses>.*24 digits/);
  const zeros = sdp([...BASE.slice(0, 1), 'o=- 1 007 IN IP4 192.0.2.1', ...BASE.slice(2, 4), 'b=AS:0064', 't=0 0', 'm=audio 049170 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000', 'a=rtcp:053']);
  const { description, warnings } = parse(zeros);
  assert.equal(warnings.map((w) => [w.line, w.col, w.message.split(' is the number')[0]]), [
    [2, 7, 'o= <sess-version> "007"'],
    [5, 6, 'b= <bandwidth> "0064"'],
    [7, 9, '<port> "049170"'],
    [9, 8, 'a=rtcp: <port> "053"'],
  ]);
  const out = serialize(description);
  assert.match(out, /o=- 1 7 IN IP4.*b=AS:64\r\n.*m=audio 49170 .*a=rtcp:53\r\n$/s);
  assert.equal(parse(out).description, description);
  // What the model holds is written in decimal, or not at all.
  assert.throws(() => serialize({ ...description, bandwidths: [{ type: 'AS', bandwidth: 1e23 }] }), /b= <bandwidth> 1e\+23 cannot be written in SDP/);
});

// @tests RFC8866 P16L31-P16L33
test('several c= lines in a media description only when each is a multicast address', () => {
  const media = (...c: string[]) => sdp([...BASE.slice(0, 3), 't=0 0', 'm=audio 49170 RTP/AVP 0', ...c]);
  fails(media('c=IN IP4 192.0.2.1', 'c=IN IP4 192.0.2.2'), 'RFC8866 §5.7', 7, 3, /a second c= line .* 192\.0\.2\.1 is not a multicast address/);
  fails(media('c=IN IP4 233.252.0.1/127', 'c=IN IP4 192.0.2.2'), 'RFC8866 §5.7', 7, 3, /192\.0\.2\.2 is not a multicast address/);
  fails(media('c=IN IP6 ff15::101', 'c=IN IP6 2001:db8::1'), 'RFC8866 §5.7', 7, 3, /2001:db8::1 is not a multicast address/);
  const layered = parse(media('c=IN IP4 233.252.0.1/127', 'c=IN IP4 233.252.0.2/127', 'c=IN IP6 ff15::101')).description;
  assert.equal(layered.media[0]!.connections.map((c) => c.address), ['233.252.0.1', '233.252.0.2', 'ff15::101']);
});

// @tests RFC8866 P11L4-P11L9
test('a byte order mark before v= and a line ending in a bare CR are named as such', () => {
  fails(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sdp(BASE))]), 'RFC8866 §5', 1, 1, /a byte order mark \(U\+FEFF, EF BB BF in UTF-8\) before v=/);
  fails('\ufeff' + sdp(BASE), 'RFC8866 §5', 1, 1, /a byte order mark/);
  const lastCr = sdp(BASE).slice(0, -1);
  fails(lastCr, 'RFC8866 §5', 7, 33, /the line ends in a bare CR \(0x0d\) with no LF after it/);
  fails(edit(3, 's=a\r'), 'RFC8866 §5', 3, 4, /a bare CR/);
});

test.run();
