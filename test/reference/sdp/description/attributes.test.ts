/**
 * The typed attributes (rtpmap, fmtp, ptime, maxptime, the directions,
 * rtcp, mid/group, setup/connection, fingerprint), the errors they name,
 * and every other attribute kept as written, in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { serialize } from '../../../../reference/sdp/description/serialize.ts';
import { SdpError } from '../../../../reference/sdp/description/errors.ts';
import { directionOf } from '../../../../reference/sdp/description/direction.ts';
import { connectionsOf } from '../../../../reference/sdp/description/connection.ts';
import { rtcpPort } from '../../../../reference/sdp/description/rtcp.ts';

const HEAD = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];
/** A description with these session attributes, one audio stream, and these media attributes. */
const withAttrs = (media: string[], session: string[] = [], m = 'm=audio 49170 RTP/AVP 0 8 96') =>
  [...HEAD, ...session.map((a) => `a=${a}`), m, ...media.map((a) => `a=${a}`)].map((l) => l + '\r\n').join('');

function fails(text: string, rule: string, line: number, col: number, detail: RegExp): void {
  try {
    parse(text);
  } catch (e) {
    const err = e as SdpError;
    assert.equal([err.rule, err.line, err.col], [rule, line, col], err.message);
    assert.match(err.message, detail);
    return;
  }
  assert.unreachable(`accepted: ${JSON.stringify(text)}`);
}

const MEDIA = ['rtpmap:96 opus/48000/2', 'fmtp:96 minptime=10;useinbandfec=1', 'ptime:20', 'maxptime:40.5', 'sendonly', 'rtcp:53020 IN IP4 126.16.64.4', 'mid:audio1', 'setup:actpass', 'connection:new', 'fingerprint:sha-256 4A:AD:B9:B1', 'ssrc:1 cname:x', 'extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level', 'rtcp-mux'];

