/**
 * Every `npm run sip` command that listens, given an address it cannot
 * listen on (a port already taken, an address not on this machine), prints
 * one line naming the address and the reason and exits 1: no stack trace.
 * The real CLI is spawned; 1.2.3.4 fails at bind time, so no packet leaves.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { CLI, ROOT, freePort } from '../../../tools/testkit/processes.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; one still running after `ms` is killed (its code is then null, and the test fails on it). */
function sip(args: string[], ms = 30000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: ms, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** One line on stderr, exactly `expected`, and exit status 1. */
function oneLine(run: Run, expected: string): void {
  assert.is(run.stderr, `${expected}\n`);
  assert.is(run.code, 1, run.stderr);
}

test('a UDP port already in use: uas, call, register and server each print one line and exit 1', async () => {
  const port = await freePort();
  const taken = createSocket('udp4');
  await new Promise<void>((r) => taken.bind(port, '127.0.0.1', () => r()));
  try {
    const at = `127.0.0.1:${port}`;
    const runs = await Promise.all([
      sip(['uas', '--listen', at]),
      sip(['call', 'sip:bob@127.0.0.1:9', '--listen', at]),
      sip(['register', 'sip:127.0.0.1:9', '--user', 'alice', '--listen', at]),
      sip(['server', '--listen', at]),
    ]);
    const reason = `cannot listen on ${at}/udp: address already in use (EADDRINUSE)`;
    for (const [i, name] of ['uas', 'call', 'register', 'server'].entries()) oneLine(runs[i] as Run, `sip ${name}: ${reason}`);
  } finally {
    await new Promise<void>((r) => taken.close(() => r()));
  }
});

test('a TCP port already in use (UDP free) is named as TCP', async () => {
  const port = await freePort();
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(port, '127.0.0.1', () => r()));
  try {
    oneLine(await sip(['uas', '--listen', `127.0.0.1:${port}`]), `sip uas: cannot listen on 127.0.0.1:${port}/tcp: address already in use (EADDRINUSE)`);
  } finally {
    await new Promise<void>((r) => taken.close(() => r()));
  }
});

/** With net.ipv4.ip_nonlocal_bind = 1 the kernel lets a process bind any address, so 1.2.3.4 would not fail. */
function nonlocalBind(): boolean {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_nonlocal_bind', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

test('an address not on this machine (1.2.3.4): one line, EADDRNOTAVAIL, exit 1', async () => {
  if (nonlocalBind()) {
    console.log('  skipped: net.ipv4.ip_nonlocal_bind is 1 here, so binding 1.2.3.4 succeeds and cannot be refused');
    return;
  }
  const [uas, server] = await Promise.all([sip(['uas', '--listen', '1.2.3.4:5060'], 20000), sip(['server', '--listen', '1.2.3.4:5060'], 20000)]);
  oneLine(uas, 'sip uas: cannot listen on 1.2.3.4:5060/udp: address not available (EADDRNOTAVAIL)');
  oneLine(server, 'sip server: cannot listen on 1.2.3.4:5060/udp: address not available (EADDRNOTAVAIL)');
});

test.run();
