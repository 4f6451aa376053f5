/** What the call-media tests share: free media ports, a scratch directory with tones, and looking at recordings. */
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toneFile } from '../../rtp/cli/run.ts';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';

/** An even port with the odd one above free, as our SDP's m= port: the rtp tests' (never the same one twice). */
export { freePair } from '../../rtp/cli/run.ts';

/** Runs `f` with a fresh directory (removed after) and a writer of tone files in it. */
export async function inScratch<T>(f: (dir: string, toneFile: (hz: number, seconds: number) => string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sip-media-'));
  try {
    return await f(dir, (hz, seconds) => toneFile(dir, hz, seconds));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that `samples` (8 kHz) hold a tone of `hz`, within 2 %. */
export function assertTone(samples: Int16Array, hz: number, what: string): void {
  assert.ok(samples.length >= 4000, `${what}: ${samples.length} samples, too few to tell a tone`);
  const { frequency } = dominantFrequency(samples, 8000);
  assert.ok(Math.abs(frequency - hz) <= hz * 0.02, `${what}: the dominant frequency is ${frequency.toFixed(1)} Hz, not ${hz} Hz ± 2 %`);
}

/**
 * The power at `k` times `hz` relative to that at `hz`, in dB (Goertzel at
 * both): a tone through G.711 has next to nothing at its 2nd harmonic
 * (below -60 dB, gaps and phase jumps included); one decoded with the
 * wrong law keeps its frequency but is distorted (2nd harmonic at -17 to
 * -23 dB).
 */
export function harmonicDb(samples: Int16Array, hz: number, k: number): number {
  const power = (f: number) => {
    const w = (2 * Math.PI * f) / 8000;
    let re = 0;
    let im = 0;
    for (let i = 0; i < samples.length; i++) {
      re += samples[i]! * Math.cos(w * i);
      im -= samples[i]! * Math.sin(w * i);
    }
    return re * re + im * im;
  };
  return 10 * Math.log10(power(k * hz) / power(hz));
}

/** Root mean square of samples [from, to) seconds at 8 kHz. */
export function rms(samples: Int16Array, from: number, to: number): number {
  const part = samples.subarray(Math.round(from * 8000), Math.round(to * 8000));
  let sum = 0;
  for (const x of part) sum += x * x;
  return part.length === 0 ? 0 : Math.sqrt(sum / part.length);
}

/** The counts a `media ... (so far ...)` or report line gives for one port: RTP, RTCP, SR, RR. */
export function portCounts(line: string, port: number): { rtp: number; rtcp: number; sr: number; rr: number } {
  const m = new RegExp(`port ${port}: (\\d+) RTP, (\\d+) RTCP \\((\\d+) SR, (\\d+) RR\\)`).exec(line);
  if (!m) throw new Error(`no counts for port ${port} in: ${line}`);
  return { rtp: Number(m[1]), rtcp: Number(m[2]), sr: Number(m[3]), rr: Number(m[4]) };
}
