/**
 * A scratch tree whose command was killed outright (SIGKILL: no handler
 * runs) is removed by the next proposal command that makes one: its name
 * carries the process id, and a tree of a process that is gone is swept.
 * The trees of live processes are left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testCache } from '../helpers.ts';
import { scratchDir, treeWithMessage, type Tree } from './tree.ts';

let tree: Tree;

test.before(async () => {
  tree = await treeWithMessage();
});

test('SIGKILL leaves the scratch tree; the next command removes it, and not the tree of a live process', async () => {
  const tmp = scratchDir('rfcdoc-tmpdir-');
  const env = { ...process.env, TMPDIR: tmp, NO_COLOR: '1' };
  const bin = join(tree.dir, 'tools', 'rfcdoc.mjs');
  const scratch = () => readdirSync(tmp).filter((n) => n.startsWith('rfcdoc-proposal-'));
  // A tree of this (live) process, named as the tool names its own.
  const alive = `rfcdoc-proposal-${process.pid}-keep0`;
  mkdirSync(join(tmp, alive));
  const child = spawn(bin, ['proposal', 'check', 'message', '--suite', 'own', '--cache', testCache()], { cwd: tree.dir, env, stdio: 'ignore' });
  const ended = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 400 && scratch().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await ended;
  const left = scratch().filter((n) => n !== alive);
  assert.equal(left.length, 1, 'the killed check left its scratch tree');
  const out = join(scratchDir('rfcdoc-apply-'), 'out');
  const apply = await new Promise<number>((resolve) => execFile(bin, ['proposal', 'apply', 'message', '--to', out, '--cache', testCache()], { cwd: tree.dir, env }, (e) => setTimeout(() => resolve(e ? Number(e.code) : 0), 0)));
  assert.equal(apply, 0);
  assert.equal(scratch(), [alive], 'the dead process\'s tree is gone, the live one\'s kept');
});

test.run();
