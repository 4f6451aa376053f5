/**
 * `proposal check --all-together --suite own` runs the test files the
 * applied patches add or change: a proposal whose own test fails makes it
 * fail (exit 1, naming the file), never an "ok" with no test run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilityTest, scratchDir, treeWithMessage, type Tree } from './tree.ts';

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

test('a failing test is shown with its message, however much the files after it print', async () => {
  await tree.propose('noisy', () => {
    tree.write('test/reference/sip/ua/noisy-a.test.ts', `import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('fails first', () => {
  assert.is(1 + 1, 3, 'the sum the proposal expects');
});

test.run();
`);
    tree.write('test/reference/sip/ua/noisy-b.test.ts', `import { test } from 'uvu';

test('then prints much', () => {
  for (let i = 0; i < 200; i++) console.log(\`line \${i} of what a later file printed\`);
});

test.run();
`);
  }, '# Noisy\n\n- Implements: RFC3428\n\nTests only.\n');
  const r = await tree.rfcdoc(['proposal', 'check', 'noisy', '--suite', 'own']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // The end of the output is the second file's; the first's failure is shown all the same.
  assert.match(r.stderr, 'line 199 of what a later file printed');
  assert.not.match(r.stderr, 'line 150 of what a later file printed');
  assert.match(r.stderr, /FAIL .*"fails first"\n\s+the sum the proposal expects/);
});

// CI names the corpus and the mirror relative to the checkout (../shared/…); the scratch tree is elsewhere.
test('a relative RFC_CORPUS or RFC_MIRROR reaches the scratch tree\'s tests as the file it names from where rfcdoc ran', async () => {
  const where = scratchDir('rfcdoc-relative-');
  mkdirSync(join(where, 'shared'));
  writeFileSync(join(where, 'shared', 'corpus.tar'), 'a corpus');
  const test = 'test/reference/sip/ua/corpus-env.test.ts';
  await tree.propose('corpus-env', () => tree.write(test, `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';

test('RFC_CORPUS names a file here', () => {
  assert.ok(existsSync(process.env.RFC_CORPUS ?? ''), \`RFC_CORPUS=\${process.env.RFC_CORPUS} from \${process.cwd()}\`);
});

test.run();
`), '# Corpus env\n\n- Implements: RFC3428\n\nA test only.\n');
  const r = await tree.rfcdoc(['proposal', 'check', 'corpus-env', '--suite', 'own'], where, { RFC_CORPUS: 'shared/corpus.tar' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /own tests\s+ok/);
});

test.run();
