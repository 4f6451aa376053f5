/**
 * The fixture site in a real browser (Debian's Chromium driven by
 * playwright-core), opened from file://: index → module → a quote box's link
 * to the RFC line → the backlink to the code → collapse all → search. No
 * console error, no request leaving the site. Then `rfcdoc serve` in the
 * same browser: an edit reloads the page, a broken edit shows diagnostics.
 * Screenshots of the module and RFC pages go to /tmp for a person to look at.
 */
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { tempDir } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { serve } from '../../tools/site/serve.ts';
import { collectErrors, follow, inView, launchChromium } from './chromium.ts';
import { build, FIXTURE, realStore } from './common.ts';

const test = peerSuite('site in a browser', ['chromium']);

let base: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

const launch = (javaScriptEnabled = true): Promise<BrowserContext> => launchChromium({ javaScriptEnabled });

/** Every request must stay inside the site directory; every console error is a problem. */
function watch(p: Page): void {
  p.on('request', (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the site: ${r.url()}`);
  });
  collectErrors(p, problems);
}

const targetId = (p: Page) => p.evaluate(() => document.querySelector(':target')?.id ?? null);

test.before(async () => {
  const out = join(tempDir('rfcdoc-site-browser-'), 'site');
  const result = await build(FIXTURE, out);
  assert.ok(result.ok, result.summary);
  base = pathToFileURL(out).href + '/';
  context = await launch();
  page = await context.newPage();
  watch(page);
});

test.after(async () => {
  await context?.close();
});

test('index → folder page → module page', async () => {
  await page.goto(base + 'index.html');
  assert.is(await page.title(), 'Index · rfcdoc');
  await follow(page, 'a[href="reference/sip/index.html"]');
  await follow(page, 'a[href="via.ts.html"]');
  assert.is(page.url(), base + 'reference/sip/via.ts.html');
  assert.is(await page.textContent('h1'), 'via.ts');
  await page.screenshot({ path: '/tmp/rfcdoc-site-module.png' });
});

test("a box's link opens the RFC at the cited range, highlighted; the backlink returns to the code line", async () => {
  await follow(page, '#L10 .cite a.ref');
  assert.is(page.url(), base + 'rfc/rfc3261.html#P39L25-P39L29');
  assert.is(await targetId(page), 'P39L25-P39L29');
  assert.is(await inView(page, '#P39L25'), true);
  const outline = await page.$eval('#P39L25', (el) => getComputedStyle(el).outlineStyle);
  assert.is(outline, 'solid', 'target line outlined');
  assert.match((await page.getAttribute('#P39L25', 'class'))!, /\bci\b/);
  await page.screenshot({ path: '/tmp/rfcdoc-site-rfc.png' });
  await follow(page, '#P39L25 .notes a');
  assert.is(page.url(), base + 'reference/sip/via.ts.html#L10');
  assert.is(await targetId(page), 'L10');
  assert.is(await inView(page, '#L10'), true);
});

test('boxes collapse one at a time and all at once', async () => {
  const openCount = () => page.$$eval('details.cite', (ds) => ds.filter((d) => (d as HTMLDetailsElement).open).length);
  const total = await page.$$eval('details.cite', (ds) => ds.length);
  assert.is(total, 3);
  assert.is(await openCount(), 3);
  await page.click('#L16 summary .kind');
  assert.is(await openCount(), 2);
  await page.click('button.toggle-all');
  assert.is(await openCount(), 0);
  assert.is(await page.textContent('button.toggle-all'), 'Expand all quotes');
  assert.not.ok(await page.isVisible('#L10 pre.quote'));
  await page.click('button.toggle-all');
  assert.is(await openCount(), 3);
  assert.ok(await page.isVisible('#L10 pre.quote'));
});

test('search for "nonce" finds the module and its symbols, and goes there', async () => {
  await page.fill('#search-q', 'nonce');
  await page.waitForSelector('#search-results [role="option"]');
  const results = await page.$$eval('#search-results [role="option"]', (os) => os.map((o) => o.textContent ?? ''));
  assert.ok(results.some((r) => r.includes('reference/auth/nonce.ts')), results.join('\n'));
  assert.ok(results.some((r) => r.startsWith('makeNonce') && r.includes('in reference/auth/nonce.ts:8')), results.join('\n'));
  await page.fill('#search-q', 'makeNonce');
  await page.waitForFunction(() => document.querySelector('#search-results [role="option"]')?.textContent?.includes('makeNonce'));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(base + 'reference/auth/nonce.ts.html#L8');
  assert.is(await targetId(page), 'L8');
});

test('light and dark themes follow prefers-color-scheme, code colours included', async () => {
  await page.goto(base + 'reference/sip/via.ts.html');
  const colours = () =>
    page.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.querySelector('#L11 .c span')!).color]);
  await page.emulateMedia({ colorScheme: 'light' });
  // github-light's keyword #d73a49, shown as #c53543 (AA_COLOURS: 4.5:1 on a proposal's removed lines too).
  assert.equal(await colours(), ['rgb(255, 255, 255)', 'rgb(197, 53, 67)']);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await colours(), ['rgb(13, 17, 23)', 'rgb(249, 117, 131)']);
  await page.emulateMedia({ colorScheme: 'light' });
});

test('keyboard: the skip link comes first and moves focus to the main content', async () => {
  await page.goto(base + 'index.html');
  await page.keyboard.press('Tab');
  assert.is(await page.evaluate(() => document.activeElement?.className), 'skip');
  assert.is(await inView(page, '.skip'), true);
  await page.keyboard.press('Enter');
  assert.is(await targetId(page), 'main');
});

test('without JavaScript: boxes open, no search box or toggle button shown', async () => {
  const plain = await launch(false);
  try {
    const p = await plain.newPage();
    watch(p);
    await p.goto(base + 'reference/sip/via.ts.html');
    assert.is(await p.$$eval('details.cite[open]', (ds) => ds.length), 3);
    assert.not.ok(await p.isVisible('form.search'));
    assert.not.ok(await p.isVisible('button.toggle-all'));
    await follow(p, '#L10 .cite a.ref');
    assert.is(p.url(), base + 'rfc/rfc3261.html#P39L25-P39L29');
  } finally {
    await plain.close();
  }
});

test('rfcdoc serve: an edit reloads the open page; a broken edit shows its diagnostics over the last good page', async () => {
  const root = tempDir('rfcdoc-serve-browser-');
  cpSync(FIXTURE, root, { recursive: true });
  const server = await serve({ root, store: realStore(), port: 0, log: () => {}, debounceMs: 30 });
  const p = await context.newPage();
  const outside: string[] = [];
  p.on('request', (r) => {
    if (!r.url().startsWith(server.url)) outside.push(r.url());
  });
  p.on('pageerror', (e) => problems.push(`page error (serve): ${e.message}`));
  try {
    const via = join(root, 'reference/sip/via.ts');
    const text = readFileSync(via, 'utf8');
    await p.goto(server.url + 'reference/sip/via.ts.html');
    // live.js marks the page once its event stream is open.
    await p.waitForSelector('html[data-live="open"]');
    await Promise.all([p.waitForEvent('load'), Promise.resolve().then(() => writeFileSync(via, text.replace('P143L14-P143L17', 'P143L14-P143L19')))]);
    assert.ok((await p.textContent('#L16 .ref'))!.includes('P143L14-P143L19'), 'reloaded with the edit');
    await p.waitForSelector('html[data-live="open"]');
    writeFileSync(via, text.replace('P143L14-P143L17', 'P143L14-P143L99'));
    await p.waitForSelector('.rfcdoc-diagnostics');
    const shown = (await p.textContent('.rfcdoc-diagnostics'))!;
    assert.match(shown, /reference\/sip\/via\.ts:16:\d+: error: /);
    assert.ok((await p.textContent('#L16 .ref'))!.includes('P143L14-P143L19'), 'last good page still shown');
    await p.screenshot({ path: '/tmp/rfcdoc-site-serve-broken.png' });
    assert.equal(outside, []);
  } finally {
    await p.close();
    await server.close();
  }
});

test('no console error and no request outside the site', () => {
  assert.equal(problems, []);
});

test.run();
