/** Debian's Chromium for the site's browser tests: the launch (tools/testkit/chromium.ts, which the site bench shares), and the helpers the tests share. */
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { Test } from 'uvu';
import { launchChromium } from '../../tools/testkit/chromium.ts';

export { launchChromium };

/** A browser suite's site and page, as the hooks of chromiumSuite set them: for its tests to read, once they run. */
export interface SuitePage {
  /** The site's file:// URL, with a closing slash. */
  base: string;
  context: BrowserContext;
  /** The page the tests share; a test may put another page of `context` here for a while. */
  page: Page;
  /** What collectErrors saw on that page. */
  problems: string[];
}

/**
 * The set-up the site's browser suites share: before `suite`'s tests, the
 * site `site()` writes to its `dir`, a Chromium context that bypasses the
 * page's CSP (axe is injected into the page: axe.ts) and a page of it whose
 * errors collectErrors gathers; after them, the context closed.
 */
export function chromiumSuite<T>(suite: Test<T>, site: () => Promise<{ dir: string }>): SuitePage {
  const s = { problems: [] as string[] } as SuitePage;
  suite.before(async () => {
    s.base = pathToFileURL((await site()).dir).href + '/';
    s.context = await launchChromium({ bypassCSP: true });
    s.page = await s.context.newPage();
    collectErrors(s.page, s.problems);
  });
  suite.after(async () => {
    await s.context?.close();
  });
  return s;
}

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
