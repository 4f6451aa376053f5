/**
 * Header fields: names (case-insensitive, with the compact forms of
 * RFC 3261 §7.3.3), ordered storage, and the splitting of comma-separated
 * values (§7.3.1). Values are stored unfolded, as received.
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

export interface HeaderField {
  /** The name as written (or as given when set), e.g. `v` or `Via`. */
  name: string;
  /** headerKey(name), e.g. `via`. */
  key: string;
  /** The value, unfolded, without surrounding whitespace. */
  value: string;
}

/**
 * The header fields of a message, in order. Lookups take any spelling or
 * compact form of a name.
 */
export class Headers {
  readonly fields: HeaderField[] = [];

  constructor(init?: Iterable<[string, string]>) {
    if (init) for (const [n, v] of init) this.append(n, v);
  }

  /** The first value of a header: for list headers, the first element. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const f of this.fields) {
      if (f.key !== key) continue;
      return LIST_HEADERS.has(key) ? splitList(f.value)[0] : f.value;
    }
    return undefined;
  }

  /** Every value in order: list headers split into their elements. */
  // @implements RFC3261 P31L5-P31L7
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    const list = LIST_HEADERS.has(key);
    for (const f of this.fields) {
      if (f.key !== key) continue;
      if (list && f.value.includes(',')) out.push(...splitList(f.value));
      else out.push(f.value);
    }
    return out;
  }

  /** The header lines with this name, unsplit. */
  lines(name: string): HeaderField[] {
    const key = headerKey(name);
    return this.fields.filter((f) => f.key === key);
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((f) => f.key === key);
  }

  /** Add a field after all others. */
  append(name: string, value: string): this {
    this.fields.push({ name, key: headerKey(name), value });
    return this;
  }

  /** Add a field before the first field of the same name (or first of all), as a new top Via goes. */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => f.key === key);
    this.fields.splice(i < 0 ? 0 : i, 0, { name, key, value });
    return this;
  }

  /** Replace all fields of that name by the given values, at the place of the first. */
  set(name: string, value: string | string[]): this {
    const key = headerKey(name);
    const values = Array.isArray(value) ? value : [value];
    const i = this.fields.findIndex((f) => f.key === key);
    this.remove(name);
    const at = i < 0 ? this.fields.length : i;
    this.fields.splice(at, 0, ...values.map((v) => ({ name, key, value: v })));
    return this;
  }

  /** Remove all fields of that name; returns how many were removed. */
  remove(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (let i = this.fields.length - 1; i >= 0; i--) {
      if (this.fields[i].key === key) {
        this.fields.splice(i, 1);
        n++;
      }
    }
    return n;
  }

  /** Remove the first element of a list header (the top Via, the first Route). */
  removeFirst(name: string): string | undefined {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => f.key === key);
    if (i < 0) return undefined;
    const f = this.fields[i];
    if (!LIST_HEADERS.has(key)) {
      this.fields.splice(i, 1);
      return f.value;
    }
    const [first, ...rest] = splitList(f.value);
    if (rest.length === 0) this.fields.splice(i, 1);
    else f.value = rest.join(', ');
    return first;
  }

  clone(): Headers {
    const h = new Headers();
    for (const f of this.fields) h.fields.push({ ...f });
    return h;
  }

  [Symbol.iterator](): Iterator<HeaderField> {
    return this.fields[Symbol.iterator]();
  }
}
