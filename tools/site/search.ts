/**
 * The search index: modules, tests, exported symbols, READMEs, proposals,
 * documents, their sections and every requirement sentence of each. Written
 * as a script (`assets/search-index.js`) that sets a global, because a page
 * opened from file:// cannot fetch() a JSON file. How it is indexed and
 * queried is assets/search-core.js, which the page and this module share; the
 * engine is MiniSearch, copied from node_modules into the site at build time.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import MiniSearch from 'minisearch';
import type { Project, SourceFile } from '../annotate/model.ts';
import { docId } from '../annotate/resolve.ts';
import type { PagedLine } from '../spec/paginate.ts';
import { docName } from './docinfo.ts';
import type { SiteProposals } from './proposals.ts';
import { exportedSymbols } from './highlight.ts';
import { docPage, filePage, proposalPage, sectionAnchor } from './urls.ts';
import './assets/search-core.js';

export type SearchKind = 'module' | 'test' | 'symbol' | 'doc' | 'section' | 'requirement' | 'readme' | 'proposal';

/**
 * [kind, label, detail, site-root-relative URL, key, doc, section, begin, end]:
 * key is what an exact query names (a symbol, a module's base name, a section
 * number, a requirement's first ref); doc indexes SearchIndex.docs; begin and
 * end are a section's or requirement's first and last line as page * 1000 + line.
 */
export type SearchEntry = [kind: SearchKind, label: string, detail: string, url: string, key?: string, doc?: number, section?: string, begin?: number, end?: number];

/** [name as shown, label as in tags, page, kept lines per page ("1-48,50-51", pages joined by ';')] */
export type SearchDoc = [name: string, label: string, url: string, lines: string];

export interface SearchIndex {
  docs: SearchDoc[];
  entries: SearchEntry[];
}

/** What the proposals stage adds: the proposals, and the documents only they cite. */
type Proposals = Pick<SiteProposals, 'list' | 'docs' | 'requirements'>;

const at = (l: PagedLine) => l.page * 1000 + l.line;
const ref = (l: PagedLine) => `P${l.page}L${l.line}`;

/**
 * Documents are listed most cited first, so a section number found in several
 * names the one the code leans on first.
 */
