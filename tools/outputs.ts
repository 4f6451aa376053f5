/**
 * The one rule for every directory rfcdoc writes (the site of `build --out`,
 * the cache of `--cache`): never a file lost that rfcdoc did not write.
 *
 * - Never the project's sources: not the root itself, nothing that contains
 *   it (`..`, `/`), nothing at or below reference/, tools/, test/, .ci/,
 *   node_modules/ or .git/, nor at, below or around where such a folder
 *   really is when it is a symbolic link. Paths are compared as the file
 *   system sees them (symbolic links and `..` resolved), so a link to
 *   reference/ is refused, and so is a path through a link to nowhere.
 * - A directory that does not exist, or is empty, is fine.
 * - A directory rfcdoc wrote is fine: a site carries a marker (`.rfcdoc-site`,
 *   listing the files that build wrote); a cache is recognised by its
 *   lock.json or by the marker the store writes first (CACHE_MARKER).
 * - Anything else is refused unless `--force`; even then the files found
 *   there are kept (carried into the new site), never deleted, and a file at
 *   a path the site itself writes is refused outright.
 * - The site and the cache are never the same directory, nor one inside the other.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, type Dirent } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from './diagnostics.ts';
import { CACHE_MARKER } from './spec/store.ts';
import { lockPath } from './spec/lock.ts';

export type OutputKind = 'site' | 'cache';

/**
 * A directory rfcdoc may not write there: the CLI reports it as a usage error
 * (exit 2), after `diagnostics`, what the build had found before it was refused.
 */
export class OutputRefused extends Error {
  diagnostics: Diagnostic[] = [];
}

/**
 * SIGINT or SIGTERM arrived while a site was being written: the write was
 * rolled back (`completed` false, the previous site as it was) or, once the
 * swap had begun, finished (`completed` true). The CLI exits 128 + the
 * signal's number (130, 143), as a shell reports a process the signal ended.
 */
export class Interrupted extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    readonly completed: boolean,
  ) {
    super(`interrupted by ${signal}: ${completed ? 'the new site had been swapped in, and was finished' : 'the write was rolled back; the previous site is as it was'}`);
  }
  get exitCode(): number {
    return 128 + constants.signals[this.signal];
  }
}

/** The site's marker: `{"rfcdoc": "site", "format": 1, "files": [...]}`. */
export const SITE_MARKER = '.rfcdoc-site';
const SITE_MARKER_FORMAT = 1;

/** Top-level entries of the project that are its sources, or its tools' and history's. */
const SOURCE_DIRS = ['reference', 'tools', 'test', '.ci', 'node_modules', '.git'];

const WHAT: Record<OutputKind, string> = { site: 'the site', cache: 'the spec cache' };

export interface OutputDir {
  kind: OutputKind;
  /** The real absolute path that is to be written (symbolic links resolved). */
  path: string;
  exists: boolean;
  /** Top-level entries found there (the site's marker not counted). */
  entries: string[];
  /** Whether rfcdoc wrote it (or it is empty or absent). */
  ours: boolean;
  /** Site: the files the previous build wrote there, from the marker (or an older build's layout). */
  written: ReadonlySet<string>;
}

/**
 * The absolute path as the file system sees it: `path` resolved against the
 * cwd (as a shell user means it), then symbolic links resolved in the part
 * that exists. A path whose tail does not exist yet keeps that tail. A
 * symbolic link to nowhere on the way is refused (OutputRefused, the reason
 * alone): a write would create wherever it points.
 */
export function realTarget(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let head = abs; ; head = dirname(head)) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new OutputRefused((e as Error).message);
    }
    const to = linkTarget(head);
    if (to !== undefined) throw new OutputRefused(rest.length ? `it goes through ${head}, a symbolic link to nowhere (${to})` : `it is a symbolic link to nowhere (${to})`);
    if (dirname(head) === head) return abs;
    rest.push(basename(head));
  }
}

/** What the symbolic link at `path` says, or undefined when no link is there. */
function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Where `path` really is when it exists and differs (a link), else undefined. */
function realPlace(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return real === path ? undefined : real;
  } catch {
    return undefined;
  }
}

const inside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r !== '' && r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r);
};

/**
 * Why `dir` (a real absolute path) may never be written by rfcdoc working on
 * the project at `root` (real absolute), or undefined when it may.
 */
