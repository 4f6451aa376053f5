/**
 * JIDs: every example of RFC 7622 §3.5, read from the RFC text, behaves as
 * its table says (one exception, example 18, stated and checked); the
 * length limits at 1023 and 1024 octets; each part's errors name the part
 * and the rule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { JidError, checkJid, parseJid } from '../../../../reference/xmpp/jid/index.ts';

interface Example { n: number; jid: string; notes: string }

/** The rows of §3.5's two tables: number, the JID between < and >, the notes (continuation rows joined). */
async function examples(): Promise<{ legal: Example[]; illegal: Example[] }> {
  const d = await realDoc('RFC7622');
  const s = d.sections.find((x) => x.number === '3.5')!;
  const rows: Example[] = [];
  for (const { text } of d.lines.slice(s.begin, s.end + 1)) {
    const m = /^\s+\|\s*(\d*)\s*\|\s*(<.*>;?)?\s*\|\s*(.*?)\s*\|$/.exec(text);
    if (!m) continue;
    if (m[1]) rows.push({ n: Number(m[1]), jid: /^<(.*)>;?$/.exec(m[2]!.trim())![1]!, notes: m[3]! });
    else if (rows.length && !m[2]) rows[rows.length - 1]!.notes += ` ${m[3]}`;
  }
  // The tables write code points as XML character references (example 12 without its ';').
  for (const r of rows) r.jid = r.jid.replace(/&#x([0-9A-Fa-f]+);?/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)));
  const boundary = d.lines.findIndex((l, i) => i > s.begin && /Table 1: A Sample of Legal JIDs/.test(l.text));
  assert.ok(boundary > 0, 'Table 1 is there');
  return { legal: rows.filter((r) => r.n <= 15), illegal: rows.filter((r) => r.n > 15) };
}

// @tests RFC7622 P10L1-P10L46, P11L1-P11L19, P7L38-P7L41, P9L25-P9L28
test('RFC 7622 §3.5 Table 1: the 15 legal JIDs parse, and print back as the RFC writes them (but Σ, case-mapped)', async () => {
  const { legal } = await examples();
  assert.equal(legal.map((r) => r.n), Array.from({ length: 15 }, (_, i) => i + 1));
  for (const r of legal) {
    const jid = parseJid(r.jid);
    assert.is(jid.toString(), r.n === 9 ? r.jid.replace('Σ', 'σ') : r.jid, `example ${r.n}: ${r.notes}`);
  }
  const by = new Map(legal.map((r) => [r.n, parseJid(r.jid)]));
  assert.ok(by.get(9)!.equals(by.get(10)!), 'examples 9 and 10 match once case-mapped');
  assert.not.ok(by.get(10)!.equals(by.get(11)!), 'final sigma is not sigma');
  assert.not.ok(by.get(6)!.equals(by.get(7)!), 'ß is not ss');
  // Example 15: the '/' first, so the '@' is the resource's.
  assert.equal([by.get(15)!.localpart, by.get(15)!.domainpart, by.get(15)!.resourcepart], [undefined, 'a.example.com', 'b@example.net']);
  assert.is(by.get(12)!.resourcepart, '\u265a');
  assert.ok(by.get(2)!.isFull);
  assert.is(by.get(2)!.bare.toString(), 'juliet@example.com');
});

// @tests RFC7622 P12L1-P12L46
test('RFC 7622 §3.5 Table 2: the non-JIDs are refused, the error naming the part and rule the notes name', async () => {
  const { illegal } = await examples();
  assert.equal(illegal.map((r) => r.n), [16, 17, 18, 19, 20, 21, 22, 23]);
  const expected: Record<number, RegExp> = {
    16: /^localpart: '"' \(U\+0022\) at offset 0 is explicitly disallowed in XMPP localparts \(RFC 7622 §3\.3\.1\)$/,
    17: /^localpart: U\+0020 \(Zs\) at offset 3 is disallowed in the IdentifierClass: Spaces/,
    19: /^localpart: the localpart is zero octets long/,
    20: /^localpart: U\+2163 'Ⅳ' \(Nl\) at offset 5 is disallowed in the IdentifierClass: HasCompat/,
    21: /^localpart: U\+265A '♚' \(So\) at offset 0 is disallowed in the IdentifierClass: Symbols/,
    22: /^domainpart: 'juliet@' has no domainpart/,
    23: /^domainpart: '\/foobar' has no domainpart/,
  };
  for (const r of illegal) {
    const result = checkJid(r.jid);
    if (r.n === 18) {
      // Example 18, "Leading space in resourcepart", contradicts the rules the RFC gives: the
      // resourcepart is OpaqueString (§3.4), which allows SPACE anywhere (RFC 8265 §4.3 example 12),
      // and no rule of §3 forbids a leading one. We follow the rules and say so here.
      assert.ok(result.ok, 'example 18 follows the rules, not the table');
      assert.is(result.ok && result.jid.resourcepart, ' foo');
      assert.match(r.notes, /Leading space in resourcepart/);
      continue;
    }
    assert.not.ok(result.ok, `example ${r.n} (${r.notes}) must be refused`);
    if (!result.ok) {
      assert.ok(result.error instanceof JidError);
      assert.match(result.error.message, expected[r.n]!, `example ${r.n}`);
    }
  }
});

// @tests RFC7622 P4L37-P4L43, P7L33-P7L36, P9L20-P9L23, P6L25-P6L30
test('each part is 1 to 1023 octets, counted in UTF-8 after enforcement', () => {
  // A name of n octets: labels of up to 62 letters, so that the last one is never empty.
  const labels = (n: number) => {
    const out: string[] = [];
    for (let left = n; left > 0; left -= 63) out.push('a'.repeat(Math.min(62, left - (left > 62 ? 1 : 0))));
    return out.join('.');
  };
  const domain1023 = labels(1023);
  assert.is(domain1023.length, 1023);
  assert.is(parseJid(`${'a'.repeat(1023)}@${domain1023}/${'r'.repeat(1023)}`).toString().length, 3071);
  assert.throws(() => parseJid(`${'a'.repeat(1024)}@example.com`), /^localpart: the localpart is 1024 octets long; it MUST NOT be more than 1023 octets \(RFC 7622 §3\.3\)$/);
  assert.throws(() => parseJid(`a@example.com/${'é'.repeat(512)}`), /resourcepart: the resourcepart is 1024 octets long/); // 512 code points, 1024 octets
  parseJid(`a@example.com/${'é'.repeat(511)}r`);
  assert.throws(() => parseJid(`a@${labels(1024)}`), /domainpart: the domainpart is 1024 octets long/);
  assert.throws(() => parseJid('a@example.com/'), /resourcepart: the resourcepart is zero octets long/);
});

// @tests RFC7622 P6L11-P6L17, P6L37-P6L43, P4L10-P4L16, P7L3-P7L6, P5L37-P5L40, P7L15-P7L20
test('domainparts: case-mapped, the final dot stripped, IP literals, and IDNs refused naming the rule', () => {
  assert.is(parseJid('Juliet@Example.COM.').toString(), 'juliet@example.com');
  assert.ok(parseJid('juliet@EXAMPLE.com./r').equals(parseJid('juliet@example.com/r')), 'compared after enforcement');
  assert.not.ok(parseJid('juliet@example.com/R').equals(parseJid('juliet@example.com/r')), 'resourceparts are not case-mapped');
  assert.is(parseJid('juliet@127.0.0.1').domainpart, '127.0.0.1');
  assert.is(parseJid('juliet@[::1]/r').domainpart, '[::1]');
  assert.is(parseJid('juliet@[2001:DB8::1]').domainpart, '[2001:db8::1]');
  assert.is(parseJid('localhost').domainpart, 'localhost');
  assert.throws(() => parseJid('a@[127.0.0.1]'), /domainpart: .*IP-literal/);
  assert.throws(() => parseJid('a@münchen.example'), /^domainpart: U\+00FC at offset 1: internationalized domain names need IDNA2008/);
  assert.throws(() => parseJid('a@xn--mnchen-3ya.example'), /A-label/);
  assert.throws(() => parseJid('a@-bad.example'), /NR-LDH/);
  assert.throws(() => parseJid('a@bad_name.example'), /NR-LDH/);
  assert.throws(() => parseJid('a@ab--c.example'), /NR-LDH/);
  assert.throws(() => parseJid(`a@${'x'.repeat(64)}.example`), /RFC 1034 §3\.1/);
});

// @tests RFC7622 P8L8-P8L26, P4L45-P4L48
test('localparts: each of the eight excluded characters is refused, also when width mapping produces it', () => {
  for (const c of ['"', '&', "'", ':', '<', '>']) assert.throws(() => parseJid(`a${c}b@example.com`), /RFC 7622 §3\.3\.1/, c);
  // '/' and '@' are separators, split before any mapping; their fullwidth forms map to them after.
  assert.throws(() => parseJid('a\uff20b@example.com'), /'@' \(U\+0040\) at offset 1 is explicitly disallowed/);
  assert.throws(() => parseJid('a\uff0fb@example.com'), /'\/' \(U\+002F\) at offset 1/);
  assert.is(parseJid('ＪＵＬＩＥＴ@example.com').localpart, 'juliet');
});

test.run();
