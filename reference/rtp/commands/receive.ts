/**
 * `npm run rtp -- receive --listen IP:PORT --out OUT.wav`: RTP on PORT and
 * RTCP on PORT + 1 into an RtpSession (../session/), each source's packets
 * through its playout buffer, the audio mixed into a WAV file, digits from
 * RFC 4733 telephone-events (../dtmf/), and at the end the RTCP view of
 * each source: packets, loss, jitter, RTT where known, its sender reports.
 * Plumbing: the rules are in the modules it wires together.
 *
 * Limits, each with a default and a flag: the largest datagram taken, how
 * long it receives (which bounds the recording), how many sources it keeps
 * (the session's table, and one playout buffer and DTMF receiver each).
 */
import { type Command, UsageError } from '../../../tools/command.ts';
import { systemClock } from '../../clock.ts';
import { writeWav } from '../media/wav.ts';
import { RtpSession, type SourceStats } from '../session/session.ts';
import { bindPair, Outbox } from './sockets.ts';
import { codecOption, describeStream, endpointOption, formatEndpoint, integerOption, payloadTypes, rtcpPort, type Endpoint } from './stream.ts';
import { StreamReceiver, type Track } from './media.ts';
import { hex, json, percent, whenSignalled, writeOut } from './output.ts';

/** The defaults and ceilings of the limits. */
export const LIMITS = {
  seconds: { fallback: 60, max: 3600 },
  /** An Ethernet MTU's worth: an RTP packet is sent in one datagram, and 20 ms of any codec here fits. */
  datagram: { fallback: 1500, min: 12, max: 65535 },
  sources: { fallback: 16, max: 1000 },
  delayMs: { fallback: 100, max: 2000 },
} as const;

/** How often the playout buffers are emptied and the DTMF receivers told the time. */
const PUMP_MS = 10;

