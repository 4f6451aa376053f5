/**
 * The users file of `npm run sip -- server --users <file>`: one `user:password`
 * per line. Blank lines and lines starting with `#` are ignored; the first `:`
 * separates the name from the password (a password may contain `:`). A user
 * may appear once. Errors name the file and line.
 */

export class UsersFileError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
  }
}

export function parseUsersFile(text: string, file = '<users>'): Record<string, string> {
  const users: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new UsersFileError(file, i + 1, 'expected "user:password"');
    const user = line.slice(0, colon).trim();
    if (user === '') throw new UsersFileError(file, i + 1, 'empty user name');
    if (Object.hasOwn(users, user)) throw new UsersFileError(file, i + 1, `user ${JSON.stringify(user)} appears twice`);
    users[user] = line.slice(colon + 1);
  }
  return users;
}
