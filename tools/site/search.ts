/**
 * The search index: modules, exported symbols, documents and their sections.
 * Written as a script (`assets/search-index.js`) that sets a global, because a
 * page opened from file:// cannot fetch() a JSON file.
 */
import type { SourceFile } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { docName } from './docinfo.ts';
import { exportedSymbols } from './highlight.ts';
import { docPage, filePage, sectionAnchor } from './urls.ts';

/** [kind, label, detail, site-root-relative URL] */
export type SearchEntry = [kind: 'module' | 'test' | 'symbol' | 'doc' | 'section' | 'readme', label: string, detail: string, url: string];

export function searchEntries(files: readonly SourceFile[], docs: Iterable<SpecDoc>, readmes: readonly string[]): SearchEntry[] {
  const out: SearchEntry[] = [];
  for (const f of files) {
    out.push([f.role === 'test' ? 'test' : 'module', f.path, f.description ?? '', filePage(f.path)]);
    for (const s of exportedSymbols(f.text)) out.push(['symbol', s.name, `${s.kind} in ${f.path}:${s.line}`, `${filePage(f.path)}#L${s.line}`]);
  }
  for (const r of readmes) out.push(['readme', r, '', filePage(r)]);
  for (const d of docs) {
    out.push(['doc', docName(d), d.title, docPage(d)]);
    for (const s of d.sections) out.push(['section', `${docName(d)} §${s.number} ${s.title}`, '', `${docPage(d)}#${sectionAnchor(s.number)}`]);
  }
  return out;
}

/** The script text; `</` is escaped so the JSON can never close a tag even if inlined. */
export function searchScript(entries: readonly SearchEntry[]): string {
  return `window.RFCDOC_SEARCH=${JSON.stringify(entries).replace(/<\//g, '<\\/').replace(/\u2028|\u2029/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'))};\n`;
}
