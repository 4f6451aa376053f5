// @implements RFC3550 (RTP: A Transport Protocol for Real-Time Applications)
/**
 * An RTP session as one participant runs it: the source table (§6.2.1, §8.2),
 * each source's A.1 sequence state, A.3 loss and A.8 jitter, the RTCP timer
 * (`timing.ts`, §6.3 and A.7) on a clock, the reports it sends (§6.4) and
 * the ones it reads (SR times for LSR/DLSR, report blocks on us for the
 * round trip), collisions of our SSRC (§8.2) and leaving with a BYE (§6.3.7).
 *
 * Datagrams come in as bytes with the transport address they came from; the
 * session never throws over them. What it drops it counts, by reason, in
 * `rtpDrops` and `rtcpDrops`; `counts` says what it ignored. Packets that
 * pass go to `onPacket`. Sending goes through the `send` functions it is
 * given: this module opens no socket.
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import { DropCounts } from '../packet/drops.ts';
import { parseRtp, serializeRtp, type HeaderExtension, type RtpDropReason, type RtpPacket } from '../packet/rtp.ts';
import { parseCompound } from '../rtcp/compound.ts';
import { isRtcp, MUXED_RESERVED_PAYLOAD_TYPES } from '../rtcp/mux.ts';
import type { RtcpDropReason } from '../rtcp/header.ts';
import { middle32, ntpFromUnixMs, roundTrip, type ClockPairing } from '../rtcp/ntp.ts';
import { perSessionCname } from '../rtcp/cname.ts';
import { cnameOf } from '../rtcp/sdes.ts';
import type { ReportBlock, RtcpPacket } from '../rtcp/types.ts';
import { deterministicInterval, LOWER_LAYER_OCTETS, rtcpBandwidth } from './interval.ts';
import { arrivalUnits, reportedJitter, updateJitter } from './jitter.ts';
import { cumulativeLost, expected } from './loss.ts';
import { compound, reportBlocks, senderInfo } from './report.ts';
import { random32 as cryptoRandom32, streamStart, uniform } from './random.ts';
import { MIN_SEQUENTIAL, newSource, updateSeq } from './sequence.ts';
import { newEntry, SourceTable, type Source, type SourceVerdict } from './sources.ts';
import { receiverTd, startTiming, timingStep, TIMEOUT_MULTIPLIER, type TimingEvent, type TimingState } from './timing.ts';

export type SessionRtpDrop =
  | RtpDropReason
  | 'payload-type' // a payload type this session does not understand
  | 'probation' // its source is not valid yet (A.1)
  | 'sequence' // a very large jump of the sequence number (A.1)
  | 'after-bye' // its source sent a BYE
  | 'table-full' // a new source while the table holds maxSources
  | Exclude<SourceVerdict, 'new' | 'known' | 'moved'>;

export type SessionRtcpDrop = RtcpDropReason | 'table-full';

export interface SessionOptions {
  clock: Clock;
  /** The session bandwidth in bits per second, the same for every participant (§6.2). */
  sessionBandwidth: number;
  /** Payload types understood, each with its RTP clock rate. */
  payloadTypes: ReadonlyMap<number, number>;
  send: { rtcp(bytes: Uint8Array): void; rtp?(bytes: Uint8Array): void };
  cname?: string;
  ssrc?: number;
  /** Wallclock in Unix ms, for NTP timestamps (default: the clock's origin plus its time). */
  wallclock?: () => number;
  /** Uniform in [0, 1), for the RTCP interval (A.7's drand48). */
  random?: () => number;
  /** A random 32-bit identifier (A.6), for a new SSRC after a collision. */
  random32?: () => number;
  /** Called with each packet that passed, and its source. */
  onPacket?: (packet: RtpPacket, source: Source) => void;
  /** Called when a source leaves with a BYE. */
  onBye?: (ssrc: number, reason: string | undefined) => void;
  /** The table holds at most this many sources (memory is bounded); default 1000. */
  maxSources?: number;
  /** Report blocks per compound (what fits the MTU); more sources are reported round-robin. Default 31. */
  maxReportBlocks?: number;
  /** RTP and RTCP share one port (RFC 5761): `receive` tells them apart, and payload types 64-95 are refused. */
  rtcpMux?: boolean;
}

