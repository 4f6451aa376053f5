/**
 * The `register` and `server` commands of `npm run sip`.
 *
 *   register <registrar-uri> --user <u> --password <p> [--expires <s>] [--listen ip:port]
 *            [--unregister-all] [--stay]
 *   server --listen <ip:port> [--users <file>] [--realm <r>] [--algorithms MD5,SHA-256]
 *          [--domain <d>]... [--record-route] [--min-expires <s>]
 *
 * Users file: one `user:password` per line; blank lines and `#` comments are
 * ignored; the first `:` ends the name (see registrar/users.ts).
 */
import { readFileSync } from 'node:fs';
import { parseListen, UsageError, type Command } from '../usage.ts';
import { limitFlags, limitOptions, limitUsage } from '../transport/flags.ts';
import { parseUsersFile, UsersFileError } from '../registrar/users.ts';
import { formatAddress } from '../syntax/address.ts';
import { createResponse } from '../syntax/message.ts';
import { newTag } from '../ua/ids.ts';
import { formatUri, parseUri, sipUri, type URI } from '../syntax/uri.ts';
import { SipParseError } from '../syntax/error.ts';
import { TransactionLayer } from '../transaction/layer.ts';
import { TransportLayer } from '../transport/layer.ts';
import { formatHost } from '../transport/via.ts';
import { RegisterClient, type RegisterResult } from '../ua/register.ts';
import { SipServer } from './server.ts';

function printResult(result: RegisterResult): number {
  if (!result.ok) {
    process.stderr.write(`register: ${result.reason}\n`);
    return 1;
  }
  const { response, bindings } = result;
  process.stdout.write(`${response.status} ${response.reason}\n`);
  if (bindings.length === 0) process.stdout.write('no bindings\n');
  for (const b of bindings) process.stdout.write(`binding ${formatUri(b.contact.uri)} expires=${b.expires ?? '?'}\n`);
  return 0;
}

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

export const registerCommand: Command = {
  summary: 'register an address-of-record with a registrar (answering digest challenges) and print the bindings',
  usage: `sip register <registrar-uri> --user <u> --password <p> [--expires <s>] [--listen ip:port] [--unregister-all] [--stay] [limits]
  <registrar-uri>   e.g. sip:127.0.0.1:5070 (no user part); the AoR is sip:<user>@<its host:port>
  --listen          local address for our transport and Contact (default 127.0.0.1:0, any free port)
  --expires         expiration to ask for, seconds
  --unregister-all  remove every binding of the AoR (Contact: *, Expires: 0)
  --stay            keep the registration refreshed until SIGINT/SIGTERM, then remove it
${limitUsage}`,
  options: {
    user: { type: 'string' },
    password: { type: 'string' },
    expires: { type: 'string' },
    listen: { type: 'string' },
    'unregister-all': { type: 'boolean' },
    stay: { type: 'boolean' },
    ...limitOptions,
  },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError('register takes one registrar URI');
    const user = values.user as string | undefined;
    if (user === undefined) throw new UsageError('--user is required');
    let registrar;
    try {
      registrar = parseUri(positionals[0] as string, undefined, 'registrar URI');
    } catch (e) {
      if (e instanceof SipParseError) throw new UsageError(`bad registrar URI: ${e.message}`);
      throw e;
    }
    if (registrar.scheme !== 'sip') throw new UsageError('the registrar URI must be a sip: URI');
    if (registrar.user !== undefined) throw new UsageError('the registrar URI must not have a user part (RFC 3261 §10.2)');
    const expires = values.expires === undefined ? undefined : Number(values.expires);
    if (expires !== undefined && !(Number.isInteger(expires) && expires >= 0)) throw new UsageError(`--expires wants a number of seconds, got ${values.expires}`);
    if (values.listen === undefined && !/^(127\.|\[::1\]$|localhost$)/i.test(registrar.host)) {
      throw new UsageError(`--listen ip:port is needed for a registrar not on loopback (${registrar.host}): the Contact must be an address it can reach`);
    }
    const listen = parseListen((values.listen as string | undefined) ?? '127.0.0.1:0');

    const transport = await TransportLayer.start({ host: listen.host, port: listen.port, ...limitFlags(values) }, { receiveRequest: () => {}, receiveResponse: () => {} });
    const transactions = new TransactionLayer(transport, {
      // A UA that only registers: requests to it get nothing here (a full UA is ua/).
      receiveRequest: (request, tx) => tx?.respond(createResponse(request, 480, 'Temporarily Unavailable (register-only client)', { toTag: newTag() })),
      receiveStrayResponse: () => {},
    });
    transport.user = transactions;
    const sentBy = transport.sentBy;
    const aor = sipUri({ user, host: registrar.host, ...(registrar.port !== undefined && { port: registrar.port }) });
    const contact = { uri: sipUri({ user, host: formatHost(sentBy.host), port: sentBy.port }), params: new Map(), nameAddr: true };
    const password = values.password as string | undefined;
    const client = new RegisterClient(
      { transactions, sentBy },
      { aor, registrar, contact, ...(password !== undefined && { credentials: { username: user, password } }), ...(expires !== undefined && { expires }) },
    );
    const close = async () => {
      client.stopRefresh();
      transactions.close();
      await transport.close();
    };
    try {
      if (values['unregister-all']) return printResult(await client.unregisterAll());
      process.stderr.write(`registering ${formatUri(aor)} at ${formatUri(registrar)} with Contact ${formatAddress(contact)}\n`);
      if (!values.stay) return printResult(await client.register());
      const first = await client.registerAndRefresh((r) => printResult(r));
      const code = printResult(first);
      if (code !== 0) return code;
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      return printResult(await client.unregister());
    } finally {
      await close();
    }
  },
};

