/**
 * A source file's page: highlighted code with line anchors, each tag line
 * replaced by boxes quoting the cited text, module-level tags shown once, at the top.
 */
import { posix } from 'node:path';
import type { Citation, SourceFile, Tag } from '../annotate/model.ts';
import type { SpecDoc } from '../spec/document.ts';
import { spanText } from '../spec/refs.ts';
import { docId } from '../annotate/resolve.ts';
import { specifiers } from '../proposal/imports.ts';
import { esc } from './html.ts';
import { citationHeading, docName, obsoletedNote } from './docinfo.ts';
import { rangeId } from './rfc-page.ts';
import { docPage, filePage, href } from './urls.ts';
import { layout, type Frame } from './layout.ts';

/** What a source page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface SourcePageInput extends Frame {
  file: SourceFile;
  /** The citations of this file's tags. */
  citations: readonly Citation[];
  /** The documents this file's tags name, by id. */
  docs: ReadonlyMap<string, SpecDoc>;
  /** Its imports of files with a page, and the files across the module/test divide that go with it (codeLinks). */
  links?: CodeLinks;
}

/** A source page's cross-links. */
export interface CodeLinks {
  /** Each import specifier naming a file that has a page: the line it is on and that file's project path. */
  imports: { line: number; specifier: string; target: string }[];
  /**
   * On a module's page, the tests that import it or cite text it cites (same
   * document, overlapping lines); on a test's page, the modules it imports or
   * whose cited text it cites. Sorted by path.
   */
  related: { path: string; imports: boolean; cites: boolean }[];
}

/** The project file a relative specifier names, if it has a page (`node:` and package imports name none). */
export function importTarget(from: string, specifier: string, pages: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const p = posix.normalize(posix.join(posix.dirname(from), specifier));
  return [p, p.replace(/\.js$/, '.ts'), `${p}.ts`, `${p}/index.ts`].find((c) => pages.has(c));
}

/** A scanned file is a value, never changed in place (page-key.ts): its specifiers are lexed once, not on every rebuild. */
const lexed = new WeakMap<SourceFile, { specifier: string; line: number }[]>();
function specifiersOf(f: SourceFile): { specifier: string; line: number }[] {
  let s = lexed.get(f);
  if (!s) lexed.set(f, (s = specifiers(f.text)));
  return s;
}

/** Every page file's CodeLinks, by path: `sources` are the files with a page, `citations` the project's. */
export function codeLinks(sources: readonly SourceFile[], citations: readonly Citation[]): Map<string, CodeLinks> {
  const pages = new Set(sources.map((f) => f.path));
  const role = new Map(sources.map((f) => [f.path, f.role]));
  const out = new Map<string, CodeLinks>(sources.map((f) => [f.path, { imports: [], related: [] }]));
  // Module ↔ test pairs, each with why.
  const pairs = new Map<string, Map<string, { imports: boolean; cites: boolean }>>();
  const relate = (a: string, b: string, why: 'imports' | 'cites') => {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      let m = pairs.get(x);
      if (!m) pairs.set(x, (m = new Map()));
      const r = m.get(y) ?? { imports: false, cites: false };
      r[why] = true;
      m.set(y, r);
    }
  };
  for (const f of sources) {
    const links = out.get(f.path)!;
    for (const { specifier, line } of specifiersOf(f)) {
      const target = importTarget(f.path, specifier, pages);
      if (!target) continue;
      links.imports.push({ line, specifier, target });
      if (role.get(target) !== f.role) relate(f.path, target, 'imports');
    }
  }
  // Per document, a sweep in the order the cited spans begin: two spans overlap when one begins inside the other,
  // so each citation, as it begins, meets every citation of the other kind still open (ending at or after its begin).
  const byDoc = new Map<string, Citation[]>();
  for (const c of citations) {
    const r = role.get(c.tag.file);
    if (r !== 'module' && r !== 'test') continue;
    const id = docId(c.tag.doc);
    const list = byDoc.get(id);
    if (list) list.push(c);
    else byDoc.set(id, [c]);
  }
  for (const list of byDoc.values()) {
    list.sort((a, b) => a.span.begin - b.span.begin);
    let open: Record<'module' | 'test', Citation[]> = { module: [], test: [] };
    for (const c of list) {
      const kind = role.get(c.tag.file) as 'module' | 'test';
      const other = kind === 'module' ? 'test' : 'module';
      open = { ...open, [other]: open[other].filter((o) => o.span.end >= c.span.begin) };
      for (const o of open[other]) relate(c.tag.file, o.tag.file, 'cites');
      open[kind].push(c);
    }
  }
  for (const [path, m] of pairs) {
    out.get(path)!.related = [...m].map(([p, r]) => ({ path: p, ...r })).sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  return out;
}

