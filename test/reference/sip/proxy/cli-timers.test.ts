/**
 * `sip server --t1/--t2/--t4`: the server's transactions run on the timers
 * given, as `uas` and `call` do (ua/commands.ts). Seen on the wire: the proxy
 * forwards an INVITE to a callee that never answers, and the INVITE client
 * transaction retransmits it at T1, 2*T1, 4*T1 (Timer A, §17.1.1.2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { CLI, ROOT, stop } from '../../../../tools/testkit/processes.ts';
import { sipServer } from './processes.ts';

const bound = (socket: Socket): Promise<number> =>
  new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));

// @tests RFC3261 P126L5-P126L8, P126L12-P126L15
test('sip server --t1 50: a forwarded INVITE nobody answers is sent 4 times within 7*T1 (the default T1 takes 3.5 s)', async () => {
  const callee = createSocket('udp4');
  const caller = createSocket('udp4');
  const calleePort = await bound(callee);
  const callerPort = await bound(caller);
  const arrivals: number[] = [];
  callee.on('message', (m) => {
    if (m.toString('latin1').startsWith('INVITE ')) arrivals.push(performance.now());
  });
  const { child, port } = await sipServer(['--t1', '50', '--bind', `sip:bob@127.0.0.1=sip:bob@127.0.0.1:${calleePort}`]);
  try {
    const invite = [
      'INVITE sip:bob@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${callerPort};branch=z9hG4bK-cli-timers-1`,
      'Max-Forwards: 70',
      `From: <sip:alice@127.0.0.1>;tag=a1`,
      'To: <sip:bob@127.0.0.1>',
      'Call-ID: cli-timers-1@127.0.0.1',
      'CSeq: 1 INVITE',
      `Contact: <sip:alice@127.0.0.1:${callerPort}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    caller.send(invite, port, '127.0.0.1');
    const deadline = performance.now() + 10000;
    while (arrivals.length < 4 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(arrivals.length >= 4, `the callee saw ${arrivals.length} INVITEs in 10 s; server said: ${child.stderr()}`);
    const spread = (arrivals[3] as number) - (arrivals[0] as number);
    // 50 + 100 + 200 = 350 ms on T1 = 50; 3500 ms on the default 500. The
    // margin is for a loaded machine, and is far below the default's figure.
    assert.ok(spread < 2000, `4 INVITEs took ${spread.toFixed(0)} ms: --t1 was not used`);
  } finally {
    callee.close();
    caller.close();
    await stop(child);
  }
});

test('sip server: a bad --t1 is a usage error naming it (exit 2); --help lists the three timers', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const bad = run('server', '--listen', '127.0.0.1:0', '--t1', 'soon');
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^--t1 wants a non-negative number, got "soon"\nusage: sip server /);
  const help = run('server', '--help');
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /\[--t1 ms\] \[--t2 ms\] \[--t4 ms\]/);
});

test.run();
