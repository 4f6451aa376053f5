/**
 * `npm run stun -- binding IP:PORT [--tcp] [--user U --password P] [--json]`:
 * one Binding transaction (retried as §6.3.4 and §9 say) and the reflexive
 * transport address it learns. Plumbing: the rules are ../agent/'s.
 */
import { UsageError, type Command } from '../../../tools/command.ts';
import { longTermCredentials, shortTermCredentials } from '../agent/auth.ts';
import { binding, BindingFailed } from '../agent/client.ts';
import { TransactionFailed } from '../transaction/request.ts';
import { TcpClientTransport, UdpClientTransport } from '../transaction/transports.ts';
import { endpoint, formatEndpoint, json, StunCommandError, wholeOption } from './endpoint.ts';

export const bindingCommand: Command = {
  summary: 'ask a STUN server for our reflexive transport address (Binding)',
  usage: `stun binding IP:PORT [--tcp] [--user U --password P [--short-term]] [--rto MS] [--json]
  --tcp         over TCP (default UDP, retransmitted at RTO, 2·RTO, … 7 times, RFC 8489 §6.2.1)
  --user, --password   long-term credentials (the 401's realm and nonce are used); both or neither
  --short-term  use them as short-term credentials instead (RFC 8489 §9.1)
  --rto         the initial retransmission timeout, ms (default 500)
  --fingerprint add FINGERPRINT to the request
  --json        the result as JSON
exit 0: the address is printed; 1: no answer, or an error response (said on stderr)`,
  options: {
    tcp: { type: 'boolean' },
    user: { type: 'string' },
    password: { type: 'string' },
    'short-term': { type: 'boolean' },
    rto: { type: 'string' },
    fingerprint: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError(`binding wants one server IP:PORT, got ${positionals.length}`);
    const server = endpoint(positionals[0]!, 'the server');
    const user = values.user as string | undefined;
    const password = values.password as string | undefined;
    if ((user === undefined) !== (password === undefined)) throw new UsageError('--user and --password go together');
    if (values['short-term'] && user === undefined) throw new UsageError('--short-term wants --user and --password');
    const rto = wholeOption(values, 'rto', 500, 1, 60_000);
    const credentials = user === undefined ? undefined : values['short-term'] ? shortTermCredentials(user, password!) : longTermCredentials(user, password!);
    const tcp = values.tcp === true;
    let transport: UdpClientTransport | TcpClientTransport;
    try {
      transport = tcp ? await TcpClientTransport.open(server) : await UdpClientTransport.open(server);
    } catch (e) {
      throw new StunCommandError((e as Error).message);
    }
    try {
      const r = await binding(transport, { ...(credentials && { credentials }), timers: { rto }, ...(values.fingerprint === true && { fingerprint: true }) });
      const local = transport.local;
      if (values.json) {
        process.stdout.write(json({ mapped: r.mapped, attribute: r.from, local, server, transport: tcp ? 'tcp' : 'udp', transactions: r.transactions }));
      } else {
        process.stdout.write(`${formatEndpoint(r.mapped)}\n`);
      }
      return 0;
    } catch (e) {
      if (e instanceof BindingFailed || e instanceof TransactionFailed) throw new StunCommandError(`${formatEndpoint(server)}: ${e.message}`);
      throw e;
    } finally {
      if (transport instanceof TcpClientTransport) transport.socket.destroy();
      else transport.close();
    }
  },
};
