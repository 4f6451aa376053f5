/** Shared by the site tests: building a project tree into a temporary site. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MIRROR, ROOT, testCache } from '../helpers.ts';
import { buildSite, type BuildResult } from '../../tools/site/pipeline.ts';
import type { StoreOptions } from '../../tools/spec/store.ts';
import { SITE_MARKER } from '../../tools/outputs.ts';

export const FIXTURE = join(ROOT, 'test', 'site', 'fixtures', 'project');

export const realStore = (): StoreOptions => ({ cacheDir: testCache(), mirror: MIRROR });

export function build(root: string, out: string, store: StoreOptions = realStore()): Promise<BuildResult> {
  return buildSite({ root, out, store });
}

/** Writes `files` (path → text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

/** Every file under `dir`, path → content. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.set(p.slice(dir.length + 1), readFileSync(p, 'utf8'));
  }
  return out;
}

/** A written site's files, path → content, its marker (SITE_MARKER) left out. */
export function siteFiles(dir: string): Map<string, string> {
  const t = readTree(dir);
  t.delete(SITE_MARKER);
  return t;
}

/**
 * The row holding `id`, from its element's start tag: code pages put one
 * row per output line (a quote box's text spans several, but escaped text
 * never starts a line with `<`, so the row ends before the next line that
 * does); an RFC page writes a page of lines as one output line, each line
 * an element `<div id=P…>` (tools/site/rfc-page.ts), so there
 * the row also ends where the next line's element starts.
 */
export function lineWithId(html: string, id: string): string | undefined {
  // Quoted, or bare where a page writes an attribute per line (tools/site/html.ts bare).
  const m = new RegExp(`\\sid=(?:"${id}"|${id}(?=[\\s>]))`).exec(html);
  if (!m) return undefined;
  const at = m.index;
  const start = html.lastIndexOf('<', at);
  const next = html.slice(at).search(/<div id=P\d+L\d+[ >]/);
  const end = Math.min(...[html.indexOf('\n<', at), next < 0 ? -1 : at + next].filter((e) => e >= 0));
  return html.slice(start, Number.isFinite(end) ? end : undefined);
}
