/**
 * tshark (Wireshark's dissectors) reads what `rtp send` and `rtp receive`
 * put on the wire: a capture on lo of a call of a tone with the digits 911#,
 * decoded as RTP on the receiver's port, RTCP on the one above, and payload
 * type 96 as RFC 4733 telephone-events. No packet of ours is malformed and
 * none has an expert info above "note"; the events decode to the digits
 * sent; the RTCP compounds are the ones RFC 3550 §6.1 asks for. A
 * deliberately broken RTCP datagram in the same capture shows that tshark
 * does flag what is malformed, so the absence of flags means something.
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { peerPath, peerSuite } from '../../../peers.ts';
import { tempDir } from '../../../helpers.ts';
import { start, stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { freePair, received, rtp, startReceive, toneFile, type SendJson } from '../cli/run.ts';

const test = peerSuite('tshark decodes our RTP, RTCP and telephone-events', ['tshark']);
const dir = tempDir('rtp-tshark-');

/** tshark's expert severities (epan/proto.h PI_NOTE, PI_WARN). */
const NOTE = 0x400000;

const FIELDS = ['frame.number', 'udp.srcport', 'udp.dstport', 'rtp.ssrc', 'rtp.p_type', 'rtp.marker', 'rtp.seq', 'rtp.timestamp', 'rtpevent.event_id', 'rtpevent.end_of_event', 'rtpevent.duration', 'rtcp.pt', 'rtcp.sdes.text', '_ws.expert.severity', '_ws.malformed'] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** A header that says 24 octets where there are 8: what tshark must call malformed. */
const BROKEN_RTCP = Buffer.from('80c9000512345678', 'hex');

