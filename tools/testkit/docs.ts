/**
 * Real RFCs for tests and benchmarks: a temporary spec cache fed from
 * RFC_MIRROR, one per process, so each RFC is paginated once. No uvu here
 * (benchmarks import it); test/helpers.ts re-exports it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocName } from '../spec/docname.ts';
import { loadDocs } from '../spec/store.ts';
import type { SpecDoc } from '../spec/document.ts';

/** RFC_MIRROR as set for the run; without it, documents come from the network. */
export const MIRROR = process.env.RFC_MIRROR || undefined;

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'rfcdoc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

let sharedCache: string | undefined;
/** One cache directory for the whole test run, so each RFC is paginated once. */
export function testCache(): string {
  return (sharedCache ??= tempDir('rfcdoc-cache-'));
}

const loaded = new Map<string, Promise<SpecDoc>>();
/** A real RFC, fetched from RFC_MIRROR into the test cache. */
export function realDoc(name: string): Promise<SpecDoc> {
  const doc = parseDocName(name);
  let p = loaded.get(doc.id);
  if (!p) {
    p = loadDocs([doc], { cacheDir: testCache(), mirror: MIRROR }).then(({ docs, diagnostics }) => {
      const d = docs.get(doc.id);
      if (!d) throw new Error(`cannot load ${name}: ${diagnostics.map((x) => x.message).join('; ')} (set RFC_MIRROR)`);
      return d;
    });
    loaded.set(doc.id, p);
  }
  return p;
}
