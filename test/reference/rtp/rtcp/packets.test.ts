/**
 * RTCP packets (RFC 3550 §6.4-§6.7) against the bit diagrams printed in the
 * RFC, read at test time: each field is written where the diagram puts it
 * and read back from there.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { parseCompound, serializePackets } from '../../../../reference/rtp/rtcp/compound.ts';
import { CNAME, PRIV, type RtcpPacket, type ReportBlock, type SenderReport } from '../../../../reference/rtp/rtcp/types.ts';
import { diagramAfter, field, readBits, type DiagramField } from '../packet/diagram.ts';

const rfc = () => realDoc('RFC3550');
/** The diagram under a section heading (past the table of contents). */
async function diagram(heading: string): Promise<DiagramField[]> {
  const doc = await rfc();
  const at = doc.lines.findIndex((l) => l.text.startsWith(heading) && !/\.{3,}/.test(l.text));
  return diagramAfter(doc, heading, at).fields;
}

const block = (n: number): ReportBlock => ({
  ssrc: 0x51000000 + n,
  fractionLost: 0x40 + n,
  cumulativeLost: -5 - n,
  highestSequence: 0x00020000 + n,
  jitter: 77 + n,
  lsr: 0xb7052000 + n,
  dlsr: 0x00054000 + n,
});

const parseOne = (bytes: Uint8Array): RtcpPacket[] => {
  const r = parseCompound(bytes);
  if (!r.ok) throw new Error(`dropped: ${r.reason}: ${r.detail}`);
  return r.value;
};

/** Checks the first `count` occurrences of the report-block fields at the diagram's words. */
function checkBlocks(fields: DiagramField[], bytes: Uint8Array, blocks: ReportBlock[]): void {
  const first = field(fields, 'SSRC_1 (SSRC of first source)');
  const second = field(fields, 'SSRC_2 (SSRC of second source)');
  const stride = second.word - first.word;
  assert.is(stride, 6, 'a report block is six words');
  blocks.forEach((b, i) => {
    const w = (f: DiagramField) => ({ ...f, word: f.word + i * stride });
    assert.is(readBits(bytes, 0, w(first)), b.ssrc);
    assert.is(readBits(bytes, 0, w(field(fields, 'fraction lost'))), b.fractionLost);
    assert.is(readBits(bytes, 0, w(field(fields, 'cumulative number of packets lost'))), b.cumulativeLost & 0xffffff);
    assert.is(readBits(bytes, 0, w(field(fields, 'extended highest sequence number received'))), b.highestSequence);
    assert.is(readBits(bytes, 0, w(field(fields, 'interarrival jitter'))), b.jitter);
    assert.is(readBits(bytes, 0, w(field(fields, 'last SR (LSR)'))), b.lsr);
    assert.is(readBits(bytes, 0, w(field(fields, 'delay since last SR (DLSR)'))), b.dlsr);
  });
}

