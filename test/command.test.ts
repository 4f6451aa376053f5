/**
 * tools/command.ts, the command-line plumbing rfcdoc and `npm run sip` share:
 * each rule seen on a small CLI built on it (test/command/program.ts), run as
 * a process, and the rules the two real CLIs gained from it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.ts';

const run = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const demo = (...args: string[]) => run('test/command/program.ts', args);
const sip = (...args: string[]) => run('reference/sip/cli.ts', args);

test('help: --help, -h and help print the CLI help on stdout (0); no command prints it on stderr (2)', () => {
  for (const word of ['--help', '-h', 'help']) assert.equal(demo(word), { code: 0, stdout: 'demo help\n', stderr: '' }, word);
  assert.equal(demo(), { code: 2, stdout: '', stderr: 'demo help\n' });
  assert.equal(demo('echo', '--help'), { code: 0, stdout: 'usage: demo echo [--names a,b] [--tag t]... [--flag] [args]\n', stderr: '' });
});

test('options and positionals reach the command; its status is the exit status', () => {
  const r = demo('echo', '--names', 'a,b', '--tag', 'x', '--tag', 'y', '--flag', '--json', 'one');
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { values: { names: 'a,b', tag: ['x', 'y'], flag: true, json: true }, positionals: ['one'] });
  assert.is(demo('echo', 'problem').code, 1);
});

test('usage errors exit 2 on stderr in the CLI words: unknown command, unknown option, missing value, UsageError', () => {
  assert.equal(demo('nonesuch'), { code: 2, stdout: '', stderr: 'demo: no command "nonesuch"\n' });
  const option = demo('echo', '--bogus');
  assert.is(option.code, 2);
  assert.match(option.stderr, /^demo echo: Unknown option '--bogus'.*\nusage: demo echo /s);
  assert.is(demo('echo', '--names').code, 2);
  assert.equal(demo('refuse'), { code: 2, stdout: '', stderr: 'demo refuse: refuse refuses\nusage: demo refuse\n' });
});

test('an option given twice is a usage error naming both; a list option says to give one list; a multiple one may repeat', () => {
  const twice = demo('echo', '--flag', '--flag');
  assert.is(twice.code, 2);
  assert.match(twice.stderr, /^demo echo: --flag is given more than once \(--flag and --flag\); give it once\n/);
  const list = demo('echo', '--names', 'a', '--names=b');
  assert.is(list.code, 2);
  assert.match(list.stderr, /^demo echo: --names is given more than once \(--names and --names\); give it once, with a comma-separated list\n/);
  assert.is(demo('echo', '--tag', 'a', '--tag', 'b').code, 0);
});

test('an internal error exits 3 in one line; --debug adds the stack', () => {
  const plain = demo('crash');
  assert.is(plain.code, 3);
  assert.is(plain.stderr, 'demo crash: internal error: TypeError: cannot read x of undefined (run again with --debug for the stack)\n');
  const debug = demo('crash', '--debug');
  assert.is(debug.code, 3);
  assert.match(debug.stderr, /^demo crash: internal error: TypeError: cannot read x of undefined\nsecond line\n\s+at /);
  assert.match(debug.stderr, /program\.ts:\d+/);
});

test('an expected failure (the world, not a bug) prints its own line and exits with its status', () => {
  assert.equal(demo('busy'), { code: 1, stdout: '', stderr: 'demo busy: port 1 is in use\n' });
});

test('colour and progress only on a terminal; NO_COLOR turns colour off there', () => {
  assert.equal(JSON.parse(demo('tty').stdout), { color: false, progress: false });
  // `script` gives the command a terminal (util-linux, on every Debian).
  const onTty = (env: string) => spawnSync('script', ['-qec', `${env} ${process.execPath} --import tsx test/command/program.ts tty`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  const tty = onTty('');
  assert.is(tty.status, 0, tty.stderr);
  assert.equal(JSON.parse(tty.stdout.trim()), { color: true, progress: true });
  assert.equal(JSON.parse(onTty('NO_COLOR=1').stdout.trim()), { color: false, progress: true });
});

// What the SIP command line gained by sharing the rules (rfcdoc already had them).

test('sip: an option given twice is refused (exit 2), not silently the last one', () => {
  const r = sip('parse', '--strict', '--strict', '-');
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^--strict is given more than once \(--strict and --strict\); give it once\nusage: sip parse /);
});

test('sip: no command is a usage error with the help on stderr; --help on stdout names --debug', () => {
  const none = sip();
  assert.is(none.code, 2);
  assert.is(none.stdout, '');
  assert.match(none.stderr, /^usage: npm run sip -- <command>/);
  assert.match(sip('--help').stdout, /--debug/);
});

test('sip: a bad number names the option and the value as given (exit 2, before anything listens)', () => {
  const min = sip('server', '--listen', '127.0.0.1:0', '--min-expires', 'x');
  assert.is(min.code, 2, min.stderr);
  assert.match(min.stderr, /^--min-expires wants a number of seconds, got "x"\nusage: sip server /);
  const expires = sip('register', 'sip:127.0.0.1:9', '--user', 'alice', '--expires', '1.5');
  assert.is(expires.code, 2, expires.stderr);
  assert.match(expires.stderr, /^--expires wants a number of seconds, got "1.5"\n/);
  const duration = sip('call', 'sip:bob@127.0.0.1:9', '--duration=-1');
  assert.is(duration.code, 2, duration.stderr);
  assert.match(duration.stderr, /^--duration wants a non-negative number, got "-1"\n/);
});

test.run();
