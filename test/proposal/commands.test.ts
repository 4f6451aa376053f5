/**
 * `rfcdoc proposal` as an author runs it, in a git copy of this tree: new
 * exports a real change (and reverts nothing), list, check (its own tests
 * passing and failing, a hunk that no longer applies, --all-together with
 * two proposals inserting at the same spot), stats (sizes, amended base
 * tags, coverage before and after, served again from the cache), apply --to
 * (a runnable tree; an existing non-empty directory and a file refused,
 * nothing deleted), and the odd arguments with their exit status.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testCache } from '../helpers.ts';
import { capabilityTest, METHODS_START, projectTree, scratchDir, UAS, withMethod, type Tree } from './tree.ts';

let tree: Tree;
const MESSAGE_TEST = 'test/reference/sip/ua/tool-message.test.ts';

test.before(async () => {
  tree = await projectTree();
});

test('no proposals folder: list says so (exit 0), check has nothing to check (exit 1), a name is unknown (exit 2)', async () => {
  const list = await tree.rfcdoc(['proposal', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, 'there is no reference/proposals/ folder');
  const check = await tree.rfcdoc(['proposal', 'check']);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stderr, 'no proposals to work on');
  const named = await tree.rfcdoc(['proposal', 'check', 'message']);
  assert.equal(named.code, 2);
  assert.match(named.stderr, 'no proposal is named "message" (there is no reference/proposals/ folder)');
});

test('new: the uncommitted change becomes the proposal folder, Implements: prefilled; the tree and the index are as they were', async () => {
  tree.edit(UAS, METHODS_START, withMethod('MESSAGE'));
  tree.write(MESSAGE_TEST, capabilityTest('MESSAGE'));
  const before = tree.git('status', '--porcelain');
  const r = await tree.rfcdoc(['proposal', 'new', 'message']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, `wrote reference/proposals/message/proposal.patch (2 files):\n  modified ${UAS}\n  added    ${MESSAGE_TEST}`);
  assert.match(r.stdout, 'new reverts nothing');
  assert.match(tree.read('reference/proposals/message/README.md'), '\n- Implements: RFC3428\n');
  const lines = (text: string) => text.split('\n').filter(Boolean).sort();
  assert.equal(lines(tree.git('status', '--porcelain')), lines(before + '?? reference/proposals/\n'));
  assert.equal(tree.git('diff', '--cached', '--name-only'), '');
  const patch = tree.read('reference/proposals/message/proposal.patch');
  assert.equal(patch, tree.git('diff', 'HEAD', '--', UAS) + execDiffNew(MESSAGE_TEST));

  const again = await tree.rfcdoc(['proposal', 'new', 'message']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, 'reference/proposals/message exists already');
  const bad = await tree.rfcdoc(['proposal', 'new', 'Bad_Name']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, 'is not a proposal name');

  // The author reverts the change and fills in the README; the proposal is committed.
  tree.git('checkout', '-q', '--', UAS);
  tree.remove(MESSAGE_TEST);
  tree.write('reference/proposals/message/README.md', '# MESSAGE in the capabilities\n\n- Implements: RFC3428\n\nAllow lists MESSAGE.\n');
  tree.git('add', 'reference/proposals');
  tree.git('commit', '-qm', 'proposal message');
  const none = await tree.rfcdoc(['proposal', 'new', 'empty']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, 'no uncommitted change under reference/ or test/');
  assert.not.ok(existsSync(join(tree.dir, 'reference/proposals/empty')));
});

/** What git diff shows for a new file (what new wrote for it). */
function execDiffNew(path: string): string {
  const text = readFileSync(join(tree.dir, path), 'utf8');
  const blob = tree.git('hash-object', path).trim().slice(0, 7);
  const lines = text.split('\n').slice(0, -1);
  return `diff --git a/${path} b/${path}\nnew file mode 100644\nindex 0000000..${blob}\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
}

test('list --json: name, documents, status, size; a base that moved under a hunk: "does not apply: hunk 1", and check names the hunk and its patch line', async () => {
  const r = await tree.rfcdoc(['proposal', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), [{ name: 'message', title: 'MESSAGE in the capabilities', documents: ['RFC3428'], requires: [], alternatives: null, status: 'applies', size: 1 }]);
  tree.edit(UAS, METHODS_START, METHODS_START.replace("'INVITE',", "'INVITE', // moved on"));
  try {
    const moved = await tree.rfcdoc(['proposal', 'list']);
    assert.equal(moved.code, 1);
    assert.match(moved.stdout, /message\s+RFC3428\s+does not apply: hunk 1\s+-/);
    const check = await tree.rfcdoc(['proposal', 'check', 'message']);
    assert.equal(check.code, 1);
    const header = tree.read('reference/proposals/message/proposal.patch').split('\n').findIndex((l) => l.startsWith('@@')) + 1;
    assert.match(check.stderr, `reference/proposals/message/proposal.patch:${header}:1: error: hunk 1 does not apply to ${UAS} [proposal:does-not-apply]\n`);
  } finally {
    tree.git('checkout', '-q', '--', UAS);
  }
});

test('check --suite own: applied, tsc, rfcdoc check and its own tests pass; a proposal whose test fails is said so (exit 1)', async () => {
  await tree.propose('broken', () => {
    tree.edit(UAS, METHODS_START, withMethod('INFO'));
    tree.write('test/reference/sip/ua/broken-cap.test.ts', capabilityTest('NOTIFY'));
  });
  const r = await tree.rfcdoc(['proposal', 'check', 'message', 'broken', '--suite', 'own', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const [message, broken] = JSON.parse(r.stdout) as { name: string; ok: boolean; steps: { step: string; ok: boolean; summary: string; tests?: string[] }[] }[];
  assert.equal(message!.name, 'message');
  assert.ok(message!.ok, JSON.stringify(message));
  assert.equal(message!.steps.map((s) => `${s.step} ${s.ok}`), ['apply true', 'typecheck true', 'tags true', 'own tests true']);
  assert.equal(message!.steps[3]!.tests, [MESSAGE_TEST]);
  assert.match(message!.steps[3]!.summary, '1 passed, 0 failed');
  assert.not.ok(broken!.ok);
  assert.equal(broken!.steps.find((s) => s.step === 'own tests')!.ok, false);
  assert.match(r.stderr, "error: broken: its 1 test file(s) fail in the patched tree: 0 passed, 1 failed");
  assert.match(r.stderr, 'NOTIFY is among the methods');
  tree.git('rm', '-rqf', 'reference/proposals/broken');
  tree.git('commit', '-qm', 'broken goes');
});

test('check --suite affected: a test file failing in the base too is a note, not the proposal\'s error (exit 0)', async () => {
  // The base has a helper and a test of it that fails (someone else's breakage); the proposal changes the helper.
  // Their paths are put together, not written out: a path in a string would make this very test "affected".
  const [helper, fails, twice] = ['helper.ts', 'base-fails.test.ts', 'twice.test.ts'].map((n) => ['test', 'reference', `tool-${n}`].join('/')) as [string, string, string];
  tree.write(helper, 'export const answer = () => 41;\n');
  tree.write(fails, "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { answer } from './tool-helper.ts';\n\ntest('the answer is 42', () => {\n  assert.is(answer(), 42);\n});\n\ntest.run();\n");
  tree.git('add', helper, fails);
  tree.git('commit', '-qm', 'a failing test in the base');
  await tree.propose('helper', () => {
    tree.edit(helper, '=> 41;', '=> 41;\nexport const twice = (n: number) => 2 * n;');
    tree.write(twice, "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { twice } from './tool-helper.ts';\n\ntest('twice', () => {\n  assert.is(twice(21), 42);\n});\n\ntest.run();\n");
  }, '# A helper\n\n- Implements: RFC3428\n');
  try {
    const r = await tree.rfcdoc(['proposal', 'check', 'helper', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [report] = JSON.parse(r.stdout) as { ok: boolean; steps: { step: string; ok: boolean; summary: string; tests?: string[] }[] }[];
    const suite = report!.steps.find((x) => x.step === 'suite')!;
    assert.equal(suite.tests, [fails]);
    assert.ok(suite.ok, suite.summary);
    assert.match(suite.summary, `0 passed, 1 failed (failing in the base too, so not counted: ${fails})`);
    assert.match(r.stderr, `note: helper: ${fails} fails in the base too (not counted against it) [proposal:tests]`);
  } finally {
    tree.git('rm', '-rqf', 'reference/proposals/helper', helper, fails);
    tree.git('commit', '-qm', 'helper goes');
  }
});

test('check --all-together: two proposals inserting at the same spot are applied at once and the tree checks', async () => {
  await tree.propose('update-cap', () => {
    tree.edit(UAS, METHODS_START, withMethod('UPDATE'));
    tree.write('test/reference/sip/ua/update-cap.test.ts', capabilityTest('UPDATE'));
  }, '# UPDATE in the capabilities\n\n- Implements: RFC3428\n- Alternatives: caps\n');
  // --suite own: the patches' own tests, no suite here (the affected tests of uas.ts are many and drive real peers; affected.test.ts checks the choice).
  const r = await tree.rfcdoc(['proposal', 'check', '--all-together', '--suite', 'own', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const [report] = JSON.parse(r.stdout) as { applied: string[]; ok: boolean; steps: { step: string; ok: boolean; tests?: string[] }[] }[];
  assert.equal(report!.applied, ['message', 'update-cap']);
  assert.equal(report!.steps.map((s) => `${s.step} ${s.ok}`), ['apply true', 'typecheck true', 'tags true', 'own tests true']);
  assert.equal(report!.steps[3]!.tests, [MESSAGE_TEST, 'test/reference/sip/ua/update-cap.test.ts']);
  assert.ok(report!.ok);
  const choose = await tree.rfcdoc(['proposal', 'check', '--all-together', '--choose', 'caps=message']);
  assert.equal(choose.code, 2);
  assert.match(choose.stderr, '--choose: group caps holds update-cap, not "message"');
});

test('stats: code lines without comments or tags, tags added, the base tag it amends, coverage before and after; the second time from the cache', async () => {
  const r = await tree.rfcdoc(['proposal', 'stats', 'message', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const [s] = JSON.parse(r.stdout);
  assert.equal(s.code, { added: 1, removed: 0 });
  assert.equal(s.tests, { added: 7, removed: 0 });
  assert.equal(s.files, { added: [MESSAGE_TEST], modified: [UAS], deleted: [] });
  assert.equal(s.tagsAdded, 1);
  // The capability list's own tag (RFC 3261's Allow rule) governs the lines it inserts into.
  const uasText = readFileSync(join(ROOT, UAS), 'utf8').split('\n');
  const list = uasText.indexOf('export const defaultCapabilities: Capabilities = {');
  let listTag = list;
  while (!uasText[listTag - 1]!.includes('@implements')) listTag--;
  assert.equal(s.amends.map((a: { file: string; line: number }) => `${a.file}:${a.line}`), [`${UAS}:${listTag}`]);
  const must = s.coverage[0].after.find((k: { keyword: string }) => k.keyword === 'MUST');
  const mustBefore = s.coverage[0].before.find((k: { keyword: string }) => k.keyword === 'MUST');
  assert.equal(s.coverage[0].doc, 'RFC3428');
  // The patch tags one MUST of §7 (what the tree already had, a proposal applied in it, may cover it too).
  assert.ok(must.implemented + must.tested >= 1 && must.total === mustBefore.total, JSON.stringify([must, mustBefore]));
  assert.ok(must.covered >= mustBefore.covered);
  const cached = readdirSync(join(testCache(), 'proposals')).filter((f) => f.startsWith('stats-'));
  assert.ok(cached.length >= 1);
  const text = await tree.rfcdoc(['proposal', 'stats', 'message']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, `    MUST: ${must.tested + must.implemented} of ${must.total} implemented (${must.tested} of them tested), ${must.exception} excepted, `);
  assert.equal(readdirSync(join(testCache(), 'proposals')).filter((f) => f.startsWith('stats-')), cached, 'served from the cache: nothing new written');
});

test('apply --to: a runnable tree with the proposal; a non-empty directory and a file are refused (exit 2) and nothing in them is touched', async () => {
  const parent = scratchDir('rfcdoc-apply-');
  const out = join(parent, 'patched');
  const r = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(join(out, UAS), 'utf8'), "    'MESSAGE',\n");
  assert.ok(existsSync(join(out, MESSAGE_TEST)) && existsSync(join(out, 'package.json')));
  assert.not.ok(existsSync(join(out, 'node_modules')) || existsSync(join(out, '.git')));
  assert.equal(readdirSync(parent), ['patched'], 'no DIR.tmp-* left beside it');
  // npm install would fill node_modules; the installed one of this repository stands in for it (no network here).
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  const help = execFileSync(process.execPath, ['--import', 'tsx', 'reference/sip/cli.ts', '--help'], { cwd: out, encoding: 'utf8' });
  assert.match(help, 'usage: npm run sip');

  const full = join(parent, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'keep.txt'), 'mine');
  const refused = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', full]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, `--to ${full}: is not empty`);
  assert.equal(readdirSync(full), ['keep.txt']);
  assert.equal(readFileSync(join(full, 'keep.txt'), 'utf8'), 'mine');
  const file = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', join(full, 'keep.txt')]);
  assert.equal(file.code, 2);
  assert.match(file.stderr, 'is a file, not a directory');
  const empty = join(parent, 'empty');
  mkdirSync(empty);
  assert.equal((await tree.rfcdoc(['proposal', 'apply', 'message', '--to', empty])).code, 0, 'an empty directory is taken');
  assert.ok(existsSync(join(empty, UAS)));
  assert.equal(readdirSync(parent).sort(), ['empty', 'full', 'patched']);
});

test('SIGTERM while a check runs: the scratch tree is removed, and the command ends by the signal', async () => {
  // A temporary directory of its own, so that only this command's scratch trees are looked at.
  const tmp = scratchDir('rfcdoc-tmpdir-');
  const child = spawn(join(tree.dir, 'tools', 'rfcdoc.mjs'), ['proposal', 'check', 'message', '--suite', 'own', '--cache', testCache()], {
    cwd: tree.dir,
    env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const scratch = () => readdirSync(tmp).filter((n) => n.startsWith('rfcdoc-proposal-'));
  for (let i = 0; i < 400 && scratch().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(scratch().length, 1, 'the check made its scratch tree');
  await new Promise((r) => setTimeout(r, 300)); // into the copy, or past it
  child.kill('SIGTERM');
  const { signal } = await ended;
  assert.equal(signal, 'SIGTERM');
  assert.equal(scratch(), [], 'nothing of the scratch tree is left');
});

test('odd arguments: exit 2 with a message naming what is wrong', async () => {
  const cases: [string[], string][] = [
    [['proposal'], 'proposal needs a command'],
    [['proposal', 'frobnicate'], 'proposal has no command "frobnicate"'],
    [['proposal', 'list', '--to', 'x'], 'proposal list takes no --to'],
    [['proposal', 'check', '--suite', 'most'], '--suite takes all, affected, own, not "most"'],
    [['proposal', 'apply', 'message'], 'apply needs --to DIR'],
    [['proposal', 'apply', 'nope', '--to', '/tmp/x'], 'no proposal is named "nope" (there are: message, update-cap)'],
    [['proposal', 'check', 'message', '--choose', 'a=b'], '--choose goes with --all-together'],
  ];
  cases.push([['proposal', 'apply', 'message', '--to', tree.dir], 'it is the project root']);
  for (const [args, said] of cases) {
    const r = await tree.rfcdoc(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, said, args.join(' '));
  }
});

test.run();
