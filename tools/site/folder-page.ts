/**
 * A page per project folder (`reference/sip/transaction/index.html`): the
 * folder's README rendered, then its subfolders and its files, each with its
 * description and its coverage (the citations of its tags, and the figures
 * of the requirements they cite). The index groups the same rows by protocol.
 */
import { posix } from 'node:path';
import type { Project, Requirement, SourceFile } from '../annotate/model.ts';
import { figures, figuresText, type Figures } from './figures.ts';
import { esc } from './html.ts';
import { docName } from './docinfo.ts';
import { docByLabel, fileDocs } from './source-page.ts';
import { renderMarkdown } from './markdown.ts';
import { docPage, filePage, folderPage, href } from './urls.ts';
import { layout, type Frame } from './layout.ts';

/** What a row says of a file or a folder's coverage: its tags' citations, and the requirements they cite by status. */
export interface Coverage {
  citations: number;
  figures: Figures;
  /** The documents its tags name, by id, with the name the site shows (`RFC 3261`). */
  docs: { id: string; name: string }[];
}

export interface FileRow extends Coverage {
  path: string;
  role: SourceFile['role'];
  description?: string;
  sloc: number;
}

export interface FolderRow extends Coverage {
  dir: string;
  /** Its README's title. */
  title?: string;
  /** Files with a page below it, at any depth. */
  modules: number;
  tests: number;
  sloc: number;
}

/** Every folder holding a page, at any depth, with its rows; built once per render from the project. */
export interface FolderTree {
  folders: Map<string, FolderRow>;
  /** Per folder, its subfolders and its own files (sorted). */
  subfolders: Map<string, string[]>;
  files: Map<string, FileRow[]>;
  readmes: Map<string, SourceFile>;
}

/** The folders from `dir`'s parent up to the top (`reference/sip/x` → `reference/sip`, `reference`). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(path); d !== '.'; d = posix.dirname(d)) out.push(d);
  return out;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `sources`: the files with a page (modules, tagged tests); `readmes` the README files. */
export function folderTree(project: Pick<Project, 'citations' | 'requirements' | 'docs'>, sources: readonly SourceFile[], readmes: readonly SourceFile[]): FolderTree {
  const citationsOf = new Map<string, number>();
  for (const c of project.citations) citationsOf.set(c.tag.file, (citationsOf.get(c.tag.file) ?? 0) + 1);
  // A requirement counts once for a file, and once for a folder however many of its files cite it
  // (a folder's key ends in `/`, so it is never a file's).
  const reqsOf = new Map<string, Set<Requirement>>();
  const addReq = (key: string, r: Requirement) => {
    const set = reqsOf.get(key);
    if (set) set.add(r);
    else reqsOf.set(key, new Set([r]));
  };
  for (const list of project.requirements.values())
    for (const r of list)
      for (const c of r.citations) {
        addReq(c.tag.file, r);
        for (const d of ancestors(c.tag.file)) addReq(`${d}/`, r);
      }

  const tree: FolderTree = { folders: new Map(), subfolders: new Map(), files: new Map(), readmes: new Map() };
  const folder = (dir: string): FolderRow => {
    let row = tree.folders.get(dir);
    if (!row) {
      row = { dir, modules: 0, tests: 0, sloc: 0, citations: 0, figures: figures([]), docs: [] };
      tree.folders.set(dir, row);
      tree.subfolders.set(dir, []);
      tree.files.set(dir, []);
      const parent = posix.dirname(dir);
      if (parent !== '.') {
        folder(parent);
        tree.subfolders.get(parent)!.push(dir);
      }
    }
    return row;
  };
  for (const r of readmes) {
    const dir = posix.dirname(r.path);
    if (dir === '.') continue;
    tree.readmes.set(dir, r);
    folder(dir).title = r.description;
  }
  const docsOf = new Map<string, Map<string, string>>();
  for (const f of sources) {
    const citations = citationsOf.get(f.path) ?? 0;
    const docs: { id: string; name: string }[] = [];
    for (const label of fileDocs(f)) {
      const d = docByLabel(project.docs, label);
      if (d) docs.push({ id: d.name.id, name: docName(d) });
    }
    tree.files.get(folder(posix.dirname(f.path)).dir)!.push({
      path: f.path,
      role: f.role,
      description: f.description,
      sloc: f.sloc,
      citations,
      figures: figures([...(reqsOf.get(f.path) ?? [])]),
      docs,
    });
    for (const d of ancestors(f.path)) {
      const row = folder(d);
      if (f.role === 'test') row.tests++;
      else row.modules++;
      row.sloc += f.sloc;
      row.citations += citations;
      let names = docsOf.get(d);
      if (!names) docsOf.set(d, (names = new Map()));
      for (const doc of docs) names.set(doc.id, doc.name);
    }
  }
  for (const row of tree.folders.values()) {
    row.figures = figures([...(reqsOf.get(`${row.dir}/`) ?? [])]);
    row.docs = [...(docsOf.get(row.dir) ?? [])].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }
  for (const list of tree.subfolders.values()) list.sort(byName);
  for (const list of tree.files.values()) list.sort((a, b) => byName(a.path, b.path));
  return tree;
}

/** What a folder's page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface FolderPageInput extends Frame {
  dir: string;
  /** The folder's README.md, when it has one. */
  folderReadme?: { path: string; text: string };
  /** Project paths that have a page: the README's relative links are rewritten to them. */
  pages: ReadonlySet<string>;
  folder: FolderRow;
  subfolders: FolderRow[];
  files: FileRow[];
}

