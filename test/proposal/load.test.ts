/**
 * The load stage on real folders: a patch made by `proposal new` (git) in a
 * copy of this tree, READMEs with and without their fields, requires order,
 * cycles and unknown names, a patch reaching outside reference/ and test/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadProposals, MAX_PATCH, readPatch, readReadme } from '../../tools/proposal/load.ts';
import { newProposal } from '../../tools/proposal/new.ts';
import { capabilityTest, METHODS_START, projectTree, UAS, withMethod, type Tree } from './tree.ts';

let tree: Tree;
let patch: string;

test.before(async () => {
  tree = await projectTree();
  tree.edit(UAS, METHODS_START, withMethod('MESSAGE'));
  tree.write('test/reference/sip/ua/tool-message.test.ts', capabilityTest('MESSAGE'));
  await newProposal(tree.dir, 'message');
  patch = tree.read('reference/proposals/message/proposal.patch');
  // new reverts nothing: the author does, and commits the proposal.
  tree.git('checkout', '-q', '--', UAS);
  tree.remove('test/reference/sip/ua/tool-message.test.ts');
  tree.git('add', 'reference/proposals');
  tree.git('commit', '-qm', 'proposal message');
});

/** A proposal folder `name` with the shared patch and this README. */
function folder(name: string, readme: string, text = patch) {
  tree.write(`reference/proposals/${name}/README.md`, readme);
  tree.write(`reference/proposals/${name}/proposal.patch`, text);
}

test.after.each(() => tree.reset());

test('a proposal made by new: title, Implements, files and hunks with their patch lines', async () => {
  const { proposals, diagnostics } = await loadProposals(tree.dir);
  assert.equal(diagnostics, []);
  const p = proposals.find((x) => x.name === 'message')!;
  assert.ok(p, 'message is loaded');
  assert.equal(p.files.map((f) => [f.path, f.status]), [[UAS, 'modified'], ['test/reference/sip/ua/tool-message.test.ts', 'added']]);
  const lines = patch.split('\n');
  for (const f of p.files) {
    assert.ok(lines[f.patchLine - 1]!.startsWith(`diff --git a/${f.path} `), `file header of ${f.path} at line ${f.patchLine}`);
    for (const h of f.hunks) assert.ok(lines[h.patchLine - 1]!.startsWith(`@@ -${h.oldStart}`), `hunk ${h.index} of ${f.path} at line ${h.patchLine}`);
  }
  assert.equal(p.files[0]!.hunks[0]!.lines.filter((l) => l.startsWith('+')), ['+    // @implements RFC3428 P7L28-P7L30', "+    'MESSAGE',"]);
  // new prefilled Implements: with the document the added tag cites.
  assert.equal(p.implements, ['RFC3428']);
});

