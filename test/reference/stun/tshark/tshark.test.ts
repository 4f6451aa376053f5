/**
 * tshark (Wireshark's STUN dissector) reads what our `binding` and our
 * `server` put on the wire: a capture on lo of Binding transactions over UDP
 * and TCP with FINGERPRINT, without and with long-term credentials (the 401,
 * then the request and the success response carrying MESSAGE-INTEGRITY or
 * MESSAGE-INTEGRITY-SHA256). Every datagram and every TCP payload decodes as
 * STUN, each FINGERPRINT's CRC-32 status is Good, nothing is malformed and no
 * expert info is above "note". One request with a wrong FINGERPRINT, sent into
 * the same capture, shows that tshark does call a bad CRC-32 Bad, so the
 * Goods mean something.
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerPath, peerSuite } from '../../../peers.ts';
import { tempDir } from '../../../helpers.ts';
import { freePort, start, stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { Binding, encodeMessage } from '../../../../reference/stun/message/index.ts';
import { runStun, startStunServer } from '../cli/harness.ts';

const test = peerSuite('tshark decodes our STUN', ['tshark']);
const dir = tempDir('stun-tshark-');

/** tshark's expert severity PI_NOTE (epan/proto.h; PI_CHAT is 0x200000, PI_WARN 0x600000). */
const NOTE = 0x400000;
/** epan/proto.h's checksum states: what stun.att.crc32.status holds. */
const CRC_BAD = '0';
const CRC_GOOD = '1';

const FIELDS = ['frame.number', 'udp.dstport', 'tcp.dstport', 'udp.length', 'tcp.len', 'stun.type.class', 'stun.type.method', 'stun.id', 'stun.att.type', 'stun.att.crc32', 'stun.att.crc32.status', 'stun.att.error.class', 'stun.att.error', '_ws.expert.severity', '_ws.expert.message', '_ws.malformed'] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** stun.type.class as tshark 4 prints it: the C1 C0 bits written as hex digits. */
const REQUEST = '0x0000';
const SUCCESS = '0x0010';
const ERROR = '0x0011';
/** Attribute types (RFC 8489 §18.3). */
const MESSAGE_INTEGRITY = '0x0008';
const MESSAGE_INTEGRITY_SHA256 = '0x001c';
const FINGERPRINT = '0x8028';

/** A Binding request with FINGERPRINT, its CRC then changed: what tshark must call Bad. */
function wrongFingerprint(transactionId: Uint8Array): Uint8Array {
  const bytes = encodeMessage({ class: 'request', method: Binding, transactionId, attributes: [{ type: 'SOFTWARE', value: 'wrong fingerprint' }] }, { fingerprint: true });
  bytes[bytes.length - 1]! ^= 0x01;
  return bytes;
}

