/**
 * Navigation and code cross-links (issue 14 §3, §4), on sites built for real
 * from the fixture project and from a small tree written here (real tags
 * citing RFC 3261, read from RFC_MIRROR): breadcrumbs whose folders link to
 * folder pages that exist, a folder page with its README's text and its
 * files with their descriptions, import specifiers linked to the imported
 * module's page (node: and package imports not), and a module's tests and a
 * test's modules listed, by import and by citing the same text.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { tempDir } from '../helpers.ts';
import { scanSource } from '../../tools/annotate/scan.ts';
import { esc } from '../../tools/site/html.ts';
import { protocolOf } from '../../tools/site/index-page.ts';
import { build, FIXTURE, readTree, writeTree } from './common.ts';

const test = suite('site navigation and cross-links');

let fixture: Map<string, string>;
let tree: Map<string, string>;

/** The small tree: a module importing a sibling, node: and a package; a test importing it; a test citing the same text without importing it; one citing other text. */
const TREE: Record<string, string> = {
  'reference/README.md': '# References\n\nThe modules of the tree.\n',
  'reference/sip/README.md': '# Via handling\n\nHow the [via module](via.ts) adds maddr.\n',
  'reference/sip/via.ts': `/** Adds maddr and ttl for a multicast request. */
import { posix } from 'node:path';
import { test } from 'uvu';
import { ttl } from './ttl.ts';
export type { Ttl } from "./ttl.ts";

// @implements RFC3261 P143L14-P143L17
export function multicastVia(addr: string): string {
  return posix.join(addr, String(ttl) + String(test));
}
`,
  'reference/sip/ttl.ts': `/** The ttl a multicast request carries. */
export const ttl = 1;
export type Ttl = number;
`,
  'test/sip/via.test.ts': `/** via.ts against the multicast rule. */
import { multicastVia } from '../../reference/sip/via.ts';

// @tests RFC3261 P143L14-P143L15
export const checked = multicastVia('x');
`,
  'test/sip/same-text.test.ts': `/** Cites what via.ts cites, imports nothing of it. */
// @tests RFC3261 P143L16-P143L19
export const same = 1;
`,
  'test/sip/other.test.ts': `/** Cites other text. */
// @tests RFC3261 P150L5-P150L6
export const other = 1;
`,
};

test.before(async () => {
  const fixtureDir = join(tempDir('rfcdoc-nav-fixture-'), 'site');
  const r1 = await build(FIXTURE, fixtureDir);
  assert.ok(r1.ok, r1.summary);
  fixture = readTree(fixtureDir);
  const root = tempDir('rfcdoc-nav-tree-');
  writeTree(root, TREE);
  const out = join(root, 'site');
  const r2 = await build(root, out);
  assert.ok(r2.ok, r2.diagnostics.map((d) => d.message).join('\n'));
  tree = readTree(out);
});

/** The breadcrumb nav of a page: its items as [text, href or undefined, current]. */
function crumbs(html: string): { text: string; href?: string; current: boolean }[] | undefined {
  const nav = /<nav class="crumbs" aria-label="Breadcrumb"><ol>(.*?)<\/ol><\/nav>/.exec(html)?.[1];
  if (nav === undefined) return undefined;
  return [...nav.matchAll(/<li>(?:<a href="([^"]*)">([^<]*)<\/a>|<span aria-current="page">([^<]*)<\/span>)<\/li>/g)].map((m) => ({
    text: m[2] ?? m[3]!,
    href: m[1],
    current: m[3] !== undefined,
  }));
}

/** The text of some HTML, tags dropped and white space folded. */
const textOf = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

test('every module, test, README and folder page has linked breadcrumbs to folder pages that exist, the page itself current', () => {
  let checked = 0;
  for (const [site, files] of [
    ['fixture', fixture],
    ['tree', tree],
  ] as const) {
    for (const [path, html] of files) {
      if (!path.endsWith('.html') || !/^(reference|test)\/|^README\.html$/.test(path)) continue;
      const items = crumbs(html);
      assert.ok(items, `${site} ${path}: no breadcrumb nav`);
      // The project path the page shows, from its site path.
      const shown = path.endsWith('/index.html') ? path.slice(0, -'/index.html'.length) : path.endsWith('README.html') ? path.replace(/\.html$/, '.md') : path.slice(0, -'.html'.length);
      assert.equal(items.map((i) => i.text).join('/'), shown, `${site} ${path}`);
      assert.equal(
        items.map((i) => i.current),
        items.map((_, k) => k === items.length - 1),
        `${site} ${path}: only the last is current`,
      );
      for (const [k, i] of items.slice(0, -1).entries()) {
        const target = posix.normalize(posix.join(posix.dirname(path), i.href!));
        assert.equal(target, `${shown.split('/').slice(0, k + 1).join('/')}/index.html`, `${site} ${path}: ${i.text} links its folder page`);
        assert.ok(files.has(target), `${site} ${path}: ${target} exists`);
      }
      checked++;
    }
  }
  // Fixture: 3 source pages, 2 READMEs, 5 folders; tree: 5 sources, 3 READMEs (root has none), 4 folders.
  assert.ok(checked >= 20, `${checked} pages checked`);
});

