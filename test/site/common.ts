/** Shared by the site tests: building a project tree into a temporary site. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
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
 * Every line of an RFC page (tools/site/rfc-page.ts), by position: a page
 * (`<div class=pg id=page-39>`) holds its lines as the items of a list,
 * those of a requirement's run in a nested list (`<li class="req …"><ol>`);
 * a line's item runs from its start tag to the next item or the list's end
 * (no end tag). Its id is P<page>L<n> whether or not the page writes it
 * (only the lines the site links to have theirs in the HTML).
 */
export function rfcLines(html: string): { id: string; html: string }[] {
  const lines: { id: string; html: string }[] = [];
  const pages = [...html.matchAll(/<div class=pg id=page-(\d+)>/g)];
  for (const [k, p] of pages.entries()) {
    const end = k + 1 < pages.length ? pages[k + 1]!.index : html.length;
    const chunk = html.slice(p.index, end);
    const items = [...chunk.matchAll(/<li(?=[ >])[^>]*>|<\/ol>/g)];
    let n = 0;
    for (const [j, item] of items.entries()) {
      if (item[0] === '</ol>' || /^<li class="req /.test(item[0])) continue;
      n++;
      lines.push({ id: `P${p[1]}L${n}`, html: chunk.slice(item.index, items[j + 1]?.index ?? chunk.length) });
    }
  }
  return lines;
}

/** A line's entry on a citations page (cites/<id>.html, tools/site/citations-page.ts): its ref, text and every link; one line of the HTML. */
export function citesEntry(html: string, id: string): string | undefined {
  const at = html.indexOf(`<li id=${id}>`);
  return at < 0 ? undefined : html.slice(at, html.indexOf('\n', at));
}

/**
 * The row holding `id`, from its element's start tag: code pages put one
 * row per output line (a quote box's text spans several, but escaped text
 * never starts a line with `<`, so the row ends before the next line that
 * does). On an RFC page a line's id (P39L31) names its item by position
 * (rfcLines), written in the HTML or not.
 */
export function lineWithId(html: string, id: string): string | undefined {
  if (/^P\d+L\d+$/.test(id) && html.includes('<div class=pg id=page-')) return rfcLines(html).find((l) => l.id === id)?.html;
  // Quoted, or bare where a page writes an attribute per line (tools/site/html.ts bare).
  const m = new RegExp(`\\sid=(?:"${id}"|${id}(?=[\\s>]))`).exec(html);
  if (!m) return undefined;
  const at = m.index;
  const start = html.lastIndexOf('<', at);
  const end = html.indexOf('\n<', at);
  return html.slice(start, end >= 0 ? end : undefined);
}

/**
 * The local links of a site (path → text) that go nowhere: to no file of
 * it, or to a fragment no id of the page has as written (so without a
 * script too); and ids a page has twice. Attribute values quoted, or bare
 * (an RFC page writes its per-line ones bare: tools/site/html.ts bare).
 */
/** The start tags of a page (text escapes its `<`, so what looks like an attribute in an RFC's XML example is not one). */
function* tagsOf(html: string): Generator<string> {
  for (const m of html.matchAll(/<[a-z][a-z0-9-]*\s[^<>]*>/g)) yield m[0];
}

/** An attribute's value in a start tag: quoted, or bare (an RFC page writes its per-line ones bare: tools/site/html.ts bare). */
function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(?:"([^"]*)"|([^\\s">]+))`).exec(tag);
  return m ? (m[1] ?? m[2]!) : undefined;
}

export function siteLinks(site: ReadonlyMap<string, string>): { problems: string[]; links: number } {
  const problems: string[] = [];
  const ids = new Map<string, Set<string>>();
  for (const [p, html] of site) {
    if (!p.endsWith('.html')) continue;
    const list = [...tagsOf(html)].flatMap((t) => attribute(t, 'id') ?? []);
    const set = new Set(list);
    if (set.size !== list.length) problems.push(`${p}: ${list.length - set.size} duplicate id(s)`);
    ids.set(p, set);
  }
  let links = 0;
  for (const [p, html] of site) {
    if (!p.endsWith('.html')) continue;
    for (const tag of tagsOf(html)) {
      const value = attribute(tag, 'href');
      if (value === undefined) continue;
      const href = value.replace(/&amp;/g, '&');
      if (/^[a-z][\w+.-]*:/i.test(href)) continue;
      links++;
      const [path, fragment] = href.split('#') as [string, string | undefined];
      const target = path ? posix.normalize(posix.join(posix.dirname(p), decodeURI(path))) : p;
      if (!site.has(target)) problems.push(`${p}: ${href} goes nowhere`);
      else if (fragment && target.endsWith('.html') && !ids.get(target)!.has(decodeURIComponent(fragment))) problems.push(`${p}: ${href}: no such anchor`);
    }
  }
  return { problems, links };
}
