/**
 * `proposal apply --to DIR` interrupted while it writes DIR.tmp-* beside
 * DIR: nothing of it is left (neither DIR nor the half-written tree beside
 * it), and the command ends by the signal. A tree written whole has the
 * modes a directory made by the user has (the umask's), not mkdtemp's 0700.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, watch } from 'node:fs';
import { join } from 'node:path';
import { testCache } from '../helpers.ts';
import { scratchDir, treeWithMessage, UAS, type Tree } from './tree.ts';

let tree: Tree;

test.before(async () => {
  tree = await treeWithMessage();
});

/** One apply into a new `out` under `parent`, sent SIGTERM as soon as its half-written `out.tmp-*` appears. */
async function applyKilledWhileWriting(parent: string) {
  const child = spawn(join(tree.dir, 'tools', 'rfcdoc.mjs'), ['proposal', 'apply', 'message', '--to', join(parent, 'out'), '--cache', testCache()], {
    cwd: tree.dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let seen = false;
  const watcher = watch(parent, (_event, name) => {
    if (seen || !name?.startsWith('out.tmp-')) return;
    seen = true;
    child.kill('SIGTERM');
  });
  const end = await ended;
  watcher.close();
  return end;
}

test('SIGTERM while apply writes the tree beside DIR: nothing is left there, and it ends by the signal', async () => {
  // On a loaded machine the copy may be done before the signal lands: then the tree is whole, and it is tried again.
  let killed = 0;
  for (let attempt = 0; attempt < 5 && killed === 0; attempt++) {
    const parent = scratchDir('rfcdoc-apply-kill-');
    const { code, signal } = await applyKilledWhileWriting(parent);
    if (signal === null) {
      assert.equal(code, 0);
      assert.equal(readdirSync(parent), ['out'], 'done before the signal: the whole tree, nothing beside it');
      continue;
    }
    killed++;
    assert.equal(signal, 'SIGTERM');
    assert.equal(readdirSync(parent), [], 'nothing half-written is left');
  }
  assert.ok(killed > 0, 'an apply was interrupted while writing');
});

test('a tree written whole: DIR and its folders have the umask\'s modes', async () => {
  const out = join(scratchDir('rfcdoc-apply-mode-'), 'out');
  const r = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', out]);
  assert.equal(r.code, 0, r.stderr);
  const expected = 0o777 & ~process.umask();
  assert.equal((statSync(out).mode & 0o777).toString(8), expected.toString(8));
  assert.equal((statSync(join(out, 'reference')).mode & 0o777).toString(8), expected.toString(8));
});

test('--to a symbolic link to an empty directory: the tree is written into that directory, the link kept', async () => {
  const parent = scratchDir('rfcdoc-apply-link-');
  mkdirSync(join(parent, 'target'));
  symlinkSync(join(parent, 'target'), join(parent, 'link'));
  const r = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', join(parent, 'link')]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(parent, 'link')).isSymbolicLink(), 'the link is still a link');
  assert.match(readFileSync(join(parent, 'target', UAS), 'utf8'), "    'MESSAGE',\n");
  assert.equal(readdirSync(parent).sort(), ['link', 'target']);
});

test.run();
