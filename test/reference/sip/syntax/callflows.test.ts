/**
 * RFC 3665 basic call flows: every message of the registration (§2) and
 * session setup (§3) flows, extracted from the RFC text at test time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callFlowMessages } from '../../../../tools/testkit/rfcMessages.ts';
import { semantic, reformatProblems } from './semantic.ts';
import { parse, serialize, SipParseError, vias, cseq, contacts, type Address } from '../../../../reference/sip/syntax/index.ts';

const all = await callFlowMessages();
// "F2 INVITE Alice -> Proxy 1 / Same as Message F1" stands for a retransmission, not a message.
const messages = all.filter((m) => /SIP\/2\.0/.test(m.text.slice(0, m.text.indexOf('\r\n'))));

/**
 * Misprints in the RFC's text, each with the error it must produce: they
 * are real faults, and the parser must name them.
 */
const MISPRINTS: Record<string, RegExp> = {
  // "SIP/2.0  486 Busy Here": two SP after the version
  '3.9 F6 486 Busy Here Bob -> Proxy 2': /^Status-Code: must be three digits from 100 to 699, found " 486/,
  '3.9 F8 486 Busy Here Proxy 2 -> Proxy 1': /^Status-Code: must be three digits/,
  '3.9 F10 486 Busy Here Proxy 1 -> Alice': /^Status-Code: must be three digits/,
  // A Record-Route continuation line printed without its indentation
  '3.10 F4 INVITE Proxy 2 -> Bob': /^message-header: expected a header field name, found "<sip:ss1.atlanta.exa" \(line 9, column 1\)/,
};

/** A message with an empty line printed inside its header (see below). */
const EARLY_END = '3.3 F7 407 Proxy Authorization Required Proxy 2 -> Proxy 1';

// @tests RFC3665 P29L41-P30L15
test('RFC3665 3.3 F7: an empty line printed inside the header ends the header section there', () => {
  const m = messages.find((x) => x.label === EARLY_END)!;
  const p = parse(m.text);
  assert.is(p.headers.get('From'), undefined);
  assert.match(Buffer.from(p.body).toString(), /^From: Alice/);
});

// @tests RFC3665 P4L36-P4L40, P12L1-P12L14
test('RFC 3665 §2 and §3 hold the expected number of messages', () => {
  assert.ok(messages.filter((m) => m.section.startsWith('2')).length >= 12, 'registration flows');
  assert.ok(messages.filter((m) => m.section.startsWith('3')).length >= 150, 'session flows');
  assert.is(all.length - messages.length, 12, '"Same as Message" placeholders');
});

// @tests RFC3261 P223L43, P225L31, P30L23-P30L26, P147L7-P147L16
for (const m of messages) {
  const misprint = MISPRINTS[m.label];
  if (misprint) {
    test(`RFC3665 ${m.label} (${m.at}): the misprint is rejected and named`, () => {
      try {
        parse(m.text);
        assert.unreachable('accepted');
      } catch (e) {
        assert.instance(e, SipParseError);
        assert.match((e as Error).message, misprint);
      }
    });
    continue;
  }
  test(`RFC3665 ${m.label} (${m.at}) parses and survives serialize → parse`, () => {
    const first = parse(m.text);
    if (m.declaredLength !== undefined) assert.is(first.body.length, m.declaredLength);
    const text = serialize(first);
    const again = parse(text);
    assert.equal(semantic(again), semantic(first));
    assert.equal(reformatProblems(first), []);
    // the typed fields the transaction and dialog layers read
    assert.ok(vias(first).length >= 1);
    if (m.label !== EARLY_END) assert.ok(cseq(first).seq >= 1);
  });
}

// @tests RFC3665 P7L25-P8L5
// @tests RFC3261 P228L31-P228L33
test('RFC3665 §2.2: Contact with a mailto: URI and several Contact fields', () => {
  const f2 = messages.find((m) => m.label === '2.2 F2 200 OK SIP Server -> Bob')!;
  const c = contacts(parse(f2.text)) as Address[];
  assert.equal(c.map((a) => [a.uri.scheme, a.params.get('expires')]), [['sips', '3600'], ['mailto', '4294967295']]);
});

test.run();
