/**
 * Test helper: run `npm run sip -- <command>` as a child process, on the
 * process-group helpers of tools/testkit/processes.ts (start, stop, waitFor).
 */
import { CLI, start, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';

/** The SIP CLI, as `npm run sip` runs it (tsx), without npm's wrapper processes. */
export function sip(args: string[]): Running {
  return start(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
}

/** Starts `sip server` on a free port and returns it with the port it printed. */
export async function sipServer(args: string[]): Promise<{ child: Running; port: number }> {
  const child = sip(['server', '--listen', '127.0.0.1:0', ...args]);
  try {
    await waitFor('the server to listen', () => /listening on 127\.0\.0\.1:(\d+)/.test(child.stdout()) || child.child.exitCode !== null, 15000, child);
  } catch (e) {
    await stop(child, 0, 'SIGKILL');
    throw e;
  }
  const m = /listening on 127\.0\.0\.1:(\d+)/.exec(child.stdout());
  if (m === null) throw new Error(`server did not start: ${child.stderr()}`);
  return { child, port: Number(m[1]) };
}
