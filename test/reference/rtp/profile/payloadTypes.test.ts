/** RFC 3551's payload types: our table against Table 4 as the RFC prints it, read at test time. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { isDynamic, STATIC_PAYLOAD_TYPES, staticPayloadType, staticPayloadTypeFor } from '../../../../reference/rtp/profile/payloadTypes.ts';

/** The rows of Table 4 with a number: PT, encoding name, media type, clock rate, channels. */
async function table4(): Promise<{ pt: number; encoding: string; mediaType: string; clockRate?: number; channels?: number }[]> {
  const doc = await realDoc('RFC3551');
  const lines = doc.lines.map((l) => l.text);
  const caption = lines.findIndex((l) => /Table 4: Payload types \(PT\) for audio encodings/.test(l));
  const head = lines.lastIndexOf(lines.slice(0, caption).reverse().find((l) => /^\s+PT\s+encoding\s+media type/.test(l))!, caption);
  assert.ok(caption > 0 && head > 0 && head < caption, 'Table 4 found in RFC 3551');
  const rows = [];
  for (const l of lines.slice(head, caption)) {
    const m = /^\s+(\d+)\s+(\S+)\s+(A|V|AV)(?:\s+([\d,]+))?(?:\s+(\d+))?/.exec(l);
    if (m) rows.push({ pt: Number(m[1]), encoding: m[2], mediaType: m[3], clockRate: m[4] ? Number(m[4].replace(/,/g, '')) : undefined, channels: m[5] ? Number(m[5]) : undefined });
  }
  assert.ok(rows.length >= 20, `Table 4 rows parsed: ${rows.length}`);
  return rows;
}

// @tests RFC3551 P33L1-P33L4, P33L12-P33L15, P33L17
test('each static payload type here is Table 4\'s row, field for field (PCMU 0, PCMA 8, G722 9, L16 10/11, CN 13)', async () => {
  const rows = await table4();
  assert.equal(STATIC_PAYLOAD_TYPES.map((t) => t.pt), [0, 8, 9, 10, 11, 13]);
  for (const t of STATIC_PAYLOAD_TYPES) {
    const row = rows.find((r) => r.pt === t.pt);
    assert.ok(row, `PT ${t.pt} in Table 4`);
    assert.equal({ pt: t.pt, encoding: t.encoding, mediaType: t.mediaType, clockRate: t.clockRate, channels: t.channels }, row);
  }
});

// @tests RFC3551 P14L10-P14L14
test('G722 is clocked at 8,000 Hz although it samples at 16,000 (RFC 1890\'s assignment, kept)', () => {
  assert.is(staticPayloadType(9)?.clockRate, 8000);
});

// @tests RFC3551 P12L37-P12L41, P32L16-P32L19
test('another rate or channel count has no static payload type: refused, pointing at a dynamic one (96-127)', () => {
  assert.is(staticPayloadTypeFor('PCMU', 8000).pt, 0);
  assert.is(staticPayloadTypeFor('L16', 44100, 2).pt, 10);
  assert.throws(() => staticPayloadTypeFor('PCMU', 16000), /PCMU at 16000 Hz, 1 channel\(s\) has no static payload type \(RFC 3551 §4\.5, Table 4\): a dynamic payload type \(96-127\)/);
  assert.throws(() => staticPayloadTypeFor('L16', 8000), /L16 at 8000 Hz/);
  assert.ok(isDynamic(96) && isDynamic(127));
  assert.not.ok(isDynamic(95) || isDynamic(128) || isDynamic(0));
  assert.is(staticPayloadType(3), undefined); // GSM: not implemented here
  assert.is(staticPayloadType(96), undefined);
});

test.run();
