/**
 * `--suite affected` on this repository's own tracked files: the tests that
 * import a touched module, run a CLI script that does, or walk the folder
 * holding it; not the others.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { affectedTests } from '../../tools/proposal/affected.ts';
import { trackedFiles } from '../../tools/proposal/apply.ts';
import { ROOT } from '../helpers.ts';

let files: string[];
test.before(async () => {
  files = await trackedFiles(ROOT);
});

test('a STUN codec change: its decode and vector tests, the STUN CLI test (it spawns reference/stun/cli.ts), the layering test (it walks reference/); no SDP or SIP test', async () => {
  const found = await affectedTests(ROOT, files, ['reference/stun/message/codec.ts']);
  for (const t of ['test/reference/stun/message/decode.test.ts', 'test/reference/stun/message/vectors.test.ts', 'test/reference/stun/cli/cli.test.ts', 'test/layering.test.ts']) {
    assert.ok(found.includes(t), `${t} sees the codec (found: ${found.join(' ')})`);
  }
  assert.not.ok(found.some((t) => t.startsWith('test/reference/sdp/') || t.startsWith('test/reference/sip/')), found.join(' '));
  assert.ok(found.length < files.filter((f) => f.endsWith('.test.ts')).length / 3, `${found.length} tests is not a selection`);
});

test('a new test file is affected by what it imports; a SIPp scenario is seen by the test that names it', async () => {
  const uas = await affectedTests(ROOT, files, ['reference/sip/ua/uas.ts']);
  assert.ok(uas.includes('test/reference/sip/ua/uas.test.ts'));
  assert.ok(uas.includes('test/reference/sip/media/call.test.ts'), 'call.test.ts spawns reference/sip/cli.ts (through tools/testkit/processes.ts), which reaches uas.ts');
  const scenario = files.find((f) => f.startsWith('test/') && f.endsWith('.xml'));
  if (scenario) {
    const seen = await affectedTests(ROOT, files, [scenario]);
    assert.ok(seen.length > 0 && seen.length < 10, `${scenario}: ${seen.join(' ')}`);
  }
});

test.run();
