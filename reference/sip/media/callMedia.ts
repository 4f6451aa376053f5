/**
 * A call's audio: one RTP session per call on the port our SDP named, sent
 * to where the other side's SDP said, with the codec and payload type
 * numbers the offer/answer exchange settled (a Call's `streams`,
 * reference/sdp/offerAnswer/negotiated.ts). It plays a WAV file and digits
 * (telephone-events), or echoes what it hears; it records what it hears
 * and tells the digits received. Leaving sends RTCP BYE.
 *
 * Each later exchange (a re-INVITE) is applied to the running session
 * (`update`): a new address, port or codec of the other side, and the
 * direction, which stops and restarts what we send (RTCP goes on either
 * way). RTCP shares the RTP port when both SDPs said a=rtcp-mux (RFC 5761).
 * A new port of ours is listened on beside the old one (`listenAlso`).
 * The RTP rules are those of reference/rtp/, wired as `rtp send` and `rtp
 * receive` wire them (reference/rtp/commands/media.ts).
 */
import { systemClock } from '../../clock.ts';
import type { NegotiatedStream } from '../../sdp/offerAnswer/index.ts';
import type { Format } from '../../sdp/offerAnswer/formats.ts';
import { eventsTheReceiverTakes } from '../../rtp/dtmf/events.ts';
import { audioMarker } from '../../rtp/profile/audio.ts';
import { RtpSession } from '../../rtp/session/session.ts';
import { playStream, StreamReceiver, type StreamTypes } from '../../rtp/commands/media.ts';
import { bindPair, Outbox, type SocketPair } from '../../rtp/commands/sockets.ts';
import { CODECS, formatEndpoint, rtcpPort, type AudioCodec, type CodecName, type Endpoint } from '../../rtp/commands/stream.ts';
import { hex } from '../../rtp/commands/output.ts';
import { isRtcp } from '../../rtp/rtcp/mux.ts';
import type { RtcpPacket } from '../../rtp/rtcp/types.ts';
import type { RtpPacket } from '../../rtp/packet/rtp.ts';

/** How often the playout buffer is emptied and the DTMF receiver told the time (as `rtp receive`). */
const PUMP_MS = 10;
const PLAYOUT_DELAY_MS = 100;
/** The most port pairs one call listens on at once (each move of ours adds one; memory and ports bounded). */
export const MAX_PAIRS = 4;
/** The longest recording kept, seconds (memory bounded: 8000 samples a second). */
export const MAX_RECORD_SECONDS = 3600;

export interface CallMediaOptions {
  /** Where our SDP said we receive (m= port, c= address). */
  local: Endpoint;
  /** The RTP/RTCP pair bound at `local` already (a port pool's); else start() binds it. */
  sockets?: SocketPair;
  /** Each change applied to the running media, as a line (for the log). */
  onChange?: (line: string) => void;
  /** Samples to play (8 kHz mono), and digits to send as telephone-events. */
  play?: Int16Array;
  dtmf?: string;
  /** Send back what is heard (uas --echo). */
  echo?: boolean;
  /** The longest recording kept (at most MAX_RECORD_SECONDS); 0: nothing is recorded, and no memory held for it. */
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
  /** Seconds recorded; undefined when not recording (maxRecordSeconds 0). */
  recordedSeconds: number | undefined;
  /** Seconds heard past the recording's bound, not kept (said, not lost silently). */
  notKeptSeconds: number;
  rtcpMux: boolean;
  /** What came in on each port we listened on. */
  ports: PortCounts[];
}

/** Datagrams received on one of our UDP ports (each RTP port and the one above): RTP packets, RTCP compounds, and the SRs and RRs in them. */
export interface PortCounts {
  port: number;
  rtp: number;
  rtcp: number;
  sr: number;
  rr: number;
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
  /** Every pair we listen on; we send from the first (see listenAlso). */
  readonly #listening: SocketPair[] = [];
  readonly #ports = new Map<number, PortCounts>();
  readonly #session: RtpSession;
  readonly #receiver: StreamReceiver;
  readonly #outbox = new Outbox();
  readonly #payloadTypes: Map<number, number>;
  /** The audio codec of each payload type either exchange gave us to receive (a re-INVITE may change it). */
  readonly #decoders = new Map<number, AudioCodec>();
  readonly #timer: ReturnType<typeof setInterval>;
  #stream: NegotiatedStream;
  #send: StreamTypes;
  #remote: Endpoint;
  #rtcpTo: Endpoint | undefined;
  #packetsSent = 0;
  #left = false;
  /** Held by us: muted, whatever the stream's direction lets us do. */
  #muted = false;
  #playing: Promise<unknown> = Promise.resolve();

