/**
 * The size of a patch and the base tags it amends, on a patch git makes
 * between two versions of a small module: which lines each tag governs, an
 * insertion inside a tagged list, a changed line under a nested tag, an
 * addition after the last statement that amends nothing, and comment and
 * tag lines that are not code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPatch } from '../../tools/proposal/load.ts';
import { governed, measurePatch } from '../../tools/proposal/measure.ts';
import { tempDir } from '../helpers.ts';

const BASE = `// @implements RFC3261 P1L1
export const a = [
  'x',
  'y',
];

export function f(g: (n: number) => void) {
  // @implements RFC3261 P1L2
  const b = 1;
  g(b);
  // @exception RFC3261 P1L4: not here
  // @implements RFC3261 P1L3
  return b;
}
export const after = 1;
`;

test('governed: a top-level tag its statement, a nested one down to the next tag, an exception its own line', () => {
  assert.equal(
    governed(BASE, 'm.ts').map((g) => `${g.tag.kind} ${g.tag.refs[0]!.text}: ${g.first}-${g.last}`),
    ['implements P1L1: 1-5', 'implements P1L2: 8-10', 'exception P1L4: 11-11', 'implements P1L3: 12-13'],
  );
});

/** The patch git makes from `base` (BASE) to `after`, read by the load stage. */
function gitPatch(after: string, base = BASE) {
  const dir = tempDir('rfcdoc-measure-');
  writeFileSync(join(dir, 'before.ts'), base);
  writeFileSync(join(dir, 'after.ts'), after);
  let text = '';
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', 'before.ts', 'after.ts'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    text = (e as { stdout: string }).stdout; // git diff --no-index exits 1 when the files differ
  }
  const patch = text.replace(/before\.ts|after\.ts/g, 'reference/m.ts');
  const { files, diagnostics } = readPatch(patch, 'p.patch');
  assert.equal(diagnostics, []);
  return measurePatch(files, () => ({ before: base, after }));
}

test('an insertion inside a tagged list and a changed line under a nested tag amend those tags; comments and tags are no code lines', () => {
  const after = BASE.replace("  'x',\n", "  'x',\n  // why w\n  'w',\n").replace('  g(b);\n', '  g(b + 1);\n').replace('  return b;\n', '  return b;\n  // @implements RFC3261 P2L1\n');
  const m = gitPatch(after);
  assert.equal(m.code, { added: 2, removed: 1 });
  assert.equal(m.tagsAdded, 1);
  assert.equal(m.amends.map((a) => `${a.line} ${a.tag}`), ['1 @implements RFC3261 P1L1', '8 @implements RFC3261 P1L2']);
});

test('lines added after the last statement, or right after a tagged list, amend no base tag', () => {
  const m = gitPatch(`${BASE}export const more = 2;\n`);
  assert.equal(m.code, { added: 1, removed: 0 });
  assert.equal(m.amends, []);
  const below = gitPatch(BASE.replace("];\n\nexport function", "];\nexport const b2 = 3;\n\nexport function"));
  assert.equal(below.amends, []);
});

const SWITCH = `export function f(m: string, g: (n: number) => void) {
  switch (m) {
    case 'A':
      // @implements RFC3261 P1L5
      g(1);
      return;
    case 'B':
      g(2);
      return;
    default:
      g(3);
  }
}
`;

test('a tag in a case clause governs its clause: a case inserted after it, or a line changed in the next clause, amends nothing; a line changed in its clause amends it', () => {
  assert.equal(
    governed(SWITCH, 'm.ts').map((g) => `${g.first}-${g.last}`),
    ['4-6'],
  );
  const inserted = gitPatch(SWITCH.replace("    case 'B':\n", "    case 'C':\n      g(4);\n      return;\n    case 'B':\n"), SWITCH);
  assert.equal(inserted.code, { added: 3, removed: 0 });
  assert.equal(inserted.amends, []);
  assert.equal(gitPatch(SWITCH.replace('g(2);', 'g(22);'), SWITCH).amends, []);
  assert.equal(gitPatch(SWITCH.replace('g(1);', 'g(11);'), SWITCH).amends.map((a) => a.line), [4]);
});

test.run();
