/**
 * RFC pages that read whole (issue 14): a line's back-links stay one line
 * high however many there are (the first link, the rest behind a disclosure);
 * line numbers are no Tab stops but still link their line when clicked; a
 * followed range (#P39L25-P39L29) marks every line of it. Built from the site
 * fixture plus a test file whose tags cite P54L1 five times (as the real tree
 * does) and P39L25 three times; the browser part runs in Debian's Chromium.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { tempDir } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { collectErrors, launchChromium } from './chromium.ts';
import { build, FIXTURE, lineWithId } from './common.ts';

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

html('a line cited five times shows one link and a "+4 more" disclosure holding the other four, no link in its summary', async () => {
  const row = lineWithId(await rfcPage(), 'P54L1')!;
  const notes = row.slice(row.indexOf('<span class=notes>'));
  const [visible, rest] = notes.split('<details>') as [string, string | undefined];
  assert.ok(rest, `no disclosure: ${notes}`);
  assert.is(visible.match(/<a /g)?.length, 1, `one link before the disclosure: ${visible}`);
  const summary = rest.slice(0, rest.indexOf('</summary>'));
  assert.match(summary, /\+4 more/);
  assert.not.match(summary, /<a |<button|<input/, 'nothing interactive inside the summary');
  assert.is(rest.match(/<a class=c[itxd] /g)?.length, 4, rest);
});

html('a line cited once keeps its single link and no disclosure', async () => {
  const row = lineWithId(await rfcPage(), 'P143L14')!;
  assert.is(row.match(/<a class=c[itxd] /g)?.length, 1, row);
  assert.not.match(row, /details/);
});

html('no line number is a link or a Tab stop: the line shows its id from CSS; cited ranges have anchors', async () => {
  const page = await rfcPage();
  // A page of the RFC is one line of the HTML: its lines are the elements with a line's id.
  const rows = page.split(/(?=<div id=P\d+L\d+[ >])/).filter((r) => /^<div id=P\d+L\d+[ >]/.test(r));
  assert.ok(rows.length > 1000, `${rows.length} lines`);
  for (const r of rows) {
    const id = /^<div id=(P\d+L\d+)/.exec(r)![1]!;
    assert.not.ok(r.includes(`href=#${id}>`) || r.includes(`href="#${id}"`), `line number of ${id} is a link: ${r}`);
    assert.not.match(r, /tabindex="(?!-)/, r);
  }
  const css = readFileSync(join(await site(), 'assets', 'rfc.css'), 'utf8');
  assert.match(css, /\.rfc :is\(\.pg, \.req\) > \[id\]::before \{ content: attr\(id\)/);
  assert.ok(lineWithId(page, 'P39L25')!.includes('<span id=P39L25-P39L29></span>'));
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

const height = (id: string) => page.$eval(`#${id}`, (el) => el.getBoundingClientRect().height);
const inRange = () => page.$$eval('.rfc .in-range', (ls) => ls.map((l) => l.id));

browser('following a range marks every line of it, start in view, with an edge that is not colour alone', async () => {
  await page.goto(`${base}#P39L25-P39L29`);
  assert.equal(await inRange(), ['P39L25', 'P39L26', 'P39L27', 'P39L28', 'P39L29']);
  const top = await page.$eval('#P39L25', (el) => el.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 900, `first line at ${top}`);
  // Each line of it says so in its number column (a mark, not a colour), and the range does not move the text.
  const marks = await page.$$eval('.rfc .in-range', (ls) => ls.map((l) => getComputedStyle(l, '::before').content));
  assert.equal(marks, ['P39L25', 'P39L26', 'P39L27', 'P39L28', 'P39L29'].map((id) => `"\u25B6 ${id}"`));
  assert.is(await height('P39L25'), await height('P39L32'));
  // Another range replaces the first; a single line marks itself.
  await page.goto(`${base}#P54L1-P54L4`);
  assert.equal(await inRange(), ['P54L1', 'P54L2', 'P54L3', 'P54L4']);
  await page.goto(`${base}#P143L14`);
  assert.equal(await inRange(), ['P143L14']);
});

browser('a range across a page break marks the lines of both pages', async () => {
  const ids = await page.evaluate(() => {
    const ends = document.querySelectorAll('#page-39 [id^="P"]:not(span)');
    return [ends[ends.length - 1]!.id, document.querySelector('#page-40 [id^="P"]:not(span)')!.id];
  });
  await page.goto(`${base}#${ids[0]}-${ids[1]}`);
  assert.equal(await inRange(), ids);
});

browser("a line cited five times is as tall as a plain line, closed and open; the disclosure opens from the keyboard", async () => {
  await page.goto(base);
  // A plain line: text, nothing cited.
  const plain = await height('P39L32');
  assert.ok(plain > 10 && plain < 30, `${plain}`);
  assert.match((await page.textContent('#P39L32'))!, /\w/);
  assert.is(await height('P54L1'), plain);
  assert.is(await height('P39L25'), plain);
  await page.focus('#P54L1 summary');
  await page.keyboard.press('Enter');
  assert.ok(await page.isVisible('#P54L1 details > span a >> nth=3'), 'the other links shown');
  assert.is(await height('P54L1'), plain, 'opening does not grow the line');
  await page.keyboard.press('Tab');
  assert.is(await page.evaluate(() => document.activeElement?.closest('.notes details > span') !== null), true, 'Tab goes into the opened list');
});

browser('Tab never stops on a line number, and clicking a line number links its line', async () => {
  await page.goto(base);
  // Links (back-links, and the text's own section and reference links) and disclosures are Tab stops; nothing else is.
  const stops = await page.$$eval('.rfc :is(.pg, .req) > [id] *', (els) =>
    els.filter((e) => (e as HTMLElement).tabIndex >= 0 && !e.matches('a[href], summary')).map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.equal(stops, []);
  // The number is the line's ::before, in its first column.
  await page.click('#P39L32', { position: { x: 4, y: 8 } });
  assert.is(await page.evaluate(() => window.location.hash), '#P39L32');
  assert.equal(await inRange(), ['P39L32']);
  // Clicking the text selects text, it does not move the page's hash.
  await page.click('#P39L33', { position: { x: 200, y: 8 } });
  assert.is(await page.evaluate(() => window.location.hash), '#P39L32');
});

browser('no console error', () => {
  assert.equal(problems, []);
});

browser.run();
