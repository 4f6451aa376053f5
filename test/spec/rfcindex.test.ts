/**
 * rfc-index.txt: parsed from the real index in RFC_MIRROR and checked against
 * what the RFC texts say of themselves on their first page, and against the
 * index file read here with a plain text search; where it comes from (cache,
 * mirror directory, an RFC Editor on 127.0.0.1) and what happens without it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localServer, type LocalServer } from './http-server.ts';
import { MIRROR, runRfcdoc, tempDir } from '../helpers.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { buildDoc, findTitle } from '../../tools/spec/document.ts';
import { parseRfcIndex, type IndexEntry } from '../../tools/spec/rfcindex.ts';
import { CACHE_FORMAT, loadDocs } from '../../tools/spec/store.ts';
import { renderDocPage } from '../../tools/site/rfc-page.ts';

const test = suite('rfc-index');

function mirrorText(file: string): string {
  assert.ok(MIRROR && !/^https?:/.test(MIRROR), 'these tests need RFC_MIRROR set to a directory');
  return readFileSync(join(MIRROR, file), 'latin1');
}

let index: Map<number, IndexEntry>;
test.before(() => {
  index = parseRfcIndex(mirrorText('rfc-index.txt'));
});

/** An RFC's citation in an index text, as its lines are: from its number at a line start to the blank line. */
function citationBlock(text: string, n: number): string {
  const start = text.search(new RegExp(`\\n0*${n} `)) + 1;
  assert.ok(start > 0, `RFC ${n} is in the index`);
  return text.slice(start, text.indexOf('\n\n', start));
}

/** An RFC's citation in the index, found here by text search: from its number at a line start to the blank line. */
function citation(n: number): string {
  const text = mirrorText('rfc-index.txt');
  const start = text.search(new RegExp(`\\n0*${n} `)) + 1;
  assert.ok(start > 0, `RFC ${n} is in the index`);
  return text.slice(start, text.indexOf('\n\n', start)).replace(/\s+/g, ' ');
}

test('RFC 3261: title, status and relations as its citation lists them', () => {
  const e = index.get(3261)!;
  const cite = citation(3261);
  assert.is(e.title, 'SIP: Session Initiation Protocol');
  assert.ok(cite.startsWith(`3261 ${e.title}. J. Rosenberg`));
  const fields = [...cite.matchAll(/\(([^()]*)\)/g)].map((m) => m[1]!);
  const field = (name: string) => fields.filter((f) => f.startsWith(`${name} `)).flatMap((f) => f.slice(name.length + 1).split(', '));
  assert.equal(e.obsoletes, field('Obsoletes'));
  assert.equal(e.updatedBy, field('Updated by'));
  assert.ok(e.updatedBy.includes('RFC8760') && e.updatedBy.length > 15, `updated by ${e.updatedBy.length} RFCs`);
  assert.equal(e.obsoletedBy, []);
  assert.equal(e.updates, []);
  assert.equal([e.status], field('Status:'));
  // RFC 3261's own first page: "Obsoletes: 2543".
  const header = mirrorText('rfc3261.txt').split('\n').slice(0, 12).join('\n');
  assert.match(header, /^Obsoletes: 2543\b/m);
  assert.equal(e.obsoletes, ['RFC2543']);
  assert.ok(index.get(2543)!.obsoletedBy.includes('RFC3261'), 'and RFC 2543 is obsoleted by RFC 3261');
});

