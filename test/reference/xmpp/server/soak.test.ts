/**
 * Memory over many logins and messages (issue 12 §4): after a warm-up, 1,000
 * logins (STARTTLS, SCRAM-SHA-256-PLUS, bind, a message, close; 8 at a time)
 * and 10,000 messages between two sessions; the heap after a full GC is
 * within 8 MiB of the warm-up's, and nothing is left in the server's
 * tables. Bounded in count (a login costs ~100 ms of SCRAM and TLS here, so
 * 10,000 logins would take minutes) and in time (each phase under a minute).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { element } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession, chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { type Running, login, startServer } from './harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LOGINS = 1000;
const MESSAGES = 10_000;
const PARALLEL = 8;
const BOUND = 8 * 1024 * 1024;

const test = suite<{ r?: Running }>('xmpp server: memory flat over logins and messages', {});

test.before(async (ctx) => {
  ctx.r = await startServer();
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
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

async function logins(r: Running, romeo: ClientSession, count: number, tag: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const j = await login(r, 'juliet', { resource: `${tag}${i}` });
      j.send(chatMessage('romeo@localhost', `login ${i}`, `l${i}`));
      await j.close();
    }
  };
  const received = drain(romeo, count);
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await received;
}

async function messages(juliet: ClientSession, romeo: ClientSession, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 500) {
    const batch = Math.min(500, count - sent);
    for (let k = 0; k < batch; k++) juliet.send(chatMessage('romeo@localhost', `message ${sent + k}`, `m${sent + k}`));
    await drain(romeo, batch);
  }
}

test(`${LOGINS} logins and ${MESSAGES} messages: heap within ${BOUND / 1024 / 1024} MiB, no session or connection left`, async ({ r }) => {
  const romeo = await login(r!, 'romeo');
  romeo.send(element('presence', {}));
  const juliet = await login(r!, 'juliet', { resource: 'steady' });
  await logins(r!, romeo, 100, 'warm');
  await messages(juliet, romeo, 1000);
  const before = await heap();
  const t = Date.now();
  await logins(r!, romeo, LOGINS, 'soak');
  const loginMs = Date.now() - t;
  await messages(juliet, romeo, MESSAGES);
  const after = await heap();
  process.stderr.write(`  soak: ${LOGINS} logins in ${loginMs} ms, heap ${(before / 1048576).toFixed(1)} -> ${(after / 1048576).toFixed(1)} MiB\n`);
  assert.ok(after - before < BOUND, `heap grew ${((after - before) / 1048576).toFixed(1)} MiB`);
  assert.is(r!.server.router.sessions().length, 2);
  await juliet.close();
  await romeo.close();
  for (let i = 0; i < 40 && r!.server.connections > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(r!.server.connections, 0);
  assert.is(r!.server.router.sessions().length, 0);
});

test.run();
