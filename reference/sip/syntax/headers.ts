/**
 * The Headers container: a message's header fields in order, looked up by
 * any spelling of their name. Plumbing: the rules it applies (names, compact
 * forms, which fields are lists and how they split) are fieldFormat.ts's.
 * Values are stored unfolded, as received.
 */
import { headerKey, LIST_HEADERS, splitList } from './fieldFormat.ts';

export { headerKey, canonicalName, splitList, COMPACT_FORMS, LIST_HEADERS } from './fieldFormat.ts';

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
