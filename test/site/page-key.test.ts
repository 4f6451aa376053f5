/**
 * The renderer's page cache is keyed by each renderer's whole input
 * (tools/site/page-key.ts): an unchanged project renders nothing again, and
 * anything a page reads, a document's title from rfc-index.txt included,
 * renders it again. Pages rendered for serve carry serve's CSP and its
 * live-reload script from the renderer itself.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeProject } from '../../tools/annotate/project.ts';
import type { Project } from '../../tools/annotate/model.ts';
import { createSiteRenderer } from '../../tools/site/build.ts';
import { CSP, LIVE_PREFIX, SERVE_CSP } from '../../tools/site/layout.ts';
import { esc } from '../../tools/site/html.ts';
import { SITE_PATHS } from '../../tools/site/pipeline.ts';
import { pageKey } from '../../tools/site/page-key.ts';
import { FIXTURE, realStore } from './common.ts';

const test = suite('site page keys');

let project: Project;

test.before(async () => {
  project = await analyzeProject({ root: FIXTURE, paths: SITE_PATHS, store: realStore() });
  assert.equal(project.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('the same project again: every page from the cache (the index is always rendered)', async () => {
  const renderer = await createSiteRenderer();
  const first = await renderer.render(project);
  assert.ok(first.stats.rendered > 5);
  const again = await renderer.render(project);
  assert.is(again.stats.rendered, 1);
  assert.equal([...again.files], [...first.files]);
});

test("a document's new title (same text, newer rfc-index.txt) renders the pages that show it again", async () => {
  const renderer = await createSiteRenderer();
  await renderer.render(project);
  const rfc2617 = project.docs.get('rfc2617')!;
  const retitled = { ...rfc2617, title: 'A Title From A Newer Index' };
  const docs = new Map(project.docs).set('rfc2617', retitled);
  const { files, stats } = await renderer.render({ ...project, docs });
  assert.ok(files.get('rfc/rfc2617.html')!.includes('A Title From A Newer Index'), 'the document page has the new title');
  assert.not.ok(files.get('rfc/rfc3261.html')!.includes('A Title From A Newer Index'));
  // rfc2617's page, its requirement view, its citations page and script (the page's input), each page of a file naming RFC2617 (it reads the document), and the index; not rfc3261's page.
  const naming = project.files.filter((f) => f.tags.some((t) => t.doc === 'RFC2617')).length;
  assert.is(stats.rendered, 4 + naming + 1);
});

test("the key hashes a document's fields but not its lines: they follow from its sha256", () => {
  const doc = project.docs.get('rfc3261')!;
  assert.is(pageKey({ doc }), pageKey({ doc: { ...doc, lines: [] } }));
  assert.is.not(pageKey({ doc }), pageKey({ doc: { ...doc, sha256: '0'.repeat(64) } }));
  assert.is.not(pageKey({ doc }), pageKey({ doc: { ...doc, title: 'other' } }));
  assert.is.not(pageKey({ m: new Map([['a', 1]]) }), pageKey({ m: new Map([['a', 2]]) }));
});

test("a requirement counts without its sentence (it follows from the document), with its place and coverage", () => {
  const req = project.requirements.get('rfc3261')![0]!;
  assert.is(pageKey({ req }), pageKey({ req: { ...req, text: '' } }));
  assert.is.not(pageKey({ req }), pageKey({ req: { ...req, end: req.end + 1 } }));
  assert.is.not(pageKey({ req }), pageKey({ req: { ...req, status: req.status === 'missing' ? 'tested' : 'missing' } }));
});

test('a live renderer (rfcdoc serve) renders its CSP and the live-reload script; a site renderer neither', async () => {
  const script = `<script src="${LIVE_PREFIX}live.js" defer></script>`;
  const live = (await (await createSiteRenderer({ live: true })).render(project)).files;
  const site = (await (await createSiteRenderer()).render(project)).files;
  const pages = [...live.keys()].filter((p) => p.endsWith('.html'));
  assert.ok(pages.length > 5);
  for (const p of pages) {
    assert.ok(live.get(p)!.includes(`content="${esc(SERVE_CSP)}"`), p);
    assert.ok(live.get(p)!.includes(`${script}\n</body>`), p);
    assert.ok(site.get(p)!.includes(`content="${esc(CSP)}"`), p);
    assert.not.ok(site.get(p)!.includes(script), p);
  }
});

test.run();
