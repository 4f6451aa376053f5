/**
 * Issue 14's "Done means", walked in Debian's Chromium on this repository's
 * own site (a real build: README.md, reference/, test/, the proposals),
 * opened from file://:
 *
 *   - §17.1.1.2 of RFC 3261 → a MUST of it → the code implementing it and a
 *     test testing it, by clicking the links the RFC page offers (its
 *     back-links, and the section's requirement view); each landing page
 *     shows the cited line;
 *   - the search box: "Timer B" and "P125L34" lead, by their first hit, to
 *     the code of Timer B and to that line of RFC 3261;
 *   - a tag link followed from a module page: every line of the cited range
 *     is highlighted on the RFC page, the lines around it are not;
 *   - axe-core on the index, a module page, a test page, an RFC page (with
 *     a line's "+N more" open) and a proposal page, and on a page of every
 *     other kind (requirement view, citations, folder, README, proposals
 *     index), light and dark: 0 serious or critical violations;
 *   - no console error and no request leaving the site (every request is
 *     routed through a logger; one that is not file:// inside the site is
 *     refused and reported).
 *
 * What is cited and tested is read from the build's own project (its
 * requirements and citations), not written down here: the test follows the
 * tree as it is.
 */
import * as assert from 'uvu/assert';
import type { BrowserContext, Page } from 'playwright-core';
import type { Citation } from '../../tools/annotate/model.ts';
import type { SpecDoc } from '../../tools/spec/document.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { citationsPage, docPage, filePage, folderPage, href, PROPOSALS_INDEX, requirementsPage, sectionAnchor } from '../../tools/site/urls.ts';
import { peerSuite } from '../peers.ts';
import { serious } from './axe.ts';
import { collectErrors, follow, inView, launchChromium } from './chromium.ts';
import { repoSite, type RepoSite } from './repo-site.ts';

const test = peerSuite('site v2 in a browser: the Done-means walk (issue 14)', ['chromium']);

let site: RepoSite;
let rfc3261: SpecDoc;
/** The strict context (the pages' own CSP) for walking; axe needs one that bypasses CSP to inject itself. */
let context: BrowserContext;
let axeContext: BrowserContext;
let page: Page;
const problems: string[] = [];

/** Every request of `ctx` is logged; one that is not a file:// URL inside the site is refused and is a problem. */
async function fence(ctx: BrowserContext, name: string): Promise<void> {
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(site.base)) return route.continue();
    problems.push(`${name}: request outside the site: ${url}`);
    return route.abort();
  });
}

/** White space folded, for comparing an RFC line with a quote of it. */
const folded = (s: string) => s.replace(/\s+/g, ' ').trim();

const lineOf = (doc: SpecDoc, index: number) => lineId(doc.lines[index]!);

test.before(async () => {
  // uvu says nothing of an error thrown in a hook (test/run.ts only counts the tests that never ran): said here.
  site = await repoSite().catch((e: Error) => {
    console.error(`site v2: the repository's site did not build: ${e.message}`);
    throw e;
  });
  rfc3261 = site.result.project!.docs.get('rfc3261')!;
  assert.ok(rfc3261, 'the tree cites RFC 3261');
  context = await launchChromium();
  axeContext = await launchChromium({ bypassCSP: true });
  await fence(context, 'walk');
  await fence(axeContext, 'axe');
  page = await context.newPage();
  collectErrors(page, problems);
});

test.after(async () => {
  await context?.close();
  await axeContext?.close();
});

/** A MUST of §17.1.1.2 (or a subsection) whose line with the key word both code under reference/ and a test cite: that line, and one citation of each. */
function mustOf1711_2(): { line: number; code: Citation; tested: Citation } {
  const reqs = site.result.project!.requirements.get('rfc3261') ?? [];
  for (const req of reqs) {
    if (req.keyword !== 'MUST' || !(req.section === '17.1.1.2' || req.section?.startsWith('17.1.1.2.'))) continue;
    let line = req.begin;
    while (line < req.end && !/\bMUST\b/.test(rfc3261.lines[line]!.text)) line++;
    const cites = (c: Citation) => c.span.begin <= line && line <= c.span.end;
    const code = req.citations.find((c) => cites(c) && c.tag.kind === 'implements' && c.tag.file.startsWith('reference/'));
    const tested = req.citations.find((c) => cites(c) && c.tag.kind === 'tests' && c.tag.file.startsWith('test/'));
    if (code && tested) return { line, code, tested };
  }
  throw new Error('no MUST of RFC 3261 §17.1.1.2 is both implemented under reference/ and tested under test/ on the line of its key word');
}

/**
 * On the RFC page at §17.1.1.2: the back-link of `c` (on the first line of its
 * range; behind the line's "+N more" when it is not the first) clicked; the
 * landing code page shows the cited line (showsCitedLine).
 */
