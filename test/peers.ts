/**
 * Suites that need a system peer (SIPp, Chromium, baresip, ...) or data from
 * outside the repository (the RFC sample corpus). The table of peers, how to
 * find and install each, is tools/testkit/peers.ts (its peerPath re-exported here).
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
import { suite, type Callback, type Test } from 'uvu';
import { locate, missingMessage, PEERS, peersRequired, whyMissing, type Peer, type PeerName } from '../tools/testkit/peers.ts';

// The table and its lookups live in tools/testkit/peers.ts (benchmarks use them too, without uvu); a suite's tests take a peer's path here.
export { peerPath } from '../tools/testkit/peers.ts';

/** Peers found missing during this run, with the suites that needed them. */
const missing = new Map<PeerName, string[]>();

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
      throw new Error(absent.map(missingMessage).join('\n'));
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
