/**
 * jsdiff's applyPatch and structuredPatch, which the site's proposals stage
 * applies patches in memory with and diffs what a patch applied at an offset
 * did (tools/proposal/diff.d.ts declares the rest of the package).
 */
declare module 'diff' {
  /** The patched text, or false when a hunk does not fit (its context is not found). */
  export function applyPatch(source: string, patch: ParsedDiff): string | false;
  /** The diff of two texts as hunks (jsdiff's numbering), `context` lines around each change. */
  export function structuredPatch(oldName: string, newName: string, oldText: string, newText: string, oldHeader: string, newHeader: string, options: { context: number }): ParsedDiff;
}
