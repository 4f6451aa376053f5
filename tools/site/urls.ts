/**
 * The site's URL scheme. Every link is relative, so the site works from
 * file:// and from any static host under any path.
 *
 *   index.html                        modules, tests and cited documents
 *   reference/sip/transaction/x.ts.html  a source file (test files likewise, under test/)
 *   README.html, reference/README.html   a README.md rendered (same path, .html)
 *   reference/sip/transaction/index.html  a folder: its README, its subfolders and files
 *   proposals/index.html              every proposal, alternatives side by side; #group-sdp a group
 *   proposals/100rel.html             a proposal's annotated patch; #hunk-3 a hunk
 *   rfc/rfc3261.html                  a cited document; #P143L14 a line,
 *                                     #section-17.1.1 a section, #page-143 a page
 *   req/rfc3261.html                  a cited document's requirements, each with its
 *                                     status and what cites it; #section-17.1.1 a section
 *   cites/rfc3261.html, .js           its citations by line, #P143L14 a cited line; the
 *                                     script holds the lists the RFC page's "+N more" opens
 *   assets/…                          style, scripts, search index
 *   map.json                          the spec-to-code map
 */
import { posix } from 'node:path';

/** Site path (relative to the site root) of a project file's page. */
export function filePage(path: string): string {
  return /(^|\/)README\.md$/i.test(path) ? path.replace(/\.md$/i, '.html') : `${path}.html`;
}

/**
 * Site path of a project folder's page (`reference/sip/transaction/index.html`).
 * No other page can take it: a file's page name ends in `.ts.html` or
 * `README.html`, and the site's own folders (rfc/, req/, cites/, proposals/, assets/) are
 * no project folders, which are all below reference/ or test/.
 */
export const folderPage = (dir: string) => `${dir}/index.html`;

export const docPage = (doc: { name: { id: string } } | string) =>
  `rfc/${typeof doc === 'string' ? doc.toLowerCase() : doc.name.id}.html`;

/** A cited document's requirement view; its sections have the RFC page's anchors (sectionAnchor). */
export const requirementsPage = (doc: { name: { id: string } } | string) =>
  `req/${typeof doc === 'string' ? doc.toLowerCase() : doc.name.id}.html`;

/** Every citation of a cited document, by line (its lines' ids as anchors); the script beside it (citationsScript) is what the RFC page's "+N more" opens. */
export const citationsPage = (doc: { name: { id: string } } | string) =>
  `cites/${typeof doc === 'string' ? doc.toLowerCase() : doc.name.id}.html`;
export const citationsScript = (doc: { name: { id: string } } | string) => citationsPage(doc).replace(/\.html$/, '.js');

export const PROPOSALS_INDEX = 'proposals/index.html';
export const proposalPage = (name: string) => `proposals/${name}.html`;
/** On a proposal's page, its hunk numbered n; on the proposals' index, a group of alternatives. */
export const hunkAnchor = (n: number) => `hunk-${n}`;
export const groupAnchor = (group: string) => `group-${group}`;

export const sectionAnchor = (number: string) => `section-${number}`;
export const pageAnchor = (page: number) => `page-${page}`;

/** Link from the page at `from` to the page at `to` (both site paths), with an optional fragment. */
export function href(from: string, to: string, fragment?: string): string {
  let rel = posix.relative(posix.dirname(from), to);
  if (rel === '') rel = posix.basename(to);
  return fragment ? `${rel}#${fragment}` : rel;
}

/** The prefix from a page back to the site root (`''`, `../`, `../../`). */
export function rootOf(from: string): string {
  const depth = from.split('/').length - 1;
  return '../'.repeat(depth);
}
