/**
 * The `uas` and `call` commands of `npm run sip`.
 *
 *   uas --listen <ip:port> [--sent-by <host>] [--quiet] [--t1 ms] [--t2 ms] [--t4 ms] [media] [--play F | --echo] [--record F] [limits]
 *       answers every INVITE with 200 OK and the answer to its offer (RFC 3264; 488 or 400 when there is
 *       none), handles ACK, BYE, CANCEL, OPTIONS and re-INVITE; one log line per transaction on stderr;
 *       SIGUSR2 prints a stats line (memory and table sizes) on stderr; SIGINT/SIGTERM close the sockets
 *       and exit 0.
 *   call <sip-uri> [--from <uri>] [--duration <s>] [--hold-after <s> [--resume-after <s>]] [--listen <ip:port>]
 *        [--user <u> --password <p>] [media]
 *       places a call, keeps it up (putting it on hold and off it when asked), hangs up; exit 0 only when
 *       it was answered, every re-INVITE got a 2xx and the BYE got a 200.
 *   media: --codecs list, --address IP, --port n (../ua/mediaFlags.ts); the call's audio:
 *       --play FILE.wav, --record OUT.wav, --dtmf DIGITS (call), --echo (uas) (flags.ts, callMedia.ts).
 *
 * They live in sip/media, above the UA, because they run RTP: the UA's core
 * knows nothing of it and gives the negotiated streams (Call.streams).
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { nonNegativeOption as number, parseListen, timerFlags, timerOptions, untilStopped, UsageError, type Command } from '../usage.ts';
import { limitFlags, limitOptions, limitUsage } from '../transport/flags.ts';
import { parseUri } from '../syntax/uri.ts';
import { uriDestination } from '../ua/uac.ts';
import { UserAgent } from '../ua/userAgent.ts';
import type { Call } from '../ua/call.ts';
import { checkDefaultMediaAddress, mediaFlags, mediaOptions, mediaUsage } from '../ua/mediaFlags.ts';
import { summary, type Change } from '../ua/session.ts';
import type { SessionDescription } from '../../sdp/description/types.ts';
import { writeWavFile } from '../../rtp/media/wav.ts';
import { audioStream, CallMedia, describeReport } from './callMedia.ts';
import { playFlags, playOptions, playUsage, type PlayFlags } from './flags.ts';

/** Our SDP's m= port when --port is not given (the UA's default). */
const DEFAULT_MEDIA_PORT = 49170;

const stamp = () => new Date().toISOString().slice(11, 23);

