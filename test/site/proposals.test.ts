/**
 * Proposals on the site (issue 11 §3), on a git copy of the fixture tree with
 * three proposals made at test time by `rfcdoc proposal new` (newProposal):
 * `rport` (a new module citing RFC 3581, and a changed line under a base tag
 * of RFC 3261), `rport-small` (its smaller alternative) and `rport-tests`
 * (which requires rport). The built pages show the hunks, quote the added
 * tags with the RFC's text as the mirror has it, say "amends" for the base
 * tag, link proposed RFC lines back to their hunk without changing the
 * base's counts; map.json carries the citations with their proposal; the
 * index groups the alternatives with bars on one scale. A kept renderer does
 * not apply or render a proposal again for an edit it does not read.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { MIRROR, realDoc, ROOT, tempDir } from '../helpers.ts';
import { parseRef, resolveRef, spanText } from '../../tools/spec/refs.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { extractRequirements } from '../../tools/annotate/requirements.ts';
import { esc } from '../../tools/site/html.ts';
import { citationHeading } from '../../tools/site/docinfo.ts';
import { createSiteRenderer } from '../../tools/site/build.ts';
import { buildSite } from '../../tools/site/pipeline.ts';
import { siteProposals } from '../../tools/site/proposals.ts';
import type { Project } from '../../tools/annotate/model.ts';
import { newProposal } from '../../tools/proposal/new.ts';
import { citesEntry, build, FIXTURE, lineWithId, realStore, siteFiles } from './common.ts';

const test = suite('site proposals');

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=rfcdoc test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });

const RPORT = `/** rport: the server fills in the port a request came from (RFC 3581). */

