/**
 * The two halves of an audio stream that `rtp send`, `rtp receive` and the
 * SIP commands' calls (reference/sip/media/) share: playing samples and
 * digits out, paced at the media clock (one packet every ptime), and
 * taking packets in, each source through its playout buffer, the audio
 * mixed into a Recording and telephone-events into digits. Plumbing: the
 * rules are in the modules it wires together.
 */
import type { RtpPacket } from '../packet/rtp.ts';
import { DropCounts } from '../packet/drops.ts';
import { audioMarker, samplesPerPacket } from '../profile/audio.ts';
import { dtmfDigit, dtmfEventCode } from '../dtmf/events.ts';
import { dtmfReceiver, dtmfReceiverStep, type DtmfReceiver } from '../dtmf/receiver.ts';
import { eventPackets, type DuePacket, type PlannedEvent } from '../dtmf/schedule.ts';
import { PlayoutBuffer } from '../session/playout.ts';
import type { RtpSession } from '../session/session.ts';
import type { Source } from '../session/sources.ts';
import { Recording } from './recording.ts';
import type { AudioCodec } from './stream.ts';
import { hex } from './output.ts';

/** Digits: 100 ms each, one every 200 ms, the first after 10 packets of audio. */
const DIGIT_TICKS = 800;
const DIGIT_SPACING = 1600;
const FIRST_DIGIT = 1600;
/** -dBm0 of the digits we send (RFC 4733 §2.3.4; a typical DTMF level). */
const DIGIT_VOLUME = 10;
/** The most digits one --dtmf sends (`rtp send`, `sip call`): a bound on the schedule. */
export const MAX_DIGITS = 64;

/** The payload types of one stream as both halves need them. */
export interface StreamTypes {
  codec: AudioCodec;
  audio: { payloadType: number };
  events: { payloadType: number; clockRate: number; allowed: ReadonlySet<number> };
}

/** Seconds from the stream's start to where one more digit would begin: the digits sent, and the pause after the last. */
export const digitsSeconds = (digits: string): number => (FIRST_DIGIT + digits.length * DIGIT_SPACING) / 8000;

/** The digits as events: the first at 0.2 s, then one every 200 ms. */
function plannedDigits(digits: string): PlannedEvent[] {
  return [...digits].map((d, i) => ({ event: dtmfEventCode(d), start: FIRST_DIGIT + i * DIGIT_SPACING, duration: DIGIT_TICKS, volume: DIGIT_VOLUME }));
}

/**
 * Sends `samples` and `digits` through `session`, one packet per slot at
 * the media clock, until done or `stopped()`; the caller leaves the session.
 */
export async function playStream(session: Pick<RtpSession, 'sendRtp'>, stream: StreamTypes, samples: Int16Array, digits: string, stopped: () => boolean): Promise<{ audioPackets: number; eventPackets: number; started: number }> {
  const { codec } = stream;
  const perPacket = samplesPerPacket(codec.clockRate);
  const due = eventPackets(plannedDigits(digits), { interval: perPacket, allowed: stream.events.allowed });
  const eventsAt = new Map<number, DuePacket[]>();
  for (const d of due) eventsAt.set(d.at / perPacket, [...(eventsAt.get(d.at / perPacket) ?? []), d]);
  const audioPackets = Math.ceil(samples.length / perPacket);
  const slots = Math.max(audioPackets, ...[...eventsAt.keys()].map((k) => k + 1));
  let audioSent = 0;
  let eventsSent = 0;
  const t0 = performance.now();
  for (let n = 0; n < slots && !stopped(); n++) {
    const wait = t0 + (n * perPacket * 1000) / codec.clockRate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events = eventsAt.get(n);
    // While a digit is sent its events stand in for the audio of those instants,
    // so that a receiver renders the event, not a tone the codec may have spoiled.
    // @implements RFC4733 P16L31-P16L36, P12L44-P12L47
    if (events) {
      for (const e of events) session.sendRtp({ payloadType: stream.events.payloadType, ticks: e.packet.timestamp, instant: e.at, payload: e.packet.payload, marker: e.packet.marker });
      eventsSent += events.length;
    } else if (n < audioPackets) {
      const payload = codec.encode(samples.subarray(n * perPacket, (n + 1) * perPacket));
      session.sendRtp({ payloadType: stream.audio.payloadType, ticks: n * perPacket, payload, marker: audioMarker({ silenceSuppression: false }, n === 0) });
      audioSent++;
    }
  }
  return { audioPackets: audioSent, eventPackets: eventsSent, started: t0 };
}