// @tests RFC4733 P13L3-P13L6, P13L8-P13L12, P12L44-P12L47
// @tests RFC3550 P22L1-P22L10, P22L38-P22L39, P68L36-P68L41
test('a capture of rtp send → rtp receive with 911#: nothing malformed, nothing above "note", the digits decoded, SR/RR with SDES, BYE last', async () => {
  const [port, ours, control] = [await freePair(), await freePair(), await freePair()];
  const capture = join(dir, 'call.pcapng');
  const tshark = start(peerPath('tshark'), ['-i', 'lo', '-f', `udp port ${port} or udp port ${port + 1} or udp port ${ours + 1} or udp port ${control + 1}`, '-w', capture]);
  let sent: SendJson & { cname: string };
  let receiverCname = '';
  try {
    await waitFor('tshark to capture', () => tshark.stderr().includes('Capturing on'), 30_000, tshark);
    const receiver = await startReceive(['--listen', `127.0.0.1:${port}`, '--out', join(dir, 'rx.wav'), '--peer', `127.0.0.1:${ours}`, '--seconds', '30', '--json']);
    try {
      const r = await rtp(['send', toneFile(dir, 1000, 3.5), '--to', `127.0.0.1:${port}`, '--from', `127.0.0.1:${ours}`, '--dtmf', '911#', '--json']);
      assert.is(r.code, 0, r.stderr);
      sent = JSON.parse(r.stdout);
      const { json } = await received(receiver);
      assert.is(json.digits, '911#');
      receiverCname = json.cname;
    } finally {
      await stop(receiver);
    }
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.send(BROKEN_RTCP, control + 1, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => s.close(() => resolve()));
    await new Promise((r) => setTimeout(r, 300)); // the last datagrams into the capture
  } finally {
    await stop(tshark, 5000, 'SIGINT');
  }
  const read = spawnSync(
    peerPath('tshark'),
    ['-r', capture, '-d', `udp.port==${port},rtp`, '-d', `udp.port==${port + 1},rtcp`, '-d', `udp.port==${control + 1},rtcp`, '-d', `rtp.pt==${sent.eventPayloadType},rtpevent`, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.is(read.status, 0, read.stderr);
  const rows: Row[] = read.stdout.trim().split('\n').map((line) => Object.fromEntries(line.split('\t').map((v, i) => [FIELDS[i], v])) as Row);

  // The control: tshark flags the broken datagram.
  const broken = rows.filter((r) => r['udp.dstport'] === String(control + 1));
  assert.is(broken.length, 1);
  assert.ok(broken[0]['_ws.malformed'] !== '', `tshark did not flag the broken RTCP: ${JSON.stringify(broken[0])}`);

  const ourRows = rows.filter((r) => r['udp.dstport'] !== String(control + 1));
  for (const r of ourRows) {
    assert.is(r['_ws.malformed'], '', `frame ${r['frame.number']} malformed`);
    for (const sev of r['_ws.expert.severity'].split(',').filter(Boolean)) assert.ok(Number(sev) <= NOTE, `frame ${r['frame.number']}: expert severity ${sev} above note`);
  }

  const media = ourRows.filter((r) => r['rtp.ssrc'] !== '');
  assert.is(media.length, sent!.packets, 'every RTP packet we sent, decoded as RTP');
  assert.ok(media.every((r) => Number(r['rtp.ssrc']) === sent!.ssrc));
  // One sequence space for audio and events (RFC 4733 §2.5.1.2).
  media.forEach((r, i) => i === 0 || assert.is(Number(r['rtp.seq']), (Number(media[i - 1]!['rtp.seq']) + 1) & 0xffff));

  // The events: one timestamp per digit, M on its first packet only, durations growing, E at the end.
  const events = media.filter((r) => r['rtp.p_type'] === String(sent!.eventPayloadType));
  const digits = new Map<string, Row[]>();
  for (const r of events) digits.set(r['rtp.timestamp'], [...(digits.get(r['rtp.timestamp']) ?? []), r]);
  const DTMF = '0123456789*#ABCD';
  assert.is([...digits.values()].map((g) => DTMF[Number(g[0]!['rtpevent.event_id'])]).join(''), '911#');
  for (const g of digits.values()) {
    assert.equal(g.map((r) => r['rtp.marker']), ['1', ...g.slice(1).map(() => '0')]);
    assert.ok(g.every((r, i) => i === 0 || Number(r['rtpevent.duration']) >= Number(g[i - 1]!['rtpevent.duration'])));
    assert.is(g.at(-1)!['rtpevent.end_of_event'], '1');
    assert.ok(new Set(g.map((r) => r['rtpevent.event_id'])).size === 1);
  }

  // RTCP: each compound begins with SR or RR and carries SDES (CNAME); the sender's last has the BYE.
  const rtcp = ourRows.filter((r) => r['rtcp.pt'] !== '');
  const fromSender = rtcp.filter((r) => r['udp.srcport'] === String(ours + 1));
  const fromReceiver = rtcp.filter((r) => r['udp.srcport'] === String(port + 1));
  assert.ok(fromSender.length >= 2 && fromReceiver.length >= 2, `RTCP ${fromSender.length} from the sender, ${fromReceiver.length} from the receiver`);
  for (const r of rtcp) {
    const types = r['rtcp.pt'].split(',');
    assert.ok(types[0] === '200' || types[0] === '201', `frame ${r['frame.number']}: ${types}`);
    assert.ok(types.includes('202'), `frame ${r['frame.number']}: no SDES in ${types}`);
  }
  assert.ok(fromSender.every((r) => r['rtcp.sdes.text'].split(',').includes(sent!.cname)), "the sender's CNAME in each of its compounds");
  assert.ok(fromReceiver.every((r) => r['rtcp.sdes.text'].split(',').includes(receiverCname)), "the receiver's CNAME in each of its compounds");
  assert.ok(fromSender.some((r) => r['rtcp.pt'].startsWith('200')), 'an SR from the sender');
  assert.ok(fromSender.at(-1)!['rtcp.pt'].endsWith('203'), 'the BYE last');
  // Reports go to the port named for them, both ways (RFC 3550 §11).
  assert.ok(fromSender.every((r) => r['udp.dstport'] === String(port + 1)));
  assert.ok(fromReceiver.every((r) => r['udp.dstport'] === String(ours + 1)));
});

test.run();
