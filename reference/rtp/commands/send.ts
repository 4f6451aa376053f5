/**
 * `npm run rtp -- send FILE.wav --to IP:PORT`: a WAV file as an RTP stream,
 * paced at the media clock (one 20 ms packet every 20 ms), with the RTCP an
 * RtpSession (../session/) sends on its timer, digits as RFC 4733
 * telephone-events (../dtmf/) in the same stream, and an RTCP BYE at the
 * end. Plumbing: the rules are in the modules it wires together.
 */
import { isIP } from 'node:net';
import { UsageError, type Command } from '../../../tools/command.ts';
import { systemClock } from '../../clock.ts';
import { serialize } from '../../sdp/description/serialize.ts';
import { DTMF_DIGITS } from '../dtmf/events.ts';
import { readWavFile } from '../media/wav.ts';
import { RtpSession } from '../session/session.ts';
import type { ReportBlock } from '../rtcp/types.ts';
import { bindAnyPair, bindPair, Outbox } from './sockets.ts';
import { codecOption, describeStream, endpointOption, formatEndpoint, integerOption, payloadTypes, rtcpPort, type Endpoint } from './stream.ts';
import { MAX_DIGITS, playStream } from './media.ts';
import { hex, json, percent, whenSignalled, writeOut } from './output.ts';

/** Report blocks on us kept, the newest. */
const KEPT_REPORTS = 64;

export const sendCommand: Command = {
  summary: 'send a WAV file (16-bit, 8 kHz, mono) as RTP with RTCP, and digits as telephone-events',
  usage: `rtp send FILE.wav --to IP:PORT [--codec PCMU|PCMA|L16] [--dtmf DIGITS] [--sdp OUT.sdp [--sdp-only]] [--from IP:PORT] [--json]
  --to          where the receiver listens: RTP to PORT, RTCP to PORT + 1 (an odd PORT is taken as the even one below)
  --codec       PCMU (default, payload type 0), PCMA (8) or L16 at 8 kHz (96)
  --dtmf        digits of 0-9 * # A-D, sent as RFC 4733 telephone-events (payload type 96; 97 with L16) in place
                of the audio: 100 ms each, one every 200 ms, from 0.2 s on
  --sdp         also write the SDP a receiver needs (e.g. ffmpeg -protocol_whitelist file,udp,rtp -i OUT.sdp)
  --sdp-only    write --sdp and send nothing: start the receiver on it, then send
  --from        our RTP port (RTCP on the next), where the receiver's reports are to go (default: any free pair)
  --json        the result as JSON
  --drop-every  N: for tests, leave every Nth RTP packet unsent, to make loss
exit 1 when FILE is not a WAV file this takes (what it holds is said) or --from cannot be bound`,
  options: {
    to: { type: 'string' },
    codec: { type: 'string' },
    dtmf: { type: 'string' },
    sdp: { type: 'string' },
    'sdp-only': { type: 'boolean' },
    from: { type: 'string' },
    json: { type: 'boolean' },
    'drop-every': { type: 'string' },
  },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError(`send takes one WAV file${positionals.length ? `, got ${positionals.join(' ')}` : ''}`);
    const warn = (line: string) => process.stderr.write(`rtp send: ${line}\n`);
    const to = endpointOption(values, 'to', warn);
    if (!to) throw new UsageError('send needs --to IP:PORT, where the receiver listens');
    const from = endpointOption(values, 'from', warn);
    if (from && isIP(from.host) !== isIP(to.host)) throw new UsageError(`--from ${formatEndpoint(from)} and --to ${formatEndpoint(to)} are not of one IP version`);
    const codec = codecOption(values);
    const digits = ((values.dtmf as string | undefined) ?? '').toUpperCase();
    const bad = [...digits].find((d) => !DTMF_DIGITS.includes(d));
    if (bad !== undefined || digits.length > MAX_DIGITS) throw new UsageError(`--dtmf wants up to ${MAX_DIGITS} of ${DTMF_DIGITS}, got ${JSON.stringify(values.dtmf)}`);
    const dropEvery = integerOption(values, 'drop-every', 2, 1_000_000, 0);
    const samples = readWavFile(positionals[0]!);
    const stream = describeStream(codec, to, 'recvonly');
    if (values['sdp-only'] && values.sdp === undefined) throw new UsageError('--sdp-only needs --sdp OUT.sdp');
    if (values.sdp !== undefined) writeOut('sdp', values.sdp as string, serialize(stream.description));
    if (values['sdp-only']) return 0;
    const sockets = from ? await bindPair(from) : await bindAnyPair(ourHost(to.host));
    const ours = formatEndpoint({ host: sockets.rtp.address().address, port: sockets.port });
    const outbox = new Outbox();
    const rtcpTo: Endpoint = { host: to.host, port: rtcpPort(to.port) };
    let rtpCount = 0;
    let unsent = 0;
    let firstSequence: number | undefined; // what the receiver's reports count from
    const session = new RtpSession({
      clock: systemClock,
      sessionBandwidth: codec.bitRate,
      payloadTypes: payloadTypes(stream),
      send: {
        rtp: (bytes) => {
          firstSequence ??= (bytes[2]! << 8) | bytes[3]!;
          rtpCount++;
          if (dropEvery > 0 && rtpCount % dropEvery === 0) unsent++;
          else outbox.send(sockets.rtp, bytes, to);
        },
        // Reports go to the port the receiver named (PORT + 1 of --to), whatever port its own come from.
        // @implements RFC3550 P68L36-P68L41
        rtcp: (bytes) => outbox.send(sockets.rtcp, bytes, rtcpTo),
      },
    });
    const reportsOnUs: ReportBlock[] = [];
    sockets.rtcp.on('message', (b, r) => {
      for (const p of session.receiveRtcp(b, `${r.address}:${r.port}`) ?? []) {
        if (p.type !== 'SR' && p.type !== 'RR') continue;
        for (const block of p.reports) if (block.ssrc === session.ssrc) reportsOnUs.push(block);
        if (reportsOnUs.length > KEPT_REPORTS) reportsOnUs.splice(0, reportsOnUs.length - KEPT_REPORTS);
      }
    });
    // Nothing is expected on our RTP port; what comes is read and counted like any RTP.
    sockets.rtp.on('message', (b, r) => session.receiveRtp(b, `${r.address}:${r.port}`));

    const signalled = whenSignalled();
    session.start();
    let sent = { audioPackets: 0, eventPackets: 0, started: performance.now() };
    try {
      sent = await playStream(session, stream, samples, digits, () => signalled.name !== undefined);
      session.leave(signalled.name ? `interrupted (${signalled.name})` : 'end of file');
      await outbox.drained();
    } finally {
      session.stop();
      signalled.dispose();
      await sockets.close();
    }
    const seconds = (performance.now() - sent.started) / 1000;
    const receivers = session.stats().filter((s) => s.reportOnUs !== undefined);
    const result = {
      to: formatEndpoint(to),
      from: ours,
      codec: codec.name,
      payloadType: stream.audio.payloadType,
      eventPayloadType: stream.events.payloadType,
      ssrc: session.ssrc,
      cname: session.cname,
      seconds,
      packets: rtpCount,
      firstSequence,
      audioPackets: sent.audioPackets,
      eventPackets: sent.eventPackets,
      digits,
      unsent,
      sendErrors: outbox.errors,
      rtcp: { reports: session.counts.reportsSent, byes: session.counts.byesSent },
      reportsOnUs,
      receivers: receivers.map((s) => ({ ssrc: s.ssrc, cname: s.cname, rtt: s.rtt, reportOnUs: s.reportOnUs })),
      interrupted: signalled.name,
    };
    if (values.json) process.stdout.write(json(result));
    else process.stdout.write(summary(result));
    return signalled.exitCode ?? 0;
  },
};

