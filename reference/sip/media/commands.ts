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
 *       --play FILE.wav, --record OUT.wav, --dtmf DIGITS (call), --echo (uas), --rtcp-mux (flags.ts, callMedia.ts);
 *       the uas gives each call with media its own port pair (ports.ts), and each re-INVITE is applied to
 *       the running media (follow).
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
import { DEFAULT_CODECS, UserAgent } from '../ua/userAgent.ts';
import type { Call } from '../ua/call.ts';
import { checkDefaultMediaAddress, mediaFlags, mediaOptions, mediaUsage } from '../ua/mediaFlags.ts';
import { summary, type Change } from '../ua/session.ts';
import type { SessionDescription } from '../../sdp/description/types.ts';
import { audioCapabilities, codecsFromNames, createAnswer, type Capabilities, type NegotiatedStream } from '../../sdp/offerAnswer/index.ts';
import { writeWavFile } from '../../rtp/media/wav.ts';
import { BindError, bindPair, type SocketPair } from '../../rtp/commands/sockets.ts';
import { audioStream, CallMedia, describeCounts, describeReport } from './callMedia.ts';
import { playFlags, playOptions, playUsage } from './flags.ts';
import { MAX_MEDIA_CALLS, PortPairs } from './ports.ts';

/** Our SDP's m= port when --port is not given (the UA's default). */
const DEFAULT_MEDIA_PORT = 49170;

const stamp = () => new Date().toISOString().slice(11, 23);

