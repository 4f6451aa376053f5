/**
 * The site's search ranking on this repository's own entries (every module,
 * test, symbol, README, cited document, section and requirement sentence),
 * indexed in Node by MiniSearch with the configuration the page uses
 * (tools/site/assets/search-core.js, which search.ts imports): issue 14's
 * queries get the right first hits, words match on boundaries, nothing is
 * cut, and refs and section numbers are exact queries.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeProject } from '../../tools/annotate/project.ts';
import { pageFiles } from '../../tools/site/build.ts';
import { existing, SITE_PATHS } from '../../tools/site/pipeline.ts';
import { readSearchScript, searchEngine, searchIndex, searchQuery, searchScript, searchTokens, type SearchEngine, type SearchHit, type SearchIndex, type SearchResult } from '../../tools/site/search.ts';
import { realDoc, ROOT } from '../helpers.ts';
import { realStore } from './common.ts';

const test = suite('site search ranking (real entries)');

let index: SearchIndex;
let engine: SearchEngine;

test.before(async () => {
  const project = await analyzeProject({ root: ROOT, paths: await existing(ROOT, SITE_PATHS), store: realStore() });
  const { sources, readmes } = pageFiles(project);
  index = searchIndex(project, sources, readmes);
  // As the page does: the prebuilt index of the script, loaded.
  engine = searchEngine(readSearchScript(searchScript(index)));
});

const hits = (r: SearchResult): SearchHit[] => r.groups.flatMap((g) => g.hits).sort((a, b) => b.tier - a.tier || b.score - a.score);
const label = (h: SearchHit) => h.e[1];
const url = (h: SearchHit) => h.e[3];
/** The words of an entry as the index has them. */
const words = (h: SearchHit) => searchTokens(`${h.e[1]} ${h.e[2]} ${h.e[4] ?? ''}`).map((t) => t.toLowerCase());

test('the tokenizer: words on boundaries, camelCase and joined words also by parts, section numbers and refs whole', () => {
  assert.equal(searchTokens('timerB'), ['timerB', 'timer', 'B']);
  assert.equal(searchTokens('§17.1.1.2 Formal'), ['17.1.1.2', 'Formal']);
  assert.equal(searchTokens('Call-ID via.ts'), ['Call-ID', 'Call', 'ID', 'via.ts', 'via', 'ts']);
  assert.equal(searchTokens('P125L34, unbracket'), ['P125L34', 'unbracket']);
});

test('"Timer B": the timerB symbol first, then §17.1.1.2\'s timer B sentences; no registrar test', () => {
  const r = hits(searchQuery(engine, 'Timer B'));
  assert.is(label(r[0]!), 'timerB');
  assert.is(url(r[0]!), 'reference/sip/transaction/timers.ts.html#L48');
  assert.match(label(r[1]!), /^RFC 3261 §17\.1\.1\.2 P125L41 MUST/);
  assert.match(r[1]!.e[2], /MUST start timer B/);
  for (const h of r) assert.ok(words(h).includes('timer') && words(h).includes('b'), `${label(h)}: not "timer" and "b" as words`);
  assert.not.ok(r.some((h) => /registrar/.test(label(h))), r.map(label).join('\n'));
});

test('"P125L34": the line itself in RFC 3261, named with its section, first; a requirement\'s ref finds that requirement first', async () => {
  const r = hits(searchQuery(engine, 'P125L34'));
  assert.is(label(r[0]!), 'RFC 3261 P125L34');
  assert.is(url(r[0]!), 'rfc/rfc3261.html#P125L34');
  assert.is(r[0]!.e[2], 'RFC 3261 §17.1.1.2 Formal Description');
  // Every document with a line P125L34 has one hit for it, and only those.
  const rfc3261 = await realDoc('RFC3261');
  assert.ok(rfc3261.lines.some((l) => l.page === 125 && l.line === 34));
  for (const h of r) assert.match(label(h), /P125L34$/);
  // P125L41 starts the requirement 'MUST start timer B': the requirement comes before the line.
  const t = hits(searchQuery(engine, 'P125L41'));
  assert.match(label(t[0]!), /^RFC 3261 §17\.1\.1\.2 P125L41 MUST/);
  assert.is(url(t[0]!), 'rfc/rfc3261.html#P125L41-P125L43');
  // A line inside a requirement finds it too, and a document named first keeps to that document.
  const inside = hits(searchQuery(engine, 'RFC 3261 P125L42'));
  assert.is(label(inside[0]!), label(t[0]!));
  assert.ok(inside.every((h) => h.e[1].startsWith('RFC 3261 ')), inside.map(label).join('\n'));
});

