/**
 * When to send RTCP (RFC 3550 §6.3, A.7's OnExpire and OnReceive) as a pure
 * state × event function, like the SIP transaction machines. States:
 *
 * - *Reporting*: the timer sends a compound report when tp + T ≤ tc (timer
 *   reconsideration), else waits until tp + T; BYEs received pull tn and tp
 *   in (reverse reconsideration).
 * - *Leaving*: §6.3.7's BYE back-off when more than 50 members: `members`
 *   now counts the BYEs heard, and the BYE goes out as a report would.
 * - *Left*: the BYE was sent (or none was due); any further event is an
 *   error, thrown.
 *
 * Times are seconds (tc, tp, tn), as in A.7. The actions are for the session
 * to carry out: send a report or the BYE, (re)schedule the timer at tn.
 */
import { deterministicInterval, nextAvgRtcpSize, rtcpInterval, type IntervalInputs } from './interval.ts';

/** §6.3's state: what the interval is computed from (members, senders, rtcp_bw, we_sent, avg_rtcp_size, initial), and the times. */
// @implements RFC3550 P29L1-P29L34
export interface Timing extends IntervalInputs {
  state: 'Reporting' | 'Leaving';
  /** The last time an RTCP packet was transmitted. */
  tp: number;
  /** The next scheduled transmission time. */
  tn: number;
  /** Members when tn was last recomputed. */
  pmembers: number;
}

export type TimingState = Timing | { state: 'Left' };

export type TimingEvent =
  /** The transmission timer fired at tc. */
  | { type: 'expire'; tc: number }
  /** The report the last `sendReport` asked for went out, `size` octets with UDP/IP. */
  | { type: 'sent'; tc: number; size: number }
  /** A compound RTCP packet other than a BYE; `newMembers` of the sources it speaks for were new to the member table. */
  | { type: 'rtcp'; tc: number; size: number; newMembers: number }
  | { type: 'rtp'; tc: number; newMember: boolean; newSender: boolean }
  /** A compound with a BYE: `members` and `senders` leave the tables (net of members the same compound added). */
  | { type: 'bye'; tc: number; size: number; members: number; senders: number }
  /** §6.3.5: members and senders timed out by the session's check. */
  | { type: 'timeout'; tc: number; members: number; senders: number }
  /** §6.3.8: we sent RTP with we_sent false (`true`), or sent none for 2T (`false`). */
  | { type: 'weSent'; tc: number; weSent: boolean }
  /** We leave: the BYE would be `size` octets; `everSent` whether we sent any RTP or RTCP. */
  | { type: 'leave'; tc: number; size: number; everSent: boolean };

export type TimingAction = { do: 'sendReport' } | { do: 'sendBye' } | { do: 'schedule'; at: number };

export interface TimingTransition {
  next: TimingState;
  actions: TimingAction[];
}

/**
 * §6.3.2: joining at tc. avgRtcpSize is the probable size of our first
 * compound packet. `heard` is what the session took in before it joined (a
 * receiver may be handed packets first): counted from the start, it is the
 * same group the RFC's counts would have reached.
 */
// @implements RFC3550 P30L43-P31L3
export function startTiming(
  p: { tc: number; rtcpBw: number; avgRtcpSize: number; heard?: { members: number; senders: number; weSent: boolean } },
  random: () => number,
): TimingTransition {
  const heard = p.heard ?? { members: 0, senders: 0, weSent: false };
  const members = 1 + heard.members;
  const t: Timing = { state: 'Reporting', tp: 0, tn: 0, pmembers: members, members, senders: heard.senders + (heard.weSent ? 1 : 0), rtcpBw: p.rtcpBw, weSent: heard.weSent, avgRtcpSize: p.avgRtcpSize, initial: true };
  t.tn = p.tc + rtcpInterval(t, random);
  return { next: t, actions: [{ do: 'schedule', at: t.tn }] };
}

/** §6.3.5's Td for a receiver (we_sent false), with the fixed minimum: what a member has to be silent for, 5 times. */
// @implements RFC3550 P32L16-P32L22, P26L28-P26L32
export const receiverTd = (t: Timing): number => deterministicInterval({ ...t, weSent: false, initial: false });

/** §6.3.5's timeout multiplier M. */
// @implements RFC3550 P32L20-P32L22, P28L17-P28L23
export const TIMEOUT_MULTIPLIER = 5;

