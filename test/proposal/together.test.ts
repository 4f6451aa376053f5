/**
 * `proposal check --all-together --suite own` runs the test files the
 * applied patches add or change: a proposal whose own test fails makes it
 * fail (exit 1, naming the file), never an "ok" with no test run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capabilityTest, treeWithMessage, type Tree } from './tree.ts';

let tree: Tree;
const FAILING = 'test/reference/sip/ua/tool-notify.test.ts';

test.before(async () => {
  tree = await treeWithMessage();
  // A test that NOTIFY is allowed, with no change that allows it: it fails in any tree.
  await tree.propose('notify', () => tree.write(FAILING, capabilityTest('NOTIFY')), '# Notify\n\n- Implements: RFC6665\n\nA test only.\n');
});

test('--all-together --suite own: the patches\' own tests are run, and one failing fails the check', async () => {
  const r = await tree.rfcdoc(['proposal', 'check', '--all-together', '--suite', 'own']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, 'own tests');
  assert.match(r.stderr, FAILING);
});

test.run();
