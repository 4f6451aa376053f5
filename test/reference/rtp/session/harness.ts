/** Sessions on a fake clock, wired to each other by hand: what each sent, and when. */
import { FakeClock } from '../../../../reference/clock.ts';
import { RtpSession, type SessionOptions } from '../../../../reference/rtp/session/session.ts';
import { parseCompound } from '../../../../reference/rtp/rtcp/compound.ts';
import type { RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';

export const PCMU = new Map([[0, 8000]]);

export interface Sent {
  at: number;
  bytes: Uint8Array;
}

export function session(clock: FakeClock, over: Partial<SessionOptions> = {}) {
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

/** A minimal valid compound from another participant: RR + SDES CNAME (+ BYE). */
export { serializeCompound } from '../../../../reference/rtp/rtcp/compound.ts';
export const fixed = (x: number) => () => x;
export { FakeClock };
