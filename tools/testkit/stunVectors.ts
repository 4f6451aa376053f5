/**
 * STUN test vectors read out of the RFC text at test time, never retyped:
 * RFC 5769 §2.1–§2.4 and RFC 8489 Appendix B.1. Each section lists its
 * parameters ("Password:  "VOkJ…" (without quotes)", non-ASCII as <U+xxxx>),
 * then the message as indented lines of four hex bytes each followed by a
 * comment ("00 01 00 58     Request type and message length").
 */
import { realDoc } from './docs.ts';

export interface StunVector {
  doc: string;
  section: string;
  title: string;
  /** The message's bytes, as printed. */
  bytes: Uint8Array;
  /**
   * Each parameter's quoted values in order of appearance, with <U+xxxx>
   * written out: Password of §2.4 is ["The\u00adM\u00aatr\u2168", "TheMatrIX"]
   * (before and after SASLprep). A value printed without quotes (Mapped
   * address) is the text after the colon.
   */
  parameters: Map<string, string[]>;
}

/** Text with each <U+xxxx> replaced by its code point. */
export function unicodeEscapes(text: string): string {
  return text.replace(/<U\+([0-9A-Fa-f]{4,6})>/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

const HEX_LINE = /^\s+((?:[0-9a-f]{2} ){3}[0-9a-f]{2})(?:\s|$)/;
const PARAMETER = /^ {3}([A-Z][A-Za-z ]*?):\s+(.*)$/;

/** The vector of one section of a document. */
export async function stunVector(docName: string, section: string): Promise<StunVector> {
  const doc = await realDoc(docName);
  const s = doc.sections.find((x) => x.number === section);
  if (!s) throw new Error(`${docName} has no section ${section}`);
  const lines = doc.lines.slice(s.begin, s.end + 1).map((l) => l.text);
  const hex: string[] = [];
  const parameters = new Map<string, string[]>();
  for (let i = 0; i < lines.length; i++) {
    const h = HEX_LINE.exec(lines[i]!);
    if (h) {
      hex.push(h[1]!.replace(/ /g, ''));
      continue;
    }
    if (hex.length > 0) {
      // the message is one run of hex lines (blank lines between pages aside)
      if (lines[i]!.trim() === '') continue;
      break;
    }
    const p = PARAMETER.exec(lines[i]!);
    if (!p || p[1] === 'This request uses the following parameters' || p[1]!.startsWith('This response')) continue;
    // a parameter goes on over indented continuation lines, up to a blank line
    let text = p[2]!;
    for (let j = i + 1; j < lines.length && /^ {4,}\S/.test(lines[j]!) && !HEX_LINE.test(lines[j]!); j++) text += ' ' + lines[j]!.trim();
    const quoted = [...text.matchAll(/"([^"]*)"/g)].map((m) => unicodeEscapes(m[1]!));
    parameters.set(p[1]!, quoted.length > 0 ? quoted : [text.trim()]);
  }
  if (hex.length === 0) throw new Error(`${docName} §${section}: no hex lines found`);
  return { doc: docName, section, title: s.title, bytes: Uint8Array.from(Buffer.from(hex.join(''), 'hex')), parameters };
}

/** RFC 5769 §2.1–§2.4. */
export function rfc5769Vectors(): Promise<StunVector[]> {
  return Promise.all(['2.1', '2.2', '2.3', '2.4'].map((n) => stunVector('RFC5769', n)));
}

/** RFC 8489 Appendix B.1. */
export function rfc8489VectorB1(): Promise<StunVector> {
  return stunVector('RFC8489', 'B.1');
}
