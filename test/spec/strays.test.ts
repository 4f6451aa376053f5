/**
 * Stray control bytes: the nine real RFC Editor texts that carry some (read
 * from RFC_MIRROR) paginate with a warning each, on the line where the bytes
 * sit; what is not a text at all (empty, blank, binary, UTF-16) is refused,
 * and the numbering of a text does not move because of a control byte.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MIRROR, runRfcdoc, tempDir } from '../helpers.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { buildDoc } from '../../tools/spec/document.ts';
import { findLine, lineId } from '../../tools/spec/paginate.ts';
import { fetchText } from '../../tools/spec/sources.ts';
import { loadDocs } from '../../tools/spec/store.ts';
import { MAX_STRAY_WARNINGS, nonTextBytes, notText, removeStrays, strayWarnings } from '../../tools/spec/strays.ts';

const test = suite('strays');

const OLD = [542, 652, 674, 684, 734, 736, 752, 774, 776];

function mirrorBytes(file: string): Buffer {
  assert.ok(MIRROR && !/^https?:/.test(MIRROR), 'these tests need RFC_MIRROR set to a directory');
  return readFileSync(join(MIRROR, file));
}

/** The physical lines (1-based) holding a control byte other than HT, LF, FF, CR: read off the bytes here. */
function linesWithControlBytes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let line = 1;
  for (const b of bytes) {
    if (b === 10) line++;
    else if ((b < 32 && b !== 9 && b !== 12 && b !== 13) || b === 127) if (out[out.length - 1] !== line) out.push(line);
  }
  return out;
}

/** A cache directory (an empty lock.json) with the mirror's rfc-index.txt already in it. */
function cacheWithIndex(): string {
  const dir = tempDir('rfcdoc-strays-');
  writeFileSync(join(dir, 'lock.json'), '{"version": 1, "docs": {}}\n');
  copyFileSync(join(MIRROR!, 'rfc-index.txt'), join(dir, 'rfc-index.txt'));
  return dir;
}

