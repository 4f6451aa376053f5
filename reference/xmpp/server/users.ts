/**
 * The server's accounts: a users file holding, for each user, SCRAM's
 * stored credentials for SHA-1 and SHA-256 (RFC 5802 §3: the salt, the
 * iteration count, StoredKey and ServerKey) and never the password nor
 * SaltedPassword. One line per user:
 *
 *   localpart SCRAM-SHA-1$iterations:salt$StoredKey:ServerKey SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey
 *
 * (base64 values, the layout of RFC 5803's authPassword); '#' starts a
 * comment line. PLAIN (over TLS only) is checked through the SHA-256
 * credentials: the password given is salted and hashed the same way and
 * its StoredKey compared in constant time.
 *
 * @implements RFC6120 (XMPP core)
 */
import { readFileSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { enforceLocalpart } from '../jid/index.ts';
import { type ScramHash, type ServerAccounts, type StoredCredentials, storedCredentials } from '../sasl/index.ts';

const HASHES: readonly ScramHash[] = ['SHA-1', 'SHA-256'];

/** A users file line that cannot be read: which file, which line, what is wrong. */
export class UsersFileError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'UsersFileError';
  }
}

export type UserCredentials = Record<ScramHash, StoredCredentials>;

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** A user's line: both hashes' credentials made from the password, with fresh salts. */
// @implements RFC5802 P7L44-P8L1
// What the server retrieves for a user is what it keeps: salt, StoredKey, ServerKey and the iteration count.
export function userLine(localpart: string, password: string, o: { iterations?: number } = {}): string {
  const user = enforceLocalpart(localpart);
  const parts = HASHES.map((h) => {
    const c = storedCredentials(h, password, o.iterations === undefined ? {} : { iterations: o.iterations });
    return `SCRAM-${h}$${c.iterations}:${b64(c.salt)}$${b64(c.storedKey)}:${b64(c.serverKey)}`;
  });
  return `${user} ${parts.join(' ')}`;
}

const CREDENTIAL = /^SCRAM-(SHA-1|SHA-256)\$(\d{1,9}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;
const KEY_OCTETS: Record<ScramHash, number> = { 'SHA-1': 20, 'SHA-256': 32 };

/** Reads a users file's text; every line is checked and a bad one named. */
export function parseUsers(text: string, file = 'users'): Map<string, UserCredentials> {
  const users = new Map<string, UserCredentials>();
  // @implements RFC5802 P7L44-P8L1
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const at = i + 1;
    if (line === '' || line.startsWith('#')) return;
    const [name, ...fields] = line.split(/\s+/);
    let user: string;
    try {
      user = enforceLocalpart(name!);
    } catch (e) {
      throw new UsersFileError(file, at, `'${name}' is not a JID localpart (RFC 7622 §3.3): ${(e as Error).message}`);
    }
    if (user !== name) throw new UsersFileError(file, at, `'${name}' is not in its enforced form '${user}' (write the line with userLine or 'xmpp server --add-user')`);
    if (users.has(user)) throw new UsersFileError(file, at, `'${user}' appears twice`);
    const creds: Partial<UserCredentials> = {};
    // @implements RFC5802 P7L44-P8L1
    for (const f of fields) {
      const m = CREDENTIAL.exec(f);
      if (!m) throw new UsersFileError(file, at, `'${f.slice(0, 40)}' is not SCRAM-<hash>$<iterations>:<salt>$<StoredKey>:<ServerKey>`);
      const hash = m[1] as ScramHash;
      const [storedKey, serverKey] = [Buffer.from(m[4]!, 'base64'), Buffer.from(m[5]!, 'base64')];
      if (storedKey.length !== KEY_OCTETS[hash] || serverKey.length !== KEY_OCTETS[hash]) throw new UsersFileError(file, at, `the ${hash} keys must be ${KEY_OCTETS[hash]} octets`);
      const iterations = Number(m[2]);
      if (iterations < 1) throw new UsersFileError(file, at, 'the iteration count must be at least 1');
      creds[hash] = { iterations, salt: new Uint8Array(Buffer.from(m[3]!, 'base64')), storedKey: new Uint8Array(storedKey), serverKey: new Uint8Array(serverKey) };
    }
    for (const h of HASHES) if (!creds[h]) throw new UsersFileError(file, at, `no SCRAM-${h} credentials for '${user}'`);
    users.set(user, creds as UserCredentials);
  });
  return users;
}

export function readUsersFile(path: string): Map<string, UserCredentials> {
  return parseUsers(readFileSync(path, 'utf8'), path);
}

/**
 * The accounts as SASL asks for them. An unknown user is answered by the
 * SCRAM server with made-up credentials (reference/xmpp/sasl), so a failed
 * login looks the same whether the user exists or not; PLAIN for an unknown
 * user still derives a key, so it takes as long as for a known one.
 */
// @implements RFC6120 P91L3-P91L8, RFC4616 P3L37-P3L42
export function accountsOf(users: Map<string, UserCredentials>): ServerAccounts {
  const dummy = storedCredentials('SHA-256', randomBytes(16).toString('hex'), { iterations: 4096 });
  return {
    scram: (u, h) => users.get(u)?.[h],
    plain: (u, p) => {
      const c = users.get(u)?.['SHA-256'];
      const against = c ?? dummy;
      const tried = storedCredentials('SHA-256', p, { salt: against.salt, iterations: against.iterations }).storedKey;
      return timingSafeEqual(tried, against.storedKey) && c !== undefined;
    },
  };
}