test('every "Obsoletes:" and "Updates:" on a mirrored RFC first page is in the index', () => {
  const disagree: string[] = [];
  let checked = 0;
  for (const f of readdirSync(MIRROR!).filter((f) => /^rfc\d+\.txt$/.test(f))) {
    const n = Number(f.slice(3, -4));
    const head = mirrorText(f).split('\f')[0]!.split('\n').slice(0, 20);
    for (const [key, list] of [['Obsoletes', index.get(n)!.obsoletes], ['Updates', index.get(n)!.updates]] as const) {
      const line = head.find((l) => l.startsWith(`${key}:`));
      if (!line) continue;
      // The left column only: the right one holds the authors.
      const docs = [...line.slice(0, 40).matchAll(/\d+/g)].map((m) => `RFC${Number(m[0])}`);
      checked++;
      if (!docs.every((d) => list.includes(d))) disagree.push(`RFC${n} ${key}: page 1 ${docs}, index ${list}`);
    }
  }
  assert.ok(checked > 50, `${checked} headers checked`);
  // RFC 3265's first page says "Updates: 2543"; the RFC Editor's index lists RFC3261 instead.
  assert.equal(disagree, ['RFC3265 Updates: page 1 RFC2543, index RFC3261']);
});

test('titles: every modern mirrored RFC has the words of its first-page title; old ones get a real title', () => {
  const words = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  for (const f of readdirSync(MIRROR!).filter((f) => /^rfc\d+\.txt$/.test(f))) {
    const n = Number(f.slice(3, -4));
    if (n < 1000) continue;
    const first = findTitle(buildDoc(parseDocName(`RFC${n}`), readFileSync(join(MIRROR!, f))).lines) ?? '';
    const mine = words(index.get(n)!.title);
    assert.ok(mine.length > 0 && mine.every((w) => words(first).includes(w)), `RFC ${n}: index "${index.get(n)!.title}", page 1 "${first}"`);
  }
  // Titles with periods of their own, and organisations as authors.
  assert.is(index.get(1108)!.title, 'U.S. Department of Defense Security Options for the Internet Protocol');
  assert.is(index.get(270)!.title, 'Correction to BBN Report No. 1822 (NIC NO 7958)');
  assert.is(index.get(160)!.title, 'RFC brief list');
  assert.is(index.get(405)!.title, 'Correction to RFC 404');
  assert.equal(index.get(405)!.updates, ['RFC404']);
  assert.ok(citation(14).includes('Not Issued'));
  assert.is(index.get(14), undefined, '"Not Issued" is no entry');
});

test('parser: wrapped lines, zero-padded numbers, preamble skipped', () => {
  const m = parseRfcIndex(
    [
      'RFC INDEX',
      '  9915 An example in the preamble. A. Author. January 2026. (Format: TXT)',
      '#### is the RFC number.',
      '',
      '0405 Correction to RFC 404. A.M. McKenzie. October 1972. (Format: TXT,',
      '     HTML) (Updates RFC0404) (Obsoleted',
      '     by RFC 9999) (Status: UNKNOWN)',
      '',
      '0014 Not Issued.',
    ].join('\n'),
  );
  assert.equal([...m.keys()], [405]);
  assert.equal(m.get(405), { number: 405, title: 'Correction to RFC 404', obsoletes: [], obsoletedBy: ['RFC9999'], updates: ['RFC404'], updatedBy: [], status: 'UNKNOWN' });
});

test('loadDocs: an RFC gets the index title and relations, in the .json too; a draft keeps its own title', async () => {
  const cacheDir = tempDir('rfcdoc-index-');
  const { docs, diagnostics } = await loadDocs([parseDocName('RFC652'), parseDocName('RFC3261')], { cacheDir, mirror: MIRROR, offline: true });
  assert.equal(diagnostics.filter((d) => d.severity !== 'warning'), []);
  const rfc652 = docs.get('rfc652')!;
  assert.is(rfc652.title, 'Telnet output carriage-return disposition option');
  assert.is(findTitle(rfc652.lines), undefined, 'its first page gives no title a program can find');
  assert.equal(docs.get('rfc3261')!.relations!.obsoletes, ['RFC2543']);
  assert.ok(existsSync(join(cacheDir, 'rfc-index.txt')), 'the index is cached');
  const json = JSON.parse(readFileSync(join(cacheDir, 'rfc3261.json'), 'utf8'));
  assert.is(json.format, CACHE_FORMAT);
  assert.equal(json.relations, docs.get('rfc3261')!.relations);
  // A draft is not in the RFC index.
  const draft = buildDoc(parseDocName('draft-ietf-sipcore-foo-02'), new TextEncoder().encode('Network Working Group\n\n   A Draft Title\n\nAbstract\n'));
  assert.is(draft.title, 'A Draft Title');
  assert.is(draft.relations, undefined);
});

