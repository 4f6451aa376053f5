/**
 * The apply stage with git, on proposals made at test time in a copy of
 * this tree: a hunk that no longer applies named by its number and patch
 * line, two proposals inserting at the same spot kept both, two changing the
 * same base line named as a conflict, a proposal on top of what it requires.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyChain, createScratch, keepInsertions, removeScratch, resetScratch, type Scratch } from '../../tools/proposal/apply.ts';
import { loadProposals } from '../../tools/proposal/load.ts';
import type { Proposal } from '../../tools/proposal/model.ts';
import { capabilityTest, HANDLED_START, METHODS_START, projectTree, UAS, withMethod, type Tree } from './tree.ts';

let tree: Tree;
let all: Proposal[];
const byName = (n: string) => all.find((p) => p.name === n)!;

test.before(async () => {
  tree = await projectTree();
  await tree.propose('one', () => tree.edit(UAS, METHODS_START, withMethod('MESSAGE')));
  await tree.propose('two', () => tree.edit(UAS, METHODS_START, withMethod('UPDATE')));
  await tree.propose('two-spots', () => {
    tree.edit(UAS, METHODS_START, withMethod('MESSAGE'));
    // The list of handled methods, 14 lines below: a second hunk of the same file.
    tree.edit(UAS, HANDLED_START, HANDLED_START.replace('[\n', "[\n  'MESSAGE',\n"));
  });
  const invite = METHODS_START.split('\n')[1]!;
  const readme = (title: string) => `# ${title}\n\n- Implements: RFC3428\n`;
  await tree.propose('three', () => tree.edit(UAS, METHODS_START, METHODS_START.replace(invite, "    'INVITE', // three")), readme('Three'));
  await tree.propose('four', () => tree.edit(UAS, METHODS_START, METHODS_START.replace(`${invite}\n`, '')), readme('Four'));
  // An author building on `one` works on a commit with it applied: the patch is against that.
  tree.git('apply', 'reference/proposals/one/proposal.patch');
  tree.git('commit', '-qam', 'one applied, to build on');
  await tree.propose('on-top', () => {
    tree.edit(UAS, "    'MESSAGE',\n", "    'MESSAGE',\n    // @implements RFC3428 P7L28-P7L30\n    'INFO',\n");
    tree.write('test/reference/sip/ua/info-cap.test.ts', capabilityTest('INFO'));
  }, '# On top\n\n- Implements: RFC3428\n- Requires: one\n');
  tree.git('revert', '--no-edit', 'HEAD~1');
  const loaded = await loadProposals(tree.dir);
  assert.equal(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  all = loaded.proposals;
});

let s: Scratch;
test.before.each(async () => {
  s ??= await createScratch(tree.dir);
  await resetScratch(s);
});
test.after(async () => {
  if (s) await removeScratch(s);
});

const uas = () => readFileSync(join(s.dir, UAS), 'utf8');

test('a proposal on top of what it requires: both applied in order, the file patched, the new test file there', async () => {
  const r = await applyChain(s, [byName('one'), byName('on-top')]);
  assert.equal(r.diagnostics, []);
  assert.equal(r.applied.map((p) => p.name), ['one', 'on-top']);
  assert.match(uas(), "  methods: [\n    // @implements RFC3428 P7L28-P7L30\n    'MESSAGE',\n    // @implements RFC3428 P7L28-P7L30\n    'INFO',\n    'INVITE',\n");
  assert.match(readFileSync(join(s.dir, 'test/reference/sip/ua/info-cap.test.ts'), 'utf8'), "includes('INFO')");
});

test('a hunk that no longer applies: the proposal, the patch line of its @@ header, its number in the file, the file', async () => {
  // The base moves under the second hunk's context (as a later commit on main would).
  tree.edit(UAS, HANDLED_START, HANDLED_START.replace("  'INVITE',", "  'INVITE', // moved on"));
  const moved = await createScratch(tree.dir);
  try {
    const p = byName('two-spots');
    const r = await applyChain(moved, [p]);
    assert.equal(r.failed?.name, 'two-spots');
    const patchLines = p.patch.split('\n');
    const headers = patchLines.flatMap((l, i) => (l.startsWith('@@') ? [i + 1] : []));
    assert.equal(headers.length, 2, 'two hunks in uas.ts');
    assert.equal(
      r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message} [${d.source}:${d.rule}]`),
      [`reference/proposals/two-spots/proposal.patch:${headers[1]}: hunk 2 does not apply to ${UAS} [proposal:does-not-apply]`],
    );
    // Nothing of it stays in the tree: git apply is all or nothing.
    assert.not.match(readFileSync(join(moved.dir, UAS), 'utf8'), "  methods: [\n    // @implements RFC3428");
  } finally {
    await removeScratch(moved);
    tree.reset();
  }
});

test('insert/insert: two proposals adding a line at the same spot are applied together, both lines kept in order', async () => {
  const r = await applyChain(s, [byName('one'), byName('two')]);
  assert.equal(r.diagnostics, []);
  assert.match(uas(), "  methods: [\n    // @implements RFC3428 P7L28-P7L30\n    'MESSAGE',\n    // @implements RFC3428 P7L28-P7L30\n    'UPDATE',\n    'INVITE',\n");
  assert.not.match(uas(), /^[<|=>]{7}/m);
});

test('a real conflict (one changes a base line the other deletes) names both proposals and leaves the later one out', async () => {
  const r = await applyChain(s, [byName('three'), byName('four')]);
  assert.equal(r.applied.map((p) => p.name), ['three']);
  assert.equal(r.failed?.name, 'four');
  const four = byName('four');
  const header = four.patch.split('\n').findIndex((l) => l.startsWith('@@')) + 1;
  assert.equal(
    r.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}: ${d.message}`),
    [`reference/proposals/four/proposal.patch:${header} conflict: four conflicts with proposal three in ${UAS}: both change the same base line ("'INVITE',"); they cannot be applied together`],
  );
  // The tree is as three left it: no conflict markers, three's change there.
  assert.match(uas(), "    'INVITE', // three\n");
  assert.not.match(uas(), /^[<|=>]{7}/m);
});

test('keepInsertions: an empty base side keeps ours then theirs; a non-empty one is a conflict left as it is', () => {
  const inserted = 'a\n<<<<<<< ours\nX\n||||||| base\n=======\nY\n>>>>>>> theirs\nb\n';
  assert.equal(keepInsertions(inserted), { text: 'a\nX\nY\nb\n', conflicts: [] });
  const changed = 'a\n<<<<<<< ours\nX\n||||||| base\nB\n=======\n>>>>>>> theirs\nb\n';
  const r = keepInsertions(changed);
  assert.equal(r.text, changed);
  assert.equal(r.conflicts, [{ line: 2, ours: ['X'], base: ['B'], theirs: [] }]);
});

test.run();