export const receiveCommand: Command = {
  summary: 'receive RTP (and RTCP) into a WAV file, and print what RTCP says of each source',
  usage: `rtp receive --listen IP:PORT --out OUT.wav [--seconds N] [--codec PCMU|PCMA|L16] [--peer IP:PORT] [--json]
  --listen        where RTP comes, RTCP on PORT + 1 (an odd PORT is taken as the even one below)
  --out           the WAV file written at the end (16-bit, 8 kHz, mono): every source, mixed
  --seconds       how long to receive: default ${LIMITS.seconds.fallback}, at most ${LIMITS.seconds.max}; it ends sooner once every source sent a BYE, or on Ctrl-C
  --codec         PCMU (default, payload type 0), PCMA (8) or L16 at 8 kHz (96); telephone-events on 96 (97 with L16)
  --peer          the sender's RTP port (as its --from), our RTCP reports going to PORT + 1; without it none
                  are sent, since a packet's source port is not where its sender receives (RFC 3550 §11)
  --delay         the playout delay, ms (default ${LIMITS.delayMs.fallback})
  --max-datagram  the largest datagram taken, octets (default ${LIMITS.datagram.fallback}); larger ones are dropped and counted
  --max-sources   how many sources are kept (default ${LIMITS.sources.fallback}); packets of more are dropped and counted
  --json          the result as JSON
exit 1 when no RTP was received (the WAV is written all the same) or --listen cannot be bound`,
  options: {
    listen: { type: 'string' },
    out: { type: 'string' },
    seconds: { type: 'string' },
    codec: { type: 'string' },
    peer: { type: 'string' },
    delay: { type: 'string' },
    'max-datagram': { type: 'string' },
    'max-sources': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length > 0) throw new UsageError(`receive takes no file (the WAV is --out), got ${positionals.join(' ')}`);
    const warn = (line: string) => process.stderr.write(`rtp receive: ${line}\n`);
    const listen = endpointOption(values, 'listen', warn);
    if (!listen) throw new UsageError('receive needs --listen IP:PORT');
    const out = values.out as string | undefined;
    if (out === undefined) throw new UsageError('receive needs --out OUT.wav');
    const peer = endpointOption(values, 'peer', warn);
    const seconds = integerOption(values, 'seconds', 1, LIMITS.seconds.max, LIMITS.seconds.fallback);
    const maxDatagram = integerOption(values, 'max-datagram', LIMITS.datagram.min, LIMITS.datagram.max, LIMITS.datagram.fallback);
    const maxSources = integerOption(values, 'max-sources', 1, LIMITS.sources.max, LIMITS.sources.fallback);
    const delayMs = integerOption(values, 'delay', 0, LIMITS.delayMs.max, LIMITS.delayMs.fallback);
    const codec = codecOption(values);
    const stream = describeStream(codec, listen, 'recvonly');
    writeOut('out', out, writeWav(new Int16Array(0))); // refused now, not after the whole run

    const sockets = await bindPair(listen);
    const outbox = new Outbox();
    const rtcpTo: Endpoint | undefined = peer && { host: peer.host, port: rtcpPort(peer.port) };
    const senderReports = new Map<number, number>();
    const receiver = new StreamReceiver(stream, { delayMs, maxSources, maxSamples: seconds * codec.clockRate, now: () => systemClock.now() });
    const { tracks, drops, recording } = receiver;
    const signalled = whenSignalled();

    const session = new RtpSession({
      clock: systemClock,
      sessionBandwidth: codec.bitRate,
      payloadTypes: payloadTypes(stream),
      maxSources,
      // Reports go only where the sender said it receives them, never back to a source port.
      // @implements RFC3550 P68L36-P68L41
      send: { rtcp: (bytes) => rtcpTo && outbox.send(sockets.rtcp, bytes, rtcpTo) },
      onPacket: receiver.onPacket,
      onBye: receiver.onBye,
    });
    const pump = (now: number) => receiver.pump(now);

    const take = (bytes: Buffer, from: string, receive: (b: Uint8Array, from: string) => unknown) => {
      if (bytes.length > maxDatagram) return drops.count('datagram-size', `${bytes.length} octets from ${from}, more than --max-datagram ${maxDatagram}`);
      receive(bytes, from);
    };
    sockets.rtp.on('message', (b, r) => take(b, `${r.address}:${r.port}`, (x, f) => session.receiveRtp(x, f)));
    sockets.rtcp.on('message', (b, r) =>
      take(b, `${r.address}:${r.port}`, (x, f) => {
        // An SR may come before its source's first RTP (ffmpeg sends one with its first packet): counted by SSRC, for the sources the session keeps.
        for (const p of session.receiveRtcp(x, f) ?? []) {
          if (p.type === 'SR' && session.table.entries.has(p.ssrc) && (senderReports.has(p.ssrc) || senderReports.size < 2 * maxSources)) senderReports.set(p.ssrc, (senderReports.get(p.ssrc) ?? 0) + 1);
        }
      }),
    );

    process.stderr.write(`rtp receive: listening on ${formatEndpoint(listen)} (RTP) and ${formatEndpoint({ host: listen.host, port: rtcpPort(listen.port) })} (RTCP) for ${seconds} s\n`);
    const started = performance.now();
    session.start();
    const timer = setInterval(() => pump(systemClock.now()), PUMP_MS);
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([
      new Promise<string>((resolve) => (deadline = setTimeout(() => resolve(`${seconds} s`), seconds * 1000))),
      receiver.everyoneLeft.then(() => 'every source sent a BYE'),
      signalled.arrived.then(() => `interrupted (${signalled.name})`),
    ]);
    clearTimeout(deadline);
    clearInterval(timer);
    try {
      sockets.rtp.removeAllListeners('message'); // the recording is closed: nothing more is taken
      pump(Infinity); // what is still buffered plays now
      session.leave('end of recording');
      await outbox.drained();
    } finally {
      session.stop();
      signalled.dispose();
      await sockets.close();
    }
    const samples = recording.samples();
    writeOut('out', out, writeWav(samples));

    const stats = new Map(session.stats().map((s) => [s.ssrc, s]));
    const result = {
      listen: formatEndpoint(listen),
      out,
      codec: codec.name,
      payloadType: stream.audio.payloadType,
      eventPayloadType: stream.events.payloadType,
      ended,
      seconds: (performance.now() - started) / 1000,
      recordedSeconds: samples.length / codec.clockRate,
      ssrc: session.ssrc,
      cname: session.cname,
      reportsSent: rtcpTo ? session.counts.reportsSent : 0,
      sources: [...tracks.values()].map((t) => sourceJson(t, stats.get(t.ssrc), senderReports.get(t.ssrc) ?? 0)),
      digits: receiver.digits,
      drops: { receiver: drops.toJSON(), rtp: session.rtpDrops.toJSON(), rtcp: session.rtcpDrops.toJSON(), recent: [...drops.recent, ...session.rtpDrops.recent, ...session.rtcpDrops.recent].slice(-16) },
      recording: { outside: recording.outside, clipped: recording.clipped },
    };
    process.stdout.write(values.json ? json(result) : summary(result));
    if (tracks.size === 0) {
      process.stderr.write(`rtp receive: no RTP received on ${formatEndpoint(listen)} (${ended})\n`);
      return 1;
    }
    return signalled.exitCode ?? 0;
  },
};

