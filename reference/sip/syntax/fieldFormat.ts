/**
 * Header field names (case-insensitive, with the compact forms of
 * RFC 3261 §7.3.3) and the splitting of comma-separated values (§7.3.1).
 * headers.ts stores the fields of a message with these.
 *
 * @implements RFC3261 (SIP)
 */

/** Compact form → full name. */
// @implements RFC3261 P32L46-P33L3
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  // Compact forms registered by extensions (IANA SIP header field registry).
  o: 'Event', // RFC 6665
  u: 'Allow-Events', // RFC 6665
  r: 'Refer-To', // RFC 3515
  b: 'Referred-By', // RFC 3892
  x: 'Session-Expires', // RFC 4028
  a: 'Accept-Contact', // RFC 3841
  j: 'Reject-Contact', // RFC 3841
  d: 'Request-Disposition', // RFC 3841
  y: 'Identity', // RFC 8224
};

/** The spelling of each RFC 3261 header name, for names whose case is irregular. */
const CANONICAL: Record<string, string> = {};
for (const n of [
  'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Authentication-Info', 'Authorization',
  'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Content-Length',
  'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Expires', 'From', 'In-Reply-To', 'Max-Forwards', 'MIME-Version',
  'Min-Expires', 'Organization', 'Priority', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require',
  'Record-Route', 'Reply-To', 'Require', 'Retry-After', 'Route', 'Server', 'Subject', 'Supported', 'Timestamp', 'To',
  'Unsupported', 'User-Agent', 'Via', 'Warning', 'WWW-Authenticate',
  ...Object.values(COMPACT_FORMS),
]) CANONICAL[n.toLowerCase()] = n;

/** A header name as spelled, and its key. */
export interface Spelling {
  name: string;
  key: string;
}

/**
 * The usual spellings (those of the list above and the compact forms),
 * by length and first character: a parser that has found a name's extent
 * tells most names from these without copying or looking them up.
 */
const SPELLINGS: Array<Spelling[] | undefined> = [];
for (const name of [...Object.values(CANONICAL), ...Object.keys(COMPACT_FORMS), ...Object.keys(COMPACT_FORMS).map((c) => c.toUpperCase())]) {
  if (name.length > 31) continue;
  const slot = (name.length << 7) | name.charCodeAt(0);
  (SPELLINGS[slot] ??= []).push({ name, key: keyOf(name) });
}

/**
 * The usual spelling that text[start, end) is, if any, with its key: names
 * are case-insensitive and have compact forms, but are mostly written one
 * way, and then the key is known without lowercasing.
 */
// @implements RFC3261 P32L5-P32L6, P32L46-P33L3
export function usualSpelling(text: string, start: number, end: number): Spelling | undefined {
  const length = end - start;
  if (length > 31) return undefined;
  const candidates = SPELLINGS[(length << 7) | text.charCodeAt(start)];
  if (candidates !== undefined) for (const c of candidates) if (text.startsWith(c.name, start)) return c;
  return undefined;
}

/**
 * The key a header name is looked up by: its full name, lowercased.
 * `v`, `V`, `via` and `VIA` all give `via`.
 */
// @implements RFC3261 P32L5-P32L6
export function headerKey(name: string): string {
  const known = KEYS.get(name);
  if (known !== undefined) return known;
  const key = keyOf(name);
  if (KEYS.size < 1024) KEYS.set(name, key);
  return key;
}

/** Names as written → keys; messages repeat the same few spellings. */
const KEYS = new Map<string, string>();

function keyOf(name: string): string {
  const lower = name.toLowerCase();
  // @implements RFC3261 P32L46-P33L3
  if (lower.length === 1) {
    const full = COMPACT_FORMS[lower];
    if (full !== undefined) return full.toLowerCase();
  }
  return lower;
}

/** The full, conventionally spelled name: `v` → `Via`, `call-id` → `Call-ID`. */
export function canonicalName(name: string): string {
  const key = headerKey(name);
  return CANONICAL[key] ?? key.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/**
 * Header fields whose values are comma-separated lists (`#element` in the
 * grammar), so that several lines may be combined into one and one line
 * split into several. Others (Date, the authentication headers, Call-ID, …)
 * contain commas that do not separate values.
 */
// @implements RFC3261 P30L40-P31L3
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept', 'accept-encoding', 'accept-language', 'alert-info', 'allow', 'call-info', 'contact',
  'content-encoding', 'content-language', 'error-info', 'in-reply-to', 'proxy-require', 'record-route',
  'require', 'route', 'supported', 'unsupported', 'via', 'warning',
  // extensions with list syntax
  'allow-events', 'path', 'service-route', 'p-asserted-identity', 'accept-contact', 'reject-contact', 'reason',
]);

/**
 * Split a header value at commas that separate values: not inside a
 * quoted-string, not inside <> (a URI may hold commas). Each part is trimmed.
 */
// @implements RFC3261 P30L43-P30L46
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A comma inside a quoted-string, or between LAQUOT and RAQUOT (a URI), separates nothing.
    // @implements RFC3261 P222L15, P222L24-P222L25, P221L38-P221L39
    if (quoted) {
      if (c === 0x5c) i++; // quoted-pair
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts;
}
