/**
 * SIP URIs: parsing, escapes, and the comparison rules of RFC 3261 §19.1.4,
 * checked on the example sets printed in that section (read from the RFC).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { parseUri, formatUri, uriEquals, unescape, escape, sipUri, SipParseError } from '../../../../reference/sip/syntax/index.ts';

/** The example sets of §19.1.4: groups separated by blank lines, a comment may follow a URI. */
async function comparisonExamples(): Promise<{ equivalent: string[][]; different: string[][]; pairs: Array<[string, string, boolean]> }> {
  const doc = await realDoc('RFC3261');
  const lines = doc.lines.map((l) => l.text);
  const at = (text: string) => {
    const i = lines.findIndex((l) => l.trim() === text);
    if (i < 0) throw new Error(`RFC3261: no line "${text}"`);
    return i;
  };
  const groups = (from: number, to: number) => {
    const out: string[][] = [];
    let cur: string[] = [];
    for (const l of lines.slice(from, to)) {
      if (l.trim() === '') {
        if (cur.length) out.push(cur);
        cur = [];
      } else cur.push(l.trim().split(/\s+/)[0]);
    }
    if (cur.length) out.push(cur);
    return out;
  };
  const eq = at('The URIs within each of the following sets are equivalent:');
  const ne = at('The URIs within each of the following sets are not equivalent:');
  const nt = at('Note that equality is not transitive:');
  const bullets = lines.slice(nt + 1, nt + 12).join(' ').split(/\s+o\s+/).slice(1);
  const pairs = bullets.map((b): [string, string, boolean] => {
    const m = /^(\S+) and\s+(\S+) are\s+(not )?equivalent/.exec(b.replace(/\s+/g, ' ').trim());
    if (!m) throw new Error(`cannot read "${b}"`);
    return [m[1], m[2], !m[3]];
  });
  return { equivalent: groups(eq + 1, ne), different: groups(ne + 1, nt), pairs };
}

const examples = await comparisonExamples();

// @tests RFC3261 P155L6-P155L19
test('§19.1.4: the URIs within each printed set are equivalent', () => {
  assert.is(examples.equivalent.length, 4);
  for (const set of examples.equivalent) {
    for (const a of set) for (const b of set) assert.ok(uriEquals(parseUri(a), parseUri(b)), `${a} = ${b}`);
  }
});

// @tests RFC3261 P155L21-P155L39
test('§19.1.4: the URIs within each printed set are not equivalent', () => {
  assert.is(examples.different.length, 6);
  for (const [a, b] of examples.different) {
    assert.is(uriEquals(parseUri(a), parseUri(b)), false, `${a} ≠ ${b}`);
    assert.is(uriEquals(parseUri(b), parseUri(a)), false, `${b} ≠ ${a}`);
  }
});

// @tests RFC3261 P155L41-P156L2
test('§19.1.4: equality is not transitive, as printed', () => {
  assert.is(examples.pairs.length, 3);
  for (const [a, b, same] of examples.pairs) assert.is(uriEquals(parseUri(a), parseUri(b)), same, `${a} vs ${b}`);
});

// @tests RFC3261 P154L10-P154L11
test('escaped reserved characters are not equivalent to themselves unescaped', () => {
  assert.not.ok(uriEquals(parseUri('sip:a%3Bb@example.com'), parseUri('sip:a;b@example.com')));
  assert.ok(uriEquals(parseUri('sip:a%3bb@example.com'), parseUri('sip:a%3Bb@example.com')));
  assert.ok(uriEquals(parseUri('sip:carol@chicago.com;%6Cr'), parseUri('sip:carol@chicago.com;lr')));
});

// @tests RFC3261 P154L44-P154L45
test('an maddr in one URI only makes them differ', () => {
  assert.not.ok(uriEquals(parseUri('sip:a@b.com;maddr=239.255.255.1'), parseUri('sip:a@b.com')));
});

// @tests RFC3261 P222L27-P223L36
test('parse: userinfo, password, IPv6 host, port, parameters, headers', () => {
  const u = parseUri('sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr?subject=project%20x&priority=urgent');
  assert.is(u.scheme, 'sips');
  assert.is(u.user, 'alice');
  assert.is(u.password, 'secret');
  assert.is(u.host, '[2001:db8::10]');
  assert.is(u.port, 5061);
  assert.equal([...u.params], [['transport', 'tcp'], ['lr', null]]);
  assert.equal(u.headers, [['subject', 'project%20x'], ['priority', 'urgent']]);
  assert.is(unescape(u.headers[0][1]), 'project x');
  assert.is(formatUri(u), 'sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr?subject=project%20x&priority=urgent');
});

test('tel and other schemes', () => {
  const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
  assert.is(t.user, '+1-201-555-0123');
  assert.is(t.params.get('phone-context'), 'example.com');
  assert.is(formatUri(t), 'tel:+1-201-555-0123;phone-context=example.com');
  const m = parseUri('mailto:bob@biloxi.example.com');
  assert.is(m.opaque, 'bob@biloxi.example.com');
  assert.is(formatUri(m), 'mailto:bob@biloxi.example.com');
});

// @tests RFC3261 P220L9, P152L42-P152L44
test('escape and unescape per component', () => {
  assert.is(escape('j@s0n', 'user'), 'j%40s0n');
  assert.is(escape('a b;c', 'param'), 'a%20b%3Bc');
  assert.is(escape('é', 'user'), '%C3%A9');
  assert.is(unescape('%C3%A9%20x'), 'é x');
  assert.is(formatUri(sipUri({ user: 'j@s0n', host: 'example.com', port: 5070, params: { transport: 'tcp', lr: null } })), 'sip:j%40s0n@example.com:5070;transport=tcp;lr');
});

test('malformed URIs: the error names the component and the place', () => {
  const fails = (text: string, re: RegExp) => {
    try {
      parseUri(text);
      assert.unreachable(`${text} accepted`);
    } catch (e) {
      assert.instance(e, SipParseError);
      assert.match((e as Error).message, re);
    }
  };
  fails('sip:user@', /expected a host/);
  fails('sip:us er@example.com', /character " " not allowed in the user part/);
  fails('sip:user@example.com:99999', /port must be 1 to 65535/);
  fails('sip:user@exa_mple.com', /unexpected "_mple.com" in sip URI/);
  fails('sip:a%4@example.com', /"%" not followed by two hex digits in the user part/);
  fails('sip:a@b.com;=x', /empty uri-parameter name/);
  fails('sip:a@[::1', /malformed IPv6reference/);
  fails('nocolon', /expected "scheme:"/);
});

test.run();