export const uasCommand: Command = {
  summary: 'a user agent server: answers INVITE with 200 OK and the answer to its SDP offer, handles ACK, BYE, CANCEL, OPTIONS, re-INVITE',
  usage: `sip uas --listen <ip:port> [--sent-by <host>] [--quiet] [--t1 ms] [--t2 ms] [--t4 ms] [--codecs list] [--address IP] [--port n]
        [--play FILE.wav | --echo] [--record OUT.wav] [limits]
  --listen      address and port for UDP and TCP (port 0: any free one; the chosen one is printed)
  --sent-by     host for Via and Contact (default: the listen address)
  --quiet       no per-transaction log lines
${mediaUsage}
${playUsage}
  --echo            send back what the caller sends (one call's media at a time: another INVITE meanwhile gets 486)
                    digits received (RFC 4733 telephone-events) are printed on stdout as they come, and a report at the end
  An offer with no acceptable format gets 488 with a Warning (304/305), an SDP that does not parse 400 naming the error.
${limitUsage}
  SIGUSR2 prints "stats {json}" (memory, table sizes) on stderr; SIGINT/SIGTERM stop it cleanly.`,
  options: {
    listen: { type: 'string' },
    'sent-by': { type: 'string' },
    quiet: { type: 'boolean' },
    echo: { type: 'boolean' },
    ...playOptions,
    ...mediaOptions,
    ...timerOptions,
    ...limitOptions,
  },
  async run(values) {
    if (typeof values.listen !== 'string') throw new UsageError('uas needs --listen <ip:port>');
    const listen = parseListen(values.listen);
    const media = mediaFlags(values);
    if (media.address === undefined) checkDefaultMediaAddress((values['sent-by'] as string | undefined) ?? listen.host, values['sent-by'] !== undefined ? '--sent-by' : '--listen');
    const play = playFlags(values, media.port ?? DEFAULT_MEDIA_PORT);
    const ua = await UserAgent.start({
      listen,
      sentByHost: values['sent-by'] as string | undefined,
      timers: timerFlags(values),
      limits: limitFlags(values),
      media,
    });
    if (values.quiet !== true) ua.on('log', (line: string) => process.stderr.write(`${stamp()} ${line}\n`));
    const local = { host: media.address ?? (values['sent-by'] as string | undefined) ?? listen.host, port: media.port ?? DEFAULT_MEDIA_PORT };
    let busy = false;
    ua.on('invite', async (call: Call) => {
      if (!play.media) return call.accept();
      if (busy) return call.reject(486, 'Busy Here (one call with media at a time)');
      busy = true;
      const stream = audioStream(call.streams);
      let running: CallMedia | undefined;
      try {
        if (typeof stream === 'string') throw new Error(stream);
        running = await CallMedia.start(stream, { local, play: play.play, echo: play.echo, onDigit: (d) => process.stdout.write(`digit ${d}\n`) });
      } catch (e) {
        busy = false;
        process.stderr.write(`uas: no media for the call: ${(e as Error).message}\n`);
        return call.reject(500, 'Media Unavailable');
      }
      call.once('ended', () => void finish(running!, play, 'the call ended').finally(() => (busy = false)));
      call.accept();
    });
    const bound = ua.transport.local.udp;
    process.stderr.write(`uas listening on ${bound.host}:${bound.port} (UDP and TCP)\n`);
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
  summary: 'place a call: INVITE with an SDP offer (answering a digest challenge), hold and resume re-INVITEs, BYE; exit 0 when all went well',
  usage: `sip call <sip-uri> [--from <uri>] [--duration <s>] [--hold-after <s> [--resume-after <s>]] [--listen <ip:port>] [--user <u> --password <p>]
         [--codecs list] [--address IP] [--port n] [--play FILE.wav] [--record OUT.wav] [--dtmf DIGITS] [--t1 ms] [--t2 ms] [--t4 ms] [limits]
  --duration      seconds from the answer to the BYE (default 1, or with --play/--dtmf until they are sent and 1 s more; the BYE waits for the re-INVITEs below)
  --hold-after    seconds from the answer to a re-INVITE putting the call on hold (sendonly, RFC 3264 §8.4)
  --resume-after  seconds from the hold's answer to a re-INVITE taking it off hold (needs --hold-after)
                  each answer's o= version and directions are logged; a 491 is retried after RFC 3261 §14.1's delay
  --listen        local address and port (default: the address that routes to the target, any free port)
  --user/--password  credentials for a 401/407 challenge
${mediaUsage}
${playUsage}
  --dtmf DIGITS     send digits of 0-9 * # A-D as RFC 4733 telephone-events (100 ms each, one every 200 ms, from 0.2 s)
${limitUsage}`,
  options: {
    from: { type: 'string' },
    duration: { type: 'string' },
    listen: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    quiet: { type: 'boolean' },
    'hold-after': { type: 'string' },
    'resume-after': { type: 'string' },
    dtmf: { type: 'string' },
    ...playOptions,
    ...mediaOptions,
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
    const given = number(values, 'duration');
    const holdAfter = number(values, 'hold-after');
    const resumeAfter = number(values, 'resume-after');
    if (resumeAfter !== undefined && holdAfter === undefined) throw new UsageError('--resume-after counts from the hold: give --hold-after too');
    const media = mediaFlags(values);
    const play = playFlags(values, media.port ?? DEFAULT_MEDIA_PORT);
    // What there is to send, and a second for the far end's last packets (an echo's included) to come back.
    const duration = given ?? (play.play || play.dtmf ? Math.max(play.playSeconds, 0.2 * ((play.dtmf?.length ?? 0) + 1)) + 1 : 1);
    const listen =
      typeof values.listen === 'string'
        ? parseListen(values.listen)
        : { host: await localAddressFor(uriDestination(target).host), port: 0 };
    if (media.address === undefined) checkDefaultMediaAddress(listen.host, '--listen');
    const ua = await UserAgent.start({ listen, timers: timerFlags(values), limits: limitFlags(values), media });
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
      const start = Date.now();
      log(`call answered: ${described(call.session.remote)}; up for ${duration} s`);
      let running: CallMedia | undefined;
      if (play.media) {
        const stream = audioStream(call.streams);
        try {
          if (typeof stream === 'string') throw new Error(stream);
          running = await CallMedia.start(stream, { local: { host: media.address ?? listen.host, port: media.port ?? DEFAULT_MEDIA_PORT }, play: play.play, dtmf: play.dtmf, onDigit: (d) => process.stdout.write(`digit ${d}\n`) });
        } catch (e) {
          process.stderr.write(`call: no media: ${(e as Error).message}\n`);
          await call.bye();
          return 1;
        }
      }
      const ended = new Promise<'ended'>((r) => call.once('ended', () => r('ended')));
      const wait = (s: number) => Promise.race([new Promise<'time'>((r) => setTimeout(() => r('time'), s * 1000)), interrupted, ended]);
      let modified = true;
      const steps: [Change, number][] = holdAfter === undefined ? [] : [['hold', holdAfter], ...(resumeAfter === undefined ? [] : [['resume', resumeAfter] as [Change, number]])];
      for (const [change, after] of steps) {
        if ((await wait(after)) !== 'time') break;
        const status = await modify(call, change);
        log(`${change} re-INVITE answered ${status}${status < 300 ? `: ${described(call.session.remote)}` : ''}`);
        if (status >= 300) modified = false;
      }
      if (call.state !== 'Ended') await wait(Math.max(0, duration - (Date.now() - start) / 1000));
      if (call.state === 'Ended') {
        if (running) await finish(running, play, 'the other side hung up');
        process.stderr.write('call ended by the other side\n');
        return 1;
      }
      // Hanging up: the RTCP BYE first (RFC 3550 §6.3.7), then the SIP BYE; the far end's RTCP BYE is waited for a moment.
      await running?.leave('hanging up');
      const status = await call.bye();
      log(`BYE answered ${status}`);
      if (running) {
        await new Promise((r) => setTimeout(r, FAR_BYE_MS));
        await finish(running, play, 'hung up');
      }
      return status === 200 && modified ? 0 : 1;
    } finally {
      await ua.close();
    }
  },
};

