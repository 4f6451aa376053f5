/**
 * Every XML example of RFC 6120 and RFC 6121, extracted from the RFC text
 * at test time (tools/testkit/xmppExamples.ts), read by a reader set up for
 * its context; the stream errors of RFC 6120 §4.9.3 with their triggering
 * input raise, in the XML layer, the condition their section names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { countXmlMarkerLines, type XmppExample, xmppExamples } from '../../../../tools/testkit/xmppExamples.ts';
import { STREAMS_NS, StreamCondition, type StreamEvent, StreamReader, childOf, isElement } from '../../../../reference/xmpp/xml/index.ts';

const STREAM_NS = 'http://etherx.jabber.org/streams';

/**
 * The context an example is shown in: a stream header (with or without the
 * XML declaration) is read as the stream's start; anything else is a
 * fragment of an open stream, so a header declaring the stream prefix and
 * the content namespace (jabber:server for the server-to-server markers)
 * goes first.
 */
function read(e: XmppExample, reader = new StreamReader()): StreamEvent[] {
  const opensStream = /^(<\?xml|<(stream:)?stream[\s>])/.test(e.xml);
  const content = /^S[12]$/.test(e.marker) ? 'jabber:server' : 'jabber:client';
  const header = opensStream ? '' : `<stream:stream xmlns='${content}' xmlns:stream='${STREAM_NS}'>`;
  return reader.feed(header + e.xml);
}

/** Whether the example leaves an element open: the stream's closing tag, fed after it, must close the stream. */
function leavesOpen(e: XmppExample, events: StreamEvent[], reader: StreamReader): boolean {
  if (events.some((x) => x.type === 'error' || x.type === 'close')) return false;
  const prefix = /^(<\?xml[^>]*>\s*)?<stream[\s>]/.test(e.xml) ? '' : 'stream:';
  return !reader.feed(`</${prefix}stream>`).some((x) => x.type === 'close');
}

const errorOf = (events: StreamEvent[]) => events.find((x) => x.type === 'error');

/** The conditions the XML layer raises itself; the others belong to the stream layer above. */
const XML_LAYER = new Set([StreamCondition.NotWellFormed, StreamCondition.RestrictedXml, StreamCondition.UnsupportedEncoding]);

/** The defined condition a <stream:error/> example names, if the example is one. */
function streamErrorOf(e: XmppExample): string | undefined {
  const error = read(e).find((x) => x.type === 'element' && x.element.name === 'error' && x.element.ns === STREAM_NS);
  if (error?.type !== 'element') return undefined;
  const condition = error.element.children.find((c) => isElement(c) && c.ns === STREAMS_NS);
  return condition && isElement(condition) ? condition.name : undefined;
}

/**
 * What the RFC shows an input doing: an example sent by the initiating side
 * (C, I, P) that the other side answers, in the next example, with a stream
 * error. The XML layer's conditions must be raised by our reader;
 * <bad-format/> is answered with the more specific <not-well-formed/> that
 * §4.9.3.1 recommends; the stream layer's conditions are not the reader's
 * to raise, so such an input reads without error.
 */
function expectedErrors(examples: XmppExample[]): Map<XmppExample, StreamCondition> {
  const out = new Map<XmppExample, StreamCondition>();
  // RFC 6120 §8.3.3.12 shows profanity as "<body>%#&@^!!!</body>", meaning a stanza error; but a
  // bare '&' is not well-formed XML (XML 1.0 §2.4), so §11.3 has the stream closed with
  // <not-well-formed/> before any stanza is read. The RFC's example is wrong; we follow §11.3.
  for (const e of examples) if (e.section === '8.3.3.12' && e.marker === 'C' && e.xml.includes('%#&@^!!!')) out.set(e, StreamCondition.NotWellFormed);
  examples.forEach((e, n) => {
    const answer = examples[n + 1];
    if (!/^[CIP]$/.test(e.marker) || !answer || !/^[SR]$/.test(answer.marker)) return;
    const condition = streamErrorOf(answer);
    if (condition === StreamCondition.BadFormat) out.set(e, StreamCondition.NotWellFormed);
    else if (condition && XML_LAYER.has(condition as StreamCondition)) out.set(e, condition as StreamCondition);
  });
  return out;
}

