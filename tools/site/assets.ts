/**
 * The stylesheets and scripts every page links, in the order it links them.
 * Each is a file of tools/site/assets/ copied as it is, except code.css,
 * which the highlighter writes at build time (build.ts). A page works without
 * any script: scripts only add to what the HTML already shows.
 */
export const STYLESHEETS: readonly string[] = ['site.css', 'code.css', 'requirements.css', 'nav.css'];
export const SCRIPTS: readonly string[] = ['site.js', 'requirements.js'];

/** What build.ts copies from tools/site/assets/ (everything linked but code.css). */
export const COPIED_ASSETS: readonly string[] = [...STYLESHEETS, ...SCRIPTS].filter((f) => f !== 'code.css');
