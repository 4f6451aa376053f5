/**
 * The restricted-XML reader against what a hostile or clumsy peer sends:
 * billion laughs, DTDs, external entities, 10 MB stanzas, 10,000 levels,
 * bytes one at a time and UTF-8 split across chunks; the limits measured
 * exactly; the serializer's escaping.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_MAX_STANZA_OCTETS, ReaderClosedError, StreamCondition, type StreamEvent, StreamReader, element, serialize, textOf,
} from '../../../../reference/xmpp/xml/index.ts';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='im.example.com' version='1.0'>";
const utf8 = new TextEncoder();

function errorOf(events: StreamEvent[]) {
  const e = events.find((x) => x.type === 'error');
  return e?.type === 'error' ? e.error : undefined;
}

const elements = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'element' ? [e.element] : []));

// @tests RFC6120 P145L30, P145L41-P145L45
test('billion laughs: the DTD is refused as restricted-xml before any entity could be expanded', () => {
  const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lol.push(` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  lol.push(']>', "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message><body>&lol9;</body></message>");
  const r = new StreamReader();
  const events = r.feed(lol.join('\n'));
  const error = errorOf(events);
  assert.is(error?.condition, StreamCondition.RestrictedXml);
  assert.match(error!.message, /document type declaration/);
  assert.equal(elements(events), [], 'nothing read past the DTD');
  assert.throws(() => r.feed('<presence/>'), (e: unknown) => e instanceof ReaderClosedError);
});

// @tests RFC6120 P145L30-P145L33
test('external entities: a DOCTYPE with a SYSTEM entity is refused, and a bare reference to it is refused unresolved', () => {
  const withDtd = new StreamReader().feed(`<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${HEADER.slice(21)}<message><body>&xxe;</body></message>`);
  assert.is(errorOf(withDtd)?.condition, StreamCondition.RestrictedXml);
  const bare = new StreamReader().feed(`${HEADER}<message><body>&xxe;</body></message>`);
  assert.is(errorOf(bare)?.condition, StreamCondition.RestrictedXml);
  assert.match(errorOf(bare)!.message, /entity reference other than the five predefined/);
  assert.not.ok(JSON.stringify(bare).includes('root:'), 'nothing of /etc/passwd');
});

// @tests RFC6120 P145L26-P145L28, P145L32-P145L33, P147L28-P147L32
test('comments, processing instructions and standalone="no" are restricted-xml; the five predefined entities and character references are read', () => {
  for (const [bad, what] of [['<!-- hi -->', /comment/], ['<?php echo 1; ?>', /processing instruction/], ['<message><!--x--></message>', /comment/]] as const) {
    const e = errorOf(new StreamReader().feed(HEADER + bad));
    assert.is(e?.condition, StreamCondition.RestrictedXml, bad);
    assert.match(e!.message, what);
  }
  assert.is(errorOf(new StreamReader().feed(`<?xml version='1.0' standalone='no'?>${HEADER.slice(21)}`))?.condition, StreamCondition.RestrictedXml);
  const ok = elements(new StreamReader().feed(`${HEADER}<message><body>&lt;&gt;&amp;&apos;&quot;&#x41;&#66;</body></message>`));
  assert.is(textOf(ok[0]!.children[0] as never), `<>&'"AB`);
});

// @tests RFC6120 P146L27-P146L29, P146L34-P146L39, P147L36-P147L42, P64L27-P64L30, P147L20-P147L22, P148L1-P148L4
test('malformed XML is not-well-formed, an unbound prefix too; bytes that are not UTF-8 are unsupported-encoding; U+FEFF is a character', () => {
  // A leading U+FEFF is ZERO WIDTH NO-BREAK SPACE, not a BOM: character data before the XML declaration.
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(HEADER)]);
  assert.is(errorOf(new StreamReader().feed(bom))?.condition, StreamCondition.NotWellFormed);
  const [zwnbsp] = elements(new StreamReader().feed(`${HEADER}<message><body>a\ufeffb</body></message>`));
  assert.is(textOf(zwnbsp!.children[0] as never), 'a\ufeffb');
  assert.is(errorOf(new StreamReader().feed(`<?xml version='1.0' encoding='UTF-8' standalone='maybe'?>${HEADER.slice(21)}`))?.condition, StreamCondition.NotWellFormed);
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message><body></message>`))?.condition, StreamCondition.NotWellFormed);
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message><x:y/></message>`))?.condition, StreamCondition.NotWellFormed);
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<?xml version='1.0'?>`))?.condition, StreamCondition.NotWellFormed, 'an XML declaration only at the start');
  const latin1 = new Uint8Array([...utf8.encode(`${HEADER}<message><body>caf`), 0xe9, ...utf8.encode('</body></message>')]);
  assert.is(errorOf(new StreamReader().feed(latin1))?.condition, StreamCondition.UnsupportedEncoding);
});

// @tests RFC6120 P168L5-P168L20
test('a 10 MB stanza is policy-violation, raised within one slice past the limit, never buffered whole', () => {
  const r = new StreamReader();
  r.feed(HEADER);
  let fed = 0;
  let error;
  const chunk = utf8.encode('x'.repeat(64 * 1024));
  r.feed("<message><body>");
  while (fed < 10 * 1024 * 1024 && !error) {
    error = errorOf(r.feed(chunk));
    fed += chunk.length;
  }
  assert.is(error?.condition, StreamCondition.PolicyViolation);
  assert.ok(fed <= DEFAULT_MAX_STANZA_OCTETS + 64 * 1024, `stopped after ${fed} octets`);
  // One 10 MB write: the slices stop it too.
  const once = errorOf(new StreamReader().feed(`${HEADER}<message><body>${'y'.repeat(10 * 1024 * 1024)}</body></message>`));
  assert.is(once?.condition, StreamCondition.PolicyViolation);
});

// @tests RFC6120 P168L7-P168L9
test('the size is exact, from the opening "<" to the closing ">", in octets: the limit passes, one more octet fails', () => {
  const limit = 10000;
  const frame = (n: number) => `<message><body>${'é'.repeat(n)}</body></message>`; // 'é' is 2 octets
  const overhead = utf8.encode(frame(0)).length;
  const fits = frame((limit - overhead) / 2);
  assert.is(utf8.encode(fits).length, limit);
  assert.is(elements(new StreamReader({ maxStanzaOctets: limit }).feed(HEADER + fits)).length, 1);
  const over = `<message><body>x${'é'.repeat((limit - overhead) / 2)}</body></message>`;
  assert.is(errorOf(new StreamReader({ maxStanzaOctets: limit }).feed(HEADER + over))?.condition, StreamCondition.PolicyViolation);
  assert.throws(() => new StreamReader({ maxStanzaOctets: 9999 }), /MUST NOT be smaller than 10000/);
  // Whitespace between stanzas counts too: a flood of it is a violation.
  assert.is(errorOf(new StreamReader({ maxStanzaOctets: limit }).feed(HEADER + ' '.repeat(limit + 20000)))?.condition, StreamCondition.PolicyViolation);
  assert.is(errorOf(new StreamReader({ maxStanzaOctets: limit }).feed(HEADER + ' '.repeat(limit - 1) + '<presence/>')), undefined);
});

// @tests RFC6120 P59L35-P59L38
test('10,000 levels of nesting: policy-violation past the depth limit; with the limit raised, read and written back', () => {
  const deep = `${'<a>'.repeat(10000)}${'</a>'.repeat(10000)}`;
  const e = errorOf(new StreamReader().feed(`${HEADER}<message>${deep}</message>`));
  assert.is(e?.condition, StreamCondition.PolicyViolation);
  assert.match(e!.message, /nested more than 64 deep/);
  const r = new StreamReader({ maxDepth: 20000 });
  const [message] = elements(r.feed(`${HEADER}<message>${deep}</message>`));
  assert.ok(message);
  assert.is(serialize(message!), `<message>${'<a>'.repeat(9999)}<a/>${'</a>'.repeat(9999)}</message>`);
  const exactly = `${'<a>'.repeat(63)}${'</a>'.repeat(63)}`;
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message>${exactly}</message>`)), undefined, '64 deep is allowed');
});

// @tests RFC6120 P146L27-P146L29
test("a bare '&' is not-well-formed where it stands (saxes alone would swallow all that follows, to the next ';'); in CDATA it is text", () => {
  const bare = `${HEADER}<message><body>a `;
  const e = errorOf(new StreamReader().feed(`${bare}& b</body></message><presence/>`));
  assert.is(e?.condition, StreamCondition.NotWellFormed);
  assert.match(e!.message, /a '&' that begins no entity or character reference/);
  assert.is(e!.position!.offset, utf8.encode(bare).length);
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message to='a&b'/>`))?.condition, StreamCondition.NotWellFormed, 'in an attribute value');
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message><body>&${'x'.repeat(1024 * 1024)}`))?.condition, StreamCondition.NotWellFormed, 'a name past 256 characters, not 1 MB held');
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message><body>&abcdefghijklmnopqrstuvwxyz;</body></message>`))?.condition, StreamCondition.RestrictedXml, 'a well-formed reference to an unknown entity');
  assert.is(errorOf(new StreamReader().feed(`${HEADER}<message><!-- & --></message>`))?.condition, StreamCondition.RestrictedXml, 'in a comment: the comment is the error');
  const [cdata] = elements(new StreamReader().feed(`${HEADER}<message><body><![CDATA[a & b <c>]]></body></message>`));
  assert.is(textOf(cdata!.children[0] as never), 'a & b <c>');
  // Split anywhere: the same.
  const text = `${HEADER}<message a='&amp;'><body>&lt;&#x41;<![CDATA[& ]]>&#66;</body></message>`;
  const bytes = utf8.encode(text);
  const r = new StreamReader();
  const trickled: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i++) trickled.push(...r.feed(bytes.subarray(i, i + 1)));
  assert.equal(trickled, new StreamReader().feed(text));
  assert.is(textOf(elements(trickled)[0]!.children[0] as never), '<A& B');
});

const SAMPLE = `${HEADER}<message to='romeo@example.net' xml:lang='en'><body>Wherefore art thou, Romeo? 😀 «é» &amp; &#x263A;</body></message>\n <presence/><iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq></stream:stream>`;

test('bytes fed one at a time give the same events as all at once', () => {
  const whole = new StreamReader().feed(SAMPLE);
  const bytes = utf8.encode(SAMPLE);
  const r = new StreamReader();
  const trickled: StreamEvent[] = [];
  for (let i = 0; i < bytes.length; i++) trickled.push(...r.feed(bytes.subarray(i, i + 1)));
  assert.equal(trickled, whole);
  assert.equal(whole.map((e) => e.type), ['header', 'element', 'element', 'element', 'close']);
  assert.ok(r.closed);
});

test('a UTF-8 sequence split across chunks is read as its character', () => {
  const bytes = utf8.encode(SAMPLE);
  const at = bytes.indexOf(0xf0); // the 4-octet emoji
  const r = new StreamReader();
  const events = [...r.feed(bytes.subarray(0, at + 1)), ...r.feed(bytes.subarray(at + 1, at + 3)), ...r.feed(bytes.subarray(at + 3))];
  assert.equal(events, new StreamReader().feed(SAMPLE));
  assert.match(textOf(elements(events)[0]!.children[0] as never), /😀 «é»/);
});

test('error positions are octets from the start of the stream, and line and column', () => {
  const before = `${HEADER}<message><body>é</body></message>\n`;
  const e = errorOf(new StreamReader().feed(`${before}<!---->`));
  // saxes reports the comment on reading its closing '>': the offset points into it, counted in octets ('é' is two).
  const start = utf8.encode(before).length;
  assert.ok(e!.position!.offset >= start && e!.position!.offset < start + 7, `offset ${e!.position!.offset} in [${start}, ${start + 7})`);
  assert.is(e!.position!.offset, start + 6);
  assert.is(e?.position?.line, 2);
});

// @tests RFC6120 P145L38-P145L39, P146L24-P146L25, P146L31-P146L32
test('the serializer escapes with the predefined entities only, reads back the same, and refuses what XML cannot carry', () => {
  const m = element('message', { to: "o'brien&co@example.com", type: 'chat' }, [element('body', {}, ['1 < 2 && 3 > 2 ]]> "q"'])]);
  const text = serialize(m);
  assert.is(text, "<message to='o&apos;brien&amp;co@example.com' type='chat'><body>1 &lt; 2 &amp;&amp; 3 &gt; 2 ]]&gt; \"q\"</body></message>");
  const [back] = elements(new StreamReader().feed(HEADER + text));
  assert.is(back!.attrs.to, "o'brien&co@example.com");
  assert.is(serialize({ ...back!, ns: '' }), text);
  assert.throws(() => serialize(element('body', {}, ['\u0001'])), /U\+0001 .*well-formed/);
  // Namespace-well-formed: a prefix is declared by the element, an ancestor, or the context (the stream header's 'stream').
  const features = element('stream:features', {}, [element('x:y', { 'xmlns:x': 'urn:x' }, [element('x:z')])]);
  assert.throws(() => serialize(features), /prefix 'stream', which no enclosing element declares/);
  assert.is(serialize(features, ['stream']), "<stream:features><x:y xmlns:x='urn:x'><x:z/></x:y></stream:features>");
  assert.throws(() => serialize(element('a', {}, [element('b', { 'q:attr': '1' })])), /prefix 'q'/);
  assert.is(serialize(element('a', { 'xml:lang': 'en' })), "<a xml:lang='en'/>");
});

test.run();
