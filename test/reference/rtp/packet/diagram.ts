/**
 * The bit diagrams of an RFC, read from its text at test time: each field's
 * label, 32-bit word and bit positions, from the `0 1 2 3 ...` ruler and the
 * `|` boundaries. Tests then check an encoder's octets at exactly those
 * positions, so a field moved by one bit fails against the RFC itself.
 */
import type { SpecDoc } from '../../../../tools/spec/document.ts';

export interface DiagramField {
  /** The label as printed, e.g. `V=2`, `PT=SR=200`, `sequence number`. */
  label: string;
  /** The label before any `=`: `V`, `PT`, `sequence number`. */
  name: string;
  /** The value after the last `=`, when the label gives one: 2 for `V=2`, 200 for `PT=SR=200`. */
  value?: number;
  /** 0 for the first 32-bit word of the diagram. */
  word: number;
  /** First bit in the word, 0 the most significant. */
  bit: number;
  width: number;
}

/**
 * The diagram that starts at the first ruler (`0 1 2 3 4 5 ...`) after the
 * line containing `after`, to the first blank line after its last border.
 */
export function diagramAfter(doc: SpecDoc, after: string, from = 0): { fields: DiagramField[]; ref: string } {
  const lines = doc.lines;
  const start = lines.findIndex((l, i) => i >= from && l.text.includes(after));
  if (start < 0) throw new Error(`${doc.label}: no line containing ${JSON.stringify(after)}`);
  const rulerAt = lines.findIndex((l, i) => i > start && /^\s*(\S+\s+)?0 1 2 3 4 5 6 7/.test(l.text) && !/0\s{10,}1/.test(l.text));
  const ruler = lines[rulerAt].text;
  const digits: number[] = [];
  const rulerStart = ruler.search(/0 1 2 3/);
  for (let c = rulerStart; c < ruler.length; c++) if (/\d/.test(ruler[c])) digits.push(c);
  /** Bit index before which a `|` at column c stands. */
  const boundary = (c: number): number | undefined => {
    const k = digits.indexOf(c + 1);
    if (k >= 0) return k;
    if (c === digits[digits.length - 1] + 1) return digits.length;
    return undefined;
  };
  const fields: DiagramField[] = [];
  let word = 0;
  let sawRow = false;
  let anyRow = false;
  let end = rulerAt;
  for (let i = rulerAt + 1; i < lines.length; i++) {
    const text = lines[i].text;
    if (text.trim() === '') {
      if (anyRow) break;
      continue;
    }
    end = i;
    if (/^\s*\S*\s*[+][-=+]{8,}/.test(text) || /[+]-[+]-[+]/.test(text)) {
      if (sawRow) word++;
      sawRow = false;
      continue;
    }
    const bars: number[] = [];
    for (let c = 0; c < text.length; c++) if (text[c] === '|' && boundary(c) !== undefined) bars.push(c);
    if (bars.length < 2) continue;
    sawRow = true;
    anyRow = true;
    for (let j = 0; j + 1 < bars.length; j++) {
      const label = text.slice(bars[j] + 1, bars[j + 1]).trim();
      if (label === '' || /^[.:]+$/.test(label)) continue;
      const parts = label.split('=').map((s) => s.trim());
      const last = Number(parts[parts.length - 1]);
      const bit = boundary(bars[j])!;
      fields.push({
        label,
        name: parts[0],
        value: parts.length > 1 && Number.isFinite(last) ? last : undefined,
        word,
        bit,
        width: boundary(bars[j + 1])! - bit,
      });
    }
  }
  const at = (i: number) => `P${lines[i].page}L${lines[i].line}`;
  return { fields, ref: `${at(rulerAt)}-${at(end)}` };
}

/** The field of that name (the label before `=`), or a thrown error naming what the diagram has. */
export function field(fields: readonly DiagramField[], name: string, nth = 0): DiagramField {
  const found = fields.filter((f) => f.name === name)[nth];
  if (!found) throw new Error(`no field ${JSON.stringify(name)} in the diagram: ${fields.map((f) => f.name).join(', ')}`);
  return found;
}

/** The unsigned value of `width` bits at `bit` of 32-bit word `word`, counted from octet `base`. */
export function readBits(bytes: Uint8Array, base: number, f: Pick<DiagramField, 'word' | 'bit' | 'width'>): number {
  let v = 0;
  for (let k = 0; k < f.width; k++) {
    const abs = (base + 4 * f.word) * 8 + f.bit + k;
    v = v * 2 + ((bytes[abs >> 3] >> (7 - (abs & 7))) & 1);
  }
  return v;
}

/** Writes `value` into `width` bits at `bit` of word `word`, counted from octet `base`. */
export function writeBits(bytes: Uint8Array, base: number, f: Pick<DiagramField, 'word' | 'bit' | 'width'>, value: number): void {
  for (let k = f.width - 1; k >= 0; k--) {
    const abs = (base + 4 * f.word) * 8 + f.bit + k;
    const mask = 1 << (7 - (abs & 7));
    if (value % 2) bytes[abs >> 3] |= mask;
    else bytes[abs >> 3] &= ~mask;
    value = Math.floor(value / 2);
  }
}