export const uasCommand: Command = {
  summary: 'a user agent server: answers INVITE with 200 OK and the answer to its SDP offer, handles ACK, BYE, CANCEL, OPTIONS, re-INVITE',
  usage: `sip uas --listen <ip:port> [--sent-by <host>] [--quiet] [--t1 ms] [--t2 ms] [--t4 ms] [--codecs list] [--address IP] [--port n]
        [--play FILE.wav | --echo] [--record OUT.wav] [--rtcp-mux] [limits]
  --listen      address and port for UDP and TCP (port 0: any free one; the chosen one is printed)
  --sent-by     host for Via and Contact (default: the listen address)
  --quiet       no per-transaction log lines
${mediaUsage}
${playUsage}
  --echo            send back what the caller sends
                    each call with media has its own RTP/RTCP port pair: from --port upward in steps of 2, or any free
                    pair without --port; at most ${MAX_MEDIA_CALLS} at once (another INVITE meanwhile gets 486); back on BYE.
                    --record OUT.wav: the first call's recording goes to OUT.wav, the n-th's to OUT-n.wav
                    a re-INVITE's new address, port, codec or direction (hold: no RTP sent, RTCP goes on) applies at once
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
    const host = media.address ?? (values['sent-by'] as string | undefined) ?? listen.host;
    // Before any socket is open: a range it refuses is an error here, not in a process left listening.
    const pairs = new PortPairs(host, media.port);
    const ua = await UserAgent.start({
      listen,
      sentByHost: values['sent-by'] as string | undefined,
      timers: timerFlags(values),
      limits: limitFlags(values),
      media: { ...media, rtcpMux: play.rtcpMux },
    });
    const log = (line: string) => {
      if (values.quiet !== true) process.stderr.write(`${stamp()} ${line}\n`);
    };
    ua.on('log', log);
    let answered = 0;
    /** Each call's media still running, ended on SIGINT/SIGTERM before the UA closes (RTCP BYE, recording, report, pair back). */
    const live = new Set<(reason: string) => Promise<void>>();
    ua.on('invite', async (call: Call) => {
      if (!play.media) return call.accept();
      let sockets;
      try {
        sockets = await pairs.take();
      } catch (e) {
        if (!(e instanceof BindError)) throw e;
        return call.reject(486, `Busy Here (${(e as Error).message})`);
      }
      // The call's own pair: the answer names its port, and so do the call's later answers and offers.
      const local: Capabilities = audioCapabilities({ address: host, port: sockets.port, codecs: media.codecs ?? codecsFromNames(DEFAULT_CODECS), rtcpMux: play.rtcpMux });
      call.media = local;
      const n = ++answered;
      let running: CallMedia;
      try {
        answerAgain(call, local);
        const stream = audioStream(call.streams);
        if (typeof stream === 'string') throw new Error(stream);
        running = await CallMedia.start(stream, { local: { host, port: sockets.port }, sockets, play: play.play, echo: play.echo, maxRecordSeconds: recordSeconds(play.record), onChange: log, onDigit: (d) => process.stdout.write(`digit ${d}\n`) });
      } catch (e) {
        await sockets.close();
        pairs.release(sockets.port);
        process.stderr.write(`uas: no media for the call: ${(e as Error).message}\n`);
        return call.reject(500, 'Media Unavailable');
      }
      let done: Promise<void> | undefined;
      const end = (reason: string) =>
        (done ??= finish(running, recordPath(play.record, n), reason).then(() => undefined).finally(() => {
          live.delete(end);
          pairs.release(sockets.port);
        }));
      live.add(end);
      follow(call, running, log);
      call.once('ended', () => void end('the call ended'));
      // Cancelled while its pair was being bound: no session, the pair goes back.
      call.once('failed', () => void end('the call failed'));
      call.accept();
      if (call.state !== 'Answered' && call.state !== 'Confirmed') void end(`the call is ${call.state}`);
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
    // The media first: a session left running keeps its sockets and timer, and the process would never exit.
    await Promise.all([...live].map((end) => end(`the uas stopped (${signal})`)));
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
         [--codecs list] [--address IP] [--port n] [--play FILE.wav] [--record OUT.wav] [--dtmf DIGITS] [--rtcp-mux] [--t1 ms] [--t2 ms] [--t4 ms] [limits]
  --duration      seconds from the answer to the BYE (default 1, or with --play/--dtmf until they are sent and 1 s more; the BYE waits for the re-INVITEs below)
  --hold-after    seconds from the answer to a re-INVITE putting the call on hold (sendonly, RFC 3264 §8.4); with media we mute
                  meanwhile (no RTP sent, none played out; RTCP goes on), and the counts so far are logged at each answer
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
    const duration = given ?? (play.play || play.dtmf ? play.sendSeconds + 1 : 1);
    const listen =
      typeof values.listen === 'string'
        ? parseListen(values.listen)
        : { host: await localAddressFor(uriDestination(target).host), port: 0 };
    if (media.address === undefined) checkDefaultMediaAddress(listen.host, '--listen');
    const ua = await UserAgent.start({ listen, timers: timerFlags(values), limits: limitFlags(values), media: { ...media, rtcpMux: play.rtcpMux } });
    const log = (line: string) => {
      if (values.quiet !== true) process.stderr.write(`${stamp()} ${line}\n`);
    };
    ua.on('log', log);
    let sockets: SocketPair | undefined;
    let running: CallMedia | undefined;
    try {
      // Our offer names this pair's port: it is ours before the offer goes, not once the answer is in (a port
      // taken meanwhile was a call answered and hung up at once; media sent on the answer found no socket).
      // @implements RFC3264 P8L33-P8L36
      if (play.media) {
        const local = { host: media.address ?? listen.host, port: media.port ?? DEFAULT_MEDIA_PORT };
        try {
          sockets = await bindPair(local);
        } catch (e) {
          if (!(e instanceof BindError)) throw e;
          process.stderr.write(`call: no media, no call placed: ${e.message}\n`);
          return 1;
        }
      }
      const call = ua.invite(target, {
        from: values.from as string | undefined,
        credentials: values.user !== undefined ? { username: values.user as string, password: values.password as string } : undefined,
      });
      // SIGTERM as SIGINT: the call is cancelled or hung up (RTCP BYE, BYE, recording, report), not cut off.
      const interrupted = untilStopped().then(() => 'interrupted' as const);
      const answered = await Promise.race([call.answered(), interrupted]);
      if (answered !== true) {
        if (answered === 'interrupted') await call.cancel();
        process.stderr.write(`call failed: ${call.status ?? 'interrupted'}\n`);
        return 1;
      }
      const start = Date.now();
      log(`call answered: ${described(call.session.remote)}; up for ${duration} s`);
      if (sockets) {
        const stream = audioStream(call.streams);
        try {
          if (typeof stream === 'string') throw new Error(stream);
          running = await CallMedia.start(stream, { local: { host: media.address ?? listen.host, port: sockets.port }, sockets, play: play.play, dtmf: play.dtmf, maxRecordSeconds: recordSeconds(play.record), onChange: log, onDigit: (d) => process.stdout.write(`digit ${d}\n`) });
        } catch (e) {
          process.stderr.write(`call: no media: ${(e as Error).message}\n`);
          await call.bye();
          return 1;
        }
        follow(call, running, log);
      }
      const ended = new Promise<'ended'>((r) => call.once('ended', () => r('ended')));
      // The timer goes when something else came first: a pending one would keep the process up to --duration after the hang-up.
      const wait = (s: number) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const time = new Promise<'time'>((r) => (timer = setTimeout(() => r('time'), s * 1000)));
        return Promise.race([time, interrupted, ended]).finally(() => clearTimeout(timer));
      };
      let modified = true;
      const steps: [Change, number][] = holdAfter === undefined ? [] : [['hold', holdAfter], ...(resumeAfter === undefined ? [] : [['resume', resumeAfter] as [Change, number]])];
      for (const [change, after] of steps) {
        if ((await wait(after)) !== 'time') break;
        // Pressing hold mutes us at once; taken off hold, we unmute once the answer is in.
        if (change === 'hold') running?.mute(true);
        const status = await modify(call, change);
        log(`${change} re-INVITE answered ${status}${status < 300 ? `: ${described(call.session.remote)}` : ''}`);
        if (change === 'resume' || status >= 300) running?.mute(false);
        if (running) log(`media so far: ${describeCounts(running.counts())}`);
        if (status >= 300) modified = false;
      }
      if (call.state !== 'Ended') await wait(Math.max(0, duration - (Date.now() - start) / 1000));
      if (call.state === 'Ended') {
        if (running) await finish(running, play.record, 'the other side hung up');
        process.stderr.write('call ended by the other side\n');
        return 1;
      }
      // Hanging up: the RTCP BYE first (RFC 3550 §6.3.7), then the SIP BYE; the far end's RTCP BYE is waited for a moment.
      await running?.leave('hanging up');
      const status = await call.bye();
      log(`BYE answered ${status}`);
      if (running) {
        await new Promise((r) => setTimeout(r, FAR_BYE_MS));
        if (!(await finish(running, play.record, 'hung up'))) return 1;
      }
      return status === 200 && modified ? 0 : 1;
    } finally {
      // A pair no session took (the call failed, or its media could not start) is closed here; a session closes its own.
      if (sockets && running === undefined) await sockets.close();
      await ua.close();
    }
  },
};

/** How long a caller that hung up still listens for the far end's RTCP BYE. */
const FAR_BYE_MS = 300;

/**
 * Ends a call's media: the RTCP BYE if not yet sent, the recording written to `record`, the report on stdout.
 * False when the recording could not be written (said on stderr): the report is printed all the same, and a
 * uas goes on with its other calls rather than die of one file.
 */
async function finish(running: CallMedia, record: string | undefined, reason: string): Promise<boolean> {
  const { report, recording } = await running.close(reason);
  let written = '';
  try {
    if (record !== undefined) writeWavFile(record, recording);
    if (record !== undefined) written = `  recording written to ${record}\n`;
  } catch (e) {
    process.stderr.write(`recording of ${report.local} not written to ${record}: ${(e as Error).message}\n`);
  }
  process.stdout.write(describeReport(report) + written);
  return record === undefined || written !== '';
}

/** Without --record nothing is kept: each call would hold up to MAX_RECORD_SECONDS of audio (57.6 MB) for nobody. */
const recordSeconds = (record: string | undefined): number | undefined => (record === undefined ? 0 : undefined);

/** Where the uas writes the n-th call's recording: OUT.wav for the first, OUT-n.wav (before its extension) for the others. */
export function recordPath(record: string | undefined, n: number): string | undefined {
  if (record === undefined || n === 1) return record;
  const dot = record.toLowerCase().endsWith('.wav') ? record.length - 4 : record.length;
  return `${record.slice(0, dot)}-${n}${record.slice(dot)}`;
}

/** Each exchange the call settles from now on (a re-INVITE's, either way) is applied to its running media. */
export function follow(call: Call, running: CallMedia, log: (line: string) => void): void {
  call.on('streams', (streams: NegotiatedStream[]) => {
    const stream = audioStream(streams);
    try {
      // No audio stream any more (port 0): nothing is sent, RTCP stops with it.
      running.update(typeof stream === 'string' ? { ...running.stream, rejected: true, direction: 'inactive', send: [], receive: [] } : stream);
    } catch (e) {
      log(`media: the new exchange cannot be applied (${(e as Error).message}): the media goes on as it was`);
    }
  });
}

/**
 * The answer to the INVITE's offer made again with the call's own
 * capabilities (its port pair): the UA answered it, as it arrived, with its
 * default ones. The same offer and codecs, so the same formats and
 * directions; only the port differs. With no offer in the INVITE there is
 * nothing to redo: our offer in the 2xx is made from `call.media`.
 */
function answerAgain(call: Call, local: Capabilities): void {
  const oa = call.offerAnswer;
  if (oa.state !== 'HaveRemoteOffer') return;
  const result = createAnswer(oa.offer, local, oa.stable);
  if (!result.ok) throw new Error(`the offer the UA answered cannot be answered with the call's own port: ${result.reason}`);
  call.answer = result.answer;
  call.streams = result.streams;
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
