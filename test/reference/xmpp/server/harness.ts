/**
 * Our XMPP server on 127.0.0.1 for tests: a certificate made by openssl for
 * 'localhost', users written to a users file with userLine and read back, a
 * free port; our client logging in to it; and `npm run xmpp` run as a
 * user runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { tempDir } from '../../../helpers.ts';
import { ROOT, start } from '../../../../tools/testkit/processes.ts';
import { certificate as selfSigned } from '../../../../tools/testkit/prosody.ts';
import { type Limits, XmppServer, readUsersFile, userLine } from '../../../../reference/xmpp/server/index.ts';
import { ClientSession } from '../../../../reference/xmpp/client/index.ts';

export const PASSWORDS: Record<string, string> = { juliet: 'r0m30myr0m30', romeo: 'j\u00fcliet \u2665', nurse: 'n\u00fcrse!' };

export interface Running {
  server: XmppServer;
  port: number;
  dir: string;
  caFile: string;
  usersFile: string;
  cert: Buffer;
}

/** The testkit's self-signed certificate for 'localhost' in `dir`: its PEMs, and where each is. */
export function certificate(dir: string): { cert: Buffer; key: Buffer; caFile: string; keyFile: string } {
  const files = selfSigned(dir, 'localhost');
  return { cert: readFileSync(files.cert), key: readFileSync(files.key), caFile: files.cert, keyFile: files.key };
}

/** The users file for `passwords`, their SCRAM credentials with `iterations` (default userLine's, 4096). */
export function writeUsers(dir: string, passwords: Record<string, string> = PASSWORDS, iterations?: number): string {
  const usersFile = join(dir, 'users');
  writeFileSync(usersFile, `# test users\n${Object.entries(passwords).map(([u, p]) => userLine(u, p, iterations === undefined ? {} : { iterations })).join('\n')}\n`);
  return usersFile;
}

export async function startServer(o: { limits?: Partial<Limits>; log?: (l: string) => void; iterations?: number } = {}): Promise<Running> {
  const dir = tempDir('xmpp-server-');
  const { cert, key, caFile } = certificate(dir);
  const usersFile = writeUsers(dir, PASSWORDS, o.iterations);
  const server = new XmppServer({ domain: 'localhost', tls: { cert, key }, users: readUsersFile(usersFile), ...(o.limits && { limits: o.limits }), ...(o.log && { log: o.log }) });
  const port = await server.listen(0);
  return { server, port, dir, caFile, usersFile, cert };
}

export const login = (r: Pick<Running, 'port' | 'cert'>, user: string, o: { password?: string; mechanism?: string; resource?: string } = {}) =>
  ClientSession.connect({
    jid: `${user}@localhost`,
    password: o.password ?? PASSWORDS[user]!,
    server: { host: '127.0.0.1', port: r.port },
    tls: { ca: r.cert },
    timeoutMs: 5000,
    ...(o.mechanism && { mechanism: o.mechanism }),
    ...(o.resource && { resource: o.resource }),
  });

const CLI = 'reference/xmpp/cli.ts';

/** `npm run xmpp -- ARGS` run to its end, `stdin` its input: the exit code and the output. */
export function xmppCli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
    child.stdin!.end(stdin);
  });
}

/** `npm run xmpp -- ARGS` started in the background (stopped with processes.ts's stop). */
export const startXmppCli = (args: string[]) => start(process.execPath, ['--import', 'tsx', CLI, ...args]);

/** The login options of `npm run xmpp`'s client commands for `user` of `r`. */
export const cliLogin = (r: Running, user: string, password = PASSWORDS[user]!) => ['--jid', `${user}@localhost`, '--password', password, '--server', `127.0.0.1:${r.port}`, '--ca', r.caFile];
