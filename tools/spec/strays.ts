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
  /**
   * Bytes that are not UTF-8 (`code` is the first of them, `count` how many):
   * they stay in the text as U+FFFD, as any UTF-8 decoder shows them.
   */
  notUtf8?: true;
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
  const position = ascendingPositions(text);
  const clean = text.replace(STRAYS, (run, offset: number) => {
    const { physical, column } = position(offset); // a run holds no newline
    for (let i = 0; i < run.length; ) {
      const code = run.charCodeAt(i);
      let j = i + 1;
      while (j < run.length && run.charCodeAt(j) === code) j++;
      strays.push({ physical, column: column + i, code, count: j - i });
      i = j;
    }
    return '';
  });
  return { text: clean, strays };
}

/**
 * The physical line and column (1-based) of offsets into `text`, asked for in
 * ascending order: the newlines are walked once, however many are asked.
 */
function ascendingPositions(text: string): (offset: number) => { physical: number; column: number } {
  let physical = 1;
  let lineStart = 0;
  let next = text.indexOf('\n');
  return (offset) => {
    for (; next !== -1 && next < offset; next = text.indexOf('\n', next + 1)) {
      physical++;
      lineStart = next + 1;
    }
    return { physical, column: offset - lineStart + 1 };
  };
}

const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
const byteHex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

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
    const describe = (rs: Stray[], what: string, fate: string) => {
      if (rs.length === 0) return [];
      const list = rs.map((r) => `${r.notUtf8 ? byteHex(r.code) : codePoint(r.code)}${r.count > 1 ? ` ×${r.count}` : ''} at column ${r.column}`).join(', ');
      return [`${what}${rs.length > 1 || rs[0]!.count > 1 ? 's' : ''} ${list}${fate}`];
    };
    const parts = [
      ...describe(runs.filter((r) => !r.notUtf8), 'stray control byte', ''),
      ...describe(runs.filter((r) => r.notUtf8), 'byte', ' not UTF-8 (shown as U+FFFD)'),
    ];
    const fate = runs.some((r) => !r.notUtf8) ? ', left out of the text' : '';
    out.push(warning(`${label}: ${parts.join('; ')} (${where(physical)})${fate}`, { file, line: physical, col: runs[0]!.column }));
  }
  return out;
}

/**
 * A file is refused as binary when more than this share of its bytes is not
 * text (stray control bytes, or bytes that are not well-formed UTF-8). Real
 * RFC texts stay far below: RFC 734, the worst, is 15% NUL fill; compressed
 * data, images, executables and UTF-16 text are at 50% and more.
 */
const MAX_NON_TEXT_SHARE = 0.3;

/**
 * Walks UTF-8 as the WHATWG decoder (TextDecoder) does and calls `onError`
 * for each ill-formed sequence (bytes `start..end`), which it decodes to one
 * U+FFFD at `unit` of the decoded text. Overlong forms, surrogates and code
 * points above U+10FFFF are ill-formed (Unicode Table 3-7). A leading BOM is
 * not text.
 */
function walkUtf8(bytes: Uint8Array, onError: (start: number, end: number, unit: number) => void): void {
  let unit = 0;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      unit++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    // The second byte's range excludes overlong forms, surrogates and > U+10FFFF.
    const lower = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const upper = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    let k = 1;
    for (; k <= more && i + k < bytes.length; k++) {
      const b = bytes[i + k]!;
      if (k === 1 ? b < lower || b > upper : (b & 0xc0) !== 0x80) break;
    }
    if (more > 0 && k > more) {
      i += k;
      unit += more === 3 ? 2 : 1;
    } else {
      onError(i, i + k, unit); // the bytes read so far; the one that broke the sequence is read again
      i += k;
      unit++;
    }
  }
}

/** How many bytes are not text: stray control bytes, and bytes that are not well-formed UTF-8. */
export function nonTextBytes(bytes: Uint8Array): number {
  let bad = 0;
  for (const c of bytes) if (isStray(c)) bad++;
  walkUtf8(bytes, (start, end) => (bad += end - start));
  return bad;
}

/**
 * Where `bytes` are not UTF-8, as strays of the text they decode to
 * (`text`, before `removeStrays`): line and column of each U+FFFD that stands
 * for ill-formed bytes, never one the text really holds. Lines do not move:
 * a newline byte is never part of an ill-formed sequence.
 */
export function notUtf8(bytes: Uint8Array, text: string): Stray[] {
  const out: Stray[] = [];
  if (!text.includes('\uFFFD')) return out; // the common case: one native scan
  const position = ascendingPositions(text);
  walkUtf8(bytes, (start, end, unit) => {
    const { physical, column } = position(unit);
    const last = out[out.length - 1];
    // Ill-formed bytes in a row are one run.
    if (last && last.physical === physical && last.column + last.count === column) last.count += end - start;
    else out.push({ physical, column, code: bytes[start]!, count: end - start, notUtf8: true });
  });
  return out;
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
