/**
 * `npm run peers [-- --check] [--json]`: installs, with apt-get as root on
 * Debian or Ubuntu, every system peer the tests drive (test/peers.ts) that
 * is not on PATH yet; does nothing when all are there. `--check` only says
 * what is missing (exit 1 when something is). Data such as RFC_CORPUS cannot
 * be installed: it is reported, with how to provide it.
 *
 * Exit: 0 every command present (or installed), 1 one still missing, 2 usage,
 * 3 the installer itself failed.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { locate, PEERS, type Peer, type PeerName } from '../tools/testkit/peers.ts';

const USAGE = `usage: npm run peers [-- --check] [--json]
Installs the Debian packages of every test peer that is missing (as root, with apt-get).
  --check   only report what is present and missing; install nothing
  --json    print the report as JSON on stdout`;

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { check: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    process.stderr.write(`peers: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const names = Object.keys(PEERS) as PeerName[];
  const absent = () => names.filter((n) => locate(n) === undefined);
  const installable = absent().filter((n) => (PEERS[n] as Peer).packages !== undefined);
  if (!values.check && installable.length > 0) {
    const packages = installable.flatMap((n) => (PEERS[n] as Peer).packages ?? []);
    const failure = aptInstall(packages);
    if (failure !== undefined) {
      process.stderr.write(`peers: could not install ${packages.join(' ')}: ${failure}\n`);
      return 3;
    }
  }
  const report = names.map((n) => ({ peer: n, title: PEERS[n].title, found: locate(n) ?? null, install: PEERS[n].install }));
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else for (const r of report) process.stdout.write(r.found ? `ok       ${r.title}: ${r.found}\n` : `missing  ${r.title}: ${r.install}\n`);
  // Under `npm test` a missing peer skips its suites; RFCDOC_PEERS=require makes it a failure.
  // Data (RFC_CORPUS) is reported but cannot be installed: only a missing command fails.
  return absent().some((n) => (PEERS[n] as Peer).command !== undefined) ? 1 : 0;
}

/** apt-get update + install; undefined on success, else why not. */
function aptInstall(packages: string[]): string | undefined {
  if (process.getuid?.() !== 0) return `apt-get needs root; run as root: apt-get install -y ${packages.join(' ')}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.error) return `apt-get: ${r.error.message}`;
    if (r.status !== 0) return `apt-get ${args[0]} exited ${r.status ?? r.signal}`;
  }
  return undefined;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`peers: internal error: ${(e as Error).stack}\n`);
  process.exitCode = 3;
}
