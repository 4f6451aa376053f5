/** Running `npm run stun` in tests: to completion, or a server until stopped. */
import { execFile } from 'node:child_process';
import { ROOT, start, waitFor, type Running } from '../../../../tools/testkit/processes.ts';

export const STUN_CLI = 'reference/stun/cli.ts';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `stun ARGS…` to its end (at most `ms`). */
export function runStun(args: string[], ms = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', STUN_CLI, ...args], { cwd: ROOT, timeout: ms, env }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `stun server ARGS…`, ready once it says where it listens. */
export async function startStunServer(args: string[]): Promise<Running> {
  const s = start(process.execPath, ['--import', 'tsx', STUN_CLI, 'server', ...args]);
  await waitFor('our stun server to listen', () => s.stdout().includes('listening on'), 20_000, s);
  return s;
}