export const tagKey = (t: Pick<Tag, 'file' | 'line' | 'col'>) => `${t.file}:${t.line}:${t.col}`;

/** Finds a doc by the label tags use (`RFC3261`, a draft name). */
export function docByLabel(docs: ReadonlyMap<string, SpecDoc>, label: string): SpecDoc | undefined {
  return docs.get(docId(label));
}

const KIND_LABEL: Record<Tag['kind'], string> = { implements: 'implements', tests: 'tests', exception: 'exception', todo: 'to do' };

/** Docs a file names in module-level tags, then the others it cites. */
export function fileDocs(file: SourceFile): string[] {
  const out = new Set<string>();
  for (const t of file.tags) if (t.refs.length === 0) out.add(t.doc);
  for (const t of file.tags) out.add(t.doc);
  return [...out];
}

function docLink(from: string, docs: ReadonlyMap<string, SpecDoc>, label: string): string {
  const doc = docByLabel(docs, label);
  return doc ? `<a href="${esc(href(from, docPage(doc)))}">${esc(docName(doc))}</a>` : esc(label);
}

export function moduleTagBox(path: string, tag: Tag, docs: ReadonlyMap<string, SpecDoc>): string {
  const doc = docByLabel(docs, tag.doc);
  const what = tag.note ?? doc?.title;
  return `<div class="modtag k-${tag.kind}"><span class="kind">${KIND_LABEL[tag.kind]}</span> ${docLink(path, docs, tag.doc)}${what ? `: ${esc(what)}` : ''}</div>`;
}

/** The quote box of one citation; `label` says what the code does with the text (a proposal's page says `amends`). */
export function citationBox(path: string, c: Citation, docs: ReadonlyMap<string, SpecDoc>, label = KIND_LABEL[c.tag.kind]): string {
  const doc = docByLabel(docs, c.tag.doc);
  if (!doc) return `<div class="cite k-${c.tag.kind}">${esc(c.tag.doc)} ${esc(c.ref.text)}</div>`;
  const h = citationHeading(doc, c.span);
  const where = `${esc(h.doc)}${h.section ? ` §${esc(h.section)} ${esc(h.title ?? '')}` : ''} · ${esc(h.pages)}`;
  // The whole range (`#P143L14-P143L19`), which the RFC page anchors and marks line by line.
  const target = href(path, docPage(doc), rangeId(doc, c.span));
  const reason = c.tag.kind === 'exception' && c.tag.note ? `<p class="reason">Not done: ${esc(c.tag.note)}</p>` : '';
  // The summary is the box's toggle: a link inside it would be a control in a control (axe nested-interactive), so the link is the body's first line.
  return `<details class="cite k-${c.tag.kind}" open><summary><span class="kind">${esc(label)}</span> ${where}</summary>${reason}<p class="at">In the text: <a class="ref" href="${esc(target)}">${esc(c.ref.text)}</a></p><pre class="quote">${esc(spanText(doc, c.span))}</pre></details>`;
}

/** `html` (one highlighted line) with the first `specifier` in its text, not in a tag, made a link to `to`. */
function linkSpecifier(html: string, specifier: string, to: string): string {
  const text = esc(specifier);
  let at = 0;
  for (const part of html.split(/(<[^>]*>)/)) {
    const i = part.startsWith('<') ? -1 : part.indexOf(text);
    if (i >= 0) return `${html.slice(0, at + i)}<a class="import" href="${esc(to)}">${text}</a>${html.slice(at + i + text.length)}`;
    at += part.length;
  }
  return html;
}

