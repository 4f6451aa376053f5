/**
 * How the username travels: plain, hashed (userhash), or as username* (RFC 5987), and charset=UTF-8.
 *
 * @implements RFC7616 (HTTP Digest)
 */
import { type Algorithm, H } from './algorithm.ts';
import { DigestError } from './errors.ts';

/** username = H( unq(username) ":" unq(realm) ) */
// @implements RFC7616 P12L31-P12L34
export function userhash(algorithm: Algorithm, username: string, realm: string): string {
  return H(algorithm, `${username}:${realm}`);
}

/**
 * With charset=UTF-8 the username and password are put in Unicode
 * Normalization Form C before they are digested (as UTF-8, which H() always
 * uses for strings). No character is refused: any that PRECIS allows passes.
 */
// @implements RFC7616 P20L43-P20L47
// @implements RFC7616 P21L1-P21L6
export function prepare(value: string, charset: 'UTF-8' | undefined): string {
  return charset === 'UTF-8' ? value.normalize('NFC') : value;
}

/**
 * True when the name cannot ride in an HTTP quoted-string and needs
 * username*: outside US-ASCII (obs-text being obsolete) or a control.
 */
export function needsExtendedNotation(username: string): boolean {
  return /[^\t\x20-\x7e]/.test(username);
}

/** The RFC 5987 ext-value `UTF-8''<pct-encoded>` of a username. */
// @implements RFC7616 P9L34-P9L37
export function encodeExtValue(username: string): string {
  const bytes = new TextEncoder().encode(username);
  let out = "UTF-8''";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    // attr-char of RFC 5987: ALPHA / DIGIT / "!#$&+-.^_`|~"
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes `charset'[language]'pct-encoded`; UTF-8 and ISO-8859-1 as RFC 5987 requires. */
// @implements RFC7616 P9L34-P9L37
export function decodeExtValue(value: string): string {
  const m = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'[A-Za-z0-9-]*'(.*)$/.exec(value);
  if (!m) throw new DigestError(`username* ${JSON.stringify(value)} is not an RFC 5987 ext-value`, 'RFC7616 P9L34-P9L37');
  const charset = m[1]!.toLowerCase();
  if (charset !== 'utf-8' && charset !== 'iso-8859-1') {
    throw new DigestError(`username* uses unsupported charset ${m[1]}`, 'RFC7616 P9L34-P9L37');
  }
  // The value's octets, each written as itself or as "%" HEXDIG HEXDIG.
  // @implements RFC7616 P9L34-P9L37
  const bytes: number[] = [];
  const text = m[2]!;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new DigestError(`bad percent-escape in username* at ${i}`, 'RFC7616 P9L34-P9L37');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true }).decode(new Uint8Array(bytes));
}
