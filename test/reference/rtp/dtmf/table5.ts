/**
 * RFC 4733 §5's Table 5 ("Example of Event Reporting", the "911" sequence),
 * read from the RFC text at test time: each row of the table with the cells
 * of its continuation lines joined, and the example's frame duration from
 * the prose above it.
 */
import type { SpecDoc } from '../../../../tools/spec/document.ts';

export interface Table5Row {
  /** Where the row begins in the RFC, e.g. "P31L20". */
  at: string;
  timeMs: number;
  /** The Event cell, continuation lines joined: `"9" starts`, `RTP packet 4 first retrans- mission`. */
  event: string;
  marker?: string;
  timestamp?: string;
  seq?: string;
  code?: string;
  duration?: string;
  end?: string;
}

export interface Table5 {
  rows: Table5Row[];
  /** "The frame duration is 50 ms." */
  frameMs: number;
  /** The ref of the table, first row to caption. */
  ref: string;
}

export function table5(doc: SpecDoc): Table5 {
  const L = doc.lines;
  const caption = L.findIndex((l) => /Table 5: Example of Event Reporting/.test(l.text));
  if (caption < 0) throw new Error(`${doc.label}: no Table 5`);
  let head = caption;
  while (head > 0 && !/^\s*\|\s+Time \| Event/.test(L[head].text)) head--;
  if (head === 0) throw new Error(`${doc.label}: no header row above Table 5`);
  const rows: Table5Row[] = [];
  let seenRule = 0;
  for (let i = head; i < caption; i++) {
    const t = L[i].text;
    if (/^\s*\+[-+]+\+\s*$/.test(t)) {
      seenRule++;
      continue;
    }
    if (seenRule < 1 || !/^\s*\|/.test(t)) continue; // the header rows, the page break
    const cells = t.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    if (cells.length !== 8) throw new Error(`${doc.label} P${L[i].page}L${L[i].line}: Table 5 row with ${cells.length} cells`);
    const [time, event, marker, timestamp, seq, code, duration, end] = cells;
    if (time !== '') {
      rows.push({ at: `P${L[i].page}L${L[i].line}`, timeMs: time === '...' ? NaN : Number(time), event, marker: marker || undefined, timestamp: timestamp || undefined, seq: seq || undefined, code: code || undefined, duration: duration || undefined, end: end || undefined });
    } else if (rows.length > 0) {
      const r = rows[rows.length - 1];
      if (event) r.event = `${r.event} ${event}`;
    }
  }
  // The prose of §5 before the table: "The frame duration is 50 ms."
  const prose = L.slice(Math.max(0, head - 40), head).map((l) => l.text.trim()).join(' ');
  const frame = /The frame\s+duration is (\d+) ms/.exec(prose);
  if (!frame) throw new Error(`${doc.label}: no frame duration stated before Table 5`);
  const at = (i: number) => `P${L[i].page}L${L[i].line}`;
  return { rows, frameMs: Number(frame[1]), ref: `${at(head)}-${at(caption)}` };
}

/** A row that is a packet: `RTP packet N ...` with a sequence number. */
export const isPacketRow = (r: Table5Row) => r.seq !== undefined && r.seq !== '...';
/** A row of elided packets: `...` in every column. */
export const isElided = (r: Table5Row) => r.event === '...';
/** A quoted digit row: `"9" starts`, `First "1" ends`. */
export function digitRow(r: Table5Row): { digit: string; what: 'starts' | 'ends' } | undefined {
  const m = /"(.)"\s+(starts|ends)$/.exec(r.event);
  return m ? { digit: m[1], what: m[2] as 'starts' | 'ends' } : undefined;
}