test('a .json of the previous format is rebuilt with the index title; the lock is unchanged', async () => {
  const cacheDir = tempDir('rfcdoc-index-');
  const name = parseDocName('RFC652');
  await loadDocs([name], { cacheDir, mirror: MIRROR, offline: true });
  const lock = readFileSync(join(cacheDir, 'lock.json'), 'utf8');
  const path = join(cacheDir, 'rfc652.json');
  const old = JSON.parse(readFileSync(path, 'utf8'));
  delete old.relations;
  delete old.strays;
  writeFileSync(path, JSON.stringify({ ...old, format: 1, title: '(a first-page guess)' }));
  const { docs } = await loadDocs([name], { cacheDir, offline: true });
  assert.is(docs.get('rfc652')!.title, 'Telnet output carriage-return disposition option');
  assert.is(JSON.parse(readFileSync(path, 'utf8')).format, CACHE_FORMAT);
  assert.is(readFileSync(join(cacheDir, 'lock.json'), 'utf8'), lock);
});

test('without any index (offline, no mirror directory): the first-page title and one note, no error', async () => {
  const mirror = tempDir('rfcdoc-index-mirror-');
  writeFileSync(join(mirror, 'rfc3261.txt'), readFileSync(join(MIRROR!, 'rfc3261.txt')));
  const { docs, diagnostics } = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror, offline: true });
  assert.is(docs.get('rfc3261')!.title, 'SIP: Session Initiation Protocol');
  assert.is(docs.get('rfc3261')!.relations, undefined);
  assert.equal(diagnostics.map((d) => d.severity), ['note']);
  assert.match(diagnostics[0]!.message, /^rfc-index\.txt: could not fetch: .*rfc-index\.txt: no such file: without it an RFC's title is taken from its first page/);
});

test('titles and relations come from the index at hand when a document is loaded, not frozen in its .json', async () => {
  const mirror = tempDir('rfcdoc-index-mirror-');
  for (const f of ['rfc652.txt', 'rfc3261.txt']) writeFileSync(join(mirror, f), readFileSync(join(MIRROR!, f)));
  const cacheDir = tempDir('rfcdoc-index-');
  const names = [parseDocName('RFC652'), parseDocName('RFC3261')];
  const load = async () => (await loadDocs(names, { cacheDir, mirror, offline: true })).docs;
  // Paginated without any index: first-page titles, no relations.
  const first = await load();
  assert.is(first.get('rfc652')!.title, 'RFC 652', 'RFC 652 has no first-page title a program can find');
  assert.is(first.get('rfc3261')!.relations, undefined);
  // An older index: the real one without RFC 8760 in RFC 3261's "Updated by".
  const real = mirrorText('rfc-index.txt');
  const older = real.replace(citationBlock(real, 3261), (block) => block.replace(/RFC8760,\s*/, ''));
  assert.not.ok(citationBlock(older, 3261).includes('RFC8760'), 'RFC 8760 left out of the older index');
  writeFileSync(join(cacheDir, 'rfc-index.txt'), older, 'latin1');
  const second = await load();
  const titleIn = (text: string, n: number) => parseRfcIndex(text).get(n)!.title;
  assert.is(second.get('rfc652')!.title, titleIn(older, 652), 'the index title once an index is there');
  assert.not.ok(second.get('rfc3261')!.relations!.updatedBy.includes('RFC8760'));
  // The newer index: its updated-by reaches the cached RFC 3261.
  writeFileSync(join(cacheDir, 'rfc-index.txt'), real, 'latin1');
  const third = await load();
  assert.ok(third.get('rfc3261')!.relations!.updatedBy.includes('RFC8760'));
  const json = JSON.parse(readFileSync(join(cacheDir, 'rfc3261.json'), 'utf8'));
  assert.equal(json.relations, third.get('rfc3261')!.relations, 'and the .json says so too');
  assert.is(JSON.parse(readFileSync(join(cacheDir, 'rfc652.json'), 'utf8')).title, titleIn(real, 652));
});

