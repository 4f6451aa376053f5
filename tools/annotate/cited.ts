/**
 * Which documents a source tree cites: every `@implements`, `@tests`,
 * `@exception` and `@todo` tag's document name, found without resolving refs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const TAG_DOC = /@(?:implements|tests|exception|todo)\s+((?:RFC\s?\d+)|(?:draft-[a-z0-9-]+-\d{2}))\b/gi;

/** Every `.ts` file below `dir`, sorted; none when `dir` does not exist. */
export async function sourceFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function citedDocNames(text: string): string[] {
  return [...text.matchAll(TAG_DOC)].map((m) => m[1]!.replace(/\s/g, '').toUpperCase().replace(/^DRAFT-/, 'draft-'));
}

export async function citedDocs(dir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const f of await sourceFiles(dir)) for (const n of citedDocNames(await readFile(f, 'utf8'))) names.add(n);
  return [...names].sort();
}