// @tests RFC3550 P36L3-P36L37, P36L44-P36L47, P37L18-P37L34, P37L36-P37L38, P39L1-P39L3, P39L5-P39L10, P39L20-P39L27, P39L32-P39L36, P39L41-P39L44, P40L31-P40L35, P40L37-P40L41, P43L5-P43L7
test('§6.4.1: the SR diagram, field by field, with two report blocks and a profile extension', async () => {
  const fields = await diagram('6.4.1 SR: Sender Report RTCP Packet');
  const sr: SenderReport = {
    type: 'SR',
    ssrc: 0xabad1dea,
    sender: { ntpSeconds: 0xb44db705, ntpFraction: 0x20000000, rtpTimestamp: 0x12345678, packetCount: 1001, octetCount: 160160 },
    reports: [block(1), block(2)],
    extension: new Uint8Array([1, 2, 3, 4]),
  };
  const bytes = serializePackets([sr]);
  assert.is(readBits(bytes, 0, field(fields, 'V')), field(fields, 'V').value!);
  assert.is(readBits(bytes, 0, field(fields, 'P')), 0);
  assert.is(readBits(bytes, 0, field(fields, 'RC')), 2);
  assert.is(readBits(bytes, 0, field(fields, 'PT')), field(fields, 'PT').value!, 'PT=SR=200');
  assert.is(readBits(bytes, 0, field(fields, 'length')), bytes.length / 4 - 1, 'words minus one');
  assert.is(readBits(bytes, 0, field(fields, 'SSRC of sender')), sr.ssrc);
  assert.is(readBits(bytes, 0, field(fields, 'NTP timestamp, most significant word')), 0xb44db705);
  assert.is(readBits(bytes, 0, field(fields, 'NTP timestamp, least significant word')), 0x20000000);
  assert.is(readBits(bytes, 0, field(fields, 'RTP timestamp')), 0x12345678);
  assert.is(readBits(bytes, 0, field(fields, "sender's packet count")), 1001);
  assert.is(readBits(bytes, 0, field(fields, "sender's octet count")), 160160);
  checkBlocks(fields, bytes, sr.reports);
  assert.is(readBits(bytes, 0, { ...field(fields, 'profile-specific extensions'), word: 7 + 12 }), 0x01020304);
  assert.equal(parseOne(bytes), [sr]);
});

// @tests RFC3550 P42L1-P42L33
test('§6.4.2: the RR diagram: the SR without the sender information, PT 201', async () => {
  const fields = await diagram('6.4.2 RR: Receiver Report RTCP Packet');
  const rr: RtcpPacket = { type: 'RR', ssrc: 0x0badcafe, reports: [block(7)], extension: new Uint8Array() };
  const bytes = serializePackets([rr]);
  assert.is(readBits(bytes, 0, field(fields, 'PT')), 201);
  assert.is(readBits(bytes, 0, field(fields, 'RC')), 1);
  assert.is(readBits(bytes, 0, field(fields, 'length')), 7);
  assert.is(readBits(bytes, 0, field(fields, 'SSRC of packet sender')), 0x0badcafe);
  checkBlocks(fields, bytes, rr.reports);
  assert.equal(parseOne(bytes), [rr]);
});

// @tests RFC3550 P45L7-P45L43, P46L7-P46L16, P46L35-P46L39, P50L33-P50L45, P84L34-P84L38
test('§6.5: the SDES diagram: chunks on word boundaries, items closed by null octets to the boundary', async () => {
  const fields = await diagram('6.5 SDES: Source Description RTCP Packet');
  const item = await diagram('6.5.1 CNAME: Canonical End-Point Identifier SDES Item');
  const rr: RtcpPacket = { type: 'RR', ssrc: 1, reports: [], extension: new Uint8Array() };
  const sdes: RtcpPacket = {
    type: 'SDES',
    chunks: [
      { ssrc: 0x11111111, items: [{ type: CNAME, text: 'doe@192.0.2.89' }] }, // 4 + 16 → 1 null + 3 pad... 20 + 4
      { ssrc: 0x22222222, items: [{ type: CNAME, text: 'ab' }, { type: PRIV, prefix: 'x', text: 'yé' }] },
      { ssrc: 0x33333333, items: [] },
    ],
  };
  const all = serializePackets([rr, sdes]);
  const bytes = all.subarray(8);
  assert.is(readBits(bytes, 0, field(fields, 'PT')), field(fields, 'PT').value!);
  assert.is(readBits(bytes, 0, field(fields, 'SC')), 3);
  assert.is(readBits(bytes, 0, field(fields, 'length')), bytes.length / 4 - 1);
  assert.is(readBits(bytes, 0, field(fields, 'SSRC/CSRC_1')), 0x11111111);
  // The first item: CNAME=1 and its length, where §6.5.1's diagram puts them, in the word after the SSRC.
  const items = field(fields, 'SDES items');
  assert.is(readBits(bytes, 0, { ...field(item, 'CNAME'), word: items.word }), field(item, 'CNAME').value!);
  assert.is(readBits(bytes, 0, { ...field(item, 'length'), word: items.word }), 14);
  // 4 (SSRC) + 2 + 14 = 20 octets: a whole word, so four null octets close the list.
  assert.equal([...bytes.subarray(4 + 20, 4 + 24)], [0, 0, 0, 0]);
  assert.is(readBits(bytes, 4 + 24, { word: 0, bit: 0, width: 32 }), 0x22222222, 'the second chunk starts on a word boundary');
  assert.equal(parseOne(all)[1], sdes);
});

