/** Debian's Chromium for the site's browser tests: the launch (tools/testkit/chromium.ts, which the site bench shares), and the helpers the tests share. */
import type { Page } from 'playwright-core';

export { launchChromium } from '../../tools/testkit/chromium.ts';

/** Every console error or warning and every uncaught error of `page`, pushed to `problems` as a line saying which. */
export function collectErrors(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

/** Click and wait until the page it leads to has loaded (an RFC page is long). */
export async function follow(p: Page, selector: string): Promise<void> {
  await Promise.all([p.waitForEvent('load'), p.click(selector)]);
}

/** Is the element's box inside the viewport? true, or a line saying where it is. */
export const inView = (p: Page, selector: string) =>
  p.$eval(selector, (el, selector) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= -1 && r.bottom <= window.innerHeight + 1 ? true : `${selector}: top ${r.top}, bottom ${r.bottom}, viewport ${window.innerHeight}`;
  }, selector);
