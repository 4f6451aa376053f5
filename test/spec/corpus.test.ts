/**
 * Robustness: every RFC of the 991-document sample corpus is paginated and
 * section-indexed without throwing, and form-feed page counts agree with a
 * count made here from the raw text.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.ts';
import { buildDoc } from '../../tools/spec/document.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { findLine } from '../../tools/spec/paginate.ts';

const test = suite('corpus');

const ARCHIVE = join(ROOT, '..', 'shared', 'corpus', 'rfc-sample.tar.xz');

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

test('all 991 sample RFCs paginate and index; form-feed page counts agree', () => {
  const dir = tempDir('rfcdoc-corpus-');
  execFileSync('tar', ['-xJf', ARCHIVE, '-C', dir]);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.txt'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  assert.is(files.length, 991);
  const decoder = new TextDecoder();
  let formFed = 0;
  let virtual = 0;
  const problems: string[] = [];
  for (const file of files) {
    const base = file.slice(file.lastIndexOf('/') + 1, -4);
    const bytes = readFileSync(file);
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
  assert.is(formFed + virtual, 991);
  assert.ok(formFed > 500, `most of the sample is form-fed (${formFed})`);
  assert.ok(virtual > 0, 'some of the sample has no form feeds');
});

test.run();
