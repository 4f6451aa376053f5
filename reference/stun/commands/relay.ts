/**
 * `npm run stun -- relay SERVER --user U --password P --peer IP:PORT --send TEXT [--channel] [--json]`:
 * allocates a relay on a TURN server (long-term credentials), permits the
 * peer, sends TEXT to it through the relay (a Send indication, or ChannelData
 * on a bound channel with --channel), prints the peer's first reply, and
 * deletes the allocation. Plumbing: the rules are ../turn/'s.
 */
import { UsageError, type Command } from '../../../tools/command.ts';
import { TurnClient, type Received } from '../turn/client.ts';
import { UdpClientTransport } from '../transaction/transports.ts';
import { endpoint, formatEndpoint, json, StunCommandError, wholeOption } from './endpoint.ts';
import type { TransportAddress } from '../turn/allocation.ts';
import { isIPv6 } from 'node:net';

export const relayCommand: Command = {
  summary: 'send through a TURN relay to a peer and print its reply (Allocate, CreatePermission, Send or ChannelData)',
  usage: `stun relay SERVER --user U --password P --peer IP:PORT --send TEXT [--channel] [--wait MS] [--json]
  SERVER        the TURN server, IP:PORT (UDP)
  --user, --password   long-term credentials (RFC 8656 §5; the 401's realm and nonce are used)
  --peer        the peer to send to, IP:PORT
  --send        the text to send (UTF-8)
  --channel     bind a channel (ChannelBind) and send ChannelData instead of a Send indication
  --wait        how long to wait for the peer's reply, ms (default 5000)
  --json        the result as JSON: relayed and mapped addresses, lifetime, how it was sent and received, the reply
exit 0: the reply is printed; 1: the server refused, no reply came, or a step failed (said on stderr)`,
  options: {
    user: { type: 'string' },
    password: { type: 'string' },
    peer: { type: 'string' },
    send: { type: 'string' },
    channel: { type: 'boolean' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
  },
  // @exception RFC8656 P22L32-P22L34: the server is given as IP:PORT over UDP, not as a turn: or turns: URI (no discovery, §4)
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError(`relay wants one TURN server IP:PORT, got ${positionals.length}`);
    const server = endpoint(positionals[0]!, 'the TURN server');
    for (const name of ['user', 'password', 'peer', 'send']) {
      if (typeof values[name] !== 'string') throw new UsageError(`relay wants --${name}`);
    }
    const p = endpoint(values.peer as string, '--peer');
    const peer: TransportAddress = { family: isIPv6(p.address) ? 'IPv6' : 'IPv4', ...p };
    const text = values.send as string;
    const wait = wholeOption(values, 'wait', 5000, 1, 600_000);
    const useChannel = values.channel === true;
    let transport: UdpClientTransport;
    try {
      transport = await UdpClientTransport.open(server);
    } catch (e) {
      throw new StunCommandError(`${formatEndpoint(server)}: ${(e as Error).message}`);
    }
    const client = new TurnClient(transport, { username: values.user as string, password: values.password as string });
    const replies: Received[] = [];
    let replied: () => void = () => {};
    client.onData = (r) => {
      if (r.peer.address !== peer.address || r.peer.port !== peer.port) return;
      replies.push(r);
      replied();
    };
    try {
      const relayed = await step(server, 'Allocate', () => client.allocate());
      await step(server, 'CreatePermission', () => client.permit(peer));
      const channel = useChannel ? await step(server, 'ChannelBind', () => client.bindChannel(peer)) : undefined;
      const data = new TextEncoder().encode(text);
      if (useChannel) client.sendChannel(peer, data);
      else client.send(peer, data);
      const reply = await new Promise<Received | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), wait);
        replied = () => {
          clearTimeout(timer);
          resolve(replies[0]);
        };
      });
      if (reply === undefined) throw new StunCommandError(`no reply from ${formatEndpoint(peer)} through ${formatEndpoint(relayed)} within ${wait} ms`);
      const s = client.allocation;
      const body = new TextDecoder().decode(reply.data);
      if (values.json) {
        process.stdout.write(json({
          server, relayed, mapped: s && 'allocation' in s ? s.allocation.mapped : undefined, lifetime: s && 'allocation' in s ? s.allocation.lifetime : undefined,
          peer, sent: useChannel ? { via: 'ChannelData', channel } : { via: 'Send indication' },
          received: { via: reply.via, ...(reply.channel !== undefined && { channel: reply.channel }), text: body, bytes: reply.data },
          discarded: client.discarded,
        }));
      } else {
        process.stdout.write(`${body}\n`);
      }
      return 0;
    } finally {
      await client.close().catch(() => {});
      transport.close();
    }
  },
};

/** One step; its failure is the world's (exit 1), named with the server and the step. */
async function step<T>(server: { address: string; port: number }, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new StunCommandError(`${formatEndpoint(server)}: ${what}: ${(e as Error).message}`);
  }
}
