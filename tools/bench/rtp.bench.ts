/**
 * RTP and RTCP parse + serialize throughput (reference/rtp/packet/rtp.ts,
 * reference/rtp/rtcp/compound.ts) against werift's RTP package (werift-rtp:
 * RtpPacket.deSerialize / serialize, RtcpPacketConverter.deSerialize and each
 * packet's serialize) on the same datagrams in the same run.
 *
 * Datagrams: RTP as a call carries it (PCMU, 160 octets of payload), with 2
 * CSRCs, with an RFC 8285 one-byte header extension, with padding; RTCP
 * compounds of the kinds werift reads (SR with a report block + SDES CNAME,
 * RR with two blocks + SDES). One operation = parse a datagram and serialize
 * what was parsed; every round trip is checked to give the same octets, for
 * both contenders, before timing. Best of RUNS passes, interleaved between
 * contenders after a warm-up; ratio = reference / werift.
 */
import { createRequire } from 'node:module';
import { headerExtension } from '../../reference/rtp/packet/extension.ts';
import { parseRtp, serializeRtp, type RtpPacket } from '../../reference/rtp/packet/rtp.ts';
import { parseCompound, serializeCompound } from '../../reference/rtp/rtcp/compound.ts';
import { CNAME, type RtcpPacket } from '../../reference/rtp/rtcp/types.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5_000);

const require = createRequire(import.meta.url);
const werift = require('werift-rtp') as {
  RtpPacket: { deSerialize(b: Buffer): { serialize(): Buffer } };
  RtcpPacketConverter: { deSerialize(b: Buffer): { serialize(): Buffer }[] };
};

const payload = new Uint8Array(160).map((_, i) => (i * 37) & 0xff);
const rtp = (over: Partial<RtpPacket>): Buffer =>
  Buffer.from(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 4242, timestamp: 987654321, ssrc: 0x5eed1234, csrc: [], payload, padding: 0, ...over }));
const block = (ssrc: number) => ({ ssrc, fractionLost: 25, cumulativeLost: 150, highestSequence: 0x1000a, jitter: 80, lsr: 0xb7052000, dlsr: 0x54000 });
const sdes = (ssrc: number): RtcpPacket => ({ type: 'SDES', chunks: [{ ssrc, items: [{ type: CNAME, text: 'sX3h+PGkJ7E0zvZQ' }] }] });
const rtcp = (packets: RtcpPacket[]): Buffer => Buffer.from(serializeCompound(packets));

const rtpDatagrams = [
  rtp({}),
  rtp({ marker: true, csrc: [0x1111, 0x2222] }),
  rtp({ extension: headerExtension([{ id: 1, data: new Uint8Array([0x80]) }, { id: 3, data: new Uint8Array([1, 2, 3]) }]) }),
  rtp({ padding: 4 }),
];
const rtcpDatagrams = [
  rtcp([{ type: 'SR', ssrc: 0x5eed1234, sender: { ntpSeconds: 0xe8b0c3a1, ntpFraction: 0x20000000, rtpTimestamp: 987654321, packetCount: 1500, octetCount: 240000 }, reports: [block(0xabc)], extension: new Uint8Array() }, sdes(0x5eed1234)]),
  rtcp([{ type: 'RR', ssrc: 0xabc, reports: [block(0x5eed1234), block(0x777)], extension: new Uint8Array() }, sdes(0xabc)]),
];

interface Contender {
  name: string;
  rtp(b: Buffer): Uint8Array;
  rtcp(b: Buffer): Uint8Array;
}
const contenders: Contender[] = [
  {
    name: 'rfcdoc reference',
    rtp(b) {
      const r = parseRtp(b);
      if (!r.ok) throw new Error(r.detail);
      return serializeRtp(r.value);
    },
    rtcp(b) {
      const r = parseCompound(b);
      if (!r.ok) throw new Error(r.detail);
      return serializeCompound(r.value);
    },
  },
  {
    name: 'werift-rtp',
    rtp: (b) => werift.RtpPacket.deSerialize(b).serialize(),
    rtcp: (b) => Buffer.concat(werift.RtcpPacketConverter.deSerialize(b).map((p) => p.serialize())),
  },
];

// Same octets back from both, or the comparison means nothing.
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
for (const c of contenders) {
  rtpDatagrams.forEach((d, i) => {
    if (!same(c.rtp(d), d)) throw new Error(`${c.name}: RTP datagram ${i} does not round-trip`);
  });
  rtcpDatagrams.forEach((d, i) => {
    if (!same(c.rtcp(d), d)) throw new Error(`${c.name}: RTCP compound ${i} does not round-trip`);
  });
}

function pass(work: (b: Buffer) => Uint8Array, datagrams: Buffer[]): number {
  const t = performance.now();
  let n = 0;
  for (let r = 0; r < ROUNDS; r++) for (const d of datagrams) n += work(d).length;
  if (n === 0) throw new Error('nothing done');
  return performance.now() - t;
}

const rows = contenders.map((c) => ({ c, rtpMs: Infinity, rtcpMs: Infinity }));
for (let w = 0; w < 2; w++) for (const row of rows) (pass(row.c.rtp, rtpDatagrams), pass(row.c.rtcp, rtcpDatagrams));
for (let r = 0; r < RUNS; r++) {
  for (const row of rows) {
    row.rtpMs = Math.min(row.rtpMs, pass(row.c.rtp, rtpDatagrams));
    row.rtcpMs = Math.min(row.rtcpMs, pass(row.c.rtcp, rtcpDatagrams));
  }
}

const rate = (ms: number, n: number) => (ROUNDS * n) / (ms / 1000);
const k = (x: number) => `${(x / 1000).toFixed(0)}k`;
const [ours, peer] = rows;
console.log(`${rtpDatagrams.length} RTP datagrams, ${rtcpDatagrams.length} RTCP compounds, ${ROUNDS} rounds a pass, best of ${RUNS}; parse + serialize per second`);
console.log(`${'contender'.padEnd(18)} ${'RTP pkts/s'.padStart(12)} ${'RTCP compounds/s'.padStart(17)}`);
for (const row of rows) console.log(`${row.c.name.padEnd(18)} ${k(rate(row.rtpMs, rtpDatagrams.length)).padStart(12)} ${k(rate(row.rtcpMs, rtcpDatagrams.length)).padStart(17)}`);
console.log(`ratio (reference / werift-rtp): RTP ${(peer.rtpMs / ours.rtpMs).toFixed(2)}x, RTCP ${(peer.rtcpMs / ours.rtcpMs).toFixed(2)}x`);
