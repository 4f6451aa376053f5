/**
 * Running a program for a stage (git, tsc, the test runner) with its output
 * captured and bounded: a stage gets the exit status and the last
 * `keep` characters of stdout and stderr, whatever the program prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Output kept per stream by default: enough for any error message, bounded for a long test run. */
const KEEP = 256 * 1024;

const running = new Set<ChildProcess>();

/** Stops every program a stage is running (the command itself is being interrupted). */
export function stopAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) child.kill(signal);
}

export function run(file: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; keep?: number }): Promise<Ran> {
  const started = performance.now();
  const keep = opts.keep ?? KEEP;
  return new Promise((resolve, reject) => {
    // Nothing is typed at the program unless `input` is given: its stdin is closed, never left open beside it.
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout = (stdout + s).slice(-keep)));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-keep)));
    running.add(child);
    child.on('error', (e) => {
      running.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input: its status says what happened
      child.stdin.end(opts.input);
    }
  });
}

/** git in `cwd`, with no user configuration that could change what it does (hooks, signing, identity). */
export function git(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const env = { ...process.env, ...extraEnv, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'rfcdoc', GIT_AUTHOR_EMAIL: 'rfcdoc@localhost', GIT_COMMITTER_NAME: 'rfcdoc', GIT_COMMITTER_EMAIL: 'rfcdoc@localhost' };
  return run('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgSign=false', '-c', 'merge.conflictStyle=diff3', ...args], { cwd, env, input });
}

/** git that must succeed: a failure here is a bug or a broken machine, thrown with git's words. */
export async function gitOk(cwd: string, args: readonly string[], input?: string, extraEnv?: NodeJS.ProcessEnv): Promise<string> {
  const r = await git(cwd, args, input, extraEnv);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
