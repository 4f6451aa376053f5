/**
 * A call's audio: one RTP session per call on the port our SDP named, sent
 * to where the other side's SDP said, with the codec and payload type
 * numbers the offer/answer exchange settled (a Call's `streams`,
 * reference/sdp/offerAnswer/negotiated.ts). It plays a WAV file and digits
 * (telephone-events), or echoes what it hears; it records what it hears
 * and tells the digits received. Leaving sends RTCP BYE. Plumbing: the RTP
 * rules are those of reference/rtp/, wired as `rtp send` and `rtp receive`
 * wire them (reference/rtp/commands/media.ts).
 */
import { systemClock } from '../../clock.ts';
import type { NegotiatedStream } from '../../sdp/offerAnswer/index.ts';
import type { Format } from '../../sdp/offerAnswer/formats.ts';
import { eventsTheReceiverTakes } from '../../rtp/dtmf/events.ts';
import { audioMarker } from '../../rtp/profile/audio.ts';
import { RtpSession } from '../../rtp/session/session.ts';
import { playStream, StreamReceiver, type StreamTypes } from '../../rtp/commands/media.ts';
import { bindPair, Outbox, type SocketPair } from '../../rtp/commands/sockets.ts';
import { CODECS, rtcpPort, type AudioCodec, type CodecName, type Endpoint } from '../../rtp/commands/stream.ts';

/** How often the playout buffer is emptied and the DTMF receiver told the time (as `rtp receive`). */
const PUMP_MS = 10;
const PLAYOUT_DELAY_MS = 100;
/** The longest recording kept, seconds (memory bounded: 8000 samples a second). */
export const MAX_RECORD_SECONDS = 3600;

export interface CallMediaOptions {
  /** Where our SDP said we receive (m= port, c= address). */
  local: Endpoint;
  /** Samples to play (8 kHz mono), and digits to send as telephone-events. */
  play?: Int16Array;
  dtmf?: string;
  /** Send back what is heard (uas --echo). */
  echo?: boolean;
  maxRecordSeconds?: number;
  onDigit?: (digit: string) => void;
}

/** What the call's RTP session did, for the commands to print. */
export interface CallMediaReport {
  local: string;
  remote: string;
  codec: string;
  payloadType: number;
  packetsSent: number;
  reportsSent: number;
  byeSent: boolean;
  sources: { ssrc: number; packets: number; lost?: number; jitterMs?: number; bye: boolean }[];
  digits: string;
  recordedSeconds: number;
}

/** The audio codec this side can run among `formats` (the first it knows), with its format. */
function knownCodec(formats: readonly Format[]): { codec: AudioCodec; format: Format } | undefined {
  for (const format of formats) {
    const name = format.encodingName.toUpperCase();
    const codec = Object.hasOwn(CODECS, name) ? CODECS[name as CodecName] : undefined;
    if (codec && codec.clockRate === format.clockRate && format.channels <= 1) return { codec, format };
  }
  return undefined;
}

const eventsOf = (formats: readonly Format[]) => formats.find((f) => f.encodingName.toLowerCase() === 'telephone-event');

/** The stream's types in one direction: the codec, its number, telephone-event's (-1: none negotiated). */
function typesOf(formats: readonly Format[], which: string): StreamTypes {
  const audio = knownCodec(formats);
  if (!audio) throw new Error(`no codec this media layer runs (${Object.keys(CODECS).join(', ')} at 8 kHz) among the formats to ${which}: ${formats.map((f) => `${f.encodingName}/${f.clockRate}`).join(' ') || 'none'}`);
  const events = eventsOf(formats);
  return {
    codec: audio.codec,
    audio: { payloadType: Number(audio.format.fmt) },
    events: { payloadType: events ? Number(events.fmt) : -1, clockRate: events?.clockRate ?? 8000, allowed: eventsTheReceiverTakes(events?.fmtp) },
  };
}

/** The call's first live audio stream, or why there is none to run. */
export function audioStream(streams: readonly NegotiatedStream[] | undefined): NegotiatedStream | string {
  if (streams === undefined) return 'the offer/answer exchange is not complete';
  const audio = streams.find((s) => s.media === 'audio' && !s.rejected);
  return audio ?? 'no audio stream was accepted (port 0)';
}

export class CallMedia {
  readonly #sockets: SocketPair;
  readonly #session: RtpSession;
  readonly #receiver: StreamReceiver;
  readonly #outbox = new Outbox();
  readonly #send: StreamTypes;
  readonly #remote: Endpoint;
  readonly #timer: ReturnType<typeof setInterval>;
  #packetsSent = 0;
  #left = false;
  #playing: Promise<unknown> = Promise.resolve();

