/**
 * test/run.ts itself: a suite whose before hook throws never runs its tests,
 * and uvu reports that as nothing at all (no failure printed, exit 0). The
 * runner must count those tests as failed, name the suite and exit 1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.ts';

test('a suite whose before hook throws fails the run, named, with the tests that never ran', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/run.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, RFCDOC_TEST_ROOT: join(ROOT, 'test/fixtures/runner'), NO_COLOR: '1' },
    timeout: 60_000,
  });
  assert.is(r.status, 1, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /hook\.test\.ts \(suite "broken set-up"\): 2 of 2 test\(s\) never ran: a before or after hook threw/);
  assert.match(r.stdout, /\n1 passed, 2 failed\n/);
});

test.run();
