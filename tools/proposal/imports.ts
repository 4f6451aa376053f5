/**
 * What a module names of other files: its import specifiers (static,
 * export-from, side-effect and dynamic imports), and the string literals
 * that look like paths (`'reference/sip/cli.ts'` that a test spawns,
 * `'scenarios/uas.xml'` it reads). Comments are blanked first
 * (tools/annotate/lex.ts finds them, skipping strings), so an import in a
 * comment is not one. The layering test's import graph and `proposal check
 * --suite affected` both read modules through here.
 */
import { lex, lineIndexOf } from '../annotate/lex.ts';

/** A module's text with every comment's characters replaced by spaces (offsets and lines kept), and where its lines start. */
export interface Blanked {
  code: string;
  lineStarts: readonly number[];
}

/** The module lexed once: `specifiers` and `pathLiterals` of one text can share it. */
export function withoutComments(text: string): Blanked {
  const lexed = lex(text);
  const chars = text.split('');
  for (const l of lexed.lines) for (let i = 0; i < l.text.length; i++) chars[l.offset + i] = ' ';
  return { code: chars.join(''), lineStarts: lexed.lineStarts };
}

/**
 * The specifiers of a module, with their lines. Covers `import … from`,
 * `import '…'`, `export … from` (type-only ones too: a type is a dependency
 * for a reader) and `import('…')`.
 */
export function specifiers(text: string, blanked: Blanked = withoutComments(text)): { specifier: string; line: number }[] {
  const { code, lineStarts: starts } = blanked;
  const found: { specifier: string; offset: number }[] = [];
  // What may stand between the keyword and `from`: names, braces, commas, `*`, `as`, `type`; never `=` or `(`.
  const staticForm = /\b(?:import|export)\b\s*(?:[\w$*{},\s]*?\bfrom\s*)?(['"])([^'"\n]+)\1/g;
  const dynamicForm = /\bimport\s*\(\s*(['"])([^'"\n]+)\1/g;
  for (const re of [staticForm, dynamicForm]) {
    for (const m of code.matchAll(re)) found.push({ specifier: m[2]!, offset: m.index + m[0].lastIndexOf(m[1]!, m[0].length - 2) });
  }
  found.sort((a, b) => a.offset - b.offset);
  return found.map(({ specifier, offset }) => ({ specifier, line: lineIndexOf(starts, offset) + 1 }));
}

/** String literals of code (not comments) made only of path characters: candidates for files a module spawns or reads. */
export function pathLiterals(text: string, blanked: Blanked = withoutComments(text)): string[] {
  const { code } = blanked;
  const out = new Set<string>();
  for (const m of code.matchAll(/(['"`])([\w.@-]+(?:\/[\w.@-]+)*\/?)\1/g)) out.add(m[2]!);
  return [...out];
}
