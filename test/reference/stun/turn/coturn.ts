/**
 * coturn's turnserver on 127.0.0.1 for the TURN client's interop test:
 * long-term credentials with one user, a free port, a relay range on
 * 127.0.0.1, loopback peers allowed (coturn refuses them by default), no CLI,
 * no TLS/DTLS, no configuration file, and everything it writes (log, pid, user database) in a
 * temporary directory removed when it stops.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerPath } from '../../../peers.ts';
import { freePort, start, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';

export interface Coturn {
  port: number;
  user: string;
  password: string;
  realm: string;
  /** What it logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function startCoturn(options: { user?: string; password?: string; realm?: string; extra?: string[] } = {}): Promise<Coturn> {
  const user = options.user ?? 'alice';
  const password = options.password ?? 'wonderland';
  const realm = options.realm ?? 'rfcdoc.test';
  const dir = mkdtempSync(join(tmpdir(), 'rfcdoc-coturn-'));
  const port = await freePort();
  const low = await freePort();
  const logFile = join(dir, 'turn.log');
  const args = [
    // -n: no configuration file (/etc/turnserver.conf would choose the log and more).
    '-n', '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '--listening-port', String(port),
    // A relay range of its own: 20 ports from one freePort() found free.
    '--min-port', String(low), '--max-port', String(Math.min(low + 20, 65535)),
    '--lt-cred-mech', '--user', `${user}:${password}`, '--realm', realm,
    '--allow-loopback-peers', '--no-cli', '--no-tls', '--no-dtls', '--no-tcp-relay',
    '--db', join(dir, 'turndb'), '--pidfile', join(dir, 'turn.pid'),
    '--log-file', logFile, '--simple-log', '--no-stdout-log', '--verbose',
    ...(options.extra ?? []),
  ];
  const running: Running = start(peerPath('coturn'), args, { cwd: dir });
  // If this process ends without stop() (a test that crashed it), the server must not outlive it.
  const orphan = () => {
    try {
      if (running.child.pid !== undefined) process.kill(-running.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphan);
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitFor('coturn to listen', () => /UDP listener opened on: 127\.0\.0\.1:/.test(log()) && /Total General servers/.test(log()) || running.child.exitCode !== null, 10_000, running);
    if (running.child.exitCode !== null) throw new Error(`turnserver exited ${running.child.exitCode}: ${log().slice(-2000)}${running.stderr()}`);
  } catch (e) {
    process.off('exit', orphan);
    await stop(running);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port, user, password, realm, log,
    async stop() {
      process.off('exit', orphan);
      await stop(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
