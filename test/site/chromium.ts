/** Debian's Chromium for the site's browser tests: one launch, its flags in one place. */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '../helpers.ts';
import { peerPath } from '../peers.ts';

/** Headless, no sandbox (a container's user), nothing fetched behind the page's back (updates, sync, QUIC probes). */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** A fresh profile in a temporary directory, 1400×900 unless told; `options` as playwright's launchPersistentContext takes them. */
export function launchChromium(options: { javaScriptEnabled?: boolean; bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('rfcdoc-chromium-'), {
    executablePath: peerPath('chromium'),
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
    ...options,
  });
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