export function folderInputs(tree: FolderTree, pages: ReadonlySet<string>, frame: Frame): FolderPageInput[] {
  return [...tree.folders.values()].map((folder) => {
    const r = tree.readmes.get(folder.dir);
    return {
      dir: folder.dir,
      folderReadme: r && { path: r.path, text: r.text },
      pages,
      folder,
      subfolders: tree.subfolders.get(folder.dir)!.map((d) => tree.folders.get(d)!),
      files: tree.files.get(folder.dir)!,
      ...frame,
    };
  });
}

/**
 * A table (one, with a thead and a tbody) that turns into a list of cards on a
 * narrow screen (nav.css): each body cell gets its column's heading as its
 * data-label, which the card shows before the value, so no column is lost.
 */
export function cards(table: string): string {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '';
  const labels = [...head.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, '').replace(/"/g, '&quot;'));
  return table
    .replace(/<table class="/, '<table class="cards ')
    .replace(/<tbody>[\s\S]*<\/tbody>/, (body) =>
      body.replace(/<tr\b[^>]*>[\s\S]*?<\/tr>/g, (row) => {
        let i = 0;
        return row.replace(/<(td|th)\b/g, (cell) => `${cell} data-label="${labels[i++] ?? ''}"`);
      }),
    );
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** What a folder holds, in words: `11 modules, 8 test files`. */
export function folderCounts(f: FolderRow): string {
  return [f.modules ? plural(f.modules, 'module') : '', f.tests ? plural(f.tests, 'test file') : ''].filter(Boolean).join(', ') || 'no module or test file';
}

/** A coverage cell: the requirements the tags cite, by status, in coverage.ts's words. */
export const coverageCell = (c: Coverage) =>
  `<td>${c.figures.total ? esc(figuresText(c.figures)) : '<span class="none">none</span>'}</td>`;

/** A cell linking the documents a file or folder cites to their pages. */
const docsCell = (from: string, c: Coverage) => `<td>${c.docs.map((d) => `<a href="${esc(href(from, docPage(d.id)))}">${esc(d.name)}</a>`).join(', ')}</td>`;

/** The folder rows of a table (a folder page's subfolders, the index's protocols), linked from the page at `from`. */
export function folderRows(from: string, rows: readonly FolderRow[], name: (r: FolderRow) => string = (r) => `${posix.basename(r.dir)}/`): string {
  return rows
    .map(
      (r) =>
        `<tr><th scope="row"><a href="${esc(href(from, folderPage(r.dir)))}"><code>${esc(name(r))}</code></a></th><td>${esc(r.title ?? '')}</td><td>${esc(folderCounts(r))}</td><td class="num">${r.sloc}</td><td class="num">${r.citations}</td>${coverageCell(r)}${docsCell(from, r)}</tr>`,
    )
    .join('\n');
}

export const FOLDER_HEAD = `<thead><tr><th scope="col">Folder</th><th scope="col">About</th><th scope="col">Holds</th><th scope="col" class="num">SLoC</th><th scope="col" class="num">Citations</th><th scope="col">Requirements cited</th><th scope="col">Cites</th></tr></thead>`;


export function renderFolderPage({ dir, folderReadme: readme, pages, folder, subfolders, files, ...frame }: FolderPageInput): string {
  const path = folderPage(dir);
  const fileRows = files
    .map(
      (f) =>
        `<tr><th scope="row"><a href="${esc(href(path, filePage(f.path)))}"><code>${esc(posix.basename(f.path))}</code></a></th><td>${esc(f.description ?? '')}</td><td>${f.role === 'test' ? 'test' : 'module'}</td><td class="num">${f.sloc}</td><td class="num">${f.citations}</td>${coverageCell(f)}${docsCell(path, f)}</tr>`,
    )
    .join('\n');
  // The README's title is the page's heading (and what the index and the parent folder call it); the rest follows it.
  const rest = readme && folder.title ? readme.text.replace(/^#\s+.+$/m, '') : readme?.text;
  const body = `<article class="folder">
<header class="pagehead">
<h1>${folder.title ? esc(folder.title) : `<code>${esc(dir)}/</code>`}</h1>
<p class="meta">${folder.title ? `<code>${esc(dir)}/</code> · ` : ''}${esc(folderCounts(folder))} · ${folder.sloc} SLoC · ${plural(folder.citations, 'citation')}${folder.figures.total ? ` · ${esc(figuresText(folder.figures))}` : ''}</p>
</header>
${
  readme
    ? `<div class="prose readme">
${renderMarkdown(readme.path, rest!, pages, path)}
<p class="meta">From <a href="${esc(href(path, filePage(readme.path)))}">${esc(readme.path)}</a>.</p>
</div>
`
    : ''
}${
    subfolders.length
      ? `<section aria-labelledby="h-folders"><h2 id="h-folders">Folders</h2>
${cards(`<table class="folders"><caption>Folders in ${esc(dir)}/</caption>${FOLDER_HEAD}<tbody>
${folderRows(path, subfolders)}
</tbody></table>`)}
</section>
`
      : ''
  }${
    files.length
      ? `<section aria-labelledby="h-files"><h2 id="h-files">Files</h2>
${cards(`<table class="files"><caption>Files in ${esc(dir)}/</caption><thead><tr><th scope="col">File</th><th scope="col">Description</th><th scope="col">Kind</th><th scope="col" class="num">SLoC</th><th scope="col" class="num">Citations</th><th scope="col">Requirements cited</th><th scope="col">Cites</th></tr></thead><tbody>
${fileRows}
</tbody></table>`)}
</section>
`
      : ''
  }</article>`;
  return layout({ path, title: `${dir}/`, body, crumbs: dir, ...frame });
}
