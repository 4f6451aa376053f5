/**
 * `npm run sdp -- offer` and `answer`, spawned: what they print, their
 * exit statuses (0 an answer, 1 none possible or an offer that does not
 * parse, 2 bad usage) and --json.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../helpers.ts';
import { sdpExamples } from '../../../../tools/testkit/sdpExamples.ts';

const dir = tempDir('sdp-cli-');
const sdp = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/sdp/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', input });
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const mLines = (text: string) => text.split('\r\n').filter((l) => /^(m=|a=(sendrecv|sendonly|recvonly|inactive|rtpmap))/.test(l));

// RFC 4317 §2.1: Alice's offer of PCMU, PCMA, iLBC and H261, MPV video.
const rfc4317 = await sdpExamples(4317);
const offer21 = file('offer21.sdp', rfc4317.find((e) => e.section === '2.1' && e.label === 'Offer')!.text);

// @tests RFC3264 P5L45-P6L4, P7L21-P7L22, P5L27-P5L30
test('offer prints one audio stream of the codecs given, in order, with its direction', () => {
  const r = sdp(['offer', '--codecs', 'PCMA,PCMU,telephone-event', '--address', '127.0.0.1', '--port', '4000', '--direction', 'sendonly']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(mLines(r.stdout), ['m=audio 4000 RTP/AVP 8 0 96', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:96 telephone-event/8000', 'a=sendonly']);
  assert.match(r.stdout, /^v=0\r\no=- \d+ 1 IN IP4 127\.0\.0\.1\r\ns=-\r\nc=IN IP4 127\.0\.0\.1\r\nt=0 0\r\n/);
});

// @tests RFC3264 P9L14-P9L18, P9L25-P9L28, P10L31-P10L36, P11L29-P11L31
test('answer: the offered m= lines in order, ours accepted in the offer\'s order and numbers, video rejected with port 0', () => {
  const r = sdp(['answer', offer21, '--codecs', 'iLBC,PCMU', '--port', '6000']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(mLines(r.stdout), ['m=audio 6000 RTP/AVP 0 97', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:97 iLBC/8000', 'm=video 0 RTP/AVP 31']);
  const local = sdp(['answer', offer21, '--codecs', 'iLBC,PCMU', '--port', '6000', '--order', 'local']);
  assert.equal(mLines(local.stdout)[0], 'm=audio 6000 RTP/AVP 97 0');
});

test('answer --json: the description and the negotiated streams; the offer may come on stdin', () => {
  const r = sdp(['answer', '-', '--codecs', 'PCMU', '--json'], rfc4317.find((e) => e.section === '2.1' && e.label === 'Offer')!.text);
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.answer.media.map((m: { port: number }) => m.port), [49170, 0]);
  assert.is(typeof j.answer.origin.sessionVersion, 'string');
  assert.equal(j.streams[0].send.map((f: { encodingName: string }) => f.encodingName), ['PCMU']);
  assert.equal(j.streams[0].remote, { address: 'host.atlanta.example.com', port: 49170 });
});

test('offer --json: the typed description, the o= version as a string', () => {
  const r = sdp(['offer', '--codecs', 'PCMU', '--json']);
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.origin.sessionVersion, '1');
  assert.equal(j.media.map((m: { formats: string[] }) => m.formats), [['0']]);
});

test('answer to an offer with LF line ends: answered, with the parser\'s warning on stderr as file:line:col', () => {
  const lf = file('lf.sdp', rfc4317.find((e) => e.section === '2.1' && e.label === 'Offer')!.text.replace(/\r\n/g, '\n'));
  const r = sdp(['answer', lf, '--codecs', 'PCMU']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^v=0\r\n/);
  assert.match(r.stderr, new RegExp(`^${lf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: warning: `));
});

// @tests RFC3264 P11L33-P11L34
test('answer with nothing in common: exit 1, the reason and the 488 a SIP UA would send on stderr', () => {
  const r = sdp(['answer', offer21, '--codecs', 'G722']);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /no offered format is one this agent has/);
  assert.match(r.stderr, /488 Not Acceptable Here, Warning: 305 "Incompatible media format"/);
  const j = sdp(['answer', offer21, '--codecs', 'G722', '--json']);
  assert.is(j.status, 1);
  assert.equal(JSON.parse(j.stdout).warning, { code: 305, text: 'Incompatible media format' });
});

test('answer to an offer that does not parse: exit 1, file:line:col and the rule', () => {
  const bad = file('bad.sdp', 'v=0\r\no=alice\r\n');
  const r = sdp(['answer', bad]);
  assert.is(r.status, 1);
  assert.match(r.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: RFC8866`));
  assert.match(r.stderr, /400 Bad Request/);
});

// @tests RFC3264 P5L15-P5L18
test('an offer of two concatenated descriptions is no offer: exit 1 at the second v= (the parser refuses it)', () => {
  const text = rfc4317.find((e) => e.section === '2.1' && e.label === 'Offer')!.text;
  const two = file('two.sdp', text + text);
  const lines = text.split('\r\n').length;
  const r = sdp(['answer', two]);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, new RegExp(`two\\.sdp:${lines}:1: error: RFC8866`));
});

test('bad usage exits 2 and says what is wrong; --help exits 0', () => {
  for (const [args, message] of [
    [['answer'], /answer takes one offer file/],
    [['answer', offer21, '--codecs', 'nonsense'], /--codecs: unknown codec "nonsense"/],
    [['offer', '--address', 'example.com'], /--address wants an IP address/],
    [['offer', '--port', '70000'], /--port wants a port number/],
    [['offer', '--direction', 'up'], /--direction wants one of/],
    [['answer', offer21, '--order', 'random'], /--order wants offer or local/],
    [['answer', join(dir, 'missing.sdp')], /cannot read/],
  ] as [string[], RegExp][]) {
    const r = sdp(args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const help = sdp(['answer', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /--codecs/);
});

test('offer --codecs with a rate past 15 digits: exit 2 naming the codec, never an rtpmap in exponent form', () => {
  const r = sdp(['offer', '--codecs', 'x/99999999999999999999999']);
  assert.is(r.status, 2, r.stdout);
  assert.match(r.stderr, /^--codecs: codec "x\/99999999999999999999999": a rate or channel count of more than 15 digits/);
  assert.is(r.stdout, '');
});

// @tests RFC8866 P12L19-P12L25
test('--address: a multicast address or an IPv6 zone id is a usage error (exit 2) for offer and answer', () => {
  for (const [address, why] of [['224.1.1.1', /224\.1\.1\.1 is a multicast address/], ['ff15::1', /ff15::1 is a multicast address/], ['fe80::1%eth0', /fe80::1%eth0 has a zone id/]] as const) {
    for (const args of [['offer'], ['answer', offer21]]) {
      const r = sdp([...args, '--address', address]);
      assert.is(r.status, 2, `${args[0]} ${address}: ${r.stdout}`);
      assert.match(r.stderr, why);
      assert.is(r.stdout, '');
    }
  }
  assert.is(sdp(['offer', '--address', '::1']).status, 0);
});

test('--port takes decimal digits only: "", 0x10, 1e3, " 5" and 65536 are usage errors (exit 2)', () => {
  for (const port of ['', '0x10', '1e3', ' 5', '65536']) {
    const r = sdp(['offer', '--port', port]);
    assert.is(r.status, 2, `--port ${JSON.stringify(port)}: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`^--port wants a port number from 0 to 65535 in decimal digits, got ${JSON.stringify(JSON.stringify(port)).slice(1, -1)}`));
  }
  assert.match(sdp(['offer', '--port', '4000']).stdout, /m=audio 4000 /);
});

test('answer --port 0: no answer, and the reason is our port 0, not the formats (PCMU is common)', () => {
  const r = sdp(['answer', offer21, '--codecs', 'PCMU', '--port', '0']);
  assert.is(r.status, 1, r.stdout);
  assert.match(r.stderr, /no answer: this agent's port for audio is 0: it declines the stream/);
  assert.match(r.stderr, /488 Not Acceptable Here, Warning: 304 "Media type not available"/);
});

test('--codecs: a codec named twice, or more dynamic codecs than 96-127 hold, is a usage error (exit 2), not an internal error', () => {
  const twice = sdp(['offer', '--codecs', 'PCMU,PCMA,pcmu']);
  assert.is(twice.status, 2, twice.stdout);
  assert.match(twice.stderr, /^--codecs: codec PCMU\/8000 is named twice \(as codec 1 and 3\)/);
  const codecs = (n: number) => Array.from({ length: n }, (_, i) => `X${i}/8000`).join(',');
  const many = sdp(['answer', offer21, '--codecs', codecs(33)]);
  assert.is(many.status, 2, many.stderr);
  assert.match(many.stderr, /^--codecs: 33 codecs need a dynamic RTP payload type, and there are 32 \(96-127\)/);
  const all = sdp(['offer', '--codecs', `PCMU,${codecs(32)}`]);
  assert.is(all.status, 0, all.stderr);
  assert.match(all.stdout, /m=audio 49170 RTP\/AVP 0 96 97 .* 127\r\n/);
});

test.run();
