/**
 * The part of the `diff` package (jsdiff 5, which ships no types) that the
 * proposal loader uses: parsePatch, a unified-diff parser.
 */
declare module 'diff' {
  export interface Hunk {
    /** jsdiff's numbering: when oldLines is 0 this is the header's number + 1 (the line the insertion goes before). */
    oldStart: number;
    oldLines: number;
    newStart: number;
    newLines: number;
    /** Each line with its ' ', '-', '+' or '\\' mark. */
    lines: string[];
  }
  export interface ParsedDiff {
    oldFileName?: string;
    newFileName?: string;
    hunks: Hunk[];
  }
  /** `strict`: a hunk whose line counts do not match its lines throws, instead of being read as far as it goes. */
  export function parsePatch(patch: string, options?: { strict?: boolean }): ParsedDiff[];
}
