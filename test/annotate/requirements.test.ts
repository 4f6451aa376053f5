// Requirement extraction: on a small document written in test/annotate/common.ts
// (every sentence known), and on real RFCs from RFC_MIRROR.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractRequirements, sectionAt, strongest } from '../../tools/annotate/requirements.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { findSection } from '../../tools/spec/sections.ts';
import { realDoc } from '../helpers.ts';
import { testDoc } from './common.ts';

test('the test document paginates as written', () => {
  const doc = testDoc();
  assert.is(doc.pages, 2);
  assert.equal(
    doc.sections.map((s) => s.number),
    ['1', '1.1', '2', '2.1', '3'],
  );
});

test('sentences with key words: multi-line, across a page break, strongest key word, innermost section', () => {
  const doc = testDoc();
  const reqs = extractRequirements(doc).map((r) => ({
    keyword: r.keyword,
    section: r.section,
    at: `${lineId(doc.lines[r.begin]!)}-${lineId(doc.lines[r.end]!)}`,
    text: r.text,
    status: r.status,
  }));
  assert.equal(reqs, [
    { keyword: 'MUST', section: '1', at: 'P1L3-P1L4', text: 'Implementations MUST accept it.', status: 'missing' },
    {
      keyword: 'MUST NOT',
      section: '2',
      at: 'P1L16-P1L17',
      text: 'A sender MUST send a greeting, e.g. HELLO, and MUST NOT send it twice.',
      status: 'missing',
    },
    { keyword: 'SHOULD', section: '2', at: 'P1L17-P1L17', text: 'A receiver SHOULD answer.', status: 'missing' },
    { keyword: 'MAY', section: '2', at: 'P1L17-P1L17', text: 'It MAY wait.', status: 'missing' },
    {
      keyword: 'MUST NOT',
      section: '2.1',
      at: 'P1L22-P1L23',
      text: 'An element that receives a greeting MUST NOT reply with a farewell (the MUST NOT spans lines).',
      status: 'missing',
    },
    {
      keyword: 'SHOULD NOT',
      section: '2.1',
      at: 'P1L25-P2L1',
      text: 'The sender SHOULD retry, but it SHOULD NOT retry more than three times.',
      status: 'missing',
    },
  ]);
});

test('strongest key word; quoted key words are mentions', () => {
  assert.is(strongest('It MAY do this and MUST do that.'), 'MUST');
  assert.is(strongest('It SHOULD NOT, and it MAY.'), 'SHOULD NOT');
  assert.is(strongest('It is NOT RECOMMENDED but REQUIRED.'), 'REQUIRED');
  assert.is(strongest('It SHALL NOT.'), 'SHALL NOT');
  assert.is(strongest('An OPTIONAL part.'), 'OPTIONAL');
  assert.is(strongest('The word "MUST" is quoted; it must not count.'), undefined);
  assert.is(strongest('MUSTARD and MAYBE are no key words.'), undefined);
  assert.is(strongest('Content-Disposition: session;handling=OPTIONAL;x=MAY'), undefined);
});

test('a blank line before a page break ends the paragraph after a full stop', () => {
  // Same document, but page 1 ends its last sentence: page 2 starts a new one.
  const doc = testDoc();
  const i = doc.lines.findIndex((l) => l.text.includes('SHOULD NOT retry more'));
  doc.lines[i] = { ...doc.lines[i]!, text: '   The sender SHOULD retry.  It SHOULD NOT retry more.' };
  doc.lines[i + 24] = { ...doc.lines[i + 24]!, text: '   Than three times MAY be tried.  Lower-case words are' };
  const tail = extractRequirements(doc).slice(-3);
  assert.equal(
    tail.map((r) => [r.keyword, lineId(doc.lines[r.begin]!), lineId(doc.lines[r.end]!)]),
    [
      ['SHOULD', 'P1L25', 'P1L25'],
      ['SHOULD NOT', 'P1L25', 'P1L25'],
      ['MAY', 'P2L1', 'P2L1'],
    ],
  );
});

test('RFC 3261: hundreds of MUSTs, the boilerplate skipped, §17 present', async () => {
  const doc = await realDoc('RFC3261');
  const reqs = extractRequirements(doc);
  const count = (k: string) => reqs.filter((r) => r.keyword === k).length;
  assert.ok(count('MUST') > 300, `MUST: ${count('MUST')}`);
  assert.ok(count('MUST NOT') > 50, `MUST NOT: ${count('MUST NOT')}`);
  assert.ok(count('SHOULD') > 100 && count('MAY') > 100);
  assert.ok(reqs.length > 800 && reqs.length < 1500, `${reqs.length} requirements`);
  assert.not.ok(reqs.some((r) => /key words/i.test(r.text)), 'the BCP 14 boilerplate is no requirement');
  // The multicast maddr paragraph: a MUST ... SHOULD sentence, in §18.1.1.
  const maddr = reqs.find((r) => r.text.startsWith('A client that sends a request to a multicast address MUST add'))!;
  assert.is(maddr.keyword, 'MUST');
  assert.is(maddr.section, '18.1.1');
  assert.is(`${lineId(doc.lines[maddr.begin]!)}-${lineId(doc.lines[maddr.end]!)}`, 'P143L14-P143L17');
  // Every requirement lies inside the section it names.
  for (const r of reqs) {
    if (!r.section) continue;
    const s = findSection(doc.sections, r.section)!;
    assert.ok(s.begin < r.begin && r.begin <= s.end, `${r.section}: ${r.text}`);
    assert.is(sectionAt(doc.sections, r.begin), r.section);
  }
  const s17 = reqs.filter((r) => r.section?.startsWith('17.'));
  assert.ok(s17.length > 40, `§17: ${s17.length}`);
});

test('RFC 8174-style boilerplate and other RFCs', async () => {
  for (const name of ['RFC3264', 'RFC4566']) {
    const doc = await realDoc(name);
    const reqs = extractRequirements(doc);
    assert.ok(reqs.length > 50, `${name}: ${reqs.length}`);
    assert.not.ok(reqs.some((r) => /"MUST"/.test(r.text) && /key ?words/i.test(r.text)), name);
  }
});

test.run();