// @tests RFC8489 P41L42-P41L44, P42L5-P42L7, P42L12-P42L23
test('a capture of our binding ↔ our server, UDP and TCP, with FINGERPRINT and long-term credentials: all STUN, CRC-32 Good, nothing malformed, nothing above "note"; a wrong FINGERPRINT is Bad', async () => {
  const [open, locked] = [await freePort(), await freePort()];
  const users = join(dir, 'users');
  writeFileSync(users, 'alice:wonderland\n');
  const capture = join(dir, 'stun.pcapng');
  const ports = [open, locked];
  const tshark = start(peerPath('tshark'), ['-i', 'lo', '-f', ports.map((p) => `udp port ${p} or tcp port ${p}`).join(' or '), '-w', capture]);
  const badId = Uint8Array.from({ length: 12 }, (_, i) => 0xb0 + i);
  const counters: { answered: number; discarded: number }[] = [];
  try {
    await waitFor('tshark to capture', () => tshark.stderr().includes('Capturing on'), 30_000, tshark);
    const servers = [
      await startStunServer(['--listen', `127.0.0.1:${open}`, '--tcp', '--json']),
      await startStunServer(['--listen', `127.0.0.1:${locked}`, '--tcp', '--realm', 'example.org', '--users', users, '--json']),
    ];
    try {
      for (const tcp of [[], ['--tcp']]) {
        const r = await runStun(['binding', `127.0.0.1:${open}`, ...tcp, '--fingerprint', '--json']);
        assert.is(r.code, 0, r.stderr);
        const a = await runStun(['binding', `127.0.0.1:${locked}`, ...tcp, '--user', 'alice', '--password', 'wonderland', '--fingerprint', '--json']);
        assert.is(a.code, 0, a.stderr);
        assert.is(JSON.parse(a.stdout).transactions, 2, 'the 401, then the authenticated request');
      }
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.send(wrongFingerprint(badId), open, '127.0.0.1', () => resolve()));
      await new Promise<void>((resolve) => s.close(() => resolve()));
      await new Promise((r) => setTimeout(r, 300)); // the last packets into the capture
    } finally {
      for (const server of servers) {
        await stop(server, 5000, 'SIGINT');
        counters.push(JSON.parse(server.stdout().slice(server.stdout().indexOf('\n') + 1))); // after the "listening on" line
      }
    }
  } finally {
    await stop(tshark, 5000, 'SIGINT');
  }

  const read = spawnSync(
    peerPath('tshark'),
    ['-r', capture, ...ports.flatMap((p) => ['-d', `udp.port==${p},stun`, '-d', `tcp.port==${p},stun`]), '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.is(read.status, 0, read.stderr);
  const rows: Row[] = read.stdout.split('\n').filter((line) => line !== '').map((line) => Object.fromEntries(line.split('\t').map((v, i) => [FIELDS[i], v])) as Row);
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

  // Nothing malformed and nothing above "note", TCP's own segments included.
  for (const r of rows) {
    assert.is(r['_ws.malformed'], '', `frame ${r['frame.number']} malformed`);
    const severities = r['_ws.expert.severity'].split(',').filter(Boolean);
    const above = severities.filter((sev) => Number(sev) > NOTE);
    // The one wrong FINGERPRINT is tshark's "Bad Fingerprint" (a warning): the control, checked below.
    if (r['stun.id'] !== hex(badId)) assert.equal(above, [], `frame ${r['frame.number']}: expert info above note: ${r['_ws.expert.message']}`);
  }

  // Every datagram, and every TCP segment with a payload, decodes as STUN (one message each).
  const carrying = rows.filter((r) => r['udp.length'] !== '' || Number(r['tcp.len']) > 0);
  for (const r of carrying) assert.ok(r['stun.type.class'] !== '' && !r['stun.id'].includes(','), `frame ${r['frame.number']} is not one STUN message: ${JSON.stringify(r)}`);

  // The control: exactly the injected request is Bad, the rest Good.
  const bad = carrying.filter((r) => r['stun.att.crc32.status'].split(',').includes(CRC_BAD));
  assert.is(bad.length, 1, `${bad.length} FINGERPRINTs tshark calls Bad`);
  assert.is(bad[0]!['stun.id'], hex(badId));
  assert.ok(Number(bad[0]!['_ws.expert.severity']) > NOTE, 'the wrong FINGERPRINT is flagged above note (tshark: a warning)');
  const ours = carrying.filter((r) => r['stun.id'] !== hex(badId));
  for (const r of ours) {
    assert.is(r['stun.att.type'].split(',').at(-1), FINGERPRINT, `frame ${r['frame.number']}: FINGERPRINT last`);
    assert.is(r['stun.att.crc32.status'], CRC_GOOD, `frame ${r['frame.number']}: CRC-32 status ${r['stun.att.crc32.status']}`);
  }

  // Each request the servers took is answered in the capture, by transaction ID; UDP and TCP both there.
  const requests = ours.filter((r) => r['stun.type.class'] === REQUEST);
  const responses = ours.filter((r) => r['stun.type.class'] === SUCCESS || r['stun.type.class'] === ERROR);
  const answered = counters.reduce((n, c) => n + c.answered, 0);
  assert.is(responses.length, answered, `the servers answered ${answered}, tshark decoded ${responses.length} responses`);
  assert.is(requests.length, answered, 'every request we sent was answered, retransmissions included');
  assert.is(counters[0]!.discarded, 1, 'the wrong FINGERPRINT, dropped (RFC 8489 §14.7)');
  for (const r of responses) assert.ok(requests.some((q) => q['stun.id'] === r['stun.id']), `frame ${r['frame.number']} answers no request`);
  for (const transport of ['udp.dstport', 'tcp.dstport'] as const) {
    for (const port of ports) assert.ok(requests.some((q) => q[transport] === String(port)), `no request to ${port} over ${transport}`);
  }

  // Long-term credentials: a 401 each way, then requests and successes with MESSAGE-INTEGRITY(-SHA256).
  const toLocked = (r: Row) => r['udp.dstport'] === String(locked) || r['tcp.dstport'] === String(locked);
  const integrity = (r: Row) => r['stun.att.type'].split(',').some((t) => t === MESSAGE_INTEGRITY || t === MESSAGE_INTEGRITY_SHA256);
  const errors = responses.filter((r) => r['stun.type.class'] === ERROR);
  assert.ok(errors.length >= 2 && errors.every((r) => Number(r['stun.att.error.class']) * 100 + Number(r['stun.att.error']) === 401 && !integrity(r)), `the 401s: ${JSON.stringify(errors)}`);
  assert.ok(requests.filter(toLocked).filter(integrity).length >= 2, 'authenticated requests, over UDP and TCP');
  const signed = responses.filter((r) => r['stun.type.class'] === SUCCESS && integrity(r));
  assert.ok(signed.length >= 2, 'authenticated success responses');
});

test.run();
