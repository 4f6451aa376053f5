// @implements RFC3261 (SIP)
/**
 * The location service a registrar writes and a proxy reads (§10.1, §16.5):
 * for each address-of-record, its bindings, each with the Call-ID and CSeq of
 * the REGISTER that last touched it and the instant it expires. Bindings past
 * their expiry are never returned. Time is in seconds from a clock the caller
 * gives, so tests can move it.
 */
import { formatUri, unescape, uriEquals, type URI } from '../syntax/uri.ts';
import { current, type Binding } from './binding.ts';

export type { Binding } from './binding.ts';

/**
 * The canonical form of an address-of-record, used as the index into the
 * bindings: URI parameters removed (user-param included) and escaped
 * characters unescaped.
 */
// @implements RFC3261 P64L37-P64L41
export function canonicalAoR(uri: URI, ownPort?: number): string {
  const user = uri.user === undefined ? '' : `${unescape(uri.user)}@`;
  // The registrar's own port names the same domain as no port at all.
  const port = uri.port === undefined || uri.port === ownPort ? '' : `:${uri.port}`;
  return `${uri.scheme}:${user}${uri.host.toLowerCase()}${port}`;
}

export class LocationService {
  #bindings = new Map<string, Binding[]>();

  /** `now()` in seconds; defaults to the wall clock. */
  constructor(readonly now: () => number = () => Date.now() / 1000) {}

  /** The current (unexpired) bindings of an address-of-record, highest q first. */
  lookup(aor: string): Binding[] {
    const now = this.now();
    const live = (this.#bindings.get(aor) ?? []).filter((b) => current(b, now));
    return live.sort((a, b) => (b.q ?? 0) - (a.q ?? 0));
  }

  /** Was this address-of-record ever registered (even if all its bindings expired)? */
  knows(aor: string): boolean {
    return this.#bindings.has(aor);
  }

  /**
   * Replaces all bindings of an address-of-record in one step: the
   * registrar computes the whole new list first and commits it here, so a
   * REGISTER is applied completely or not at all.
   */
  // @implements RFC3261 P63L42-P63L44, P66L19-P66L21
  commit(aor: string, bindings: readonly Binding[]): void {
    const now = this.now();
    this.#bindings.set(aor, bindings.filter((b) => current(b, now)).map((b) => ({ ...b })));
  }

  /** Adds or replaces one binding directly (static configuration, tests). */
  bind(aor: string, binding: Binding): void {
    const others = (this.#bindings.get(aor) ?? []).filter((b) => !uriEquals(b.contact.uri, binding.contact.uri));
    this.#bindings.set(aor, [...others, { ...binding }]);
  }

  /** Every address-of-record and its current bindings (for logs). */
  dump(): { aor: string; contacts: string[] }[] {
    return [...this.#bindings.keys()].map((aor) => ({ aor, contacts: this.lookup(aor).map((b) => formatUri(b.contact.uri)) }));
  }
}
