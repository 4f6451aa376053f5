/**
 * Requirement views and coverage figures (issue 14 §1, §5).
 *
 * The fixture site: each cited document has req/<id>.html with every section
 * under the RFC page's anchor and every requirement with its status and the
 * lines citing it, linked. This repository: RFC 3261 §17's figures come out
 * the same from `rfcdoc coverage --json` and from the site's pages (the one
 * definition of each status), and a §17.1.1.2 MUST links to a module line and
 * a test line that cite it. In Chromium: the filters show only the rows they
 * name, every row shows without JavaScript, the next-missing key moves focus
 * from missing row to missing row, and axe finds nothing serious, light or dark.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Project } from '../../tools/annotate/model.ts';
import { analyzeProject, DEFAULT_PATHS } from '../../tools/annotate/project.ts';
import { renderRequirementsPage } from '../../tools/site/requirements-page.ts';
import { MIRROR, ROOT, runRfcdoc, tempDir, testCache } from '../helpers.ts';
import { peerSuite } from '../peers.ts';
import { serious } from './axe.ts';
import { chromiumSuite, launchChromium } from './chromium.ts';
import { build, FIXTURE, lineWithId, writeTree } from './common.ts';

/**
 * The site fixture plus a test of the third Via MUST (P39L28: its sentence
 * then is tested and implemented) and a module excepting the branch's
 * uniqueness MUST with a reason: so the tree has requirements of every status.
 */
const VIA_TEST = `/** The Via branch parameter. */
// @tests RFC3261 P39L28
export {};
`;
/** Deep, as this repository's test paths are: the phone test needs a citation's path as long as theirs. */
const VIA_TEST_PATH = 'test/reference/sip/transport/viaBranchParameter.test.ts';
/** A second test of the same MUST: the row then names two test files, side by side. */
const SENT_BY_TEST_PATH = 'test/reference/sip/transport/viaSentBy.test.ts';
const REASON = 'a fixture UA sends one request per run, so its branches never meet';
const BRANCH = `/** Branch ids. */
// @exception RFC3261 P39L32-P39L33: ${REASON}
export const branch = 'z9hG4bK-1';
`;

let fixture: Promise<{ dir: string; root: string; project: Project }> | undefined;
/** That tree's site, built once for this file's suites. */
function fixtureSite(): Promise<{ dir: string; root: string; project: Project }> {
  fixture ??= (async () => {
    const root = tempDir('rfcdoc-site-req-');
    cpSync(FIXTURE, root, { recursive: true });
    writeTree(root, { [VIA_TEST_PATH]: VIA_TEST, [SENT_BY_TEST_PATH]: VIA_TEST, 'reference/sip/branch.ts': BRANCH });
    const dir = join(root, 'site');
    const result = await build(root, dir);
    assert.ok(result.ok, result.summary);
    return { dir, root, project: result.project! };
  })();
  return fixture;
}
const read = (dir: string, p: string) => readFileSync(join(dir, p), 'utf8');
/** The `<li>` of a requirement row, by its id. */
const row = (html: string, id: string) => lineWithId(html, id);

const views = suite('requirement views (fixture site)');