/** How long a caller that hung up still listens for the far end's RTCP BYE. */
const FAR_BYE_MS = 300;

/** Ends a call's media: the RTCP BYE if not yet sent, --record written, the report on stdout. */
async function finish(running: CallMedia, play: PlayFlags, reason: string): Promise<void> {
  const { report, recording } = await running.close(reason);
  if (play.record !== undefined) writeWavFile(play.record, recording);
  process.stdout.write(describeReport(report));
}

/** A re-INVITE's final status; after a 491, that of its §14.1 retry (the call ending first: 491). */
async function modify(call: Call, change: Change): Promise<number> {
  let status = await call.reinvite(change);
  while (status === 491 && call.state === 'Confirmed') {
    status = await new Promise<number>((resolve) => {
      const settle = (s: number) => {
        call.off('reinvited', onRetry);
        call.off('ended', onEnd);
        resolve(s);
      };
      const onRetry = (s: number, retry: boolean) => retry && settle(s);
      const onEnd = () => settle(491);
      call.on('reinvited', onRetry);
      call.on('ended', onEnd);
    });
  }
  return status;
}

/** An answer as the log shows it: its o= version and each stream's direction. */
function described(answer: SessionDescription | undefined): string {
  if (answer === undefined) return 'no session description';
  const { version, directions } = summary(answer);
  return `o= version ${version}, ${answer.media.map((m, i) => `${m.media} ${m.port} ${directions[i]}`).join(', ')}`;
}
