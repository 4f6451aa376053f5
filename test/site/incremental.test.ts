/**
 * The warm analyzer that rfcdoc serve uses gives the same Project as
 * analyzeProject, on the fixture tree and after edits: a changed tag, a new
 * cited document, a broken ref, a removed file.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.ts';
import { analyzeProject } from '../../tools/annotate/project.ts';
import type { Project } from '../../tools/annotate/model.ts';
import { createAnalyzer } from '../../tools/site/incremental.ts';
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
  const analyze = createAnalyzer({ root, paths: SITE_PATHS, store });
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

test.run();
