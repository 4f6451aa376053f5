/**
 * Real RFCs from RFC_MIRROR, checked against facts verified with the original
 * htmlify numbering, and against figures computed here from the raw text.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { MIRROR, realDoc, testCache } from '../helpers.ts';
import { parseRef, resolveRef, spanText, RefError } from '../../tools/spec/refs.ts';
import { findSection } from '../../tools/spec/sections.ts';
import { findLine, lineId } from '../../tools/spec/paginate.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { loadDocs } from '../../tools/spec/store.ts';
import type { SpecDoc } from '../../tools/spec/document.ts';

const test = suite('real RFCs');

/** The mirror's copy of a document, read directly (needs RFC_MIRROR as a directory). */
function mirrorBytes(id: string): Buffer {
  assert.ok(MIRROR && !/^https?:/.test(MIRROR), 'these tests need RFC_MIRROR set to a directory');
  return readFileSync(join(MIRROR, `${id}.txt`));
}

/** Pages counted from the raw text: chunks ended by lines beginning with a form feed; a final blank chunk is not a page. */
function formFeedPages(text: string): number {
  const chunks: string[][] = [[]];
  for (const line of text.split('\n')) {
    chunks[chunks.length - 1]!.push(line);
    if (line.startsWith('\f')) chunks.push([]);
  }
  if (chunks[chunks.length - 1]!.join('').trim() === '') chunks.pop();
  return chunks.length;
}

