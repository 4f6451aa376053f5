/**
 * Navigation on this repository's own site, in Debian's Chromium from
 * file:// (issue 14 §3, §4, §7): the coverage summary near the top of the
 * index at 1400×900 and the index as cards at 390×844 with no sideways
 * scrolling and no column lost; folder and module pages readable at 390 px;
 * inviteClient.ts's imports linked to pages that exist and a test that
 * imports it listed; breadcrumbs that reach folder pages that exist; and axe
 * with no serious or critical violation on the index and a folder page,
 * light and dark.
 */
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { serious } from './axe.ts';
import { launchChromium } from './chromium.ts';
import { repoSite, type RepoSite } from './repo-site.ts';

const test = peerSuite('site navigation in a browser (repository site)', ['chromium']);

const INDEX = 'index.html';
const FOLDER = 'reference/sip/transaction/index.html';
const MODULE = 'reference/sip/transaction/inviteClient.ts.html';

let site: RepoSite;
let desktop: BrowserContext;
let phone: BrowserContext;
let page: Page;
let small: Page;

test.before(async () => {
  site = await repoSite();
  desktop = await launchChromium({ bypassCSP: true });
  phone = await launchChromium({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  page = await desktop.newPage();
  small = await phone.newPage();
});

test.after(async () => {
  await desktop?.close();
  await phone?.close();
});

test('index at 1400×900: the coverage summary is above the fold, and every protocol of reference/ has its group', async () => {
  await page.goto(site.base + INDEX);
  const at = await page.locator('#h-coverage').evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`  coverage summary at y = ${Math.round(at)} px of ${height}`);
  assert.ok(at < 900 - 100, `coverage summary at y = ${at}`);
  // Its summary line says the figures; its table has a row per protocol.
  assert.match(await page.locator('#h-coverage + .summary').innerText(), /requirements: \d+ tested, \d+ implemented/);
  const protocols = await page.locator('table.protocols tbody th a').allInnerTexts();
  const groups = await page.locator('section[aria-labelledby="h-modules"] .group h3 a code').allInnerTexts();
  for (const p of ['sip', 'sdp', 'rtp', 'stun', 'xmpp', 'auth', 'precis']) {
    assert.ok(protocols.includes(`${p}/`), `${p}/ in the coverage table: ${protocols.join(' ')}`);
    assert.ok(groups.includes(`reference/${p}/`), `reference/${p}/ grouped: ${groups.join(' ')}`);
  }
  // The tests are grouped the same way.
  const testGroups = await page.locator('section[aria-labelledby="h-tests"] .group h3 a code').allInnerTexts();
  for (const p of ['sip', 'sdp', 'rtp', 'stun', 'xmpp']) assert.ok(testGroups.includes(`test/reference/${p}/`), `test/reference/${p}/: ${testGroups.join(' ')}`);
  // Every group heading and folder row links a folder page that exists.
  const hrefs = await page.locator('main a[href$="/index.html"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
  assert.ok(hrefs.length > 40, `${hrefs.length} folder links`);
  for (const h of hrefs) assert.ok(existsSync(join(site.dir, h)), h);
});

/** The page's width beyond the viewport, and the cells of its card tables that take no space though they hold text. */
async function phoneLayout(p: Page) {
  return p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    cards: document.querySelectorAll('table.cards tbody tr').length,
    shown: [...document.querySelectorAll('table.cards tbody tr')].filter((tr) => getComputedStyle(tr).display === 'block').length,
    lost: [...document.querySelectorAll('table.cards tbody td, table.cards tbody th')]
      .filter((c) => (c.textContent ?? '').trim() !== '' && c.getClientRects().length === 0)
      .map((c) => `${c.closest('tr')?.querySelector('th')?.textContent}: ${c.getAttribute('data-label')}`),
    unlabelled: [...document.querySelectorAll('table.cards tbody td')].filter((c) => !c.getAttribute('data-label')).length,
  }));
}

for (const path of [INDEX, FOLDER]) {
  test(`${path} at 390×844: cards, every column shown with its label, no sideways scrolling`, async () => {
    await small.goto(site.base + path);
    const l = await phoneLayout(small);
    assert.ok(l.scrollWidth <= 390, `scrollWidth ${l.scrollWidth}`);
    assert.ok(l.cards > 0, 'card rows');
    assert.is(l.shown, l.cards, 'every row is a card');
    assert.equal(l.lost, []);
    assert.is(l.unlabelled, 0);
  });
}

