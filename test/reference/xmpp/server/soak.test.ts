/**
 * Memory over many logins and messages (issue 12 §4): after a warm-up,
 * 10,000 logins (STARTTLS, SCRAM-SHA-256-PLUS, bind, a message, close;
 * 16 at a time) and 10,000 messages between two sessions. The server runs
 * in a process of its own (./soak-server.ts), so that its heap after full
 * collections is its own: within 2 MiB of the warm-up's, and nothing left
 * in its tables; the clients' heap, here, within 4 MiB of theirs. It says
 * the time and each process's CPU seconds: on two idle cores the run takes
 * about the larger of the two.
 *
 * Bounded in count, and in time by each wait's timeout. The users' SCRAM
 * iteration count is 128, not 4096: this measures memory, which does not
 * depend on it, while 4096 costs ~20 ms of the client's CPU a login
 * (sasl/scramCrypto.ts's Hi, an HMAC at a time), 200 s for 10,000.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { element } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession, chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { type Running, login } from './harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LOGINS = 10_000;
const MESSAGES = 10_000;
const PARALLEL = 16;
const ITERATIONS = 128;
// 10,000 logins: 2 MiB is 210 bytes a login kept; the growth seen is under 1 MiB (0.7 over 10,000, 0.5 over 1,000: not proportional, the heap's own slack).
const SERVER_BOUND = 2 * 1024 * 1024;
const CLIENT_BOUND = 4 * 1024 * 1024;
const MiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

interface Measured {
  heap: number;
  /** CPU seconds the server's process has used (user and system). */
  cpu: number;
  sessions: number;
  connections: number;
  addresses: number;
}

interface Soak {
  child: ChildProcess;
  r: Pick<Running, 'port' | 'cert'>;
  /** The server's heap after full collections, and its tables. */
  measure(): Promise<Measured>;
}

const test = suite<{ soak?: Soak }>('xmpp server: memory flat over 10,000 logins and 10,000 messages', {});

/** The next message from the server process, or its exit as an error. */
function reply<T>(child: ChildProcess, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(t);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown) => {
      done();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the soak server exited (${code})`));
    };
    const t = setTimeout(() => {
      done();
      reject(new Error(`the soak server said nothing in ${ms} ms`));
    }, ms);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

test.before(async (ctx) => {
  const child = fork(join(import.meta.dirname, 'soak-server.ts'), [String(ITERATIONS)], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port, caFile } = await reply<{ port: number; caFile: string }>(child);
  ctx.soak = {
    child,
    r: { port, cert: readFileSync(caFile) },
    measure: () => {
      const measured = reply<Measured>(child);
      child.send('measure');
      return measured;
    },
  };
});
test.after(async (ctx) => {
  const child = ctx.soak?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  // 'close', not 'exit': the IPC channel and the process handle are released too, so the run is left no open handle.
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.send('close');
  const t = setTimeout(() => child.kill(), 5000);
  await closed;
  clearTimeout(t);
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
});

/** This process's heap (the clients') after full collections. */
async function heap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/** Waits for `n` messages on `s`. */
async function drain(s: ClientSession, n: number): Promise<void> {
  for (let got = 0; got < n; ) {
    const e = await s.receive(10_000);
    if (!e) throw new Error(`after ${got} of ${n} messages: ${JSON.stringify(s.ending)}`);
    if (e.name === 'message') got++;
  }
}

/** `count` logins of juliet, PARALLEL at a time, each sending romeo a message and closing. */
async function logins(r: Soak['r'], romeo: ClientSession, count: number, tag: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const j = await login(r, 'juliet', { resource: `${tag}${i}` });
      j.send(chatMessage('romeo@localhost', `login ${i}`, `l${i}`));
      await j.close();
    }
  };
  await Promise.all([drain(romeo, count), ...Array.from({ length: PARALLEL }, worker)]);
}

async function messages(juliet: ClientSession, romeo: ClientSession, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 500) {
    const batch = Math.min(500, count - sent);
    for (let k = 0; k < batch; k++) juliet.send(chatMessage('romeo@localhost', `message ${sent + k}`, `m${sent + k}`));
    await drain(romeo, batch);
  }
}

test(`${LOGINS} logins and ${MESSAGES} messages: the server's heap within ${MiB(SERVER_BOUND)}, the clients' within ${MiB(CLIENT_BOUND)}, no session, connection or address left`, async ({ soak }) => {
  const { r, measure } = soak!;
  const romeo = await login(r, 'romeo');
  romeo.send(element('presence', {}));
  const juliet = await login(r, 'juliet', { resource: 'steady' });
  // The two steady sessions outlive the server's idle limit (300 s) on a slow machine: whitespace keepalives (RFC 6120 §4.6.1).
  const keepalive = setInterval(() => {
    for (const s of [juliet, romeo]) if (!s.ending) s.connection.tlsSocket!.write(' ');
  }, 20_000);
  try {
    await logins(r, romeo, 500, 'warm');
    await messages(juliet, romeo, 1000);
    const before = await measure();
    const clientsBefore = await heap();
    const cpuBefore = process.cpuUsage();
    const t = Date.now();
    await logins(r, romeo, LOGINS, 'soak');
    const loginMs = Date.now() - t;
    await messages(juliet, romeo, MESSAGES);
    const messageMs = Date.now() - t - loginMs;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await measure();
    const clientsAfter = await heap();
    process.stderr.write(`  soak: ${LOGINS} logins in ${(loginMs / 1000).toFixed(1)} s, ${MESSAGES} messages in ${(messageMs / 1000).toFixed(1)} s; CPU: server ${(after.cpu - before.cpu).toFixed(1)} s, clients ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; heap: server ${MiB(before.heap)} -> ${MiB(after.heap)}, clients ${MiB(clientsBefore)} -> ${MiB(clientsAfter)}\n`);
    assert.ok(after.heap - before.heap < SERVER_BOUND, `the server's heap grew ${MiB(after.heap - before.heap)}`);
    assert.ok(clientsAfter - clientsBefore < CLIENT_BOUND, `the clients' heap grew ${MiB(clientsAfter - clientsBefore)}`);
    assert.equal([after.sessions, after.connections, after.addresses], [2, 2, 1]);
  } finally {
    clearInterval(keepalive);
    await juliet.close();
    await romeo.close();
  }
  let end = await measure();
  for (let i = 0; i < 40 && end.connections > 0; i++) end = await measure();
  assert.equal([end.sessions, end.connections, end.addresses], [0, 0, 0]);
});

test.run();
