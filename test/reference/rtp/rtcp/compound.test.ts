/** Compound RTCP (RFC 3550 §6.1, A.2), NTP time and the round trip (§4, §6.4.1), the CNAME (RFC 7022). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { parseCompound, serializeCompound, serializePackets } from '../../../../reference/rtp/rtcp/compound.ts';
import { compactFromSeconds, middle32, ntpFromUnixMs, NTP_UNIX_OFFSET, roundTrip, rtpTimestampAt } from '../../../../reference/rtp/rtcp/ntp.ts';
import { longTermCname, perSessionCname, shortTermCname } from '../../../../reference/rtp/rtcp/cname.ts';
import { CNAME, type ReportBlock, type RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';
import { reportPackets } from '../../../../reference/rtp/rtcp/reports.ts';

const rr: RtcpPacket = { type: 'RR', ssrc: 0x1234, reports: [], extension: new Uint8Array() };
const sdes: RtcpPacket = { type: 'SDES', chunks: [{ ssrc: 0x1234, items: [{ type: CNAME, text: 'AbCdEfGhIjKlMnOp' }] }] };
const bye: RtcpPacket = { type: 'BYE', sources: [0x1234] };

const reason = (bytes: Uint8Array) => {
  const r = parseCompound(bytes);
  return r.ok ? 'ok' : r.reason;
};

// @tests RFC3550 P82L18-P82L31, P82L41-P83L3
test('A.2: version, first type SR or RR, no padding on the first packet, lengths adding up; else dropped with the reason', () => {
  const good = serializeCompound([rr, sdes, bye]);
  const mut = (f: (b: Uint8Array) => void, b = good.slice()) => (f(b), b);
  assert.is(reason(good), 'ok');
  assert.is(reason(mut((b) => (b[0] = 0x40))), 'version');
  assert.is(reason(mut((b) => (b[1] = 202))), 'first-type');
  assert.is(reason(mut((b) => (b[0] |= 0x20))), 'padding');
  assert.is(reason(mut((b) => (b[8] = 0x40 | (b[8] & 0x3f)))), 'version', 'a later packet of another version ends the walk short');
  assert.is(reason(good.subarray(0, good.length - 4)), 'length');
  assert.is(reason(new Uint8Array([...good, 0, 0])), 'length');
  assert.is(reason(mut((b) => (b[3] += 100))), 'length');
  assert.not.equal(reason(mut((b) => (b[3] += 1))), 'ok', 'a length one word long walks into the next packet');
  assert.is(reason(good.subarray(0, 6)), 'short');
  const r = parseCompound(mut((b) => (b[1] = 202)));
  assert.ok(!r.ok && /A\.2/.test(r.detail));
});

test('bodies that do not fit their packet are dropped with the reason naming the type', () => {
  const rrCount = serializePackets([{ ...rr }, sdes]);
  rrCount[0] |= 3; // RC=3 in an RR with no blocks
  assert.is(reason(rrCount), 'report');
  const open = serializeCompound([rr, sdes]);
  open[open.length - 2] = 7; // the chunk's first closing null octet becomes an item: the list is never closed
  assert.is(reason(open), 'sdes');
  const byeBad = serializeCompound([rr, sdes, bye]);
  byeBad[byeBad.length - 8] |= 2; // SC=2
  assert.is(reason(byeBad), 'bye');
  const app = serializePackets([rr, { type: 'unknown', packetType: 204, count: 0, body: new Uint8Array(4) }]);
  assert.is(reason(app), 'app');
});

// @tests RFC3550 P23L24-P23L25
test('§6.1: packet types it does not know are kept as unknown, for the session to ignore', () => {
  const xr: RtcpPacket = { type: 'unknown', packetType: 207, count: 0, body: new Uint8Array([1, 2, 3, 4]) };
  const r = parseCompound(serializeCompound([rr, sdes, xr]));
  assert.equal(r.ok && r.value[2], xr);
});

// @tests RFC3550 P22L27-P22L31, P22L38-P22L39, P22L18-P22L19, P22L44-P22L46, P23L21-P23L22
test('§6.1: a compound we send starts with SR or RR, carries a CNAME, and nothing of a source follows its BYE', () => {
  assert.throws(() => serializeCompound([sdes, rr]), /first packet is SDES, it MUST be SR or RR/);
  assert.throws(() => serializeCompound([]), /first packet is missing/);
  assert.throws(() => serializeCompound([rr, bye]), /no SDES CNAME/);
  assert.throws(() => serializeCompound([rr, bye, sdes]), /SDES for SSRC 4660 after its BYE/);
  // An empty RR and a BYE: the smallest compound that leaves.
  const leave = serializeCompound([rr, sdes, bye]);
  assert.equal(parseCompound(leave).ok && (parseCompound(leave) as { value: RtcpPacket[] }).value.map((p) => p.type), ['RR', 'SDES', 'BYE']);
});

// @tests RFC3550 P37L1-P37L13, P22L24-P22L25
test('padding goes on the last packet only, its P bit alone set, and is not taken for content', () => {
  const bytes = serializeCompound([rr, sdes, bye], { padding: 8 });
  const r = parseCompound(bytes);
  assert.ok(r.ok);
  assert.equal(r.ok && r.value, [rr, sdes, bye]);
  assert.is(bytes[0] & 0x20, 0);
  assert.is(bytes[bytes.length - 1], 8);
  const byeAt = bytes.length - 8 - 8;
  assert.is(bytes[byeAt] & 0x20, 0x20);
  assert.throws(() => serializeCompound([rr, sdes], { padding: 3 }), /multiple of 4/);
});

// @tests RFC3550 P12L17-P12L24, P40L43-P41L1, P41L9-P41L25
test('Figure 2: the middle 32 bits of the SR time, and A - LSR - DLSR, give the printed 6.125 s', async () => {
  const doc = await realDoc('RFC3550');
  const fig = doc.lines.map((l) => l.text);
  const at = fig.findIndex((l) => l.includes('Figure 2: Example for round-trip time computation'));
  const text = fig.slice(at - 20, at).join('\n');
  const hex = (re: RegExp) => parseInt(re.exec(text)![1].replace(':', ''), 16);
  const ntpSec = hex(/ntp_sec =0x([0-9a-f]+)/);
  const ntpFrac = hex(/ntp_frac=0x([0-9a-f]+)/);
  const lsr = hex(/lsr =0x([0-9a-f:]+)/);
  const dlsr = hex(/dlsr=0x([0-9a-f:]+)/);
  const a = hex(/A=([0-9a-f:]+)/);
  const printed = Number(/delay 0x[0-9a-f:]+ \(\s*([\d.]+) s\)/.exec(text)![1]);
  assert.is(middle32({ seconds: ntpSec, fraction: ntpFrac }), lsr, 'LSR is the middle 32 bits of the SR time');
  assert.is(dlsr, compactFromSeconds(5.25));
  assert.is(roundTrip(a, lsr, dlsr), printed);
  assert.is(printed, 6.125);
  assert.is(roundTrip(a, 0, dlsr), undefined, 'no SR received: no round trip');
  assert.is(roundTrip(a, lsr, a - lsr + 1), 0, 'DLSR rounded a tick past A: a round trip of 0, not 2^32 - 1 ticks');
  assert.is(roundTrip(0x00010000, 0xffff0000, 0), 2, 'the 16-bit seconds wrap between LSR and A');
  // 10 Nov 1995 11:33:25.125 UTC, as the figure says
  assert.equal(ntpFromUnixMs(Date.UTC(1995, 10, 10, 11, 33, 25, 125)), { seconds: ntpSec, fraction: ntpFrac });
  assert.is(NTP_UNIX_OFFSET, 2208988800);
});

// @tests RFC3550 P38L14-P38L26
test('§6.4.1: the SR RTP timestamp is computed from the wallclock pairing, wrapping mod 2^32', () => {
  const pairing = { wallclockMs: 1_000_000, rtpTimestamp: 0xffffff00, clockRate: 8000 };
  assert.is(rtpTimestampAt(1_000_000, pairing), 0xffffff00);
  assert.is(rtpTimestampAt(1_000_020, pairing), 2 ** 32 - 96, '20 ms later: 160 ticks on');
  assert.is(rtpTimestampAt(1_000_040, pairing), 64, '40 ms later: 320 ticks on, past the wrap');
  assert.is(rtpTimestampAt(1_001_000, pairing), (0xffffff00 + 8000) % 2 ** 32);
  assert.is(rtpTimestampAt(999_000, pairing), 0xffffff00 - 8000);
});

// @tests RFC7022 P5L40-P6L3, P6L25-P6L27
test('RFC 7022: a per-session CNAME is 96 random bits in 16 Base64 characters, new each time', () => {
  const a = perSessionCname();
  const b = perSessionCname();
  assert.match(a, /^[A-Za-z0-9+/]{16}$/);
  assert.is(Buffer.from(a, 'base64').length, 12);
  assert.not.equal(a, b);
  assert.not.match(a, /@/);
});

// @tests RFC7022 P5L25-P5L31, P5L18-P5L23, P4L16-P4L18
test('RFC 7022: a short-term CNAME is the same for every session of this run; a long-term one is a version 4 UUID', () => {
  const s = shortTermCname();
  assert.is(shortTermCname(), s);
  assert.match(s, /^[A-Za-z0-9+/]{16}$/);
  assert.not.equal(s, perSessionCname());
  const u = longTermCname();
  assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is(u.length, 36);
  assert.not.equal(longTermCname(), u);
});

// @tests RFC3550 P22L33-P22L36, P35L31-P35L35, P42L35-P42L37
test('§6.4: 31 report blocks to a packet, further RRs stacked after the SR; nothing to report is an empty RR', () => {
  const blocks: ReportBlock[] = Array.from({ length: 70 }, (_, i) => ({ ssrc: i + 1, fractionLost: 0, cumulativeLost: 0, highestSequence: i, jitter: 0, lsr: 0, dlsr: 0 }));
  const sender = { ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 };
  const packets = reportPackets(9, sender, blocks);
  assert.equal(packets.map((p) => [p.type, p.reports.length]), [['SR', 31], ['RR', 31], ['RR', 8]]);
  assert.equal(packets.flatMap((p) => p.reports), blocks);
  const r = parseCompound(serializeCompound([...packets, sdes]));
  assert.equal(r.ok && r.value.length, 4);
  assert.equal(reportPackets(9, undefined, []).map((p) => [p.type, p.reports.length]), [['RR', 0]]);
  assert.throws(() => serializeCompound([{ ...rr, reports: blocks.slice(0, 32) }, sdes]), /32 report blocks, at most 31/);
});

test.run();