/** One source as its RTCP reception report sees it. */
export interface SourceStats {
  ssrc: number;
  cname?: string;
  state: 'probation' | 'valid' | 'bye' | 'rtcp-only';
  packets: number;
  octets: number;
  expected?: number;
  cumulativeLost?: number;
  /** The fraction lost in our last report on it, in 1/256. */
  fractionLost: number;
  /** A.8's jitter, in timestamp units and in milliseconds. */
  jitter: number;
  jitterMs?: number;
  /** Round trip in seconds, when it reported on an SR of ours. */
  rtt?: number;
  /** Its last report block on our stream. */
  reportOnUs?: ReportBlock;
}

/**
 * One medium's session: its payload types share one timing and sequence
 * space; audio and video are two sessions on their own addresses.
 */
// @implements RFC3550 P16L43-P16L46, P17L1-P17L3, P14L15-P14L17
// Reports, the CNAME and the scaled interval run whatever the number of members: nothing here assumes unicast.
// @implements RFC3550 P20L41-P20L44
export class RtpSession {
  ssrc: number;
  readonly cname: string;
  // @implements RFC3550 P61L32-P61L35, P28L4-P28L7
  readonly table = new SourceTable();
  readonly rtpDrops = new DropCounts<SessionRtpDrop>();
  readonly rtcpDrops = new DropCounts<SessionRtcpDrop>();
  /** What was received and ignored, not dropped: unknown RTCP types, APP packets, reports sent. */
  // Loops and collisions are counted here and in the table's counts, for the application to show.
  // @implements RFC3550 P64L33-P64L34
  readonly counts = { rtcpUnknownType: 0, rtcpApp: 0, reportsSent: 0, byesSent: 0, collisions: 0 };
  timing: TimingState | undefined;
  readonly #o: SessionOptions;
  readonly #random: () => number;
  readonly #wallclock: () => number;
  #timer: TimerHandle | undefined;
  #seq: number;
  #timestampBase: number;
  #pairing: ClockPairing | undefined;
  #packetCount = 0;
  #octetCount = 0;
  #lastRtpSent: number | undefined;
  #everSent = false;
  /** we_sent when we decided to leave: the BYE's report says it, though §6.3.7's back-off times the BYE as a non-sender's. */
  #weSentAtLeave = false;
  #reportCursor = 0;
  #joinedAt = 0;
  #stopped = false;

  constructor(options: SessionOptions) {
    this.#o = options;
    const { first, last } = MUXED_RESERVED_PAYLOAD_TYPES;
    const clash = [...options.payloadTypes.keys()].filter((pt) => pt >= first && pt <= last);
    // @implements RFC5761 P5L35-P5L38, P6L47-P6L48
    if (options.rtcpMux && clash.length) throw new RangeError(`RTP session: payload type ${clash.join(', ')} with RTP and RTCP on one port; ${first}-${last} MUST NOT be used (RFC 5761 §4)`);
    // @implements RFC3550 P86L11-P86L14, P16L12-P16L15
    const start = streamStart();
    this.ssrc = options.ssrc ?? start.ssrc;
    this.#seq = start.sequenceNumber;
    this.#timestampBase = start.timestamp;
    // @implements RFC7022 P5L40-P5L46
    this.cname = options.cname ?? perSessionCname();
    this.#random = options.random ?? uniform;
    this.#wallclock = options.wallclock ?? (() => performance.timeOrigin + options.clock.now());
  }

  // --- RTCP timing ------------------------------------------------------------

