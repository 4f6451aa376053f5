/**
 * analyzeProject with a stage cache kept between runs, as rfcdoc serve runs
 * it, gives the same Project as a cold analyzeProject, on the fixture tree and
 * after edits: a changed tag, a new cited document, a broken ref, a removed
 * file; and a document's load warnings stay with that document.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIRROR, tempDir } from '../helpers.ts';
import type { Diagnostic } from '../../tools/diagnostics.ts';
import { analyzeProject, createStageCache } from '../../tools/annotate/project.ts';
import type { Project } from '../../tools/annotate/model.ts';
import { SITE_PATHS } from '../../tools/site/pipeline.ts';
import { FIXTURE, realStore } from './common.ts';

const test = suite('site incremental analysis');

/** A Project as plain data, documents by id and sha256. */
function plain(p: Project) {
  return {
    files: p.files.map((f) => ({ ...f })),
    docs: [...p.docs].map(([id, d]) => [id, d.sha256]).sort(),
    citations: p.citations.map((c) => ({ file: c.tag.file, line: c.tag.line, ref: c.ref.text, span: c.span })),
    requirements: [...p.requirements].sort(([a], [b]) => a.localeCompare(b)).map(([id, rs]) => [id, rs.map((r) => ({ ...r, citations: r.citations.map((c) => `${c.tag.file}:${c.tag.line}`) }))]),
    diagnostics: p.diagnostics,
  };
}

test('equals analyzeProject before and after each kind of edit', async () => {
  const root = tempDir('rfcdoc-incremental-');
  cpSync(FIXTURE, root, { recursive: true });
  const store = realStore();
  const cache = createStageCache();
  const analyze = () => analyzeProject({ root, paths: SITE_PATHS, store, cache });
  const check = async (what: string) => {
    const warm = await analyze();
    const cold = await analyzeProject({ root, paths: SITE_PATHS, store });
    assert.equal(plain(warm), plain(cold), what);
    return warm;
  };
  const first = await check('initial');
  assert.is(first.citations.length, 7);
  const via = join(root, 'reference/sip/via.ts');
  const text = readFileSync(via, 'utf8');
  writeFileSync(via, text.replace('P143L14-P143L17', 'P143L14-P143L19'));
  await check('changed ref');
  writeFileSync(via, text.replace('// @todo RFC3261 §8.1.1.8', '// @implements RFC3550 P10L1'));
  const withNewDoc = await check('a newly cited document');
  assert.ok(withNewDoc.docs.has('rfc3550'));
  writeFileSync(via, text.replace('P143L14-P143L17', 'P143L14-P143L99'));
  const broken = await check('broken ref');
  assert.ok(broken.diagnostics.some((d) => d.severity === 'error'));
  rmSync(join(root, 'test'), { recursive: true });
  writeFileSync(via, text);
  const fewer = await check('removed test file');
  assert.is(fewer.citations.length, 6);
  assert.not.ok(fewer.docs.has('rfc3550'));
});

test("a document's load warnings go with that document only, not with another loaded in the same batch", async () => {
  // RFC 652 carries stray control bytes (a warning each, when it is first
  // paginated); RFC 2617 carries none. Both are loaded in one batch, into a
  // fresh cache so that both are paginated now.
  const root = tempDir('rfcdoc-incremental-');
  cpSync(FIXTURE, root, { recursive: true });
  const old = join(root, 'reference/old.ts');
  const oldText = '/**\n * An old RFC.\n *\n * @implements RFC652 (Telnet output carriage-return disposition option)\n */\nexport const old = true;\n';
  writeFileSync(old, oldText);
  const cacheDir = tempDir('rfcdoc-incremental-cache-');
  writeFileSync(join(cacheDir, 'lock.json'), '{"version": 1, "docs": {}}\n');
  copyFileSync(join(MIRROR!, 'rfc-index.txt'), join(cacheDir, 'rfc-index.txt'));
  const store = { cacheDir, mirror: MIRROR, offline: true };
  const cache = createStageCache();
  const analyze = () => analyzeProject({ root, paths: SITE_PATHS, store, cache });
  const isRfc652 = (d: Diagnostic) => d.message.startsWith('RFC652: ');
  const first = await analyze();
  assert.ok(first.docs.has('rfc652') && first.docs.has('rfc2617'));
  assert.ok(first.diagnostics.some(isRfc652), 'RFC652 warned about when loaded');
  assert.ok(first.diagnostics.filter((d) => d.severity === 'warning').every(isRfc652), 'no other document has warnings');
  rmSync(old);
  const without = await analyze();
  assert.not.ok(without.docs.has('rfc652'));
  assert.equal(without.diagnostics.filter(isRfc652), [], 'RFC652 no longer cited: its warnings are gone');
  writeFileSync(old, oldText);
  const again = await analyze();
  assert.ok(again.diagnostics.some(isRfc652), 'cited again (from the stage cache): its warnings again');
});

test.run();
