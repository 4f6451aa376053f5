/**
 * `npm run sdp -- parse`: the summary or JSON of a good description (from
 * a file or stdin), `file:line:col: error: rule: ...` and exit 1 for a bad
 * one, warnings on stderr, exit 2 for bad usage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../helpers.ts';
import { sdpExamples } from '../../../../tools/testkit/sdpExamples.ts';

const dir = tempDir('sdp-cli-');
const sdp = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/sdp/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const [first, inactive] = await sdpExamples(8866);

// @tests RFC8866 P10L37-P11L2
test('parse --json prints the typed description, bigints as strings', () => {
  const r = sdp(['parse', '--json', file('first.sdp', first.text)]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  const j = JSON.parse(r.stdout);
  assert.is(j.origin.sessionVersion, '3724394405');
  assert.equal(j.timings, [{ start: '0', stop: '0', repeats: [] }]);
  assert.equal(j.media[2].attributes, [{ kind: 'rtpmap', payloadType: 99, encodingName: 'h263-1998', clockRate: 90000 }]);
});

// @tests RFC8866 P30L2-P30L9
test('parse without --json: a summary with the direction and connection each stream uses; - reads stdin', () => {
  const r = sdp(['parse', '-'], inactive.text);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^session "-": origin jdoe id 3724395000 version 3724395001 \(IN IP6 2001:db8::1\)\n/);
  assert.match(r.stdout, /media 1: audio 49170 RTP\/AVP 0\n  direction: sendrecv; connection: IN IP6 2001:db8::1\n/);
  assert.match(r.stdout, /media 3: video 51372 RTP\/AVP 99\n  direction: inactive;/);
});

// @tests RFC8866 P9L24-P9L25, P11L7-P11L9
test('a bad description: file:line:col: error: rule, exit 1, nothing on stdout; warnings on stderr', () => {
  const bad = file('bad.sdp', 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nc=IN IP4 192.0.2.1\r\n');
  const r = sdp(['parse', '--json', bad]);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `${bad}:5:1: error: RFC8866 §5: c= (connection) after t=: fields appear in the order v o s i u e p c b t k a\n`);
  const lenient = sdp(['parse', '--lenient', bad]);
  assert.is(lenient.status, 0);
  assert.match(lenient.stderr, new RegExp(`^${bad}:5:1: warning: RFC8866 §5: c= \\(connection\\) after t=`));
  const lf = sdp(['parse', '-'], first.text.replaceAll('\r\n', '\n'));
  assert.is(lf.status, 0);
  assert.is(lf.stderr, '<stdin>:1:4: warning: RFC8866 §5: line ends are LF, not CRLF (14 lines; accepted)\n');
});

test('usage errors exit 2; a missing file is a usage error naming it', () => {
  assert.is(sdp(['parse']).status, 2);
  assert.is(sdp(['parse', 'a', 'b']).status, 2);
  assert.is(sdp(['frobnicate']).status, 2);
  const missing = sdp(['parse', join(dir, 'nope.sdp')]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*nope\.sdp/);
  const help = sdp(['parse', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /usage: sdp parse \[--json\] \[--lenient\] <file\|->/);
});

test('input past the parser\'s 1 MiB limit is refused as read, never held whole: stdin, a 300 MB sparse file, /dev/zero', () => {
  const piped = sdp(['parse', '-'], 'v=0\r\n'.repeat(300_000));
  assert.is(piped.status, 1);
  assert.match(piped.stderr, /^<stdin>:1:1: error: limit: the description is more than the 1048576 octets accepted/);
  const big = join(dir, 'big.sdp');
  writeFileSync(big, '');
  truncateSync(big, 300 * 1024 * 1024);
  const file = sdp(['parse', big]);
  assert.is(file.status, 1, file.stderr);
  assert.is(file.stderr, `${big}:1:1: error: limit: the description is 314572800 octets, more than the 1048576 accepted\n`);
  // Endless input: without a bound the read never ends (the timeout kills it, status null).
  for (const command of ['parse', 'answer']) {
    const zero = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/sdp/cli.ts'), command, '/dev/zero'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.is(zero.status, 1, `${command}: ${zero.signal ?? ''} ${zero.stderr}`);
    assert.match(zero.stderr, /^\/dev\/zero:1:1: error: limit: the description is more than the 1048576 octets accepted \(reading stopped there\)\n/);
  }
});

test.run();
