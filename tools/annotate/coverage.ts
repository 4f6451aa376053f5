/**
 * Coverage stage: requirements + citations → each requirement's status, and
 * figures per document, section and key word.
 *
 * A citation covers a requirement when their line spans overlap (a section
 * ref covers every requirement of the section). Status, first that applies:
 *   tested       some @tests citation overlaps it (a passing test of the text
 *                is the strongest evidence, with or without an @implements)
 *   implemented  some @implements citation overlaps it
 *   exception    some @exception citation overlaps it (knowingly not done)
 *   todo         some @todo citation overlaps it
 *   missing      nothing cites it
 * `covered` counts tested + implemented + exception: every requirement that
 * is done or consciously decided against.
 */
import type { Citation, Requirement, RequirementStatus, TagKind } from './model.ts';
import { KEYWORDS, type Keyword } from './requirements.ts';

export const STATUSES: readonly RequirementStatus[] = ['tested', 'implemented', 'exception', 'todo', 'missing'];

const STATUS_OF: Record<TagKind, RequirementStatus> = { tests: 'tested', implements: 'implemented', exception: 'exception', todo: 'todo' };

/** The status a set of overlapping citations gives. */
export function statusOf(citations: readonly Citation[]): RequirementStatus {
  let best: RequirementStatus = 'missing';
  for (const c of citations) {
    const s = STATUS_OF[c.tag.kind];
    if (STATUSES.indexOf(s) < STATUSES.indexOf(best)) best = s;
  }
  return best;
}

/**
 * The requirements with their overlapping citations and status (new
 * records; the inputs are not changed). Only citations of the requirement's
 * own document count.
 */
export function applyCoverage(requirements: readonly Requirement[], citations: readonly Citation[]): Requirement[] {
  const byDoc = new Map<string, Citation[]>();
  for (const c of citations) {
    let list = byDoc.get(c.tag.doc);
    if (!list) byDoc.set(c.tag.doc, (list = []));
    list.push(c);
  }
  for (const list of byDoc.values()) list.sort((a, b) => a.span.begin - b.span.begin);
  return requirements.map((r) => {
    const list = byDoc.get(r.doc) ?? [];
    const over: Citation[] = [];
    for (const c of list) {
      if (c.span.begin > r.end) break;
      if (c.span.end >= r.begin) over.push(c);
    }
    return { ...r, citations: over, status: statusOf(over) };
  });
}

export interface Figures {
  total: number;
  counts: Record<RequirementStatus, number>;
  /** Percent of `total` per status, one decimal; 0 when total is 0. */
  percent: Record<RequirementStatus, number>;
  /** tested + implemented + exception. */
  covered: number;
  coveredPercent: number;
}

export interface CoverageFigures {
  total: Figures;
  /** By the key word as written (`MUST NOT`, `SHALL`...), in the order RFC 2119 lists them. */
  byKeyword: Record<string, Figures>;
  /** By top-level section (`17` holds 17.1.1); `-` for text before the first section. */
  bySection: Record<string, Figures>;
}

export interface FigureFilter {
  /** Section numbers; a requirement counts when its section is one of them or below one (`17` takes `17.1.1`, not `170`). */
  sections?: readonly string[];
  keywords?: readonly (Keyword | string)[];
}

const pct = (n: number, total: number) => (total === 0 ? 0 : Math.round((1000 * n) / total) / 10);

export function figures(requirements: readonly Requirement[]): Figures {
  const counts = { tested: 0, implemented: 0, exception: 0, todo: 0, missing: 0 };
  for (const r of requirements) counts[r.status]++;
  const total = requirements.length;
  const covered = counts.tested + counts.implemented + counts.exception;
  const percent = { tested: 0, implemented: 0, exception: 0, todo: 0, missing: 0 };
  for (const s of STATUSES) percent[s] = pct(counts[s], total);
  return { total, counts, percent, covered, coveredPercent: pct(covered, total) };
}

export function inSections(section: string | undefined, prefixes: readonly string[]): boolean {
  if (section === undefined) return false;
  const s = section.toUpperCase();
  return prefixes.some((p) => {
    const q = p.replace(/\.$/, '').toUpperCase();
    return s === q || s.startsWith(q + '.');
  });
}

/**
 * What in a filter names nothing in the document: a section number no
 * section of it is or lies below, a word that is not a BCP 14 key word.
 * Key words are compared in capitals with single spaces (`must  not` is
 * MUST NOT), which is how the filter is returned.
 */
export function filterErrors(label: string, sectionNumbers: readonly string[], filter: FigureFilter): { filter: FigureFilter; errors: string[] } {
  const errors: string[] = [];
  const keywords = filter.keywords?.map((k) => k.trim().replace(/\s+/g, ' ').toUpperCase());
  keywords?.forEach((k, i) => {
    if (!(KEYWORDS as readonly string[]).includes(k)) errors.push(`--keywords: "${filter.keywords![i]}" is not a BCP 14 key word (${ORDER.join(', ')})`);
  });
  for (const p of filter.sections ?? []) {
    if (!sectionNumbers.some((n) => inSections(n, [p]))) errors.push(`--sections: ${label} has no section ${p}`);
  }
  return { filter: { ...filter, ...(keywords ? { keywords } : {}) }, errors };
}

/** The requirements a filter keeps. */
export function selectRequirements(requirements: readonly Requirement[], filter: FigureFilter = {}): Requirement[] {
  return requirements.filter(
    (r) => (!filter.sections || inSections(r.section, filter.sections)) && (!filter.keywords || filter.keywords.includes(r.keyword)),
  );
}

/**
 * Figures for the requirements a filter keeps: e.g. "MUST and MUST NOT in
 * sections 8 and 17" is `coverageFigures(reqs, {sections: ['8', '17'], keywords: ['MUST', 'MUST NOT']})`.
 */
export function coverageFigures(requirements: readonly Requirement[], filter: FigureFilter = {}): CoverageFigures {
  const kept = selectRequirements(requirements, filter);
  const groups = (key: (r: Requirement) => string) => {
    const m = new Map<string, Requirement[]>();
    for (const r of kept) {
      const k = key(r);
      let list = m.get(k);
      if (!list) m.set(k, (list = []));
      list.push(r);
    }
    return m;
  };
  const kw = groups((r) => r.keyword);
  const byKeyword: Record<string, Figures> = {};
  for (const k of [...kw.keys()].sort(byStrength)) byKeyword[k] = figures(kw.get(k)!);
  const sec = groups((r) => r.section?.split('.')[0] ?? '-');
  const bySection: Record<string, Figures> = {};
  for (const k of [...sec.keys()].sort(bySectionNumber)) bySection[k] = figures(sec.get(k)!);
  return { total: figures(kept), byKeyword, bySection };
}

const ORDER = ['MUST', 'MUST NOT', 'REQUIRED', 'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'NOT RECOMMENDED', 'MAY', 'OPTIONAL'];
const byStrength = (a: string, b: string) => ORDER.indexOf(a) - ORDER.indexOf(b);

/** `-` first, numbers numerically, then appendix letters. */
function bySectionNumber(a: string, b: string): number {
  const rank = (s: string) => (s === '-' ? -1 : /^\d+$/.test(s) ? Number(s) : 1e6 + s.charCodeAt(0));
  return rank(a) - rank(b);
}
