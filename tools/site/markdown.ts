/**
 * README files rendered into the site's layout. Raw HTML in Markdown is
 * dropped (remark-rehype's default), so nothing unescaped gets through.
 * Relative links are rewritten to the site's pages: a `.ts` file to its page,
 * a `.md` file to its rendered page, a directory to its README's page.
 */
import { posix } from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import type { Root, Element, RootContent, ElementContent } from 'hast';
import { filePage, href } from './urls.ts';
import { layout, type Frame } from './layout.ts';

/** What a README's page reads (its cache key is made of exactly this, tools/site/page-key.ts). */
export interface ReadmeInput extends Frame {
  /** Project-relative path of the README. */
  path: string;
  text: string;
  /** Project paths that have a page (source files and READMEs). */
  pages: ReadonlySet<string>;
}

/** Where a relative link from `from` (a project file) to `target` lands in the site, if anywhere. */
export function rewriteLink(from: string, target: string, pages: ReadonlySet<string>, at = filePage(from)): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/') || target.startsWith('//')) return undefined;
  const [pathPart, fragment] = splitFragment(target);
  let p = posix.normalize(posix.join(posix.dirname(from), decodeURIComponent(pathPart)));
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '.' || p === '') p = 'README.md';
  let page: string | undefined;
  if (pages.has(p)) page = filePage(p);
  else if (pages.has(`${p}/README.md`)) page = filePage(`${p}/README.md`);
  else if (p === 'README.md' || p === '.') page = 'index.html';
  if (!page) return undefined;
  return href(at, page, fragment);
}

function splitFragment(t: string): [string, string | undefined] {
  const i = t.indexOf('#');
  return i < 0 ? [t, undefined] : [t.slice(0, i), t.slice(i + 1)];
}

/** The text of a hast subtree. */
function textOf(node: Element | ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function slug(text: string, used: Map<string, number>): string {
  const base = text.toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
  const n = used.get(base) ?? 0;
  used.set(base, n + 1);
  return n ? `${base}-${n}` : base;
}

function rewriteLinks(node: Root | Element, from: string, pages: ReadonlySet<string>, at: string, slugs = new Map<string, number>()): void {
  for (const child of node.children as (RootContent | ElementContent)[]) {
    if (child.type !== 'element') continue;
    if (/^h[1-6]$/.test(child.tagName)) child.properties.id = slug(textOf(child), slugs);
    // A code block or table scrolls sideways when wide: a Tab stop, so a keyboard can scroll it too (axe scrollable-region-focusable).
    if (child.tagName === 'pre' || child.tagName === 'table') child.properties.tabIndex = 0;
    if (child.tagName === 'a' && typeof child.properties.href === 'string') {
      const to = rewriteLink(from, child.properties.href, pages, at);
      if (to) child.properties.href = to;
    }
    rewriteLinks(child, from, pages, at, slugs);
  }
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(() => (tree: Root, file) => rewriteLinks(tree, String(file.data.from ?? ''), file.data.pages as ReadonlySet<string>, String(file.data.at)))
  .use(rehypeStringify);

/** `at`: the site path of the page it goes on (a README's own page, or a proposal's page). */
export function renderMarkdown(path: string, text: string, pages: ReadonlySet<string>, at = filePage(path)): string {
  return String(processor.processSync({ value: text, data: { from: path, pages, at } }));
}

export function renderReadmePage({ path, text, pages, readme, live, proposals }: ReadmeInput): string {
  const html = renderMarkdown(path, text, pages);
  const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? path;
  return layout({ path: filePage(path), title: path === 'README.md' ? title : path, body: `<article class="prose">\n${html}\n</article>`, readme, live, proposals, crumbs: path });
}
