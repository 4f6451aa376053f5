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
import { peerSuite } from '../peers.ts';
import { serious } from './axe.ts';
import { chromiumSuite } from './chromium.ts';
import { repoSite } from './repo-site.ts';

const test = peerSuite('site search in a browser (real site)', ['chromium']);
const ui = chromiumSuite(test, repoSite);

test.before(() => {
  ui.page.on('request', (r) => {
    if (!r.url().startsWith(ui.base)) ui.problems.push(`request outside the site: ${r.url()}`);
  });
});

const attr = (name: string) => ui.page.getAttribute('#search-q', name);
const options = () => ui.page.$$eval('#search-results [role="option"]', (os) => os.map((o) => o.querySelector('.label')?.textContent ?? o.textContent ?? ''));
/** Types `q` into the box and waits for the options it gives. */
async function search(q: string): Promise<string[]> {
  await ui.page.fill('#search-q', q);
  await ui.page.waitForFunction((q) => document.getElementById('search-status')?.textContent !== '' && document.getElementById('search-q') instanceof HTMLInputElement && (document.getElementById('search-q') as HTMLInputElement).value === q && document.querySelector('#search-results [role="option"]'), q);
  return options();
}

test('the box is an ARIA combobox: `/` focuses it from the page, and the index loads only then', async () => {
  const loaded: string[] = [];
  const seen = (r: { url(): string }) => {
    if (/assets\/(minisearch|search-core|search-index)\.js$/.test(r.url())) loaded.push(r.url().replace(/^.*\//, ''));
  };
  ui.page.on('request', seen);
  await ui.page.goto(ui.base + 'index.html');
  assert.is(await attr('role'), 'combobox');
  assert.is(await attr('aria-expanded'), 'false');
  assert.is(await ui.page.getAttribute(`#${await attr('aria-controls')}`, 'role'), 'listbox');
  assert.equal(loaded, [], 'nothing loaded before the box is used');
  await ui.page.keyboard.press('/');
  assert.is(await ui.page.evaluate(() => document.activeElement?.id), 'search-q');
  await ui.page.waitForFunction(() => 'RfcdocSearch' in window && 'RFCDOC_SEARCH' in window && 'MiniSearch' in window);
  assert.equal(loaded.sort(), ['minisearch.js', 'search-core.js', 'search-index.js']);
  ui.page.off('request', seen);
  // Inside the box a '/' is a character like any other.
  await ui.page.keyboard.type('a/b');
  assert.is(await ui.page.inputValue('#search-q'), 'a/b');
});

test('"Timer B": the timerB symbol is the first option; arrows move the active option, Enter follows it', async () => {
  const shown = await search('Timer B');
  assert.is(shown[0], 'timerB');
  assert.match(shown[1]!, /^RFC 3261 §17\.1\.1\.2 P125L41 MUST/);
  assert.is(await attr('aria-expanded'), 'true');
  assert.is(await attr('aria-activedescendant'), null);
  await ui.page.keyboard.press('ArrowDown');
  const first = (await attr('aria-activedescendant'))!;
  assert.is(await ui.page.getAttribute(`#${first}`, 'aria-selected'), 'true');
  await ui.page.keyboard.press('ArrowDown');
  const second = (await attr('aria-activedescendant'))!;
  assert.is.not(second, first);
  assert.is(await ui.page.getAttribute(`#${first}`, 'aria-selected'), 'false');
  await ui.page.keyboard.press('ArrowUp');
  assert.is(await attr('aria-activedescendant'), first);
  await ui.page.keyboard.press('ArrowDown');
  await Promise.all([ui.page.waitForEvent('load'), ui.page.keyboard.press('Enter')]);
  assert.is(ui.page.url(), ui.base + 'rfc/rfc3261.html#P125L41-P125L43');
});

test('"P125L34": the line of RFC 3261 is the first option, and Enter with none chosen goes there', async () => {
  await ui.page.goto(ui.base + 'reference/sip/transaction/timers.ts.html');
  await ui.page.focus('#search-q');
  const shown = await search('P125L34');
  assert.is(shown[0], 'RFC 3261 P125L34');
  await Promise.all([ui.page.waitForEvent('load'), ui.page.keyboard.press('Enter')]);
  assert.is(ui.page.url(), ui.base + 'rfc/rfc3261.html#P125L34');
});

test('"ACK": groups counted, "Show all N" reveals the rest of a group and stays on its first new option; Escape closes', async () => {
  await ui.page.goto(ui.base + 'index.html');
  await ui.page.focus('#search-q');
  await search('ACK');
  const groups = await ui.page.$$eval('#search-results [role="group"]', (gs) =>
    gs.map((g) => ({ name: document.getElementById(g.getAttribute('aria-labelledby')!)!.textContent!, options: g.querySelectorAll('[role="option"]').length })),
  );
  const reqs = groups.find((g) => g.name.startsWith('Requirements'))!;
  const n = Number(/\((\d+)\)/.exec(reqs.name)![1]);
  assert.ok(n > 20, reqs.name);
  // Five hits and the "Show all" option.
  assert.is(reqs.options, 6);
  const more = ui.page.locator('#search-results [role="option"].more', { hasText: `Show all ${n} requirements` });
  const id = (await more.getAttribute('id'))!;
  // Arrow down to it, then Enter.
  for (let i = 0; i < 50 && (await attr('aria-activedescendant')) !== id; i++) await ui.page.keyboard.press('ArrowDown');
  assert.is(await attr('aria-activedescendant'), id);
  await ui.page.keyboard.press('Enter');
  const after = await ui.page.$$eval('#search-results [role="group"]', (gs) => gs.map((g) => g.querySelectorAll('[role="option"]').length));
  assert.is(after[groups.indexOf(reqs)], n);
  const active = (await attr('aria-activedescendant'))!;
  assert.is(await ui.page.getAttribute(`#${active}`, 'class'), 'active');
  assert.is(ui.page.url(), ui.base + 'index.html', 'Show all does not navigate');
  await ui.page.keyboard.press('Escape');
  assert.is(await attr('aria-expanded'), 'false');
  assert.not.ok(await ui.page.isVisible('#search-pop'));
  await ui.page.keyboard.press('Escape');
  assert.is(await ui.page.inputValue('#search-q'), '');
});

test('a click on an option follows it, and the box keeps the focus while the pointer is pressed', async () => {
  await ui.page.goto(ui.base + 'index.html');
  await ui.page.focus('#search-q');
  await search('timerB');
  const option = ui.page.locator('#search-results [role="option"]').first();
  await option.hover();
  await ui.page.mouse.down();
  assert.is(await ui.page.evaluate(() => document.activeElement?.id), 'search-q');
  await Promise.all([ui.page.waitForEvent('load'), ui.page.mouse.up()]);
  assert.is(ui.page.url(), ui.base + 'reference/sip/transaction/timers.ts.html#L48');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe with the listbox open and an option active, ${colorScheme}: no serious or critical violation`, async () => {
    // A page of its own, its console not watched: axe reads the stylesheets by XHR, which file:// refuses, and says so there.
    const main = ui.page;
    ui.page = await ui.context.newPage();
    try {
      await ui.page.emulateMedia({ colorScheme });
      await ui.page.goto(ui.base + 'index.html');
      await ui.page.focus('#search-q');
      await search('retransmit');
      await ui.page.keyboard.press('ArrowDown');
      await ui.page.keyboard.press('ArrowDown');
      assert.ok(await ui.page.isVisible('#search-results'));
      assert.equal(await serious(ui.page), []);
    } finally {
      await ui.page.close();
      ui.page = main;
    }
  });
}

test('390×844: the results open below the box and stay on screen', async () => {
  await ui.page.emulateMedia({ colorScheme: 'light' });
  await ui.page.setViewportSize({ width: 390, height: 844 });
  try {
    await ui.page.goto(ui.base + 'reference/sip/transaction/inviteClient.ts.html');
    await ui.page.focus('#search-q');
    await search('Timer B');
    const box = (await ui.page.$eval('#search-pop', (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, width: window.innerWidth };
    }))!;
    assert.ok(box.left >= 0 && box.right <= box.width, JSON.stringify(box));
    const input = (await ui.page.$eval('#search-q', (el) => el.getBoundingClientRect().bottom))!;
    assert.ok(box.top >= input, `results start at ${box.top}, the box ends at ${input}`);
    await ui.page.screenshot({ path: '/tmp/rfcdoc-site-search-phone.png' });
  } finally {
    await ui.page.setViewportSize({ width: 1400, height: 900 });
  }
});

test('no console error and no request outside the site', () => {
  assert.equal(ui.problems, []);
});

test.run();
