/**
 * `--suite affected`: the test files that can see a patch. A test sees a
 * file when the file is in its closure: what it imports (relative
 * specifiers, through any module), and what a test or reference module
 * names in a string literal that is a path of the tree, relative to the
 * root or to the module's folder: a CLI script it spawns
 * (`'reference/sip/cli.ts'`), a scenario it reads, or a whole folder
 * (`'reference'`, which the layering test walks) with everything under it,
 * unless the folder holds the module itself (a test's `'test'` is a role or
 * a runner's root far more often than a walk of every test).
 * Literals in tools/ (but tools/testkit/, what tests share: the CLI scripts
 * they spawn) are not followed: rfcdoc's stages name `reference` and
 * `test` as their defaults, and following them would make every test that
 * imports a stage see every patch. What reads the tree only through such
 * a default (a test running `rfcdoc check` on this repository) is not seen;
 * `--suite all` and `--all-together` run those.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pathLiterals, specifiers, withoutComments } from './imports.ts';

const isTest = (f: string) => f.startsWith('test/') && f.endsWith('.test.ts') && !f.split('/').includes('fixtures');
const followsLiterals = (f: string) => f.startsWith('test/') || f.startsWith('reference/') || f.startsWith('tools/testkit/');

/** Test files (project-relative) among `files` whose closure holds one of `touched`. */
export async function affectedTests(root: string, files: readonly string[], touched: readonly string[]): Promise<string[]> {
  const fileSet = new Set(files);
  const dirSet = new Set<string>();
  for (const f of files) for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) dirSet.add(f.slice(0, i));
  const topDirs = new Set([...dirSet].filter((d) => !d.includes('/')));
  const modules = files.filter((f) => /\.(ts|mjs)$/.test(f) && !f.includes('node_modules/'));
  const next = new Map<string, string[]>();
  await Promise.all(
    modules.map(async (from) => {
      const text = await readFile(join(root, from), 'utf8');
      const dir = posix.dirname(from);
      const to = new Set<string>();
      const blanked = withoutComments(text);
      for (const { specifier } of specifiers(text, blanked)) {
        if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
        const p = posix.normalize(posix.join(dir, specifier));
        if (fileSet.has(p)) to.add(p);
      }
      if (followsLiterals(from)) {
        for (const lit of pathLiterals(text, blanked)) {
          const fromRoot = posix.normalize(lit.replace(/\/$/, ''));
          // A path starting with a top-level folder ('reference/sip/ua/') is the root's; another may be beside the module ('scenarios/uas.xml').
          const rooted = topDirs.has(fromRoot.split('/')[0]!);
          const candidates = rooted ? [fromRoot] : [fromRoot, posix.normalize(posix.join(dir, lit)).replace(/\/$/, '')];
          for (const p of candidates) {
            if (fileSet.has(p)) to.add(p);
            // A folder holding the module itself is its home, not what it reads (a test's 'test' is a role, a runner's root).
            else if (dirSet.has(p) && !from.startsWith(`${p}/`) && p.includes('/') === lit.replace(/\/$/, '').includes('/')) to.add(`${p}/`);
          }
        }
      }
      next.set(from, [...to]);
    }),
  );
  const seen = (test: string): Set<string> => {
    const reached = new Set<string>([test]);
    const queue = [test];
    for (let i = 0; i < queue.length; i++) for (const w of next.get(queue[i]!) ?? []) if (!reached.has(w)) reached.add(w), queue.push(w);
    return reached;
  };
  return files.filter(isTest).filter((t) => {
    const reached = seen(t);
    return touched.some((f) => reached.has(f) || [...ancestors(f)].some((d) => reached.has(`${d}/`)));
  });
}

function* ancestors(path: string): Generator<string> {
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) yield path.slice(0, i);
}
