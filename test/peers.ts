/**
 * The system peers the tests drive (SIPp, Chromium, baresip, ...) and the
 * data they read from outside the repository (the RFC sample corpus), in one
 * table: how to find each, and how to install it.
 *
 * A suite that needs a peer is made with `peerSuite(name, [...needs])`. When
 * everything it needs is here, that is a plain uvu suite. When something is
 * missing, each of its tests is registered as skipped (uvu counts it under
 * Skipped, never Passed), and test/run.ts names the missing peers once at the
 * end of the run, with the command that installs each. With
 * RFCDOC_PEERS=require (`.ci/run` sets it) a missing peer is a failed test.
 *
 * `npm run peers` (test/install-peers.ts) installs what this table names.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { suite, type Callback, type Test } from 'uvu';

export interface Peer {
  /** What a person calls it. */
  title: string;
  /** The executable looked for on PATH (commands), or undefined for data. */
  command?: string;
  /** Debian package(s) that provide it. */
  packages?: string[];
  /** For data: the environment variable naming it, and what it must be. */
  env?: string;
  /** How a person gets it, in one line. */
  install: string;
}

export const PEERS = {
  sipp: { title: 'SIPp', command: 'sipp', packages: ['sip-tester'], install: 'apt-get install -y sip-tester (or: npm run peers)' },
  chromium: { title: 'Chromium', command: 'chromium', packages: ['chromium'], install: 'apt-get install -y chromium (or: npm run peers)' },
  // baresip-core has the binary and every module the tests load (g711, aufile, ctrl_tcp); the baresip metapackage adds GUI and video ones.
  baresip: { title: 'baresip', command: 'baresip', packages: ['baresip-core'], install: 'apt-get install -y baresip-core (or: npm run peers)' },
  corpus: {
    title: 'the RFC sample corpus',
    env: 'RFC_CORPUS',
    install: 'set RFC_CORPUS to a tarball (.tar, .tar.gz, .tar.xz) or a directory of RFC texts (rfcNNNN.txt)',
  },
} satisfies Record<string, Peer>;

export type PeerName = keyof typeof PEERS;

/** Is RFCDOC_PEERS=require set (CI), so that a missing peer fails? */
export const peersRequired = (): boolean => process.env.RFCDOC_PEERS === 'require';

/** The full path of an executable found on PATH, or undefined. */
export function onPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Where a peer is: its executable, or the file or directory its variable names; undefined when missing. */
export function locate(name: PeerName): string | undefined {
  const peer: Peer = PEERS[name];
  if (peer.command !== undefined) return onPath(peer.command);
  const value = peer.env === undefined ? undefined : process.env[peer.env];
  if (value === undefined || value === '') return undefined;
  return existsSync(value) ? value : undefined;
}

/** Why a peer is missing, in words for the closing summary. */
function whyMissing(name: PeerName): string {
  const peer: Peer = PEERS[name];
  if (peer.command !== undefined) return `\`${peer.command}\` is not on PATH`;
  const value = peer.env === undefined ? undefined : process.env[peer.env];
  if (value === undefined || value === '') return `${peer.env} is not set`;
  return `${peer.env}=${value} does not exist`;
}

/** Peers found missing during this run, with the suites that needed them. */
const missing = new Map<PeerName, string[]>();

/** The path of a peer the caller has already checked for (peerSuite); throws naming it otherwise. */
export function peerPath(name: PeerName): string {
  const found = locate(name);
  if (found === undefined) throw new Error(`${PEERS[name].title} is missing: ${whyMissing(name)}; ${PEERS[name].install}`);
  return found;
}

/**
 * A uvu suite that needs `needs`. With all of them present it is a plain
 * suite; otherwise every test in it is skipped (or, with
 * RFCDOC_PEERS=require, one test fails naming what is missing) and its
 * hooks never run, so nothing tries to start a peer that is not there.
 */
export function peerSuite<T = Record<string, unknown>>(title: string, needs: PeerName[]): Test<T> {
  const real = suite<T>(title);
  const absent = needs.filter((n) => locate(n) === undefined);
  if (absent.length === 0) return real;
  for (const name of absent) missing.set(name, [...(missing.get(name) ?? []), title]);
  if (peersRequired()) {
    real(`needs ${absent.map((n) => PEERS[n].title).join(', ')} (RFCDOC_PEERS=require)`, () => {
      throw new Error(absent.map((n) => `${PEERS[n].title} is missing: ${whyMissing(n)}; ${PEERS[n].install}`).join('\n'));
    });
  }
  return skippingSuite(real);
}

/** A suite whose tests all register as skipped and whose hooks are never run. */
function skippingSuite<T>(real: Test<T>): Test<T> {
  const skip = (name?: string, fn?: Callback<T>) => real.skip(name, fn);
  const hook = Object.assign((_fn: Callback<T>) => undefined, { each: (_fn: Callback<T>) => undefined });
  return Object.assign(skip, { only: skip, skip, before: hook, after: hook, run: () => real.run() });
}

/**
 * The closing summary's lines about missing peers: one per peer, naming the
 * suites that skipped (or failed) for want of it and how to install it.
 * Empty when nothing was missing.
 */
export function missingPeersReport(): string[] {
  const verb = peersRequired() ? 'failed' : 'skipped';
  return [...missing].map(([name, suites]) => {
    const peer: Peer = PEERS[name];
    return `${verb}: ${suites.length} suite(s) need ${peer.title} (${whyMissing(name)}): ${suites.join(', ')}\n  to run them: ${peer.install}`;
  });
}