test('README: the fields under the title, lists comma-separated, each error at its line and column', () => {
  const ok = readReadme('# Title here\n\n- Implements: RFC3262, draft-ietf-sipcore-foo-02\n- Requires: update, a-b\n- Alternatives: timers\n\nProse.\n', 'R.md');
  assert.equal(ok.diagnostics, []);
  assert.equal(ok.fields, { title: 'Title here', implements: ['RFC3262', 'draft-ietf-sipcore-foo-02'], requires: ['update', 'a-b'], alternatives: 'timers', readme: 'Prose.' });
  const bad = readReadme('No heading\n- Requires: Bad_Name\n', 'R.md');
  assert.equal(
    bad.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.rule}`),
    ['R.md:1:1 no-title', 'R.md:2:13 bad-field', 'R.md:2:1 no-implements'],
  );
  const doc = readReadme('# T\n- Implements: RFC3262, rfc-nonsense\n', 'R.md');
  assert.equal(doc.diagnostics.map((d) => `${d.line}:${d.col} ${d.rule}`), ['2:24 bad-document']);
});

test('folders that are not proposals: no README, no Implements line, a patch outside reference/ and test/, a bad name', async () => {
  tree.write('reference/proposals/bare/proposal.patch', patch);
  folder('silent', '# Silent\n\nProse only.\n');
  folder('outside', '# Out\n- Implements: RFC3428\n', patch.replace(/reference\/sip\/ua\/uas\.ts/g, 'tools/cli.ts'));
  folder('Upper', '# Up\n- Implements: RFC3428\n');
  folder('huge', '# Huge\n- Implements: RFC3428\n', patch + `+${'x'.repeat(MAX_PATCH)}\n`);
  const { proposals, diagnostics } = await loadProposals(tree.dir);
  assert.equal(proposals.map((p) => p.name), ['message']);
  const said = diagnostics.map((d) => `${d.file}:${d.line ?? ''} ${d.rule}`);
  assert.equal(said, [
    'reference/proposals/bare: no-readme',
    'reference/proposals/huge/proposal.patch: bad-patch',
    'reference/proposals/outside/proposal.patch:1 outside-tree',
    'reference/proposals/silent/README.md:2 no-implements',
    'reference/proposals/Upper: bad-name',
  ]);
  assert.match(diagnostics.find((d) => d.rule === 'outside-tree')!.message, 'tools/cli.ts');
});

test('a README that is a directory and a patch that is a named pipe: each said (not-a-file), never read, never an internal error', async () => {
  mkdirSync(join(tree.dir, 'reference/proposals/dir/README.md'), { recursive: true });
  tree.write('reference/proposals/dir/proposal.patch', patch);
  tree.write('reference/proposals/pipe/README.md', '# Pipe\n- Implements: RFC3428\n');
  execFileSync('mkfifo', [join(tree.dir, 'reference/proposals/pipe/proposal.patch')]);
  const { proposals, diagnostics } = await loadProposals(tree.dir);
  assert.equal(proposals.map((p) => p.name), ['message']);
  assert.equal(diagnostics.map((d) => `${d.file} ${d.rule}`), ['reference/proposals/dir/README.md not-a-file', 'reference/proposals/pipe/proposal.patch not-a-file']);
});

test('requires: applied after what they require, whatever the names; a cycle and an unknown name are errors at the Requires: entry', async () => {
  folder('alpha', '# A\n- Implements: RFC3428\n- Requires: zeta\n');
  folder('zeta', '# Z\n- Implements: RFC3428\n');
  folder('loop-a', '# LA\n- Implements: RFC3428\n- Requires: loop-b\n');
  folder('loop-b', '# LB\n- Implements: RFC3428\n- Requires: loop-a\n');
  folder('lost', '# L\n- Implements: RFC3428\n- Requires: zeta, nowhere\n');
  const { proposals, diagnostics } = await loadProposals(tree.dir);
  assert.equal(proposals.map((p) => p.name), ['zeta', 'alpha', 'message']);
  const said = diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.rule}: ${d.message}`);
  assert.ok(said.includes('reference/proposals/loop-b/README.md:3:13 requires-cycle: Requires: loop-a → loop-b → loop-a is a cycle: no order applies them'), said.join('\n'));
  assert.ok(said.some((s) => s.startsWith('reference/proposals/loop-a/README.md:3:13 ')), said.join('\n'));
  assert.ok(said.includes('reference/proposals/lost/README.md:3:19 unknown-requires: Requires: no proposal is named "nowhere" (see rfcdoc proposal list)'), said.join('\n'));
});

test('readPatch: not a git patch, and a hunk whose counts do not match its lines (said at its @@ line)', () => {
  assert.equal(readPatch('just text\n', 'p.patch').diagnostics.map((d) => d.rule), ['bad-patch']);
  const broken = patch.replace(/@@ -(\d+),(\d+) \+(\d+),(\d+) @@/, (_m, a, b, c, d) => `@@ -${a},${b} +${c},${Number(d) + 5} @@`);
  const r = readPatch(broken, 'p.patch');
  // At the @@ header whose counts are wrong, not at the file's diff --git line.
  const header = broken.split('\n').findIndex((l) => l.startsWith('@@')) + 1;
  assert.ok(header > 1);
  assert.equal(r.diagnostics.map((d) => `${d.line} ${d.rule}`), [`${header} bad-patch`]);
  assert.match(r.diagnostics[0]!.message, 'Added line count did not match for hunk');
});

test.run();
