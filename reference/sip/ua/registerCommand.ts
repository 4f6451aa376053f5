/**
 * The `register` command of `npm run sip`: a UA that only registers
 * (RegisterClient, register.ts) and prints the bindings.
 *
 *   register <registrar-uri> --user <u> --password <p> [--expires <s>] [--listen ip:port]
 *            [--unregister-all] [--stay]
 */
import { parseListen, secondsOption, untilStopped, UsageError, type Command } from '../usage.ts';
import { limitFlags, limitOptions, limitUsage } from '../transport/flags.ts';
import { formatAddress } from '../syntax/address.ts';
import { createResponse } from '../syntax/message.ts';
import { withToTag } from '../core/ids.ts';
import { formatUri, parseUri, sipUri } from '../syntax/uri.ts';
import { SipParseError } from '../syntax/error.ts';
import { TransactionLayer } from '../transaction/layer.ts';
import { TransportLayer } from '../transport/layer.ts';
import { formatHost } from '../transport/via.ts';
import { RegisterClient, type RegisterResult } from './register.ts';

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
    const expires = secondsOption(values, 'expires');
    if (values.listen === undefined && !/^(127\.|\[::1\]$|localhost$)/i.test(registrar.host)) {
      throw new UsageError(`--listen ip:port is needed for a registrar not on loopback (${registrar.host}): the Contact must be an address it can reach`);
    }
    const listen = parseListen((values.listen as string | undefined) ?? '127.0.0.1:0');

    const transport = await TransportLayer.start({ host: listen.host, port: listen.port, ...limitFlags(values) }, { receiveRequest: () => {}, receiveResponse: () => {} });
    const transactions = new TransactionLayer(transport, {
      // A UA that only registers: requests to it get nothing here (a full UA is ua/).
      receiveRequest: (request, tx) => tx?.respond(withToTag(createResponse(request, 480, 'Temporarily Unavailable (register-only client)'))),
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
      await untilStopped();
      return printResult(await client.unregister());
    } finally {
      await close();
    }
  },
};