// An RFC Editor on 127.0.0.1: serves the mirror's texts and its index, and counts requests.
let server: LocalServer;
let base = '';
const hits: string[] = [];
test.before(async () => {
  server = await localServer((req, res) => {
    hits.push(req.url!);
    const file = req.url!.slice(1);
    if (!/^(rfc\d+|rfc-index)\.txt$/.test(file)) return res.writeHead(404).end();
    const body = readFileSync(join(MIRROR!, file));
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
  });
  base = server.base;
});
test.after(() => server.close());

test('from the RFC Editor: fetched once, cached, fetched again only for an RFC newer than the cached index', async () => {
  const cacheDir = tempDir('rfcdoc-index-');
  const opts = { cacheDir, rfcEditor: base, retries: 0 };
  hits.length = 0;
  const first = await loadDocs([parseDocName('RFC3261')], opts);
  assert.equal(first.diagnostics, []);
  assert.equal(hits.sort(), ['/rfc-index.txt', '/rfc3261.txt']);
  assert.equal(readFileSync(join(cacheDir, 'rfc-index.txt')), readFileSync(join(MIRROR!, 'rfc-index.txt')));
  hits.length = 0;
  const second = await loadDocs([parseDocName('RFC8760')], opts);
  assert.equal(second.diagnostics, []);
  assert.equal(hits, ['/rfc8760.txt'], 'the cached index is used');
  assert.equal(second.docs.get('rfc8760')!.relations!.updates, ['RFC3261']);
  // A cached index that stops before RFC 8760: fetched again.
  const cite = (n: number) => `${n} Title ${n}. A. Author. May 2000. (Status: UNKNOWN)\n\n`;
  writeFileSync(join(cacheDir, 'rfc-index.txt'), cite(1) + cite(2));
  for (const f of ['rfc8760.json', 'rfc8760.paged']) writeFileSync(join(cacheDir, f), '');
  hits.length = 0;
  const third = await loadDocs([parseDocName('RFC8760')], opts);
  assert.equal(hits, ['/rfc-index.txt']);
  assert.equal(third.docs.get('rfc8760')!.relations!.updates, ['RFC3261']);
});

test('rfcdoc fetch --json shows title, status and relations', async () => {
  const cache = tempDir('rfcdoc-index-');
  const r = await runRfcdoc(['fetch', 'RFC3261', '--offline', '--json'], { cache });
  assert.is(r.code, 0, r.stderr);
  const [row] = JSON.parse(r.stdout);
  assert.is(row.title, 'SIP: Session Initiation Protocol');
  assert.is(row.status, index.get(3261)!.status);
  assert.equal(row.obsoletes, ['RFC2543']);
  assert.equal(row.updatedBy, index.get(3261)!.updatedBy);
});

test("the RFC's page on the site shows its status and relations under the title", async () => {
  const { docs } = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror: MIRROR, offline: true });
  const doc = docs.get('rfc3261')!;
  const html = renderDocPage({ doc, citations: [], requirements: [] });
  const start = html.indexOf('<header class="pagehead">');
  const header = html.slice(start, html.indexOf('</header>', start));
  assert.match(header, `<h1>RFC 3261: SIP: Session Initiation Protocol</h1>`);
  assert.match(header, `<p class="meta">Status proposed standard · Obsoletes RFC2543 · Updated by ${doc.relations!.updatedBy.join(', ')}</p>`);
});

test.run();
