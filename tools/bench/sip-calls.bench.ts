/**
 * SIP call throughput and memory of our UAS (`npm run sip -- uas`), measured
 * with SIPp's built-in UAC scenario (INVITE, 100, 200, ACK, BYE, 200) on
 * loopback, next to SIPp's own built-in UAS on the same machine in the same
 * run.
 *
 * 1. Throughput: the call rate is stepped up (3 s of calls per step, one UAS
 *    process for all steps) until a step fails twice or the cap is reached;
 *    the highest rate with 0 failed calls is reported for both UASs, and
 *    their ratio.
 * 2. Memory: our UAS (with --expose-gc, short timers so finished
 *    transactions end within 16 s) after 1,000 and after 10,000
 *    calls, each measured once every transaction of those calls has ended:
 *    RSS, heap used, and the sizes of the UA's tables.
 *
 * `npm run bench -- sip-calls`; needs sipp (Debian package sip-tester).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerPath } from '../testkit/peers.ts';
import { freePort, sippCounters, start, startOurUas, stop, waitFor, type Running } from '../testkit/processes.ts';

const STEP_SECONDS = 3;
const OUR_RATES = [100, 300, 600, 1000, 1600, 2400];
const SIPP_RATES = [300, 1000, 1600, 2400, 3200, 6400];

interface StepResult {
  rate: number;
  /** The rate SIPp achieved over the step (its cumulative Call Rate), calls/s. */
  achieved: number;
  successful: number;
  failed: number;
  ok: boolean;
}

/** One SIPp UAC run: `calls` calls at `rate` per second against 127.0.0.1:port. */
async function sippUac(port: number, rate: number, calls: number, dir: string): Promise<StepResult> {
  const sippPort = await freePort();
  const sipp = start(
    'sipp',
    ['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', String(calls), '-r', String(rate),
      '-l', String(Math.max(50, rate * 2)), '-nostdin', '-timeout', `${Math.ceil(calls / rate) + 40}s`, '-timeout_error'],
    { cwd: dir },
  );
  try {
    const code = await sipp.exited;
    const { successful, failed, callRate } = sippCounters(sipp.stdout());
    return { rate, achieved: callRate, successful, failed, ok: code === 0 && failed === 0 && successful === calls };
  } finally {
    await stop(sipp);
  }
}

/**
 * Steps the rate up against one running UAS (kept across steps, so it is
 * warm and carries the transactions of the previous step, as a server in
 * service would). A step that fails is run once more (the machine may be
 * shared with other work); two failures end the stepping.
 */
async function stepUp(name: string, rates: number[], port: number, dir: string): Promise<number> {
  let best = 0;
  let achieved = 0;
  for (const rate of rates) {
    let ok = false;
    for (let attempt = 1; attempt <= 2 && !ok; attempt++) {
      const r = await sippUac(port, rate, rate * STEP_SECONDS, dir);
      ok = r.ok;
      if (ok) achieved = r.achieved;
      const note = ok ? '' : attempt === 1 ? '  (once more)' : '  <- stop';
      console.log(`  ${name.padEnd(10)} -r ${String(rate).padStart(5)}: achieved ${r.achieved.toFixed(1).padStart(7)} calls/s, ${r.successful} ok, ${r.failed} failed${note}`);
    }
    if (!ok) break;
    best = rate;
  }
  console.log(`  ${name}: highest step with 0 failed calls -r ${best}, achieved ${achieved.toFixed(1)} calls/s`);
  return achieved;
}

/** Starts a UAS on a free port, steps the rate up against it, stops it. */
async function measure(name: string, rates: number[], startUas: (port: number) => Promise<Running>, dir: string): Promise<number> {
  const port = await freePort();
  const uas = await startUas(port);
  try {
    return await stepUp(name, rates, port, dir);
  } finally {
    await stop(uas);
  }
}

async function sippUas(port: number, dir: string): Promise<Running> {
  const uas = start('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-nostdin'], { cwd: dir });
  await new Promise((r) => setTimeout(r, 300));
  return uas;
}

interface Stats {
  rss: number;
  heapUsed: number;
  [table: string]: number;
}

async function statsOf(uas: Running): Promise<Stats> {
  const before = uas.stderr().length;
  process.kill(uas.child.pid as number, 'SIGUSR2');
  await waitFor('a stats line', () => /stats \{.*\}\n/.test(uas.stderr().slice(before)), 5000, uas);
  const line = /stats (\{.*\})\n/.exec(uas.stderr().slice(before)) as RegExpExecArray;
  return JSON.parse(line[1] as string) as Stats;
}

/** Waits until every transaction and call of our UAS has ended. */
async function drained(uas: Running, ms: number): Promise<Stats> {
  const end = Date.now() + ms;
  for (;;) {
    const s = await statsOf(uas);
    const live = s.serverTransactions + s.clientTransactions + s.calls + s.awaitingAck;
    if (live === 0 || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  peerPath('sipp'); // a clear error naming the package when SIPp is missing
  const dir = mkdtempSync(join(tmpdir(), 'sip-calls-bench-'));
  try {
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(`throughput: sipp -sn uac, ${STEP_SECONDS} s of calls per step, rate stepped up until a call fails`);
    const ours = await measure('our uas', OUR_RATES, (port) => startOurUas(port), dir);
    const theirs = await measure('sipp uas', SIPP_RATES, (port) => sippUas(port, dir), dir);
    console.log(`sustained with 0 failed calls (achieved rate): our uas ${ours.toFixed(1)} calls/s, sipp uas ${theirs.toFixed(1)} calls/s`);
    console.log(`ratio our/sipp: ${theirs > 0 ? (ours / theirs).toFixed(3) : 'n/a'} (if SIPp passed its last step, its figure is a lower bound and the ratio an upper one)`);

    // The memory run goes at the rate our UAS sustained (capped, so it stays short).
    const rate = Math.round(Math.min(300, Math.max(50, ours)));
    console.log(`\nmemory: our uas (--expose-gc, T1=250 ms so transactions end within 16 s), ${rate} calls/s`);
    const port = await freePort();
    const uas = await startOurUas(port, ['--t1', '250', '--t2', '1000', '--t4', '1250'], ['--expose-gc']);
    try {
      const idle = await statsOf(uas);
      const first = await sippUac(port, rate, 1000, dir);
      const after1k = await drained(uas, 30000);
      const rest = await sippUac(port, rate, 9000, dir);
      const after10k = await drained(uas, 30000);
      const tables = (s: Stats) => Object.entries(s).filter(([k]) => k !== 'rss' && k !== 'heapUsed').map(([k, v]) => `${k}=${v}`).join(' ');
      console.log(`  idle:            rss ${mb(idle.rss)}, heap ${mb(idle.heapUsed)}`);
      console.log(`  after  1,000 calls (${first.failed} failed): rss ${mb(after1k.rss)}, heap ${mb(after1k.heapUsed)}; ${tables(after1k)}`);
      console.log(`  after 10,000 calls (${first.failed + rest.failed} failed): rss ${mb(after10k.rss)}, heap ${mb(after10k.heapUsed)}; ${tables(after10k)}`);
      console.log('  (calls = dialogs whose BYE never came: SIPp abandons a call it counts as failed)');
      console.log(`  heap growth from 1,000 to 10,000 calls: ${mb(after10k.heapUsed - after1k.heapUsed)} (${((after10k.heapUsed / after1k.heapUsed - 1) * 100).toFixed(1)} %)`);
    } finally {
      await stop(uas);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
