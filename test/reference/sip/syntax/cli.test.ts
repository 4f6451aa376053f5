/**
 * `npm run sip -- parse`: JSON for a good message, the fault on stderr and
 * exit 1 for a bad one, exit 2 for bad usage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../helpers.ts';
import { tortureMessages } from '../../../../tools/testkit/rfcMessages.ts';

const dir = tempDir('sip-cli-');
const messages = await tortureMessages();
const file = (name: string) => {
  const p = join(dir, `${name}.dat`);
  writeFileSync(p, messages.find((m) => m.name === name)!.bytes);
  return p;
};
const sip = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'reference/sip/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

// @tests RFC4475 P9L30-P10L20
test('parse prints the message as JSON', () => {
  const r = sip('parse', file('esc01'));
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.method, 'INVITE');
  assert.is(j.requestUri, 'sip:sips%3Auser%40example.com@example.net');
  assert.equal(j.headers[0], ['To', 'sip:%75se%72@example.com']);
  assert.match(j.body, /^v=0\r\n/);
});

// @tests RFC4475 P24L1-P24L14
test('parse of a bad message: the fault on stderr, exit 1', () => {
  const r = sip('parse', file('quotbal'));
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /To: unterminated quoted-string in the display name of To \(line 2, column 5\)/);
  assert.match(r.stderr, /answer: 400 Bad To:/);
});

test('parse --stream frames several messages', () => {
  const both = join(dir, 'both.dat');
  const a = messages.find((m) => m.name === 'wsinv')!.bytes;
  const b = messages.find((m) => m.name === 'esc01')!.bytes;
  writeFileSync(both, Buffer.concat([a, b]));
  const r = sip('parse', '--stream', both);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).map((m: { method: string }) => m.method), ['INVITE', 'INVITE']);
});

test('usage errors exit 2; --help lists the commands', () => {
  assert.is(sip('parse').status, 2);
  assert.is(sip('nonesuch').status, 2);
  const h = sip('--help');
  assert.is(h.status, 0);
  assert.match(h.stdout, /parse +parse SIP messages/);
});

test.run();