export function searchIndex(project: Pick<Project, 'docs' | 'requirements' | 'citations'>, files: readonly SourceFile[], readmes: readonly SourceFile[], proposals?: Proposals): SearchIndex {
  const entries: SearchEntry[] = [];
  for (const f of files) {
    const base = f.path.replace(/^.*\//, '').replace(/(\.test)?\.[a-z]+$/, '');
    entries.push([f.role === 'test' ? 'test' : 'module', f.path, f.description ?? '', filePage(f.path), base]);
    for (const s of exportedSymbols(f.text)) entries.push(['symbol', s.name, `${s.kind} in ${f.path}:${s.line}`, `${filePage(f.path)}#L${s.line}`, s.name]);
  }
  for (const r of readmes) entries.push(['readme', r.path, /^#\s+(.*)$/m.exec(r.text)?.[1] ?? '', filePage(r.path)]);
  for (const p of proposals?.list ?? []) entries.push(['proposal', p.proposal.name, `${p.proposal.title} (${p.proposal.implements.join(', ')})`, proposalPage(p.proposal.name), p.proposal.name]);

  const cited = new Map<string, number>();
  for (const c of project.citations) cited.set(docId(c.tag.doc), (cited.get(docId(c.tag.doc)) ?? 0) + 1);
  const all = new Map([...project.docs, ...(proposals?.docs ?? [])]);
  const ids = [...all.keys()].sort((a, b) => (cited.get(b) ?? 0) - (cited.get(a) ?? 0) || a.localeCompare(b));
  const docs: SearchDoc[] = [];
  for (const id of ids) {
    const d = all.get(id)!;
    const n = docs.length;
    const name = docName(d);
    const page = docPage(d);
    docs.push([name, d.label, page, keptLines(d.lines)]);
    entries.push(['doc', name, d.title, page, d.label]);
    for (const s of d.sections) {
      entries.push(['section', `${name} §${s.number} ${s.title}`, '', `${page}#${sectionAnchor(s.number)}`, s.number, n, undefined, at(d.lines[s.begin]!), at(d.lines[s.end]!)]);
    }
    for (const r of project.requirements.get(id) ?? proposals?.requirements.get(id) ?? []) {
      const first = d.lines[r.begin]!;
      const last = d.lines[r.end]!;
      const range = r.end > r.begin ? `${ref(first)}-${ref(last)}` : ref(first);
      const where = r.section ? ` §${r.section}` : '';
      entries.push(['requirement', `${name}${where} ${ref(first)} ${r.keyword} · ${r.status}`, r.text, `${page}#${range}`, ref(first), n, r.section, at(first), at(last)]);
    }
  }
  return { docs, entries };
}

/** Each page's kept line numbers as runs: "1-48" for a whole page, "1-48,50-51" when a line in between was dropped. */
function keptLines(lines: readonly PagedLine[]): string {
  const pages: string[] = [];
  let runs: string[] = [];
  let page = 0;
  let start = 0;
  let prev = 0;
  const close = () => {
    if (start) runs.push(start === prev ? `${start}` : `${start}-${prev}`);
  };
  for (const l of lines) {
    if (l.page !== page) {
      close();
      if (page) pages[page - 1] = runs.join(',');
      page = l.page;
      runs = [];
      start = l.line;
    } else if (l.line !== prev + 1) {
      close();
      start = l.line;
    }
    prev = l.line;
  }
  close();
  if (page) pages[page - 1] = runs.join(',');
  return Array.from(pages, (p) => p ?? '').join(';');
}

/**
 * The index as the page loads it: the entries and MiniSearch's serialized
 * index, made here with the page's own configuration. Loading it (loadJS)
 * takes the page about half the time indexing the entries would, for twice
 * the bytes (`npm run bench -- search`).
 */
export interface SearchPayload extends SearchIndex {
  index: unknown;
}

let last: { json: string; script: string } | undefined;

/**
 * The script text (assets/search-index.js): the payload as a JSON string
 * handed to JSON.parse, because Chromium compiles the prebuilt index written
 * as an object literal (thousands of objects keyed by document number) several
 * times slower than it parses the same text as JSON (`npm run bench -- search`). In the single-quoted literal, `\` and `'` are escaped, and
 * `</` is written `<\/` so the script can never close a tag even if inlined.
 * The last one is kept: a rebuild that changed nothing searchable does not
 * index again.
 */
export function searchScript(data: SearchIndex): string {
  const json = JSON.stringify(data);
  if (last?.json !== json) {
    const index = JSON.stringify((core.create(MiniSearch, data) as unknown as { ms: MiniSearch }).ms);
    const text = `${json.slice(0, -1)},"index":${index}}`;
    const literal = text.replace(/[\\']/g, '\\$&').replace(/<\//g, '<\\/').replace(/\u2028|\u2029/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
    last = { json, script: `window.RFCDOC_SEARCH=JSON.parse('${literal}');\n` };
  }
  return last.script;
}

/** What assets/search-index.js sets window.RFCDOC_SEARCH to: the script run as the page runs it, with a window of its own. */
export function readSearchScript(script: string): SearchPayload {
  const window: { RFCDOC_SEARCH?: SearchPayload } = {};
  runInNewContext(script, { window, JSON });
  if (!window.RFCDOC_SEARCH) throw new Error('not a search index script: it set no window.RFCDOC_SEARCH');
  return window.RFCDOC_SEARCH;
}

/** The query side, as assets/search-core.js defines it for the page. */
export interface SearchHit {
  e: SearchEntry;
  tier: number;
  score: number;
}
export interface SearchResult {
  groups: { kind: SearchKind; name: string; hits: SearchHit[] }[];
  total: number;
  /** No entry matched as typed: these are close spellings. */
  fuzzy: boolean;
}
export interface SearchEngine {
  readonly brand: 'SearchEngine';
}
interface Core {
  create(minisearch: typeof MiniSearch, data: SearchIndex): SearchEngine;
  query(engine: SearchEngine, q: string): SearchResult;
  tokenize(text: string): string[];
}
const core = (globalThis as unknown as { RfcdocSearch: Core }).RfcdocSearch;

const require = createRequire(import.meta.url);
/** MiniSearch's browser build (UMD: it sets window.MiniSearch), which the site ships as assets/minisearch.js. */
export const MINISEARCH_BROWSER = require.resolve('minisearch').replace(/cjs[\\/]index\.cjs$/, 'umd/index.js');

/** The site's assets that come from node_modules: path in the site → text. */
export async function vendorAssets(): Promise<[string, string][]> {
  // Without its source-map comment: the map is not shipped, and a browser's devtools would ask for it.
  const text = (await readFile(MINISEARCH_BROWSER, 'utf8')).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  return [['assets/minisearch.js', text]];
}

/**
 * The engine the page makes of the index script: MiniSearch loading the
 * prebuilt index with search-core.js's options (for tests and measurements);
 * with `index` absent, the entries are indexed here instead, as a page would
 * without a prebuilt index.
 */
export const searchEngine = (data: SearchIndex | SearchPayload): SearchEngine => core.create(MiniSearch, data);

export const searchQuery = (engine: SearchEngine, q: string): SearchResult => core.query(engine, q);
export const searchTokens = (text: string): string[] => core.tokenize(text);