  /** §6.3.2: join the session and schedule the first report. */
  // @implements RFC3550 P31L5, P30L43-P31L3
  start(): void {
    if (this.timing) throw new Error('RTP session: start() twice; a participant joins once (RFC 3550 §6.3.2)');
    this.#joinedAt = this.#o.clock.now();
    const probable = this.#compound([]).length + LOWER_LAYER_OCTETS;
    const entries = [...this.table.entries.values()].filter((s) => s.byeAt === undefined);
    const heard = { members: entries.filter((s) => s.member).length, senders: entries.filter((s) => s.sender).length, weSent: this.#lastRtpSent !== undefined };
    this.#carryOut(startTiming({ tc: this.#tc(), rtcpBw: rtcpBandwidth(this.#o.sessionBandwidth), avgRtcpSize: probable, heard }, this.#random));
  }

  /** §6.3.7: leave, with a BYE unless we never sent anything. */
  leave(reason?: string): void {
    if (!this.timing) throw new Error('RTP session: leave() before start(); a participant leaves a session it joined (RFC 3550 §6.3.7)');
    const size = this.#compound([], reason).length + LOWER_LAYER_OCTETS;
    if (this.timing.state === 'Reporting') this.#weSentAtLeave = this.timing.weSent;
    this.#event({ type: 'leave', tc: this.#tc(), size, everSent: this.#everSent }, reason);
  }

  /**
   * Leaves without a BYE (§6.3.7: a participant MAY): the timer stops for
   * good, and nothing that arrives afterwards (a BYE pulling tn in) starts it
   * again, so no RTCP goes out through a socket the caller has closed.
   */
  // @implements RFC3550 P33L44-P33L47
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer) this.#o.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** tc: seconds since we joined, as §6.3.2 starts tp and tc at 0 when the participant joins. */
  // @implements RFC3550 P30L43-P30L44
  #tc = (): number => (this.#o.clock.now() - this.#joinedAt) / 1000;