const quote = (doc: SpecDoc, ref: string) => spanText(doc, resolveRef(doc, parseRef(ref)));
const section = (doc: SpecDoc, number: string) => {
  const s = findSection(doc.sections, number);
  assert.ok(s, `${doc.label} has section ${number}`);
  return { ...s, first: lineId(doc.lines[s.begin]!), last: lineId(doc.lines[s.end]!) };
};
function refError(doc: SpecDoc, ref: string, message: string) {
  try {
    resolveRef(doc, parseRef(ref));
  } catch (e) {
    assert.instance(e, RefError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`${ref} resolved`);
}

test('RFC3261 has 269 pages', async () => {
  const doc = await realDoc('RFC3261');
  assert.is(doc.pages, 269);
  assert.is(doc.virtual, false);
  assert.is(doc.title, 'SIP: Session Initiation Protocol');
  assert.is(formFeedPages(mirrorBytes('rfc3261').toString('utf8')), 269);
});

test('RFC3261 §17.1.1.2 Formal Description: P125L32-P129L20, then §17.1.1.3 at P129L21', async () => {
  const doc = await realDoc('RFC3261');
  const s = section(doc, '17.1.1.2');
  assert.is(s.title, 'Formal Description');
  assert.is(s.first, 'P125L32');
  assert.is(s.last, 'P129L20');
  assert.is(section(doc, '17.1.1.3').first, 'P129L21');
  assert.is(quote(doc, 'P125L32'), '17.1.1.2 Formal Description');
  assert.is(quote(doc, '§17.1.1.2').split('\n')[0], '17.1.1.2 Formal Description');
  assert.is(quote(doc, 'section 17.1.1.2'), quote(doc, 'P125L32-P129L20'));
  // §17.1.1 holds its subsections: it ends where §17.1.1.3 ends.
  assert.is(section(doc, '17.1.1').last, section(doc, '17.1.1.3').last);
});

test('RFC3261 P143L14-P143L19 is exactly the multicast paragraph', async () => {
  const doc = await realDoc('RFC3261');
  const lines = quote(doc, 'P143L14-P143L19').split('\n');
  assert.is(lines.length, 6);
  assert.is(lines[0], '   A client that sends a request to a multicast address MUST add the');
  assert.is(lines[5], '   standardization when the need arises.');
  // A whole paragraph: blank lines on both sides.
  assert.is(quote(doc, 'P143L13'), '');
  assert.is(quote(doc, 'P143L20'), '');
  assert.ok(lines.every((l) => l.trim() !== ''));
});

test('RFC3261 ref errors name the doc and what is missing', async () => {
  const doc = await realDoc('RFC3261');
  refError(doc, 'P300L1', 'RFC3261 has no page 300 (it has 269 pages)');
  refError(doc, 'P12L60', 'P12L60 is not a quotable line of RFC3261');
  refError(doc, 'section 99', 'RFC3261 has no section 99');
  refError(doc, '§99', 'RFC3261 has no section 99');
});

test('RFC2617 P3L16-P3L25 is the challenge-response paragraph and its grammar', async () => {
  const doc = await realDoc('RFC2617');
  const lines = quote(doc, 'P3L16-P3L25').split('\n');
  assert.is(lines.length, 10);
  assert.is(lines[0], '   HTTP provides a simple challenge-response authentication mechanism');
  assert.is(lines[9], '      auth-param     = token "=" ( token | quoted-string )');
  assert.is(quote(doc, 'P3L15'), '');
  assert.is(quote(doc, 'P3L26'), '');
});

test('RFC3550 §A.8 begins at P94L1', async () => {
  const doc = await realDoc('RFC3550');
  const s = section(doc, 'A.8');
  assert.is(s.first, 'P94L1');
  assert.is(s.title, 'Estimating the Interarrival Jitter');
  assert.is(quote(doc, 'P94L1'), 'A.8 Estimating the Interarrival Jitter');
});

test('RFC8760 (no form feeds) is paginated virtually; §2.4 begins at P4L40', async () => {
  const doc = await realDoc('RFC8760');
  assert.is(doc.virtual, true);
  const physical = mirrorBytes('rfc8760').toString('utf8').replace(/\n$/, '').split('\n');
  assert.not.ok(physical.some((l) => l.startsWith('\f')));
  assert.is(doc.lines.length, physical.length, 'every line is kept');
  assert.is(doc.pages, Math.ceil(physical.length / 48));
  assert.is(doc.lines[48 * 3 + 39]!.text, physical[48 * 3 + 39]);
  const s = section(doc, '2.4');
  assert.is(s.first, 'P4L40');
  assert.is(quote(doc, 'P4L40'), physical[3 * 48 + 39]!);
  assert.match(quote(doc, 'P4L40'), /^2\.4\.\s+UAC Behavior$/);
});

test('RFC6120: page count, L1 on every page and footers agree with the raw text', async () => {
  const doc = await realDoc('RFC6120');
  const raw = mirrorBytes('rfc6120').toString('utf8');
  const pages = formFeedPages(raw);
  assert.is(doc.pages, pages);
  // Each page prints its own number in its footer: the last printed number is the page count.
  const footers = [...raw.matchAll(/\[Page (\d+)\]\s*\n\f/g)].map((m) => Number(m[1]));
  assert.is(footers.length, pages);
  assert.equal(footers, Array.from({ length: pages }, (_, i) => i + 1));
  assert.equal(doc.footerMismatches, []);
  for (let p = 1; p <= pages; p++) assert.ok(findLine(doc, p, 1) >= 0, `P${p}L1 exists`);
  // Nothing after L48 is blank, short or a footer.
  assert.ok(doc.lines.every((l) => l.line <= 48 || (l.text.length >= 4 && !l.text.endsWith(']'))));
  assert.not.ok(doc.lines.some((l) => /\[Page \d+\]$/.test(l.text)));
  // Every kept line is a line of the raw text, in order.
  const rawLines = raw.split('\n');
  let at = 0;
  for (const l of doc.lines) {
    while (at < rawLines.length && rawLines[at] !== l.text) at++;
    assert.ok(at < rawLines.length, `${lineId(l)} ${JSON.stringify(l.text)} is in the raw text, in order`);
    at++;
  }
});

test('cache files: .paged rows, .json index and lock.json entries', async () => {
  const doc = await realDoc('RFC3261');
  const dir = testCache();
  const paged = readFileSync(join(dir, 'rfc3261.paged'), 'utf8');
  const rows = paged.split('\n');
  assert.is(rows.pop(), '', '.paged ends with a newline');
  assert.is(rows.length, doc.lines.length);
  assert.ok(rows.every((r) => /^P\d+L\d+\t/.test(r)), 'every row is P<n>L<m><TAB>text');
  assert.ok(rows.includes('P125L32\t17.1.1.2 Formal Description'));
  assert.ok(rows.includes('P143L14\t   A client that sends a request to a multicast address MUST add the'));
  assert.equal(rows, doc.lines.map((l) => `P${l.page}L${l.line}\t${l.text}`));

  const bytes = mirrorBytes('rfc3261');
  const sha = createHash('sha256').update(bytes).digest('hex');
  const index = JSON.parse(readFileSync(join(dir, 'rfc3261.json'), 'utf8'));
  assert.is(index.doc, 'RFC3261');
  assert.is(index.pages, 269);
  assert.is(index.sha256, sha);
  assert.is(index.size, bytes.length);
  assert.is(index.lines, doc.lines.length);
  assert.equal(
    index.sections.find((s: { number: string }) => s.number === '17.1.1.2'),
    { number: '17.1.1.2', title: 'Formal Description', begin: 'P125L32', end: 'P129L20' },
  );

  const lock = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
  assert.equal(lock.docs.rfc3261, { sha256: sha, size: bytes.length, pages: 269, lines: rows.length });
  assert.equal(readFileSync(join(dir, 'rfc3261.txt')), bytes, 'the cached text is the source, byte for byte');
});

test('a document read back from the cache equals the one paginated from the source', async () => {
  for (const name of ['RFC3261', 'RFC8760', 'RFC3550']) {
    const fresh = await realDoc(name);
    const id = parseDocName(name);
    const { docs, diagnostics } = await loadDocs([id], { cacheDir: testCache(), offline: true });
    assert.equal(diagnostics, []);
    const cached = docs.get(id.id)!;
    assert.ok(cached, `${name} loads from the cache alone`);
    assert.equal(cached.lines, fresh.lines);
    assert.equal(cached.sections, fresh.sections);
    assert.equal(
      { pages: cached.pages, title: cached.title, virtual: cached.virtual, sha256: cached.sha256, size: cached.size, f: cached.footerMismatches },
      { pages: fresh.pages, title: fresh.title, virtual: fresh.virtual, sha256: fresh.sha256, size: fresh.size, f: fresh.footerMismatches },
    );
  }
});

test.run();
