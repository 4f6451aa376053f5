/**
 * RFC pages that read whole (issue 14): a line's back-links stay one line
 * high however many there are (the first link, then "+N more", whose list
 * the citations script holds and rfc.js opens in place); line numbers are
 * drawn by CSS counters, no Tab stops, but still link their line when
 * clicked; only the lines the site links to carry their id in the HTML,
 * rfc.js numbers the rest; a followed range (#P39L25-P39L29) marks every
 * line of it. Built from the site
 * fixture plus a test file whose tags cite P54L1 five times (as the real tree
 * does) and P39L25 three times; the browser part runs in Debian's Chromium.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { realDoc, tempDir } from '../helpers.ts';
import { renderDocPage } from '../../tools/site/rfc-page.ts';
import { escText } from '../../tools/site/html.ts';
import { peerSuite } from '../peers.ts';
import { collectErrors, launchChromium } from './chromium.ts';
import { citesEntry, build, FIXTURE, lineWithId, rfcLines } from './common.ts';

const CANCEL_TEST = `/** CANCEL is built from the request it cancels. */
// @tests RFC3261 P54L1-P54L4
// @tests RFC3261 P54L1-P54L11
// @tests RFC3261 P54L1-P54L20
// @tests RFC3261 P54L1-P54L6
// @tests RFC3261 P54L1
// @tests RFC3261 P39L25-P39L29
// @tests RFC3261 P39L25-P39L26
export {};
`;

let out = '';
async function site(): Promise<string> {
  if (out) return out;
  const root = tempDir('rfcdoc-rfc-page-');
  cpSync(FIXTURE, root, { recursive: true });
  mkdirSync(join(root, 'test', 'sip'), { recursive: true });
  writeFileSync(join(root, 'test', 'sip', 'cancel.test.ts'), CANCEL_TEST);
  const dir = join(root, 'site');
  const result = await build(root, dir);
  assert.ok(result.ok, result.summary);
  out = dir;
  return dir;
}
const rfcPage = async () => readFileSync(join(await site(), 'rfc', 'rfc3261.html'), 'utf8');

const html = suite('RFC page markup');

/** The lists of RFC 3261's "+N more", as its citations script (cites/rfc3261.js) gives them to a page. */
async function moreLists(): Promise<Record<string, string>> {
  const window: { rfcdocCitations?: Record<string, Record<string, string>> } = {};
  runInNewContext(readFileSync(join(await site(), 'cites', 'rfc3261.js'), 'utf8'), { window });
  return window.rfcdocCitations!.rfc3261!;
}

html('a line cited five times shows one link and "+4 more", linking its entry of the citations page; the four others are in the citations script and on that page', async () => {
  const row = lineWithId(await rfcPage(), 'P54L1')!;
  const notes = row.slice(row.indexOf('<span class=notes>'));
  assert.is(notes.match(/<a class=c[itxd] /g)?.length, 1, `one back-link in the page: ${notes}`);
  assert.match(notes, /<a class=more href=\.\.\/cites\/rfc3261\.html#P54L1>\+4 more<\/a><\/span>$/);
  assert.is((await moreLists()).P54L1?.match(/<a class=c[itxd] /g)?.length, 4);
  const cites = readFileSync(join(await site(), 'cites', 'rfc3261.html'), 'utf8');
  const entry = citesEntry(cites, 'P54L1')!;
  assert.match(entry, /^<li id=P54L1><a class=at href=\.\.\/rfc\/rfc3261\.html#P54L1>P54L1<\/a> <code>/);
  assert.is(entry.match(/<a class=c[itxd] /g)?.length, 5, entry);
});

html('a line cited once keeps its single link, no count, no entry in the citations script', async () => {
  const row = lineWithId(await rfcPage(), 'P143L14')!;
  assert.is(row.match(/<a class=c[itxd] /g)?.length, 1, row);
  assert.not.match(row, /class=more/);
  assert.is((await moreLists()).P143L14, undefined);
});

html('every page is written, in order, its lines numbered by position; the ids written are the lines the site links to, each its own line\'s; no line number is a link or a Tab stop', async () => {
  const page = await rfcPage();
  // CSS numbers pages by counting them (counter(pg)): page k must be the k-th.
  const pages = [...page.matchAll(/<div class=pg id=page-(\d+)>/g)].map((m) => Number(m[1]));
  assert.equal(pages, pages.map((_, i) => i + 1));
  const lines = rfcLines(page);
  assert.ok(lines.length > 1000, `${lines.length} lines`);
  let written = 0;
  for (const l of lines) {
    const id = /^<li id=(P\d+L\d+)[ >]/.exec(l.html)?.[1];
    if (id) {
      written++;
      assert.is(id, l.id, `the line written ${id} is ${l.id} by position`);
    }
    assert.not.ok(l.html.includes(`href=#${l.id}>`) || l.html.includes(`href="#${l.id}"`), `line number of ${l.id} is a link: ${l.html}`);
    assert.not.match(l.html, /tabindex="(?!-)/, l.html);
  }
  // Where citations start (P39L25, P54L1), not the others (P39L28 inside a cited range, a blank P39L31).
  assert.ok(written > 10 && written < lines.length / 2, `${written} of ${lines.length} ids written`);
  for (const [id, has] of [['P39L25', true], ['P54L1', true], ['P39L28', false], ['P39L31', false]] as const) assert.is(/^<li id=/.test(lineWithId(page, id)!), has, id);
  const css = readFileSync(join(await site(), 'assets', 'rfc.css'), 'utf8');
  assert.match(css, /\.rfc \.pg li:not\(\.req\)::before \{ content: "P" counter\(pg\) "L" counter\(ln\);/);
  assert.ok(lineWithId(page, 'P39L25')!.includes('<span id=P39L25-P39L29></span>'));
});

