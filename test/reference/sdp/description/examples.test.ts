/**
 * Every example SDP of RFC 8866, RFC 4566, RFC 3264 §10, RFC 4317 §2-§5 and
 * the call flows of RFC 3665, extracted from the RFC texts at test time
 * (tools/testkit/sdpExamples.ts): each parses and serializes back to the
 * same octets. The examples RFC 8866 would refuse are listed below with
 * the rules they break, and must break exactly those.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sdpExamples, SDP_EXAMPLE_RFCS, type SdpExample } from '../../../../tools/testkit/sdpExamples.ts';
import { parse } from '../../../../reference/sdp/description/parse.ts';
import { serialize } from '../../../../reference/sdp/description/serialize.ts';
import { SdpError } from '../../../../reference/sdp/description/errors.ts';

const examples: SdpExample[] = [];
for (const rfc of SDP_EXAMPLE_RFCS) examples.push(...(await sdpExamples(rfc)));
const name = (e: SdpExample) => `RFC${e.rfc} §${e.section} ${e.label} (${e.ref})`;

/**
 * RFC 3264's §10 examples all have an empty s=, which RFC 4566 and RFC 8866
 * forbid. Each must be refused for it, and accepted with that one warning
 * under { lenient: true }.
 */
const INVALID = (e: SdpExample) => e.rfc === 3264;

// @tests RFC8866 P9L12, P9L24-P9L25
test('each RFC yields its examples', () => {
  const count = (rfc: number) => examples.filter((e) => e.rfc === rfc).length;
  // RFC 8866 §5 and §6.7; RFC 4566 §5; RFC 3264 §10.1 and §10.2 (four each);
  // RFC 4317: 54 labelled blocks; RFC 3665: the messages with a body.
  assert.equal(SDP_EXAMPLE_RFCS.map(count), [2, 1, 8, 54, 52]);
  for (const e of examples) assert.ok(e.text.startsWith('v=0\r\n') && e.text.endsWith('\r\n'), name(e));
});

// @tests RFC8866 P9L12, P9L15-P10L11
test('every valid example parses, with no warning, and serializes back to the same octets', () => {
  for (const e of examples.filter((x) => !INVALID(x))) {
    let result;
    try {
      result = parse(e.text);
    } catch (err) {
      assert.unreachable(`${name(e)}: ${(err as Error).message} at line ${(err as SdpError).line}`);
    }
    assert.equal(result!.warnings, [], name(e));
    assert.is(serialize(result!.description), e.text, name(e));
  }
});

// @tests RFC8866 P12L45-P12L48
test('the RFC 3264 examples break RFC 8866 §5.3 (empty s=), and only that', () => {
  const invalid = examples.filter(INVALID);
  assert.is(invalid.length, 8);
  for (const e of invalid) {
    assert.throws(() => parse(e.text), (err: SdpError) => err.rule === 'RFC8866 §5.3' && err.line === 3 && err.col === 3, name(e));
    const { description, warnings } = parse(e.text, { lenient: true });
    assert.equal(warnings.map((w) => `${w.rule} line ${w.line}`), ['RFC8866 §5.3 line 3'], name(e));
    assert.is(serialize(description), e.text, name(e));
  }
});

test('what the examples say is what is parsed (RFC 8866 §5 first example)', () => {
  const e = examples.find((x) => x.rfc === 8866)!;
  const { description: d } = parse(e.text);
  assert.is(d.origin.sessionVersion, 3724394405n);
  assert.is(d.sessionName, 'Call to John Smith');
  assert.equal(d.connection, { netType: 'IN', addrType: 'IP4', address: '198.51.100.1' });
  assert.equal(d.media.map((m) => [m.media, m.port, m.formats]), [['audio', 49170, ['0']], ['audio', 49180, ['0']], ['video', 51372, ['99']]]);
  assert.equal(d.media[2].connections, [{ netType: 'IN', addrType: 'IP6', address: '2001:db8::2' }]);
  assert.equal(d.media[2].attributes, [{ kind: 'rtpmap', payloadType: 99, encodingName: 'h263-1998', clockRate: 90000 }]);
});

test('RFC 4566 §5: the multicast c= with its TTL', () => {
  const { description: d } = parse(examples.find((x) => x.rfc === 4566)!.text);
  assert.equal(d.connection, { netType: 'IN', addrType: 'IP4', address: '224.2.17.12', ttl: 127 });
  assert.equal(d.attributes, [{ kind: 'direction', direction: 'recvonly' }]);
});

test.run();
