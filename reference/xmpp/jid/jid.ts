/**
 * A JID (RFC 7622 §3.1): split at its separators before anything is
 * mapped, each part enforced, compared as octets.
 *
 * @implements RFC7622 (XMPP address format)
 */
import { JidError, enforceDomainpart, enforceLocalpart, enforceResourcepart } from './parts.ts';

/** An enforced JID: every part conforms, so equality is string equality. */
export class Jid {
  private constructor(readonly localpart: string | undefined, readonly domainpart: string, readonly resourcepart: string | undefined) {}

  /** Each part enforced; a part breaking its rule is a JidError naming it. */
  static of(parts: { localpart?: string; domainpart: string; resourcepart?: string }): Jid {
    return new Jid(
      parts.localpart === undefined ? undefined : enforceLocalpart(parts.localpart),
      enforceDomainpart(parts.domainpart),
      parts.resourcepart === undefined ? undefined : enforceResourcepart(parts.resourcepart),
    );
  }

  /** `localpart@domainpart`, or the domainpart: the JID without its resource. */
  get bare(): Jid {
    return this.resourcepart === undefined ? this : new Jid(this.localpart, this.domainpart, undefined);
  }

  get isFull(): boolean {
    return this.resourcepart !== undefined;
  }

  // @implements RFC8265 P9L7-P9L13, RFC7622 P7L15-P7L20
  // Comparison is of the enforced strings, octet for octet: each part was prepared and enforced by Jid.of.
  equals(other: Jid): boolean {
    return this.toString() === other.toString();
  }

  toString(): string {
    return `${this.localpart === undefined ? '' : `${this.localpart}@`}${this.domainpart}${this.resourcepart === undefined ? '' : `/${this.resourcepart}`}`;
  }
}

/** Splits `[localpart "@"] domainpart ["/" resourcepart]` and enforces each part. */
// @implements RFC7622 P4L1, P4L45-P4L48
export function parseJid(s: string): Jid {
  // @implements RFC7622 P5L16-P5L23
  const slash = s.indexOf('/');
  const beforeSlash = slash < 0 ? s : s.slice(0, slash);
  const resourcepart = slash < 0 ? undefined : s.slice(slash + 1);
  const at = beforeSlash.indexOf('@');
  const localpart = at < 0 ? undefined : beforeSlash.slice(0, at);
  const domainpart = at < 0 ? beforeSlash : beforeSlash.slice(at + 1);
  // @implements RFC7622 P5L28-P5L29
  if (domainpart === '') throw new JidError('domainpart', 'RFC 7622 §3.2', `'${s}' has no domainpart, the only REQUIRED part of a JID`);
  return Jid.of({ localpart, domainpart, resourcepart });
}

/** Whether s is a JID, and the error when it is not. */
export function checkJid(s: string): { ok: true; jid: Jid } | { ok: false; error: JidError } {
  try {
    return { ok: true, jid: parseJid(s) };
  } catch (e) {
    if (e instanceof JidError) return { ok: false, error: e };
    throw e;
  }
}
