/**
 * Robustness: every RFC of the corpus named by RFC_CORPUS (CI: the
 * 991-document sample) is paginated and section-indexed without throwing,
 * and form-feed page counts agree with a count made here from the raw text.
 * Without RFC_CORPUS the suite is skipped (failed under RFCDOC_PEERS=require).
 */
import * as assert from 'uvu/assert';
import { peerPath, peerSuite } from '../peers.ts';
import { buildDoc } from '../../tools/spec/document.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { findLine } from '../../tools/spec/paginate.ts';
import { readCorpus } from '../../tools/spec/corpus.ts';

const test = peerSuite('corpus', ['corpus']);

/** Pages counted from the raw text: chunks ended by lines beginning with a form feed; a final blank chunk is not a page. */
function formFeedPages(lines: string[]): number {
  let pages = 0;
  let chunkHasText = false;
  let chunkOpen = false;
  for (const line of lines) {
    chunkOpen = true;
    if (line.trim() !== '') chunkHasText = true;
    if (line.startsWith('\f')) {
      pages++;
      chunkOpen = false;
      chunkHasText = false;
    }
  }
  if (chunkOpen && chunkHasText) pages++;
  return pages;
}

test('every RFC of RFC_CORPUS paginates and indexes; form-feed page counts agree', () => {
  const files = readCorpus(peerPath('corpus'));
  assert.ok(files.length > 0, `RFC_CORPUS=${peerPath('corpus')} holds no rfcNNNN.txt`);
  const decoder = new TextDecoder();
  let formFed = 0;
  let virtual = 0;
  const problems: string[] = [];
  for (const { name: base, bytes } of files) {
    let doc;
    try {
      doc = buildDoc(parseDocName(base), bytes);
    } catch (e) {
      problems.push(`${base}: threw ${(e as Error).stack}`);
      continue;
    }
    if (doc.pages < 1) problems.push(`${base}: ${doc.pages} pages`);
    if (doc.lines.length === 0) problems.push(`${base}: no lines`);
    for (const s of doc.sections) {
      if (!(s.begin >= 0 && s.begin <= s.end && s.end < doc.lines.length)) problems.push(`${base}: section ${s.number} has range ${s.begin}-${s.end}`);
    }
    const physical = decoder.decode(bytes).split('\n').map((l) => l.replace(/\r$/, ''));
    if (doc.virtual) {
      virtual++;
      if (physical.some((l) => l.startsWith('\f'))) problems.push(`${base}: has form feeds but was paginated virtually`);
      continue;
    }
    formFed++;
    const expected = formFeedPages(physical);
    if (doc.pages !== expected) problems.push(`${base}: ${doc.pages} pages, ${expected} form-feed pages`);
    // Lines are ordered and every line address resolves to itself.
    for (let i = 1; i < doc.lines.length; i++) {
      const a = doc.lines[i - 1]!;
      const b = doc.lines[i]!;
      if (!(a.page < b.page || (a.page === b.page && a.line < b.line))) {
        problems.push(`${base}: P${b.page}L${b.line} after P${a.page}L${a.line}`);
        break;
      }
    }
    const last = doc.lines[doc.lines.length - 1]!;
    if (findLine(doc, last.page, last.line) !== doc.lines.length - 1) problems.push(`${base}: last line not found`);
  }
  assert.equal(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.is(formFed + virtual, files.length);
  console.log(`  corpus: ${files.length} RFCs, ${formFed} form-fed, ${virtual} paginated virtually`);
});

test.run();
