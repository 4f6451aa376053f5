/**
 * Running `npm run rtp` as a user does, for the CLI tests and the peer
 * tests (ffmpeg, tshark): `receive` in the background, ready once it says
 * it listens; `send` to the end; free port pairs on 127.0.0.1; tone files.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../../helpers.ts';
import { freePair, start, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { writeWavFile } from '../../../../reference/rtp/media/wav.ts';

const CLI = join(ROOT, 'reference/rtp/cli.ts');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rtp <args>` to its end (at most `ms`). */
export function rtp(args: string[], ms = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('close', (code) => {
      clearTimeout(timer);
      // The child's handle closes in the loop's next close phase: resolving on a later timer lets it go.
      setTimeout(() => resolve({ code: code ?? -1, stdout, stderr }), 0);
    });
  });
}

/** `rtp receive <args>` in the background, once it listens. */
export async function startReceive(args: string[]): Promise<Running> {
  const r = start(process.execPath, ['--import', 'tsx', CLI, 'receive', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  await waitFor('rtp receive to listen', () => r.stderr().includes('listening on'), 30_000, r);
  return r;
}

/** What a background `receive --json` printed once it ended by itself (at most `ms`). */
export async function received(r: Running, ms = 60_000): Promise<{ code: number; json: ReceiveJson; stderr: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([r.exited, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-99), ms)))]);
  clearTimeout(timer);
  if (code === -99) throw new Error(`rtp receive did not end in ${ms} ms; stderr: ${r.stderr()}`);
  try {
    return { code, json: JSON.parse(r.stdout()) as ReceiveJson, stderr: r.stderr() };
  } catch {
    throw new Error(`rtp receive (exit ${code}) printed no JSON: ${r.stdout()}\n${r.stderr()}`);
  }
}

export interface SourceJson {
  ssrc: number;
  cname?: string;
  state: string;
  packets: number;
  expected?: number;
  lost?: number;
  fractionLost: number;
  jitter?: number;
  jitterMs?: number;
  senderReports: number;
  bye: boolean;
  playout: { played: number; late: number; missing: number; duplicates: number; overflow: number };
  digits: string;
}

export interface ReceiveJson {
  cname: string;
  ended: string;
  recordedSeconds: number;
  reportsSent: number;
  sources: SourceJson[];
  digits: string;
  drops: { receiver: Record<string, number>; rtp: Record<string, number>; rtcp: Record<string, number> };
  recording: { outside: number; clipped: number };
}

export interface SendJson {
  ssrc: number;
  packets: number;
  audioPackets: number;
  eventPackets: number;
  unsent: number;
  eventPayloadType: number;
  rtcp: { reports: number; byes: number };
  reportsOnUs: { ssrc: number; fractionLost: number; cumulativeLost: number; highestSequence: number; jitter: number; lsr: number; dlsr: number }[];
  receivers: { ssrc: number; rtt?: number }[];
}

// The media pair of a test: tools/testkit/processes.ts owns how test ports are found (freePort, freePair), one set of ports handed out.
export { freePair };

/** A WAV file of a tone (reference/rtp/media's), 8 kHz mono. */
export function toneFile(dir: string, hz: number, seconds: number): string {
  const file = join(dir, `tone-${hz}-${seconds}.wav`);
  writeWavFile(file, tone(hz, seconds));
  return file;
}
