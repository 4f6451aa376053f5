/**
 * rfc-index.txt: parsed from the real index in RFC_MIRROR and checked against
 * the index file read here with a plain text search (every entry), and against
 * what the RFC texts say of themselves on their first page; where it comes
 * from (cache, mirror directory, an RFC Editor on 127.0.0.1) and what happens
 * without it. No RFC or index text is typed in here: expected values are read
 * from RFC_MIRROR; the parser's unit test uses made-up entries (RFC 650xx).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localServer, type LocalServer } from './http-server.ts';
import { MIRROR, runRfcdoc, tempDir } from '../helpers.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { buildDoc, findTitle } from '../../tools/spec/document.ts';
import { parseRfcIndex, relationsOf, type IndexEntry } from '../../tools/spec/rfcindex.ts';
import { CACHE_FORMAT, loadDocs } from '../../tools/spec/store.ts';
import { renderDocPage } from '../../tools/site/rfc-page.ts';

const test = suite('rfc-index');

function mirrorText(file: string): string {
  assert.ok(MIRROR && !/^https?:/.test(MIRROR), 'these tests need RFC_MIRROR set to a directory');
  return readFileSync(join(MIRROR, file), 'utf8');
}

let index: Map<number, IndexEntry>;
/** Every citation of the real index, read here as plain text: blocks that begin with a number, white space collapsed. */
let citations: Map<number, string>;
test.before(() => {
  const text = mirrorText('rfc-index.txt');
  index = parseRfcIndex(text);
  citations = new Map();
  for (const block of text.split(/\n[ \t]*\n/)) {
    const m = /^(\d+) /.exec(block);
    if (m) citations.set(Number(m[1]), block.replace(/\s+/g, ' ').trim());
  }
});

/** An RFC's citation in an index text, as its lines are: from its number at a line start to the blank line. */
function citationBlock(text: string, n: number): string {
  const start = text.search(new RegExp(`\\n0*${n} `)) + 1;
  assert.ok(start > 0, `RFC ${n} is in the index`);
  return text.slice(start, text.indexOf('\n\n', start));
}

/** The documents a citation lists in one field (`Obsoletes`, `Updated by`, …), by text search. */
function field(cite: string, name: string): string[] {
  return [...cite.matchAll(/\(([^()]*)\)/g)]
    .map((m) => m[1]!)
    .filter((f) => f.startsWith(`${name} `))
    .flatMap((f) => f.slice(name.length + 1).split(', '));
}

test('RFC 3261: title, status and relations as its citation and its first page give them', () => {
  const e = index.get(3261)!;
  const cite = citations.get(3261)!;
  assert.is(e.title, findTitle(buildDoc(parseDocName('RFC3261'), readFileSync(join(MIRROR!, 'rfc3261.txt'))).lines), 'the first-page title');
  assert.ok(cite.startsWith(`3261 ${e.title}. `));
  assert.equal(e.obsoletes, field(cite, 'Obsoletes'));
  assert.equal(e.updatedBy, field(cite, 'Updated by'));
  assert.ok(e.updatedBy.includes('RFC8760') && e.updatedBy.length > 15, `updated by ${e.updatedBy.length} RFCs`);
  assert.equal(e.obsoletedBy, []);
  assert.equal(e.updates, []);
  assert.equal([e.status], field(cite, 'Status:'));
  // RFC 3261's own first page: "Obsoletes: NNNN".
  const header = mirrorText('rfc3261.txt').split('\n').slice(0, 12).join('\n');
  const printed = /^Obsoletes: (\d+)\b/m.exec(header);
  assert.ok(printed, 'page 1 names what it obsoletes');
  assert.equal(e.obsoletes, [`RFC${printed[1]}`]);
  assert.ok(index.get(Number(printed[1]))!.obsoletedBy.includes('RFC3261'), 'and that RFC is obsoleted by RFC 3261');
});

