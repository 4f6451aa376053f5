/**
 * The system peers that tests and benchmarks drive (SIPp, Chromium, baresip,
 * ...) and the data they read from outside the repository (the RFC sample
 * corpus), in one table: how to find each, and how to install it.
 *
 * No uvu here: benchmarks import this, and test/run.ts must set UVU_DEFER
 * before uvu is first loaded. test/peers.ts builds peerSuite and the closing
 * report on it; `npm run peers` (test/install-peers.ts) installs what it names.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface Peer {
  /** What a person calls it. */
  title: string;
  /** The executable looked for on PATH (commands), or undefined for data. */
  command?: string;
  /**
   * For a Python library: the module the command (a python3) must import. The
   * first python3 on PATH that imports it is the peer (a pyenv shim without
   * it is passed over for Debian's /usr/bin/python3).
   */
  pythonModule?: string;
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
  ffmpeg: { title: 'ffmpeg', command: 'ffmpeg', packages: ['ffmpeg'], install: 'apt-get install -y ffmpeg (or: npm run peers)' },
  tshark: { title: 'tshark', command: 'tshark', packages: ['tshark'], install: 'apt-get install -y tshark (or: npm run peers)' },
  // coturn's turnserver, and its turnutils_stunclient for the other direction.
  coturn: { title: 'coturn', command: 'turnserver', packages: ['coturn'], install: 'apt-get install -y coturn (or: npm run peers)' },
  prosody: { title: 'Prosody', command: 'prosody', packages: ['prosody'], install: 'apt-get install -y prosody (or: npm run peers)' },
  slixmpp: {
    title: 'slixmpp',
    command: 'python3',
    pythonModule: 'slixmpp',
    packages: ['python3-slixmpp'],
    install: 'apt-get install -y python3-slixmpp, for a python3 on PATH that imports slixmpp (or: npm run peers)',
  },
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
  return everyOnPath(command, path)[0];
}

/** Every full path of an executable on PATH, in PATH's order. */
function everyOnPath(command: string, path: string): string[] {
  const found: string[] = [];
  for (const dir of path.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) found.push(file);
    } catch {
      // not in this directory
    }
  }
  return found;
}

/** The first python3 on PATH that imports the module, or undefined. */
function pythonWith(command: string, module: string): string | undefined {
  return everyOnPath(command, process.env.PATH ?? '').find((python) => {
    const r = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 10_000 });
    return r.status === 0;
  });
}

const located = new Map<string, string | undefined>();

/** Where a peer is: its executable, or the file or directory its variable names; undefined when missing. */
export function locate(name: PeerName): string | undefined {
  const peer: Peer = PEERS[name];
  if (peer.command !== undefined && peer.pythonModule !== undefined) {
    // Starting a python costs ~50 ms: once per process and PATH.
    const key = `${peer.pythonModule}\0${process.env.PATH ?? ''}`;
    if (!located.has(key)) located.set(key, pythonWith(peer.command, peer.pythonModule));
    return located.get(key);
  }
  if (peer.command !== undefined) return onPath(peer.command);
  const value = peer.env === undefined ? undefined : process.env[peer.env];
  if (value === undefined || value === '') return undefined;
  return existsSync(value) ? value : undefined;
}

/** "<peer> is missing: <why>; <how to install it>", as a test or bench says it. */
export function missingMessage(name: PeerName): string {
  return `${PEERS[name].title} is missing: ${whyMissing(name)}; ${PEERS[name].install}`;
}

/** Why a peer is missing, in words for the closing summary. */
export function whyMissing(name: PeerName): string {
  const peer: Peer = PEERS[name];
  if (peer.command !== undefined && peer.pythonModule !== undefined) return `no \`${peer.command}\` on PATH imports ${peer.pythonModule}`;
  if (peer.command !== undefined) return `\`${peer.command}\` is not on PATH`;
  const value = peer.env === undefined ? undefined : process.env[peer.env];
  if (value === undefined || value === '') return `${peer.env} is not set`;
  return `${peer.env}=${value} does not exist`;
}

/** The path of a peer the caller has already checked for (peerSuite); throws naming it otherwise. */
export function peerPath(name: PeerName): string {
  const found = locate(name);
  if (found === undefined) throw new Error(missingMessage(name));
  return found;
}
