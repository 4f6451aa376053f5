/**
 * WAV files in and out: RIFF/WAVE with a PCM "fmt " chunk and a "data"
 * chunk, 16-bit little-endian samples. Plumbing for the RTP tools (the file
 * a call plays, the file it records), not an RFC: telephone audio is 8 kHz
 * mono, and any other file is refused with what it holds, so that nothing is
 * silently resampled or mixed down.
 *
 * Layout read: "RIFF" size "WAVE", then chunks (4-octet id, 4-octet
 * little-endian size, data padded to an even length): "fmt " (format 1 =
 * PCM, channels, sample rate, byte rate, block align, bits per sample) and
 * "data"; any other chunk (LIST, fact, ...) is skipped.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';

export interface WavFormat {
  sampleRate: number;
  channels: number;
}

/** Telephone audio: what the RTP tools play and record. */
export const TELEPHONE: WavFormat = { sampleRate: 8000, channels: 1 };

/** The largest WAV file read (an hour of 8 kHz 16-bit mono is 57.6 MB). */
export const MAX_WAV_BYTES = 64 * 1024 * 1024;

/** A WAV file that cannot be read, or is not what was asked for: `where` names it. */
export class WavError extends Error {}

const FORMAT_NAMES: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'μ-law', 0x11: 'IMA ADPCM', 0x55: 'MP3', 0xfffe: 'WAVE_FORMAT_EXTENSIBLE' };

/**
 * The samples of a WAV file's bytes, which must be 16-bit PCM in `expect`'s
 * rate and channel count. `where` (a file name) heads every error.
 */
export function readWav(bytes: Uint8Array, where = 'WAV', expect: WavFormat = TELEPHONE): Int16Array {
  const fail = (why: string) => new WavError(`${where}: ${why}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || id(0) !== 'RIFF' || id(8) !== 'WAVE') {
    const what = bytes.length < 4 ? `${bytes.length} octets` : `begins ${JSON.stringify(id(0))}${bytes.length >= 12 ? `…${JSON.stringify(id(8))}` : ''}`;
    throw fail(`not a WAV file: a WAV file begins "RIFF" <size> "WAVE" (this one ${what})`);
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const chunk = id(at);
    const declared = view.getUint32(at + 4, true);
    const body = at + 8;
    if (chunk === 'fmt ') {
      if (declared < 16 || body + 16 > bytes.length) throw fail(`"fmt " chunk at octet ${at} is ${declared} octets; it needs at least 16`);
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (chunk === 'data') {
      if (!fmt) throw fail(`"data" chunk at octet ${at} comes before any "fmt " chunk`);
      checkFormat(fmt, expect, fail);
      // A size of 0xFFFFFFFF is what a writer that could not seek back leaves: the data runs to the end.
      const size = declared === 0xffffffff ? bytes.length - body : declared;
      if (body + size > bytes.length) throw fail(`"data" chunk at octet ${at} declares ${size} octets but only ${bytes.length - body} follow (truncated file)`);
      if (size % fmt.blockAlign !== 0) throw fail(`"data" chunk of ${size} octets is not a whole number of ${fmt.blockAlign}-octet samples`);
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return samples;
    }
    at = body + declared + (declared & 1);
  }
  throw fail(fmt ? 'no "data" chunk' : 'no "fmt " chunk');
}

function checkFormat(
  fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number },
  expect: WavFormat,
  fail: (why: string) => WavError,
): void {
  const found = `${FORMAT_NAMES[fmt.format] ?? `format ${fmt.format}`}, ${fmt.bits}-bit, ${fmt.sampleRate} Hz, ${fmt.channels} channel(s)`;
  const wanted = `16-bit PCM, ${expect.sampleRate} Hz, ${expect.channels === 1 ? 'mono' : `${expect.channels} channels`}`;
  if (fmt.format !== 1 || fmt.bits !== 16 || fmt.sampleRate !== expect.sampleRate || fmt.channels !== expect.channels || fmt.blockAlign !== 2 * fmt.channels) {
    throw fail(`is ${found}; only ${wanted} is taken (convert it first, e.g. ffmpeg -i IN -ar ${expect.sampleRate} -ac ${expect.channels} -c:a pcm_s16le OUT.wav)`);
  }
}

/** A WAV file's samples; refuses a file over MAX_WAV_BYTES before reading it. */
export function readWavFile(path: string, expect: WavFormat = TELEPHONE): Int16Array {
  const size = statSync(path).size;
  if (size > MAX_WAV_BYTES) throw new WavError(`${path}: ${size} octets is more than the ${MAX_WAV_BYTES} a WAV file may have here`);
  return readWav(readFileSync(path), path, expect);
}

/** The bytes of a 16-bit PCM WAV file holding `samples` (interleaved if more than one channel). */
export function writeWav(samples: Int16Array, format: WavFormat = TELEPHONE): Uint8Array {
  const dataSize = samples.length * 2;
  const out = new Uint8Array(44 + dataSize);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * format.channels * 2, true); // byte rate
  view.setUint16(32, format.channels * 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  put(36, 'data');
  view.setUint32(40, dataSize, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i], true);
  return out;
}

export function writeWavFile(path: string, samples: Int16Array, format: WavFormat = TELEPHONE): void {
  writeFileSync(path, writeWav(samples, format));
}
