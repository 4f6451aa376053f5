/**
 * `rfc-cache/lock.json` (committed) pins each document's source text by its
 * sha256, size and page count, so that a rebuilt cache is the same cache.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockEntry {
  sha256: string;
  size: number;
  pages: number;
  /** How many lines are kept (quotable); recorded from the first load that knows it. */
  lines?: number;
}

export type Lock = Record<string, LockEntry>;

export const lockPath = (cacheDir: string) => join(cacheDir, 'lock.json');

export async function readLock(cacheDir: string): Promise<Lock> {
  let text: string;
  try {
    text = await readFile(lockPath(cacheDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${lockPath(cacheDir)}: not valid JSON (${(e as Error).message})`);
  }
  const docs = (parsed as { docs?: unknown }).docs;
  if (typeof docs !== 'object' || docs === null) throw new Error(`${lockPath(cacheDir)}: expected {"docs": {...}}`);
  return docs as Lock;
}

/** Writes lock.json through `write`: the store's, which marks the cache and writes atomically. */
export async function writeLock(cacheDir: string, lock: Lock, write: (path: string, data: string) => Promise<void>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
  await write(lockPath(cacheDir), JSON.stringify({ version: 1, docs: sorted }, null, 2) + '\n');
}
