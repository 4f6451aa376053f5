/**
 * Prosody on loopback, for the XMPP tests and the bench: its config, data,
 * certificate and log in a temp dir, users made with prosodyctl, run in the
 * foreground on a free 127.0.0.1 port.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './docs.ts';
import { freePort, start, stop, waitFor, type Running } from './processes.ts';

export interface Prosody {
  port: number;
  domain: string;
  /** The PEM of the self-signed certificate Prosody serves (our CA for the test). */
  cert: Buffer;
  /** Where that PEM is (for a peer that reads its CA from a file). */
  certFile: string;
  running: Running;
  stop(): Promise<void>;
}

/** A self-signed certificate for `name` (CN and subjectAltName), made by openssl. */
export function certificate(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** Prosody serving `domain` on a free 127.0.0.1 port, with these users. */
export async function startProsody(users: Record<string, string>, domain = 'localhost'): Promise<Prosody> {
  const dir = tempDir('prosody-');
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'certs'));
  const { cert, key } = certificate(join(dir, 'certs'), domain);
  const port = await freePort();
  const config = join(dir, 'prosody.cfg.lua');
  // Only c2s on our port: no s2s, no HTTP, no admin socket; TLS offered (STARTTLS), not required.
  writeFileSync(config, [
    `pidfile = "${join(dir, 'prosody.pid')}"`,
    `data_path = "${join(dir, 'data')}"`,
    `certificates = "${join(dir, 'certs')}"`,
    'log = { { levels = { min = "info" }, to = "console" } }',
    'interfaces = { "127.0.0.1" }',
    `c2s_ports = { ${port} }`,
    'c2s_direct_tls_ports = { }',
    's2s_ports = { }',
    'http_ports = { }',
    'https_ports = { }',
    'modules_enabled = { "roster", "saslauth", "tls", "disco", "ping" }',
    'modules_disabled = { "s2s", "posix" }',
    'authentication = "internal_hashed"',
    'c2s_require_encryption = false',
    'allow_unencrypted_plain_auth = false',
    // The test runs as whatever user it is (root in CI): Prosody is told that is fine.
    'run_as_root = true',
    `prosody_user = "${process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root')}"`,
    `VirtualHost "${domain}"`,
    `  ssl = { certificate = "${cert}", key = "${key}" }`,
    '',
  ].join('\n'));
  for (const [user, password] of Object.entries(users)) execFileSync('prosodyctl', ['--config', config, 'register', user, domain, password], { stdio: 'ignore' });
  const running = start('prosody', ['--config', config, '-F'], { cwd: dir });
  await waitFor('prosody to listen', () => new RegExp(`Activated service 'c2s' on \\[127\\.0\\.0\\.1\\]:${port}`).test(running.stdout() + running.stderr()), 20_000, running);
  return { port, domain, cert: readFileSync(cert), certFile: cert, running, stop: () => stop(running) };
}