export const serverCommand: Command = {
  summary: 'run a registrar and stateful proxy (RFC 3261 §10.3, §16) until SIGINT/SIGTERM',
  usage: `sip server --listen <ip:port> [--users <file>] [--realm <r>] [--algorithms <a,b>] [--domain <d>]... [--record-route] [--min-expires <s>] [limits]
  --listen       address and port for UDP and TCP (port 0 = any free one; the chosen one is printed)
  --users        file with one "user:password" per line (# comments, blank lines ignored);
                 without it REGISTER is not authenticated
  --realm        digest realm (default: the listening address)
  --algorithms   digest algorithms to challenge with, most preferred first (default SHA-256,SHA-512-256,MD5)
  --domain       another domain the registrar and proxy are responsible for (repeatable)
  --record-route insert Record-Route into forwarded requests
  --min-expires  shortest registration accepted, seconds (default 60; shorter gets 423)
  --bind         a static binding <aor>=<contact>, e.g. sip:bob@127.0.0.1=sip:bob@127.0.0.1:5062 (repeatable)
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
    const minExpires = values['min-expires'] === undefined ? undefined : Number(values['min-expires']);
    if (minExpires !== undefined && !(Number.isInteger(minExpires) && minExpires >= 0)) throw new UsageError('--min-expires wants seconds');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const server = await SipServer.start({
      listen,
      ...(users !== undefined && { users }),
      ...(values.realm !== undefined && { realm: values.realm as string }),
      ...(values.algorithms !== undefined && { algorithms: (values.algorithms as string).split(',').map((a) => a.trim()) }),
      ...(values.domain !== undefined && { domains: values.domain as string[] }),
      recordRoute: values['record-route'] === true,
      ...(minExpires !== undefined && { minExpires }),
      limits: limitFlags(values),
      log,
    });
    for (const { aor, contact } of statics) {
      // A static binding never expires; it sits beside the registered ones.
      server.location.bind(server.registrar.aorOf(aor), { contact: { uri: contact, params: new Map(), nameAddr: true }, callId: 'static', cseq: 0, expiresAt: Number.POSITIVE_INFINITY });
    }
    const { host, port } = server.address;
    process.stdout.write(`listening on ${host}:${port} (UDP and TCP)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    process.stdout.write('stopped\n');
    // Timers of finished response contexts need not hold the process.
    process.exit(0);
  },
};