views('every cited document has a view; every one of its sections is there under the RFC page\'s anchor', async () => {
  const { dir, project } = await fixtureSite();
  for (const [id, doc] of project.docs) {
    const html = read(dir, `req/${id}.html`);
    for (const s of doc.sections) assert.ok(html.includes(`<section class="rsec" id="section-${s.number}"`), `${id}: §${s.number}`);
    // Without JavaScript every requirement is in the page, and the filters (which could do nothing) are hidden.
    assert.is(html.match(/<li class="rq /g)?.length ?? 0, project.requirements.get(id)!.length, id);
    assert.match(html, /<fieldset class="reqfilter" hidden>/);
  }
});

views('a requirement row: status in words, the sentence, and a link to the exact line of the code citing it', async () => {
  const { dir } = await fixtureSite();
  const html = read(dir, 'req/rfc3261.html');
  const r = row(html, 'r-P39L25')!;
  assert.ok(r, 'the Via MUST of §8.1.1.7 is listed');
  assert.match(r, /^<li class="rq s-implemented" id="r-P39L25"><a class="at" href="\.\.\/rfc\/rfc3261\.html#P39L25">P39L25-P39L\d+<\/a> <span class="st">Implemented<\/span> <span class="kw">MUST<\/span> When the UAC creates a request, it MUST insert a Via/);
  assert.ok(r.includes('<span class="k">Implemented by</span><span class="f">sip/via.ts:<a href="../reference/sip/via.ts.html#L10">10</a></span>'), r);
  // The linked line is the tag citing that text.
  assert.match(read(FIXTURE, 'reference/sip/via.ts').split('\n')[9]!, /@implements RFC3261 P39L25-P39L29/);
  // The section holding it, and a link back to the text.
  const sec = lineWithId(html, 'section-8.1.1.7')!;
  assert.ok(sec.includes('<a class="intext" href="../rfc/rfc3261.html#section-8.1.1.7">in the text</a>'), sec);
});

views('a tested requirement links its test line and the code; an excepted one says the reason its tag gives', async () => {
  const { dir } = await fixtureSite();
  const html = read(dir, 'req/rfc3261.html');
  const tested = row(html, 'r-P39L27')!;
  assert.ok(tested.includes('<span class="st">Tested</span> <span class="kw">MUST</span> The Via header field value MUST contain a branch parameter.'), tested);
  assert.ok(tested.includes('<span class="k">Implemented by</span><span class="f">sip/via.ts:<a href="../reference/sip/via.ts.html#L10">10</a></span> <span class="k">Tested by</span><span class="f">sip/transport/viaBranchParameter.test.ts:<a href="../test/reference/sip/transport/viaBranchParameter.test.ts.html#L2">2</a></span> <span class="f">sip/transport/viaSentBy.test.ts:<a href="../test/reference/sip/transport/viaSentBy.test.ts.html#L2">2</a></span>'), tested);
  const excepted = row(html, 'r-P39L32')!;
  assert.ok(excepted.startsWith('<li class="rq s-exception" id="r-P39L32">'), excepted);
  assert.ok(excepted.includes(`<span class="why">Not done: ${REASON}</span>`), excepted);
  assert.ok(excepted.includes('<span class="k">Excepted in</span><span class="f">sip/branch.ts:<a href="../reference/sip/branch.ts.html#L2">2</a></span>'), excepted);
});

views('the bars: an SVG labelled with the counts in words, and a visible legend saying the same', async () => {
  const { dir, project } = await fixtureSite();
  const counts = { tested: 0, implemented: 0, exception: 0, todo: 0, missing: 0 };
  for (const r of project.requirements.get('rfc3261')!) if (r.status in counts) counts[r.status as keyof typeof counts]++;
  // To do is said only when there is some (the fixture's todo tag, §8.1.1.8).
  assert.ok(counts.todo > 0);
  const words = `${counts.tested} tested, ${counts.implemented} implemented, ${counts.exception} excepted, ${counts.todo} to do, ${counts.missing} missing`;
  const total = project.requirements.get('rfc3261')!.length;
  for (const page of ['req/rfc3261.html', 'rfc/rfc3261.html', 'index.html']) {
    const html = read(dir, page);
    assert.ok(html.includes(`role="img" aria-label="RFC 3261: ${total} requirements: ${words}; `), page);
    assert.not.match(html, /<svg[^>]* style=/, page);
  }
  assert.ok(read(dir, 'req/rfc3261.html').includes(`${counts.tested} tested <span class="sw b-implemented" aria-hidden="true"></span>${counts.implemented} implemented`));
});

views.run();

const real = suite('requirement views and figures (this repository)');
let project: Project;

real.before(async () => {
  project = await analyzeProject({ root: ROOT, paths: DEFAULT_PATHS, store: { cacheDir: testCache(), mirror: MIRROR } });
});

interface CliRequirement {
  keyword: string;
  section: string | null;
  begin: string;
  status: string;
  refs: { kind: string; ref: string; file: string; line: number }[];
}
const STATUSES = ['tested', 'implemented', 'exception', 'todo', 'missing'] as const;

/**
 * A figures row's cells as the site writes them (total, one count per
 * status, covered): the row of the section table whose heading links
 * `#section-<number>`, read whether the page quotes its attributes and
 * closes its cells or not.
 */
function rowCells(html: string, number: string): string[] {
  const n = number.replace(/\./g, '\\.');
  // The contents list links the same anchor: the row is the match followed by cells.
  for (const head of html.matchAll(new RegExp(`<a href="?#section-${n}"?>${n}</a>`, 'g'))) {
    const rest = html.slice(head.index);
    const end = rest.search(/<\/tr>|\n/);
    const cells = [...rest.slice(0, end < 0 ? undefined : end).matchAll(/<td[^>]*>([^<]*)/g)].map((m) => m[1]!);
    if (cells.length) return cells;
  }
  throw new Error(`no figures row for §${number}`);
}

real('RFC 3261 §17: rfcdoc coverage --json and the site count the same, status by status', async () => {
  const run = await runRfcdoc(['coverage', 'RFC3261', '--sections', '17', '--json']);
  assert.is(run.code, 0, run.stderr);
  const cli = JSON.parse(run.stdout) as { figures: { bySection: Record<string, { total: number; counts: Record<string, number>; coveredPercent: number }> }; requirements: CliRequirement[] };
  const doc = project.docs.get('rfc3261')!;
  const requirements = project.requirements.get('rfc3261')!;
  const view = renderRequirementsPage({ doc, requirements });
  const expect = (f: { total: number; counts: Record<string, number>; coveredPercent: number }) => [String(f.total), ...STATUSES.map((s) => String(f.counts[s])), `${f.coveredPercent.toFixed(1)}%`];
  // The top-level section, as the CLI sums it.
  const s17 = cli.figures.bySection['17']!;
  assert.ok(s17.total > 50, `${s17.total} requirements in §17`);
  // The figures of each section: a table at the head of the requirement view.
  assert.equal(rowCells(view, '17'), expect(s17));
  const words = `${s17.total} requirements: ${s17.counts.tested} tested, ${s17.counts.implemented} implemented, ${s17.counts.exception} excepted, ${s17.counts.missing} missing`;
  assert.ok(view.includes(`aria-label="§17: ${words}`), `the §17 bar says ${words}`);
  // §17.1.1.2, which the site counted inclusively ("Implemented 100 %, Tested 92 %").
  const of = cli.requirements.filter((r) => r.section === '17.1.1.2' || r.section?.startsWith('17.1.1.2.'));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, of.filter((r) => r.status === s).length]));
  const covered = counts.tested! + counts.implemented! + counts.exception!;
  const pct = of.length ? Math.round((1000 * covered) / of.length) / 10 : 0;
  assert.equal(rowCells(view, '17.1.1.2'), expect({ total: of.length, counts, coveredPercent: pct }));
});

