/**
 * Requirements of a document: its sentences that use a BCP 14 key word in
 * capitals (RFC 2119, RFC 8174): MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT,
 * SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED, MAY, OPTIONAL.
 *
 * How sentences are found:
 *  - Paragraphs are runs of kept lines. A blank line, a section heading, or a
 *    gap in a page's line numbers (a line pagination dropped: a blank or
 *    footer line from L49 on) ends a paragraph. A page break does not, even
 *    with blank lines before it, when the text runs on at the same indent (or
 *    a list item's hanging indent, up to 3 more) and the page's last line does not end in `.`, `:`, `;`, `!` or `?`: a
 *    sentence runs on across pages.
 *  - A sentence ends at `.`, `!` or `?` (and closing quotes or brackets)
 *    followed by white space and a character that is not a lower-case letter,
 *    except after an abbreviation (e.g., i.e., cf., vs., et al., Fig., Sec.).
 *  - A list item's bullet (`o`, `*`, `-`) is left out of its text.
 *  - The key-word boilerplate paragraph ("The key words "MUST", "MUST NOT"...
 *    are to be interpreted as described in...") is skipped, and any key word
 *    written in double quotes, or right after `=` or `;` (a token in an
 *    example such as `HANDLING=OPTIONAL`), is a mention, not a use.
 *  - A sentence's keyword is its strongest: MUST NOT/SHALL NOT > MUST/
 *    REQUIRED/SHALL > SHOULD NOT/NOT RECOMMENDED > SHOULD/RECOMMENDED >
 *    MAY/OPTIONAL; the first of equal strength. Its section is the innermost
 *    section holding its first line. Section headings are never requirements.
 */
import type { PagedLine } from '../spec/paginate.ts';
import { sectionOfLine, type Section } from '../spec/sections.ts';
import type { Requirement } from './model.ts';

