/**
 * Faults on the way in: a local HTTP mirror (127.0.0.1, a free port) that
 * answers 404, 500, hangs, cuts the body short or serves HTML; and a lock.json
 * that disagrees with the text. After every failure the cache holds nothing
 * for the document: no text, no derived files, no temporary files.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { localServer, type LocalServer } from './http-server.ts';
import { MIRROR, tempDir } from '../helpers.ts';

const ROOT_DIR = tempDir('rfcdoc-faults-');
/**
 * A fresh cache directory holding only the mirror's rfc-index.txt: these
 * scenarios are about the document's own transfer (the index's sources are
 * tested in rfcindex.test.ts).
 */
const cacheDir = () => {
  const dir = mkdtempSync(join(ROOT_DIR, 'cache-'));
  copyFileSync(join(MIRROR!, 'rfc-index.txt'), join(dir, 'rfc-index.txt'));
  return dir;
};
import { parseDocName } from '../../tools/spec/docname.ts';
import { CACHE_MARKER, loadDocs, type StoreOptions } from '../../tools/spec/store.ts';

const test = suite('faults');

const NAME = parseDocName('RFC8760');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: LocalServer;
let base = '';
let body: Buffer;
/** Requests seen per scenario (the first path segment). */
const hits = new Map<string, number>();

test.before(async () => {
  assert.ok(MIRROR && !/^https?:/.test(MIRROR), 'these tests need RFC_MIRROR set to a directory');
  body = readFileSync(join(MIRROR, 'rfc8760.txt'));
  server = await localServer((req, res) => {
    const scenario = req.url!.split('/')[1]!;
    const n = (hits.get(scenario) ?? 0) + 1;
    hits.set(scenario, n);
    const full = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
    const truncated = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length + 1000 });
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 10));
    };
    switch (scenario) {
      case 'ok':
        return full();
      case 'missing':
        return res.writeHead(404).end('not found');
      case 'flaky':
        return n === 1 ? res.writeHead(500).end('oops') : full();
      case 'broken':
        return res.writeHead(503).end('unavailable');
      case 'hang':
        return; // never answers
      case 'truncated':
        return truncated();
      case 'truncated-once':
        return n === 1 ? truncated() : full();
      case 'html':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Not here</body></html>');
      default:
        return res.writeHead(400).end();
    }
  });
  base = server.base;
});

test.after(() => server.close());

function options(scenario: string, cacheDir: string, extra: Partial<StoreOptions> = {}): StoreOptions {
  return { cacheDir, mirror: `${base}${scenario}/`, offline: true, timeoutMs: 300, backoffMs: 10, retries: 2, ...extra };
}

/** Nothing for the document and no temporary file is left in the cache. */
function assertClean(dir: string, noLockEntry = true) {
  const left = existsSync(dir) ? readdirSync(dir) : [];
  for (const f of ['rfc8760.txt', 'rfc8760.paged', 'rfc8760.json']) assert.not.ok(left.includes(f), `${f} is not left behind`);
  assert.equal(left.filter((f) => f.endsWith('.tmp')), [], 'no temporary files');
  if (noLockEntry && left.includes('lock.json')) {
    const lock = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
    assert.is(lock.docs.rfc8760, undefined, 'lock.json has no entry for the failed document');
  }
}

/** How many lines the cached .paged holds (one row per kept line). */
const pagedRows = (dir: string) => readFileSync(join(dir, 'rfc8760.paged'), 'utf8').split('\n').length - 1;

async function fails(scenario: string, expectHits: number, message: RegExp) {
  const dir = cacheDir();
  const { docs, diagnostics } = await loadDocs([NAME], options(scenario, dir));
  assert.is(docs.size, 0);
  assert.is(diagnostics.length, 1);
  const d = diagnostics[0]!;
  assert.is(d.severity, 'error');
  assert.match(d.message, /^RFC8760: /, 'the error names the document');
  assert.ok(d.message.includes(`${base}${scenario}/rfc8760.txt`), `the error names the URL: ${d.message}`);
  assert.match(d.message, message);
  assert.is(hits.get(scenario), expectHits, `${scenario}: requests`);
  assertClean(dir);
}

