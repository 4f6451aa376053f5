/**
 * RFC 4733's own examples, read from its text at test time: §5's Table 5
 * (the "911" sequence) reproduced packet for packet by the sender, Figure 3
 * (the table's "RTP packet 14") encoded bit for bit, and the payload layout
 * of Figure 1 and of Figure 5's event block. Figures 4 and 5's tone payload
 * (§4, audio/tone) is not implemented here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { diagramAfter, readBits, writeBits, type DiagramField } from '../packet/diagram.ts';
import { digitRow, isElided, isPacketRow, table5 } from './table5.ts';
import { dtmfEventCode, DEFAULT_RECEIVER_EVENTS } from '../../../../reference/rtp/dtmf/events.ts';
import { eventPackets, type PlannedEvent } from '../../../../reference/rtp/dtmf/schedule.ts';
import { encodeReport } from '../../../../reference/rtp/dtmf/payload.ts';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';

/** The telephone-event clock: 8000 Hz unless the "rate" parameter says otherwise (§2.4). */
const RATE = 8000;
const unitsPerMs = RATE / 1000;

/** The "911" example as the sender makes it: the events from Table 5's "starts"/"ends" rows, one update per frame. */
async function example(volume = 0) {
  const doc = await realDoc('RFC4733');
  const t = table5(doc);
  const events: PlannedEvent[] = [];
  for (const r of t.rows) {
    const d = digitRow(r);
    if (d?.what === 'starts') events.push({ event: dtmfEventCode(d.digit), start: r.timeMs * unitsPerMs, duration: NaN, volume });
    if (d?.what === 'ends') {
      const ev = events[events.length - 1];
      assert.is(ev.event, dtmfEventCode(d.digit), `${r.at}: ends the digit that started`);
      ev.duration = r.timeMs * unitsPerMs - ev.start;
    }
  }
  const due = eventPackets(events, { interval: t.frameMs * unitsPerMs, allowed: DEFAULT_RECEIVER_EVENTS });
  // "the timestamp is assumed to begin at 0, the RTP sequence number at 1"
  const packets = due.map((d, i) => ({ seq: i + 1, timeMs: d.at / unitsPerMs, ...d.packet }));
  return { t, events, packets };
}

// @tests RFC4733 P31L3-P32L44, P13L1-P13L6, P13L8-P13L12, P14L41-P14L42, P15L15-P15L20, P8L22-P8L30
test('§5 Table 5: the "911" sequence, every row the RFC prints, packet for packet', async () => {
  const { t, events, packets } = await example();
  assert.equal(events.map((e) => [e.event, e.start, e.duration]), [[9, 0, 1600], [1, 7040, 2000], [1, 11200, 1760]]);
  assert.is(t.frameMs, 50);
  const rows = t.rows.filter(isPacketRow);
  assert.ok(rows.length >= 14, `${rows.length} packet rows read from ${t.ref}`);
  for (const r of rows) {
    const p = packets.find((x) => x.seq === Number(r.seq));
    assert.ok(p, `${r.at}: a packet with sequence number ${r.seq}`);
    const row = { timeMs: r.timeMs, M: r.marker, timestamp: r.timestamp, code: r.code, duration: r.duration, E: r.end };
    const ours = {
      timeMs: p.timeMs,
      M: `"${p.marker ? 1 : 0}"`,
      timestamp: String(p.timestamp),
      code: String(p.report.event),
      duration: String(p.report.duration),
      E: `"${p.report.end ? 1 : 0}"`,
    };
    assert.equal(ours, row, `${r.at} (seq ${r.seq})`);
  }
  // Nothing more and nothing less: the table's last packet is our last, and
  // every run of sequence numbers the table skips is a "..." row.
  const printed = rows.map((r) => Number(r.seq));
  assert.is(packets.length, printed[printed.length - 1]);
  for (let i = 0; i + 1 < t.rows.length; i++) {
    if (!isElided(t.rows[i])) continue;
    const before = t.rows.slice(0, i).filter(isPacketRow).pop()!;
    const after = t.rows.slice(i + 1).find(isPacketRow)!;
    assert.ok(Number(after.seq) > Number(before.seq) + 1, `the "..." at ${t.rows[i].at} stands for packets`);
  }
  for (let k = 0; k + 1 < printed.length; k++) {
    if (printed[k + 1] === printed[k] + 1) continue;
    const i = t.rows.findIndex((r) => r.seq === String(printed[k]));
    const j = t.rows.findIndex((r) => r.seq === String(printed[k + 1]));
    assert.ok(t.rows.slice(i, j).some(isElided), `seq ${printed[k]} to ${printed[k + 1]}: the table elides them`);
  }
  // The elided packets obey the same rules: one timestamp per event, growing durations, no M or E in between.
  for (const p of packets.filter((x) => !printed.includes(x.seq))) {
    assert.is(p.marker, false, `seq ${p.seq}`);
    assert.is(p.report.end, false, `seq ${p.seq}`);
  }
});