export const KEYWORDS = [
  'MUST NOT', 'SHALL NOT', 'MUST', 'REQUIRED', 'SHALL',
  'SHOULD NOT', 'NOT RECOMMENDED', 'SHOULD', 'RECOMMENDED', 'MAY', 'OPTIONAL',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** Higher is stronger. */
export const STRENGTH: Record<Keyword, number> = {
  'MUST NOT': 5, 'SHALL NOT': 5,
  MUST: 4, REQUIRED: 4, SHALL: 4,
  'SHOULD NOT': 3, 'NOT RECOMMENDED': 3,
  SHOULD: 2, RECOMMENDED: 2,
  MAY: 1, OPTIONAL: 1,
};

const KEYWORD_RE = /\b(MUST\s+NOT|SHALL\s+NOT|NOT\s+RECOMMENDED|SHOULD\s+NOT|MUST|REQUIRED|SHALL|SHOULD|RECOMMENDED|MAY|OPTIONAL)\b/g;
const ANY_KEYWORD = /\b(?:MUST|REQUIRED|SHALL|SHOULD|RECOMMENDED|MAY|OPTIONAL)\b/;
/** `The key words "MUST", "MUST NOT"...`: the BCP 14 boilerplate, or any paragraph quoting three key words. */
const BOILERPLATE = /\bkey ?words?\s+"(?:MUST|SHALL|SHOULD|MAY|REQUIRED)"/i;
const QUOTED_KEYWORD = /"(?:MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT|SHOULD|SHOULD NOT|RECOMMENDED|NOT RECOMMENDED|MAY|OPTIONAL)"/g;
const SENTENCE_END = /[.!?]["')\]]*\s+(?=[^a-z])/g;
const ABBREVIATION = /(?:\be\.g|\bi\.e|\bcf|\bvs|\bet al|\bFig|\bSec|\bviz|\bapprox)\.$/;

export interface RequirementSource {
  label: string;
  lines: readonly PagedLine[];
  sections: readonly Section[];
}

/** Every requirement of a document, in order, each `missing` with no citations. */
export function extractRequirements(doc: RequirementSource): Requirement[] {
  const out: Requirement[] = [];
  const headings = new Set(doc.sections.map((s) => s.begin));
  const { lines } = doc;
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0 && end >= start) paragraph(doc, start, end, out);
    start = -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const prev = lines[i - 1];
    if (prev && prev.page === l.page && l.line !== prev.line + 1) flush(i - 1);
    if (headings.has(i)) {
      flush(i - 1);
      continue;
    }
    if (l.text.trim() === '') {
      // Blank lines that run to a page break end the paragraph only when its
      // text stops at the end of a sentence or clause; else it goes on overleaf.
      let j = i + 1;
      while (j < lines.length && lines[j]!.text.trim() === '') j++;
      const before = lines[i - 1]?.text ?? '';
      const after = lines[j]?.text ?? '';
      const overleaf = start >= 0 && j < lines.length && lines[j]!.page !== l.page && !headings.has(j) && runsOn(before, after);
      if (overleaf && !/[.:;!?]["')\]]*$/.test(before.trimEnd())) {
        i = j - 1;
        continue;
      }
      flush(i - 1);
      continue;
    }
    if (start < 0) start = i;
  }
  flush(lines.length - 1);
  return out;
}

const indent = (s: string) => s.length - s.trimStart().length;
/** Does `after` continue the text of `before` by its indent: the same, or a list item's hanging indent? */
const runsOn = (before: string, after: string) => {
  const d = indent(after) - indent(before);
  return d >= 0 && d <= 3;
};

/** Splits the paragraph of kept lines [first, last] into sentences and keeps those with a key word. */
function paragraph(doc: RequirementSource, first: number, last: number, out: Requirement[]): void {
  const pieces: string[] = [];
  const starts: number[] = [];
  let length = 0;
  for (let i = first; i <= last; i++) {
    const t = doc.lines[i]!.text.trim();
    starts.push(length);
    pieces.push(t);
    length += t.length + 1;
  }
  const text = pieces.join(' ');
  if (!ANY_KEYWORD.test(text)) return;
  if (BOILERPLATE.test(text) || (text.match(QUOTED_KEYWORD)?.length ?? 0) >= 3) return;
  const lineAt = (offset: number) => first + upperBound(starts, offset) - 1;

  let from = 0;
  const sentence = (to: number) => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body !== '') {
      const keyword = strongest(body);
      if (keyword) {
        const begin = lineAt(from + lead);
        const end = lineAt(from + lead + body.length - 1);
        out.push({
          doc: doc.label,
          keyword,
          begin,
          end,
          text: body.replace(/\s+/g, ' ').replace(/^(?:o|\*|-)\s+/, ''),
          section: sectionAt(doc.sections, begin),
          status: 'missing',
          citations: [],
        });
      }
    }
    from = to;
  };
  SENTENCE_END.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SENTENCE_END.exec(text))) {
    const stop = m.index + 1;
    if (ABBREVIATION.test(text.slice(Math.max(from, m.index - 8), stop))) continue;
    sentence(m.index + m[0].length);
  }
  sentence(text.length);
}

/** The strongest key word used (not quoted) in a sentence. */
export function strongest(sentence: string): Keyword | undefined {
  let best: Keyword | undefined;
  KEYWORD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD_RE.exec(sentence))) {
    const before = sentence[m.index - 1];
    const after = sentence[m.index + m[0].length];
    if (before === '"' && after === '"') continue;
    if (before === '=' || before === ';') continue; // a token in an example: `HANDLING=OPTIONAL`
    const k = m[1]!.replace(/\s+/g, ' ') as Keyword;
    if (!best || STRENGTH[k] > STRENGTH[best]) best = k;
  }
  return best;
}

/** Index of the first element greater than x. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of the innermost section holding kept line `index`. */
export function sectionAt(sections: readonly Section[], index: number): string | undefined {
  return sectionOfLine(sections, index)?.number;
}
