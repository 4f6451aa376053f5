/**
 * Test helper: run `npm run sip -- <command>` as a child process in its own
 * process group, read its output, and make sure it is gone afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Ends the whole process group (SIGTERM, then SIGKILL after 3 s). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The SIP CLI, as `npm run sip` runs it (tsx), without npm's wrapper processes. */
export function sip(args: string[]): Child {
  return start(process.execPath, ['--import', 'tsx', 'reference/sip/cli.ts', ...args]);
}

export function start(command: string, args: string[]): Child {
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let done = false;
  exited.then(() => (done = true));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done && child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
        } catch {}
        const timer = setTimeout(() => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          } catch {}
        }, 3000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

export async function waitFor(cond: () => boolean, what: string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `sip server` on a free port and returns it with the port it printed. */
export async function sipServer(args: string[]): Promise<{ child: Child; port: number }> {
  const child = sip(['server', '--listen', '127.0.0.1:0', ...args]);
  try {
    await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.test(child.stdout()) || child.process.exitCode !== null, 'the server to listen');
  } catch (e) {
    await child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}; stderr: ${child.stderr()}`);
  }
  const m = /listening on 127\.0\.0\.1:(\d+)/.exec(child.stdout());
  if (m === null) throw new Error(`server did not start: ${child.stderr()}`);
  return { child, port: Number(m[1]) };
}
