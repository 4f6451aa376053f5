/**
 * `npm run xmpp -- server`: runs the server (./server.ts) for one domain on
 * a loopback or other address until SIGINT/SIGTERM, with STARTTLS from
 * --cert/--key and the accounts of --users; `--add-user NAME` instead
 * appends NAME's line to the users file, the password read from stdin (so
 * it never sits in a shell history or a process list). Plumbing: the rules
 * are the stream layer's and ./router.ts's.
 */
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { UsageError, numberOption, type Command } from '../../../tools/command.ts';
import { checkJid } from '../jid/index.ts';
import { DEFAULT_LIMITS, XmppServer } from './server.ts';
import { UsersFileError, readUsersFile, userLine } from './users.ts';

/** The users file is read whole: a megabyte holds thousands of users' credentials. */
const MAX_USERS_FILE = 1 << 20;

const seconds = (values: Record<string, unknown>, name: string, fallbackMs: number) =>
  (numberOption(values, name, 'whole seconds from 1 to 86400', (n) => Number.isInteger(n) && n >= 1 && n <= 86_400) ?? fallbackMs / 1000) * 1000;

export const serverCommand: Command = {
  summary: 'run an XMPP server (client-to-server, STARTTLS, SCRAM) for one domain',
  usage: `xmpp server --domain D --cert FILE --key FILE --users FILE [--listen IP:PORT] [limits] [--json]
xmpp server --users FILE --add-user NAME   (the password is read from stdin)
  --domain D           the domain served (the JIDs' domainpart, the certificate's name)
  --cert, --key        PEM certificate and key: STARTTLS is offered and required before SASL
  --users FILE         the accounts: one line per user, SCRAM stored credentials only (no passwords)
  --listen IP:PORT     where to listen (default 127.0.0.1:5222)
  --max-connections N  connections at once (default ${DEFAULT_LIMITS.maxConnections}); one more is refused with <resource-constraint/>
  --max-per-address N  connections at once from one IP address (default ${DEFAULT_LIMITS.maxConnectionsPerAddress}); one more from it is refused with <policy-violation/>
  --login-timeout S    the whole negotiation, seconds (default ${DEFAULT_LIMITS.negotiationMs / 1000}); <connection-timeout/> after
  --idle-timeout S     the longest wait for a whole stanza once bound (default ${DEFAULT_LIMITS.idleMs / 1000})
  --max-stanza N       octets of one stanza (default ${DEFAULT_LIMITS.maxStanzaOctets}); <policy-violation/> beyond
  --json               the "listening" line and each log line as JSON
Prints "listening on IP:PORT (domain D)" once bound, then one line per login and ending on stderr;
Ctrl-C (SIGINT) or SIGTERM ends every stream with <system-shutdown/> and exits 0.`,
  options: {
    domain: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    users: { type: 'string' },
    listen: { type: 'string' },
    'add-user': { type: 'string' },
    'max-connections': { type: 'string' },
    'max-per-address': { type: 'string' },
    'login-timeout': { type: 'string' },
    'idle-timeout': { type: 'string' },
    'max-stanza': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length > 0) throw new UsageError(`server takes no arguments, got ${JSON.stringify(positionals[0])}`);
    if (values.users === undefined) throw new UsageError('server wants --users FILE');
    const usersFile = String(values.users);
    if (values['add-user'] !== undefined) return addUser(usersFile, String(values['add-user']));
    for (const o of ['domain', 'cert', 'key']) if (values[o] === undefined) throw new UsageError(`server wants --${o}`);
    const domain = checkJid(String(values.domain));
    if (!domain.ok || domain.jid.localpart !== undefined || domain.jid.isFull) throw new UsageError(`--domain wants a domain, got ${JSON.stringify(values.domain)}`);
    const listen = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(String(values.listen ?? '127.0.0.1:5222'));
    if (!listen || Number(listen[2]) > 65535) throw new UsageError(`--listen wants IP:PORT, got ${JSON.stringify(values.listen)}`);
    const count = (name: string, fallback: number) => numberOption(values, name, 'a whole number from 1 to 100000', (n) => Number.isInteger(n) && n >= 1 && n <= 100_000) ?? fallback;
    const limits = {
      maxConnections: count('max-connections', DEFAULT_LIMITS.maxConnections),
      maxConnectionsPerAddress: count('max-per-address', DEFAULT_LIMITS.maxConnectionsPerAddress),
      negotiationMs: seconds(values, 'login-timeout', DEFAULT_LIMITS.negotiationMs),
      idleMs: seconds(values, 'idle-timeout', DEFAULT_LIMITS.idleMs),
      maxStanzaOctets: numberOption(values, 'max-stanza', 'octets from 10000 to 16777216', (n) => Number.isInteger(n) && n >= 10_000 && n <= 1 << 24) ?? DEFAULT_LIMITS.maxStanzaOctets,
    };
    const json = values.json === true;
    const say = (stream: NodeJS.WriteStream, line: string) => stream.write(json ? `${JSON.stringify({ message: line })}\n` : `${line}\n`);
    let server: XmppServer;
    let port: number;
    try {
      const users = readUsers(usersFile);
      const [cert, key] = [readFileSync(String(values.cert)), readFileSync(String(values.key))];
      server = new XmppServer({ domain: domain.jid.domainpart, tls: { cert, key }, users, limits, log: (l) => say(process.stderr, l) });
      port = await server.listen(Number(listen[2]), listen[1]);
    } catch (e) {
      process.stderr.write(`xmpp server: ${(e as Error).message}\n`);
      return 1;
    }
    process.stdout.write(json ? `${JSON.stringify({ listening: `${listen[1]}:${port}`, domain: domain.jid.domainpart })}\n` : `listening on ${listen[1]}:${port} (domain ${domain.jid.domainpart})\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  },
};

function readUsers(file: string) {
  const size = statSync(file).size;
  if (size > MAX_USERS_FILE) throw new UsersFileError(file, 0, `${size} bytes, more than the ${MAX_USERS_FILE} a users file may have`);
  return readUsersFile(file);
}

/** Appends NAME's line, the password being stdin's first line; the file is checked first, so a duplicate is refused. */
async function addUser(file: string, name: string): Promise<number> {
  let existing = new Map();
  try {
    existing = readUsers(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      process.stderr.write(`xmpp server: ${(e as Error).message}\n`);
      return 1;
    }
  }
  let password = '';
  for await (const chunk of process.stdin) password += String(chunk);
  password = password.split(/\r?\n/)[0] ?? '';
  let line: string;
  try {
    line = userLine(name, password);
  } catch (e) {
    throw new UsageError(`--add-user: ${(e as Error).message}`);
  }
  const user = line.split(' ')[0]!;
  if (existing.has(user)) {
    process.stderr.write(`xmpp server: ${file}: '${user}' is there already\n`);
    return 1;
  }
  appendFileSync(file, `${line}\n`, { mode: 0o600 });
  process.stdout.write(`added ${user} to ${file}\n`);
  return 0;
}
