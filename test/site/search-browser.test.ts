/**
 * The search box of this repository's own site in Debian's Chromium, from
 * file://: `/` focuses it, the engine and index load on that first focus,
 * "Timer B" and "P125L34" give the right first option, arrows move
 * aria-activedescendant and Enter follows, "Show all N" reveals a group's
 * rest, Escape closes; axe-core finds no serious or critical violation with
 * the listbox open, light and dark; at 390×844 the results stay on screen.
 * No console error, no request outside the site.
 */
import * as assert from 'uvu/assert';
import type { BrowserContext, Page } from 'playwright-core';
import { peerSuite } from '../peers.ts';
import { serious } from './axe.ts';
import { collectErrors, launchChromium } from './chromium.ts';
import { repoSite } from './repo-site.ts';

const test = peerSuite('site search in a browser (real site)', ['chromium']);

let base: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

test.before(async () => {
  ({ base } = await repoSite());
  // axe is injected into the page: the context bypasses the page's CSP for it.
  context = await launchChromium({ bypassCSP: true });
  page = await context.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the site: ${r.url()}`);
  });
  collectErrors(page, problems);
});

test.after(async () => {
  await context?.close();
});

const attr = (name: string) => page.getAttribute('#search-q', name);
const options = () => page.$$eval('#search-results [role="option"]', (os) => os.map((o) => o.querySelector('.label')?.textContent ?? o.textContent ?? ''));
/** Types `q` into the box and waits for the options it gives. */
async function search(q: string): Promise<string[]> {
  await page.fill('#search-q', q);
  await page.waitForFunction((q) => document.getElementById('search-status')?.textContent !== '' && document.getElementById('search-q') instanceof HTMLInputElement && (document.getElementById('search-q') as HTMLInputElement).value === q && document.querySelector('#search-results [role="option"]'), q);
  return options();
}

test('the box is an ARIA combobox: `/` focuses it from the page, and the index loads only then', async () => {
  const loaded: string[] = [];
  const seen = (r: { url(): string }) => {
    if (/assets\/(minisearch|search-core|search-index)\.js$/.test(r.url())) loaded.push(r.url().replace(/^.*\//, ''));
  };
  page.on('request', seen);
  await page.goto(base + 'index.html');
  assert.is(await attr('role'), 'combobox');
  assert.is(await attr('aria-expanded'), 'false');
  assert.is(await page.getAttribute(`#${await attr('aria-controls')}`, 'role'), 'listbox');
  assert.equal(loaded, [], 'nothing loaded before the box is used');
  await page.keyboard.press('/');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'search-q');
  await page.waitForFunction(() => 'RfcdocSearch' in window && 'RFCDOC_SEARCH' in window && 'MiniSearch' in window);
  assert.equal(loaded.sort(), ['minisearch.js', 'search-core.js', 'search-index.js']);
  page.off('request', seen);
  // Inside the box a '/' is a character like any other.
  await page.keyboard.type('a/b');
  assert.is(await page.inputValue('#search-q'), 'a/b');
});

test('"Timer B": the timerB symbol is the first option; arrows move the active option, Enter follows it', async () => {
  const shown = await search('Timer B');
  assert.is(shown[0], 'timerB');
  assert.match(shown[1]!, /^RFC 3261 §17\.1\.1\.2 P125L41 MUST/);
  assert.is(await attr('aria-expanded'), 'true');
  assert.is(await attr('aria-activedescendant'), null);
  await page.keyboard.press('ArrowDown');
  const first = (await attr('aria-activedescendant'))!;
  assert.is(await page.getAttribute(`#${first}`, 'aria-selected'), 'true');
  await page.keyboard.press('ArrowDown');
  const second = (await attr('aria-activedescendant'))!;
  assert.is.not(second, first);
  assert.is(await page.getAttribute(`#${first}`, 'aria-selected'), 'false');
  await page.keyboard.press('ArrowUp');
  assert.is(await attr('aria-activedescendant'), first);
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.is(page.url(), base + 'rfc/rfc3261.html#P125L41-P125L43');
});

