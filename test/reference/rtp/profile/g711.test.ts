/**
 * G.711 (RFC 3551 §4.5.14) against facts of the μ-law and A-law curves, not
 * against another implementation: the decoded values of the end codes, every
 * code surviving decode then encode, the even-bit inversion of A-law, the
 * segment steps doubling, and encode of every 16-bit value landing on the
 * nearest code's interval.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePcmu, encodePcmu, linearFromPcmu, pcmuFromLinear } from '../../../../reference/rtp/profile/pcmu.ts';
import { decodePcma, encodePcma, linearFromPcma, pcmaFromLinear } from '../../../../reference/rtp/profile/pcma.ts';

const codes = Array.from({ length: 256 }, (_, i) => i);

test('μ-law: 0xFF and 0x7F are +0 and -0, 0x80 and 0x00 the extremes ±32124', () => {
  assert.is(linearFromPcmu(0xff), 0);
  assert.is(linearFromPcmu(0x7f), 0);
  assert.is(linearFromPcmu(0x80), 32124);
  assert.is(linearFromPcmu(0x00), -32124);
  assert.is(pcmuFromLinear(0), 0xff);
  assert.is(pcmuFromLinear(32767), 0x80); // clipped into the top code
  assert.is(pcmuFromLinear(-32768), 0x00);
});

// @tests RFC3551 P28L26-P28L30
test('μ-law and A-law: the sign is the octet\'s most significant bit (set for positive after μ-law\'s inversion; set for positive in A-law)', () => {
  for (const x of [1, 100, 1000, 30000]) {
    assert.is(pcmuFromLinear(x) & 0x80, 0x80, `μ-law +${x}`);
    assert.is(pcmuFromLinear(-x) & 0x80, 0, `μ-law -${x}`);
    assert.is(pcmaFromLinear(x) & 0x80, 0x80, `A-law +${x}`);
    assert.is(pcmaFromLinear(-x) & 0x80, 0, `A-law -${x}`);
  }
});

test('μ-law: decode then encode gives every code back but 0x7F (negative zero encodes as 0xFF)', () => {
  for (const c of codes) assert.is(pcmuFromLinear(linearFromPcmu(c)), c === 0x7f ? 0xff : c, `code 0x${c.toString(16)}`);
});

test('A-law: decode then encode gives every one of the 256 codes back', () => {
  for (const c of codes) assert.is(pcmaFromLinear(linearFromPcma(c)), c, `code 0x${c.toString(16)}`);
});

test('A-law: the even bits are inverted: zero is 0xD5 (+) / 0x55 (-), the extremes 0xAA / 0x2A at ±32256', () => {
  assert.is(pcmaFromLinear(0), 0xd5);
  assert.is(pcmaFromLinear(-1), 0x55);
  assert.is(linearFromPcma(0xd5), 8);
  assert.is(linearFromPcma(0x55), -8);
  assert.is(linearFromPcma(0xaa), 32256);
  assert.is(linearFromPcma(0x2a), -32256);
  assert.is(pcmaFromLinear(32767), 0xaa);
  assert.is(pcmaFromLinear(-32768), 0x2a);
  // Undo the inversion and the codes of positive values rise with the value.
  let last = -1;
  for (let m = 0; m < 128; m++) {
    const v = linearFromPcma((0x80 | m) ^ 0x55);
    assert.ok(v > last, `A-law magnitude code ${m}`);
    last = v;
  }
});

test('the curves are logarithmic: within a segment equal steps; each segment\'s step twice the one before (A-law: segments 0 and 1 alike)', () => {
  const step = (decode: (c: number) => number, toCode: (seg: number, m: number) => number, seg: number) =>
    decode(toCode(seg, 1)) - decode(toCode(seg, 0));
  const mu = (seg: number, m: number) => ~(((seg << 4) | m)) & 0xff; // positive μ-law code (sign 0 before inversion)
  const a = (seg: number, m: number) => (0x80 | (seg << 4) | m) ^ 0x55;
  for (let seg = 0; seg < 8; seg++) {
    for (let m = 1; m < 16; m++) {
      assert.is(linearFromPcmu(mu(seg, m)) - linearFromPcmu(mu(seg, m - 1)), step(linearFromPcmu, mu, seg), `μ-law segment ${seg}`);
      assert.is(linearFromPcma(a(seg, m)) - linearFromPcma(a(seg, m - 1)), step(linearFromPcma, a, seg), `A-law segment ${seg}`);
    }
    if (seg > 0) assert.is(step(linearFromPcmu, mu, seg), 2 * step(linearFromPcmu, mu, seg - 1), `μ-law segment ${seg}`);
    if (seg > 1) assert.is(step(linearFromPcma, a, seg), 2 * step(linearFromPcma, a, seg - 1), `A-law segment ${seg}`);
  }
  assert.is(step(linearFromPcmu, mu, 0), 8);
  assert.is(step(linearFromPcma, a, 0), 16);
  assert.is(step(linearFromPcma, a, 1), 16);
});

test('encoding every 16-bit value: monotonic, each code its own interval\'s, error at most half a step (4 or 8 in segment 0, 512 at the top)', () => {
  for (const [name, enc, dec, segment0, quiet] of [
    // Segment 0: μ-law's biased magnitudes 132..255 (|x| < 124), step 8; A-law's |x| < 256, step 16.
    ['μ-law', pcmuFromLinear, linearFromPcmu, 124, 4],
    ['A-law', pcmaFromLinear, linearFromPcma, 256, 8],
  ] as const) {
    let last = -Infinity;
    for (let x = -32768; x <= 32767; x++) {
      const c = enc(x);
      const d = dec(c);
      if (d < last) assert.unreachable(`${name}: ${x} decodes lower (${d}) than ${x - 1} (${last})`);
      last = d;
      if (enc(d) !== c && !(name === 'μ-law' && d === 0)) assert.unreachable(`${name}: ${x} → 0x${c.toString(16)} → ${d} → 0x${enc(d).toString(16)}`);
      const err = Math.abs(d - x);
      if (err > 512 + (Math.abs(x) > 32124 ? Math.abs(x) - 32124 : 0) || (Math.abs(x) < segment0 && err > quiet)) {
        assert.unreachable(`${name}: ${x} decodes to ${d}, ${err} away`);
      }
    }
  }
});

// @tests RFC3551 P28L22-P28L23, P28L25-P28L26, P28L30-P28L32
test('payloads: one octet per sample, in order, and back', () => {
  const samples = Int16Array.from([0, 1000, -1000, 32767, -32768, 5, -5]);
  const u = encodePcmu(samples);
  const a = encodePcma(samples);
  assert.is(u.length, samples.length);
  assert.is(a.length, samples.length);
  assert.equal([...u], [...samples].map(pcmuFromLinear));
  assert.equal([...a], [...samples].map(pcmaFromLinear));
  assert.equal([...decodePcmu(u)], [...u].map(linearFromPcmu));
  assert.equal([...decodePcma(a)], [...a].map(linearFromPcma));
});

test.run();