/** Our address when --from is not given: the loopback one for a loopback peer, else any. */
function ourHost(peer: string): string {
  if (peer === '::1') return '::1';
  if (peer.startsWith('127.')) return '127.0.0.1';
  return isIP(peer) === 6 ? '::' : '0.0.0.0';
}

function summary(r: {
  to: string;
  codec: string;
  payloadType: number;
  ssrc: number;
  seconds: number;
  packets: number;
  audioPackets: number;
  eventPackets: number;
  digits: string;
  unsent: number;
  rtcp: { reports: number; byes: number };
  receivers: { ssrc: number; cname?: string; rtt?: number; reportOnUs?: ReportBlock }[];
}): string {
  const lines = [
    `sent ${r.packets} RTP packets to ${r.to} in ${r.seconds.toFixed(1)} s, SSRC ${hex(r.ssrc)}: ${r.audioPackets} of ${r.codec} (payload type ${r.payloadType})` +
      (r.eventPackets ? `, ${r.eventPackets} telephone-events for ${r.digits}` : ''),
  ];
  if (r.unsent) lines.push(`  ${r.unsent} left unsent on purpose (--drop-every)`);
  lines.push(`RTCP: ${r.rtcp.reports} report(s), ${r.rtcp.byes ? 'BYE at the end' : 'no BYE'}`);
  for (const s of r.receivers) {
    const b = s.reportOnUs!;
    lines.push(
      `receiver ${hex(s.ssrc)}${s.cname ? ` (${s.cname})` : ''} reports: fraction lost ${percent(b.fractionLost)}, cumulative lost ${b.cumulativeLost}, jitter ${b.jitter} units` +
        (s.rtt === undefined ? '' : `, RTT ${(s.rtt * 1000).toFixed(1)} ms`),
    );
  }
  if (r.receivers.length === 0) lines.push('no receiver report on our stream came back');
  return lines.join('\n') + '\n';
}
