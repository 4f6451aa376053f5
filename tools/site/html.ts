/**
 * The one escape function every page goes through: anything that came from
 * source code, RFC text, Markdown or a file name is escaped before it meets
 * markup. Attribute values are always double-quoted, so escaping `"` (and
 * `'` for good measure) with `&`, `<`, `>` covers text and attributes alike.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;

export function esc(s: string | number): string {
  const t = String(s);
  return SPECIAL.test(t) ? t.replace(SPECIAL, (c) => ENTITIES[c]!) : t;
}

const TEXT_SPECIAL = /[&<>]/g;

/**
 * Escapes text that goes between tags and never into an attribute: only `&`,
 * `<` and `>` need it there, and an RFC page holds 1,821 quotes (RFC 3261)
 * that `esc` would write as `&quot;`.
 */
export function escText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL, (c) => ENTITIES[c]!) : s;
}

const BARE = /^[\w#%+,./:;?@~-]+$/;

/**
 * An attribute value written without quotes where HTML allows it (no white
 * space, quote, `=`, `<`, `>` or backtick: ids, classes, relative URLs),
 * quoted and escaped otherwise. For pages where an attribute repeats per
 * line of text (an RFC page has 12,915 lines): two bytes each.
 */
export function bare(value: string): string {
  return BARE.test(value) ? value : `"${esc(value)}"`;
}

/** A percentage for display: `87%`, or an en dash when there is nothing to count. */
export function pct(n: number, of: number): string {
  if (of === 0) return '–';
  const p = (100 * n) / of;
  // One decimal below 10% so a little coverage never reads as none.
  return p > 0 && p < 10 ? `${Math.floor(p * 10) / 10}%` : `${Math.floor(p)}%`;
}