real('RFC 3261 §17.1.1.2: a MUST is listed with its status, linked to a module line and a test line citing it', () => {
  const doc = project.docs.get('rfc3261')!;
  const view = renderRequirementsPage({ doc, requirements: project.requirements.get('rfc3261')! });
  const section = view.slice(view.indexOf('<section class="rsec" id="section-17.1.1.2"'), view.indexOf('</section>', view.indexOf('id="section-17.1.1.2"')));
  const rows = [...section.matchAll(/<li class="rq s-tested" id="(r-P\d+L\d+)">[^\n]*<span class="kw">MUST<\/span>[^\n]*/g)];
  assert.ok(rows.length > 0, 'a tested MUST in §17.1.1.2');
  const checked = rows.filter(([r]) => r.includes('<span class="k">Implemented by</span>') && r.includes('<span class="k">Tested by</span>'));
  assert.ok(checked.length > 0, 'a MUST both implemented and tested');
  const [r, id] = checked[0]!;
  assert.ok(r.includes('<span class="st">Tested</span>'), r);
  const begin = id!.slice(2).replace(/-\d+$/, '');
  // Each linked line holds a tag of that kind citing RFC 3261, and a ref of it covers the requirement's first line.
  // The folders in regular expressions, not strings: a path in a string makes this file "affected" by what is under it (tools/proposal/affected.ts).
  const links = { implements: /<a href="\.\.\/(reference\/[^"#]+)\.html#L(\d+)">/, tests: /<a href="\.\.\/(test\/[^"#]+)\.html#L(\d+)">/ };
  for (const kind of ['implements', 'tests'] as const) {
    const link = links[kind].exec(r);
    assert.ok(link, `${kind}: ${r}`);
    const [, file, line] = link;
    const text = readFileSync(join(ROOT, file!), 'utf8').split('\n')[Number(line) - 1]!;
    assert.match(text, new RegExp(`@${kind} RFC3261 `), `${file}:${line}: ${text}`);
    const cites = project.citations.filter((c) => c.tag.file === file && c.tag.line === Number(line));
    const first = doc.lines.findIndex((l) => `P${l.page}L${l.line}` === begin);
    const req = project.requirements.get('rfc3261')!.find((q) => q.begin === first)!;
    assert.ok(cites.some((c) => c.span.begin <= req.end && c.span.end >= req.begin), `${file}:${line} cites the requirement at ${begin}`);
  }
});

real('req/rfc3261.html stays small: the citations as compact links (bytes printed)', () => {
  const doc = project.docs.get('rfc3261')!;
  const view = renderRequirementsPage({ doc, requirements: project.requirements.get('rfc3261')! });
  const bytes = Buffer.byteLength(view);
  console.log(`  req/rfc3261.html: ${bytes} bytes, ${project.requirements.get('rfc3261')!.length} requirements`);
  assert.ok(bytes < 800_000, `${bytes} bytes`);
});

real.run();

const browser = peerSuite('requirement views in a browser', ['chromium']);
const ui = chromiumSuite(browser, fixtureSite);

/** The ids and statuses of the rows shown now. */
const visibleRows = (p: Page) =>
  p.$$eval('.rq', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => ({ id: r.id, status: /s-(\w+)/.exec(r.className)![1]! })));