test('"ACK": the ACK module and §17.1.1.3 lead their groups; only words that begin with "ack" match, never "unbracket"', () => {
  const res = searchQuery(engine, 'ACK');
  const group = (kind: string) => res.groups.find((g) => g.kind === kind)!.hits;
  assert.is(label(group('module')[0]!), 'reference/sip/transaction/ack.ts');
  assert.is(label(group('section')[0]!), 'RFC 3261 §17.1.1.3 Construction of the ACK Request');
  assert.is(label(hits(res)[0]!), 'reference/sip/transaction/ack.ts');
  const all = hits(res);
  for (const h of all) assert.ok(words(h).some((w) => w.startsWith('ack')), `${label(h)}: no word beginning with "ack"`);
  assert.not.ok(all.some((h) => /unbracket/i.test(h.e[1] + h.e[2])));
});

test('"17.1.1": §17.1.1 itself first, then §17.1.1.1–3 in order, then the requirements in them', () => {
  const r = hits(searchQuery(engine, '17.1.1'));
  assert.equal(r.slice(0, 4).map(label), [
    'RFC 3261 §17.1.1 INVITE Client Transaction',
    'RFC 3261 §17.1.1.1 Overview of INVITE Transaction',
    'RFC 3261 §17.1.1.2 Formal Description',
    'RFC 3261 §17.1.1.3 Construction of the ACK Request',
  ]);
  assert.is(url(r[0]!), 'rfc/rfc3261.html#section-17.1.1');
  const reqs = r.filter((h) => h.e[0] === 'requirement' && h.tier > 0);
  assert.ok(reqs.length > 10, `${reqs.length} requirements in §17.1.1`);
  for (const h of reqs) assert.match(h.e[6]!, /^17\.1\.1(\.|$)/);
  // "§17.1.1" and "RFC 3261 §17.1.1" say the same.
  assert.is(label(hits(searchQuery(engine, '§17.1.1'))[0]!), label(r[0]!));
  assert.is(label(hits(searchQuery(engine, 'RFC 3261 §17.1.1'))[0]!), label(r[0]!));
});

test('"retransmit": the requirement sentences that say it, as a word or the start of one (retransmits, retransmitted)', () => {
  const r = hits(searchQuery(engine, 'retransmit'));
  const sentences = r.filter((h) => h.e[0] === 'requirement');
  assert.ok(sentences.length >= 15, `${sentences.length} requirements`);
  for (const h of r) assert.ok(words(h).some((w) => w.startsWith('retransmit')), label(h));
  // Every entry with such a word is found: the ranking orders, never cuts.
  const expected = index.entries.filter((e) => searchTokens(`${e[1]} ${e[2]} ${e[4] ?? ''}`).some((w) => w.toLowerCase().startsWith('retransmit'))).length;
  assert.is(r.length, expected);
});

test('no silent cap: "MUST" returns every entry holding the word, grouped, with each group counted', () => {
  const res = searchQuery(engine, 'MUST');
  const expected = index.entries.filter((e) => searchTokens(`${e[1]} ${e[2]} ${e[4] ?? ''}`).some((w) => w.toLowerCase().startsWith('must'))).length;
  assert.ok(expected > 2000, `${expected}`);
  assert.is(res.total, expected);
  assert.is(res.groups.reduce((n, g) => n + g.hits.length, 0), expected);
});

test('a misspelling with no exact match gets close spellings, said to be fuzzy; a real word never does', () => {
  const typo = searchQuery(engine, 'retransmision');
  assert.ok(typo.fuzzy);
  assert.ok(hits(typo).some((h) => words(h).includes('retransmission')));
  assert.not.ok(searchQuery(engine, 'retransmission').fuzzy);
  const none = searchQuery(engine, 'zzzqqqxxj');
  assert.is(none.total, 0);
});

test('the index script sets one global, keeps every entry as it was (quotes and backslashes too) and cannot close a script element', () => {
  const js = searchScript(index);
  assert.ok(js.startsWith("window.RFCDOC_SEARCH=JSON.parse('"));
  assert.not.match(js, /<\//);
  const data = readSearchScript(js);
  assert.equal(data.entries, JSON.parse(JSON.stringify(index.entries)));
  assert.ok(index.entries.some((e) => e[2].includes("'")), 'some text has an apostrophe');
  assert.ok(data.index, 'the prebuilt MiniSearch index');
  assert.is(data.docs[0]![1], 'RFC3261', 'the most cited document first');
  // A text with every character the literal escapes comes back the same.
  const odd: SearchIndex = { docs: [], entries: [['module', "a\\b 'q' </script> \u2028", "it's \\' \"", 'x.html']] };
  assert.equal(readSearchScript(searchScript(odd)).entries, odd.entries);
  assert.not.match(searchScript(odd), /<\//);
});

test.run();
