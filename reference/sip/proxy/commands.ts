/**
 * The `server` command of `npm run sip`: a registrar and a stateful proxy
 * on one address (server.ts).
 *
 *   server --listen <ip:port> [--users <file>] [--realm <r>] [--algorithms MD5,SHA-256]
 *          [--domain <d>]... [--record-route] [--min-expires <s>] [--t1 ms] [--t2 ms] [--t4 ms]
 *
 * Users file: one `user:password` per line; blank lines and `#` comments are
 * ignored; the first `:` ends the name (see registrar/users.ts).
 */
import { readFileSync } from 'node:fs';
import { parseListen, secondsOption, timerFlags, timerOptions, untilStopped, UsageError, type Command } from '../usage.ts';
import { limitFlags, limitOptions, limitUsage } from '../transport/flags.ts';
import { parseUsersFile, UsersFileError } from '../registrar/users.ts';
import { parseUri, type URI } from '../syntax/uri.ts';
import { SipParseError } from '../syntax/error.ts';
import { SipServer } from './server.ts';

/** "--bind <aor>=<contact>": two SIP URIs. */
function parseBind(text: string): { aor: URI; contact: URI } {
  const eq = text.indexOf('=sip');
  if (eq < 0) throw new UsageError(`--bind wants <aor>=<contact>, got ${JSON.stringify(text)}`);
  try {
    return { aor: parseUri(text.slice(0, eq)), contact: parseUri(text.slice(eq + 1)) };
  } catch (e) {
    if (e instanceof SipParseError) throw new UsageError(`--bind ${text}: ${e.message}`);
    throw e;
  }
}

export const serverCommand: Command = {
  summary: 'run a registrar and stateful proxy (RFC 3261 §10.3, §16) until SIGINT/SIGTERM',
  usage: `sip server --listen <ip:port> [--users <file>] [--realm <r>] [--algorithms <a,b>] [--domain <d>]... [--record-route] [--min-expires <s>] [--t1 ms] [--t2 ms] [--t4 ms] [limits]
  --listen       address and port for UDP and TCP (port 0 = any free one; the chosen one is printed)
  --users        file with one "user:password" per line (# comments, blank lines ignored);
                 without it REGISTER is not authenticated
  --realm        digest realm (default: the listening address)
  --algorithms   digest algorithms to challenge with, most preferred first (default SHA-256,SHA-512-256,MD5)
  --domain       another domain the registrar and proxy are responsible for (repeatable)
  --record-route insert Record-Route into forwarded requests
  --min-expires  shortest registration accepted, seconds (default 60; shorter gets 423)
  --bind         a static binding <aor>=<contact>, e.g. sip:bob@127.0.0.1=sip:bob@127.0.0.1:5062 (repeatable)
  --t1/--t2/--t4 transaction timers in ms (defaults 500, 4000, 5000: RFC 3261 §17.1.1.1); T1 also sets the
                 proxy's own timers (a response context kept 64*T1)
${limitUsage}`,
  options: {
    listen: { type: 'string' },
    users: { type: 'string' },
    realm: { type: 'string' },
    algorithms: { type: 'string' },
    domain: { type: 'string', multiple: true },
    'record-route': { type: 'boolean' },
    'min-expires': { type: 'string' },
    bind: { type: 'string', multiple: true },
    ...timerOptions,
    ...limitOptions,
  },
  async run(values, positionals) {
    if (positionals.length !== 0) throw new UsageError('server takes no positional arguments');
    const statics = ((values.bind as string[] | undefined) ?? []).map(parseBind);
    if (values.listen === undefined) throw new UsageError('--listen is required');
    const listen = parseListen(values.listen as string);
    let users: Record<string, string> | undefined;
    if (values.users !== undefined) {
      const file = values.users as string;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read users file ${file}: ${(e as Error).message}`);
      }
      try {
        users = parseUsersFile(text, file);
      } catch (e) {
        if (e instanceof UsersFileError) {
          process.stderr.write(`${e.message}\n`);
          return 1;
        }
        throw e;
      }
    }
    const minExpires = secondsOption(values, 'min-expires');
    const timers = timerFlags(values);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const server = await SipServer.start({
      listen,
      ...(users !== undefined && { users }),
      ...(values.realm !== undefined && { realm: values.realm as string }),
      ...(values.algorithms !== undefined && { algorithms: (values.algorithms as string).split(',').map((a) => a.trim()) }),
      ...(values.domain !== undefined && { domains: values.domain as string[] }),
      recordRoute: values['record-route'] === true,
      ...(minExpires !== undefined && { minExpires }),
      timers,
      limits: limitFlags(values),
      log,
    });
    for (const { aor, contact } of statics) {
      // A static binding never expires; it sits beside the registered ones.
      server.location.bind(server.registrar.aorOf(aor), { contact: { uri: contact, params: new Map(), nameAddr: true }, callId: 'static', cseq: 0, expiresAt: Number.POSITIVE_INFINITY });
    }
    const { host, port } = server.address;
    process.stdout.write(`listening on ${host}:${port} (UDP and TCP)\n`);
    await untilStopped();
    await server.close();
    process.stdout.write('stopped\n');
    // Timers of finished response contexts need not hold the process.
    process.exit(0);
  },
};
