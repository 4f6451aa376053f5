/**
 * `proposal stats` measures the lines the patch really changed in the tree
 * it applied to: where git applied a hunk at an offset (the base moved on
 * since the patch was made, lines above it added), the figures are those of
 * the lines it added there, not of the lines at the patch's own numbers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadProposals } from '../../tools/proposal/load.ts';
import { proposalStats } from '../../tools/proposal/stats.ts';
import { MIRROR, testCache } from '../helpers.ts';
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

test.run();