test('404: an error naming the document and URL, and no retry', async () => {
  await fails('missing', 1, /HTTP 404/);
});

test('HTML instead of text: refused without retry', async () => {
  await fails('html', 1, /HTML page/);
});

test('500 then 200: fetched on the retry and stored', async () => {
  const dir = cacheDir();
  const { docs, diagnostics } = await loadDocs([NAME], options('flaky', dir));
  assert.equal(diagnostics, []);
  assert.is(hits.get('flaky'), 2);
  assert.is(docs.get('rfc8760')?.sha256, sha(body));
  assert.equal(readFileSync(join(dir, 'rfc8760.txt')), body);
  assert.ok(existsSync(join(dir, 'rfc8760.paged')) && existsSync(join(dir, 'rfc8760.json')));
  const lock = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
  assert.equal(lock.docs.rfc8760, { sha256: sha(body), size: body.length, pages: docs.get('rfc8760')!.pages, lines: pagedRows(dir) });
});

test('5xx every time: gives up after 1 + retries requests', async () => {
  await fails('broken', 3, /HTTP 503 \(after 3 tries\)/);
});

test('a server that never answers: timed out, error names the document', async () => {
  await fails('hang', 3, /timed out after 300 ms/);
});

test('a body cut short (Content-Length larger than sent): error, nothing cached', async () => {
  await fails('truncated', 3, /truncated|closed|premature|ECONNRESET|aborted/i);
});

test('a body cut short once: the retry stores the whole text, never the truncated one', async () => {
  const dir = cacheDir();
  const { docs, diagnostics } = await loadDocs([NAME], options('truncated-once', dir));
  assert.equal(diagnostics, []);
  assert.is(hits.get('truncated-once'), 2);
  assert.equal(readFileSync(join(dir, 'rfc8760.txt')), body);
  assert.is(docs.get('rfc8760')?.size, body.length);
});

/** A cache whose lock.json pins RFC8760 to `entry`. */
function lockedCache(entry: { sha256: string; size: number; pages: number }) {
  const dir = cacheDir();
  writeFileSync(join(dir, 'lock.json'), JSON.stringify({ version: 1, docs: { rfc8760: entry } }, null, 2) + '\n');
  return dir;
}

test('a text that differs from lock.json is refused, naming the doc and --update-lock; nothing stored', async () => {
  const other = { sha256: 'ab'.repeat(32), size: 123, pages: 1 };
  const dir = lockedCache(other);
  const { docs, diagnostics } = await loadDocs([NAME], options('ok', dir));
  assert.is(docs.size, 0);
  assert.is(diagnostics.length, 1);
  assert.is(diagnostics[0]!.severity, 'error');
  assert.match(diagnostics[0]!.message, /^RFC8760: /);
  assert.match(diagnostics[0]!.message, /--update-lock RFC8760/);
  const left = readdirSync(dir);
  assert.equal(left.sort(), ['lock.json', 'rfc-index.txt'], 'no text, no derived files, no temporary files');
  assert.equal(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).docs.rfc8760, other, 'the lock is unchanged');
});

test('with updateLock the changed text is accepted and the lock rewritten', async () => {
  const dir = lockedCache({ sha256: 'ab'.repeat(32), size: 123, pages: 1 });
  const { docs, diagnostics } = await loadDocs([NAME], options('ok', dir, { updateLock: true }));
  assert.equal(diagnostics, []);
  const doc = docs.get('rfc8760')!;
  assert.is(doc.sha256, sha(body));
  assert.equal(readFileSync(join(dir, 'rfc8760.txt')), body);
  assert.equal(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).docs.rfc8760, { sha256: sha(body), size: body.length, pages: doc.pages, lines: pagedRows(dir) });
});

