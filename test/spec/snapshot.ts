/**
 * Snapshots of the extraction of real RFCs (test/spec/snapshots/<doc>.json):
 * what pagination, the section index and requirement extraction make of a
 * document, as numbers only, so that a change to any of them is a reviewable
 * diff. A snapshot holds no RFC text: the page and kept-line counts, each
 * section's number with its first and last line (PnLm), and the requirement
 * count per BCP 14 key word. Section titles are left out: numbers say enough.
 */
import type { SpecDoc } from '../../tools/spec/document.ts';
import { lineId } from '../../tools/spec/paginate.ts';
import { extractRequirements, KEYWORDS } from '../../tools/annotate/requirements.ts';

export interface Snapshot {
  doc: string;
  pages: number;
  /** Kept (quotable) lines. */
  lines: number;
  virtual: boolean;
  /** [number, first line, last line], in document order. */
  sections: [string, string, string][];
  /** Requirements per key word, every key word listed (0 when unused), then the total. */
  requirements: Record<string, number>;
}

export function snapshotOf(doc: SpecDoc): Snapshot {
  const requirements: Record<string, number> = Object.fromEntries(KEYWORDS.map((k) => [k, 0]));
  const found = extractRequirements(doc);
  for (const r of found) requirements[r.keyword]!++;
  requirements.total = found.length;
  return {
    doc: doc.label,
    pages: doc.pages,
    lines: doc.lines.length,
    virtual: doc.virtual,
    sections: doc.sections.map((s) => [s.number, lineId(doc.lines[s.begin]!), lineId(doc.lines[s.end]!)]),
    requirements,
  };
}

/** The file's text: JSON with one section per line, so that a diff shows each section that moved. */
export function formatSnapshot(s: Snapshot): string {
  const sections = s.sections.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
  return (
    `{\n  "doc": ${JSON.stringify(s.doc)},\n  "pages": ${s.pages},\n  "lines": ${s.lines},\n  "virtual": ${s.virtual},\n` +
    `  "sections": [${sections ? `\n${sections}\n  ` : ''}],\n` +
    `  "requirements": ${JSON.stringify(s.requirements)}\n}\n`
  );
}

const LINE_ID = /^P\d+L\d+$/;
const SECTION_NUMBER = /^(?:\d+|[A-Z])(?:\.\d+)*$/;

/** Reads a snapshot file's text; anything not of the snapshot's shape is an error saying what and where. */
export function parseSnapshot(text: string, file: string): Snapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what} (regenerate it with RFCDOC_UPDATE_SNAPSHOTS=1)`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('expected an object');
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'doc,lines,pages,requirements,sections,virtual') fail(`expected the keys doc, pages, lines, virtual, sections, requirements, found ${keys || 'none'}`);
  if (typeof o.doc !== 'string') fail('"doc" is not a string');
  for (const k of ['pages', 'lines'] as const) if (!Number.isInteger(o[k]) || (o[k] as number) < 0) fail(`"${k}" is not a count`);
  if (typeof o.virtual !== 'boolean') fail('"virtual" is not true or false');
  if (!Array.isArray(o.sections)) fail('"sections" is not a list');
  (o.sections as unknown[]).forEach((x, i) => {
    const ok = Array.isArray(x) && x.length === 3 && SECTION_NUMBER.test(String(x[0])) && LINE_ID.test(String(x[1])) && LINE_ID.test(String(x[2]));
    if (!ok || x.some((y: unknown) => typeof y !== 'string')) fail(`sections[${i}] is not ["number", "PnLm", "PnLm"]: ${JSON.stringify(x)}`);
  });
  const req = o.requirements;
  if (typeof req !== 'object' || req === null || Array.isArray(req)) fail('"requirements" is not an object');
  const expected = [...KEYWORDS, 'total'];
  if (Object.keys(req as object).join(',') !== expected.join(',')) fail(`"requirements" must list ${expected.join(', ')} in that order`);
  for (const [k, n] of Object.entries(req as object)) if (!Number.isInteger(n) || n < 0) fail(`requirements["${k}"] is not a count`);
  return o as unknown as Snapshot;
}

/**
 * What changed from `old` (committed) to `now` (live), one line each:
 * `pages: 269 → 270`, `section 17.1.1.2: P125L32-P129L20 → P125L33-P129L20`,
 * `section 9.3: added (P60L1-P61L2)`, `MUST: 612 → 613`. Empty when equal.
 */
export function diffSnapshots(old: Snapshot, now: Snapshot): string[] {
  const out: string[] = [];
  for (const k of ['doc', 'pages', 'lines', 'virtual'] as const) {
    if (old[k] !== now[k]) out.push(`${k}: ${old[k]} → ${now[k]}`);
  }
  const byNumber = (s: Snapshot) => {
    const m = new Map<string, string>();
    for (const [number, begin, end] of s.sections) {
      // A number indexed twice (it should not be) stays visible as a second entry.
      let key = number;
      for (let n = 2; m.has(key); n++) key = `${number} (#${n})`;
      m.set(key, `${begin}-${end}`);
    }
    return m;
  };
  const was = byNumber(old);
  const is = byNumber(now);
  for (const [number, range] of is) {
    const before = was.get(number);
    if (before === undefined) out.push(`section ${number}: added (${range})`);
    else if (before !== range) out.push(`section ${number}: ${before} → ${range}`);
  }
  for (const [number, range] of was) if (!is.has(number)) out.push(`section ${number}: removed (was ${range})`);
  if (out.every((l) => !l.startsWith('section ')) && old.sections.map((s) => s[0]).join() !== now.sections.map((s) => s[0]).join()) {
    out.push('sections: the same numbers in another order');
  }
  for (const k of new Set([...Object.keys(old.requirements), ...Object.keys(now.requirements)])) {
    const a = old.requirements[k];
    const b = now.requirements[k];
    if (a !== b) out.push(`${k === 'total' ? 'requirements in all' : k}: ${a ?? 'none'} → ${b ?? 'none'}`);
  }
  return out;
}
