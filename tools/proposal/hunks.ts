/**
 * Where a hunk's lines fall in the files it joins: the new-side numbers of
 * the lines it adds, the old-side numbers of those it deletes, and the old
 * lines before which it inserts. Pure arithmetic on the parsed hunk.
 */
import type { PatchHunk } from './model.ts';

export interface HunkLines {
  /** 1-based lines of the file after the patch that the hunk adds. */
  added: number[];
  /** 1-based lines of the file before the patch that the hunk deletes. */
  removed: number[];
  /** For each run of added lines with nothing deleted beside it: the old line after which it goes (0: before the first). */
  insertedAfter: number[];
}

export function hunkLines(h: PatchHunk): HunkLines {
  // A side with no lines is numbered from the line before: `-12,0` inserts after old line 12.
  let oldLine = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
  let newLine = h.newLines === 0 ? h.newStart + 1 : h.newStart;
  const added: number[] = [];
  const removed: number[] = [];
  const insertedAfter: number[] = [];
  let prev = ' ';
  for (const l of h.lines) {
    const mark = l[0];
    if (mark === ' ') {
      oldLine++;
      newLine++;
    } else if (mark === '-') {
      removed.push(oldLine++);
    } else if (mark === '+') {
      if (prev !== '+' && prev !== '-') insertedAfter.push(oldLine - 1);
      added.push(newLine++);
    } else continue;
    prev = mark!;
  }
  return { added, removed, insertedAfter };
}