export function protectedReason(root: string, dir: string): string | undefined {
  if (dir === root) return 'it is the project root, which holds the sources';
  if (inside(root, dir)) return `it contains the project (${root}) and its sources`;
  for (const s of SOURCE_DIRS) {
    const p = join(root, s);
    if (dir === p) return `it is the project's ${s}/`;
    if (inside(dir, p)) return `it lies inside the project's ${s}/`;
    // A source folder that is a link (a shared node_modules/, a reference/ kept elsewhere) is protected where it really is.
    const real = realPlace(p);
    if (real === undefined) continue;
    if (dir === real) return `it is the project's ${s}/ (${p} is a link to it)`;
    if (inside(dir, real)) return `it lies inside the project's ${s}/ (${p} is a link to ${real})`;
    if (inside(real, dir)) return `it contains the project's ${s}/ (${p} is a link to ${real})`;
  }
  return undefined;
}

/**
 * The site and the cache must be apart: neither the same directory nor one
 * inside the other (a build would replace the cache's files, or the cache
 * write into the site). Throws OutputRefused naming both.
 */
export function checkApart(site: string, cache: string): void {
  const [a, b] = [realTarget(site), realTarget(cache)];
  const why = a === b ? 'they are the same directory' : inside(a, b) ? 'the site would lie inside the cache' : inside(b, a) ? 'the cache would lie inside the site' : undefined;
  if (why) throw new OutputRefused(`refusing to write the site to ${shownAt(site, a)} with the spec cache at ${shownAt(cache, b)}: ${why}; give --out and --cache directories apart`);
}

/**
 * What is at `given` and whether rfcdoc may write `kind` there; throws
 * OutputRefused when it may not whatever --force says (the sources, a file,
 * a dangling symbolic link). `root` is the project (where tools/ lives);
 * undefined only where the caller has checked the sources already.
 */
export function inspectOutput(root: string | undefined, given: string, kind: OutputKind): OutputDir {
  if (given === '') throw new OutputRefused(`${kind === 'site' ? '--out' : '--cache'} needs a directory, not an empty string`);
  let path: string;
  try {
    path = realTarget(given);
  } catch (e) {
    throw new OutputRefused(`refusing to write ${WHAT[kind]} to "${given}": ${(e as Error).message}`);
  }
  const shown = shownAt(given, path);
  const realRoot = root === undefined ? undefined : realTarget(root);
  const why = realRoot === undefined ? undefined : protectedReason(realRoot, path);
  if (why) throw new OutputRefused(`refusing to write ${WHAT[kind]} to ${shown}: ${why}; choose a directory outside the sources`);
  let stat;
  try {
    stat = lstatSync(path);
  } catch (e) {
    // ENOTDIR: a file on the way; nothing is there to lose, and the write says what is wrong.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind, path, exists: false, entries: [], ours: true, written: new Set() };
    throw new OutputRefused(`cannot use ${shown} for ${WHAT[kind]}: ${(e as Error).message}`);
  }
  if (!stat.isDirectory()) throw new OutputRefused(`refusing to write ${WHAT[kind]} to ${shown}: it is a file, not a directory`);
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (e) {
    throw new OutputRefused(`cannot use ${shown} for ${WHAT[kind]}: ${(e as Error).message}`);
  }
  const entries = names.filter((e) => e !== SITE_MARKER || kind !== 'site').sort();
  if (kind === 'cache') return { kind, path, exists: true, entries, ours: entries.length === 0 || isCache(path, entries), written: new Set() };
  // A site built before the marker existed can only be this project's own site/ (every build rewrote it).
  const written = siteWritten(path, realRoot !== undefined && path === join(realRoot, 'site'));
  return { kind, path, exists: true, entries, ours: entries.length === 0 || written !== undefined, written: written ?? new Set() };
}

/** inspectOutput, and a non-empty directory rfcdoc did not write refused unless `force`. */
export function checkOutput(root: string | undefined, given: string, kind: OutputKind, force: boolean): OutputDir {
  const dir = inspectOutput(root, given, kind);
  if (!dir.ours && !force) throw new OutputRefused(foreignMessage(dir, given));
  return dir;
}

function foreignMessage(dir: OutputDir, given: string): string {
  const mark = dir.kind === 'site' ? `rfcdoc marks the sites it writes with ${SITE_MARKER}` : `an rfcdoc cache holds lock.json or ${CACHE_MARKER}`;
  const keeps = dir.kind === 'site' ? 'writes the site there and keeps them' : 'uses it anyway (the cache deletes nothing it did not write)';
  return `refusing to write ${WHAT[dir.kind]} to ${shownAt(given, dir.path)}: it holds ${someEntries(dir.entries)} not written by rfcdoc (${mark}); --force ${keeps}`;
}

/** `3 entries: a, b, c` (at most three named). */
export const someEntries = (names: readonly string[]) =>
  `${names.length} ${names.length === 1 ? 'entry' : 'entries'}` + (names.length ? ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : '');

