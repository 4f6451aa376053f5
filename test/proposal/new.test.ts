/**
 * `proposal new NAME` refusing a name it cannot write as a folder: one too
 * long for the file system is a usage error (exit 2) naming the limit, never
 * an internal error, and nothing is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS_START, projectTree, UAS, withMethod, type Tree } from './tree.ts';

let tree: Tree;

test.before(async () => {
  tree = await projectTree();
});

test('a name of 300 letters: exit 2 naming the limit, no folder written; one of 64 is taken', async () => {
  tree.edit(UAS, METHODS_START, withMethod('MESSAGE'));
  const long = 'a'.repeat(300);
  const r = await tree.rfcdoc(['proposal', 'new', long]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, 'at most 64 characters');
  assert.not.ok(existsSync(join(tree.dir, 'reference/proposals', long)));
  const most = 'b'.repeat(64);
  const ok = await tree.rfcdoc(['proposal', 'new', most]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, `wrote reference/proposals/${most}/proposal.patch (1 file):`);
});

test.run();
