/**
 * A specification document as the rest of the pipeline sees it: its name,
 * title, numbered lines and section index. Built from text by a pure function.
 */
import { createHash } from 'node:crypto';
import { type DocName, displayName } from './docname.ts';
import { paginate, place, type FooterMismatch, type PagedLine } from './paginate.ts';
import { type IndexEntry, type Relations, relationsOf } from './rfcindex.ts';
import { indexSections, type Section } from './sections.ts';
import { notUtf8, removeStrays, type Stray } from './strays.ts';

/** A run of stray control bytes, with the page and line number of its physical line (kept or not). */
export interface LocatedStray extends Stray {
  page: number;
  line: number;
}

export interface SpecDoc {
  name: DocName;
  /** `RFC3261` or the draft's name, as written in tags. */
  label: string;
  /** Title from rfc-index.txt for an RFC it lists, else as printed on the first page. */
  title: string;
  /** Status and relations to other RFCs, from rfc-index.txt (an RFC it lists). */
  relations?: Relations;
  /** Stray control bytes taken out of the text, and bytes that are not UTF-8 (`strays.ts`), in order. */
  strays: LocatedStray[];
  pages: number;
  virtual: boolean;
  lines: PagedLine[];
  sections: Section[];
  footerMismatches: FooterMismatch[];
  /** sha256 of the source bytes. */
  sha256: string;
  size: number;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const decoder = new TextDecoder('utf-8');

/**
 * Decodes, paginates and indexes a document's source bytes (`hash`: their
 * sha256, when the caller has it; `entry`: the RFC's rfc-index.txt entry,
 * which gives the title and relations).
 */
export function buildDoc(name: DocName, bytes: Uint8Array, hash = sha256(bytes), entry?: IndexEntry): SpecDoc {
  const decoded = decoder.decode(bytes);
  const { text, strays: removed } = removeStrays(decoded);
  const strays = [...removed, ...notUtf8(bytes, decoded)].sort((a, b) => a.physical - b.physical || a.column - b.column);
  const paged = paginate(text);
  return {
    name,
    label: name.label,
    title: entry?.title ?? findTitle(paged.lines) ?? displayName(name),
    ...(entry ? { relations: relationsOf(entry) } : {}),
    strays: strays.map((s) => ({ ...s, ...place(paged, s.physical) })),
    pages: paged.pages,
    virtual: paged.virtual,
    lines: paged.lines,
    sections: indexSections(paged.lines),
    footerMismatches: paged.footerMismatches,
    sha256: hash,
    size: bytes.length,
  };
}

/**
 * The title is the first block of lines after the header block of page 1
 * (working group, number, category, authors, date), up to a blank line.
 */
export function findTitle(lines: readonly PagedLine[]): string | undefined {
  const page1 = lines.filter((l) => l.page === 1).map((l) => l.text.trim());
  let i = 0;
  const skip = (blank: boolean) => {
    while (i < page1.length && (page1[i] === '') === blank) i++;
  };
  skip(true); // leading blank lines
  skip(false); // the header block
  skip(true);
  const title: string[] = [];
  for (; i < page1.length && page1[i] !== ''; i++) title.push(page1[i]!);
  const text = title.join(' ').replace(/\s+/g, ' ');
  if (text === '' || /^(Abstract|Status of this Memo)/i.test(text)) return undefined;
  return text;
}
