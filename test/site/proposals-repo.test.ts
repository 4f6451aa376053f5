/**
 * This repository's proposals (reference/proposals/) as the site shows them:
 * a proposal page on a phone, and a proposal's citation in a requirement
 * view. They need the proposals to apply to this tree, so a tree they are
 * already applied to (proposal check's scratch tree) leaves this file out
 * (BASE_ONLY in tools/proposal/check.ts); npm test runs it on the base.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BrowserContext, Page } from 'playwright-core';
import type { Project } from '../../tools/annotate/model.ts';
import { analyzeProject, DEFAULT_PATHS } from '../../tools/annotate/project.ts';
import { renderRequirementsPage } from '../../tools/site/requirements-page.ts';
import { createProposalCache, siteProposals } from '../../tools/site/proposals.ts';
import { STATUS_NAME } from '../../tools/site/figures.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { docId } from '../../tools/annotate/resolve.ts';
import { MIRROR, ROOT, testCache } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { launchChromium } from './chromium.ts';
import { lineWithId } from './common.ts';
import { repoSite, type RepoSite } from './repo-site.ts';

const row = (html: string, id: string) => lineWithId(html, id);

const figures = suite("this repository's proposals in the requirement views");
let project: Project;

figures.before(async () => {
  project = await analyzeProject({ root: ROOT, paths: DEFAULT_PATHS, store: { cacheDir: testCache(), mirror: MIRROR } });
});

figures("a proposal's citation of a requirement links to the proposal's hunk that cites it, counted nowhere", async () => {
  const store = { cacheDir: testCache(), mirror: MIRROR };
  const shown = await siteProposals(project, store, createProposalCache());
  const proposed = shown.list.flatMap((p) => p.citations);
  assert.ok(proposed.length > 0, 'the repository has proposals citing documents');
  const c = proposed.find((x) => project.docs.has(docId(x.tag.doc)) || shown.docs.has(docId(x.tag.doc)))!;
  const id = docId(c.tag.doc);
  const doc = project.docs.get(id) ?? shown.docs.get(id)!;
  const requirements = project.requirements.get(id) ?? shown.requirements.get(id)!;
  const mine = proposed.filter((x) => x.tag.doc === c.tag.doc);
  const view = renderRequirementsPage({ doc, requirements, proposed: mine });
  const without = renderRequirementsPage({ doc, requirements });
  // One requirement the proposals cite, found by the lines they cite.
  const r = requirements.find((q) => mine.some((x) => x.span.begin <= q.end && x.span.end >= q.begin))!;
  assert.ok(r, `a requirement of ${doc.label} that a proposal cites`);
  const html = row(view, `r-${lineId(doc.lines[r.begin]!)}`)!;
  const links = [...html.matchAll(/<a href="\.\.\/proposals\/([\w-]+)\.html#hunk-(\d+)">\1 hunk \2<\/a>/g)];
  assert.ok(html.includes('<span class="k">Proposed in</span>') && links.length > 0, html);
  for (const [, name, hunk] of links) {
    assert.ok(mine.some((x) => x.proposal === name && x.hunk === Number(hunk) && x.span.begin <= r.end && x.span.end >= r.begin), `${name} hunk ${hunk} cites ${doc.label} ${lineId(doc.lines[r.begin]!)}`);
  }
  // The status and the figures are the base's.
  assert.ok(html.includes(`<span class="st">${STATUS_NAME[r.status]}</span>`));
  assert.is(view.match(/aria-label="[^"]*"/)![0], without.match(/aria-label="[^"]*"/)![0]);
});

figures.run();

const phone = peerSuite("this repository's proposal pages on a phone", ['chromium']);
let site: RepoSite;
let chrome: BrowserContext;
let small: Page;

phone.before(async () => {
  site = await repoSite();
  chrome = await launchChromium({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  small = await chrome.newPage();
});
phone.after(async () => {
  await chrome?.close();
});

// Its files' long names in headings wrap; its README's tables and code blocks scroll in their column, each a Tab stop.
phone('proposals/100rel.html at 390×844: the page body does not pan sideways, and what scrolls in it is a Tab stop', async () => {
  await small.goto(site.base + 'proposals/100rel.html');
  const l = await small.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    unreachable: [...document.querySelectorAll('.prose table, .prose pre')].filter((e) => e.scrollWidth > e.clientWidth && e.getAttribute('tabindex') !== '0').length,
  }));
  assert.ok(l.scrollWidth <= 390, `scrollWidth ${l.scrollWidth}`);
  assert.is(l.unreachable, 0);
});

phone.run();
