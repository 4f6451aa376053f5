/**
 * A project of its own for the proposal tests: this repository's tracked
 * files as they are in the working tree, with tools/ as it is now (so the
 * proposal tool under test is the one being edited), node_modules linked,
 * committed as a git repository in a temporary directory. Tests change it,
 * run `proposal new` there, and check, apply and measure what they made,
 * with the copy's own rfcdoc (its root is where its tools/ lives).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { createScratch } from '../../tools/proposal/apply.ts';
import { newProposal } from '../../tools/proposal/new.ts';
import { MIRROR, ROOT, tempDir, testCache, type CliRun } from '../helpers.ts';

export interface Tree {
  dir: string;
  /** Runs git there, returning stdout; throws on failure. */
  git(...args: string[]): string;
  read(path: string): string;
  write(path: string, text: string): void;
  remove(path: string): void;
  /** Back to the last commit: changes and untracked files dropped (node_modules, ignored, stays). */
  reset(): void;
  /** Edits a file by replacing `from` (which must be there) with `to`. */
  edit(path: string, from: string, to: string): void;
  /** rfcdoc of the copy, from the copy (or `cwd`), with the test cache; `env` adds to its environment. */
  rfcdoc(args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /**
   * An author's round: `change` edits the tree, `proposal new NAME` (the
   * stage) exports it, the author reverts the change and commits the
   * proposal folder, with `readme` as its README when given.
   */
  propose(name: string, change: () => void, readme?: string): Promise<void>;
}

/**
 * The copy's rfcdoc (its bin), as test/helpers.ts runRfcdoc runs one, but
 * with room for a check: tsc, rfcdoc check and tests in a scratch tree take
 * a minute on a loaded machine, past runRfcdoc's 60 s.
 */
function rfcdocOf(dir: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  // A check run by these tests leaves test/proposal/ out of its suite (BASE_ONLY in tools/proposal/check.ts), never nesting further.
  const mirror = MIRROR && !/^https?:/i.test(MIRROR) ? resolve(MIRROR) : (MIRROR ?? '');
  return new Promise((done) => {
    const child = execFile(join(dir, 'tools', 'rfcdoc.mjs'), [...args, '--cache', testCache()], { cwd, env: { ...process.env, RFC_MIRROR: mirror, NO_COLOR: '1', ...env }, timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      setTimeout(() => done({ code, stdout, stderr }), 0);
    });
    child.stdin?.end();
  });
}

export async function projectTree(): Promise<Tree> {
  const scratch = await createScratch(ROOT);
  // The scratch directory lives until the process ends (apply.ts removes it then); the test keeps it as its project.
  const dir = scratch.dir;
  cpSync(join(ROOT, 'tools'), join(dir, 'tools'), { recursive: true, filter: (src) => !src.includes('node_modules') });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgSign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // The proposals of this repository are not the tests' own: the copy starts with none.
  rmSync(join(dir, 'reference/proposals'), { recursive: true, force: true });
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'tools as in the working tree, no proposals');
  const tree: Tree = {
    dir,
    git,
    read: (p) => readFileSync(join(dir, p), 'utf8'),
    write: (p, text) => {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    },
    remove: (p) => rmSync(join(dir, p), { recursive: true, force: true }),
    reset: () => {
      git('reset', '-q', '--hard');
      git('clean', '-fdq');
    },
    edit(p, from, to) {
      const text = readFileSync(join(dir, p), 'utf8');
      if (!text.includes(from)) throw new Error(`${p} does not hold ${JSON.stringify(from)}: the test's edit no longer fits the file`);
      writeFileSync(join(dir, p), text.replace(from, to));
    },
    rfcdoc: (args, cwd = dir, env = {}) => rfcdocOf(dir, args, cwd, env),
    async propose(name, change, readme) {
      change();
      await newProposal(dir, name);
      if (readme !== undefined) tree.write(`reference/proposals/${name}/README.md`, readme);
      git('checkout', '-q', '--', 'reference', 'test');
      git('clean', '-fdq', '--', 'reference', 'test', ':(exclude)reference/proposals');
      git('add', 'reference/proposals');
      git('commit', '-qm', `proposal ${name}`);
    },
  };
  return tree;
}

/** A directory the test may fill, removed when the process ends. */
export const scratchDir = (prefix: string) => tempDir(prefix);

/**
 * The capability list of the UAS (one entry per line, for proposals): where
 * the tests insert and change lines. At its head, not its end: the
 * proposals of reference/proposals/ add their methods at the end, and these
 * tests run in their patched trees too (check --all-together runs the suite).
 */
export const UAS = 'reference/sip/ua/uas.ts';
export const METHODS_START = "  methods: [\n    'INVITE',\n";
/** The same head of the list of methods the UAS core handles. */
export const HANDLED_START = "export const HANDLED_METHODS: readonly string[] = [\n  'INVITE',\n";

/** The lines a proposal adding `method` inserts at the head of the list: the method, and the tag citing RFC 3428 §7's MUST. */
export const withMethod = (method: string) => METHODS_START.replace('[\n', `[\n    // @implements RFC3428 P7L28-P7L30\n    '${method}',\n`);

/** A test file that passes when `method` is among the UAS's methods (and fails when it is not). */
export const capabilityTest = (method: string) => `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCapabilities } from '../../../../reference/sip/ua/uas.ts';

test('${method} is among the methods the UAS allows', () => {
  assert.ok(defaultCapabilities.methods.includes('${method}'));
});

test.run();
`;

/** A project tree holding one committed proposal, `message`: the MESSAGE method inserted into the UAS's list, with its tag. */
export async function treeWithMessage(): Promise<Tree> {
  const tree = await projectTree();
  await tree.propose('message', () => tree.edit(UAS, METHODS_START, withMethod('MESSAGE')), '# Message\n\n- Implements: RFC3428\n\nA method.\n');
  return tree;
}