/**
 * A packet in the playout buffer. Audio plays at its own timestamp. A
 * telephone-event's timestamp is where its event began, the same for every
 * update (RFC 4733 §2.5.1.2), so it would always look late: it takes the
 * media-clock instant of its arrival instead, keeping its sequence slot (no
 * gap is counted missing where it was) and reaching the DTMF receiver in
 * sequence order, one playout delay after it came.
 */
interface Slot {
  sequenceNumber: number;
  timestamp: number;
  payload: Uint8Array;
  packet: RtpPacket;
}

/** What we hold for one source besides the session's entry. */
export interface Track {
  ssrc: number;
  from: string;
  playout: PlayoutBuffer<Slot>;
  /** The first packet's timestamp and arrival: the media clock events are placed on. */
  anchor?: { timestamp: number; at: number };
  dtmf: DtmfReceiver;
  digits: string;
  bye: boolean;
}

export type ReceiverDrop = 'datagram-size' | 'source-limit';

/**
 * The receiving half: give it the session's onPacket and onBye, call
 * pump() every few ms; the audio of every source lands in `recording`,
 * digits in each track's `digits` (and `onDigit`), audio as it plays in
 * `onAudio` with its RTP timestamp (an echo sends it back).
 */
export class StreamReceiver {
  readonly tracks = new Map<number, Track>();
  readonly drops = new DropCounts<ReceiverDrop>();
  readonly recording: Recording;
  #origin: number | undefined; // when sample 0 of the recording plays (ms)
  #allLeft: () => void = () => {};
  /** Resolves once every source seen has sent a BYE. */
  readonly everyoneLeft = new Promise<void>((resolve) => (this.#allLeft = resolve));

  constructor(
    readonly stream: StreamTypes,
    readonly options: { delayMs: number; maxSources: number; maxSamples: number; now: () => number; onDigit?: (digit: string) => void; onAudio?: (samples: Int16Array, timestamp: number) => void },
  ) {
    this.recording = new Recording(stream.codec.clockRate, options.maxSamples);
  }

  readonly onPacket = (packet: RtpPacket, source: Source): void => {
    const { codec, events } = this.stream;
    let t = this.tracks.get(packet.ssrc);
    if (!t) {
      if (this.tracks.size >= this.options.maxSources) return this.drops.count('source-limit', `SSRC ${hex(packet.ssrc)}: already ${this.tracks.size} sources (--max-sources)`);
      t = { ssrc: packet.ssrc, from: source.rtpAddress ?? '', playout: new PlayoutBuffer<Slot>({ clockRate: codec.clockRate, delayMs: this.options.delayMs }), dtmf: dtmfReceiver(events.allowed, events.clockRate), digits: '', bye: false };
      this.tracks.set(packet.ssrc, t);
    }
    const now = this.options.now();
    t.anchor ??= { timestamp: packet.timestamp, at: now };
    const timestamp = packet.payloadType === events.payloadType ? (t.anchor.timestamp + Math.round(((now - t.anchor.at) * codec.clockRate) / 1000)) >>> 0 : packet.timestamp;
    t.playout.push({ sequenceNumber: packet.sequenceNumber, timestamp, payload: packet.payload, packet }, now);
  };

  readonly onBye = (ssrc: number): void => {
    const t = this.tracks.get(ssrc);
    if (t) t.bye = true;
    if (this.tracks.size > 0 && [...this.tracks.values()].every((x) => x.bye)) this.#allLeft();
  };

  /** Plays what is due: audio into the recording at its playout instant, events to the DTMF receiver. */
  pump(now: number): void {
    const { codec, events } = this.stream;
    for (const t of this.tracks.values()) {
      for (const { packet: p } of t.playout.pop(now)) {
        if (p.payloadType === events.payloadType) {
          const { next, notices } = dtmfReceiverStep(t.dtmf, { type: 'packet', marker: p.marker, timestamp: p.timestamp, payload: p.payload, arrival: now });
          t.dtmf = next;
          for (const n of notices) {
            if (n.type !== 'began') continue;
            const digit = dtmfDigit(n.event.event) ?? `[event ${n.event.event}]`;
            t.digits += digit;
            this.options.onDigit?.(digit);
          }
          continue;
        }
        const at = t.playout.playAt(p.timestamp);
        this.#origin ??= at;
        const samples = codec.decode(p.payload);
        this.recording.mix(Math.round(((at - this.#origin) * codec.clockRate) / 1000), samples);
        this.options.onAudio?.(samples, p.timestamp);
      }
      t.dtmf = dtmfReceiverStep(t.dtmf, { type: 'tick', now }).next;
    }
  }

  get digits(): string {
    return [...this.tracks.values()].map((t) => t.digits).join('');
  }
}
