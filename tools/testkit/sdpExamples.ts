/**
 * Example session descriptions taken from the RFC texts at test time, never
 * retyped:
 * - RFC 8866 and RFC 4566: every indented block that starts with `v=<digits>`
 *   and holds more than that one line (a lone `v=0` is §5.1 showing the
 *   field; `v=  (protocol version)` is §5's list of the fields);
 * - RFC 3264 §10: the offers and answers of the example exchanges, which
 *   alternate offer, answer, offer, answer within each subsection;
 * - RFC 4317 §2–§5: each block after an `[Offer]`, `[Answer]`,
 *   `[Second-Offer]` ... label;
 * - RFC 3665 §2 and §3: the SDP bodies of the call-flow messages
 *   (rfcMessages.ts finds the messages).
 *
 * A block runs while its lines are `<type>=` lines at the block's
 * indentation; blank lines (a page break's, the header and footer being gone
 * from the paginated text) are skipped when the block goes on after them.
 * Lines are joined with CRLF, each ended by one, as a session description
 * on the wire is.
 */
import { realDoc } from './docs.ts';
import { callFlowMessages } from './rfcMessages.ts';
import type { SpecDoc } from '../spec/document.ts';
import { sectionOfLine } from '../spec/sections.ts';

export interface SdpExample {
  rfc: number;
  /** The innermost section holding the example, e.g. "10.1", "2.3". */
  section: string;
  /** "Offer", "Answer", "Second-Offer" (RFC 4317, as printed), "[F1]" (RFC 3665), "Example". */
  label: string;
  /** The description, CRLF lines. */
  text: string;
  /** Where its first line is: "P19L8". */
  ref: string;
}

/** The documents this module knows how to read examples from. */
export const SDP_EXAMPLE_RFCS = [8866, 4566, 3264, 4317, 3665] as const;

const cache = new Map<number, Promise<SdpExample[]>>();

/** Every example SDP of the RFC, in document order. */
export function sdpExamples(rfc: number): Promise<SdpExample[]> {
  let p = cache.get(rfc);
  if (!p) {
    p = load(rfc);
    cache.set(rfc, p);
  }
  return p;
}

async function load(rfc: number): Promise<SdpExample[]> {
  if (rfc === 3665) return flowBodies();
  if (!(SDP_EXAMPLE_RFCS as readonly number[]).includes(rfc)) throw new Error(`sdpExamples: no examples known for RFC ${rfc} (known: ${SDP_EXAMPLE_RFCS.join(', ')})`);
  const doc = await realDoc(`RFC${rfc}`);
  const blocks = findBlocks(doc);
  if (rfc === 3264) return offerAnswerPairs(blocks.filter((b) => b.section === '10' || b.section.startsWith('10.')));
  if (rfc === 4317) return labelled(doc, blocks.filter((b) => /^[2-5](\.|$)/.test(b.section)));
  return blocks.map((b) => ({ ...b, label: 'Example' }));
}

interface Block {
  rfc: number;
  section: string;
  text: string;
  ref: string;
  /** Index of the first line in doc.lines. */
  index: number;
}

const FIELD = /^( +)([a-z])=(.*)$/;

/** The indented `v=` blocks of more than one line, in order. */
function findBlocks(doc: SpecDoc): Block[] {
  const rfc = Number(doc.name.label.replace(/^RFC/, ''));
  const L = doc.lines;
  const out: Block[] = [];
  for (let i = 0; i < L.length; i++) {
    const start = FIELD.exec(L[i].text);
    if (!start || start[2] !== 'v' || !/^\d+$/.test(start[3])) continue;
    const indent = start[1];
    const first = i;
    const lines = [L[i].text.slice(indent.length)];
    let j = i + 1;
    for (; j < L.length; j++) {
      let k = j;
      while (k < L.length && L[k].text.trim() === '') k++;
      const m = k < L.length ? FIELD.exec(L[k].text) : null;
      // A blank line ends the block unless it goes on at its indentation past a page break.
      if (!m || m[1] !== indent || m[2] === 'v' || (k > j && L[j - 1].page === L[k].page)) break;
      lines.push(L[k].text.slice(indent.length));
      j = k;
    }
    i = j - 1;
    if (lines.length < 2) continue;
    out.push({
      rfc,
      section: sectionOfLine(doc.sections, first)?.number ?? '',
      text: lines.map((l) => l + '\r\n').join(''),
      ref: `P${L[first].page}L${L[first].line}`,
      index: first,
    });
  }
  return out;
}

/** RFC 3264 §10: within each subsection, the examples alternate offer, answer. */
function offerAnswerPairs(blocks: Block[]): SdpExample[] {
  const seen = new Map<string, number>();
  return blocks.map((b) => {
    const n = seen.get(b.section) ?? 0;
    seen.set(b.section, n + 1);
    return { rfc: b.rfc, section: b.section, label: n % 2 === 0 ? 'Offer' : 'Answer', text: b.text, ref: b.ref };
  });
}

/**
 * RFC 4317: the label line (`[Offer]`) before each block. §1 says "the
 * subject line (s=) contains a single space character", which the text
 * file cannot show (trailing spaces are gone): when the document says so,
 * an empty `s=` is given its space back.
 */
function labelled(doc: SpecDoc, blocks: Block[]): SdpExample[] {
  const saysSpace = doc.lines.some((l, i) => `${l.text} ${doc.lines[i + 1]?.text ?? ''}`.includes('(s=) contains a') && /single space character/.test(`${l.text} ${doc.lines[i + 1]?.text ?? ''}`));
  return blocks.map((b) => {
    let k = b.index - 1;
    while (k >= 0 && doc.lines[k].text.trim() === '') k--;
    const label = /^\s*\[([A-Za-z-]+)\]\s*$/.exec(doc.lines[k]?.text ?? '');
    if (!label) throw new Error(`RFC${b.rfc} ${b.ref}: no [Offer]/[Answer] label above the example`);
    const text = saysSpace ? b.text.replace(/^s=\r\n/m, 's= \r\n') : b.text;
    return { rfc: b.rfc, section: b.section, label: label[1], text, ref: b.ref };
  });
}

/** RFC 3665: the SDP body of each call-flow message that has one, labelled `[Fn]`. */
async function flowBodies(): Promise<SdpExample[]> {
  const doc = await realDoc('RFC3665');
  const out: SdpExample[] = [];
  for (const m of await callFlowMessages()) {
    const body = m.text.slice(m.text.indexOf('\r\n\r\n') + 4);
    if (!body.startsWith('v=')) continue;
    const [page, line] = m.at.slice(1).split('L').map(Number);
    let i = doc.lines.findIndex((l) => l.page === page && l.line === line);
    while (i < doc.lines.length && !/^\s+v=/.test(doc.lines[i].text)) i++;
    out.push({ rfc: 3665, section: m.section, label: `[${m.label.split(' ')[1]}]`, text: body, ref: `P${doc.lines[i].page}L${doc.lines[i].line}` });
  }
  return out;
}
