/**
 * `proposal stats` measures the lines the patch really changed in the tree
 * it applied to: where git applied a hunk at an offset (the base moved on
 * since the patch was made, lines above it added), the figures are those of
 * the lines it added there, not of the lines at the patch's own numbers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadProposals } from '../../tools/proposal/load.ts';
import { MAX_KEPT, proposalStats } from '../../tools/proposal/stats.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIRROR, tempDir, testCache } from '../helpers.ts';
import { treeWithMessage, UAS, type Tree } from './tree.ts';

let tree: Tree;

test.before(async () => {
  tree = await treeWithMessage();
});

async function sizeOf(name: string) {
  const loaded = await loadProposals(tree.dir);
  assert.equal(loaded.diagnostics, []);
  const [r] = await proposalStats(tree.dir, loaded.proposals, loaded.proposals.filter((p) => p.name === name), { store: { mirror: MIRROR, cacheDir: testCache() }, sizeOnly: true });
  if (!r!.ok) throw new Error(`stats ${name}: ${JSON.stringify(r!.diagnostics)}`);
  return r!.stats;
}

test('applied where the base put it: one code line and one tag added, at the patch numbers and 3 lines below them alike', async () => {
  const there = await sizeOf('message');
  assert.equal(there.code, { added: 1, removed: 0 });
  assert.equal(there.tagsAdded, 1);
  // The base moves on: three lines at the head of the file (the patch still applies, at an offset of 3).
  tree.write(UAS, `// one\n// two\n// three\n${tree.read(UAS)}`);
  tree.git('commit', '-qam', 'base: three comment lines above the methods');
  const offset = await sizeOf('message');
  assert.equal(offset.code, { added: 1, removed: 0 });
  assert.equal(offset.tagsAdded, 1);
  assert.equal(offset.amends.map((a) => a.tag), there.amends.map((a) => a.tag));
});

test('the results kept in <cache>/proposals/ are bounded: the least recently used beyond MAX_KEPT go, other files stay', async () => {
  const cacheDir = tempDir('rfcdoc-kept-');
  const kept = join(cacheDir, 'proposals');
  mkdirSync(kept);
  const old = new Date('2020-01-01T00:00:00Z');
  for (let i = 0; i < MAX_KEPT + 6; i++) {
    const f = join(kept, `size-${createHash('sha256').update(String(i)).digest('hex')}.json`);
    writeFileSync(f, '{}');
    utimesSync(f, old, old);
  }
  writeFileSync(join(kept, 'notes.txt'), 'mine');
  const loaded = await loadProposals(tree.dir);
  await proposalStats(tree.dir, loaded.proposals, loaded.proposals, { store: { mirror: MIRROR, cacheDir: testCache() }, cacheDir, sizeOnly: true });
  const names = readdirSync(kept);
  assert.ok(names.includes('notes.txt'), 'a file stats did not write is kept');
  const results = names.filter((n) => n.endsWith('.json'));
  assert.equal(results.length, MAX_KEPT);
  const newest = results.filter((n) => statSync(join(kept, n)).mtimeMs > old.getTime());
  assert.equal(newest.length, 1, 'the result just measured is among those kept');
});

test.run();