function sourceJson(t: Track, s: SourceStats | undefined, senderReports: number) {
  return {
    ssrc: t.ssrc,
    cname: s?.cname,
    from: t.from,
    state: s?.state ?? 'forgotten',
    packets: s?.packets ?? 0,
    octets: s?.octets ?? 0,
    expected: s?.expected,
    lost: s?.cumulativeLost,
    /** In our last report on it, in 1/256. */
    fractionLost: s?.fractionLost ?? 0,
    jitter: s?.jitter,
    jitterMs: s?.jitterMs,
    rtt: s?.rtt,
    senderReports,
    bye: t.bye,
    playout: { ...t.playout.counts },
    digits: t.digits,
  };
}

function summary(r: { listen: string; out: string; ended: string; recordedSeconds: number; sources: ReturnType<typeof sourceJson>[]; digits: string; drops: { receiver: Record<string, number>; rtp: Record<string, number>; rtcp: Record<string, number> } }): string {
  const lines = [`received on ${r.listen} until ${r.ended}; wrote ${r.out}: ${r.recordedSeconds.toFixed(2)} s`];
  for (const s of r.sources) {
    const loss = s.expected === undefined ? 'loss unknown' : `${s.lost} lost of ${s.expected} expected`;
    const rtt = s.rtt === undefined ? 'RTT unknown' : `RTT ${(s.rtt * 1000).toFixed(1)} ms`;
    lines.push(
      `source ${hex(s.ssrc)}${s.cname ? ` (${s.cname})` : ''} from ${s.from}: ${s.packets} packets, ${loss}, fraction lost ${percent(s.fractionLost)} in our last report, ` +
        `jitter ${s.jitterMs === undefined ? '?' : s.jitterMs.toFixed(2)} ms, ${rtt}; ${s.senderReports} sender report(s)${s.bye ? ', BYE' : ''}`,
    );
    const p = s.playout;
    lines.push(`  playout: ${p.played} played, ${p.late} late, ${p.missing} missing, ${p.duplicates} duplicate, ${p.overflow} over capacity`);
  }
  if (r.digits) lines.push(`digits: ${r.digits}`);
  const dropped = { ...r.drops.receiver, ...r.drops.rtp, ...Object.fromEntries(Object.entries(r.drops.rtcp).map(([k, v]) => [`rtcp ${k}`, v])) };
  if (Object.keys(dropped).length) lines.push(`dropped: ${Object.entries(dropped).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