async function reachFromSection(line: number, c: Citation): Promise<void> {
  await page.goto(site.base + docPage(rfc3261) + '#' + sectionAnchor('17.1.1.2'));
  assert.is(await inView(page, `[id="${sectionAnchor('17.1.1.2')}"]`), true);
  const first = lineOf(rfc3261, c.span.begin);
  const link = `[id="${first}"] a[href="${href(docPage(rfc3261), filePage(c.tag.file), `L${c.tag.line}`)}"]`;
  if (!(await page.isVisible(link))) await page.click(`[id="${first}"] a.more`);
  await follow(page, link);
  await showsCitedLine(line, c);
}

test('§17.1.1.2 of RFC 3261: from a MUST to the code implementing it, through the back-link the RFC page offers', async () => {
  const { line, code } = mustOf1711_2();
  await reachFromSection(line, code);
});

test('§17.1.1.2 of RFC 3261: from the same MUST to a test testing it', async () => {
  const { line, tested } = mustOf1711_2();
  await reachFromSection(line, tested);
});

/** On the landing code page: the tag's line is the target, in view, and its quote holds the RFC line `line`. */
async function showsCitedLine(line: number, c: Citation): Promise<void> {
  assert.ok(page.url().endsWith(`${filePage(c.tag.file)}#L${c.tag.line}`), page.url());
  assert.is(await page.evaluate(() => document.querySelector(':target')?.id), `L${c.tag.line}`);
  assert.is(await inView(page, `#L${c.tag.line}`), true);
  const cited = rfc3261.lines[line]!;
  const shown = folded((await page.textContent(`#L${c.tag.line}`)) ?? '');
  assert.ok(shown.includes(folded(cited.text)), `${c.tag.file}:${c.tag.line} does not show ${lineId(cited)} "${folded(cited.text)}": ${shown.slice(0, 400)}`);
}

test('§17.1.1.2 of RFC 3261: its requirement view lists the MUST, linked to the code implementing it and a test testing it', async () => {
  const { line, code, tested } = mustOf1711_2();
  const req = site.result.project!.requirements.get('rfc3261')!.find((r) => r.begin <= line && line <= r.end)!;
  for (const c of [code, tested]) {
    await page.goto(site.base + docPage(rfc3261) + '#' + sectionAnchor('17.1.1.2'));
    // The section's own link to its requirements (tools/site/rfc-page.ts), not a URL made here.
    await follow(page, `a[href="${href(docPage(rfc3261), requirementsPage(rfc3261), sectionAnchor('17.1.1.2'))}"]`);
    const row = `li[id^="r-${lineOf(rfc3261, req.begin)}"]`;
    assert.ok(await page.isVisible(row), `the view lists the requirement at ${lineOf(rfc3261, req.begin)}`);
    await follow(page, `${row} a[href="${href(requirementsPage(rfc3261), filePage(c.tag.file), `L${c.tag.line}`)}"]`);
    await showsCitedLine(line, c);
  }
});

/** A citation under reference/ of RFC 3261 spanning several lines, across a page break when there is one. */
function rangeCitation(): Citation {
  const cs = site.result.project!.citations.filter((c) => c.tag.doc === 'RFC3261' && c.tag.file.startsWith('reference/') && c.span.end > c.span.begin);
  const across = cs.find((c) => rfc3261.lines[c.span.begin]!.page !== rfc3261.lines[c.span.end]!.page);
  const c = across ?? cs[0];
  if (!c) throw new Error('no multi-line citation of RFC 3261 under reference/');
  return c;
}

test('a tag link followed from a module page highlights every line of the cited range, and only those', async () => {
  const c = rangeCitation();
  const [begin, end] = [lineOf(rfc3261, c.span.begin), lineOf(rfc3261, c.span.end)];
  await page.goto(site.base + filePage(c.tag.file));
  await follow(page, `#L${c.tag.line} a[href^="${href(filePage(c.tag.file), docPage(rfc3261), begin)}"]`);
  assert.ok(page.url().includes(`${docPage(rfc3261)}#${begin}`), page.url());
  assert.is(await inView(page, `[id="${begin}"]`), true);
  // Highlighted: drawn differently while the range is followed than once it is not (the hash cleared), whatever draws it
  // (a :target rule, a class site scripts add, a background colour or image, a shadow, a mark before the line).
  // A string, not a function: tsx's name helper (__name) that a function's inner arrows would carry is not defined in the page.
  const looks = () =>
    page.evaluate<{ range: [string, string][]; before: string; after: string }>(`(() => {
      const [begin, end] = ${JSON.stringify([begin, end])};
      const drawn = (el) => [el, el.firstElementChild].filter(Boolean).map((e) => {
        const s = getComputedStyle(e);
        return [s.backgroundColor, s.backgroundImage, s.boxShadow, s.outlineStyle, getComputedStyle(e, '::before').content].join(' ');
      }).join(' / ');
      const lines = [...document.querySelectorAll('[id]')].filter((e) => /^P\\d+L\\d+$/.test(e.id));
      const from = lines.findIndex((e) => e.id === begin);
      const to = lines.findIndex((e) => e.id === end);
      return { range: lines.slice(from, to + 1).map((e) => [e.id, drawn(e)]), before: drawn(lines[from - 1]), after: drawn(lines[to + 1]) };
    })()`);
  const followed = await looks();
  await page.evaluate(() => (window.location.hash = ''));
  const plain = await looks();
  const unmarked = followed.range.filter(([id, d], i) => d === plain.range[i]![1] && id).map(([id]) => id);
  assert.ok(followed.range.length === c.span.end - c.span.begin + 1, `${followed.range.length} lines from ${begin} to ${end}`);
  assert.equal(unmarked, [], `${c.tag.file}:${c.tag.line} cites ${begin}-${end}: lines drawn the same followed or not`);
  assert.is(followed.before, plain.before, `the line before ${begin} is marked too`);
  assert.is(followed.after, plain.after, `the line after ${end} is marked too`);
});