test('a cached text that does not match lock.json: an error naming both hashes; fetched again, the cached text kept aside', async () => {
  const good = { sha256: sha(body), size: body.length, pages: 9 };
  const dir = lockedCache(good);
  const tampered = Buffer.concat([body, Buffer.from('tampered\n')]);
  writeFileSync(join(dir, 'rfc8760.txt'), tampered);
  const before = hits.get('ok') ?? 0;
  const { docs, diagnostics } = await loadDocs([NAME], options('ok', dir));
  assert.is(hits.get('ok'), before + 1, 'fetched again');
  assert.is(diagnostics.length, 1);
  assert.is(diagnostics[0]!.severity, 'error');
  const m = diagnostics[0]!.message;
  assert.match(m, /^RFC8760: cached .*rfc8760\.txt does not match lock\.json/);
  assert.ok(m.includes(sha(tampered).slice(0, 12)) && m.includes(good.sha256.slice(0, 12)), `both hashes named: ${m}`);
  assert.is(docs.get('rfc8760')?.sha256, good.sha256);
  assert.equal(readFileSync(join(dir, 'rfc8760.txt')), body);
  const aside = readdirSync(dir).filter((f) => f.startsWith('rfc8760.txt.mismatch-'));
  assert.is(aside.length, 1, `the cached text is kept: ${readdirSync(dir)}`);
  assert.equal(readFileSync(join(dir, aside[0]!)), tampered, 'byte for byte');
  assert.ok(m.includes(aside[0]!), 'the error says where it went');
  const index = JSON.parse(readFileSync(join(dir, 'rfc8760.json'), 'utf8'));
  assert.is(index.sha256, good.sha256);
  assert.equal(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).docs.rfc8760, { ...good, lines: pagedRows(dir) });
});

test('a cached text matching lock.json is used without any request', async () => {
  const dir = lockedCache({ sha256: sha(body), size: body.length, pages: 9 });
  writeFileSync(join(dir, 'rfc8760.txt'), body);
  const before = hits.get('missing') ?? 0;
  const { docs, diagnostics } = await loadDocs([NAME], options('missing', dir));
  assert.equal(diagnostics, []);
  assert.is(hits.get('missing') ?? 0, before, 'no request');
  assert.is(docs.get('rfc8760')?.pages, 9);
});

test('a tampered cached text whose fetch then fails is left as it is, never deleted', async () => {
  const dir = lockedCache({ sha256: sha(body), size: body.length, pages: 9 });
  const tampered = Buffer.concat([body, Buffer.from('tampered\n')]);
  writeFileSync(join(dir, 'rfc8760.txt'), tampered);
  const { docs, diagnostics } = await loadDocs([NAME], options('missing', dir));
  assert.is(docs.size, 0);
  assert.equal(diagnostics.map((d) => d.severity), ['error', 'error']);
  assert.match(diagnostics[0]!.message, /does not match lock\.json .*; left as it is/);
  assert.match(diagnostics[1]!.message, /HTTP 404/);
  assert.equal(readFileSync(join(dir, 'rfc8760.txt')), tampered);
  assert.equal(readdirSync(dir).filter((f) => f.includes('mismatch') || f.endsWith('.tmp')), []);
});

test('the pagination contract: a locked text whose page or line count changed is an error, not new numbers', async () => {
  for (const [field, wrong] of [['pages', 10], ['lines', 1]] as const) {
    const entry = { sha256: sha(body), size: body.length, pages: 9, [field]: wrong };
    const dir = lockedCache(entry);
    writeFileSync(join(dir, 'rfc8760.txt'), body);
    const { docs, diagnostics } = await loadDocs([NAME], options('missing', dir));
    assert.is(docs.size, 0, `${field}: the document is not served`);
    assert.is(diagnostics.length, 1);
    assert.is(diagnostics[0]!.severity, 'error');
    assert.match(diagnostics[0]!.message, /^RFC8760: the numbering of the locked text .* changed: .*lock\.json has .*pagination contract/);
    assert.ok(diagnostics[0]!.message.includes(`lock.json has ${wrong}`), diagnostics[0]!.message);
    assert.equal(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).docs.rfc8760, entry, 'the lock is unchanged');
    // A second run reads the .json the first one wrote: still refused.
    const again = await loadDocs([NAME], options('missing', dir));
    assert.is(again.docs.size, 0);
    // --update-lock accepts the numbering.
    const accepted = await loadDocs([NAME], options('missing', dir, { updateLock: true }));
    assert.equal(accepted.diagnostics, []);
    assert.equal(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).docs.rfc8760, { sha256: sha(body), size: body.length, pages: 9, lines: pagedRows(dir) });
  }
});