export function timingStep(s: TimingState, e: TimingEvent, random: () => number): TimingTransition {
  switch (s.state) {
    case 'Reporting':
      switch (e.type) {
        case 'expire': {
          // @implements RFC3550 P91L34-P91L43, P32L36-P32L47, P92L15-P92L18, P33L1
          const t = rtcpInterval(s, random);
          const tn = s.tp + t;
          if (tn <= e.tc) return { next: { ...s, pmembers: s.members }, actions: [{ do: 'sendReport' }] };
          return { next: { ...s, tn, pmembers: s.members }, actions: [{ do: 'schedule', at: tn }] };
        }
        case 'sent': {
          // The interval is drawn again: the one that let the packet go is biased small.
          // @implements RFC3550 P91L43-P92L14, P32L42-P32L45, P33L3-P33L8
          const sent = { ...s, avgRtcpSize: nextAvgRtcpSize(s.avgRtcpSize, e.size), tp: e.tc };
          const tn = e.tc + rtcpInterval(sent, random);
          return { next: { ...sent, tn, initial: false }, actions: [{ do: 'schedule', at: tn }] };
        }
        case 'rtcp':
          // @implements RFC3550 P92L36-P92L42, P31L9-P31L13, P31L19-P31L24
          return stay({ ...s, members: s.members + e.newMembers, avgRtcpSize: nextAvgRtcpSize(s.avgRtcpSize, e.size) });
        case 'rtp':
          // @implements RFC3550 P92L43-P93L3, P31L15-P31L17
          return stay({ ...s, members: s.members + (e.newMember ? 1 : 0), senders: s.senders + (e.newSender ? 1 : 0) });
        case 'bye': {
          // @implements RFC3550 P93L4-P93L17, P31L28-P31L33
          const next = {
            ...s,
            avgRtcpSize: nextAvgRtcpSize(s.avgRtcpSize, e.size),
            senders: s.senders - e.senders,
            members: s.members - e.members,
          };
          return reverseReconsider(next, e.tc);
        }
        case 'timeout':
          // @implements RFC3550 P32L28-P32L29
          return reverseReconsider({ ...s, members: s.members - e.members, senders: s.senders - e.senders }, e.tc);
        case 'weSent':
          // Adding ourselves to the senders changes no member count: the reverse
          // reconsideration this SHOULD run moves tn only when members < pmembers.
          // @implements RFC3550 P34L14-P34L18, P34L20-P34L23
          return reverseReconsider({ ...s, weSent: e.weSent, senders: s.senders + (e.weSent ? 1 : -1) }, e.tc);
        case 'leave':
          return leave(s, e, random);
        default:
          return never(e);
      }
    case 'Leaving':
      switch (e.type) {
        case 'expire': {
          // @implements RFC3550 P91L16-P91L32, P33L36-P33L37
          const tn = s.tp + rtcpInterval(s, random);
          if (tn <= e.tc) return { next: { state: 'Left' }, actions: [{ do: 'sendBye' }] };
          return { next: { ...s, tn }, actions: [{ do: 'schedule', at: tn }] };
        }
        case 'bye':
          // @implements RFC3550 P93L31-P93L33, P33L27-P33L33
          return stay({ ...s, members: s.members + 1, avgRtcpSize: nextAvgRtcpSize(s.avgRtcpSize, e.size) });
        case 'rtcp':
        case 'rtp':
        case 'timeout':
        case 'weSent':
          // @implements RFC3550 P33L31-P33L34
          return stay(s);
        case 'sent':
        case 'leave':
          throw new Error(`RTCP timing: '${e.type}' while leaving; the BYE is already scheduled (RFC 3550 §6.3.7)`);
        default:
          return never(e);
      }
    case 'Left':
      switch (e.type) {
        // What others send, and the table's own check, go on arriving after our BYE: nothing is scheduled for them.
        case 'rtcp':
        case 'rtp':
        case 'bye':
        case 'timeout':
          return { next: s, actions: [] };
        case 'expire':
        case 'sent':
        case 'weSent':
        case 'leave':
          throw new Error(`RTCP timing: '${e.type}' after the BYE; a participant that left sends no more RTCP (RFC 3550 §6.3.7)`);
        default:
          return never(e);
      }
    default:
      return never(s);
  }
}

/** The counts stay possible whatever arrived: we are a member, and no more senders than members. */
const counted = (t: Timing): Timing => {
  const members = Math.max(1, t.members);
  return { ...t, members, senders: Math.min(members, Math.max(0, t.senders)) };
};

const stay = (next: Timing): TimingTransition => ({ next: counted(next), actions: [] });

/** §6.3.4: members fell below pmembers, so tn and tp move in by members/pmembers. */
// @implements RFC3550 P31L35-P32L4, P93L19-P93L28
function reverseReconsider(given: Timing, tc: number): TimingTransition {
  const s = counted(given);
  if (!(s.members < s.pmembers)) return stay(s);
  const f = s.members / s.pmembers;
  const tn = tc + f * (s.tn - tc);
  const tp = tc - f * (tc - s.tp);
  return { next: { ...s, tn, tp, pmembers: s.members }, actions: [{ do: 'schedule', at: tn }] };
}

/** §6.3.7: no BYE from one who never sent; back off above 50 members; else at once. */
function leave(s: Timing, e: Extract<TimingEvent, { type: 'leave' }>, random: () => number): TimingTransition {
  // @implements RFC3550 P34L6-P34L7
  if (!e.everSent) return { next: { state: 'Left' }, actions: [] };
  // @implements RFC3550 P33L12-P33L25
  if (s.members > 50) {
    const bye: Timing = { ...s, state: 'Leaving', tp: e.tc, members: 1, pmembers: 1, initial: true, weSent: false, senders: 0, avgRtcpSize: e.size };
    bye.tn = e.tc + rtcpInterval(bye, random);
    return { next: bye, actions: [{ do: 'schedule', at: bye.tn }] };
  }
  // @implements RFC3550 P34L1-P34L3
  return { next: { state: 'Left' }, actions: [{ do: 'sendBye' }] };
}

function never(x: never): never {
  throw new Error(`RTCP timing: no such state or event ${JSON.stringify(x)}`);
}
