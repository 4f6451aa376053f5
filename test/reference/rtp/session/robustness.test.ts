/**
 * 10,000 random and mutated datagrams against a receiving session, on both
 * its RTP and its RTCP port: it never throws, its counters say what it
 * dropped and why, and afterwards a valid stream from a new source plays.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { headerExtension } from '../../../../reference/rtp/packet/extension.ts';
import { serializeCompound } from '../../../../reference/rtp/rtcp/compound.ts';
import { CNAME } from '../../../../reference/rtp/rtcp/types.ts';
import { FakeClock, session } from './harness.ts';
import { seededRandom } from '../../../helpers.ts';


test('10,000 random and mutated datagrams: no throw, every drop counted by reason, then a valid stream still plays', () => {
  const rnd = seededRandom(0x3550);
  const int = (n: number) => Math.floor(rnd() * n);
  const clock = new FakeClock();
  const played: number[] = [];
  const { s } = session(clock, { onPacket: (p) => played.push(p.sequenceNumber), maxSources: 200, random: rnd });
  s.start();
  const goodRtp = serializeRtp({ marker: true, payloadType: 0, sequenceNumber: 7, timestamp: 99, ssrc: 0x1111, csrc: [3, 4], extension: headerExtension([{ id: 1, data: new Uint8Array([1, 2]) }]), payload: new Uint8Array(40), padding: 4 });
  const goodRtcp = serializeCompound([
    { type: 'SR', ssrc: 0x2222, sender: { ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 }, reports: [{ ssrc: 9, fractionLost: 1, cumulativeLost: 2, highestSequence: 3, jitter: 4, lsr: 5, dlsr: 6 }], extension: new Uint8Array() },
    { type: 'SDES', chunks: [{ ssrc: 0x2222, items: [{ type: CNAME, text: 'x@y' }, { type: 8, prefix: 'p', text: 'v' }] }] },
    { type: 'APP', subtype: 1, ssrc: 0x2222, name: 'TEST', data: new Uint8Array(4) },
    { type: 'BYE', sources: [0x2222], reason: 'fuzz' },
  ]);
  let inputs = 0;
  for (let n = 0; n < 10_000; n++) {
    let d: Uint8Array;
    const kind = n % 4;
    if (kind === 0) d = Uint8Array.from({ length: int(80) }, () => int(256)); // noise
    else {
      d = (kind === 1 ? goodRtp : goodRtcp).slice(0, kind === 3 ? int(goodRtcp.length + 1) : undefined); // maybe truncated
      for (let m = 1 + int(4); m > 0; m--) if (d.length) d[int(d.length)] = int(256); // flipped octets
      if (rnd() < 0.5 && d.length) d[0] = (d[0] & 0x3f) | 0x80; // mostly version 2, to get past the first check
    }
    const from = `127.0.0.1:${20000 + int(50)}`;
    if (rnd() < 0.5) s.receiveRtp(d, from);
    else s.receiveRtcp(d, from);
    inputs++;
    if (n % 100 === 0) clock.advance(1000); // timers fire: reports, timeouts
  }
  assert.is(inputs, 10_000);
  const rtpDrops = s.rtpDrops.toJSON();
  const rtcpDrops = s.rtcpDrops.toJSON();
  for (const reason of ['short', 'version', 'padding', 'csrc', 'extension', 'payload-type', 'probation']) assert.ok((rtpDrops[reason] ?? 0) > 0, `RTP drops by ${reason}: ${JSON.stringify(rtpDrops)}`);
  for (const reason of ['short', 'version', 'first-type', 'length']) assert.ok((rtcpDrops[reason] ?? 0) > 0, `RTCP drops by ${reason}: ${JSON.stringify(rtcpDrops)}`);
  assert.ok(s.rtpDrops.recent.length <= 16 && s.rtpDrops.recent.every((r) => r.detail.length > 0), 'details kept, and only the last few');
  assert.ok(s.table.entries.size <= 200, 'the table stays within maxSources');

  // A valid stream from a new source, from a new address, still plays.
  const before = played.length;
  for (let k = 0; k < 50; k++) {
    clock.advance(20);
    s.receiveRtp(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1000 + k, timestamp: 160 * k, ssrc: 0xabcdef01, csrc: [], payload: new Uint8Array(160), padding: 0 }), '127.0.0.1:30000');
  }
  assert.is(played.length - before, 49, 'all but the first (probation) played');
  const stats = s.stats().find((x) => x.ssrc === 0xabcdef01)!;
  assert.equal([stats.state, stats.packets, stats.cumulativeLost], ['valid', 49, 0]);
  clock.advance(10_000); // and RTCP still runs
  assert.ok(s.counts.reportsSent > 0);
});

test.run();
