/**
 * Protocol examples taken from the RFC texts at test time, never retyped:
 * the lines an RFC marks with who sends them (`C:`, `S:`; RFC 6120 also
 * `I:`, `R:`, `E:`, `P:`, `S1:`, `S2:`; RFC 6121 `UC:`, `US:`, `CC:`,
 * `CS:`), as in RFC 6120 and RFC 6121's XML examples and RFC 5802 and RFC
 * 7677's SCRAM exchanges.
 *
 * A message runs from its marker line over the lines indented at least two
 * past the prose (the marker's column). A blank line (a page break's, the
 * header and footer being gone from the paginated text, or the author's)
 * ends it, unless the next line at that indentation opens an element or
 * carries an attribute: prose indented as deep (a note after the example)
 * never starts with either. While an element of the XML is still open, the
 * message goes on whatever the indentation, up to the next marker or
 * heading.
 */
import { realDoc } from './docs.ts';
import type { SpecDoc } from '../spec/document.ts';
import { sectionOfLine } from '../spec/sections.ts';

export interface MarkedMessage {
  /** "C", "S", "S2", "UC", ... as printed. */
  marker: string;
  /** The innermost section holding the marker line, e.g. "4.9.3.18". */
  section: string;
  /** The message's lines, the marker and the common indentation taken off. */
  lines: string[];
  /** Where its marker line is: "P62L1". */
  ref: string;
}

const MARKER = /^( {3})((?:[A-Z][A-Z0-9]?)):( +)(\S.*)$/;
/** After a blank line, what goes on with the message: an element, or an attribute of one broken by a page break. */
const CONTINUES = /^<|^[\w:.-]+=['"]/;
const MARKERS = new Set(['C', 'S', 'I', 'R', 'E', 'P', 'S1', 'S2', 'UC', 'US', 'CC', 'CS']);

/** Every marked message of the document whose first line `starts` matches, in document order. */
export function markedMessages(doc: SpecDoc, starts: RegExp = /^/): MarkedMessage[] {
  const L = doc.lines;
  const out: MarkedMessage[] = [];
  for (let i = 0; i < L.length; i++) {
    const m = MARKER.exec(L[i]!.text);
    if (!m || !MARKERS.has(m[2]!) || !starts.test(m[4]!)) continue;
    const first = i;
    const threshold = m[1]!.length + 2;
    const content = m[1]!.length + m[2]!.length + 1 + m[3]!.length;
    const raw: { text: string; indent: number }[] = [{ text: m[4]!, indent: content }];
    const xml = /^</.test(m[4]!);
    let j = i + 1;
    for (; j < L.length; j++) {
      let k = j;
      while (k < L.length && L[k]!.text.trim() === '') k++;
      if (k >= L.length) break;
      const text = L[k]!.text;
      const indent = text.length - text.trimStart().length;
      if (MARKER.test(text) || indent === 0) break;
      // An element still open holds its content at any indentation (RFC 6120 §4.9.3.24's poem is at the prose's).
      const open = xml && unclosed(raw.map((r) => r.text).join('\n'));
      if (!open && (indent < threshold || (k > j && !CONTINUES.test(text.trimStart())))) break;
      for (let b = j; b < k; b++) raw.push({ text: '', indent: -1 });
      raw.push({ text: text.trimStart(), indent });
      j = k;
    }
    i = j - 1;
    const base = Math.min(...raw.filter((r) => r.indent >= 0).map((r) => r.indent));
    out.push({
      marker: m[2]!,
      section: sectionOfLine(doc.sections, first)?.number ?? '',
      lines: raw.map((r) => (r.indent < 0 ? '' : ' '.repeat(r.indent - base) + r.text)),
      ref: `P${L[first]!.page}L${L[first]!.line}`,
    });
  }
  return out;
}

/**
 * Whether an element opened in the text is not closed yet: a close tag
 * closes the innermost element of its name (so "<message><body>No closing
 * tag!</message>" is complete, as the RFC shows it), and a stream header
 * stays open on purpose.
 */
function unclosed(text: string): boolean {
  const stack: string[] = [];
  for (const t of text.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const [, close, name, empty] = t;
    if (close) {
      const at = stack.lastIndexOf(name!);
      if (at >= 0) stack.length = at;
    } else if (!empty && name !== 'stream:stream' && name !== 'stream') stack.push(name!);
  }
  return stack.length > 0;
}

export interface XmppExample extends MarkedMessage {
  rfc: 6120 | 6121;
  /** The XML as printed, its lines joined with LF. */
  xml: string;
}

const cache = new Map<number, Promise<XmppExample[]>>();

/** Every XML example of RFC 6120 or RFC 6121: the marked messages that start with '<'. */
export function xmppExamples(rfc: 6120 | 6121): Promise<XmppExample[]> {
  let p = cache.get(rfc);
  if (!p) {
    p = realDoc(`RFC${rfc}`).then((doc) => markedMessages(doc, /^</).map((m) => ({ ...m, rfc, xml: m.lines.join('\n') })));
    cache.set(rfc, p);
  }
  return p;
}

/**
 * The number of marker lines opening an XML example, counted on their own
 * (not by markedMessages): what the extractor must find.
 */
export async function countXmlMarkerLines(rfc: 6120 | 6121): Promise<number> {
  const doc = await realDoc(`RFC${rfc}`);
  return doc.lines.filter((l) => /^ {3}(C|S|I|R|E|P|S1|S2|UC|US|CC|CS): +</.test(l.text)).length;
}

/** The SCRAM exchange of an RFC section (RFC 5802 §5, RFC 7677 §3): each message, its wrapped lines joined. */
export async function scramExchange(doc: string, section: string): Promise<{ marker: string; text: string }[]> {
  const d = await realDoc(doc);
  return markedMessages(d)
    .filter((m) => m.section === section && /^[a-z]=|^[nyp],/.test(m.lines[0]!))
    .map((m) => ({ marker: m.marker, text: m.lines.map((l) => l.trim()).join('') }));
}
