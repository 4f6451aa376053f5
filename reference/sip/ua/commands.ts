/**
 * The `uas` and `call` commands of `npm run sip`.
 *
 *   uas --listen <ip:port> [--sent-by <host>] [--quiet] [--t1 ms] [--t2 ms] [--t4 ms] [--media-port n] [limits]
 *       answers every INVITE with 200 OK and a minimal SDP, handles ACK, BYE, CANCEL, OPTIONS; one log line
 *       per transaction on stderr; SIGUSR2 prints a stats line (memory and table sizes) on stderr;
 *       SIGINT/SIGTERM close the sockets and exit 0.
 *   call <sip-uri> [--from <uri>] [--duration <s>] [--listen <ip:port>] [--user <u> --password <p>]
 *       places a call, holds it, hangs up; exit 0 only when it was answered and the BYE got a 200.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { nonNegativeOption as number, parseListen, timerFlags, timerOptions, untilStopped, UsageError, type Command } from '../usage.ts';
import { limitFlags, limitOptions, limitUsage } from '../transport/flags.ts';
import { parseUri } from '../syntax/uri.ts';
import { uriDestination } from './uac.ts';
import { UserAgent } from './userAgent.ts';

const stamp = () => new Date().toISOString().slice(11, 23);

export const uasCommand: Command = {
  summary: 'a user agent server: answers INVITE with 200 OK + SDP, handles ACK, BYE, CANCEL, OPTIONS',
  usage: `sip uas --listen <ip:port> [--sent-by <host>] [--quiet] [--t1 ms] [--t2 ms] [--t4 ms] [--media-port n] [limits]
  --listen      address and port for UDP and TCP (port 0: any free one; the chosen one is printed)
  --sent-by     host for Via and Contact (default: the listen address)
  --quiet       no per-transaction log lines
${limitUsage}
  SIGUSR2 prints "stats {json}" (memory, table sizes) on stderr; SIGINT/SIGTERM stop it cleanly.`,
  options: {
    listen: { type: 'string' },
    'sent-by': { type: 'string' },
    quiet: { type: 'boolean' },
    'media-port': { type: 'string' },
    ...timerOptions,
    ...limitOptions,
  },
  async run(values) {
    if (typeof values.listen !== 'string') throw new UsageError('uas needs --listen <ip:port>');
    const listen = parseListen(values.listen);
    const ua = await UserAgent.start({
      listen,
      sentByHost: values['sent-by'] as string | undefined,
      timers: timerFlags(values),
      limits: limitFlags(values),
      mediaPort: number(values, 'media-port'),
    });
    if (values.quiet !== true) ua.on('log', (line: string) => process.stderr.write(`${stamp()} ${line}\n`));
    ua.on('invite', (call) => call.accept());
    const local = ua.transport.local.udp;
    process.stderr.write(`uas listening on ${local.host}:${local.port} (UDP and TCP)\n`);
    process.on('SIGUSR2', () => {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      const stats = { rss: m.rss, heapUsed: m.heapUsed, ...ua.stats() };
      process.stderr.write(`stats ${JSON.stringify(stats)}\n`);
    });
    const signal = await untilStopped();
    process.stderr.write(`uas: ${signal}, shutting down\n`);
    await ua.close();
    return 0;
  },
};

/** The local address the operating system would use to reach `host` (no packet is sent). */
function localAddressFor(host: string): Promise<string> {
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.connect(9, host, () => {
      const address = socket.address().address;
      socket.close();
      resolve(address);
    });
  });
}

export const callCommand: Command = {
  summary: 'place a call: INVITE (answering a digest challenge), hold, BYE; exit 0 when answered and ended cleanly',
  usage: `sip call <sip-uri> [--from <uri>] [--duration <s>] [--listen <ip:port>] [--user <u> --password <p>] [--t1 ms] [--t2 ms] [--t4 ms] [limits]
  --duration    seconds to hold the call before the BYE (default 1)
  --listen      local address and port (default: the address that routes to the target, any free port)
  --user/--password  credentials for a 401/407 challenge
${limitUsage}`,
  options: {
    from: { type: 'string' },
    duration: { type: 'string' },
    listen: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    quiet: { type: 'boolean' },
    ...timerOptions,
    ...limitOptions,
  },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError('call takes one target SIP URI');
    let target;
    try {
      target = parseUri(positionals[0] as string, undefined, 'target URI');
      uriDestination(target);
    } catch (error) {
      throw new UsageError(`bad target ${JSON.stringify(positionals[0])}: ${(error as Error).message}`);
    }
    if ((values.user === undefined) !== (values.password === undefined)) throw new UsageError('--user and --password go together');
    const duration = number(values, 'duration') ?? 1;
    const listen =
      typeof values.listen === 'string'
        ? parseListen(values.listen)
        : { host: await localAddressFor(uriDestination(target).host), port: 0 };
    const ua = await UserAgent.start({ listen, timers: timerFlags(values), limits: limitFlags(values) });
    const log = (line: string) => {
      if (values.quiet !== true) process.stderr.write(`${stamp()} ${line}\n`);
    };
    ua.on('log', log);
    try {
      const call = ua.invite(target, {
        from: values.from as string | undefined,
        credentials: values.user !== undefined ? { username: values.user as string, password: values.password as string } : undefined,
      });
      const interrupted = new Promise<'interrupted'>((resolve) => process.once('SIGINT', () => resolve('interrupted')));
      const answered = await Promise.race([call.answered(), interrupted]);
      if (answered !== true) {
        if (answered === 'interrupted') await call.cancel();
        process.stderr.write(`call failed: ${call.status ?? 'interrupted'}\n`);
        return 1;
      }
      log(`call answered, holding ${duration} s`);
      await Promise.race([new Promise((r) => setTimeout(r, duration * 1000)), interrupted, new Promise((r) => call.once('ended', r))]);
      if (call.state === 'Ended') {
        process.stderr.write('call ended by the other side\n');
        return 1;
      }
      const status = await call.bye();
      log(`BYE answered ${status}`);
      return status === 200 ? 0 : 1;
    } finally {
      await ua.close();
    }
  },
};
