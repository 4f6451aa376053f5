/** RFC 5761 §4: RTP and RTCP told apart on one port by the second octet. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isRtcp, MUXED_RESERVED_PAYLOAD_TYPES } from '../../../../reference/rtp/rtcp/mux.ts';
import { serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { serializeCompound, serializePackets } from '../../../../reference/rtp/rtcp/compound.ts';
import { CNAME, type RtcpPacket } from '../../../../reference/rtp/rtcp/types.ts';

const rtp = (payloadType: number, marker: boolean) => serializeRtp({ marker, payloadType, sequenceNumber: 1, timestamp: 1, ssrc: 1, csrc: [], payload: new Uint8Array(4), padding: 0 });
const rr: RtcpPacket = { type: 'RR', ssrc: 1, reports: [], extension: new Uint8Array() };

// @tests RFC5761 P4L43-P5L5, P5L9-P5L24, P5L35-P5L38
test('§4: every RTCP type of RFC 3550 is RTCP; every RTP payload type outside 64-95, marker or not, is RTP', () => {
  assert.ok(isRtcp(serializeCompound([rr, { type: 'SDES', chunks: [{ ssrc: 1, items: [{ type: CNAME, text: 'x' }] }] }])));
  for (const p of [rr, { type: 'BYE', sources: [1] }, { type: 'APP', subtype: 0, ssrc: 1, name: 'abcd', data: new Uint8Array() }] as RtcpPacket[]) {
    assert.ok(isRtcp(serializePackets([p])), p.type);
  }
  const { first, last } = MUXED_RESERVED_PAYLOAD_TYPES;
  assert.equal([first, last], [64, 95]);
  for (let pt = 0; pt < 128; pt++) {
    if (pt >= first && pt <= last) continue;
    assert.not.ok(isRtcp(rtp(pt, false)), `PT ${pt}`);
    assert.not.ok(isRtcp(rtp(pt, true)), `PT ${pt} with M`);
  }
  assert.ok(isRtcp(rtp(72, true)), 'PT 72 with M set reads as SR: why 64-95 are not used');
  assert.not.ok(isRtcp(new Uint8Array([0x80])), 'one octet is not RTCP');
});

test.run();
