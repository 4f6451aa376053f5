/**
 * Where a document's text comes from when the cache does not have it:
 * `RFC_MIRROR` (a directory laid out like the RFC Editor's text-only rsync
 * module, or an http(s) base URL), then the RFC Editor / IETF draft archive.
 * Network fetches time out, retry 5xx and broken transfers with backoff, and
 * never retry a 4xx.
 */
import fetch from 'node-fetch';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DocName } from './docname.ts';
import { notText } from './strays.ts';

export interface SourceOptions {
  /** RFC_MIRROR: a directory or an http(s) base URL. */
  mirror?: string;
  /** Base URL for RFCs; `https://www.rfc-editor.org/rfc/`. */
  rfcEditor?: string;
  /** Base URL for drafts; `https://www.ietf.org/archive/id/`. */
  draftArchive?: string;
  /** Skip the RFC Editor and draft archive (mirror only). */
  offline?: boolean;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export interface Fetched {
  bytes: Uint8Array;
  /** The file or URL the text came from. */
  source: string;
}

export const DEFAULT_RFC_EDITOR = 'https://www.rfc-editor.org/rfc/';
export const DEFAULT_DRAFT_ARCHIVE = 'https://www.ietf.org/archive/id/';

export class FetchError extends Error {}

/** Why one source could not give the text; `final` means do not retry. */
class Attempt extends Error {
  constructor(message: string, readonly final: boolean) {
    super(message);
  }
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const joinUrl = (base: string, file: string) => base.replace(/\/*$/, '/') + file;

/** The places a document is looked for, in order. */
export function candidates(doc: DocName, opts: SourceOptions): string[] {
  const file = `${doc.id}.txt`;
  const out: string[] = [];
  if (opts.mirror) out.push(isUrl(opts.mirror) ? joinUrl(opts.mirror, file) : join(resolve(opts.mirror), file));
  if (!opts.offline) {
    const base = doc.kind === 'rfc' ? (opts.rfcEditor ?? DEFAULT_RFC_EDITOR) : (opts.draftArchive ?? DEFAULT_DRAFT_ARCHIVE);
    out.push(joinUrl(base, file));
  }
  return out;
}

/** Fetches a document's text from the first source that has it. */
export async function fetchText(doc: DocName, opts: SourceOptions): Promise<Fetched> {
  return fetchFirst(doc.label, candidates(doc, opts), opts, 'offline and no RFC_MIRROR');
}

export const RFC_INDEX = 'rfc-index.txt';

/**
 * The places the RFC Editor's index is looked for: RFC_MIRROR when it is a
 * directory (the rsync module holds it), then the RFC Editor.
 */
export function indexCandidates(opts: SourceOptions): string[] {
  const out: string[] = [];
  if (opts.mirror && !isUrl(opts.mirror)) out.push(join(resolve(opts.mirror), RFC_INDEX));
  if (!opts.offline) out.push(joinUrl(opts.rfcEditor ?? DEFAULT_RFC_EDITOR, RFC_INDEX));
  return out;
}

/** Fetches `rfc-index.txt` from the first source that has it. */
export async function fetchIndexText(opts: SourceOptions): Promise<Fetched> {
  return fetchFirst(RFC_INDEX, indexCandidates(opts), opts, 'offline, and RFC_MIRROR is not a directory');
}

/** The text from the first of `sources` that gives one; `none` says why there is no source at all. */
async function fetchFirst(what: string, sources: string[], opts: SourceOptions, none: string): Promise<Fetched> {
  const failures: string[] = [];
  for (const source of sources) {
    try {
      const bytes = isUrl(source) ? await getUrl(source, opts) : await readMirrorFile(source);
      checkText(bytes);
      return { bytes, source };
    } catch (e) {
      failures.push(`${source}: ${(e as Error).message}`);
    }
  }
  if (failures.length === 0) throw new FetchError(`${what}: no source to fetch from (${none})`);
  throw new FetchError(`${what}: could not fetch: ${failures.join('; ')}`);
}

async function readMirrorFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Attempt(code === 'ENOENT' ? 'no such file' : (e as Error).message, true);
  }
}

/** A document is plain text: empty, binary and HTML files are refused (`notText` says why). */
function checkText(bytes: Uint8Array): void {
  const problem = notText(bytes);
  if (problem) throw new Attempt(problem, true);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getUrl(url: string, opts: SourceOptions): Promise<Uint8Array> {
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 500;
  let last: Attempt | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
    try {
      return await getOnce(url, opts.timeoutMs ?? 30_000);
    } catch (e) {
      last = e instanceof Attempt ? e : new Attempt((e as Error).message, false);
      if (last.final) break;
    }
  }
  const tries = retries + 1;
  throw new Attempt(last!.final ? last!.message : `${last!.message} (after ${tries} tries)`, true);
}

async function getOnce(url: string, timeoutMs: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: controller.signal, headers: { 'user-agent': 'rfcdoc' } });
    if (res.status >= 500) throw new Attempt(`HTTP ${res.status}`, false);
    if (res.status !== 200) throw new Attempt(`HTTP ${res.status}`, true);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const declared = res.headers.get('content-length');
    if (declared !== null && Number(declared) !== bytes.length) {
      throw new Attempt(`truncated: got ${bytes.length} of ${declared} bytes`, false);
    }
    return bytes;
  } catch (e) {
    if (e instanceof Attempt) throw e;
    if (controller.signal.aborted) throw new Attempt(`timed out after ${timeoutMs} ms`, false);
    throw new Attempt(describeNetworkError(e as Error), false);
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(e: Error): string {
  const code = (e as { code?: string }).code;
  if (/premature close/i.test(e.message)) return 'connection closed before the whole document arrived';
  return code ? `${code}: ${e.message}` : e.message;
}
