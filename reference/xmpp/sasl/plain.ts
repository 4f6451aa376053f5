/**
 * PLAIN (RFC 4616 §2): one message, `[authzid] NUL authcid NUL passwd`,
 * and when XMPP may use it at all (RFC 6120 §13.8: only over TLS).
 *
 * @implements RFC4616 (PLAIN)
 */
import { PrepError } from '../../precis/index.ts';
import { type ScramPrep, PRECIS_PREP } from './prep.ts';

export interface PlainCredentials {
  authzid?: string;
  authcid: string;
  passwd: string;
}

/** A PLAIN message that breaks §2's grammar or limits: the production named. */
export class PlainError extends Error {
  constructor(readonly production: string, why: string) {
    super(`RFC4616 §2 ${production}: ${why}`);
    this.name = 'PlainError';
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The message a client sends. */
// @implements RFC4616 P2L39-P2L47, P3L21-P3L25
export function writePlain(c: PlainCredentials): Uint8Array {
  for (const [name, value] of [['authzid', c.authzid], ['authcid', c.authcid], ['passwd', c.passwd]] as const)
    if (value !== undefined && (value.length === 0 || value.includes('\0'))) throw new PlainError(name, 'it must be one or more characters, none of them NUL');
  return utf8.encode(`${c.authzid ?? ''}\0${c.authcid}\0${c.passwd}`);
}

/**
 * A received message read. Each production is accepted up to `maxOctets`
 * (default 1023, a JID part's limit; the RFC's floor is 255).
 */
// @implements RFC4616 P3L4-P3L19
export function parsePlain(message: Uint8Array, maxOctets = 1023): PlainCredentials {
  // @implements RFC4616 P3L33-P3L35
  if (maxOctets < 255) throw new RangeError('RFC4616 §2: servers MUST accept authzid, authcid and passwd up to 255 octets');
  let text: string;
  try {
    text = strictUtf8.decode(message);
  } catch {
    throw new PlainError('SAFE', 'the message is not UTF-8');
  }
  const parts = text.split('\0');
  if (parts.length !== 3) throw new PlainError('message', `${parts.length - 1} NUL separators; the message is [authzid] NUL authcid NUL passwd`);
  const [authzid, authcid, passwd] = parts as [string, string, string];
  for (const [name, value, optional] of [['authzid', authzid, true], ['authcid', authcid, false], ['passwd', passwd, false]] as const) {
    if (value.length === 0 && !optional) throw new PlainError(name, 'it is empty; it is 1*SAFE');
    const n = utf8.encode(value).length;
    if (n > maxOctets) throw new PlainError(name, `${n} octets, more than the ${maxOctets} this server accepts`);
  }
  return { ...(authzid === '' ? {} : { authzid }), authcid, passwd };
}

/** The authcid and passwd prepared before they are compared; a failed or empty preparation fails. */
// @implements RFC4616 P3L44-P3L47, P4L16-P4L21
export function preparePlain(c: PlainCredentials, prep: ScramPrep = PRECIS_PREP): { ok: true; credentials: PlainCredentials } | { ok: false; reason: string } {
  try {
    const authcid = prep.username(c.authcid);
    const passwd = prep.password(c.passwd);
    if (authcid === '' || passwd === '') return { ok: false, reason: 'RFC4616 §2: preparation gave an empty string' };
    // @implements RFC4616 P4L23-P4L27
    return { ok: true, credentials: { authzid: c.authzid ?? authcid, authcid, passwd } };
  } catch (e) {
    if (e instanceof PrepError) return { ok: false, reason: `RFC4616 §2: preparation failed: ${e.message}` };
    throw e;
  }
}

/** Whether PLAIN may be offered (server) or used (client) on this stream. */
// @implements RFC6120 P162L27-P162L32, RFC4616 P2L29-P2L31
export function plainAllowed(streamHasTls: boolean): boolean {
  return streamHasTls;
}