test("a folder page shows its README's text and its files, each with its description, linked", () => {
  for (const [files, dir, root, hasReadme] of [
    [fixture, 'reference', FIXTURE, true],
    [fixture, 'reference/sip', FIXTURE, false],
    [tree, 'reference/sip', undefined, true],
  ] as const) {
    const page = files.get(`${dir}/index.html`);
    assert.ok(page, `${dir}/index.html`);
    if (hasReadme) {
      const readme = root ? readFileSync(join(root, dir, 'README.md'), 'utf8') : TREE[`${dir}/README.md`]!;
      // Every paragraph of the README after its title, as words: links keep their text.
      const words = readme
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .map((l) => l.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, ''));
      assert.ok(words.length > 0);
      for (const w of words) assert.ok(textOf(page).includes(w.replace(/\s+/g, ' ').trim()), `${dir}: README line ${JSON.stringify(w)}`);
    }
    const sources = [...files.keys()].filter((p) => p.startsWith(`${dir}/`) && p.endsWith('.ts.html') && !p.slice(dir.length + 1).includes('/'));
    if (dir === 'reference' && files === fixture) {
      assert.equal(sources, []);
      continue;
    }
    assert.ok(sources.length > 0, `${dir} has files`);
    for (const s of sources) {
      const path = s.slice(0, -'.html'.length);
      const text = root ? readFileSync(join(root, path), 'utf8') : TREE[path]!;
      const { description } = scanSource(path, text).file;
      assert.ok(description, `${path} has a description`);
      const row = page.split('\n').find((l) => l.startsWith('<tr>') && l.includes(`href="${posix.basename(s)}"`));
      assert.ok(row, `${dir}: a row links ${s}`);
      assert.ok(row.includes(esc(description)), `${dir}: ${path}'s row gives its description`);
    }
  }
  // The parent lists the folder with its README's title, and the documents its files cite, linked.
  const parent = tree.get('reference/index.html')!;
  const row = parent.split('\n').find((l) => l.startsWith('<tr>') && l.includes('href="sip/index.html"'));
  assert.ok(row?.includes('Via handling'), row);
  assert.ok(row!.includes('<td data-label="Cites"><a href="../rfc/rfc3261.html">RFC 3261</a></td>'), row);
  assert.ok(tree.has('rfc/rfc3261.html'));
  const via = tree.get('reference/sip/index.html')!.split('\n').find((l) => l.startsWith('<tr>') && l.includes('href="via.ts.html"'));
  assert.ok(via?.includes('<td data-label="Cites"><a href="../../rfc/rfc3261.html">RFC 3261</a></td>'), via);
});

test("a module's import specifiers link to the imported modules' pages; node: and package imports do not", () => {
  const page = tree.get('reference/sip/via.ts.html')!;
  const links = [...page.matchAll(/<a class="import" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[2], m[1]]);
  assert.equal(links, [
    ['./ttl.ts', 'ttl.ts.html'],
    ['./ttl.ts', 'ttl.ts.html'],
  ]);
  assert.ok(tree.has('reference/sip/ttl.ts.html'));
  assert.not.match(page, /<a[^>]*>node:path<\/a>/);
  assert.not.match(page, /<a[^>]*>uvu<\/a>/);
  const test = tree.get('test/sip/via.test.ts.html')!;
  assert.match(test, '<a class="import" href="../../reference/sip/via.ts.html">../../reference/sip/via.ts</a>');
});

test("a module lists the tests that import it or cite the same text; a test lists the modules it imports or tests", () => {
  const related = (html: string) =>
    [...(/<details class="related"[^>]*>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '').matchAll(/<li><a href="([^"]*)"><code>([^<]*)<\/code><\/a> <span class="why">([^<]*)<\/span><\/li>/g)].map((m) => [
      m[2],
      m[3],
      m[1],
    ]);
  assert.equal(related(tree.get('reference/sip/via.ts.html')!), [
    ['test/sip/same-text.test.ts', 'cites the same text', '../../test/sip/same-text.test.ts.html'],
    ['test/sip/via.test.ts', 'imports it, cites the same text', '../../test/sip/via.test.ts.html'],
  ]);
  assert.equal(related(tree.get('test/sip/via.test.ts.html')!), [['reference/sip/via.ts', 'imported, cites the same text', '../../reference/sip/via.ts.html']]);
  assert.equal(related(tree.get('test/sip/same-text.test.ts.html')!), [['reference/sip/via.ts', 'cites the same text', '../../reference/sip/via.ts.html']]);
  // Other text, no import: nothing to list. ttl.ts is imported by a module only (module to module is the code's own links).
  assert.equal(related(tree.get('test/sip/other.test.ts.html')!), []);
  assert.equal(related(tree.get('reference/sip/ttl.ts.html')!), []);
});

test('the index groups modules and tests by protocol, each folder a row linking its folder page, the coverage summary first', () => {
  for (const files of [fixture, tree]) {
    const index = files.get('index.html')!;
    const coverage = index.indexOf('id="h-coverage"');
    assert.ok(coverage > 0 && coverage < index.indexOf('id="h-modules"') && coverage < index.indexOf('id="h-docs"'), 'coverage comes before modules and documents');
    const groups = [...index.matchAll(/<h3 id="[^"]*"><a href="([^"]*)"><code>([^<]*)<\/code><\/a>/g)].map((m) => [m[2], m[1]]);
    // Files right in reference/ or test/ are listed apart, in no protocol.
    const folders = new Set([...files.keys()].filter((p) => p.endsWith('.ts.html') && posix.dirname(p).includes('/')).map((p) => protocolOf(posix.dirname(p))));
    assert.equal(groups.map((g) => g[0]!.slice(0, -1)).sort(), [...folders].sort());
    for (const [, href] of groups) assert.ok(files.has(href!), href);
  }
  assert.equal(protocolOf('reference/sip/transaction'), 'reference/sip');
  assert.equal(protocolOf('test/reference/sip/transaction'), 'test/reference/sip');
  assert.equal(protocolOf('test/site/fixtures'), 'test/site');
  assert.equal(protocolOf('reference'), 'reference');
});

test.run();
