/**
 * Where a '&' may stand: XML allows it only as the start of an entity or
 * character reference (`&name;`, `&#60;`, `&#x3C;`), but inside CDATA
 * sections, comments and processing instructions. saxes, given a '&'
 * followed by anything, reads on to the next ';' before it says a word, so
 * a bare '&' would hold all that follows without an error. This scanner
 * looks ahead of saxes and finds such a '&' as soon as it arrives.
 *
 * @implements RFC6120 (XMPP core)
 */

type Mode = 'text' | 'cdata' | 'comment' | 'pi';

const END: Record<Exclude<Mode, 'text'>, string> = { cdata: ']]>', comment: '-->', pi: '?>' };
const OPEN: [string, Mode][] = [['<![CDATA[', 'cdata'], ['<!--', 'comment'], ['<?', 'pi']];

/** A whole reference: a character reference, or a Name (ASCII or not) up to 256 characters, then ';'. */
const REFERENCE = /&(?:#x[0-9A-Fa-f]{1,8}|#[0-9]{1,10}|[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]{0,255});/y;
/** The start of one, cut by the end of the input. */
const PARTIAL = /&(?:#x[0-9A-Fa-f]{0,8}|#[0-9]{0,10}|[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]{0,255})?$/y;

export class ReferenceScanner {
  private mode: Mode = 'text';
  /** The end of the previous input, when it may begin a token the next input completes. */
  private pending = '';

  /** Scans the next piece of the stream: the index in `text` of a '&' that begins no reference, or -1. */
  // @implements RFC6120 P146L27-P146L29
  scan(text: string): number {
    const s = this.pending + text;
    const shift = this.pending.length;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      // @implements RFC6120 P145L26-P145L28
      // Inside a comment or PI (which the reader refuses when saxes reports it) or CDATA, a '&' is text.
      if (this.mode !== 'text') {
        const end = END[this.mode];
        const k = s.indexOf(end, i);
        if (k < 0) {
          this.pending = s.slice(Math.max(i, s.length - (end.length - 1)));
          return -1;
        }
        this.mode = 'text';
        i = k + end.length;
        continue;
      }
      const j = indexOfMarkup(s, i);
      if (j < 0) return -1;
      // @implements RFC6120 P145L30
      if (s[j] === '<') {
        const rest = s.slice(j, j + 9);
        const open = OPEN.find(([token]) => rest.startsWith(token));
        if (open) {
          this.mode = open[1];
          i = j + open[0].length;
        } else if (s.length - j < 9 && OPEN.some(([token]) => token.startsWith(rest))) {
          this.pending = rest;
          return -1;
        } else i = j + 1;
        continue;
      }
      // @implements RFC6120 P145L32-P145L33
      // A reference well-formed is left to saxes (which expands the predefined five and reports the rest).
      REFERENCE.lastIndex = j;
      if (REFERENCE.test(s)) {
        i = REFERENCE.lastIndex;
        continue;
      }
      PARTIAL.lastIndex = j;
      if (PARTIAL.test(s) && s.length - j <= 270) {
        this.pending = s.slice(j);
        return -1;
      }
      return Math.max(0, j - shift);
    }
    return -1;
  }
}

/** The next '&' or '<': one pass, where two indexOf calls rescanned the rest of the slice for a '&' at every tag. */
const MARKUP = /[&<]/g;

function indexOfMarkup(s: string, from: number): number {
  MARKUP.lastIndex = from;
  return MARKUP.exec(s)?.index ?? -1;
}
