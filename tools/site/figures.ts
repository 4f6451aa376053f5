/**
 * Coverage figures from requirement statuses: per document, per section and
 * per BCP 14 key word. Pure counting; the pages only format them.
 */
import type { Requirement, RequirementStatus } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';

export interface Figures {
  total: number;
  /** Implemented or tested. */
  implemented: number;
  tested: number;
  exception: number;
  todo: number;
  missing: number;
}

export function emptyFigures(): Figures {
  return { total: 0, implemented: 0, tested: 0, exception: 0, todo: 0, missing: 0 };
}

export function add(f: Figures, status: RequirementStatus): void {
  f.total++;
  if (status === 'implemented' || status === 'tested') f.implemented++;
  if (status === 'tested') f.tested++;
  if (status === 'exception') f.exception++;
  if (status === 'todo') f.todo++;
  if (status === 'missing') f.missing++;
}

export function figures(reqs: readonly Requirement[]): Figures {
  const f = emptyFigures();
  for (const r of reqs) add(f, r.status);
  return f;
}

/** Key words in the order RFC 2119 lists them. */
const KEYWORD_ORDER = ['MUST', 'MUST NOT', 'REQUIRED', 'SHALL', 'SHALL NOT', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'NOT RECOMMENDED', 'MAY', 'OPTIONAL'];

export function byKeyword(reqs: readonly Requirement[]): [string, Figures][] {
  const m = new Map<string, Figures>();
  for (const r of reqs) {
    let f = m.get(r.keyword);
    if (!f) m.set(r.keyword, (f = emptyFigures()));
    add(f, r.status);
  }
  const rank = (k: string) => (KEYWORD_ORDER.indexOf(k) + 100) % 100;
  return [...m.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1));
}

/**
 * Figures per section number, each counting the requirements in the section
 * and its subsections (a requirement sits in every section whose range holds it).
 */
export function bySection(doc: SpecDoc, reqs: readonly Requirement[]): Map<string, Figures> {
  const m = new Map<string, Figures>();
  for (const s of doc.sections) {
    const f = emptyFigures();
    for (const r of reqs) if (r.begin >= s.begin && r.begin <= s.end) add(f, r.status);
    m.set(s.number, f);
  }
  return m;
}
