/** WAV files in and out: 8 kHz mono 16-bit PCM round-trips; anything else is refused, saying what it is. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../helpers.ts';
import { readWav, readWavFile, writeWav, writeWavFile, WavError } from '../../../../reference/rtp/media/wav.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';

/** A WAV header by hand, for formats the writer does not make. */
function wavWith(fmt: { format?: number; channels?: number; rate?: number; bits?: number }, data: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  const { format = 1, channels = 1, rate = 8000, bits = 16 } = fmt;
  const chunks: Uint8Array[] = [];
  const chunk = (id: string, body: Uint8Array) => {
    const h = new Uint8Array(8);
    for (let i = 0; i < 4; i++) h[i] = id.charCodeAt(i);
    new DataView(h.buffer).setUint32(4, body.length, true);
    chunks.push(h, body, new Uint8Array(body.length & 1));
  };
  const f = new Uint8Array(16);
  const v = new DataView(f.buffer);
  v.setUint16(0, format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  for (const e of extra) chunk('LIST', e);
  chunk('fmt ', f);
  chunk('data', data);
  const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF');
  riff.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

test('write then read: the same samples; the header says 8000 Hz, mono, 16-bit PCM', () => {
  const samples = tone(440, 0.25);
  const bytes = writeWav(samples);
  assert.is(bytes.length, 44 + 2 * samples.length);
  assert.is(Buffer.from(bytes.subarray(0, 4)).toString(), 'RIFF');
  const v = new DataView(bytes.buffer);
  assert.equal([v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true), v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true)], [1, 1, 8000, 16000, 2, 16]);
  assert.equal(readWav(bytes), samples);
});

test('files: written, read back; other chunks skipped (odd-sized ones with their pad octet)', () => {
  const dir = tempDir();
  const path = join(dir, 'tone.wav');
  const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
  writeWavFile(path, samples);
  assert.equal(readWavFile(path), samples);
  const data = new Uint8Array(samples.buffer.slice(0));
  assert.equal(readWav(wavWith({}, data, [Uint8Array.of(1, 2, 3)])), samples);
});

test('a data size of 0xFFFFFFFF (a writer that could not seek back) runs to the end of the file', () => {
  const bytes = writeWav(Int16Array.from([7, 8, 9]));
  new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
  assert.equal([...readWav(bytes)], [7, 8, 9]);
});

test('refused, saying what the file is and what is taken', () => {
  const d = new Uint8Array(8);
  const cases: [Uint8Array, RegExp][] = [
    [wavWith({ rate: 44100 }, d), /x\.wav: is PCM, 16-bit, 44100 Hz, 1 channel\(s\); only 16-bit PCM, 8000 Hz, mono is taken \(convert it first, e\.g\. ffmpeg -i IN -ar 8000 -ac 1 -c:a pcm_s16le OUT\.wav\)/],
    [wavWith({ channels: 2 }, d), /is PCM, 16-bit, 8000 Hz, 2 channel\(s\); only 16-bit PCM, 8000 Hz, mono/],
    [wavWith({ bits: 8 }, d), /is PCM, 8-bit, 8000 Hz/],
    [wavWith({ format: 7, bits: 8 }, d), /is μ-law, 8-bit, 8000 Hz/],
    [wavWith({ format: 3, bits: 32 }, d), /is IEEE float, 32-bit/],
    [wavWith({ format: 0xfffe }, d), /is WAVE_FORMAT_EXTENSIBLE, 16-bit/],
    [new TextEncoder().encode('ID3\x04 this is an mp3'), /x\.wav: not a WAV file: a WAV file begins "RIFF" <size> "WAVE" \(this one begins "ID3\\u0004"/],
    [new Uint8Array(2), /not a WAV file: .*\(this one 2 octets\)/],
  ];
  for (const [bytes, why] of cases) assert.throws(() => readWav(bytes, 'x.wav'), (e: Error) => e instanceof WavError && why.test(e.message), String(why));
  const truncated = writeWav(tone(440, 0.1)).subarray(0, 500);
  assert.throws(() => readWav(truncated, 'cut.wav'), /cut\.wav: "data" chunk at octet 36 declares 1600 octets but only 456 follow \(truncated file\)/);
  const noData = writeWav(new Int16Array(0)).subarray(0, 36);
  assert.throws(() => readWav(noData), /no "data" chunk/);
  const odd = wavWith({}, Uint8Array.of(1, 2, 3));
  assert.throws(() => readWav(odd), /"data" chunk of 3 octets is not a whole number of 2-octet samples/);
});

test('a file over the size limit is refused before it is read', () => {
  const path = join(tempDir(), 'big.wav');
  writeFileSync(path, '');
  truncateSync(path, 65 * 1024 * 1024); // a sparse file: its size is what stat says, nothing is written
  assert.throws(() => readWavFile(path), /big\.wav: 68157440 octets is more than the 67108864 a WAV file may have here/);
});

test.run();
