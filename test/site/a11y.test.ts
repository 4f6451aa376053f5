/**
 * axe-core on the fixture site in Debian's Chromium, from file://: a module
 * page and a test page, each in the light and the dark theme, have no serious
 * or critical violation (issue 14, accessibility). The page's CSP allows
 * only the site's own scripts, so the context bypasses CSP to inject axe.
 *
 * Without a browser: the contrast of the site's text colours, read from the
 * built site's stylesheets (site.css custom properties, code.css rules) and
 * from every colour of the two syntax themes, is at least WCAG AA's 4.5:1.
 */
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { createHighlighter } from 'shiki';
import { suite } from 'uvu';
import { shownColour, SYNTAX_THEMES } from '../../tools/site/highlight.ts';
import { tempDir } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { launchChromium } from './chromium.ts';
import { serious } from './axe.ts';
import { build, FIXTURE } from './common.ts';

const test = peerSuite('site accessibility (axe-core)', ['chromium']);

let base: string;
let context: BrowserContext;
let page: Page;

test.before(async () => {
  const out = join(tempDir('rfcdoc-site-a11y-'), 'site');
  const result = await build(FIXTURE, out);
  assert.ok(result.ok, result.summary);
  base = pathToFileURL(out).href + '/';
  context = await launchChromium({ bypassCSP: true });
  page = await context.newPage();
});

test.after(async () => {
  await context?.close();
});

const PAGES = { 'module page': 'reference/sip/via.ts.html', 'test page': 'test/auth/nonce.test.ts.html' };

for (const [kind, path] of Object.entries(PAGES)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${kind} (${path}), ${colorScheme}: no serious or critical axe violation`, async () => {
      await page.emulateMedia({ colorScheme });
      await page.goto(base + path);
      const found = await serious(page);
      if (process.env.RFCDOC_A11Y_REPORT) console.log(`${kind} ${colorScheme}\n  ${found.join('\n  ')}`);
      assert.equal(found, []);
    });
  }
}

test.run();

// WCAG 2.x relative luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(m[1]!.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A stylesheet's light part and its `prefers-color-scheme: dark` part. */
function themes(css: string): { light: string; dark: string } {
  const at = css.indexOf('@media (prefers-color-scheme: dark)');
  if (at < 0) throw new Error('no prefers-color-scheme: dark block');
  const rest = css.slice(at);
  const end = rest.search(/\n\}\s*(\n|$)/);
  return { light: css.slice(0, at), dark: end < 0 ? rest : rest.slice(0, end) };
}
function prop(css: string, name: string, where: string): string {
  const m = new RegExp(`${name}:\\s*(#[0-9a-fA-F]{6})\\b`).exec(css);
  if (!m) throw new Error(`${where}: no ${name}`);
  return m[1]!.toLowerCase();
}

const contrastSuite = suite('site text contrast (WCAG AA 4.5:1)');
const AA = 4.5;
let siteCss: string;
let codeCss: string;

contrastSuite.before(async () => {
  const out = join(tempDir('rfcdoc-site-contrast-'), 'site');
  const result = await build(FIXTURE, out);
  assert.ok(result.ok, result.summary);
  siteCss = readFileSync(join(out, 'assets', 'site.css'), 'utf8');
  codeCss = readFileSync(join(out, 'assets', 'code.css'), 'utf8');
});

for (const scheme of ['light', 'dark'] as const) {
  contrastSuite(`${scheme}: page text and syntax colours on the backgrounds they sit on`, () => {
    const site = themes(siteCss)[scheme];
    const code = themes(codeCss)[scheme];
    const v = (name: string) => prop(site, name, `site.css (${scheme})`);
    const low: string[] = [];
    const check = (what: string, fg: string, bgName: string) => {
      const r = contrast(fg, v(bgName));
      if (r < AA) low.push(`${what} ${fg} on ${bgName} ${v(bgName)}: ${r.toFixed(2)}:1`);
    };
    for (const text of ['--fg', '--muted', '--link']) for (const bg of ['--bg', '--panel']) check(text, v(text), bg);
    check('--warn-fg', v('--warn-fg'), '--warn-bg');
    const syntax = [...code.matchAll(/\.(h[0-9a-f]+)\{color:(#[0-9a-fA-F]{6})/g)];
    assert.ok(syntax.length > 5, `code.css (${scheme}): ${syntax.length} colour rules`);
    for (const [, cls, colour] of [...syntax, ['', '--code-fg', prop(code, '--code-fg', `code.css (${scheme})`)]]) {
      // Code sits on the page background (a followed line is outlined, not filled: site.css `.code .l:target`),
      // and a proposal's added and removed lines on their tints.
      for (const bg of ['--bg', '--add', '--del']) check(`code.css .${cls}`, colour!.toLowerCase(), bg);
    }
    assert.equal(low, []);
  });
}

contrastSuite('every colour of both syntax themes, as shown, reads at 4.5:1 on the page background and on a proposal\'s added and removed lines', async () => {
  const shiki = await createHighlighter({ themes: Object.values(SYNTAX_THEMES), langs: [] });
  const low: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    const backgrounds = ['--bg', '--add', '--del'].map((name) => prop(themes(siteCss)[scheme], name, `site.css (${scheme})`));
    const theme = shiki.getTheme(SYNTAX_THEMES[scheme]);
    // A rule that sets its own background (carriage-return, markup.ignored) is not text on the page's.
    const onPage = theme.settings.filter((r) => !r.settings.background).map((r) => r.settings.foreground);
    const colours = new Set([theme.fg, ...onPage.filter((c): c is string => !!c)]);
    for (const c of colours) {
      const shown = shownColour(scheme, c.slice(0, 7));
      for (const bg of backgrounds) {
        const r = contrast(shown, bg);
        if (r < AA) low.push(`${SYNTAX_THEMES[scheme]} ${c} shown as ${shown} on ${bg}: ${r.toFixed(2)}:1`);
      }
    }
  }
  shiki.dispose();
  assert.equal(low, []);
});

contrastSuite.run();