/** The field values of a diagram with a label row and a value row per word: label → value. */
function labelledValues(fields: readonly DiagramField[]): { name: string; word: number; bit: number; width: number; value: number }[] {
  const out = [];
  const byPlace = new Map<string, DiagramField[]>();
  for (const f of fields) {
    const key = `${f.word}:${f.bit}:${f.width}`;
    byPlace.set(key, [...(byPlace.get(key) ?? []), f]);
  }
  for (const [label, value] of byPlace.values()) {
    assert.ok(value, `the field ${label.label} has a value row`);
    const names = label.label.split(/\s+/);
    const values = value.label.split(/\s+/);
    // "E R" over "1 0": one bit each.
    if (names.length > 1 && names.length === label.width && values.length === names.length) {
      names.forEach((n, k) => out.push({ name: n, word: label.word, bit: label.bit + k, width: 1, value: Number(values[k]) }));
    } else {
      out.push({ name: label.name, word: label.word, bit: label.bit, width: label.width, value: Number(value.label) });
    }
  }
  return out;
}

/** The octets a diagram with values spells. */
function diagramOctets(values: ReturnType<typeof labelledValues>): Uint8Array {
  const words = Math.max(...values.map((v) => v.word)) + 1;
  const bytes = new Uint8Array(4 * words);
  for (const v of values) {
    assert.ok(Number.isFinite(v.value), `${v.name}: a number`);
    writeBits(bytes, 0, v, v.value);
  }
  return bytes;
}

// @tests RFC4733 P34L27-P35L17, P9L17-P9L17, P9L32-P9L34
test('§5 Figure 3: Table 5\'s "RTP packet 14" (sequence number 18) as our sender makes it, every bit as printed', async () => {
  const doc = await realDoc('RFC4733');
  const { fields } = diagramAfter(doc, 'Figure 3 assumes that the following SDP');
  const values = labelledValues(fields);
  const get = (name: string) => values.find((v) => v.name === name)!.value;
  const expected = diagramOctets(values);
  assert.is(expected.length, 16);
  // The volume and the stream's PT and SSRC are the figure's; everything else comes from the sender.
  const { packets } = await example(get('volume'));
  const p = packets.find((x) => x.seq === get('sequence number'))!;
  const ours = serializeRtp({
    marker: p.marker,
    payloadType: get('PT'),
    sequenceNumber: p.seq,
    timestamp: p.timestamp,
    ssrc: get('synchronization source (SSRC) identifier'),
    csrc: [],
    payload: p.payload,
    padding: 0,
  });
  assert.equal([...ours], [...expected]);
});

// @tests RFC4733 P8L40-P8L48
test('§2.3 Figure 1: event, E, R, volume and duration at the printed bit positions', async () => {
  const { fields } = diagramAfter(await realDoc('RFC4733'), 'The payload format for named telephone events is shown in Figure 1');
  const at = (name: string) => {
    const f = fields.find((x) => x.name === name);
    assert.ok(f, `Figure 1 has ${name}: ${fields.map((x) => x.name).join(', ')}`);
    return f;
  };
  for (const r of [
    { event: 11, end: true, volume: 63, duration: 1 },
    { event: 0, end: false, volume: 10, duration: 0xffff },
    { event: 15, end: true, volume: 0, duration: 0x1234 },
  ]) {
    const bytes = encodeReport(r);
    assert.is(bytes.length, 4);
    assert.is(readBits(bytes, 0, at('event')), r.event);
    assert.is(readBits(bytes, 0, at('E')), r.end ? 1 : 0);
    assert.is(readBits(bytes, 0, at('R')), 0);
    assert.is(readBits(bytes, 0, at('volume')), r.volume);
    assert.is(readBits(bytes, 0, at('duration')), r.duration);
  }
});

// @tests RFC4733 P37L20-P37L25
test('§5 Figure 5: the event block of the combined payload is our report for packet 14', async () => {
  const doc = await realDoc('RFC4733');
  const from = doc.lines.findIndex((l) => l.text.includes('Figure 5, for the combined payload'));
  // The block under "Event payload" has no ruler of its own: it is drawn on Figure 5's.
  const ruler = doc.lines.findIndex((l, i) => i > from && /^\s*0 1 2 3 4 5 6 7/.test(l.text));
  const block = doc.lines.findIndex((l, i) => i > ruler && l.text.trim() === 'Event payload');
  const tone = doc.lines.findIndex((l, i) => i > block && l.text.trim() === 'Tone payload');
  assert.ok(from > 0 && ruler > from && block > ruler && tone > block, 'Figure 5 and its event block found');
  const drawn = { ...doc, lines: [doc.lines[block], doc.lines[ruler], ...doc.lines.slice(block + 1, tone)] };
  const values = labelledValues(diagramAfter(drawn, 'Event payload').fields);
  assert.equal(values.map((v) => v.name), ['event', 'E', 'R', 'volume', 'duration']);
  const expected = diagramOctets(values);
  const { packets } = await example(values.find((v) => v.name === 'volume')!.value);
  const last = packets.find((x) => x.report.end && x.timestamp === 11200)!;
  assert.equal([...last.payload], [...expected]);
});

test.run();