browser('each filter shows only the rows it names, and all of them; All shows every row again', async () => {
  await ui.page.goto(ui.base + 'req/rfc3261.html');
  const all = await ui.page.$$eval('.rq', (rows) => rows.map((r) => /s-(\w+)/.exec(r.className)![1]!));
  assert.ok(all.includes('missing') && all.includes('exception') && all.includes('implemented'), all.join());
  for (const [label, status] of [['Missing only', 'missing'], ['Implemented but untested', 'implemented'], ['Excepted, with reasons', 'exception']]) {
    await ui.page.getByLabel(label!).check();
    const shown = await visibleRows(ui.page);
    assert.equal(shown.map((r) => r.status), all.filter((s) => s === status), label);
    assert.match(await ui.page.textContent('.reqtools [role="status"]') ?? '', new RegExp(`Showing ${shown.length} of ${all.length} requirements`));
    if (status === 'exception') assert.ok(await ui.page.isVisible('.rq.s-exception .why'), 'the reason shows');
  }
  await ui.page.check('.reqfilter input[value="all"]');
  assert.is((await visibleRows(ui.page)).length, all.length);
  assert.equal(ui.problems, []);
});

browser('the next-missing key: n moves focus to the next missing row, the link does the same; typing n in search does not', async () => {
  await ui.page.goto(ui.base + 'req/rfc3261.html');
  const missing = await ui.page.$$eval('.rq.s-missing', (rows) => rows.slice(0, 3).map((r) => r.id));
  assert.is(missing.length, 3);
  assert.match(await ui.page.textContent('.reqtools') ?? '', /key n/);
  assert.is(await ui.page.getAttribute('.nextmiss', 'aria-keyshortcuts'), 'n');
  const focused = () => ui.page.evaluate(() => document.activeElement?.id ?? '');
  await ui.page.keyboard.press('n');
  assert.is(await focused(), missing[0]);
  await ui.page.keyboard.press('n');
  assert.is(await focused(), missing[1]);
  await ui.page.click('.nextmiss');
  assert.is(await focused(), missing[2]);
  assert.match(await ui.page.textContent('.reqtools [role="status"]') ?? '', /Missing requirement 3 of \d+/);
  // With the filter on, the key still steps through what is shown.
  await ui.page.getByLabel('Missing only').check();
  await ui.page.keyboard.press('n');
  assert.is(await focused(), (await ui.page.$$eval('.rq.s-missing', (rows) => rows[3]!.id)));
  assert.equal(ui.problems, []);
});

browser('without JavaScript every requirement shows and the key is a link to the first missing one', async () => {
  const off = await launchChromium({ javaScriptEnabled: false });
  try {
    const p = await off.newPage();
    await p.goto(ui.base + 'req/rfc3261.html');
    const total = await p.$$eval('.rq', (rows) => rows.length);
    assert.is((await visibleRows(p)).length, total);
    assert.not.ok(await p.isVisible('.reqfilter'));
    const first = await p.$eval('.rq.s-missing', (r) => r.id);
    assert.is(await p.getAttribute('.nextmiss', 'href'), `#${first}`);
  } finally {
    await off.close();
  }
});

browser('at 390×844 the view reads without sideways panning, the filters and the key still there', async () => {
  const phone = await ui.context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(ui.base + 'req/rfc3261.html');
    assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways overflow');
    assert.ok(await phone.isVisible('.reqfilter'));
    assert.ok(await phone.isVisible('.nextmiss'));
  } finally {
    await phone.close();
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  browser(`axe on req/rfc3261.html and the index's bars, ${colorScheme}: no serious or critical violation (filters on and off)`, async () => {
    await ui.page.emulateMedia({ colorScheme });
    await ui.page.goto(ui.base + 'req/rfc3261.html');
    const found = await serious(ui.page);
    await ui.page.getByLabel('Excepted, with reasons').check();
    found.push(...(await serious(ui.page)));
    await ui.page.goto(ui.base + 'index.html');
    found.push(...(await serious(ui.page)));
    assert.equal(found, []);
  });
}

browser.run();
