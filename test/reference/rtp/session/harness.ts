/** Sessions on a fake clock, wired to each other by hand: what each sent, and when. */
import { FakeClock } from '../../../../reference/clock.ts';
import { RtpSession, type SessionOptions } from '../../../../reference/rtp/session/session.ts';
import { parseCompound } from '../../../../reference/rtp/rtcp/compound.ts';
import { parseRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { CNAME, type RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';
import { serializeCompound } from '../../../../reference/rtp/rtcp/compound.ts';

export const PCMU = new Map([[0, 8000]]);

export interface Sent {
  at: number;
  bytes: Uint8Array;
}

/**
 * Fails a test loudly, instead of hanging it, when a session sets timer after
 * timer at one instant (a timer that fires only to set itself again).
 */
function guard(clock: FakeClock): void {
  if ((clock as { guarded?: boolean }).guarded) return;
  const set = clock.setTimer.bind(clock);
  let at = -1;
  let times = 0;
  clock.setTimer = (ms, fire) => {
    times = clock.now() === at ? times + 1 : 0;
    at = clock.now();
    if (times > 1000) throw new Error(`timer loop: 1000 timers set at ${at} ms, the last for ${ms} ms`);
    return set(ms, fire);
  };
  (clock as { guarded?: boolean }).guarded = true;
}

export function session(clock: FakeClock, over: Partial<SessionOptions> = {}) {
  guard(clock);
  const rtcp: Sent[] = [];
  const rtp: Sent[] = [];
  const s = new RtpSession({
    clock,
    sessionBandwidth: 64_000,
    payloadTypes: PCMU,
    send: { rtcp: (bytes) => rtcp.push({ at: clock.now(), bytes }), rtp: (bytes) => rtp.push({ at: clock.now(), bytes }) },
    wallclock: () => Date.UTC(2026, 0, 1) + clock.now(),
    ...over,
  });
  return { s, rtcp, rtp };
}

/** The packets of a compound we sent (which must parse). */
export function packets(bytes: Uint8Array): RtcpPacket[] {
  const r = parseCompound(bytes);
  if (!r.ok) throw new Error(`our own compound does not parse: ${r.reason}: ${r.detail}`);
  return r.value;
}

/** The RTP timestamp of a packet we sent (which must parse). */
export function rtpTimestamp(bytes: Uint8Array): number {
  const r = parseRtp(bytes);
  if (!r.ok) throw new Error(`our own RTP packet does not parse: ${r.reason}: ${r.detail}`);
  return r.value.timestamp;
}

/** A minimal valid compound from another participant: RR + SDES CNAME (+ BYE). */
export function memberReport(ssrc: number, bye = false): Uint8Array {
  const p: RtcpPacket[] = [{ type: 'RR', ssrc, reports: [], extension: new Uint8Array() }, { type: 'SDES', chunks: [{ ssrc, items: [{ type: CNAME, text: `m${ssrc}` }] }] }];
  if (bye) p.push({ type: 'BYE', sources: [ssrc] });
  return serializeCompound(p);
}
export { serializeCompound };
export const fixed = (x: number) => () => x;
export { FakeClock };