// @tests RFC3550 P51L19-P51L42, P52L4-P52L12
test('§6.6: the BYE diagram: SC identifiers, then an optional reason padded with nulls to the boundary', async () => {
  const fields = await diagram('6.6 BYE: Goodbye RTCP Packet');
  const rr: RtcpPacket = { type: 'RR', ssrc: 1, reports: [], extension: new Uint8Array() };
  const bye: RtcpPacket = { type: 'BYE', sources: [0xaaaaaaaa, 0xbbbbbbbb], reason: 'camera malfunction' };
  const bytes = serializePackets([rr, bye]).subarray(8);
  assert.is(readBits(bytes, 0, field(fields, 'PT')), 203);
  assert.is(readBits(bytes, 0, field(fields, 'SC')), 2);
  assert.is(readBits(bytes, 0, field(fields, 'SSRC/CSRC')), 0xaaaaaaaa);
  const reasonLength = field(fields, 'length', 1); // the (opt) row's, not the header's
  const reasonAt = { ...reasonLength, word: reasonLength.word + 1 }; // past the second identifier
  assert.is(readBits(bytes, 0, reasonAt), 18);
  assert.is(bytes.length, 4 + 8 + 20, '1 + 18 octets of reason, one null octet to the boundary');
  assert.equal(parseOne(serializePackets([rr, bye]))[1], bye);
  assert.equal(parseOne(serializePackets([rr, { type: 'BYE', sources: [5] }]))[1], { type: 'BYE', sources: [5] });
});

// @tests RFC3550 P52L16-P52L26, P52L38-P52L44, P53L1-P53L16
test('§6.7: the APP diagram: subtype in the count field, SSRC, four-character name, whole words of data', async () => {
  const fields = await diagram('6.7 APP: Application-Defined RTCP Packet');
  const rr: RtcpPacket = { type: 'RR', ssrc: 1, reports: [], extension: new Uint8Array() };
  const app: RtcpPacket = { type: 'APP', subtype: 17, ssrc: 0x01020304, name: 'rfcD', data: new Uint8Array([9, 9, 9, 9]) };
  const bytes = serializePackets([rr, app]).subarray(8);
  assert.is(readBits(bytes, 0, field(fields, 'subtype')), 17);
  assert.is(readBits(bytes, 0, field(fields, 'PT')), 204);
  assert.is(readBits(bytes, 0, field(fields, 'SSRC/CSRC')), 0x01020304);
  assert.is(readBits(bytes, 0, field(fields, 'name (ASCII)')), 0x72666344);
  assert.equal(parseOne(serializePackets([rr, app]))[1], app);
  assert.throws(() => serializePackets([rr, { ...app, data: new Uint8Array(3) }]), /multiple of 32 bits/);
  assert.throws(() => serializePackets([rr, { ...app, name: 'toolong' }]), /four ASCII/);
});

// @tests RFC3550 P83L29-P83L31
test('A.3: the cumulative loss is clamped to 24 signed bits, not wrapped', () => {
  const rr = (cumulativeLost: number): RtcpPacket => ({ type: 'RR', ssrc: 1, reports: [{ ...block(0), cumulativeLost }], extension: new Uint8Array() });
  const back = (n: number) => (parseOne(serializePackets([rr(n)]))[0] as { reports: ReportBlock[] }).reports[0].cumulativeLost;
  assert.is(back(0x1000000), 0x7fffff);
  assert.is(back(-0x1000000), -0x800000);
  assert.is(back(-3), -3);
});

test.run();
