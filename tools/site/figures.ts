/**
 * Coverage figures as the site shows them. The statuses and the counting
 * are tools/annotate/coverage.ts's, the ones `rfcdoc coverage` prints:
 * exclusive counts (a tested requirement is not also counted implemented)
 * plus covered = tested + implemented + exception. The site had its own
 * inclusive figures ("implemented" counting the tested too), so the page and
 * the CLI disagreed on the same section; here they are one definition, and
 * the pages only format it.
 */
import type { Requirement } from '../annotate/model.ts';
import { coverageFigures, figures, STATUSES, type Figures } from '../annotate/coverage.ts';
import type { SpecDoc } from '../spec/document.ts';

export { figures, STATUSES, type Figures };

/** A status as the site's headings and legends name it. */
export const STATUS_NAME: Record<(typeof STATUSES)[number], string> = {
  tested: 'Tested',
  implemented: 'Implemented',
  exception: 'Excepted',
  todo: 'To do',
  missing: 'Missing',
};

/** Figures per key word, in the order RFC 2119 lists them (coverage.ts's byKeyword). */
export function byKeyword(reqs: readonly Requirement[]): [string, Figures][] {
  return Object.entries(coverageFigures(reqs).byKeyword);
}

/**
 * Figures per section number, each counting the requirements of the section
 * and its subsections: coverage.ts's section rule (`--sections 17` keeps
 * 17.1.1.2, not 170), so a section's row says what `rfcdoc coverage
 * --sections` says. Each requirement is handed to its section and that
 * section's ancestors (17.1.1.2, 17.1.1, 17.1, 17) rather than every section
 * filtering every requirement (314 × 1005 tests for RFC 3261).
 */
export function bySection(doc: SpecDoc, reqs: readonly Requirement[]): Map<string, Figures> {
  const within = new Map<string, Requirement[]>(doc.sections.map((s) => [s.number.toUpperCase(), []]));
  for (const r of reqs) {
    const parts = r.section?.toUpperCase().split('.') ?? [];
    for (let n = parts.length; n > 0; n--) within.get(parts.slice(0, n).join('.'))?.push(r);
  }
  return new Map(doc.sections.map((s) => [s.number, figures(within.get(s.number.toUpperCase())!)]));
}

/** Covered as a percentage, written as `rfcdoc coverage` writes it. */
export const coveredText = (f: Figures) => `${f.coveredPercent.toFixed(1)}%`;

/** A figures table's columns: counts, one per status, then covered as a percentage (no column mixes the two). */
export const FIGURES_HEAD = `<th scope="col" class="num">Requirements</th>${STATUSES.map((s) => `<th scope="col" class="num">${STATUS_NAME[s]}</th>`).join('')}<th scope="col" class="num">Covered</th>`;

export function figuresCells(f: Figures): string {
  return `<td class="num">${f.total}</td>${STATUSES.map((s) => `<td class="num">${f.counts[s]}</td>`).join('')}<td class="num">${coveredText(f)}</td>`;
}

/** One line of words: `73 requirements: 61 tested, 10 implemented, 2 excepted, 0 missing; 100.0% covered` (to do only when there is some). */
export function figuresText(f: Figures): string {
  const parts = STATUSES.filter((s) => s !== 'todo' || f.counts.todo > 0).map((s) => `${f.counts[s]} ${STATUS_NAME[s].toLowerCase()}`);
  return `${f.total} requirement${f.total === 1 ? '' : 's'}: ${parts.join(', ')}; ${coveredText(f)} covered`;
}