for (const rfc of [6120, 6121] as const) {
  // @tests RFC6120 P145L23-P145L45, P146L27-P146L29
  test(`RFC ${rfc}: every XML example is found, and each reads as its context says (the bad inputs raising their condition)`, async () => {
    const examples = await xmppExamples(rfc);
    const expectations = expectedErrors(examples);
    assert.is(examples.length, await countXmlMarkerLines(rfc), 'one example per marker line opening XML');
    assert.ok(examples.length > (rfc === 6120 ? 200 : 150), `${examples.length} examples`);
    let elements = 0;
    const raised: string[] = [];
    for (const e of examples) {
      const reader = new StreamReader();
      const events = read(e, reader);
      const expected = expectations.get(e);
      const error = errorOf(events);
      if (expected) {
        assert.ok(error?.type === 'error', `RFC${rfc} ${e.ref} (§${e.section}) must raise <${expected}/>:\n${e.xml}`);
        if (error?.type === 'error') assert.is(error.error.condition, expected, `RFC${rfc} ${e.ref}`);
        raised.push(`§${e.section} ${expected}`);
      } else {
        assert.not.ok(error, `RFC${rfc} ${e.ref} (§${e.section}): ${error?.type === 'error' ? error.error.message : ''}\n${e.xml}`);
        // The extractor took the whole example: nothing is left open but the stream.
        assert.not.ok(leavesOpen(e, events, reader), `RFC${rfc} ${e.ref} (§${e.section}) was cut short:\n${e.xml}`);
      }
      elements += events.filter((x) => x.type === 'element').length;
    }
    assert.ok(elements > examples.length / 2, `${elements} first-level elements read`);
    if (rfc === 6120)
      assert.equal(raised, [
        '§4.9.1.1 not-well-formed', '§4.9.3.1 not-well-formed', '§4.9.3.13 not-well-formed',
        '§4.9.3.18 restricted-xml', '§4.9.3.22 unsupported-encoding', '§4.9.4 not-well-formed', '§4.10 not-well-formed',
        '§8.3.3.12 not-well-formed',
      ]);
    else assert.equal(raised, []);
  });
}

// @tests RFC6120 P51L6-P51L13, P51L29-P51L31
test("RFC 6120 §4.9.3: each section's error example names the section's condition, in the streams namespace", async () => {
  const doc = await realDoc('RFC6120');
  const examples = (await xmppExamples(6120)).filter((e) => e.section.startsWith('4.9.3.') && e.xml.includes('<stream:error>'));
  const seen = new Set<string>();
  for (const e of examples) {
    const events = read(e);
    const error = events.find((x) => x.type === 'element' && x.element.name === 'error' && x.element.ns === STREAM_NS);
    assert.is(streamErrorOf(e), doc.sections.find((s) => s.number === e.section)!.title);
    assert.ok(error && error.type === 'element', `${e.ref}: a <stream:error/> element`);
    if (error?.type !== 'element') continue;
    const condition = error.element.children.find((c) => isElement(c) && c.ns === STREAMS_NS);
    const title = doc.sections.find((s) => s.number === e.section)!.title;
    assert.ok(condition && isElement(condition), `${e.ref}: a condition element`);
    if (condition && isElement(condition)) assert.is(condition.name, title, `${e.ref} (§${e.section})`);
    seen.add(e.section);
    assert.is(childOf(error.element, title, STREAMS_NS)?.name, title);
  }
  assert.is(seen.size, 25, 'an error example in each of the 25 sections');
  assert.is(Object.values(StreamCondition).length, 25);
  for (const s of seen) assert.ok(Object.values(StreamCondition).includes(doc.sections.find((x) => x.number === s)!.title as StreamCondition));
});

test.run();