// RFC 652's page 3 runs past 48 lines and its line 51 is too short to keep (tools/spec/paginate.ts): P3L52 follows P3L50.
html('a line the pagination dropped keeps its place: an empty hidden item stands for it, so the next line is still numbered by its place (RFC 652, from the mirror)', async () => {
  const doc = await realDoc('RFC652');
  const at = doc.lines.findIndex((l) => l.page === 3 && l.line === 52);
  assert.ok(at > 0 && doc.lines[at - 1]!.line === 50, 'P3L51 is not a kept line of RFC 652');
  const lines = rfcLines(renderDocPage({ doc, citations: [], requirements: [] }));
  assert.is(lines.find((l) => l.id === 'P3L51')!.html, '<li class=drop>');
  assert.is(lines.find((l) => l.id === 'P3L52')!.html, `<li>${escText(doc.lines[at]!.text)}`);
  assert.is(lines.length, doc.lines.length + 1);
});

html.run();

const browser = peerSuite('RFC page in a browser', ['chromium']);
let chrome: BrowserContext;
let page: Page;
const problems: string[] = [];
let base = '';

browser.before(async () => {
  base = pathToFileURL(join(await site(), 'rfc', 'rfc3261.html')).href;
  chrome = await launchChromium();
  page = await chrome.newPage();
  collectErrors(page, problems);
});
browser.after(async () => {
  await chrome?.close();
});

/**
 * The number drawn before a line, as the accessibility tree holds it (the
 * text of its ::before, the line's first child there): what a screen
 * reader reads, and what CSS counters made.
 */
async function drawn(selector: string): Promise<string> {
  // A page far from the window is not laid out (content-visibility), so it has no drawn number yet: brought into view first.
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { node } = await cdp.send('DOM.describeNode', { nodeId });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId: node.backendNodeId, fetchRelatives: false });
    const { nodes: kids } = await cdp.send('Accessibility.getChildAXNodes', { id: nodes[0]!.childIds![0]! });
    return kids.filter((k) => k.role?.value === 'StaticText').map((k) => k.name?.value).join('');
  } finally {
    await cdp.detach();
  }
}

const height = (id: string) => page.$eval(`#${id}`, (el) => el.getBoundingClientRect().height);
const inRange = () => page.$$eval('.rfc .in-range', (ls) => ls.map((l) => l.id));

browser('following a range marks every line of it, start in view, with an edge that is not colour alone', async () => {
  await page.goto(`${base}#P39L25-P39L29`);
  assert.equal(await inRange(), ['P39L25', 'P39L26', 'P39L27', 'P39L28', 'P39L29']);
  const top = await page.$eval('#P39L25', (el) => el.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 900, `first line at ${top}`);
  // Each line of it says so in its number column (a mark, not a colour), and the range does not move the text.
  const marks: string[] = [];
  for (const id of await inRange()) marks.push(await drawn(`[id="${id}"]`));
  assert.equal(marks, ['P39L25', 'P39L26', 'P39L27', 'P39L28', 'P39L29'].map((id) => `\u25B6 ${id}`));
  assert.is(await drawn('#P39L32'), 'P39L32', 'a line outside the range: its number alone');
  assert.is(await height('P39L25'), await height('P39L32'));
  // Another range replaces the first; a single line marks itself.
  await page.goto(`${base}#P54L1-P54L4`);
  assert.equal(await inRange(), ['P54L1', 'P54L2', 'P54L3', 'P54L4']);
  await page.goto(`${base}#P143L14`);
  assert.equal(await inRange(), ['P143L14']);
});

browser('a range across a page break marks the lines of both pages', async () => {
  // The last line of page 39 and the first of page 40, by their place.
  const ids = await page.evaluate(() => [`P39L${document.querySelectorAll('#page-39 li:not(.req)').length}`, 'P40L1']);
  await page.goto(`${base}#${ids[0]}-${ids[1]}`);
  assert.equal(await inRange(), ids);
});