  #event(e: TimingEvent, byeReason?: string): void {
    if (!this.timing) return;
    this.#carryOut(timingStep(this.timing, e, this.#random), byeReason);
  }

  #carryOut(t: { next: TimingState; actions: ({ do: 'sendReport' } | { do: 'sendBye' } | { do: 'schedule'; at: number })[] }, byeReason?: string): void {
    this.timing = t.next;
    if (t.next.state === 'Left') this.#clearTimer();
    for (const a of t.actions) {
      switch (a.do) {
        // @implements RFC3550 P88L10-P88L15
        case 'schedule':
          this.#clearTimer();
          if (this.#stopped) break;
          this.#timer = this.#o.clock.setTimer(Math.max(0, (a.at - this.#tc()) * 1000), () => this.#expire(a.at, byeReason));
          break;
        // @implements RFC3550 P88L17
        case 'sendReport': {
          const bytes = this.#report();
          this.#o.send.rtcp(bytes);
          this.counts.reportsSent++;
          this.#event({ type: 'sent', tc: this.#tc(), size: bytes.length + LOWER_LAYER_OCTETS });
          break;
        }
        // @implements RFC3550 P88L19
        case 'sendBye':
          this.#clearTimer();
          this.#o.send.rtcp(this.#compound(this.#blocks(), byeReason ?? ''));
          this.counts.byesSent++;
          break;
        default:
          never(a);
      }
    }
  }

  /**
   * The timer set for `due` fired: tc is at least `due`, whatever rounding
   * of milliseconds to seconds says, or tp + T <= tc could fail by 1e-11 s
   * and reschedule the timer at the instant it fired, for ever.
   */
  #expire(due: number, byeReason?: string): void {
    this.#timer = undefined;
    this.#timeouts();
    this.#event({ type: 'expire', tc: Math.max(this.#tc(), due) }, byeReason);
  }

  /**
   * §6.3.5, run at every expiry (so at least once per interval): members
   * silent for M·Td go, sources that sent no RTP for 2T leave the senders,
   * and so do we (§6.3.8).
   */
  // @implements RFC3550 P32L16-P32L26, P32L31-P32L32, P34L18-P34L23, P28L17-P28L19
  #timeouts(): void {
    const t = this.timing;
    if (!t || t.state !== 'Reporting') return;
    const now = this.#o.clock.now();
    const td = receiverTd(t) * 1000;
    const twoT = 2 * deterministicInterval({ ...t }) * 1000;
    let members = 0;
    let senders = 0;
    for (const [ssrc, s] of this.table.entries) {
      // @implements RFC3550 P28L13-P28L15, P79L36-P79L38
      const silentFor = s.byeAt !== undefined ? now - s.byeAt : now - s.lastHeard;
      const limit = s.byeAt !== undefined || !s.member ? td : TIMEOUT_MULTIPLIER * td;
      if (silentFor > limit) {
        if (s.member && s.byeAt === undefined) members++;
        if (s.sender && s.byeAt === undefined) senders++;
        this.table.entries.delete(ssrc);
      } else if (s.sender && now - (s.lastRtp ?? 0) > twoT) {
        s.sender = false;
        senders++;
      }
    }
    if (members || senders) this.#event({ type: 'timeout', tc: this.#tc(), members, senders });
    if (t.weSent && (this.#lastRtpSent === undefined || now - this.#lastRtpSent > twoT)) this.#event({ type: 'weSent', tc: this.#tc(), weSent: false });
    // @implements RFC3550 P62L25-P62L27
    this.table.forgetConflicts(now, 10 * td);
  }

  // --- receiving RTP ------------------------------------------------------------

  /** A datagram from the one port RTP and RTCP share (rtcpMux): RTCP by its packet type, else RTP. */
  // @implements RFC5761 P7L9-P7L12
  receive(bytes: Uint8Array, from: string): void {
    if (!this.#o.rtcpMux) throw new Error('RTP session: receive() is for RTP and RTCP on one port; this session was not made with rtcpMux (RFC 5761)');
    if (isRtcp(bytes)) this.receiveRtcp(bytes, from);
    else this.receiveRtp(bytes, from);
  }

  /** Data and control come in apart: RTP on one port, RTCP on another (or on one port through `receive`). */
  // @implements RFC3550 P19L37-P19L39
  receiveRtp(bytes: Uint8Array, from: string): RtpPacket | undefined {
    const parsed = parseRtp(bytes);
    if (!parsed.ok) return this.#dropRtp(parsed.reason, parsed.detail);
    const p = parsed.value;
    const clockRate = this.#o.payloadTypes.get(p.payloadType);
    // @implements RFC3550 P14L19-P14L20, P78L41-P78L42
    if (clockRate === undefined) return this.#dropRtp('payload-type', `payload type ${p.payloadType} is not one this session understands (RFC 3550 §5.1)`);
    const now = this.#o.clock.now();
    const found = this.#lookup(p.ssrc, 'rtp', from, now);
    if (typeof found === 'string') return this.#dropRtp(found, `SSRC ${p.ssrc} from ${from}: ${found} (RFC 3550 §8.2)`);
    const s = found.source;
    if (s.byeAt !== undefined) return this.#dropRtp('after-bye', `SSRC ${p.ssrc} sent a BYE (RFC 3550 §6.2.1)`);
    s.lastHeard = now;
    // @implements RFC3550 P79L10-P79L18, P79L26-P79L30
    const { next, verdict } = updateSeq(s.sequence ?? newSource(p.sequenceNumber), p.sequenceNumber);
    s.sequence = next;
    if (verdict === 'probation') return this.#dropRtp('probation', `SSRC ${p.ssrc} seq ${p.sequenceNumber}: not yet ${MIN_SEQUENTIAL} packets in sequence (RFC 3550 A.1)`);
    if (verdict === 'jump') return this.#dropRtp('sequence', `SSRC ${p.ssrc} seq ${p.sequenceNumber}: a very large jump from ${next.maxSeq} (RFC 3550 A.1)`);
    // @implements RFC3550 P38L46-P38L47, P80L5-P80L7
    if (verdict === 'restarted') Object.assign(s, { jitter: { transit: undefined, jitter: 0 }, fractionLost: 0 });
    const newMember = !s.member;
    const newSender = !s.sender;
    s.member = true;
    s.sender = true;
    s.lastRtp = now;
    s.clockRate = clockRate;
    // @implements RFC3550 P40L11-P40L14
    s.jitter = updateJitter(s.jitter, arrivalUnits(this.#wallclock(), clockRate), p.timestamp);
    s.packets++;
    s.octets += p.payload.length;
    s.heardSinceReport = true;
    if (newMember || newSender) this.#event({ type: 'rtp', tc: this.#tc(), newMember, newSender });
    // @implements RFC3550 P31L12-P31L13, P35L29-P35L30
    for (const c of p.csrc) {
      const known = this.table.entries.get(c);
      if (known) known.lastHeard = now;
      if (c === this.ssrc || known || this.table.entries.size >= (this.#o.maxSources ?? 1000)) continue;
      this.table.entries.set(c, { ...newEntry(c, now), member: true });
      this.#event({ type: 'rtp', tc: this.#tc(), newMember: true, newSender: false });
    }
    this.#o.onPacket?.(p, s);
    return p;
  }

  #dropRtp(reason: SessionRtpDrop, detail: string): undefined {
    this.rtpDrops.count(reason, detail);
    return undefined;
  }

  /** §8.2 on one identifier; a conflict of our own SSRC is resolved here. */
  #lookup(ssrc: number, kind: 'rtp' | 'rtcp', from: string, now: number, cname?: string): { source: Source } | Exclude<SessionRtpDrop, RtpDropReason> {
    const isNew = !this.table.entries.has(ssrc) && ssrc !== this.ssrc;
    // @implements RFC3550 P28L25-P28L28
    if (isNew && this.table.entries.size >= (this.#o.maxSources ?? 1000) && !this.#evictUnvalidated()) return 'table-full';
    const { verdict, source } = this.table.lookup({ ssrc: this.ssrc, cname: this.cname }, { ssrc, kind, address: from, now, cname });
    switch (verdict) {
      case 'new':
      case 'known':
      case 'moved':
        return { source: source! };
      case 'own-collision':
        this.#collided(from, kind, now);
        return verdict;
      // @implements RFC3550 P63L12-P63L13, P63L27-P63L28
      case 'own-loop':
      case 'third-party-collision':
      case 'third-party-loop':
        return verdict;
      default:
        return never(verdict);
    }
  }

  /**
   * A full table makes room by forgetting the longest-silent source that was
   * never validated: one packet of noise must not keep out a real source.
   */
  // @implements RFC3550 P28L17-P28L19, P79L36-P79L38
  #evictUnvalidated(): boolean {
    let oldest: Source | undefined;
    for (const e of this.table.entries.values()) if (!e.member && e.byeAt === undefined && (!oldest || e.lastHeard < oldest.lastHeard)) oldest = e;
    if (oldest) this.table.entries.delete(oldest.ssrc);
    return oldest !== undefined;
  }

  /**
   * Another source uses our SSRC: a BYE for the old one, a new one not in the
   * table, and the old one entered as the other source's. Our sender counts
   * start again with the new SSRC.
   */
  // @implements RFC3550 P60L9-P60L12, P63L33-P63L42
  #collided(from: string, kind: 'rtp' | 'rtcp', now: number): void {
    const old = this.ssrc;
    this.counts.collisions++;
    if (this.#everSent) this.#o.send.rtcp(this.#compound([], 'SSRC collision', old));
    this.ssrc = this.table.newOwnSsrc(this.#o.random32 ?? cryptoRandom32, old);
    const other = newEntry(old, now);
    if (kind === 'rtp') other.rtpAddress = from;
    else other.rtcpAddress = from;
    this.table.entries.set(old, other);
    // @implements RFC3550 P38L31-P38L32, P38L38-P38L39
    this.#packetCount = 0;
    this.#octetCount = 0;
  }

  // --- receiving RTCP -----------------------------------------------------------

  receiveRtcp(bytes: Uint8Array, from: string): RtcpPacket[] | undefined {
    const parsed = parseCompound(bytes);
    if (!parsed.ok) {
      this.rtcpDrops.count(parsed.reason, parsed.detail);
      return undefined;
    }
    const now = this.#o.clock.now();
    // @implements RFC3550 P31L19-P31L24, P29L28-P29L31
    const size = bytes.length + LOWER_LAYER_OCTETS;
    let newMembers = 0;
    let bye: { members: number; senders: number } | undefined;
    for (const p of parsed.value) {
      // @implements RFC3550 P61L45-P62L3
      switch (p.type) {
        case 'SR':
        case 'RR': {
          const s = this.#rtcpSource(p.ssrc, from, now);
          if (!s) break;
          newMembers += s.fresh;
          // @implements RFC3550 P40L31-P40L35
          if (p.type === 'SR') s.source.lastSr = { lsr: middle32({ seconds: p.sender.ntpSeconds, fraction: p.sender.ntpFraction }), at: now };
          const onUs = p.reports.find((r) => r.ssrc === this.ssrc);
          // @implements RFC3550 P40L43-P41L1
          if (onUs) {
            s.source.rtt = roundTrip(middle32(ntpFromUnixMs(this.#wallclock())), onUs.lsr, onUs.dlsr) ?? s.source.rtt;
            s.source.reportOnUs = onUs;
          }
          break;
        }
        case 'SDES':
          // @implements RFC3550 P61L45-P61L47
          for (const chunk of p.chunks) {
            const cname = cnameOf(chunk);
            const s = this.#rtcpSource(chunk.ssrc, from, now, cname);
            if (!s) continue;
            newMembers += s.fresh;
            if (cname !== undefined) s.source.cname = cname;
          }
          break;
        case 'BYE': {
          bye ??= { members: 0, senders: 0 };
          for (const ssrc of p.sources) {
            const s = this.table.entries.get(ssrc);
            // Removed only when the BYE comes from the address its RTCP came from.
            // @implements RFC3550 P62L4-P62L6, P28L10-P28L15
            if (!s || s.byeAt !== undefined || (s.rtcpAddress !== undefined && s.rtcpAddress !== from)) continue;
            if (s.member) bye.members++;
            if (s.sender) bye.senders++;
            Object.assign(s, { byeAt: now, member: false, sender: false });
            this.#o.onBye?.(ssrc, p.reason);
          }
          break;
        }
        // @implements RFC3550 P52L30
        case 'APP':
          this.counts.rtcpApp++;
          break;
        // @implements RFC3550 P23L24-P23L25
        case 'unknown':
          this.counts.rtcpUnknownType++;
          break;
        default:
          never(p);
      }
    }
    // A.7's OnReceive: a compound with a BYE is a BYE packet, any other a report.
    // @implements RFC3550 P92L36-P92L42, P93L4-P93L7
    if (bye) this.#event({ type: 'bye', tc: this.#tc(), size, members: bye.members - newMembers, senders: bye.senders });
    else this.#event({ type: 'rtcp', tc: this.#tc(), size, newMembers });
    return parsed.value;
  }

  /** The entry for an SSRC an RTCP element speaks for; RTCP validates a new member (A.2's checks are strong). */
  // @implements RFC3550 P81L40-P81L43, P28L7-P28L10
  #rtcpSource(ssrc: number, from: string, now: number, cname?: string): { source: Source; fresh: number } | undefined {
    const found = this.#lookup(ssrc, 'rtcp', from, now, cname);
    if (typeof found === 'string') {
      if (found === 'table-full') this.rtcpDrops.count('table-full', `SSRC ${ssrc} from ${from}: the table holds ${this.table.entries.size} sources`);
      return undefined;
    }
    const s = found.source;
    if (s.byeAt !== undefined) return undefined;
    s.lastHeard = now;
    const fresh = s.member ? 0 : 1;
    s.member = true;
    return { source: s, fresh };
  }

  // --- sending ------------------------------------------------------------------

  /**
   * The next RTP packet of our stream: `ticks` is its timestamp in clock
   * units since the stream began (for audio, its sampling instant); the
   * session adds the random offset and numbers it. `instant` is the media
   * clock, in the same units, at the moment the packet stands for, when that
   * is not `ticks`: an RFC 4733 update carries its event's start as its
   * timestamp, however long the event has gone on.
   */
  // @implements RFC3550 P14L22-P14L24, P14L32-P14L36, P14L44-P15L3
  sendRtp(m: { payloadType: number; ticks: number; instant?: number; payload: Uint8Array; marker?: boolean; csrc?: number[]; extension?: HeaderExtension }): Uint8Array {
    const clockRate = this.#o.payloadTypes.get(m.payloadType);
    if (clockRate === undefined) throw new RangeError(`RTP session: payload type ${m.payloadType} has no clock rate in this session (RFC 3550 §5.1)`);
    const instant = m.instant ?? m.ticks;
    for (const [name, x] of [['ticks', m.ticks], ['instant', instant]] as const) {
      if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`RTP session: ${name} ${x} is not a whole number of clock units since the stream began (RFC 3550 §5.1, timestamp)`);
    }
    if (this.timing?.state === 'Left' || this.timing?.state === 'Leaving') throw new Error('RTP session: sending RTP after leaving (RFC 3550 §6.3.7)');
    const timestamp = (this.#timestampBase + m.ticks) % 2 ** 32;
    const bytes = serializeRtp({ marker: m.marker ?? false, payloadType: m.payloadType, sequenceNumber: this.#seq, timestamp, ssrc: this.ssrc, csrc: m.csrc ?? [], extension: m.extension, payload: m.payload, padding: 0 });
    this.#seq = (this.#seq + 1) & 0xffff;
    const now = this.#o.clock.now();
    // The SR's RTP timestamp is computed from this pairing of the media clock
    // with the wallclock at the packet's instant, not from its header timestamp,
    // which an event update holds at its start (RFC 4733 §2.5.1.2).
    // @implements RFC3550 P38L22-P38L26
    this.#pairing = { wallclockMs: this.#wallclock(), rtpTimestamp: (this.#timestampBase + instant) % 2 ** 32, clockRate };
    // @implements RFC3550 P38L28-P38L30, P38L34-P38L37
    this.#packetCount++;
    this.#octetCount += m.payload.length;
    this.#lastRtpSent = now;
    this.#everSent = true;
    // @implements RFC3550 P34L14-P34L16
    if (this.timing?.state === 'Reporting' && !this.timing.weSent) this.#event({ type: 'weSent', tc: this.#tc(), weSent: true });
    this.#o.send.rtp?.(bytes);
    return bytes;
  }

  #blocks(): ReportBlock[] {
    const r = reportBlocks(this.table.entries.values(), this.#o.clock.now(), this.#o.maxReportBlocks ?? 31, this.#reportCursor);
    this.#reportCursor = r.cursor;
    return r.blocks;
  }

  /**
   * The SR's sender information while we_sent, the BYE's compound included:
   * once we leave, we_sent is what it was when we decided to (no RTP goes out
   * after that). Never for an old SSRC we are leaving.
   */
  // @implements RFC3550 P35L22-P35L24, P29L25-P29L26, P34L11-P34L14
  #compound(blocks: ReportBlock[], byeReason?: string, ssrc = this.ssrc): Uint8Array {
    const t = this.timing;
    const weSent = ssrc === this.ssrc && (t?.state === 'Reporting' ? t.weSent : this.#weSentAtLeave);
    const sender = weSent && this.#pairing ? senderInfo(this.#wallclock(), this.#pairing, this.#packetCount, this.#octetCount) : undefined;
    return compound({ ssrc, cname: this.cname, sender, blocks, byeReason });
  }

  #report(): Uint8Array {
    this.#everSent = true;
    return this.#compound(this.#blocks());
  }

  // --- what it knows --------------------------------------------------------------

  /** Each source as §6.4.1's report block sees it: packets, octets, loss, jitter, RTT. */
  // @implements RFC3550 P38L42-P38L45, P43L26-P43L29
  stats(): SourceStats[] {
    return [...this.table.entries.values()].map((s) => {
      const seq = s.sequence;
      const valid = seq?.state === 'valid' ? seq : undefined;
      return {
        ssrc: s.ssrc,
        cname: s.cname,
        state: s.byeAt !== undefined ? 'bye' : seq === undefined ? 'rtcp-only' : seq.state,
        packets: s.packets,
        octets: s.octets,
        expected: valid && expected(valid),
        // @implements RFC3550 P39L20-P39L27, P39L41-P39L44
        cumulativeLost: valid && cumulativeLost(valid),
        fractionLost: s.fractionLost,
        jitter: reportedJitter(s.jitter),
        jitterMs: s.clockRate ? (s.jitter.jitter * 1000) / s.clockRate : undefined,
        rtt: s.rtt,
        reportOnUs: s.reportOnUs,
      };
    });
  }
}

function never(x: never): never {
  throw new Error(`RTP session: no such case ${JSON.stringify(x)}`);
}