test(`${MODULE} at 390×844: the page body does not pan sideways (the code scrolls in its own box)`, async () => {
  await small.goto(site.base + MODULE);
  const l = await small.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, code: (document.querySelector('.code') as HTMLElement).scrollWidth }));
  assert.ok(l.scrollWidth <= 390, `scrollWidth ${l.scrollWidth}`);
  assert.ok(l.code > 390, 'the code box itself is wider inside (it scrolls)');
});

test(`${MODULE}: its imports link to pages that exist; a test that imports it is listed and linked`, () => {
  const html = readFileSync(join(site.dir, MODULE), 'utf8');
  const source = readFileSync(join(ROOT, 'reference/sip/transaction/inviteClient.ts'), 'utf8');
  const relative = [...source.matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => m[1]!);
  assert.ok(relative.length >= 2, relative.join(' '));
  const links = new Map([...html.matchAll(/<a class="import" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[2]!, m[1]!]));
  for (const spec of relative) {
    const to = links.get(spec);
    assert.ok(to, `${spec} is linked`);
    assert.is(to, `${posix.basename(spec)}.html`);
    assert.ok(existsSync(join(site.dir, posix.dirname(MODULE), to)), to);
  }
  const related = /<details class="related"[^>]*>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
  const importer = 'test/reference/sip/transaction/inviteClient.test.ts';
  assert.match(related, new RegExp(`<a href="([^"]*)"><code>${importer}</code></a> <span class="why">imports it`));
  const to = new RegExp(`<a href="([^"]*)"><code>${importer}</code>`).exec(related)![1]!;
  assert.ok(existsSync(join(site.dir, posix.dirname(MODULE), to)), to);
  // And back: the test's page lists the module.
  const back = readFileSync(join(site.dir, `${importer}.html`), 'utf8');
  assert.match(back, '<code>reference/sip/transaction/inviteClient.ts</code></a> <span class="why">imported');
});

// README pages (their tables and code blocks): the page does not pan at 390 px; each README table or code block that
// scrolls is a Tab stop. (A proposal page: proposals-repo.test.ts.)
for (const path of ['README.html', 'reference/xmpp/README.html']) {
  test(`${path} at 390×844: the page body does not pan sideways, and what scrolls in it is a Tab stop`, async () => {
    await small.goto(site.base + path);
    const l = await small.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      unreachable: [...document.querySelectorAll('.prose table, .prose pre')].filter((e) => e.scrollWidth > e.clientWidth && e.getAttribute('tabindex') !== '0').length,
    }));
    assert.ok(l.scrollWidth <= 390, `scrollWidth ${l.scrollWidth}`);
    assert.is(l.unreachable, 0);
  });
}

test('breadcrumbs on the module page reach folder pages that exist', async () => {
  await page.goto(site.base + MODULE);
  const crumbs = page.locator('nav[aria-label="Breadcrumb"] li');
  assert.equal(await crumbs.allInnerTexts(), ['reference', 'sip', 'transaction', 'inviteClient.ts']);
  assert.is(await page.locator('nav[aria-label="Breadcrumb"] [aria-current="page"]').innerText(), 'inviteClient.ts');
  await page.locator('nav[aria-label="Breadcrumb"] a', { hasText: 'transaction' }).click();
  assert.ok(page.url().endsWith(FOLDER), page.url());
  assert.match(await page.locator('h1').innerText(), /SIP transaction layer/);
  await page.locator('nav[aria-label="Breadcrumb"] a', { hasText: 'sip' }).click();
  assert.ok(page.url().endsWith('reference/sip/index.html'), page.url());
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${MODULE} at 390×844, ${colorScheme}: no serious or critical axe violation (its quote boxes wrap, no box scrolls)`, async () => {
    await small.emulateMedia({ colorScheme });
    await small.goto(site.base + MODULE);
    assert.equal(await serious(small), []);
  });
}

for (const path of [INDEX, FOLDER]) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${path}, ${colorScheme}: no serious or critical axe violation`, async () => {
      await page.emulateMedia({ colorScheme });
      await page.goto(site.base + path);
      assert.equal(await serious(page), []);
    });
  }
}

test.run();
