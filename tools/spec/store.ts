/**
 * The spec cache: `rfc-cache/<id>.txt` (source text), `<id>.paged` (one
 * numbered line per line, `P3L16<TAB>text`, the original tool's layout) and
 * `<id>.json` (title, pages, sections). Checked against `lock.json`.
 *
 * `loadDocs` is the fetch → paginate stage: names in, documents and
 * diagnostics out. Nothing half-written is ever left: each file is written
 * aside and renamed, and a text that disagrees with the lock is not stored.
 */
import { constants } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { DocName } from './docname.ts';
import { buildDoc, sha256, type LocatedStray, type SpecDoc } from './document.ts';
import { findLine, lineId, parseLineId, type PagedLine } from './paginate.ts';
import { type Lock, type LockEntry, readLock, writeLock } from './lock.ts';
import { type IndexEntry, parseRfcIndex, type Relations, relationsOf } from './rfcindex.ts';
import { fetchIndexText, fetchText, RFC_INDEX, type SourceOptions } from './sources.ts';
import { strayWarnings } from './strays.ts';
import { error, type Diagnostic } from '../diagnostics.ts';

/**
 * Bumped whenever the `.paged` / `.json` layout or the pagination changes; a
 * `.json` of another format is rebuilt from the cached text. 2: titles and
 * relations from rfc-index.txt, stray control bytes. 3: bytes that are not
 * UTF-8 among the strays.
 */
export const CACHE_FORMAT = 3;

/**
 * A file the store writes into a cache directory before anything else, so that
 * a directory is recognisable as an rfcdoc cache (by this or `lock.json`) and
 * what it holds as files rfcdoc wrote.
 */
export const CACHE_MARKER = '.rfcdoc-cache';

/**
 * Writes into one cache directory: the first write puts `CACHE_MARKER` there
 * (once per writer, and only when it is not there yet), every write is atomic.
 */
export function cacheWriter(cacheDir: string): (path: string, data: string | Uint8Array) => Promise<void> {
  let marked: Promise<void> | undefined;
  const mark = () =>
    (marked ??= (async () => {
      const marker = join(cacheDir, CACHE_MARKER);
      if (!(await readIfExists(marker))) await writeFileAtomic(marker, 'rfcdoc cache: the files here were written by rfcdoc\n');
    })());
  return async (path, data) => {
    await mark();
    await writeFileAtomic(path, data);
  };
}

export interface StoreOptions extends SourceOptions {
  cacheDir: string;
  /** Accept a source text that differs from lock.json and record it. */
  updateLock?: boolean;
  /**
   * Record in lock.json a document it does not name yet (default). Commands
   * that only read a document (quote, sections) pass false: pinning is for
   * what is fetched on purpose or cited, not for what was looked at.
   */
  pinNew?: boolean;
  /** How many documents are fetched at once. */
  concurrency?: number;
  onEvent?: (e: StoreEvent) => void;
}

export interface StoreEvent {
  doc: string;
  state: 'start' | 'done' | 'failed';
  /** 'cache', or the file / URL the text came from. */
  from?: string;
}

export interface LoadResult {
  docs: Map<string, SpecDoc>;
  /** Every diagnostic of the load: each document's, in the order asked for, then the batch's. */
  diagnostics: Diagnostic[];
  /** Each document's own diagnostics (its stray bytes, its cache mismatch, why it failed), by id. */
  byDoc: Map<string, Diagnostic[]>;
  /** The batch's own: about rfc-index.txt, which every RFC of the batch looked up. */
  batch: Diagnostic[];
}

interface IndexFile {
  format: number;
  doc: string;
  title: string;
  relations?: Relations;
  strays: LocatedStray[];
  pages: number;
  virtual: boolean;
  sha256: string;
  size: number;
  lines: number;
  sections: { number: string; title: string; begin: string; end: string }[];
  footerMismatches: { page: number; printed: number }[];
}

const paths = (dir: string, id: string) => ({
  text: join(dir, `${id}.txt`),
  paged: join(dir, `${id}.paged`),
  index: join(dir, `${id}.json`),
});