/** The list of the files on the other side of the module/test divide: `Tests (3)` on a module's page, `Modules tested (2)` on a test's. */
function relatedList(path: string, file: SourceFile, links: CodeLinks): string {
  if (!links.related.length) return '';
  const what = file.role === 'test' ? 'Modules it tests' : 'Tests';
  const why = (r: CodeLinks['related'][number]) =>
    [r.imports ? (file.role === 'test' ? 'imported' : 'imports it') : '', r.cites ? 'cites the same text' : ''].filter(Boolean).join(', ');
  const items = links.related.map((r) => `<li><a href="${esc(href(path, filePage(r.path)))}"><code>${esc(r.path)}</code></a> <span class="why">${why(r)}</span></li>`);
  // A long list starts closed, so the code stays near the top; it is in the page either way.
  return `<details class="related"${items.length <= 8 ? ' open' : ''}><summary>${what} (${items.length})</summary><ul>${items.join('')}</ul></details>`;
}

/** Is the line only a comment (so the box may take its place)? */
const commentOnly = (text: string) => /^\s*(\/\/|\/\*|\*)/.test(text);

/** `lines`: file.text highlighted, HTML per line (a function of the text alone). */
export function renderSourcePage({ file, citations, docs, links, readme, live, proposals }: SourcePageInput, lines: readonly string[]): string {
  const path = filePage(file.path);
  const importsAt = new Map<number, { specifier: string; target: string }[]>();
  for (const imp of links?.imports ?? []) {
    const list = importsAt.get(imp.line);
    if (list) list.push(imp);
    else importsAt.set(imp.line, [imp]);
  }
  const byTag = new Map<string, Citation[]>();
  for (const c of citations) {
    const k = tagKey(c.tag);
    const list = byTag.get(k);
    if (list) list.push(c);
    else byTag.set(k, [c]);
  }
  // Module-level tags are shown once, in the header; their lines stay plain code.
  const tagsAt = new Map<number, Tag[]>();
  for (const t of file.tags) {
    if (t.refs.length === 0) continue;
    const list = tagsAt.get(t.line);
    if (list) list.push(t);
    else tagsAt.set(t.line, [t]);
  }
  const src = file.text.split('\n');
  const rows: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const tags = tagsAt.get(n);
    let cell: string;
    let cls = 'l';
    if (tags) {
      const boxes = tags.map((t) => (byTag.get(tagKey(t)) ?? []).map((c) => citationBox(path, c, docs)).join('')).join('');
      cell = commentOnly(src[i] ?? '') ? boxes : `${lines[i]}${boxes}`;
      cls = 'l tagline';
      // A ref list ending in `,` goes on in the next comment lines: the box stands for them too.
      const anchors: string[] = [];
      while (/,\s*(\*\/)?\s*$/.test(src[i] ?? '') && commentOnly(src[i + 1] ?? '') && !tagsAt.has(i + 2) && i + 1 < lines.length) {
        i++;
        anchors.push(`<span id="L${i + 1}"></span>`);
      }
      cell = anchors.join('') + cell;
    } else {
      cell = lines[i]!;
      for (const imp of importsAt.get(n) ?? []) cell = linkSpecifier(cell, imp.specifier, href(path, filePage(imp.target)));
    }
    rows.push(`<div class="${cls}" id="L${n}"><a class="n" href="#L${n}" aria-label="Line ${n}">${n}</a><div class="c">${cell}</div></div>`);
  }
  const moduleTags = file.tags.filter((t) => t.refs.length === 0);
  const cited = file.tags.filter((t) => t.refs.length > 0).length;
  const implementsDocs = fileDocs(file);
  const body = `<article class="source">
<header class="pagehead">
<h1><code>${esc(posix.basename(file.path))}</code></h1>
${file.description ? `<p class="desc">${esc(file.description)}</p>` : ''}
<p class="meta">${file.role === 'test' ? 'Test file' : 'Module'} · ${file.sloc} SLoC · ${cited} tag${cited === 1 ? '' : 's'} citing text${
    implementsDocs.length ? ` · cites ${implementsDocs.map((d) => docLink(path, docs, d)).join(', ')}` : ''
  }</p>
${obsoletedNote(path, file, docs)}
${moduleTags.length ? `<div class="modtags">${moduleTags.map((t) => moduleTagBox(path, t, docs)).join('')}</div>` : ''}
${links ? relatedList(path, file, links) : ''}
</header>
<div class="toolbar"><button type="button" class="toggle-all" hidden>Collapse all quotes</button></div>
<div class="code" role="region" aria-label="Source code of ${esc(file.path)}">
${rows.join('\n')}
</div>
</article>`;
  return layout({ path, title: file.path, body, readme, live, proposals, crumbs: file.path });
}
