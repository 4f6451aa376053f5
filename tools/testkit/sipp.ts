/**
 * SIPp against one of ours (our `uas`, or whatever a test starts, such as
 * our registrar): it on a free port, SIPp in a fresh directory of its own
 * (its error, log and statistics files land there), both stopped and gone
 * afterwards. The base's interop tests and the proposals' scenarios share it.
 */
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, freePort, start, startOurUas, stop, type Running } from './processes.ts';

/** What a test starts for SIPp to send to: a process listening on loopback, and its port. */
export interface SippTarget {
  running: Running;
  port: number;
}

/** What `check` is handed once SIPp has exited. */
export interface SippRun {
  sipp: Running;
  /** What SIPp sent to (our uas, our server, …). */
  target: Running;
  /** The target's port, and the one SIPp was told to use (-p). */
  targetPort: number;
  sippPort: number;
  /** SIPp's exit code: 0 when every call succeeded. */
  code: number;
  /** SIPp's directory, with the files its arguments named. */
  dir: string;
  /** The start of SIPp's errors.log (-trace_err), empty when it wrote none. */
  errors: string;
}

/** What sippAgainstOurUas's `check` is handed: the run, with our uas as `uas`. */
export interface SippOutcome extends SippRun {
  uas: Running;
}

/**
 * The target `startTarget(dir)` starts (`what` names it in the test's
 * assertions), and SIPp (with `sippArgs(dir)`, after the target, loopback
 * address, port and -trace_err the harness gives) against it; `check`
 * reads the outcome. `dir` is SIPp's fresh directory: a target may keep
 * files there too.
 */
export async function sippAgainst(what: string, startTarget: (dir: string) => Promise<SippTarget>, sippArgs: (dir: string) => string[], check: (run: SippRun) => void, prefix: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let target: Running | undefined;
  let sipp: Running | undefined;
  try {
    const started = await startTarget(dir);
    target = started.running;
    const sippPort = await freePort();
    sipp = start('sipp', [`127.0.0.1:${started.port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-nostdin', '-trace_err', '-error_file', join(dir, 'errors.log'), ...sippArgs(dir)], { cwd: dir });
    const code = await sipp.exited;
    const errors = readdirSync(dir).includes('errors.log') ? readFileSync(join(dir, 'errors.log'), 'utf8').slice(0, 3000) : '';
    check({ sipp, target, targetPort: started.port, sippPort, code, dir, errors });
  } finally {
    await stop(sipp);
    await stop(target);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.not.ok(alive(sipp?.child.pid), 'sipp is gone');
  assert.not.ok(alive(target?.child.pid), `${what} is gone`);
}

/** sippAgainst our uas (`npm run sip -- uas`, with `uasArgs`) on a free port. */
export async function sippAgainstOurUas(uasArgs: string[], sippArgs: (dir: string) => string[], check: (outcome: SippOutcome) => void, prefix = 'sipp-uac-'): Promise<void> {
  const ourUas = async (): Promise<SippTarget> => {
    const port = await freePort();
    return { running: await startOurUas(port, uasArgs), port };
  };
  await sippAgainst('our uas', ourUas, sippArgs, (run) => check({ ...run, uas: run.target }), prefix);
}

/** The arguments of one scripted call: scenario `file`, service `service`, one call within 30 s, its log in `dir`/log.txt. */
export const oneScriptedCall = (file: string, dir: string): string[] => ['-sf', file, '-s', 'service', '-m', '1', '-timeout', '30s', '-trace_logs', '-log_file', join(dir, 'log.txt')];
