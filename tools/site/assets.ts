/**
 * The stylesheets and scripts every page links, in the order it links them.
 * Each is a file of tools/site/assets/ copied as it is, except code.css,
 * which the highlighter writes at build time (build.ts). A page works without
 * any script: scripts only add to what the HTML already shows.
 */
export const STYLESHEETS: readonly string[] = ['site.css', 'code.css', 'search.css', 'requirements.css', 'nav.css', 'rfc.css'];
export const SCRIPTS: readonly string[] = ['site.js', 'search.js', 'requirements.js', 'rfc.js'];
/**
 * Scripts a page loads only when it needs them: search.js loads search-core.js
 * on the search box's first focus, with assets/minisearch.js and
 * assets/search-index.js, which build.ts writes.
 */
export const LAZY_SCRIPTS: readonly string[] = ['search-core.js'];

/** What build.ts copies from tools/site/assets/ (everything linked but code.css, and the lazy scripts). */
export const COPIED_ASSETS: readonly string[] = [...STYLESHEETS, ...SCRIPTS, ...LAZY_SCRIPTS].filter((f) => f !== 'code.css');
