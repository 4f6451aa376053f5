/** The tone generator and the dominant-frequency estimate, on generated signals. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { decodePcmu, encodePcmu } from '../../../../reference/rtp/profile/pcmu.ts';
import { decodePcma, encodePcma } from '../../../../reference/rtp/profile/pcma.ts';

test('a tone is as long and as loud as asked', () => {
  const t = tone(1000, 0.5, { amplitude: 0.25 });
  assert.is(t.length, 4000);
  const peak = Math.max(...t.map(Math.abs));
  assert.ok(peak > 0.24 * 32767 && peak <= 0.25 * 32767 + 1, `peak ${peak}`);
  assert.throws(() => tone(4000, 1), /each must be above 0 and below half the sample rate \(4000 Hz\)/);
  assert.throws(() => tone(440, 1, { amplitude: 2 }), /amplitude 2 is not in \(0, 1\]/);
});

test('the dominant frequency of pure tones from 100 Hz to 3.9 kHz, within 0.1 %', () => {
  for (const f of [100, 300, 697, 1000, 1209, 1633, 2500, 3900, 1234.5]) {
    const { frequency, share } = dominantFrequency(tone(f, 1), 8000);
    assert.ok(Math.abs(frequency - f) / f < 0.001, `${f} Hz read as ${frequency}`);
    assert.ok(share > 0.95, `${f} Hz: ${share} of the energy near the peak`);
  }
});

test('short and long signals: 20 ms, and 30 s (only 2^16 samples from the middle are analysed)', () => {
  assert.ok(Math.abs(dominantFrequency(tone(1000, 0.02), 8000).frequency - 1000) < 20);
  const long = tone(1000, 30);
  long.fill(0, 0, 100_000); // silence at the start, as a recording has before the far end speaks
  assert.ok(Math.abs(dominantFrequency(long, 8000).frequency - 1000) < 1);
});

test('through G.711 and back the tone is still 1000 Hz ± 2 %', () => {
  for (const [name, codec] of [['PCMU', (x: Int16Array) => decodePcmu(encodePcmu(x))], ['PCMA', (x: Int16Array) => decodePcma(encodePcma(x))]] as const) {
    const { frequency, share } = dominantFrequency(codec(tone(1000, 1)), 8000);
    assert.ok(Math.abs(frequency - 1000) <= 20, `${name}: ${frequency}`);
    assert.ok(share > 0.9, `${name}: share ${share}`);
  }
});

test('a DTMF digit has two tones; the louder wins; noise gives a low share', () => {
  const digit = tone([697, 1209], 0.5); // "1"
  const f = dominantFrequency(digit, 8000);
  assert.ok(Math.abs(f.frequency - 697) < 2 || Math.abs(f.frequency - 1209) < 2, `${f.frequency}`);
  assert.ok(f.share > 0.4 && f.share < 0.6, `each tone holds about half: ${f.share}`);
  let seed = 1;
  const noise = Int16Array.from({ length: 8000 }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 20000) - 10000);
  assert.ok(dominantFrequency(noise, 8000).share < 0.1);
});

test('refused: too few samples, silence', () => {
  assert.throws(() => dominantFrequency(new Int16Array(10), 8000), /10 samples are too few/);
  assert.throws(() => dominantFrequency(new Int16Array(1000), 8000), /the signal is silent/);
});

test.run();
