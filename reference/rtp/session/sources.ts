/**
 * The source identifier table (RFC 3550 §6.2.1, §8.2): one entry per SSRC
 * or CSRC heard, with the transport addresses of its first RTP and first
 * RTCP packet, and §8.2's collision and loop detection over it.
 */
import type { ReportBlock } from '../rtcp/types.ts';
import type { Jitter } from './jitter.ts';
import type { SequenceState } from './sequence.ts';

export interface Source {
  ssrc: number;
  /** Source transport address of the first RTP packet with this SSRC. */
  rtpAddress?: string;
  /** … and of the first RTCP packet. */
  rtcpAddress?: string;
  /** A.1's state; undefined until an RTP packet came. */
  sequence?: SequenceState;
  jitter: Jitter;
  clockRate?: number;
  cname?: string;
  /** Counted in `members`: validated by A.1 or by an RTCP packet (§6.2.1). */
  member: boolean;
  /** In the sender table: it sent RTP since tc - 2T. */
  sender: boolean;
  /** Wallclock (ms) of its last RTP or RTCP packet, and of its last RTP packet. */
  lastHeard: number;
  lastRtp?: number;
  /** When its BYE came: kept a little so that stragglers do not recreate it. */
  byeAt?: number;
  /** Valid RTP packets and their payload octets. */
  packets: number;
  octets: number;
  /** RTP since our last report: it gets a report block. */
  heardSinceReport: boolean;
  /** The fraction lost in our last report on it (1/256). */
  fractionLost: number;
  /** Its last SR: the middle 32 bits of its NTP time, and when (ms) it arrived. */
  lastSr?: { lsr: number; at: number };
  /** Round trip to it in seconds, from its report blocks on us. */
  rtt?: number;
  /** Its last report block on our stream: how it hears us. */
  reportOnUs?: ReportBlock;
}

export const newEntry = (ssrc: number, now: number): Source => ({
  ssrc,
  jitter: { transit: undefined, jitter: 0 },
  member: false,
  sender: false,
  lastHeard: now,
  packets: 0,
  octets: 0,
  heardSinceReport: false,
  fractionLost: 0,
});

export type Kind = 'rtp' | 'rtcp';

/** The conflicting addresses kept at most: memory stays bounded whatever arrives. */
// @implements RFC3550 P62L22-P62L24
export const MAX_CONFLICTING = 64;

/** §8.2's verdicts; the four conflicts abort the packet or element. */
export type SourceVerdict = 'new' | 'known' | 'moved' | 'third-party-collision' | 'third-party-loop' | 'own-loop' | 'own-collision';

export interface Lookup {
  ssrc: number;
  kind: Kind;
  address: string;
  now: number;
  /** The CNAME of the SDES chunk being processed, if that is what carries the SSRC. */
  cname?: string;
}

export interface Own {
  ssrc: number;
  cname: string;
}

/**
 * The participant's side of §8.2's algorithm: the table, the list of
 * conflicting transport addresses (ours looped back), and the counters of
 * what was found. Our own SSRC is compared first, as §8.2 allows.
 */
// Every source heard has an entry (no SSRC sampling), so the group size is never underestimated.
// @implements RFC3550 P28L25-P28L32
export class SourceTable {
  readonly entries = new Map<number, Source>();
  /** Conflicting source transport addresses (`rtp 127.0.0.1:5004`) and the last time each conflicted. */
  readonly conflicting = new Map<string, number>();
  readonly counts = { thirdPartyCollisions: 0, thirdPartyLoops: 0, ownLoops: 0, ownCollisions: 0 };
  /** A known source may move to a new address once its old one has been silent this long (ms). */
  constructor(readonly moveAfterMs = 2000) {}

  // @implements RFC3550 P61L19-P61L24, P61L41-P61L47, P62L3-P62L4, P62L29-P62L32
  lookup(own: Own, l: Lookup): { verdict: SourceVerdict; source?: Source } {
    if (l.ssrc === own.ssrc) return this.#own(own, l);
    const entry = this.entries.get(l.ssrc);
    // @implements RFC3550 P62L34-P62L38, P28L4-P28L7
    if (!entry) {
      const source = newEntry(l.ssrc, l.now);
      if (l.kind === 'rtp') source.rtpAddress = l.address;
      else source.rtcpAddress = l.address;
      this.entries.set(l.ssrc, source);
      return { verdict: 'new', source };
    }
    const saved = l.kind === 'rtp' ? entry.rtpAddress : entry.rtcpAddress;
    // @implements RFC3550 P62L42-P62L45, P61L32-P61L37
    if (saved === undefined) {
      if (l.kind === 'rtp') entry.rtpAddress = l.address;
      else entry.rtcpAddress = l.address;
      return { verdict: 'known', source: entry };
    }
    if (saved === l.address) return { verdict: 'known', source: entry };
    // A telephone may move: accept the new address once the old one has gone quiet, so that a
    // genuine collision (both addresses live) never flip-flops between them.
    // @implements RFC3550 P64L9-P64L16
    if (l.now - entry.lastHeard >= this.moveAfterMs) {
      if (l.kind === 'rtp') entry.rtpAddress = l.address;
      else entry.rtcpAddress = l.address;
      return { verdict: 'moved', source: entry };
    }
    // The CNAME only tells a collision from a loop in a counter: nothing rests on its being unique.
    // @implements RFC3550 P62L46-P63L14, P60L13-P60L16
    // @implements RFC7022 P7L11-P7L17
    if (l.cname !== undefined && entry.cname !== undefined && l.cname !== entry.cname) {
      this.counts.thirdPartyCollisions++;
      return { verdict: 'third-party-collision' };
    }
    this.counts.thirdPartyLoops++;
    return { verdict: 'third-party-loop' };
  }

  // @implements RFC3550 P63L16-P63L42, P62L17-P62L24
  #own(own: Own, l: Lookup): { verdict: SourceVerdict } {
    const key = `${l.kind} ${l.address}`;
    if (this.conflicting.has(key)) {
      if (l.cname === undefined || l.cname === own.cname) this.counts.ownLoops++;
      this.conflicting.set(key, l.now);
      return { verdict: 'own-loop' };
    }
    this.counts.ownCollisions++;
    // The list stays short (§8.2 expects it usually empty): past its bound the stalest address goes.
    if (this.conflicting.size >= MAX_CONFLICTING) this.conflicting.delete([...this.conflicting].sort((a, b) => a[1] - b[1])[0][0]);
    this.conflicting.set(key, l.now);
    return { verdict: 'own-collision' };
  }

  // @exception RFC3550 P61L1-P61L4: not a requirement: the sentence says why changing the SSRC on a move is not a MUST
  // @exception RFC3550 P64L24-P64L26: this reference has no mixer or translator; the loop detection above is an end system's
  // @exception RFC3550 P64L39-P64L42: no layered encodings: one session, one SSRC space
  /** A new SSRC for us that no source in the table uses. */
  // @implements RFC3550 P64L18-P64L22, P60L9-P60L12
  newOwnSsrc(random: () => number, old: number): number {
    for (;;) {
      const candidate = random();
      if (candidate !== old && !this.entries.has(candidate)) return candidate;
    }
  }

  /** Conflicting addresses silent for `ms` are forgotten. */
  // @implements RFC3550 P62L24-P62L27
  forgetConflicts(now: number, ms: number): void {
    for (const [key, at] of this.conflicting) if (now - at > ms) this.conflicting.delete(key);
  }
}