// @tests RFC8866 P28L25-P28L31, P38L4-P38L5, P27L20, P27L45, P21L30-P21L37
// @tests RFC3605 P2L45-P2L46, RFC5888 P4L18-P4L20, P4L31-P4L35, RFC4145 P4L13-P4L15, P6L1-P6L2, RFC8122 P8L27-P8L39
test('each typed attribute, then the others as name and value, in order; all written back as read', () => {
  const text = withAttrs(MEDIA, ['group:BUNDLE audio1', 'tool:rfcdoc 1']);
  const { description: d, warnings } = parse(text);
  assert.equal(warnings, []);
  assert.equal(d.attributes, [{ kind: 'group', semantics: 'BUNDLE', tags: ['audio1'] }, { kind: 'other', name: 'tool', value: 'rfcdoc 1' }]);
  assert.equal(d.media[0].attributes, [
    { kind: 'rtpmap', payloadType: 96, encodingName: 'opus', clockRate: 48000, encodingParameters: '2' },
    { kind: 'fmtp', format: '96', parameters: 'minptime=10;useinbandfec=1' },
    { kind: 'ptime', milliseconds: 20 },
    { kind: 'maxptime', milliseconds: 40.5 },
    { kind: 'direction', direction: 'sendonly' },
    { kind: 'rtcp', port: 53020, connection: { netType: 'IN', addrType: 'IP4', address: '126.16.64.4' } },
    { kind: 'mid', tag: 'audio1' },
    { kind: 'setup', role: 'actpass' },
    { kind: 'connection', value: 'new' },
    { kind: 'fingerprint', hashFunction: 'sha-256', fingerprint: '4A:AD:B9:B1' },
    { kind: 'other', name: 'ssrc', value: '1 cname:x' },
    { kind: 'other', name: 'extmap', value: '1 urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
    { kind: 'other', name: 'rtcp-mux' },
  ]);
  assert.is(serialize(d), text);
});

// @tests RFC8866 P21L44-P21L47, P28L36-P28L37, P27L20
test('malformed typed attributes name their rule and column', () => {
  fails(withAttrs(['rtpmap:96 opus']), 'RFC8866 §6.6', 7, 10, /is not <payload type> <encoding name>\/<clock rate>/);
  fails(withAttrs(['rtpmap:200 x/8000']), 'RFC8866 §6.6', 7, 10, /payload type 200 does not fit in 7 bits/);
  fails(withAttrs(['fmtp:96']), 'RFC8866 §6.15', 7, 8, /is not <format> <format specific parameters>/);
  fails(withAttrs(['ptime:0']), 'RFC8866 §6.4', 7, 9, /not a non-zero number of milliseconds/);
  fails(withAttrs(['ptime']), 'RFC8866 §9', 7, 3, /a=ptime needs a value/);
  fails(withAttrs(['foo:']), 'RFC8866 §9', 7, 7, /empty value/);
  fails(withAttrs(['fo o:1']), 'RFC8866 §5.13', 7, 3, /attribute name "fo o" is not a token/);
  fails(withAttrs(['sendrecv:yes']), 'RFC8866 §6.7', 7, 3, /a=sendrecv is a property attribute/);
  fails(withAttrs(['setup:maybe']), 'RFC4145 §4', 7, 9, /the role is one of active, passive, actpass, holdconn/);
  fails(withAttrs(['connection:old']), 'RFC4145 §5', 7, 14, /new or existing/);
  fails(withAttrs(['fingerprint:sha-256 4a:ad']), 'RFC8122 §5', 7, 23, /upper-case hex/);
  fails(withAttrs(['rtcp:70000']), 'RFC3605 §2.1', 7, 8, /not a port/);
  fails(withAttrs(['rtcp:53020 IN IP4 233.252.0.1']), 'RFC3605 §2.1', 7, 21, /MUST have a TTL/);
});

// @tests RFC3605 P3L16-P3L17, RFC5888 P4L22-P4L23, RFC8866 P29L46-P29L48
test('where and how often: rtcp is media-level only, a mid is unique, one direction per level', () => {
  fails(withAttrs([], ['rtcp:53020']), 'RFC3605 §2.1', 6, 8, /MUST NOT be used as a session-level attribute/);
  const two = [...HEAD, 'm=audio 1 RTP/AVP 0', 'a=mid:a', 'm=audio 3 RTP/AVP 0', 'a=mid:a'].map((l) => l + '\r\n').join('');
  fails(two, 'RFC5888 §4', 8, 1, /a=mid:a is used by more than one media description/);
  fails(withAttrs(['sendonly', 'recvonly']), 'RFC8866 §6.7', 6, 1, /more than one of sendrecv, sendonly, recvonly, inactive in the media description/);
  fails(withAttrs([], ['inactive', 'sendrecv']), 'RFC8866 §6.7', 1, 1, /at session level/);
});

// @tests RFC8866 P30L2-P30L9, P10L29-P10L31
test('the direction and connection a media description uses: its own, else the session\'s, else sendrecv', () => {
  const text = [...HEAD, 'a=inactive', 'm=audio 1 RTP/AVP 0', 'a=sendrecv', 'm=audio 3 RTP/AVP 0', 'c=IN IP6 2001:db8::2'].map((l) => l + '\r\n').join('');
  const { description: d } = parse(text);
  assert.equal(d.media.map((m) => directionOf(d, m)), ['sendrecv', 'inactive']);
  assert.equal(d.media.map((m) => connectionsOf(d, m)[0].address), ['192.0.2.1', '2001:db8::2']);
  const none = parse(withAttrs([])).description;
  assert.is(directionOf(none, none.media[0]), 'sendrecv');
});

// @tests RFC8866 P22L39-P22L43
test('the RTCP port: a=rtcp: when given (an odd RTP port is used as it is), else the port above RTP\'s', () => {
  const odd = parse(withAttrs(['rtcp:53020'], [], 'm=audio 49171 RTP/AVP 0')).description.media[0];
  assert.equal([odd.port, rtcpPort(odd)], [49171, 53020]);
  const plain = parse(withAttrs([])).description.media[0];
  assert.is(rtcpPort(plain), 49171);
});

// @tests RFC8866 P26L2-P26L4, P43L27-P43L30
test('warnings: obsolete a=cat:, a dynamic payload type with no rtpmap', () => {
  const { description, warnings } = parse(withAttrs([], ['cat:foo.bar']));
  assert.equal(warnings.map((w) => [w.rule, w.line]), [['RFC8866 §6', 6], ['RFC8866 §8.2.3', 7]]);
  assert.equal(description.attributes, [{ kind: 'other', name: 'cat', value: 'foo.bar' }]);
});

test('attribute names that are Object.prototype members are attributes like any other', () => {
  const { description } = parse(withAttrs(['constructor:x', 'toString', '__proto__:y', 'hasOwnProperty']));
  assert.equal(description.media[0].attributes, [
    { kind: 'other', name: 'constructor', value: 'x' },
    { kind: 'other', name: 'toString' },
    { kind: 'other', name: '__proto__', value: 'y' },
    { kind: 'other', name: 'hasOwnProperty' },
  ]);
});

// @tests RFC8866 P38L14-P38L16
test('a=fmtp: names one of the formats of its m= line', () => {
  fails(withAttrs(['fmtp:97 mode=30'], [], 'm=audio 49170 RTP/AVP 0'), 'RFC8866 §6.15', 7, 8, /a=fmtp:97: 97 is not one of the formats of the m= line \(0\)/);
  assert.equal(parse(withAttrs(['rtpmap:96 iLBC/8000', 'fmtp:96 mode=30'])).description.media[0]!.attributes[1], { kind: 'fmtp', format: '96', parameters: 'mode=30' });
});

// @tests RFC8866 P22L37-P22L39
test('an odd RTP port with no a=rtcp: breaks the parity rule: a warning naming the port RTCP is taken to go to', () => {
  const { warnings } = parse(withAttrs([], [], 'm=audio 49171 RTP/AVP 0'));
  assert.equal(warnings.map((w) => [w.rule, w.line, w.message.split(':')[0]]), [['RFC8866 §5.14', 6, 'odd RTP port 49171 with no a=rtcp']]);
  assert.match(warnings[0]!.message, /RTCP is taken to go to 49172$/);
  assert.equal(parse(withAttrs(['rtcp:53020'], [], 'm=audio 49171 RTP/AVP 0')).warnings, []);
  assert.equal(parse(withAttrs([], [], 'm=message 49171 TCP/MSRP *')).warnings, []);
});

test.run();
