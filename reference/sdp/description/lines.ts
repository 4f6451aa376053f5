// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * From octets to `<type>=<value>` lines: the character set, the line ends,
 * the type letters. What each field's value means is in its own module;
 * the order of the fields is parse.ts's.
 */
import { SdpError, Warnings, type FieldLine } from './errors.ts';
import { firstBadUtf8 } from './utf8.ts';

/** The type letters RFC 8866 §5 defines, in no particular order. */
const TYPE_LETTERS = new Set('vosiuepcbtrzkam');

/**
 * The character sets this parser decodes, by the registry's Name and
 * Preferred MIME Name (and aliases), lower-cased for the case-insensitive
 * comparison §6.10 asks for.
 */
const CHARSETS: Record<string, 'utf-8' | 'latin1'> = {
  'utf-8': 'utf-8',
  'us-ascii': 'utf-8',
  'iso-8859-1': 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
  'iso-ir-100': 'latin1',
};

/**
 * Decodes a description: UTF-8 unless a session-level `a=charset:` names
 * another character set. The charset line is ASCII, so it is looked for in
 * the octets read as Latin-1 before the real decoding.
 */
// @implements RFC8866 P11L9-P11L11, P13L1-P13L4, P13L14-P13L17, P14L26-P14L28
// @implements RFC8866 P34L14-P34L24
export function decode(input: string | Uint8Array, warnings: Warnings): string {
  if (typeof input === 'string') return input;
  if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) throw byteOrderMark();
  const asLatin1 = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const charset = sessionCharset(asLatin1);
  const decoding = charset === undefined ? 'utf-8' : CHARSETS[charset.name.toLowerCase()];
  if (charset !== undefined && decoding === undefined) {
    // Not one this parser knows: the strings it affects are octet strings (Latin-1 keeps each octet as one character).
    warnings.add('RFC8866 §6.10', `charset "${charset.name}" is not supported: its strings are read as octets`, charset.line, 11);
    return asLatin1;
  }
  if (decoding === 'latin1') return asLatin1;
  // @implements RFC8866 P11L9-P11L11
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    const { line, col } = firstBadUtf8(input);
    throw new SdpError('RFC8866 §5', 'text is not UTF-8 and no a=charset: names another character set', line, col);
  }
}

/** Invisible in an editor, a byte order mark would be taken off silently by a decoder, or make the first line "\ufeffv=0". */
const byteOrderMark = (): SdpError => new SdpError('RFC8866 §5', 'a byte order mark (U+FEFF, EF BB BF in UTF-8) before v=: a description starts with "v="', 1, 1);

/** The value of a session-level `a=charset:` line (before the first `m=`), if any. */
// @implements RFC8866 P34L6-P34L8
function sessionCharset(text: string): { name: string; line: number } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l.startsWith('m=')) return undefined;
    if (l.startsWith('a=charset:')) return { name: l.slice('a=charset:'.length), line: i + 1 };
  }
  return undefined;
}

/**
 * Splits the text into `<type>=<value>` lines. CRLF ends a line; a lone LF
 * is accepted with one warning (§5: parsers SHOULD be tolerant of it). A CR
 * or NUL inside a line, an empty line, or a line that is not `<type>=` is
 * refused.
 */
// @implements RFC8866 P11L4-P11L9, P34L25-P34L26
// @implements RFC8866 P9L3-P9L10
export function splitLines(text: string, warnings: Warnings): FieldLine[] {
  if (text.charCodeAt(0) === 0xfeff) throw byteOrderMark();
  const out: FieldLine[] = [];
  let lfOnly = 0;
  let firstLf = 0;
  let start = 0;
  for (let n = 1; start < text.length; n++) {
    let end = text.indexOf('\n', start);
    const last = end < 0;
    if (last) end = text.length;
    // @implements RFC8866 P11L7-P11L9
    let stop = end;
    if (!last && text.charCodeAt(end - 1) === 0x0d) stop = end - 1;
    else if (!last && lfOnly++ === 0) firstLf = n;
    const content = text.slice(start, stop);
    if (last) warnings.add('RFC8866 §9', 'the last line has no CRLF at its end (accepted)', n, content.length + 1);
    out.push(fieldLine(content, n));
    start = end + 1;
  }
  if (lfOnly > 0) warnings.add('RFC8866 §5', `line ends are LF, not CRLF (${lfOnly} line${lfOnly === 1 ? '' : 's'}; accepted)`, firstLf, text.split('\n')[firstLf - 1].length + 1);
  return out;
}

/**
 * One line: a type letter this parser understands, `=`, a value without
 * CR or NUL. §5 lets a parser ignore or reject a whole description with a
 * type letter it does not understand; this one rejects it, so that nothing
 * is silently lost.
 */
// @implements RFC8866 P10L13-P10L16
function fieldLine(content: string, line: number): FieldLine {
  if (content === '') throw new SdpError('RFC8866 §5', 'an empty line: every line is <type>=<value>', line, 1);
  const cr = content.indexOf('\r');
  if (cr >= 0 && cr === content.length - 1) throw new SdpError('RFC8866 §5', 'the line ends in a bare CR (0x0d) with no LF after it: a line ends with CRLF (or LF)', line, cr + 1);
  if (cr >= 0) throw new SdpError('RFC8866 §5', 'a CR (0x0d) inside a line', line, cr + 1);
  const nul = content.indexOf('\0');
  if (nul >= 0) throw new SdpError('RFC8866 §5', 'a NUL (0x00) inside a line', line, nul + 1);
  if (content.charCodeAt(1) !== 0x3d) throw new SdpError('RFC8866 §5', `"${content.slice(0, 12)}" is not <type>=<value> (one letter, then "=", no space around it)`, line, 2);
  const type = content[0];
  if (!TYPE_LETTERS.has(type)) throw new SdpError('RFC8866 §5', `type letter "${type}" is not one SDP defines: the whole description is rejected`, line, 1);
  return { type, value: content.slice(2), line };
}