  private constructor(sockets: SocketPair, stream: NegotiatedStream, readonly options: CallMediaOptions) {
    this.#stream = stream;
    this.#send = typesOf(stream.send, 'send');
    // A sendonly stream has nothing to receive; its RTCP still comes, and the send side's types serve.
    const receive = knownCodec(stream.receive) ? typesOf(stream.receive, 'receive') : this.#send;
    this.#remote = this.#rtpTo(stream);
    this.#rtcpTo = this.#controlTo(stream);
    this.#payloadTypes = new Map();
    this.#learn(stream);
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
            if (!this.sending) return;
            const first = echoFrom === undefined;
            echoFrom ??= timestamp;
            this.#session.sendRtp({ payloadType: this.#send.audio.payloadType, ticks: (timestamp - echoFrom) >>> 0, payload: this.#send.codec.encode(samples), marker: audioMarker({ silenceSuppression: false }, first) });
          }
        : undefined,
    });
    this.#session = new RtpSession({
      clock: systemClock,
      sessionBandwidth: this.#send.codec.bitRate,
      payloadTypes: this.#payloadTypes,
      rtcpMux: stream.rtcpMux,
      send: {
        rtp: (bytes) => {
          this.#packetsSent++;
          this.#outbox.send(sockets.rtp, bytes, this.#remote);
        },
        // Multiplexed, RTCP leaves from the RTP port too, for the peer to see one source address.
        rtcp: (bytes) => {
          if (this.#rtcpTo) this.#outbox.send(this.#stream.rtcpMux ? sockets.rtp : sockets.rtcp, bytes, this.#rtcpTo);
        },
      },
      // Locally muted (our hold), nothing heard is played out.
      // @implements RFC3264 P18L1-P18L4
      onPacket: (packet, source) => {
        if (!this.#muted) this.#receiver.onPacket(this.#asRecorded(packet), source);
      },
      onBye: this.#receiver.onBye,
    });
    this.#listen(sockets);
    this.#session.start();
    this.#timer = setInterval(() => this.#receiver.pump(systemClock.now()), PUMP_MS);
    if (options.play !== undefined || options.dtmf) {
      // While we may not send, the file goes on playing to nobody: resumed, the far end hears what plays then, as from a live source.
      const gated = { sendRtp: (m: Parameters<RtpSession['sendRtp']>[0]) => (this.sending ? this.#session.sendRtp(m) : new Uint8Array(0)) };
      this.#playing = playStream(gated, this.#send, options.play ?? new Int16Array(0), options.dtmf ?? '', () => this.#left);
    }
  }

  /** The stream as the latest exchange settled it (update). */
  get stream(): NegotiatedStream {
    return this.#stream;
  }

  /**
   * Binds the RTP/RTCP pair at `options.local` (unless given) and starts the
   * session on the call's audio stream. When it cannot start, the pair it
   * bound is closed; a given pair stays its giver's to close (a pool's goes back).
   */
  static async start(stream: NegotiatedStream, options: CallMediaOptions): Promise<CallMedia> {
    typesOf(stream.send, 'send');
    // Refused before anything starts: a session and a timer started for nothing would go on sending RTCP on closed sockets.
    if ((options.play !== undefined || options.dtmf) && !stream.direction.includes('send')) throw new Error(`the stream is ${stream.direction}: we may not send on it, so there is nothing to play`);
    const sockets = options.sockets ?? (await bindPair(options.local));
    try {
      return new CallMedia(sockets, stream, options);
    } catch (e) {
      if (!options.sockets) await sockets.close();
      throw e;
    }
  }

  /**
   * Whether RTP goes out now: the stream lets us send and we have not muted
   * it. RTCP goes on whatever the direction.
   */
  // @implements RFC3264 P6L5-P6L9
  get sending(): boolean {
    return !this.#left && !this.#muted && this.#stream.direction.includes('send');
  }

  /** Media goes where the other side's SDP said it receives it (m= port, c= address). */
  #rtpTo(stream: NegotiatedStream): Endpoint {
    // @implements RFC3264 P6L13-P6L15
    return { host: stream.remote.address, port: stream.remote.port };
  }

  /**
   * RTCP goes to the RTP port when multiplexed, else to the a=rtcp: port or
   * the one above (stream.rtcp); to nowhere when the peer's address is
   * 0.0.0.0 or the stream was rejected.
   */
  // @implements RFC3264 P6L17-P6L18, P18L15-P18L17, P9L23-P9L25
  // @implements RFC5761 P6L41-P6L43, P7L1-P7L5
  #controlTo(stream: NegotiatedStream): Endpoint | undefined {
    if (stream.rejected || stream.rtcp.address === '0.0.0.0' || stream.rtcp.address === '::') return undefined;
    return { host: stream.rtcp.address, port: stream.rtcp.port };
  }

  /**
   * Takes datagrams on a pair. Multiplexed, the RTP port carries both (a
   * multiplexed offer asks for RTP and RTCP to its one port), told apart by
   * the packet type field (RFC 5761 §4); the RTCP port is listened on all
   * the same, for a peer that sends there.
   */
  // @implements RFC5761 P6L41-P6L43, P4L43-P4L46
  #listen(pair: SocketPair): void {
    this.#listening.push(pair);
    const counted = (port: number): PortCounts => {
      const c: PortCounts = { port, rtp: 0, rtcp: 0, sr: 0, rr: 0 };
      this.#ports.set(port, c);
      return c;
    };
    const onRtp = counted(pair.port);
    const onRtcp = counted(rtcpPort(pair.port));
    const control = (counts: PortCounts, packets: RtcpPacket[] | undefined) => {
      counts.rtcp++;
      for (const p of packets ?? []) {
        if (p.type === 'SR') counts.sr++;
        else if (p.type === 'RR') counts.rr++;
      }
    };
    pair.rtp.on('message', (b, r) => {
      const from = `${r.address}:${r.port}`;
      if (this.#stream.rtcpMux && isRtcp(b)) return control(onRtp, this.#session.receiveRtcp(b, from));
      onRtp.rtp++;
      this.#session.receiveRtp(b, from);
    });
    pair.rtcp.on('message', (b, r) => control(onRtcp, this.#session.receiveRtcp(b, `${r.address}:${r.port}`)));
  }

  /**
   * Listens on a new pair of ours too (before the offer that names it goes):
   * media may come to either until the call ends. We go on sending from the
   * first pair: a new source address for our unchanged SSRC would look like
   * a loop to the peer's RFC 3550 §8.2 check.
   */
  // @implements RFC3264 P14L44-P14L48, P15L11-P15L18
  // @exception RFC3264 P15L4-P15L5: the old pair is never let go before the call ends: we send from it
  async listenAlso(local: Endpoint): Promise<void> {
    if (this.#ports.has(local.port)) return;
    if (this.#left) throw new Error(`CallMedia: listening on ${formatEndpoint(local)} after leaving the session`);
    if (this.#listening.length >= MAX_PAIRS) throw new Error(`CallMedia: already listening on ${MAX_PAIRS} port pairs (${this.#listening.map((p) => p.port).join(', ')}): no more for one call`);

    this.#listen(await bindPair(local));
  }

  /**
   * A new exchange's stream, applied now: RTP to its new address and port
   * with its codec and payload types, RTCP to its RTCP destination, sending
   * stopped or resumed as its direction says (a held stream: recvonly or
   * inactive for us). What is received with the old types is still taken.
   */
  // @implements RFC3264 P15L9-P15L11, P17L13-P17L15, P17L23-P17L25
  update(stream: NegotiatedStream): void {
    const was = { stream: this.#stream, remote: this.#remote, codec: this.#send.codec.name, sending: this.sending };
    this.#stream = stream;
    this.#remote = this.#rtpTo(stream);
    this.#rtcpTo = this.#controlTo(stream);
    this.#learn(stream);
    if (knownCodec(stream.send)) this.#send = typesOf(stream.send, 'send');
    const say = (line: string) => this.options.onChange?.(`media ${formatEndpoint(this.options.local)}: ${line} (so far ${describeCounts(this.counts())})`);
    if (formatEndpoint(was.remote) !== formatEndpoint(this.#remote)) say(`RTP now to ${formatEndpoint(this.#remote)} (was ${formatEndpoint(was.remote)})`);
    if (was.codec !== this.#send.codec.name) say(`now sending ${this.#send.codec.name} (payload type ${this.#send.audio.payloadType}), was ${was.codec}`);
    if (was.stream.direction !== stream.direction || was.sending !== this.sending) say(`${stream.direction}: ${this.sending ? 'sending RTP' : 'no RTP sent'}, RTCP goes on`);
  }

  /** The payload types of an exchange: the session takes them (old ones stay), and each audio one's codec is kept for decoding. */
  #learn(stream: NegotiatedStream): void {
    for (const f of [...stream.receive, ...stream.send]) {
      this.#payloadTypes.set(Number(f.fmt), f.clockRate);
      const audio = knownCodec([f]);
      if (audio) this.#decoders.set(Number(f.fmt), audio.codec);
    }
  }

  /**
   * A packet as the receiver (made for the first exchange's codec) plays
   * it: audio of another codec, which a re-INVITE brought, decoded with
   * its own and carried in the receiver's, so that the old and the new
   * types both play.
   */
  // @implements RFC3264 P17L15-P17L18
  #asRecorded(packet: RtpPacket): RtpPacket {
    const codec = this.#decoders.get(packet.payloadType);
    const mine = this.#receiver.stream;
    if (codec === undefined || codec.name === mine.codec.name || packet.payloadType === mine.events.payloadType) return packet;
    return { ...packet, payloadType: mine.audio.payloadType, payload: mine.codec.encode(codec.decode(packet.payload)) };
  }

  /** Our hold (RFC 3264 §8.4): nothing sent and nothing played out while muted, RTCP going on. */
  // @implements RFC3264 P18L1-P18L4
  mute(muted: boolean): void {
    if (this.#muted === muted) return;
    this.#muted = muted;
    this.options.onChange?.(`media ${formatEndpoint(this.options.local)}: ${muted ? 'muted (on hold): no RTP sent, none played out' : 'unmuted'} (so far ${describeCounts(this.counts())})`);
  }

  /** Counts so far: RTP packets sent, RTCP reports sent, what came in on each port. */
  counts(): { packetsSent: number; reportsSent: number; ports: PortCounts[] } {
    return { packetsSent: this.#packetsSent, reportsSent: this.#session.counts.reportsSent, ports: [...this.#ports.values()].map((p) => ({ ...p })) };
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
    for (const pair of this.#listening) {
      pair.rtp.removeAllListeners('message');
      pair.rtcp.removeAllListeners('message');
    }
    this.#receiver.pump(Infinity);
    this.#session.stop();
    await Promise.all(this.#listening.map((pair) => pair.close()));
    const stats = new Map(this.#session.stats().map((s) => [s.ssrc, s]));
    const recording = this.#receiver.recording.samples();
    return {
      recording,
      report: {
        local: formatEndpoint(this.options.local),
        remote: formatEndpoint(this.#remote),
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
        recordedSeconds: this.#receiver.recording.maxSamples === 0 ? undefined : recording.length / this.#receiver.stream.codec.clockRate,
        notKeptSeconds: this.#receiver.recording.maxSamples === 0 ? 0 : this.#receiver.recording.outside / this.#receiver.stream.codec.clockRate,
        rtcpMux: this.#stream.rtcpMux,
        ports: this.counts().ports,
      },
    };
  }
}

/** A report as one line per fact, for stderr/stdout. */
export function describeReport(r: CallMediaReport): string {
  const lines = [`media ${r.local} -> ${r.remote}: ${r.codec} (payload type ${r.payloadType}), ${r.packetsSent} RTP packets sent, ${r.reportsSent} RTCP report(s), ${r.byeSent ? 'RTCP BYE sent' : 'no RTCP BYE sent'}`];
  for (const s of r.sources) lines.push(`  source ${hex(s.ssrc)}: ${s.packets} packets${s.lost === undefined ? '' : `, ${s.lost} lost`}${s.jitterMs === undefined ? '' : `, jitter ${s.jitterMs.toFixed(2)} ms`}${s.bye ? ', RTCP BYE received' : ', no RTCP BYE'}`);
  if (r.sources.length === 0) lines.push('  no RTP received');
  const recorded = r.recordedSeconds === undefined ? 'not recorded' : `recorded ${r.recordedSeconds.toFixed(2)} s${r.notKeptSeconds > 0 ? ` (the bound: ${r.notKeptSeconds.toFixed(2)} s more heard, not kept)` : ''}`;
  lines.push(`  ${recorded}${r.digits ? `; digits received: ${r.digits}` : ''}`);
  lines.push(`  RTCP ${r.rtcpMux ? 'multiplexed on the RTP port (RFC 5761)' : 'on its own port'}; received: ${r.ports.map(describePort).join('; ')}`);
  return lines.join('\n') + '\n';
}

/** What came in on one port, as the report and the log say it. */
export const describePort = (p: PortCounts): string => `port ${p.port}: ${p.rtp} RTP, ${p.rtcp} RTCP (${p.sr} SR, ${p.rr} RR)`;

/** The counts so far, as the log says them. */
export const describeCounts = (c: ReturnType<CallMedia['counts']>): string => `${c.packetsSent} RTP sent, ${c.reportsSent} RTCP reports sent; received ${c.ports.map(describePort).join('; ')}`;
