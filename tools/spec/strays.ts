/**
 * Stray control bytes, and telling a text from what is not one.
 *
 * Some real RFC Editor texts carry a few control bytes that are not text:
 * NUL fill before a form feed (RFC 734, 736, 752, put there for a printer
 * that needed time to feed the page), a NUL or SUB after the last form feed
 * (RFC 542, 652, 674, …). A printer ignores them, and so does pagination:
 * they are taken out of the text before it is split into lines, so they never
 * reach a quote, and a line of NUL fill followed by a form feed begins with
 * the form feed. They are never line ends, so no line number moves. Where
 * each run sat is kept (`Stray`) for warnings and for anyone who wants to
 * show them.
 *
 * A file that is mostly not text (binary data, UTF-16), empty or blank, or an
 * HTML page is refused: see `notText`.
 */
import { warning, type Diagnostic } from '../diagnostics.ts';

/** A run of one stray control character in one physical line. */
export interface Stray {
  /** The physical line of the source file, 1-based. */
  physical: number;
  /** Its column in that line (characters, 1-based), before anything was removed. */
  column: number;
  /** The character's code point (U+0000 …). */
  code: number;
  /** How many of it in a row. */
  count: number;
}

/**
 * Control characters that are not text: C0 controls other than HT, LF, FF
 * and CR (which plain-text RFCs use), and DEL.
 */
const STRAY = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;
const STRAYS = /[\x00-\x08\x0b\x0e-\x1f\x7f]+/g;

const isStray = (c: number) => (c <= 0x1f && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0x7f;

/** The text without its stray control characters, and where each run sat. */
export function removeStrays(text: string): { text: string; strays: Stray[] } {
  if (!STRAY.test(text)) return { text, strays: [] }; // the common case: one native scan
  const strays: Stray[] = [];
  let physical = 1;
  let lineStart = 0;
  let counted = 0; // newlines before `counted` are in `physical`
  const clean = text.replace(STRAYS, (run, offset: number) => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      physical++;
      lineStart = i + 1;
    }
    counted = offset;
    for (let i = 0; i < run.length; ) {
      const code = run.charCodeAt(i);
      let j = i + 1;
      while (j < run.length && run.charCodeAt(j) === code) j++;
      strays.push({ physical, column: offset - lineStart + i + 1, code, count: j - i });
      i = j;
    }
    return '';
  });
  return { text: clean, strays };
}

export const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** At most this many lines with stray bytes are warned about one by one; the rest are counted in one more warning. */
export const MAX_STRAY_WARNINGS = 10;

/**
 * One warning per physical line holding stray bytes (`file:line:col`), naming
 * each character, how many, and the line's address (`where`).
 */
export function strayWarnings(label: string, file: string, strays: readonly Stray[], where: (physical: number) => string): Diagnostic[] {
  const byLine = new Map<number, Stray[]>();
  for (const s of strays) {
    const runs = byLine.get(s.physical);
    if (runs) runs.push(s);
    else byLine.set(s.physical, [s]);
  }
  const out: Diagnostic[] = [];
  for (const [physical, runs] of byLine) {
    if (out.length === MAX_STRAY_WARNINGS) {
      const more = byLine.size - MAX_STRAY_WARNINGS;
      out.push(warning(`${label}: stray control bytes on ${more} more line${more === 1 ? '' : 's'}, left out of the text as well`, { file }));
      break;
    }
    const list = runs.map((r) => `${codePoint(r.code)}${r.count > 1 ? ` ×${r.count}` : ''} at column ${r.column}`).join(', ');
    out.push(warning(`${label}: stray control byte${runs.length > 1 || runs[0]!.count > 1 ? 's' : ''} ${list} (${where(physical)}), left out of the text`, { file, line: physical, col: runs[0]!.column }));
  }
  return out;
}

/**
 * A file is refused as binary when more than this share of its bytes is not
 * text (stray control bytes, or bytes that are not well-formed UTF-8). Real
 * RFC texts stay far below: RFC 734, the worst, is 15% NUL fill; compressed
 * data, images, executables and UTF-16 text are at 50% and more.
 */
export const MAX_NON_TEXT_SHARE = 0.3;

/** How many bytes are not text: stray control bytes, and bytes outside well-formed UTF-8 sequences. */
export function nonTextBytes(bytes: Uint8Array): number {
  let bad = 0;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    if (c < 0x80) {
      if (isStray(c)) bad++;
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    let ok = more > 0 && i + more < bytes.length;
    for (let k = 1; ok && k <= more; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok) i += more + 1;
    else {
      bad++;
      i++;
    }
  }
  return bad;
}

/** Why `bytes` is not a plain-text document, or undefined when it is one. */
export function notText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'empty document';
  const bad = nonTextBytes(bytes);
  if (bad > bytes.length * MAX_NON_TEXT_SHARE) {
    const pct = Math.round((100 * bad) / bytes.length);
    return `not a text document: ${pct}% of its ${bytes.length} bytes are control bytes or not UTF-8 (more than ${MAX_NON_TEXT_SHARE * 100}% is binary data or UTF-16)`;
  }
  const text = new TextDecoder().decode(bytes).replace(STRAYS, '');
  const head = text.slice(0, 256).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'an HTML page, not the plain-text document';
  if (!/\S/.test(text)) return 'empty document: nothing but white space';
  return undefined;
}