test('"P125L34": the line of RFC 3261 is the first option, and Enter with none chosen goes there', async () => {
  await page.goto(base + 'reference/sip/transaction/timers.ts.html');
  await page.focus('#search-q');
  const shown = await search('P125L34');
  assert.is(shown[0], 'RFC 3261 P125L34');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.is(page.url(), base + 'rfc/rfc3261.html#P125L34');
});

test('"ACK": groups counted, "Show all N" reveals the rest of a group and stays on its first new option; Escape closes', async () => {
  await page.goto(base + 'index.html');
  await page.focus('#search-q');
  await search('ACK');
  const groups = await page.$$eval('#search-results [role="group"]', (gs) =>
    gs.map((g) => ({ name: document.getElementById(g.getAttribute('aria-labelledby')!)!.textContent!, options: g.querySelectorAll('[role="option"]').length })),
  );
  const reqs = groups.find((g) => g.name.startsWith('Requirements'))!;
  const n = Number(/\((\d+)\)/.exec(reqs.name)![1]);
  assert.ok(n > 20, reqs.name);
  // Five hits and the "Show all" option.
  assert.is(reqs.options, 6);
  const more = page.locator('#search-results [role="option"].more', { hasText: `Show all ${n} requirements` });
  const id = (await more.getAttribute('id'))!;
  // Arrow down to it, then Enter.
  for (let i = 0; i < 50 && (await attr('aria-activedescendant')) !== id; i++) await page.keyboard.press('ArrowDown');
  assert.is(await attr('aria-activedescendant'), id);
  await page.keyboard.press('Enter');
  const after = await page.$$eval('#search-results [role="group"]', (gs) => gs.map((g) => g.querySelectorAll('[role="option"]').length));
  assert.is(after[groups.indexOf(reqs)], n);
  const active = (await attr('aria-activedescendant'))!;
  assert.is(await page.getAttribute(`#${active}`, 'class'), 'active');
  assert.is(page.url(), base + 'index.html', 'Show all does not navigate');
  await page.keyboard.press('Escape');
  assert.is(await attr('aria-expanded'), 'false');
  assert.not.ok(await page.isVisible('#search-pop'));
  await page.keyboard.press('Escape');
  assert.is(await page.inputValue('#search-q'), '');
});

test('a click on an option follows it, and the box keeps the focus while the pointer is pressed', async () => {
  await page.goto(base + 'index.html');
  await page.focus('#search-q');
  await search('timerB');
  const option = page.locator('#search-results [role="option"]').first();
  await option.hover();
  await page.mouse.down();
  assert.is(await page.evaluate(() => document.activeElement?.id), 'search-q');
  await Promise.all([page.waitForEvent('load'), page.mouse.up()]);
  assert.is(page.url(), base + 'reference/sip/transaction/timers.ts.html#L48');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe with the listbox open and an option active, ${colorScheme}: no serious or critical violation`, async () => {
    // A page of its own, its console not watched: axe reads the stylesheets by XHR, which file:// refuses, and says so there.
    const main = page;
    page = await context.newPage();
    try {
      await page.emulateMedia({ colorScheme });
      await page.goto(base + 'index.html');
      await page.focus('#search-q');
      await search('retransmit');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.ok(await page.isVisible('#search-results'));
      assert.equal(await serious(page), []);
    } finally {
      await page.close();
      page = main;
    }
  });
}

test('390×844: the results open below the box and stay on screen', async () => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(base + 'reference/sip/transaction/inviteClient.ts.html');
    await page.focus('#search-q');
    await search('Timer B');
    const box = (await page.$eval('#search-pop', (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, width: window.innerWidth };
    }))!;
    assert.ok(box.left >= 0 && box.right <= box.width, JSON.stringify(box));
    const input = (await page.$eval('#search-q', (el) => el.getBoundingClientRect().bottom))!;
    assert.ok(box.top >= input, `results start at ${box.top}, the box ends at ${input}`);
    await page.screenshot({ path: '/tmp/rfcdoc-site-search-phone.png' });
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
});

test('no console error and no request outside the site', () => {
  assert.equal(problems, []);
});

test.run();