/** The path as given, and where it really is when that differs. */
const shownAt = (given: string, real: string) => (resolve(given) === real ? `"${given}"` : `"${given}" (${real})`);

/**
 * A cache rfcdoc wrote: its lock.json (rfc-cache/ as committed) or the marker
 * the store writes before anything else, so an interrupted cache is one too.
 * File names alone prove nothing: a mirror of rfcNNNN.txt is someone's.
 */
function isCache(path: string, entries: readonly string[]): boolean {
  return entries.includes(CACHE_MARKER) || entries.some((e) => join(path, e) === lockPath(path));
}

/** The marker's text for a site made of `files`. */
export function siteMarker(files: Iterable<string>): string {
  return JSON.stringify({ rfcdoc: 'site', format: SITE_MARKER_FORMAT, files: [...files].sort() }, null, 1) + '\n';
}

/**
 * The files an earlier build wrote into `dir`, or undefined when it is not a
 * site rfcdoc wrote: from the marker; when `legacy` (the project's own site/,
 * which builds wrote before the marker existed: index.html, map.json and
 * assets/site.js, no marker), the files in the layout the site has always had.
 */
export function siteWritten(dir: string, legacy = false): Set<string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, SITE_MARKER), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return legacy ? legacySite(dir) : undefined;
  }
  try {
    const m = JSON.parse(text) as { rfcdoc?: unknown; files?: unknown };
    if (m.rfcdoc === 'site' && Array.isArray(m.files) && m.files.every((f) => typeof f === 'string')) return new Set(m.files as string[]);
  } catch {
    /* not a marker rfcdoc wrote: the directory is not recognised */
  }
  return undefined;
}

const LEGACY_FILE = /^(?:index\.html|map\.json|README\.html|assets\/[^/]+\.(?:css|js)|(?:reference|rfc|test)\/.+\.html)$/;

function legacySite(dir: string): Set<string> | undefined {
  const isFile = (p: string) => {
    try {
      return lstatSync(join(dir, p)).isFile();
    } catch {
      return false;
    }
  };
  if (!['index.html', 'map.json', 'assets/site.js'].every(isFile)) return undefined;
  const out = new Set<string>();
  for (const top of ['index.html', 'map.json', 'README.html']) if (isFile(top)) out.add(top);
  for (const sub of ['assets', 'reference', 'rfc', 'test']) {
    let list: Dirent[];
    try {
      list = readdirSync(join(dir, sub), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of list) {
      if (!e.isFile()) continue;
      const p = relative(dir, join(e.parentPath, e.name)).split(sep).join('/');
      if (LEGACY_FILE.test(p)) out.add(p);
    }
  }
  return out;
}

export interface SitePlan {
  dir: OutputDir;
  /** Entries (files, links, or whole directories) rfcdoc did not write: carried into the new site. */
  keep: string[];
}

/**
 * How writing a site made of `next` (site-relative posix paths) into `given`
 * goes: which entries found there are rfcdoc's (replaced) and which are not
 * (kept). Refuses, even with `force`, an entry not rfcdoc's at a path the
 * new site writes. Only directories the old or new site has files in are
 * walked, so a big foreign directory costs one entry.
 */
export function planSiteWrite(root: string | undefined, given: string, next: Iterable<string>, force: boolean): SitePlan {
  const dir = checkOutput(root, given, 'site', force);
  if (!dir.exists) return { dir, keep: [] };
  const nextFiles = new Set(next);
  const dirs = new Set<string>();
  for (const f of [...dir.written, ...nextFiles]) for (let d = posixDir(f); d !== ''; d = posixDir(d)) dirs.add(d);
  const keep: string[] = [];
  const clash: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir.path, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (p === SITE_MARKER) continue;
      if (e.isDirectory() && dirs.has(p)) walk(p);
      else if (dir.written.has(p) && !e.isDirectory()) continue;
      else if (nextFiles.has(p) || dirs.has(p)) clash.push(p);
      else keep.push(p);
    }
  };
  walk('');
  // An entry kept inside a directory the new site writes as a file has nowhere to go.
  for (const k of keep) for (let d = posixDir(k); d !== ''; d = posixDir(d)) if (nextFiles.has(d)) clash.push(k);
  if (clash.length) {
    throw new OutputRefused(
      `refusing to write the site to ${shownAt(given, dir.path)}: ${someEntries(clash)} not written by rfcdoc would be replaced by the site's own; ` +
        `move ${clash.length === 1 ? 'it' : 'them'} away first (--force never overwrites a file rfcdoc did not write)`,
    );
  }
  return { dir, keep };
}

const posixDir = (p: string) => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
};
