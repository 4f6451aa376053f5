/**
 * G.711 encode and decode throughput (reference/rtp/profile pcmu.ts,
 * pcma.ts), against the plain table-lookup floor measured in the same run:
 * a 64K-entry table from each 16-bit sample to its octet, and a 256-entry
 * table from each octet to its sample (both filled from the reference, so
 * every output is checked equal too).
 *
 * Input: 2^20 samples (about 131 s of 8 kHz audio): a 1 kHz tone at -6 dBFS
 * plus noise, so every segment is visited. MB/s counts G.711 octets (one per
 * sample) produced by encode or consumed by decode. Best of RUNS passes,
 * interleaved between contenders after a warm-up; ratio = reference / floor.
 */
import { decodePcma, encodePcma, linearFromPcma, pcmaFromLinear } from '../../reference/rtp/profile/pcma.ts';
import { decodePcmu, encodePcmu, linearFromPcmu, pcmuFromLinear } from '../../reference/rtp/profile/pcmu.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const N = 1 << 20;

let seed = 12345;
const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const samples = Int16Array.from({ length: N }, (_, i) => Math.max(-32768, Math.min(32767, Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 8000) + 12000 * noise()))));

interface Law {
  name: string;
  encode: (s: Int16Array) => Uint8Array;
  decode: (p: Uint8Array) => Int16Array;
  fromLinear: (x: number) => number;
  toLinear: (c: number) => number;
}
const laws: Law[] = [
  { name: 'PCMU (μ-law)', encode: encodePcmu, decode: decodePcmu, fromLinear: pcmuFromLinear, toLinear: linearFromPcmu },
  { name: 'PCMA (A-law)', encode: encodePcma, decode: decodePcma, fromLinear: pcmaFromLinear, toLinear: linearFromPcma },
];

/** The floor: one lookup a sample, the output allocated each pass as the reference does. */
function tables(law: Law) {
  const enc = new Uint8Array(65536);
  for (let x = -32768; x <= 32767; x++) enc[x & 0xffff] = law.fromLinear(x);
  const dec = new Int16Array(256);
  for (let c = 0; c < 256; c++) dec[c] = law.toLinear(c);
  return {
    encode(s: Int16Array): Uint8Array {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = enc[s[i] & 0xffff];
      return out;
    },
    decode(p: Uint8Array): Int16Array {
      const out = new Int16Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = dec[p[i]];
      return out;
    },
  };
}

function best(fn: () => unknown): number {
  let ms = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

const mbps = (ms: number) => N / 1e6 / (ms / 1000);
console.log(`${N} samples, best of ${RUNS}; MB/s of G.711 octets`);
console.log('codec          op      reference MB/s   table floor MB/s   ratio');
let failed = false;
for (const law of laws) {
  const floor = tables(law);
  const coded = law.encode(samples);
  // The same answers, or the comparison means nothing.
  const floorCoded = floor.encode(samples);
  if (coded.some((c, i) => c !== floorCoded[i])) failed = true;
  const decoded = law.decode(coded);
  const floorDecoded = floor.decode(coded);
  if (decoded.some((x, i) => x !== floorDecoded[i])) failed = true;
  for (let w = 0; w < 3; w++) {
    law.encode(samples);
    floor.encode(samples);
    law.decode(coded);
    floor.decode(coded);
  }
  for (const op of ['encode', 'decode'] as const) {
    let ours = Infinity;
    let table = Infinity;
    // Interleaved, so that a slow moment of the machine falls on both.
    for (let k = 0; k < 3; k++) {
      ours = Math.min(ours, best(() => (op === 'encode' ? law.encode(samples) : law.decode(coded))));
      table = Math.min(table, best(() => (op === 'encode' ? floor.encode(samples) : floor.decode(coded))));
    }
    console.log(`${law.name.padEnd(14)} ${op}  ${mbps(ours).toFixed(0).padStart(12)}   ${mbps(table).toFixed(0).padStart(16)}   ${(table / ours).toFixed(2)}×`);
  }
}
if (failed) {
  console.error('g711: the reference and the table floor disagree');
  process.exitCode = 1;
}