test('derived files from another text are not used: the doc is paginated again', async () => {
  const dir = cacheDir();
  const other = cacheDir();
  // The cache holds RFC8760's text, but .paged/.json made from RFC2617.
  const { docs: first } = await loadDocs([NAME], options('ok', dir));
  const fresh = first.get('rfc8760')!;
  const rfc2617 = parseDocName('RFC2617');
  const { diagnostics } = await loadDocs([rfc2617], { cacheDir: other, mirror: MIRROR, offline: true });
  assert.equal(diagnostics, []);
  copyFileSync(join(other, 'rfc2617.paged'), join(dir, 'rfc8760.paged'));
  copyFileSync(join(other, 'rfc2617.json'), join(dir, 'rfc8760.json'));
  const before = hits.get('ok');
  const { docs, diagnostics: d2 } = await loadDocs([NAME], options('ok', dir));
  assert.equal(d2, []);
  assert.is(hits.get('ok'), before, 'the cached text is used, not fetched');
  const doc = docs.get('rfc8760')!;
  assert.equal(doc.lines, fresh.lines);
  assert.equal(doc.sections, fresh.sections);
  assert.is(JSON.parse(readFileSync(join(dir, 'rfc8760.json'), 'utf8')).sha256, sha(body), 'the index was rewritten');
});

test('the store marks a directory it writes into as a cache, once, before its first file', async () => {
  const dir = mkdtempSync(join(ROOT_DIR, 'marker-'));
  const { docs, diagnostics } = await loadDocs([NAME], options('ok', dir));
  assert.equal(diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(docs.get('rfc8760'));
  const marker = join(dir, CACHE_MARKER);
  assert.ok(existsSync(marker), `${CACHE_MARKER} written`);
  const firstWritten = statSync(marker).mtimeMs;
  for (const f of readdirSync(dir)) assert.ok(statSync(join(dir, f)).mtimeMs >= firstWritten, `${f} written after the marker`);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files');
  writeFileSync(marker, 'kept\n');
  rmSync(join(dir, 'rfc8760.json'));
  await loadDocs([NAME], options('ok', dir));
  assert.is(readFileSync(marker, 'utf8'), 'kept\n', 'an existing marker is not rewritten');
});

test('a load that writes nothing leaves no marker', async () => {
  const dir = mkdtempSync(join(ROOT_DIR, 'nomarker-'));
  await loadDocs([NAME], options('missing', dir));
  assert.not.ok(existsSync(join(dir, CACHE_MARKER)));
});

test('a cache path that cannot be written: an error, no text and no temporary file left', async () => {
  const dir = cacheDir();
  // A non-empty directory where the .paged file should go: the rename fails.
  mkdirSync(join(dir, 'rfc8760.paged', 'x'), { recursive: true });
  const { docs, diagnostics } = await loadDocs([NAME], options('ok', dir));
  assert.is(docs.size, 0);
  assert.is(diagnostics.length, 1);
  assert.is(diagnostics[0]!.severity, 'error');
  assert.match(diagnostics[0]!.message, /^RFC8760: EISDIR.*rfc8760\.paged/, 'the error names the document and the path');
  const left = readdirSync(dir).sort();
  assert.equal(left.filter((f) => f.endsWith('.tmp')), [], 'no temporary files');
  assert.not.ok(left.includes('rfc8760.txt'), 'no text stored');
  assert.not.ok(left.includes('rfc8760.json'), 'no index stored');
});

test.run();
