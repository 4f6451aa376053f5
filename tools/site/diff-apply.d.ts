/**
 * jsdiff's applyPatch, which the site's proposals stage applies patches in
 * memory with (tools/proposal/diff.d.ts declares the rest of the package).
 */
declare module 'diff' {
  /** The patched text, or false when a hunk does not fit (its context is not found). */
  export function applyPatch(source: string, patch: ParsedDiff): string | false;
}