  private constructor(sockets: SocketPair, readonly stream: NegotiatedStream, readonly options: CallMediaOptions) {
    this.#sockets = sockets;
    this.#send = typesOf(stream.send, 'send');
    // A sendonly stream has nothing to receive; its RTCP still comes, and the send side's types serve.
    const receive = knownCodec(stream.receive) ? typesOf(stream.receive, 'receive') : this.#send;
    // Media goes where the other side's SDP said it receives it (m= port, c= address) ...
    // @implements RFC3264 P6L13-P6L15
    this.#remote = { host: stream.remote.address, port: stream.remote.port };
    // ... and RTCP to the port above, there being no other indication.
    // @implements RFC3264 P6L17-P6L18
    const rtcpTo: Endpoint = { host: this.#remote.host, port: rtcpPort(this.#remote.port) };
    const clockRates = new Map(stream.receive.map((f) => [Number(f.fmt), f.clockRate]));
    // The echo keeps the timing it heard: a gap (a digit sent as events) stays a gap, not a delay.
    let echoFrom: number | undefined;
    this.#receiver = new StreamReceiver(receive, {
      delayMs: PLAYOUT_DELAY_MS,
      maxSources: 4,
      maxSamples: Math.min(options.maxRecordSeconds ?? MAX_RECORD_SECONDS, MAX_RECORD_SECONDS) * receive.codec.clockRate,
      now: () => systemClock.now(),
      onDigit: options.onDigit,
      onAudio: options.echo
        ? (samples, timestamp) => {
            if (this.#left || !stream.direction.includes('send')) return;
            const first = echoFrom === undefined;
            echoFrom ??= timestamp;
            this.#session.sendRtp({ payloadType: this.#send.audio.payloadType, ticks: (timestamp - echoFrom) >>> 0, payload: this.#send.codec.encode(samples), marker: audioMarker({ silenceSuppression: false }, first) });
          }
        : undefined,
    });
    this.#session = new RtpSession({
      clock: systemClock,
      sessionBandwidth: this.#send.codec.bitRate,
      payloadTypes: clockRates,
      send: {
        rtp: (bytes) => {
          this.#packetsSent++;
          this.#outbox.send(sockets.rtp, bytes, this.#remote);
        },
        rtcp: (bytes) => this.#outbox.send(sockets.rtcp, bytes, rtcpTo),
      },
      onPacket: this.#receiver.onPacket,
      onBye: this.#receiver.onBye,
    });
    sockets.rtp.on('message', (b, r) => this.#session.receiveRtp(b, `${r.address}:${r.port}`));
    sockets.rtcp.on('message', (b, r) => this.#session.receiveRtcp(b, `${r.address}:${r.port}`));
    this.#session.start();
    this.#timer = setInterval(() => this.#receiver.pump(systemClock.now()), PUMP_MS);
    if (options.play !== undefined || options.dtmf) {
      if (!stream.direction.includes('send')) throw new Error(`the stream is ${stream.direction}: we may not send on it, so there is nothing to play`);
      this.#playing = playStream(this.#session, this.#send, options.play ?? new Int16Array(0), options.dtmf ?? '', () => this.#left);
    }
  }

  /** Binds the RTP/RTCP pair at `options.local` and starts the session on the call's audio stream. */
  static async start(stream: NegotiatedStream, options: CallMediaOptions): Promise<CallMedia> {
    typesOf(stream.send, 'send');
    const sockets = await bindPair(options.local);
    try {
      return new CallMedia(sockets, stream, options);
    } catch (e) {
      await sockets.close();
      throw e;
    }
  }

  /** Resolves when what there was to play has been sent. */
  played(): Promise<unknown> {
    return this.#playing;
  }

  /** Leaves the session: the RTCP BYE goes now (RFC 3550 §6.3.7, through the session), once. */
  async leave(reason: string): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    await this.#playing;
    this.#session.leave(reason);
    await this.#outbox.drained();
  }

  /** Leaves (if not yet), plays what is buffered into the recording, closes the sockets; the report. */
  async close(reason = 'call ended'): Promise<{ report: CallMediaReport; recording: Int16Array }> {
    await this.leave(reason);
    clearInterval(this.#timer);
    this.#sockets.rtp.removeAllListeners('message');
    this.#receiver.pump(Infinity);
    this.#session.stop();
    await this.#sockets.close();
    const stats = new Map(this.#session.stats().map((s) => [s.ssrc, s]));
    const recording = this.#receiver.recording.samples();
    const fmt = (e: Endpoint) => `${e.host}:${e.port}`;
    return {
      recording,
      report: {
        local: fmt(this.options.local),
        remote: fmt(this.#remote),
        codec: this.#send.codec.name,
        payloadType: this.#send.audio.payloadType,
        packetsSent: this.#packetsSent,
        reportsSent: this.#session.counts.reportsSent,
        byeSent: this.#session.counts.byesSent > 0,
        sources: [...this.#receiver.tracks.values()].map((t) => {
          const s = stats.get(t.ssrc);
          return { ssrc: t.ssrc, packets: s?.packets ?? 0, lost: s?.cumulativeLost, jitterMs: s?.jitterMs, bye: t.bye };
        }),
        digits: this.#receiver.digits,
        recordedSeconds: recording.length / this.#receiver.stream.codec.clockRate,
      },
    };
  }
}

/** A report as one line per fact, for stderr/stdout. */
export function describeReport(r: CallMediaReport): string {
  const lines = [`media ${r.local} -> ${r.remote}: ${r.codec} (payload type ${r.payloadType}), ${r.packetsSent} RTP packets sent, ${r.reportsSent} RTCP report(s), ${r.byeSent ? 'RTCP BYE sent' : 'no RTCP BYE sent'}`];
  for (const s of r.sources) lines.push(`  source 0x${s.ssrc.toString(16).padStart(8, '0')}: ${s.packets} packets${s.lost === undefined ? '' : `, ${s.lost} lost`}${s.jitterMs === undefined ? '' : `, jitter ${s.jitterMs.toFixed(2)} ms`}${s.bye ? ', RTCP BYE received' : ', no RTCP BYE'}`);
  if (r.sources.length === 0) lines.push('  no RTP received');
  lines.push(`  recorded ${r.recordedSeconds.toFixed(2)} s${r.digits ? `; digits received: ${r.digits}` : ''}`);
  return lines.join('\n') + '\n';
}