export async function loadDocs(names: readonly DocName[], opts: StoreOptions): Promise<LoadResult> {
  const docs = new Map<string, SpecDoc>();
  const byDoc = new Map<string, Diagnostic[]>();
  let lock: Lock;
  try {
    lock = await readLock(opts.cacheDir);
  } catch (e) {
    return { docs, diagnostics: [error((e as Error).message)], byDoc, batch: [] };
  }
  const write = cacheWriter(opts.cacheDir);
  const unique = [...new Map(names.map((n) => [n.id, n])).values()];
  const index = rfcIndex(opts, write);
  // Each worker reads the lock as it was and returns what it found; only this caller merges.
  const results = await mapLimit(unique, opts.concurrency ?? 4, (name) => loadEach(name, opts, lock, index, write));
  const next: Lock = { ...lock };
  const diagnostics: Diagnostic[] = [];
  for (const r of results) {
    if (r.loaded) {
      docs.set(r.name.id, r.loaded.doc);
      if (lock[r.name.id] || opts.pinNew !== false) next[r.name.id] = r.loaded.entry;
    }
    byDoc.set(r.name.id, r.diagnostics);
    diagnostics.push(...r.diagnostics);
  }
  const batch = await index.notes();
  diagnostics.push(...batch);
  if (JSON.stringify(next) !== JSON.stringify(lock)) await writeLock(opts.cacheDir, next, write);
  return { docs, diagnostics, byDoc, batch };
}

/** What one worker found for one document: the document and its lock entry, or nothing, and its own diagnostics. */
interface Loaded {
  name: DocName;
  loaded?: { doc: SpecDoc; entry: LockEntry };
  diagnostics: Diagnostic[];
}

async function loadEach(name: DocName, opts: StoreOptions, lock: Readonly<Lock>, index: RfcIndex, write: Write): Promise<Loaded> {
  const diagnostics: Diagnostic[] = [];
  opts.onEvent?.({ doc: name.label, state: 'start' });
  try {
    const { doc, from, entry } = await loadOne(name, opts, lock[name.id], diagnostics, index.lookup, write);
    opts.onEvent?.({ doc: name.label, state: 'done', from });
    return { name, loaded: { doc, entry }, diagnostics };
  } catch (e) {
    // Every failure names its document, an I/O error from the cache too.
    const message = (e as Error).message;
    diagnostics.push(error(message.startsWith(`${name.label}:`) ? message : `${name.label}: ${message}`));
    opts.onEvent?.({ doc: name.label, state: 'failed' });
    return { name, diagnostics };
  }
}

/** The rfc-index.txt entry of an RFC, when the index is at hand (drafts have none). */
type IndexLookup = (name: DocName) => Promise<IndexEntry | undefined>;
type Write = ReturnType<typeof cacheWriter>;

/** One document; `diagnostics` is its worker's own list. */
async function loadOne(name: DocName, opts: StoreOptions, locked: LockEntry | undefined, diagnostics: Diagnostic[], index: IndexLookup, write: Write) {
  const p = paths(opts.cacheDir, name.id);
  const build = async (bytes: Uint8Array, hash: string) => {
    const doc = await storeDerived(name, bytes, hash, p, write, await index(name));
    diagnostics.push(...strayWarnings(name.label, relative('.', p.text), doc.strays, (physical) => strayPlace(doc, physical)));
    return doc;
  };
  const cached = await readIfExists(p.text);
  const cachedHash = cached && sha256(cached);
  let doc: SpecDoc;
  let from: string;
  if (cached && (!locked || cachedHash === locked.sha256)) {
    doc = (await readDerived(name, p, cachedHash!)) ?? (await build(cached, cachedHash!));
    doc = await withIndexEntry(doc, await index(name), p, write);
    from = 'cache';
  } else {
    const mismatch = cached && `${name.label}: cached ${relative('.', p.text)} does not match lock.json (sha256 ${cachedHash!.slice(0, 12)}…, lock has ${locked!.sha256.slice(0, 12)}…)`;
    try {
      const fetched = await fetchText(name, opts);
      const hash = sha256(fetched.bytes);
      if (locked && hash !== locked.sha256 && !opts.updateLock) {
        throw new Error(
          `${name.label}: the text from ${fetched.source} changed upstream (sha256 ${hash.slice(0, 12)}…, ${fetched.bytes.length} bytes; ` +
            `lock.json has ${locked.sha256.slice(0, 12)}…, ${locked.size} bytes). Not accepted: review it, then run \`rfcdoc fetch --update-lock ${name.label}\``,
        );
      }
      doc = await build(fetched.bytes, hash);
      // The text that disagreed may be someone's own file: it is kept, beside.
      if (mismatch) {
        const aside = relative('.', await setAside(p.text));
        diagnostics.push(error(`${mismatch}; fetched again from ${fetched.source}, the cached text kept as ${aside}`));
      }
      await write(p.text, fetched.bytes);
      from = fetched.source;
    } catch (e) {
      if (mismatch && !diagnostics.some((d) => d.message.startsWith(mismatch))) {
        diagnostics.push(error(`${mismatch}; left as it is, since no text to replace it could be had`));
      }
      throw e;
    }
  }
  if (locked?.sha256 === doc.sha256) checkNumbering(name, doc, locked, opts.updateLock === true);
  const entry: LockEntry = { sha256: doc.sha256, size: doc.size, pages: doc.pages, lines: doc.lines.length };
  return { doc, from, entry };
}

