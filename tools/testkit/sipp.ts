/**
 * SIPp against our `uas`, for the tests that drive one: our uas on a free
 * port, SIPp in a fresh directory of its own (its error, log and statistics
 * files land there), both stopped and gone afterwards. The base's interop
 * tests and the proposals' scenarios share it.
 */
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, freePort, start, startOurUas, stop, type Running } from './processes.ts';

/** What `check` is handed once SIPp has exited. */
export interface SippOutcome {
  sipp: Running;
  uas: Running;
  /** SIPp's exit code: 0 when every call succeeded. */
  code: number;
  /** SIPp's directory, with the files its arguments named. */
  dir: string;
  /** The start of SIPp's errors.log (-trace_err), empty when it wrote none. */
  errors: string;
}

/**
 * Our uas (with `uasArgs`) and SIPp (with `sippArgs(dir)`, after the target,
 * loopback address, port and -trace_err the harness gives) against it;
 * `check` reads the outcome.
 */
export async function sippAgainstOurUas(uasArgs: string[], sippArgs: (dir: string) => string[], check: (outcome: SippOutcome) => void, prefix = 'sipp-uac-'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let uas: Running | undefined;
  let sipp: Running | undefined;
  try {
    const uasPort = await freePort();
    const sippPort = await freePort();
    uas = await startOurUas(uasPort, uasArgs);
    sipp = start('sipp', [`127.0.0.1:${uasPort}`, '-i', '127.0.0.1', '-p', String(sippPort), '-nostdin', '-trace_err', '-error_file', join(dir, 'errors.log'), ...sippArgs(dir)], { cwd: dir });
    const code = await sipp.exited;
    const errors = readdirSync(dir).includes('errors.log') ? readFileSync(join(dir, 'errors.log'), 'utf8').slice(0, 3000) : '';
    check({ sipp, uas, code, dir, errors });
  } finally {
    await stop(sipp);
    await stop(uas);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.not.ok(alive(sipp?.child.pid), 'sipp is gone');
  assert.not.ok(alive(uas?.child.pid), 'our uas is gone');
}

/** The arguments of one scripted call: scenario `file`, service `service`, one call within 30 s, its log in `dir`/log.txt. */
export const oneScriptedCall = (file: string, dir: string): string[] => ['-sf', file, '-s', 'service', '-m', '1', '-timeout', '30s', '-trace_logs', '-log_file', join(dir, 'log.txt')];