/** `/` from the page, `q` typed, the first option taken with the keyboard (ArrowDown, Enter): the page it leads to, loaded. */
async function firstHit(q: string): Promise<void> {
  await page.keyboard.press('/');
  await page.keyboard.type(q);
  await page.waitForSelector('[role="listbox"] [role="option"]');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

test('search "Timer B": the first hit is the code of Timer B (its line shows timerB)', async () => {
  await page.goto(site.base + 'index.html');
  await firstHit('Timer B');
  const target = await page.evaluate(() => document.querySelector(':target')?.textContent ?? '');
  assert.match(page.url(), /\/reference\/sip\/transaction\/[^/]+\.ts\.html#L\d+$/);
  assert.match(target, /\btimerB\b/);
});

test('search "P125L34": the first hit is that line of RFC 3261', async () => {
  await page.goto(site.base + 'index.html');
  await firstHit('P125L34');
  assert.is(page.url(), site.base + docPage(rfc3261) + '#P125L34');
  assert.is(await page.evaluate(() => document.querySelector(':target')?.id), 'P125L34');
});

/** One page of each kind the Done means names, then of every other kind the site has (issue 14 §8), from the build's own files. */
function axePages(): Record<string, string> {
  const files = site.result.files!;
  const project = site.result.project!;
  const module = project.files.find((f) => f.path === 'reference/sip/transaction/inviteClient.ts') ?? project.files.find((f) => f.role === 'module')!;
  const tested = project.files.find((f) => f.path === 'test/reference/sip/transaction/inviteClient.test.ts') ?? project.files.find((f) => f.role === 'test' && f.tags.length > 0)!;
  const proposal = [...files.keys()].filter((p) => p.startsWith('proposals/') && p.endsWith('.html') && p !== PROPOSALS_INDEX).sort()[0];
  assert.ok(proposal, 'the build has a proposal page');
  const folder = [...files.keys()].find((p) => p === folderPage('reference/sip/transaction')) ?? [...files.keys()].find((p) => /^reference\/.*index\.html$/.test(p))!;
  return {
    index: 'index.html',
    'module page': filePage(module.path),
    'test page': filePage(tested.path),
    'RFC page': docPage(rfc3261),
    'proposal page': proposal!,
    'requirement view': requirementsPage(rfc3261),
    'citations page': citationsPage(rfc3261),
    'folder page': folder,
    'README page': 'README.html',
    'proposals index': PROPOSALS_INDEX,
  };
}

/** axe's lines for one page as one line per rule: how many elements, and the first three. */
function byRule(page: string, lines: readonly string[]): string[] {
  const rules = new Map<string, string[]>();
  for (const l of lines) {
    const [rule, target] = l.split(': ');
    rules.set(rule!, [...(rules.get(rule!) ?? []), target!]);
  }
  return [...rules].map(([rule, targets]) => `${page}: ${rule} ×${targets.length}: ${targets.slice(0, 3).join(' | ')}${targets.length > 3 ? ' | …' : ''}`);
}

/** axe on each page of `pages` in `colorScheme`: one line per page and rule. */
async function axeOn(pages: Record<string, string>, colorScheme: 'light' | 'dark'): Promise<string[]> {
  const p = await axeContext.newPage();
  try {
    await p.emulateMedia({ colorScheme });
    const found: string[] = [];
    for (const [kind, path] of Object.entries(pages)) {
      await p.goto(site.base + path);
      // The RFC page with a line's "+N more" opened: the list rfc.js adds is checked too.
      if (path === docPage(rfc3261)) {
        await p.click('.notes a.more');
        await p.waitForSelector('.morelist a');
      }
      found.push(...byRule(`${kind} (${path})`, await serious(p)));
    }
    return found;
  } finally {
    await p.close();
  }
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe-core, ${colorScheme}: the index, a module, a test, an RFC (a line's "+N more" open) and a proposal page, and a page of every other kind, have no serious or critical violation`, async () => {
    assert.equal(await axeOn(axePages(), colorScheme), []);
  });
}

test('every page kind loads with no console error', async () => {
  for (const path of [...Object.values(axePages()), PROPOSALS_INDEX, 'README.html']) {
    await page.goto(site.base + path);
    await page.waitForLoadState('load');
  }
});

test('no console error and no request outside the site, over the whole walk', () => {
  assert.equal(problems, []);
});

test.run();