browser("a line cited five times is as tall as a plain line, closed and open; its \"+4 more\" opens in place from the keyboard, and closes with Escape", async () => {
  await page.goto(base);
  // A plain line: text, nothing cited.
  const plain = await height('P39L32');
  assert.ok(plain > 10 && plain < 30, `${plain}`);
  assert.match((await page.textContent('#P39L32'))!, /\w/);
  assert.is(await height('P54L1'), plain);
  assert.is(await height('P39L25'), plain);
  assert.is(await page.getAttribute('#P54L1 a.more', 'aria-expanded'), 'false');
  await page.focus('#P54L1 a.more');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#P54L1 .morelist a >> nth=3');
  assert.is(await page.$$eval('#P54L1 .morelist a', (as) => as.length), 4, 'the other four links shown');
  assert.is(page.url(), base, 'the page stays');
  assert.is(await page.getAttribute('#P54L1 a.more', 'aria-expanded'), 'true');
  assert.is(await height('P54L1'), plain, 'opening does not grow the line');
  await page.keyboard.press('Tab');
  assert.is(await page.evaluate(() => document.activeElement?.closest('.morelist') !== null), true, 'Tab goes into the opened list');
  await page.keyboard.press('Escape');
  assert.is(await page.$$eval('#P54L1 .morelist', (l) => l.length), 0);
  assert.is(await page.evaluate(() => document.activeElement?.matches('#P54L1 a.more')), true, 'focus back on the count');
});

browser('each line shows its number, P<page>L<n>, as a screen reader reads it; a link to a line the page wrote no id for lands on it, which rfc.js then gives its id', async () => {
  assert.not.match(lineWithId(await rfcPage(), 'P40L3')!, /^<li id=/, 'the page wrote no id for P40L3');
  await page.goto(`${base}#P40L3`);
  const top = await page.$eval('#P40L3', (el) => el.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 900, `P40L3 at ${top}`);
  assert.equal(await inRange(), ['P40L3']);
  // Every line of pages 39 and 40 and of the first three pages starting with a requirement's run (its nested list: a counter
  // made in the wrong place restarts after it), and of the last page, by its place (a mark the test sets): its number is P<page>L<place>.
  const places = await page.evaluate(() => {
    const pages = [...document.querySelectorAll('.rfc .pg')];
    const runFirst = pages.filter((p) => p.querySelector(':scope > ol > li:first-child')?.classList.contains('req')).slice(0, 3);
    const chosen = [...new Set([document.getElementById('page-39')!, document.getElementById('page-40')!, ...runFirst, pages[pages.length - 1]!])];
    return chosen.flatMap((p) => {
      const n = p.id.slice('page-'.length);
      return [...p.querySelectorAll('li:not(.req)')].map((l, i) => {
        l.setAttribute('data-place', `P${n}L${i + 1}`);
        return `P${n}L${i + 1}`;
      });
    });
  });
  assert.ok(places.length > 200, `${places.length}`);
  for (const id of places) assert.is((await drawn(`[data-place="${id}"]`)).replace(/^\u25B6\s*/, ''), id);
});

browser('after a line the pagination dropped, the next shows its own number and a link to it lands on it (RFC 652 P3L52, after P3L50)', async () => {
  const doc = await realDoc('RFC652');
  const text = doc.lines.find((l) => l.page === 3 && l.line === 52)!.text;
  const file = join(await site(), 'rfc', 'rfc652.html');
  writeFileSync(file, renderDocPage({ doc, citations: [], requirements: [] }));
  await page.goto(`${pathToFileURL(file).href}#P3L52`);
  assert.equal(await inRange(), ['P3L52']);
  assert.is(await page.textContent('#P3L52'), text);
  assert.is(await drawn('#P3L52'), '\u25B6 P3L52');
  assert.is(await page.$eval('#page-3 li.drop', (l) => l.getBoundingClientRect().height), 0);
});

browser('Tab never stops on a line number, and clicking a line number links its line', async () => {
  await page.goto(base);
  // Links (back-links, "+N more", and the text's own section and reference links) are Tab stops; nothing else is.
  const stops = await page.$$eval('.rfc .pg li:not(.req) *', (els) =>
    els.filter((e) => (e as HTMLElement).tabIndex >= 0 && !e.matches('a[href]')).map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.equal(stops, []);
  // The number is the line's ::before, in its first column.
  await page.click('#P39L32', { position: { x: 4, y: 8 } });
  assert.is(await page.evaluate(() => window.location.hash), '#P39L32');
  assert.equal(await inRange(), ['P39L32']);
  // A line whose id the page did not write: the click gives it its id.
  assert.not.match(lineWithId(await rfcPage(), 'P39L28')!, /^<li id=/);
  const p39l28 = page.locator('#page-39 li:not(.req) >> nth=27');
  await p39l28.click({ position: { x: 4, y: 8 } });
  assert.is(await page.evaluate(() => window.location.hash), '#P39L28');
  assert.is(await p39l28.getAttribute('id'), 'P39L28');
  await page.click('#P39L32', { position: { x: 4, y: 8 } });
  // Clicking the text selects text, it does not move the page's hash.
  await page.locator('#page-39 li:not(.req) >> nth=32').click({ position: { x: 200, y: 8 } });
  assert.is(await page.evaluate(() => window.location.hash), '#P39L32');
});

browser('no console error', () => {
  assert.equal(problems, []);
});

browser.run();
