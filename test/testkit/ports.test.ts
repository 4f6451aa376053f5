/**
 * tools/testkit/processes.ts's test ports: free on 127.0.0.1 when handed out,
 * never handed out twice, and taken below the system's ephemeral range, so
 * that a socket bound to port 0 meanwhile (by this process or another)
 * cannot be given the port before the peer it is for binds it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { freePair, freePort } from '../../tools/testkit/processes.ts';

const low = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
})();

const bindsUdp = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

test('freePort and freePair: below the ephemeral range, free, each port handed out once', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 40; i++) ports.push(await freePort());
  for (let i = 0; i < 40; i++) {
    const p = await freePair();
    assert.is(p % 2, 0, `${p} is even`);
    ports.push(p, p + 1);
  }
  assert.is(new Set(ports).size, ports.length, 'no port handed out twice');
  for (const p of ports) assert.ok(p >= 1024 && p < low, `${p} below the ephemeral range (from ${low})`);
  for (const p of ports.slice(0, 10)) assert.ok(await bindsUdp(p), `${p} free for UDP`);
});

test('a port handed out is not one that 200 binds to port 0 right after are given', async () => {
  const ours = new Set<number>();
  for (let i = 0; i < 20; i++) ours.add(await freePort());
  const taken: number[] = [];
  const sockets = [];
  for (let i = 0; i < 200; i++) {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    taken.push(s.address().port);
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  assert.equal(taken.filter((p) => ours.has(p)), []);
});

// A closed socket leaves node's list of handles on a later turn of the loop: the runner counts what is left at its end.
test.after(() => new Promise((resolve) => setTimeout(resolve, 100)));

test.run();