const MONTH = 'January|February|March|April|May|June|July|August|September|October|November|December';
/** What follows the title: `. Authors. Date.` (`Ed..` when the last author is an editor). */
const AFTER_TITLE = new RegExp(`^\\.? (.+?)\\.? ((?:\\d{1,2} )?(?:${MONTH}) \\d{4})\\.$`);
/** An author as a list item, read token by token: initials, then name words; or a name of its own. */
function isAuthor(item: string): boolean {
  const tokens = item.split(' ');
  let i = 0;
  // `J.`, `S.D.`, `M-K.`, `J.-M.`, `Y(J).`, `Y(J)`, `Ó.`
  while (i < tokens.length && /^(?:\p{Lu}\p{L}*(?:\(\p{Lu}\))?\.?-?)+$/u.test(tokens[i]!) && /[.)]$/.test(tokens[i]!)) i++;
  const rest = tokens.slice(i);
  // Name words: `de`, `la`, `Tüxen`, `Reddy.K`, `St.Johns`, `St.`, `Jr.`, `3rd`.
  if (i > 0) return rest.length > 0 && rest.every((t) => /^(?:St\.|Jr\.|[\p{L}\p{N}'’-]+(?:\.[\p{L}]+)*)$/u.test(t));
  // An organisation (or a one-word name): capitalised words, a few small ones, acronyms in parentheses.
  // (`X.500/X.400 Task Force`; `End- to-End`, a hyphen the index wrapped after)
  return /^\p{Lu}/u.test(item) && rest.every((t) => /^(?:[\p{Lu}\p{N}][\p{L}\p{N}./&-]*|\([^()]+\)|[a-z]+-\p{Lu}\p{L}*|of|and|the|for|in|on|de|et|al\.|an)$/u.test(t));
}

test('every entry of the real index: the title starts its citation, and what follows parses as authors and a date', () => {
  let checked = 0;
  const wrong: string[] = [];
  for (const [n, cite] of citations) {
    if (/^\d+ Not Issued\.?$/.test(cite)) {
      assert.is(index.get(n), undefined, `RFC ${n}: "Not Issued" is no entry`);
      continue;
    }
    const e = index.get(n);
    assert.ok(e, `RFC ${n} is parsed`);
    checked++;
    const head = cite.slice(0, cite.search(/ \((?:Format:|Obsoletes |Obsoleted by |Updates |Updated by |Also |Status: |DOI: )/) >>> 0);
    const lead = `${n} ${e.title}`;
    const after = head.startsWith(lead) ? AFTER_TITLE.exec(head.slice(lead.length)) : null;
    const authors = after?.[1]!.split(', ') ?? [];
    const ok =
      after !== null &&
      // The title holds no author: no ", X. Surname" and no trailing ", X".
      !/, (?:[A-Z][A-Za-z]?[.-] ?)+[A-Z][a-z]+(?:,|$)|, [A-Z]{1,3}$/.test(e.title) &&
      authors.every((a, i) => isAuthor(a) || (i > 0 && /^(?:Ed\.?|II|III|et al\.?)$/.test(a)));
    if (!ok) wrong.push(`${n}: "${e.title}" | ${head.slice(lead.length)}`);
    // The relations as the citation lists them.
    assert.equal(e.obsoletes, field(cite, 'Obsoletes').map(rfc), `RFC ${n} obsoletes`);
    assert.equal(e.obsoletedBy, field(cite, 'Obsoleted by').map(rfc), `RFC ${n} obsoleted by`);
    assert.equal(e.updates, field(cite, 'Updates').map(rfc), `RFC ${n} updates`);
    assert.equal(e.updatedBy, field(cite, 'Updated by').map(rfc), `RFC ${n} updated by`);
  }
  assert.ok(checked > 9000, `${checked} entries checked`);
  assert.equal(wrong, [], `${wrong.length} of ${checked} entries`);
});

/** `RFC0404` → `RFC404`, as the index names documents after parsing. */
const rfc = (d: string) => d.replace(/^RFC0*(\d)/, 'RFC$1');

test('titles against the first page of every mirrored RFC', () => {
  const words = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  let modern = 0;
  let old = 0;
  for (const f of readdirSync(MIRROR!).filter((f) => /^rfc\d+\.txt$/.test(f))) {
    const n = Number(f.slice(3, -4));
    const title = words(index.get(n)!.title);
    assert.ok(title.length > 0, `RFC ${n} has an index title`);
    if (n >= 1000) {
      // A modern first page centres the title under the header block: the
      // index title is that, word for word, give or take two small words.
      const page = words(findTitle(buildDoc(parseDocName(`RFC${n}`), readFileSync(join(MIRROR!, f))).lines) ?? '');
      let j = 0;
      for (const w of page) if (j < title.length && title[j] === w) j++;
      assert.ok(j === title.length && page.length - title.length <= 2, `RFC ${n}: index "${index.get(n)!.title}", page 1 "${page.join(' ')}"`);
      modern++;
    } else {
      // An old first page has no title a program can find: its words are at its top.
      const top = new Set(words(mirrorText(f).split('\n').slice(0, 60).join('\n')));
      assert.ok(title.every((w) => top.has(w)), `RFC ${n}: "${index.get(n)!.title}" at the top of the text`);
      old++;
    }
  }
  assert.ok(modern > 100 && old >= 9, `${modern} modern and ${old} old first pages`);
});

test('the first pages\' "Obsoletes:" and "Updates:" agree with the index, but for a few', () => {
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
  // The RFC Editor corrects some relations after publication (RFC 3265's page 1 says it updates
  // RFC 2543, the index says RFC 3261): the index is followed, and disagreements stay rare.
  assert.ok(disagree.length <= checked / 20, `${disagree.length} of ${checked}: ${disagree.join('; ')}`);
});

test('parser: wrapped lines, zero-padded numbers, CRLF, preamble skipped (made-up entries)', () => {
  const lines = [
    'RFC INDEX',
    '  65010 An example in the preamble. A. Author. January 2026. (Format: TXT)',
    '#### is the RFC number.',
    '',
    '065001 A Made-up Title for RFC 65001. Q. Example. October 1972. (Format: TXT,',
    '     HTML) (Updates RFC065000) (Obsoleted',
    '     by RFC 65002) (Status: UNKNOWN)',
    '',
    '65003 A Made-up Extension. M-K. Example, Ed., E. M. Sample, P. Other, II. 1 April 2030.',
    '',
    '65004 Not Issued.',
  ];
  for (const eol of ['\n', '\r\n']) {
    const m = parseRfcIndex(lines.join(eol));
    assert.equal([...m.keys()], [65001, 65003], JSON.stringify(eol));
    assert.equal(m.get(65001), { number: 65001, title: 'A Made-up Title for RFC 65001', obsoletes: [], obsoletedBy: ['RFC65002'], updates: ['RFC65000'], updatedBy: [], status: 'UNKNOWN' });
    assert.is(m.get(65003)!.title, 'A Made-up Extension');
  }
});

test('the real index with CRLF line ends parses to the same entries', () => {
  const text = mirrorText('rfc-index.txt');
  assert.not.ok(text.includes('\r'), 'the mirror has LF line ends');
  assert.equal(parseRfcIndex(text.replace(/\n/g, '\r\n')), index);
});

test('loadDocs: an RFC gets the index title and relations, in the .json too; a draft keeps its own title', async () => {
  const cacheDir = tempDir('rfcdoc-index-');
  const { docs, diagnostics } = await loadDocs([parseDocName('RFC652'), parseDocName('RFC3261')], { cacheDir, mirror: MIRROR, offline: true });
  assert.equal(diagnostics.filter((d) => d.severity !== 'warning'), []);
  const rfc652 = docs.get('rfc652')!;
  assert.is(rfc652.title, index.get(652)!.title);
  assert.ok(citations.get(652)!.startsWith(`652 ${rfc652.title}. `), 'the title as the citation begins');
  assert.is(findTitle(rfc652.lines), undefined, 'its first page gives no title a program can find');
  assert.equal(docs.get('rfc3261')!.relations!.obsoletes, field(citations.get(3261)!, 'Obsoletes'));
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
  assert.is(docs.get('rfc652')!.title, index.get(652)!.title);
  assert.is(JSON.parse(readFileSync(path, 'utf8')).format, CACHE_FORMAT);
  assert.is(readFileSync(join(cacheDir, 'lock.json'), 'utf8'), lock);
});

test('without any index (offline, no mirror directory): the first-page title and one note, no error', async () => {
  const mirror = tempDir('rfcdoc-index-mirror-');
  writeFileSync(join(mirror, 'rfc3261.txt'), readFileSync(join(MIRROR!, 'rfc3261.txt')));
  const { docs, diagnostics } = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror, offline: true });
  assert.is(docs.get('rfc3261')!.title, findTitle(docs.get('rfc3261')!.lines), 'the first-page title');
  assert.is(docs.get('rfc3261')!.relations, undefined);
  assert.equal(diagnostics.map((d) => d.severity), ['note']);
  assert.match(diagnostics[0]!.message, /^rfc-index\.txt: could not fetch: .*rfc-index\.txt: no such file: without it an RFC's title is taken from its first page/);
});

test('a CRLF index in the mirror gives the same title and relations; a file that is no index gives a note naming it', async () => {
  const mirror = tempDir('rfcdoc-index-mirror-');
  writeFileSync(join(mirror, 'rfc3261.txt'), readFileSync(join(MIRROR!, 'rfc3261.txt')));
  writeFileSync(join(mirror, 'rfc-index.txt'), mirrorText('rfc-index.txt').replace(/\n/g, '\r\n'));
  const crlf = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror, offline: true });
  assert.equal(crlf.diagnostics, []);
  assert.equal(crlf.docs.get('rfc3261')!.relations, relationsOf(index.get(3261)!));
  // Another file under the index's name: an RFC text.
  writeFileSync(join(mirror, 'rfc-index.txt'), readFileSync(join(MIRROR!, 'rfc3261.txt')));
  const wrong = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror, offline: true });
  assert.equal(wrong.diagnostics.map((d) => d.severity), ['note']);
  assert.match(wrong.diagnostics[0]!.message, /rfc-index\.txt: \d+ RFC entr(y|ies) in \d+ bytes, not an rfc-index\.txt as the RFC Editor writes it/);
  assert.ok(wrong.diagnostics[0]!.message.startsWith(join(mirror, 'rfc-index.txt')), 'the note names the file');
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
  assert.is(row.title, index.get(3261)!.title);
  assert.is(row.status, index.get(3261)!.status);
  assert.equal(row.obsoletes, field(citations.get(3261)!, 'Obsoletes'));
  assert.equal(row.updatedBy, index.get(3261)!.updatedBy);
});

test("the RFC's page on the site shows its status and relations under the title", async () => {
  const { docs } = await loadDocs([parseDocName('RFC3261')], { cacheDir: tempDir('rfcdoc-index-'), mirror: MIRROR, offline: true });
  const doc = docs.get('rfc3261')!;
  const html = renderDocPage({ doc, citations: [], requirements: [] });
  const start = html.indexOf('<header class="pagehead">');
  const header = html.slice(start, html.indexOf('</header>', start));
  assert.match(header, `<h1>RFC 3261: ${index.get(3261)!.title}</h1>`);
  // Each RFC named as the site names it (RFC 2543), linked only where the site has its page (none here).
  const named = (labels: readonly string[]) => labels.map((l) => l.replace(/^RFC/, 'RFC ')).join(', ');
  assert.match(header, `<p class="meta series">Status: proposed standard · Obsoletes RFC 2543 · Updated by ${named(doc.relations!.updatedBy)}</p>`);
});

test.run();
