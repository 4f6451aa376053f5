/**
 * `npm run stun -- server --listen IP:PORT [--tcp] [--realm R --users FILE]`:
 * a basic STUN server (RFC 8489 §12) answering Binding requests on UDP (and
 * TCP with --tcp) until Ctrl-C, with long-term authentication when given a
 * realm and users. Plumbing: the rules are ../agent/'s.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError, type Command } from '../../../tools/command.ts';
import { longTermAuthentication } from '../agent/auth.ts';
import { DEFAULT_LIMITS, StunServer } from '../agent/listener.ts';
import { SOFTWARE } from '../agent/server.ts';
import { endpoint, formatEndpoint, json, StunCommandError, wholeOption } from './endpoint.ts';

/** The users file is read whole: a megabyte holds tens of thousands of users. */
const MAX_USERS_FILE = 1 << 20;

export const serverCommand: Command = {
  summary: 'run a STUN server answering Binding requests',
  usage: `stun server --listen IP:PORT [--tcp] [--realm R --users FILE] [--verbose] [--json]
  --listen           where to listen (UDP; with --tcp, TCP on the same port too)
  --tcp              also listen on TCP (RFC 8489 §12: a basic server supports both)
  --realm, --users   long-term authentication (RFC 8489 §9.2): FILE has one user:password a line (# comments)
  --max-datagram     larger datagrams are dropped unread (default ${DEFAULT_LIMITS.maxDatagram} bytes)
  --max-connections  TCP connections at once (default ${DEFAULT_LIMITS.maxConnections}); more are closed at once
  --idle             a TCP connection silent this long is closed (default ${DEFAULT_LIMITS.idleMs / 1000} s)
  --max-message      the largest message on a TCP connection (default ${DEFAULT_LIMITS.maxMessage} bytes)
  --verbose          each discarded message on stderr, and why
  --json             the closing counts as JSON
Prints "listening on IP:PORT (udp[, tcp])" once bound; Ctrl-C (SIGINT) or SIGTERM stops it and prints what it answered.`,
  options: {
    listen: { type: 'string' },
    tcp: { type: 'boolean' },
    realm: { type: 'string' },
    users: { type: 'string' },
    'max-datagram': { type: 'string' },
    'max-connections': { type: 'string' },
    idle: { type: 'string' },
    'max-message': { type: 'string' },
    verbose: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length > 0) throw new UsageError(`server takes no arguments, got ${JSON.stringify(positionals[0])}`);
    if (values.listen === undefined) throw new UsageError('server wants --listen IP:PORT');
    const at = endpoint(String(values.listen), '--listen');
    const realm = values.realm as string | undefined;
    const usersFile = values.users as string | undefined;
    if ((realm === undefined) !== (usersFile === undefined)) throw new UsageError('--realm and --users go together');
    const limits = {
      maxDatagram: wholeOption(values, 'max-datagram', DEFAULT_LIMITS.maxDatagram, 20, 65535),
      maxConnections: wholeOption(values, 'max-connections', DEFAULT_LIMITS.maxConnections, 1, 100_000),
      idleMs: wholeOption(values, 'idle', DEFAULT_LIMITS.idleMs / 1000, 1, 86_400) * 1000,
      maxMessage: wholeOption(values, 'max-message', DEFAULT_LIMITS.maxMessage, 20, 65555),
    };
    const authenticate = usersFile === undefined ? undefined : longTermAuthentication({ realm: realm!, users: readUsers(usersFile) });
    const tcp = values.tcp === true;
    let server: StunServer;
    try {
      server = await StunServer.listen({
        address: at.address,
        port: at.port,
        udp: true,
        tcp,
        limits,
        software: SOFTWARE,
        ...(authenticate && { authenticate }),
        ...(values.verbose === true && { onDiscard: (why, from) => process.stderr.write(`discarded from ${formatEndpoint(from.source)} (${from.transport}): ${why}\n`) }),
      });
    } catch (e) {
      throw new StunCommandError(`cannot listen on ${formatEndpoint(at)}: ${(e as Error).message}`);
    }
    process.stdout.write(`listening on ${formatEndpoint(server.address)} (udp${tcp ? ', tcp' : ''})${authenticate ? `, realm ${JSON.stringify(realm)}` : ''}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    process.stdout.write(values.json ? json(server.counters) : `answered ${server.counters.answered}, discarded ${server.counters.discarded}, connections refused ${server.counters.refusedConnections}, idle-closed ${server.counters.idleClosed}\n`);
    return 0;
  },
};

/** user:password lines; an error names the file and line. */
export function readUsers(file: string): Map<string, string> {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_USERS_FILE) throw new StunCommandError(`${file}: ${size} bytes, more than the ${MAX_USERS_FILE} a users file may have`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof StunCommandError) throw e;
    throw new StunCommandError(`${file}: cannot read the users file: ${(e as Error).message}`);
  }
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new StunCommandError(`${file}:${i + 1}: want user:password, got ${JSON.stringify(line.slice(0, 80))}`);
    const user = line.slice(0, colon);
    if (users.has(user)) throw new StunCommandError(`${file}:${i + 1}: user ${JSON.stringify(user)} is given twice`);
    users.set(user, line.slice(colon + 1));
  });
  if (users.size === 0) throw new StunCommandError(`${file}: no user:password line`);
  return users;
}