/**
 * The pagination contract (README "Pagination"): the same text gets the same
 * numbers. A page or line count that differs from lock.json for the locked
 * text means a change of the tool moved every citation after it.
 */
function checkNumbering(name: DocName, doc: SpecDoc, locked: LockEntry, accept: boolean): void {
  const changed = [
    locked.pages !== doc.pages ? `${doc.pages} pages, lock.json has ${locked.pages}` : '',
    locked.lines !== undefined && locked.lines !== doc.lines.length ? `${doc.lines.length} kept lines, lock.json has ${locked.lines}` : '',
  ].filter(Boolean);
  if (changed.length === 0 || accept) return;
  throw new Error(
    `${name.label}: the numbering of the locked text (sha256 ${doc.sha256.slice(0, 12)}…) changed: ${changed.join('; ')}. ` +
      `A change of rfcdoc broke the pagination contract (README "Pagination"): every PnLm after the change would cite other text. ` +
      `Fix the pagination; \`rfcdoc fetch --update-lock ${name.label}\` accepts the new numbering`,
  );
}

/**
 * Moves a cached text aside, to `<doc>.txt.mismatch-<time>` (never over an
 * existing file), and returns where it went.
 */
async function setAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n++) {
    const aside = `${path}.mismatch-${stamp}${n ? `-${n}` : ''}`;
    try {
      await copyFile(path, aside, constants.COPYFILE_EXCL);
      return aside;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Where a physical line sits: `P2L5`, or why it cannot be quoted. */
function strayPlace(doc: SpecDoc, physical: number): string {
  const s = doc.strays.find((x) => x.physical === physical)!;
  const id = lineId(s);
  if (s.line < 1) return `page ${s.page}, in the running header before L1`;
  return findLine(doc, s.page, s.line) >= 0 ? id : `${id}, a line that is not kept`;
}

/**
 * The real index holds a citation per ~200 bytes; one that yields fewer than
 * one per this many bytes is not parsed as the RFC Editor wrote it (a CRLF
 * or otherwise damaged copy, another file under its name).
 */
const BYTES_PER_ENTRY_AT_MOST = 2000;

/**
 * The lookup of RFCs in rfc-index.txt for one `loadDocs`: read from the cache
 * (`<cacheDir>/rfc-index.txt`), else fetched (`indexCandidates`) and cached, at
 * most once, and only when an RFC is loaded. A cached index that
 * predates the RFC asked for is fetched again. Without an index, titles come
 * from the first page and one note says why.
 */
interface RfcIndex {
  lookup: IndexLookup;
  /** What reading or fetching the index found, once each: read from the memoized results, after the lookups. */
  notes(): Promise<Diagnostic[]>;
}

function rfcIndex(opts: StoreOptions, write: Write): RfcIndex {
  const file = join(opts.cacheDir, RFC_INDEX);
  const parse = (bytes: Uint8Array, from: string) => {
    const entries = parseRfcIndex(new TextDecoder().decode(bytes));
    let note: Diagnostic | undefined;
    if (entries.size < bytes.length / BYTES_PER_ENTRY_AT_MOST) {
      note = {
        severity: 'note',
        message: `${from}: ${entries.size} RFC entr${entries.size === 1 ? 'y' : 'ies'} in ${bytes.length} bytes, not an rfc-index.txt as the RFC Editor writes it (one citation per RFC, blank lines between); the titles of RFCs it does not list are taken from their first page`,
      };
    }
    let newest = 0;
    for (const n of entries.keys()) newest = Math.max(newest, n);
    return { entries, newest, note };
  };
  type Parsed = ReturnType<typeof parse>;
  let cached: Promise<Parsed | undefined> | undefined;
  type Fetched = { parsed?: Parsed; note?: Diagnostic };
  let fetched: Promise<Fetched> | undefined;
  const fetchIndex = (): Promise<Fetched> =>
    (fetched ??= fetchIndexText(opts).then(
      async ({ bytes, source }) => {
        await write(file, bytes);
        return { parsed: parse(bytes, source) };
      },
      (e) => ({ note: { severity: 'note', message: `${(e as Error).message}: without it an RFC's title is taken from its first page, and its relations are not known` } }),
    ));
  return {
    async lookup(name) {
      if (name.kind !== 'rfc') return undefined;
      cached ??= readIfExists(file).then((b) => (b ? parse(b, relative('.', file)) : undefined));
      let index = await cached;
      if (!index || name.number > index.newest) index = (await fetchIndex()).parsed ?? index;
      return index?.entries.get(name.number);
    },
    async notes() {
      const read = await cached;
      const got = await fetched;
      return [read?.note, got?.parsed?.note, got?.note].filter((d): d is Diagnostic => d !== undefined);
    },
  };
}

/** Paginates and writes `.paged` and `.json`; returns the document. */
async function storeDerived(name: DocName, bytes: Uint8Array, hash: string, p: ReturnType<typeof paths>, write: Write, entry?: IndexEntry): Promise<SpecDoc> {
  const doc = buildDoc(name, bytes, hash, entry);
  await write(p.paged, doc.lines.map((l) => `${lineId(l)}\t${l.text}\n`).join(''));
  await writeIndexFile(p, write, doc);
  return doc;
}

async function writeIndexFile(p: ReturnType<typeof paths>, write: Write, doc: SpecDoc): Promise<void> {
  const index: IndexFile = {
    format: CACHE_FORMAT,
    doc: doc.label,
    title: doc.title,
    ...(doc.relations ? { relations: doc.relations } : {}),
    strays: doc.strays,
    pages: doc.pages,
    virtual: doc.virtual,
    sha256: doc.sha256,
    size: doc.size,
    lines: doc.lines.length,
    sections: doc.sections.map((s) => ({
      number: s.number,
      title: s.title,
      begin: lineId(doc.lines[s.begin]!),
      end: lineId(doc.lines[s.end]!),
    })),
    footerMismatches: doc.footerMismatches,
  };
  await write(p.index, JSON.stringify(index, null, 1) + '\n');
}

/**
 * A cached document with the title and relations of the index at hand now:
 * a `.json` written before the index was there, or from an older one, is
 * brought up to date (title, relations) without paginating again.
 */
async function withIndexEntry(doc: SpecDoc, entry: IndexEntry | undefined, p: ReturnType<typeof paths>, write: Write): Promise<SpecDoc> {
  if (!entry) return doc;
  const relations = relationsOf(entry);
  if (doc.title === entry.title && JSON.stringify(doc.relations) === JSON.stringify(relations)) return doc;
  const current = { ...doc, title: entry.title, relations };
  await writeIndexFile(p, write, current);
  return current;
}

/** Reads `.paged` and `.json` when they are current for this source text. */
async function readDerived(name: DocName, p: ReturnType<typeof paths>, hash: string): Promise<SpecDoc | undefined> {
  const [indexText, pagedText] = await Promise.all([readIfExists(p.index), readIfExists(p.paged)]);
  if (!indexText || !pagedText) return undefined;
  let index: IndexFile;
  try {
    index = JSON.parse(indexText.toString('utf8'));
  } catch {
    return undefined;
  }
  if (index.format !== CACHE_FORMAT || index.sha256 !== hash) return undefined;
  const lines = parsePaged(pagedText.toString('utf8'));
  if (!lines || lines.length !== index.lines) return undefined;
  const at = (id: string) => {
    const l = parseLineId(id)!;
    return findLine({ lines }, l.page, l.line);
  };
  return {
    name,
    label: index.doc,
    title: index.title,
    ...(index.relations ? { relations: index.relations } : {}),
    strays: index.strays,
    pages: index.pages,
    virtual: index.virtual,
    lines,
    sections: index.sections.map((s) => ({ number: s.number, title: s.title, begin: at(s.begin), end: at(s.end) })),
    footerMismatches: index.footerMismatches,
    sha256: index.sha256,
    size: index.size,
  };
}

function parsePaged(text: string): PagedLine[] | undefined {
  const out: PagedLine[] = [];
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  for (const row of rows) {
    const tab = row.indexOf('\t');
    const at = tab < 0 ? undefined : parseLineId(row.slice(0, tab));
    if (!at) return undefined;
    out.push({ ...at, text: row.slice(tab + 1) });
  }
  return out;
}

/** Runs `fn` over items with at most `limit` at once; the results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
