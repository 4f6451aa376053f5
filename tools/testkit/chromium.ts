/**
 * Debian's Chromium, headless, for the site's browser tests and the site
 * bench: one launch, its flags in one place.
 */
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './docs.ts';
import { peerPath } from './peers.ts';

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

