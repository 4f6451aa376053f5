/**
 * Starting and stopping real peers for interop tests and the benchmark:
 * SIPp (Debian package sip-tester) and our own `npm run sip` commands, each in
 * its own process group so that stopping it stops everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = 'reference/sip/cli.ts';

/** Ports freePort and freePair handed out in this process: never handed out twice, so two calls in a row cannot get the same one. */
const handedOut = new Set<number>();

/**
 * The lowest port the system hands out to a bind to port 0 (Linux's
 * ip_local_port_range; 32768, the usual value, where it cannot be read).
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

const LOWEST = 10000;
const BELOW = ephemeralLow();

/**
 * A port to try for a peer, even (a media pair's first), not handed out
 * before: random below the system's ephemeral range. A port found free
 * there stays free until the peer binds it unless someone asks for that
 * very port: a port taken from the ephemeral range (by a bind to port 0
 * and a close) could be handed to any socket bound to port 0 meanwhile, in
 * this process or another, and was (a uas's `EADDRINUSE` on its listen
 * port, with another suite beside it). Where that range starts too low to
 * leave room, a bind to port 0 picks, as before.
 */
async function candidatePort(): Promise<number> {
  for (;;) {
    let port: number;
    if (BELOW - LOWEST >= 2000) port = (LOWEST + Math.floor(Math.random() * (BELOW - LOWEST - 2))) & ~1;
    else {
      const udp = createSocket('udp4');
      port = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port & ~1)));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
    if (port >= 1024 && !handedOut.has(port) && !handedOut.has(port + 1)) return port;
  }
}

const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const udp = createSocket('udp4');
    udp.once('error', () => {
      udp.close();
      resolve(false);
    });
    udp.bind(port, '127.0.0.1', () => udp.close(() => resolve(true)));
  });
const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port free for both UDP and TCP on 127.0.0.1 right now, and not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await candidatePort();
    if ((await udpFree(port)) && (await tcpFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free UDP+TCP port found on 127.0.0.1');
}

/** An even port P on 127.0.0.1 with P and P + 1 free for UDP right now (RTP and RTCP), neither handed out before by this process. */
export async function freePair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await candidatePort();
    if ((await udpFree(port)) && (await udpFree(port + 1))) {
      handedOut.add(port);
      handedOut.add(port + 1);
      return port;
    }
  }
  throw new Error('no free pair of UDP ports on 127.0.0.1');
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (signal → 128+n style: -1). */
  exited: Promise<number>;
}

/** Spawns a command as the leader of a new process group. */
export function start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.length > 1 << 20) out = out.slice(-(1 << 19));
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 1 << 20) err = err.slice(-(1 << 19));
  });
  // 'close' comes after 'exit' once the output pipes are drained too, so nothing is left open.
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `test` is true of the output, or throws after `ms`. */
export async function waitFor(what: string, test: () => boolean, ms: number, running?: Running): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${running ? `; stderr: ${running.stderr().slice(-2000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Is this process still alive? */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a process group: `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves when the leader is gone. */
export async function stop(running: Running | undefined, graceMs = 3000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (running === undefined) return;
  const pid = running.child.pid;
  if (pid === undefined || running.child.exitCode !== null || running.child.signalCode !== null) {
    await running.exited;
    await new Promise((r) => setTimeout(r, 20));
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await running.exited;
  clearTimeout(timer);
  // The child's handle leaves the event loop on a later turn.
  await new Promise((r) => setTimeout(r, 20));
}

/** Our UAS: `npm run sip -- uas --listen 127.0.0.1:<port>`, ready when it says it listens. */
export async function startOurUas(port: number, extra: string[] = [], nodeFlags: string[] = []): Promise<Running> {
  const uas = start(process.execPath, [...nodeFlags, '--import', 'tsx', CLI, 'uas', '--listen', `127.0.0.1:${port}`, '--quiet', ...extra]);
  await waitFor('our uas to listen', () => uas.stderr().includes('uas listening on'), 20000, uas);
  return uas;
}

/** SIPp's final counters as printed on its screen at the end of a run. */
export function sippCounters(screen: string): { successful: number; failed: number; callRate: number } {
  const pick = (label: string) => {
    const rows = [...screen.matchAll(new RegExp(`${label}\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)`, 'g'))];
    const last = rows.at(-1);
    return last === undefined ? NaN : Number(last[2]);
  };
  // "Call Rate | 0.000 cps | 34.877 cps": the cumulative column is the rate achieved over the run.
  const rates = [...screen.matchAll(/Call Rate\s*\|\s*([\d.]+) cps\s*\|\s*([\d.]+) cps/g)];
  const callRate = rates.length > 0 ? Number(rates.at(-1)?.[2]) : NaN;
  return { successful: pick('Successful call'), failed: pick('Failed call'), callRate };
}
