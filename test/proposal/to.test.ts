/**
 * `proposal apply --to DIR` interrupted while it writes DIR.tmp-* beside
 * DIR: nothing of it is left (neither DIR nor the half-written tree beside
 * it), and the command ends by the signal. A tree written whole has the
 * modes a directory made by the user has (the umask's), not mkdtemp's 0700.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { testCache } from '../helpers.ts';
import { scratchDir, treeWithMessage, type Tree } from './tree.ts';

let tree: Tree;

test.before(async () => {
  tree = await treeWithMessage();
});

test('SIGTERM while apply writes the tree beside DIR: nothing is left there, and it ends by the signal', async () => {
  const parent = scratchDir('rfcdoc-apply-kill-');
  const child = spawn(join(tree.dir, 'tools', 'rfcdoc.mjs'), ['proposal', 'apply', 'message', '--to', join(parent, 'out'), '--cache', testCache()], {
    cwd: tree.dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let seen = false;
  // Killed as soon as the half-written tree appears: the copy into it has begun.
  const watcher = watch(parent, (_event, name) => {
    if (seen || !name?.startsWith('out.tmp-')) return;
    seen = true;
    child.kill('SIGTERM');
  });
  const { signal } = await ended;
  watcher.close();
  assert.ok(seen, 'the apply began writing beside DIR');
  assert.equal(signal, 'SIGTERM');
  assert.equal(readdirSync(parent), [], 'nothing half-written is left');
});

test('a tree written whole: DIR and its folders have the umask\'s modes', async () => {
  const out = join(scratchDir('rfcdoc-apply-mode-'), 'out');
  const r = await tree.rfcdoc(['proposal', 'apply', 'message', '--to', out]);
  assert.equal(r.code, 0, r.stderr);
  const expected = 0o777 & ~process.umask();
  assert.equal((statSync(out).mode & 0o777).toString(8), expected.toString(8));
  assert.equal((statSync(join(out, 'reference')).mode & 0o777).toString(8), expected.toString(8));
});

test.run();