test('the nine old RFCs load from the mirror, with warnings on the lines holding the bytes and no error', async () => {
  const cacheDir = cacheWithIndex();
  const names = OLD.map((n) => parseDocName(`RFC${n}`));
  const { docs, diagnostics } = await loadDocs(names, { cacheDir, mirror: MIRROR, offline: true });
  assert.equal(diagnostics.filter((d) => d.severity !== 'warning'), [], 'warnings only');
  for (const n of OLD) {
    const bytes = mirrorBytes(`rfc${n}.txt`);
    const doc = docs.get(`rfc${n}`);
    assert.ok(doc, `RFC${n} loaded`);
    const file = relative('.', join(cacheDir, `rfc${n}.txt`));
    const mine = diagnostics.filter((d) => d.file === file);
    const expected = linesWithControlBytes(bytes);
    assert.ok(expected.length > 0, `RFC${n} has control bytes`);
    const warned = mine.filter((d) => d.line !== undefined).map((d) => d.line);
    assert.equal(warned, expected.slice(0, MAX_STRAY_WARNINGS), `RFC${n}: one warning per line holding bytes`);
    if (expected.length > MAX_STRAY_WARNINGS) {
      assert.is(mine.length, MAX_STRAY_WARNINGS + 1);
      assert.match(mine[MAX_STRAY_WARNINGS]!.message, new RegExp(`on ${expected.length - MAX_STRAY_WARNINGS} more lines`));
    }
    for (const d of mine) assert.match(d.message, new RegExp(`^RFC${n}: `));
    assert.match(mine[0]!.message, /U\+00(00|1A|02)/, 'the warning names the byte');
    // No quotable line holds one, and the index records every run.
    assert.not.ok(doc.lines.some((l) => /[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(l.text)), `RFC${n}: no control byte in a quote`);
    const recorded = doc.strays.reduce((k, s) => k + s.count, 0);
    const counted = [...bytes].filter((b) => (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 127).length;
    assert.is(recorded, counted, `RFC${n}: every stray byte recorded`);
    const json = JSON.parse(readFileSync(join(cacheDir, `rfc${n}.json`), 'utf8'));
    assert.equal(json.strays, doc.strays);
  }
});

test("loadDocs gives each document its own warnings (byDoc), in the order asked for, whatever order the workers finish in", async () => {
  const cacheDir = cacheWithIndex();
  // RFC 3261 is large (finishes last), RFC 652 and RFC 542 carry stray bytes, RFC 2617 none.
  const names = ['RFC3261', 'RFC652', 'RFC2617', 'RFC542'].map(parseDocName);
  const { docs, diagnostics, byDoc } = await loadDocs(names, { cacheDir, mirror: MIRROR, offline: true, concurrency: 4 });
  assert.equal([...byDoc.keys()], ['rfc3261', 'rfc652', 'rfc2617', 'rfc542']);
  assert.is(docs.size, 4);
  assert.equal(byDoc.get('rfc3261'), []);
  assert.equal(byDoc.get('rfc2617'), []);
  for (const id of ['rfc652', 'rfc542']) {
    const own = byDoc.get(id)!;
    assert.ok(own.length > 0, `${id} has warnings`);
    assert.ok(own.every((d) => d.severity === 'warning' && d.message.startsWith(`${id.toUpperCase()}: `)), `${id}: only its own`);
  }
  assert.equal(diagnostics, [...byDoc.get('rfc652')!, ...byDoc.get('rfc542')!]);
});

test('NUL fill before a form feed: the form feed still begins the line and ends the page (RFC 734, 736, 752)', async () => {
  for (const n of [734, 736, 752]) {
    const bytes = mirrorBytes(`rfc${n}.txt`);
    // Counted here from the raw text: a printer ignores NUL, so pages end at lines whose first other byte is a form feed.
    const physical = bytes.toString('latin1').split('\n');
    const isBreak = physical.map((l) => l.replace(/\0/g, '').startsWith('\f'));
    const breaks = isBreak.filter(Boolean).length;
    const tail = physical.slice(isBreak.lastIndexOf(true) + 1);
    const pages = breaks + (tail.some((l) => l.replace(/\0/g, '').trim() !== '') ? 1 : 0);
    const doc = buildDoc(parseDocName(`RFC${n}`), bytes);
    assert.is(doc.virtual, false, `RFC${n} is paginated by its form feeds`);
    assert.is(doc.pages, pages, `RFC${n} pages`);
  }
});

test('the CLI fetches the nine with exit 0 and a warning for each', async () => {
  const cache = cacheWithIndex();
  const r = await runRfcdoc(['fetch', ...OLD.map((n) => `RFC${n}`), '--offline', '--json'], { cache });
  assert.is(r.code, 0, r.stderr);
  for (const n of OLD) assert.match(r.stderr, new RegExp(`rfc${n}\\.txt:\\d+:\\d+: warning: RFC${n}: stray control byte`));
  const rows = JSON.parse(r.stdout);
  assert.equal(rows.map((x: { doc: string }) => x.doc), OLD.map((n) => `RFC${n}`));
  assert.ok(rows.every((x: { strays: number }) => x.strays > 0));
  // Loaded from the cache later: the same document, not warned about again.
  const again = await runRfcdoc(['fetch', ...OLD.map((n) => `RFC${n}`), '--offline', '--json'], { cache });
  assert.is(again.code, 0, again.stderr);
  assert.not.match(again.stderr, /warning/);
  assert.equal(JSON.parse(again.stdout), rows);
});

test('a stray byte never moves a line: the same text without it numbers the same', () => {
  const page = (n: number, extra = '') => ['RFC 9999   Test   May 2020', '', '', ...Array.from({ length: 48 }, (_, i) => `p${n} l${i + 1}${i === 5 ? extra : ''}`), `Author   [Page ${n}]`];
  const plain = [...page(1), '\f', ...page(2), '\f', ...page(3)].join('\n') + '\n';
  // NUL mid-line, SUB at a line end, a NUL-padded form feed, NUL before a mid-line form feed, DEL.
  const dirty = [...page(1, '\0'), '\0\0\0\f', ...page(2, ' x\f\0y\x1a'), '\f\x7f', ...page(3)].join('\n') + '\n';
  const name = parseDocName('RFC9999');
  const a = buildDoc(name, new TextEncoder().encode(plain));
  const b = buildDoc(name, new TextEncoder().encode(dirty));
  assert.is(b.pages, 3);
  assert.equal(b.lines.map(lineId), a.lines.map(lineId));
  assert.is(b.lines[findLine(b, 2, 6)]!.text, 'p2 l6 x\fy', 'a form feed inside a line stays, and is no page break');
  assert.equal(
    b.strays.map((s) => [s.physical, s.column, s.code, s.count, lineId(s)]),
    [
      [9, 6, 0, 1, 'P1L6'],
      [53, 1, 0, 3, 'P1L50'],
      [62, 9, 0, 1, 'P2L6'],
      [62, 11, 0x1a, 1, 'P2L6'],
      [106, 2, 0x7f, 1, 'P2L50'],
    ],
  );
});

test('removeStrays: runs of one character, columns counted before removal', () => {
  assert.equal(removeStrays('plain\ntext\n'), { text: 'plain\ntext\n', strays: [] });
  assert.equal(removeStrays('a\0\0\x01b\n\x1b[1mc'), {
    text: 'ab\n[1mc',
    strays: [
      { physical: 1, column: 2, code: 0, count: 2 },
      { physical: 1, column: 4, code: 1, count: 1 },
      { physical: 2, column: 1, code: 0x1b, count: 1 },
    ],
  });
});

/** Why fetching `bytes` (as the mirror's rfc9999.txt) was refused. */
async function refusal(bytes: Uint8Array): Promise<string> {
  const mirror = tempDir('rfcdoc-strays-mirror-');
  writeFileSync(join(mirror, 'rfc9999.txt'), bytes);
  try {
    await fetchText(parseDocName('RFC9999'), { mirror, offline: true });
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

/**
 * RFC 3261 from the mirror with ill-formed UTF-8 put into three of its lines,
 * at the column of a word found here: a Latin-1 byte, an overlong form of
 * `/`, an encoded surrogate.
 */
const ILL_FORMED = [[0xe9], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];
function withIllFormed(): { bytes: Buffer; at: { physical: number; column: number; bytes: number[] }[]; original: Buffer } {
  const original = mirrorBytes('rfc3261.txt');
  const lines = original.toString('latin1').split('\n');
  const at: { physical: number; column: number; bytes: number[] }[] = [];
  const chunks: Buffer[] = [];
  let from = 0;
  for (const [k, bad] of ILL_FORMED.entries()) {
    // The first line holding ' MUST ' after line 1000 * (k + 1): a body line of a page.
    const i = lines.findIndex((l, j) => j >= 1000 * (k + 1) && l.includes(' MUST '));
    const column = lines[i]!.indexOf(' MUST ') + 1;
    const offset = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    chunks.push(original.subarray(from, offset), Buffer.from(bad!));
    from = offset;
    at.push({ physical: i + 1, column, bytes: bad! });
  }
  chunks.push(original.subarray(from));
  return { bytes: Buffer.concat(chunks), at, original };
}

test('bytes that are not UTF-8 (Latin-1, overlong, surrogate): a warning with line and column, shown as U+FFFD, no line moves', () => {
  const { bytes, at, original } = withIllFormed();
  const name = parseDocName('RFC3261');
  const doc = buildDoc(name, bytes);
  const clean = buildDoc(name, original);
  assert.equal(doc.lines.map(lineId), clean.lines.map(lineId), 'the numbering does not move');
  assert.is(doc.pages, clean.pages);
  const changed = doc.lines.filter((l, i) => l.text !== clean.lines[i]!.text);
  assert.is(changed.length, at.length);
  for (const l of changed) assert.ok(l.text.includes('\uFFFD'), `${lineId(l)} shows U+FFFD where the bytes were`);
  assert.equal(
    doc.strays.map((s) => [s.physical, s.column, s.count, s.notUtf8]),
    at.map((a) => [a.physical, a.column, a.bytes.length, true]),
  );
  const warnings = strayWarnings('RFC3261', 'rfc3261.txt', doc.strays, (p) => `line ${p}`);
  assert.equal(warnings.map((w) => [w.line, w.col]), at.map((a) => [a.physical, a.column]));
  assert.match(warnings[0]!.message, /^RFC3261: byte 0xE9 at column \d+ not UTF-8 \(shown as U\+FFFD\)/);
  assert.match(warnings[2]!.message, /bytes 0xED ×3 at column/);
  // A real U+FFFD in well-formed text is text.
  assert.equal(buildDoc(name, new TextEncoder().encode('a \uFFFD b\n')).strays, []);
});

test('overlong forms and surrogates are not text: a file of them is refused', () => {
  for (const seq of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
    const bytes = new Uint8Array(Array.from({ length: 400 }, () => seq).flat());
    assert.is(nonTextBytes(bytes), bytes.length, seq.map((b) => b.toString(16)).join(' '));
    assert.match(notText(bytes) ?? '', /not a text document/);
  }
  assert.is(nonTextBytes(new TextEncoder().encode('é € 𝄞')), 0, 'well-formed 2-, 3- and 4-byte forms are text');
});

test('refused: an empty file, a blank one, gzip data, UTF-16, an HTML page; accepted: RFC 734 (15% NUL)', async () => {
  const rfc = mirrorBytes('rfc3261.txt');
  assert.match(await refusal(new Uint8Array()), /rfc9999\.txt: empty document$/);
  assert.match(await refusal(new TextEncoder().encode('\n\n   \n\f\n\0\n')), /empty document: nothing but white space/);
  assert.match(await refusal(gzipSync(rfc)), /not a text document: \d+% of its \d+ bytes are control bytes or not UTF-8 \(more than 30% is binary data or UTF-16\)/);
  assert.match(await refusal(Buffer.from(rfc.toString('latin1'), 'utf16le')), /not a text document: 50% /);
  assert.match(await refusal(new TextEncoder().encode('\n<!DOCTYPE html><html><body>RFC 9999</body></html>')), /an HTML page/);
  assert.is(await refusal(mirrorBytes('rfc734.txt')), 'accepted');
  assert.is(await refusal(rfc), 'accepted');
});

test.run();