// @implements RFC3581 P4L15-P4L18
export function fillRport(via: string, port: number): string {
  return via.replace(/;rport(?=;|$)/, \`;rport=\${port}\`);
}

// @implements RFC3581 P4L20-P4L23
export function addReceived(via: string, address: string): string {
  const at = via.indexOf(';');
  const params = at < 0 ? '' : via.slice(at);
  return \`\${at < 0 ? via : via.slice(0, at)}\${params};received=\${address}\`;
}
`;
const RPORT_SMALL = `/** rport alone (RFC 3581). */

// @implements RFC3581 P4L15-P4L18
export const fillRport = (via: string, port: number) => via.replace(/;rport(?=;|$)/, \`;rport=\${port}\`);
`;
const RPORT_TEST = `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillRport } from '../../reference/sip/rport.ts';

// @tests RFC3581 P4L15-P4L18
test('rport gets the source port', () => assert.is(fillRport('SIP/2.0/UDP a;rport', 5060), 'SIP/2.0/UDP a;rport=5060'));
test.run();
`;

const readme = (title: string, fields: string) => `# ${title}\n\n- Implements: RFC3581\n${fields}\nWhy: a NAT between client and server.\n`;

let root: string;
let site: Map<string, string>;
let fixtureSite: Map<string, string>;
let viaText: string;
let cache: string;

/** Writes `text` to the tree's file, makes it a proposal, then puts the tree back as it was. */
async function propose(name: string, edit: () => void, fields: string, title: string) {
  edit();
  await newProposal(root, name);
  writeFileSync(join(root, `reference/proposals/${name}/README.md`), readme(title, fields));
}

test.before(async () => {
  root = tempDir('rfcdoc-site-proposals-');
  cpSync(FIXTURE, root, { recursive: true });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  const via = join(root, 'reference/sip/via.ts');
  viaText = readFileSync(via, 'utf8');
  const rport = join(root, 'reference/sip/rport.ts');
  const back = () => {
    writeFileSync(via, viaText);
    rmSync(rport, { force: true });
    rmSync(join(root, 'test/sip'), { recursive: true, force: true });
  };

  await propose(
    'rport',
    () => {
      writeFileSync(via, viaText.replace('return `${v};maddr=${group};ttl=1`;', 'return `${v};maddr=${group};ttl=1;rport`;'));
      writeFileSync(rport, RPORT);
    },
    '- Alternatives: rport\n',
    'rport with received (RFC 3581)',
  );
  // rport-tests is made on top of rport, as an author does for a proposal that requires another.
  git(root, 'add', 'reference/sip');
  git(root, 'commit', '-q', '-m', 'rport applied');
  await propose(
    'rport-tests',
    () => {
      mkdirSync(join(root, 'test/sip'), { recursive: true });
      writeFileSync(join(root, 'test/sip/rport.test.ts'), RPORT_TEST);
    },
    '- Requires: rport\n',
    'Tests for rport',
  );
  git(root, 'reset', '-q', '--hard', 'HEAD~1');
  back();
  await propose('rport-small', () => writeFileSync(rport, RPORT_SMALL), '- Alternatives: rport\n', 'rport alone (RFC 3581)');
  back();
  assert.equal(git(root, 'status', '--porcelain', '--untracked-files=all').trim().split('\n').sort(), [
    '?? reference/proposals/rport-small/README.md',
    '?? reference/proposals/rport-small/proposal.patch',
    '?? reference/proposals/rport-tests/README.md',
    '?? reference/proposals/rport-tests/proposal.patch',
    '?? reference/proposals/rport/README.md',
    '?? reference/proposals/rport/proposal.patch',
  ]);

  const out = tempDir('rfcdoc-site-proposals-out-');
  // A cache of its own, to see what the build pins in its lock.json.
  cache = tempDir('rfcdoc-site-proposals-cache-');
  const [r, f] = await Promise.all([build(root, join(out, 'site'), { cacheDir: cache, mirror: MIRROR }), build(FIXTURE, join(out, 'fixture'))]);
  assert.ok(r.ok, r.diagnostics.map((d) => d.message).join('\n'));
  assert.ok(f.ok, f.diagnostics.map((d) => d.message).join('\n'));
  assert.equal(r.diagnostics.filter((d) => d.severity !== 'note'), [], 'no warning about the proposals');
  site = siteFiles(join(out, 'site'));
  fixtureSite = siteFiles(join(out, 'fixture'));
});

const page = (p: string) => {
  const html = site.get(p);
  assert.ok(html, `${p} was written`);
  return html!;
};

/** The section of a page holding `id="hunk-N"`. */
function hunk(html: string, n: number): string {
  const at = html.indexOf(`<section class="hunk" id="hunk-${n}"`);
  assert.ok(at >= 0, `hunk-${n} is on the page`);
  return html.slice(at, html.indexOf('</section>', at));
}

test('a page per proposal and the index, linked from the site index and the navigation', () => {
  for (const p of ['proposals/index.html', 'proposals/rport.html', 'proposals/rport-small.html', 'proposals/rport-tests.html']) page(p);
  assert.ok(page('index.html').includes('href="proposals/index.html"'));
  assert.ok(page('reference/sip/via.ts.html').includes('<li><a href="../../proposals/index.html">Proposals</a></li>'));
  assert.not.ok(fixtureSite.get('index.html')!.includes('proposals/'), 'no proposals: no link');
});

test('each hunk is highlighted, its lines marked added or removed by sign and word', () => {
  const html = page('proposals/rport.html');
  const files = html.match(/<h3 id="f-[^"]*"><code>[^<]+<\/code>/g)!.map((h) => h.replace(/.*<code>/, '').replace('</code>', ''));
  assert.equal(files, ['reference/sip/rport.ts', 'reference/sip/via.ts']);
  const added = hunk(html, 1);
  const row = added.split('\n').find((l) => l.includes('fillRport'))!;
  assert.match(row, /^<div class="l add"><span class="n"><\/span><span class="n">4<\/span><span class="mk" title="added"><span aria-hidden="true">\+<\/span><span class="vh">added<\/span><\/span>/);
  assert.match(row, /<span class="h[0-9a-f]{6}">fillRport<\/span>/, 'highlighted by shiki, as module pages are');
  const changed = hunk(html, 2);
  const del = changed.split('\n').find((l) => l.startsWith('<div class="l del"'))!;
  const add = changed.split('\n').find((l) => l.startsWith('<div class="l add"'))!;
  assert.ok(del.includes('<span class="vh">removed</span>') && del.includes('ttl=1`'), del);
  assert.ok(add.includes('ttl=1;rport`'), add);
  assert.ok(changed.includes('<div class="l ctx"><span class="n">17</span><span class="n">17</span>'), 'context lines carry both numbers');
});

test("an added tag is the module pages' quote box, holding the RFC's text", async () => {
  const rfc3581 = await realDoc('RFC3581');
  const html = hunk(page('proposals/rport.html'), 1);
  for (const ref of ['P4L15-P4L18', 'P4L20-P4L23']) {
    const span = resolveRef(rfc3581, parseRef(ref));
    const h = citationHeading(rfc3581, span);
    assert.ok(
      html.includes(`<span class="kind">implements</span> ${esc(`${h.doc} §${h.section} ${h.title} · ${h.pages}`)}</summary><p class="at">In the text: <a class="ref" href="../rfc/rfc3581.html#${ref}">${ref}</a></p><pre class="quote">${esc(spanText(rfc3581, span))}</pre>`),
      ref,
    );
  }
});

test('a base tag whose lines a hunk changes is shown with its quote as "amends"', async () => {
  const rfc3261 = await realDoc('RFC3261');
  const span = resolveRef(rfc3261, parseRef('P143L14-P143L17'));
  const h = citationHeading(rfc3261, span);
  const changed = hunk(page('proposals/rport.html'), 2);
  assert.ok(changed.includes(`<span class="kind">amends</span> ${esc(`RFC 3261 §${h.section} ${h.title} · ${h.pages}`)}</summary>`), changed.slice(0, 600));
  assert.ok(changed.includes('<a class="ref" href="../rfc/rfc3261.html#P143L14-P143L17">'), changed.slice(0, 600));
  assert.ok(changed.includes(`<pre class="quote">${esc(spanText(rfc3261, span))}</pre>`));
  const line = viaText.split('\n').findIndex((l) => l.includes('P143L14-P143L17')) + 1;
  assert.ok(changed.includes(`base tag: <a href="../reference/sip/via.ts.html#L${line}">reference/sip/via.ts:${line}</a>`));
  assert.not.ok(hunk(page('proposals/rport.html'), 1).includes('amends</span>'), 'a new file amends nothing');
});

test("the coverage of the proposal's RFC, with its missing requirements linked to the RFC page", async () => {
  const rfc3581 = await realDoc('RFC3581');
  const html = page('proposals/rport.html');
  assert.ok(html.includes('<h3 id="cov-rfc3581">Coverage of <a href="../rfc/rfc3581.html">RFC 3581</a>'));
  const missing = html.slice(html.indexOf('<details class="missing">'), html.indexOf('</details>', html.indexOf('<details class="missing">')));
  // Every requirement of RFC 3581 that neither of rport's two refs overlaps (the fixture's base cites none), linked to its line.
  const cited = ['P4L15-P4L18', 'P4L20-P4L23'].map((r) => resolveRef(rfc3581, parseRef(r)));
  const expected = extractRequirements(rfc3581)
    .filter((r) => !cited.some((c) => c.begin <= r.end && c.end >= r.begin))
    .map((r) => lineId(rfc3581.lines[r.begin]!));
  assert.ok(expected.length > 0 && expected.length < extractRequirements(rfc3581).length);
  assert.equal([...missing.matchAll(/<li><a href="\.\.\/rfc\/rfc3581\.html#(P\d+L\d+)">\1<\/a>/g)].map((m) => m[1]), expected);
});

test('RFC pages link proposed lines back to their hunk, a status apart; the base counts stay', () => {
  const rfc = page('rfc/rfc3581.html');
  const row = lineWithId(rfc, 'P4L15')!;
  assert.match(row, /^<li id=P4L15 class=proposed>/);
  assert.ok(row.includes('<a class=proposed href=../proposals/rport.html#hunk-1>rport hunk 1</a>'), row);
  // The line shows the first; its citations page lists every proposal citing it.
  assert.match(row, /<a class=more href=\.\.\/cites\/rfc3581\.html#P4L15>\+2 more<\/a>/);
  const cites = page('cites/rfc3581.html');
  const entry = citesEntry(cites, 'P4L15')!;
  assert.ok(entry.includes('href=../proposals/rport-small.html#hunk-1>'), `each proposal citing the line: ${entry}`);
  assert.ok(entry.includes('href=../proposals/rport-tests.html#hunk-1>'));
  assert.not.match(row, /class=c[itxd]\b/, 'the base cites none of RFC 3581');
  assert.ok(rfc.includes('<span class="proposed-key">proposed</span>'), 'the legend has the status');
  // RFC 3261: what the base says of it is what it said without proposals.
  const coverage = (html: string) => html.slice(html.indexOf('<p class="meta">'), html.indexOf('<p class="legend">'));
  assert.is(coverage(page('rfc/rfc3261.html')), coverage(fixtureSite.get('rfc/rfc3261.html')!));
});

test("map.json: the base's rows as they were, then the proposals' citations with their proposal", () => {
  const map = JSON.parse(page('map.json')) as Record<string, unknown>[];
  const base = JSON.parse(fixtureSite.get('map.json')!) as Record<string, unknown>[];
  assert.equal(map.slice(0, base.length), base);
  const rows = map.slice(base.length);
  assert.ok(rows.every((r) => typeof r.proposal === 'string'));
  const line = RPORT.split('\n').findIndex((l) => l.includes('P4L15-P4L18')) + 1;
  assert.ok(rows.some((r) => r.proposal === 'rport' && r.doc === 'RFC3581' && r.ref === 'P4L15-P4L18' && r.begin === 'P4L15' && r.end === 'P4L18' && r.kind === 'implements' && r.file === 'reference/sip/rport.ts' && r.line === line && r.hunk === 1));
  assert.ok(rows.some((r) => r.proposal === 'rport-tests' && r.kind === 'tests' && r.file === 'test/sip/rport.test.ts'));
  assert.is(rows.filter((r) => r.proposal === 'rport').length, 2);
});

test('the index: every proposal, requires linked, alternatives grouped with bars on one scale', () => {
  const html = page('proposals/index.html');
  const tests = html.slice(html.indexOf('<tr><th scope="row"><a href="rport-tests.html">'));
  assert.ok(tests.slice(0, tests.indexOf('</tr>')).includes('<td><a href="rport.html">rport</a></td>'), 'requires, linked');
  const group = html.slice(html.indexOf('<section class="group" aria-labelledby="group-rport">'));
  assert.ok(group.length > 0 && group.includes('<h2 id="group-rport">Alternatives: rport</h2>'));
  const cards = group.split('<div class="alt">').slice(1);
  assert.equal(cards.map((c) => /href="([^"]+)"/.exec(c)![1]), ['rport.html', 'rport-small.html']);
  const width = (c: string) => Number(/<rect class="fill" x="0" y="0" width="(\d+)"/.exec(c)![1]);
  const lines = (c: string) => Number(/<span class="num">(\d+)<\/span> code lines/.exec(c)![1]);
  assert.is(width(cards[0]!), 240, 'the larger fills the bar');
  assert.is(width(cards[1]!), Math.round((240 * lines(cards[1]!)) / lines(cards[0]!)));
  assert.ok(lines(cards[0]!) > lines(cards[1]!));
  assert.ok(cards[1]!.includes('on the smallest') === false && cards[0]!.includes(`+${lines(cards[0]!) - lines(cards[1]!)} on the smallest`));
  assert.ok(cards[0]!.includes('aria-label="rport: '), 'the bar says its figure in words');
  // One chart for the group: a row each, code then test lines, on one scale.
  const chart = group.slice(group.indexOf('<svg class="chart"'), group.indexOf('</svg>', group.indexOf('<svg class="chart"')));
  const bars = [...chart.matchAll(/<rect class="(fill|tests)" x="\d+" y="\d+" width="(\d+)"/g)].map((m) => Number(m[2]));
  assert.is(bars.length, 4);
  // Neither has test lines (rport-tests holds them): the code bars alone, the larger spanning the scale.
  assert.equal(bars, [480, 0, Math.round((480 * lines(cards[1]!)) / lines(cards[0]!)), 0]);
  assert.match(chart, new RegExp(`aria-label="rport ${lines(cards[0]!)} code and 0 test lines, rport-small ${lines(cards[1]!)} code and 0 test lines"`));
});

test("a document only proposals cite gets its page but is not pinned in the cache's lock.json", () => {
  const lock = JSON.parse(readFileSync(join(cache, 'lock.json'), 'utf8')) as { docs: Record<string, unknown> };
  assert.equal(Object.keys(lock.docs).sort(), ['rfc2617', 'rfc3261']);
  page('rfc/rfc3581.html');
});

test('a kept renderer applies and renders a proposal again only when what it reads changed', async () => {
  const renderer = await createSiteRenderer();
  const store = realStore();
  const once = () => buildSite({ root, out: 'site', store, renderer, write: false });
  const first = await once();
  assert.ok(first.ok);
  const applied = renderer.proposalCache.applied.get('rport');
  const nonce = join(root, 'reference/auth/nonce.ts');
  const text = readFileSync(nonce, 'utf8');
  try {
    writeFileSync(nonce, `${text}\n// touched\n`);
    const second = await once();
    assert.ok(second.ok);
    assert.is(renderer.proposalCache.applied.get('rport'), applied, 'not applied again');
    assert.is(second.files!.get('proposals/rport.html'), first.files!.get('proposals/rport.html'));
    assert.is(second.stats!.rendered, 2, 'the touched module page and index.html, none of the proposals');
    // A base line added above the hunk: the patch applies one line lower, and is shown and measured there.
    writeFileSync(join(root, 'reference/sip/via.ts'), viaText.replace("export const MAGIC_COOKIE = 'z9hG4bK';", "export const MAGIC_COOKIE = 'z9hG4bK';\nexport const SIP = 'SIP/2.0';"));
    const shifted = await once();
    assert.ok(shifted.ok);
    const moved = hunk(shifted.files!.get('proposals/rport.html')!, 2);
    const tagLine = viaText.split('\n').findIndex((l) => l.includes('P143L14-P143L17')) + 1;
    assert.ok(moved.includes(`<div class="l ctx"><span class="n">${tagLine + 2}</span><span class="n">${tagLine + 2}</span><span class="mk" title="unchanged"><span aria-hidden="true"> </span><span class="vh">unchanged</span></span><div class="c"><span class="h`), moved.slice(0, 2000));
    assert.ok(moved.split('\n').find((l) => l.startsWith('<div class="l add"'))!.includes(`<span class="n">${tagLine + 3}</span>`), 'the added line where it is now');
    assert.ok(moved.includes(`base tag: <a href="../reference/sip/via.ts.html#L${tagLine + 1}">reference/sip/via.ts:${tagLine + 1}</a>`), 'the amended tag found where it is');
    const sizes = (html: string) => /<p class="meta">(\+\d+ −\d+ code lines[^<]*)<\/p>/.exec(html)![1];
    assert.is(sizes(shifted.files!.get('proposals/rport.html')!), sizes(first.files!.get('proposals/rport.html')!));
    // A base edit the patch's context no longer matches: shown unapplied, with a warning naming the hunk.
    writeFileSync(join(root, 'reference/sip/via.ts'), viaText.replace('ttl=1', 'ttl=255'));
    const third = await once();
    assert.ok(third.ok, 'a proposal never stops the site');
    const warning = third.diagnostics.find((d) => d.severity === 'warning' && d.message.startsWith('proposal rport is shown unapplied'));
    assert.ok(warning?.message.includes('hunk 1 does not apply to reference/sip/via.ts'), JSON.stringify(third.diagnostics));
    assert.ok(third.files!.get('proposals/rport.html')!.includes('This proposal does not apply to this tree'));
    assert.ok(third.diagnostics.some((d) => d.message.startsWith('proposal rport-tests is shown unapplied: what it requires does not apply')));
    // A base that already has the file both alternatives create (as a tree the proposals are applied to has): the whole group
    // is shown unapplied, and every image of the index still says what it shows (axe's svg-img-alt: an empty chart had no label).
    writeFileSync(join(root, 'reference/sip/via.ts'), viaText);
    writeFileSync(join(root, 'reference/sip/rport.ts'), RPORT_SMALL);
    const fourth = await once();
    assert.ok(fourth.diagnostics.some((d) => d.message.startsWith('proposal rport is shown unapplied')) && fourth.diagnostics.some((d) => d.message.startsWith('proposal rport-small is shown unapplied')), JSON.stringify(fourth.diagnostics));
    const index = fourth.files!.get('proposals/index.html')!;
    assert.equal([...index.matchAll(/<svg[^>]*role="img"[^>]*>/g)].filter((m) => !/aria-label="[^"]+"/.test(m[0])).map((m) => m[0]), []);
    assert.match(index, /No size to compare: none of this group applies to this tree\./);
  } finally {
    writeFileSync(nonce, text);
    writeFileSync(join(root, 'reference/sip/via.ts'), viaText);
    rmSync(join(root, 'reference/sip/rport.ts'), { force: true });
  }
});

test('a tree that is no git checkout: a chain jsdiff cannot stack is shown unapplied, saying git had no copy to apply it in, and the rest builds', async () => {
  // reference/proposals/update-early stacks update on 100rel at the same spot: only git's three-way apply keeps both.
  const root = tempDir('rfcdoc-site-nogit-');
  for (const d of ['reference', 'test']) cpSync(join(ROOT, d), join(root, d), { recursive: true });
  const project: Project = { root, files: [], docs: new Map(), citations: [], requirements: new Map(), diagnostics: [] };
  const { list, diagnostics } = await siteProposals(project, realStore());
  const early = list.find((p) => p.proposal.name === 'update-early');
  assert.ok(early, 'reference/proposals/ holds update-early');
  assert.match(early.problem ?? '', /nor by git three-way: no scratch copy of the tree: .*not a git repository/);
  assert.ok(diagnostics.some((d) => d.severity === 'warning' && d.message.startsWith('proposal update-early is shown unapplied')));
  assert.ok(list.some((p) => p.problem === undefined), 'the other proposals apply in memory');
});

test.run();
