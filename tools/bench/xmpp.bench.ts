/**
 * XMPP, in one run (issue 12 §5):
 *
 * 1. Stanza parse throughput: our StreamReader (reference/xmpp/xml, on
 *    saxes, §11 enforced) against @xmpp/xml's Parser (on ltx's parser, what
 *    @xmpp/client reads with), on the XML examples of RFC 6120 and RFC 6121
 *    (tools/testkit/xmppExamples.ts, read from RFC_MIRROR). The examples
 *    kept are those both parse to completion, as first-level elements of a
 *    stream, to the same number of elements; they are repeated into one
 *    stream that each parser reads in 16 KiB chunks, and both must read
 *    every element of it. Stanzas/s and MB/s, best of RUNS, interleaved.
 * 2. Messages per second through Prosody: our client (reference/xmpp/client)
 *    against @xmpp/client, same server, same machine. Each contender runs
 *    in a child process of its own (this file with --client): two accounts
 *    log in (STARTTLS, SASL, bind), the receiver sends initial presence, the
 *    sender sends N chat messages to the receiver's full JID at once, and
 *    the time is taken at the receiver, from the first send to the N-th
 *    message, each checked in order. Best of RUNS after a warm-up round.
 * 3. Our server (`npm run xmpp -- server`, a process) against Prosody,
 *    driven by the same clients in the same way.
 *
 * The four (client, server) pairs stay logged in and take turns, a round
 * each, so that a busy spell of the (shared) machine falls on all alike.
 *
 * `npm run bench -- xmpp`; needs prosody (a part is skipped, saying why,
 * when it is missing). BENCH_RUNS, BENCH_MESSAGES, BENCH_REPEAT tune it;
 * BENCH_CPU_PROF=DIR writes each client process's CPU profile there
 * and our server's (node --cpu-prof), in DIR/CLIENT-via-SERVER/ and
 * DIR/our-server/ (one file per thread: the largest is the program's, the
 * others tsx's loader).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 200);
const USERS: Record<string, string> = { alice: 'al1ce-bench', bob: 'b0b-bench' };

type ClientName = 'ours' | 'xmppjs';
const CLIENT_TITLE: Record<ClientName, string> = { ours: 'rfcdoc client', xmppjs: '@xmpp/client' };

async function main(): Promise<void> {
  await parseBench();
  const { locate, missingMessage, peersRequired } = await import('../testkit/peers.ts');
  if (!locate('prosody')) {
    console.log(`\nparts 2 and 3 (messages through Prosody, our server against Prosody) skipped: ${missingMessage('prosody')}`);
    // Under RFCDOC_PEERS=require a missing peer is a failure, as in the tests.
    if (peersRequired()) process.exitCode = 1;
    return;
  }
  const { startProsody } = await import('../testkit/prosody.ts');
  const prosody = await startProsody(USERS);
  let ours: Awaited<ReturnType<typeof startOurServer>> | undefined;
  const workers: Worker[] = [];
  try {
    ours = await startOurServer();
    // Each client logs in to each server, in a process of its own; then the four take turns, a round each, so a busy spell of the machine falls on all alike.
    for (const [server, port, ca] of [['prosody', prosody.port, prosody.certFile], ['ours', ours.port, ours.certFile]] as const)
      for (const client of ['ours', 'xmppjs'] as ClientName[]) workers.push(await Worker.start(client, server, port, ca));
    await Promise.all(workers.map((w) => w.round(Math.min(500, MESSAGES), 'warm-')));
    for (let r = 0; r < RUNS; r++) for (const w of workers) w.rates.push(MESSAGES / ((await w.round(MESSAGES, `r${r}-`)) / 1000));
    const trial = (client: ClientName, server: 'prosody' | 'ours') => workers.find((w) => w.client === client && w.server === server)!;
    const show = (w: Worker) => console.log(`   ${CLIENT_TITLE[w.client].padEnd(15)} ${`${(best(w) / 1000).toFixed(2)}k msg/s`.padStart(14)}  (median ${(median(w) / 1000).toFixed(2)}k; rounds ${w.rates.map((x) => (x / 1000).toFixed(2)).join(', ')}k; SASL ${w.mechanism})`);

    console.log(`\n2. messages/s through Prosody (127.0.0.1:${prosody.port}): ${MESSAGES} chat messages alice → bob's full JID, measured at bob; best of ${RUNS} rounds, each client in its own process, rounds taken in turn with part 3's`);
    show(trial('ours', 'prosody'));
    show(trial('xmppjs', 'prosody'));
    ratio('rfcdoc client / @xmpp/client (Prosody)', trial('ours', 'prosody'), trial('xmppjs', 'prosody'), 1);
    cpu(trial('ours', 'prosody'), trial('xmppjs', 'prosody'));

    console.log(`\n3. our server (npm run xmpp -- server, a process, 127.0.0.1:${ours.port}) against Prosody, the same clients the same way`);
    show(trial('ours', 'ours'));
    show(trial('xmppjs', 'ours'));
    ratio('our server / Prosody, driven by rfcdoc client', trial('ours', 'ours'), trial('ours', 'prosody'), 0.5);
    ratio('our server / Prosody, driven by @xmpp/client', trial('xmppjs', 'ours'), trial('xmppjs', 'prosody'), 0.5);
    ratio('rfcdoc client / @xmpp/client (our server)', trial('ours', 'ours'), trial('xmppjs', 'ours'), 1);
    cpu(trial('ours', 'ours'), trial('xmppjs', 'ours'));
  } finally {
    for (const w of workers) await w.quit();
    await ours?.stop();
    await prosody.stop();
  }
}

// ---------------------------------------------------------------- 1. parsing

async function parseBench(): Promise<void> {
  const { xmppExamples } = await import('../testkit/xmppExamples.ts');
  const { StreamReader } = await import('../../reference/xmpp/xml/index.ts');
  const { default: XmppParser } = (await import('@xmpp/xml/lib/Parser.js' as string)) as { default: new () => XmppJsParser };

  const OPEN = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
  const CLOSE = '</stream:stream>';
  const all = [...(await xmppExamples(6120)), ...(await xmppExamples(6121))];

  /** First-level elements our reader reads from a stream, or undefined if it ends in an error or unclosed. */
  const oursCount = (chunks: (string | Uint8Array)[]): number | undefined => {
    const r = new StreamReader({ maxStanzaOctets: 1 << 24 });
    let n = 0;
    let closed = false;
    for (const c of chunks)
      for (const e of r.feed(c)) {
        if (e.type === 'error') return undefined;
        if (e.type === 'element') n++;
        if (e.type === 'close') closed = true;
      }
    return closed ? n : undefined;
  };
  const ltxCount = (chunks: (string | Uint8Array)[]): number | undefined => {
    const p = new XmppParser();
    let n = 0;
    let ended = false;
    let failed = false;
    p.on('element', () => n++);
    p.on('end', () => (ended = true));
    p.on('error', () => (failed = true));
    try {
      for (const c of chunks) p.write(c);
    } catch {
      return undefined;
    }
    return failed || !ended ? undefined : n;
  };

  // An example is kept when, alone in a stream, both read it whole and agree on its element count.
  const kept: string[] = [];
  let expected = 0;
  const left: string[] = [];
  for (const ex of all) {
    const text = ex.xml.trim();
    const alone = [OPEN + text + CLOSE];
    // A stream header or closing tag inside would end the wrapping stream early.
    const a = /<\?xml|stream:stream/.test(text) ? undefined : oursCount(alone);
    const b = a === undefined ? undefined : ltxCount(alone);
    if (a !== undefined && a > 0 && a === b) {
      kept.push(text);
      expected += a;
    } else left.push(`RFC ${ex.rfc} ${ex.ref}`);
  }
  const once = kept.join('\n');
  if (oursCount([OPEN + once + CLOSE]) !== expected || ltxCount([OPEN + once + CLOSE]) !== expected) throw new Error(`the kept examples, one after another, are not the ${expected} elements they are alone`);
  const body = Array.from({ length: REPEAT }, () => once).join('\n');
  const stream = Buffer.from(OPEN + body + CLOSE);
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += 16 * 1024) chunks.push(stream.subarray(at, at + 16 * 1024));
  const total = expected * REPEAT;

  console.log(`1. parse: ${kept.length} of ${all.length} XML examples of RFC 6120 and RFC 6121 (${expected} first-level elements) read whole by both parsers;`);
  console.log(`   left out (stream headers, closing tags, the RFC's error examples, undeclared prefixes, fragments): ${left.length}`);
  console.log(`   one stream of ${REPEAT} copies: ${(stream.length / 1e6).toFixed(2)} MB, ${total} elements, fed in 16 KiB chunks`);

  const contenders = [
    { name: 'rfcdoc StreamReader', count: () => oursCount(chunks) },
    // ltx's parser takes strings: the decoding is part of its work, as @xmpp/connection-tcp does it (socket.setEncoding('utf8')).
    { name: '@xmpp/xml (ltx)', count: () => ltxCount(chunks.map((c) => c.toString('utf8'))) },
  ];
  const best = contenders.map(() => Infinity);
  for (const c of contenders) c.count(); // warm-up
  for (let r = 0; r < RUNS; r++)
    contenders.forEach((c, i) => {
      const t = performance.now();
      const n = c.count();
      const ms = performance.now() - t;
      if (n !== total) throw new Error(`${c.name} read ${n ?? 'the stream to an error'} of ${total} elements`);
      best[i] = Math.min(best[i]!, ms);
    });
  console.log(`\n   ${'parser'.padEnd(22)} ${'stanzas/s'.padStart(12)} ${'MB/s'.padStart(8)}`);
  contenders.forEach((c, i) => console.log(`   ${c.name.padEnd(22)} ${`${(total / (best[i]! / 1000) / 1000).toFixed(1)}k`.padStart(12)} ${(stream.length / 1e6 / (best[i]! / 1000)).toFixed(1).padStart(8)}`));
  console.log(`   ratio: rfcdoc / @xmpp/xml ${(best[1]! / best[0]!).toFixed(2)}x`);

  // What each checks: stanzas that are not well-formed XML 1.0 with namespaces, or that RFC 6120 §11 forbids; each inside a stream.
  const bad: Record<string, string> = {
    "a bare '&'": '<message><body>a & b</body></message>',
    'a duplicate attribute': "<message a='1' a='2'/>",
    'a name starting with a digit': '<1message/>',
    'an undeclared prefix': '<x:message/>',
    'a comment (§11.1)': '<message><!-- c --></message>',
    'a processing instruction (§11.1)': '<message><?pi x?></message>',
    'an undefined entity (§11.1)': '<message><body>&foo;</body></message>',
  };
  const acceptedBy = (count: (chunks: string[]) => number | undefined) => Object.entries(bad).filter(([, x]) => count([OPEN + x + CLOSE]) !== undefined).map(([k]) => k);
  const oursTook = acceptedBy(oursCount);
  const ltxTook = acceptedBy(ltxCount);
  if (oursTook.length > 0) throw new Error(`our reader read without an error: ${oursTook.join(', ')}`);
  console.log(`   of ${Object.keys(bad).length} stanzas that are not well-formed or that §11 forbids, ours refuses each; @xmpp/xml reads ${ltxTook.length} as stanzas${ltxTook.length ? ` (${ltxTook.join(', ')})` : ''}: the work is not the same`);
}

interface XmppJsParser {
  on(event: 'element' | 'end' | 'start' | 'error', f: (x: unknown) => void): void;
  write(s: unknown): void;
}

// ------------------------------------------------------- 2 and 3. messages

const best = (w: Worker) => Math.max(...w.rates);
const median = (w: Worker) => [...w.rates].sort((x, y) => x - y)[Math.floor(w.rates.length / 2)]!;

function ratio(what: string, a: Worker, b: Worker, goal: number): void {
  const x = best(a) / best(b);
  console.log(`   ratio: ${what} ${x.toFixed(2)}x, of medians ${(median(a) / median(b)).toFixed(2)}x (goal ≥ ${goal}x${x >= goal ? '' : ': NOT MET'})`);
}

/**
 * The clients' own cost: the rate is bound by whichever side is slowest,
 * most often the server; the CPU a client process spends per message (both
 * its accounts, the least of the timed rounds) is what the client alone costs.
 */
function cpu(ours: Worker, peer: Worker): void {
  const per = (w: Worker) => (Math.min(...w.cpuMs.slice(1)) * 1000) / MESSAGES;
  console.log(`   client CPU per message (sender + receiver): rfcdoc ${per(ours).toFixed(1)} µs, @xmpp/client ${per(peer).toFixed(1)} µs; ratio of messages per CPU second ${(per(peer) / per(ours)).toFixed(2)}x`);
}

/** This file run with --client in a child process, logged in; it takes a round per line on stdin and answers each with a JSON line. */
class Worker {
  readonly rates: number[] = [];
  /** CPU ms (user + system) of the client process, sender and receiver, per round (the warm-up's first). */
  readonly cpuMs: number[] = [];
  mechanism = '?';
  private lines: string[] = [];
  private wake?: () => void;
  private stderr = '';
  private exited = false;

  private constructor(readonly client: ClientName, readonly server: 'prosody' | 'ours', private readonly child: ChildProcessWithoutNullStreams) {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d;
      const all = buffered.split('\n');
      buffered = all.pop()!;
      this.lines.push(...all);
      this.wake?.();
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d));
    child.once('close', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  static async start(client: ClientName, server: 'prosody' | 'ours', port: number, caFile: string): Promise<Worker> {
    // @xmpp/client's STARTTLS takes no CA option: the test CA is given to its process by NODE_EXTRA_CA_CERTS (to ours too, which is also given it as its CA).
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, `${client}-via-${server}`)}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', new URL(import.meta.url).pathname, '--client', client, String(port), caFile], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    });
    const w = new Worker(client, server, child);
    w.mechanism = ((await w.answer()) as { mechanism: string }).mechanism;
    return w;
  }

  private async answer(): Promise<unknown> {
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(`${CLIENT_TITLE[this.client]} against ${this.server === 'ours' ? 'our server' : 'Prosody'} ended: ${this.stderr.trim()}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const a = JSON.parse(this.lines.shift()!) as { error?: string };
    if (a.error) throw new Error(`${CLIENT_TITLE[this.client]} against ${this.server === 'ours' ? 'our server' : 'Prosody'}: ${a.error}`);
    return a;
  }

  /** One round of `count` messages; the ms the receiver took (the CPU ms the client process spent on it kept in cpuMs). */
  async round(count: number, prefix: string): Promise<number> {
    this.child.stdin.write(`${count} ${prefix}\n`);
    const a = (await this.answer()) as { ms: number; cpuMs: number };
    this.cpuMs.push(a.cpuMs);
    return a.ms;
  }

  async quit(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise((resolve) => this.child.once('close', resolve));
    this.child.stdin.end();
    setTimeout(() => this.child.kill(), 10_000).unref();
    await closed;
  }
}

/** Our server as `npm run xmpp -- server` runs it, with alice and bob, on a free port. */
async function startOurServer() {
  const { tempDir } = await import('../testkit/docs.ts');
  const { certificate } = await import('../testkit/prosody.ts');
  const { start, stop, waitFor } = await import('../testkit/processes.ts');
  const { userLine } = await import('../../reference/xmpp/server/index.ts');
  const dir = tempDir('xmpp-bench-');
  const { cert, key } = certificate(dir, 'localhost');
  const users = join(dir, 'users');
  writeFileSync(users, Object.entries(USERS).map(([u, p]) => `${userLine(u, p)}\n`).join(''));
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, 'our-server')}`] : [];
  const running = start(process.execPath, [...profile, '--import', 'tsx', 'reference/xmpp/cli.ts', 'server', '--domain', 'localhost', '--cert', cert, '--key', key, '--users', users, '--listen', '127.0.0.1:0', '--json']);
  await waitFor('our xmpp server to listen', () => running.stdout().includes('"listening"'), 20_000, running);
  const port = Number(/"listening":"127\.0\.0\.1:(\d+)"/.exec(running.stdout())![1]);
  return { port, certFile: cert, stop: () => stop(running) };
}

// ---------------------------------------------------------- the client side

/** One contender: logs in alice and bob, says so, then runs a round for each line "COUNT PREFIX" on stdin; closes at its end. */
async function clientWorker([name, port, caFile]: string[]): Promise<void> {
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  try {
    const pair = name === 'ours' ? await oursPair(Number(port), caFile!) : await xmppjsPair(Number(port));
    say({ mechanism: pair.mechanism });
    const { createInterface } = await import('node:readline');
    for await (const line of createInterface({ input: process.stdin })) {
      const [count, prefix] = line.split(' ');
      const cpu = process.cpuUsage();
      const ms = await pair.round(Number(count), prefix!);
      const used = process.cpuUsage(cpu);
      say({ ms, cpuMs: (used.user + used.system) / 1000 });
    }
    await pair.close();
  } catch (e) {
    say({ error: (e as Error).message });
  }
  process.exit(0);
}

interface Pair {
  mechanism: string;
  /** Sends `count` messages from alice to bob; the ms from the first send to bob holding the last one. */
  round(count: number, prefix: string): Promise<number>;
  close(): Promise<void>;
}

async function oursPair(port: number, caFile: string): Promise<Pair> {
  const { readFileSync } = await import('node:fs');
  const { ClientSession, chatMessage } = await import('../../reference/xmpp/client/index.ts');
  const { element, childOf, textOf } = await import('../../reference/xmpp/xml/index.ts');
  const ca = readFileSync(caFile);
  const login = (user: string) => ClientSession.connect({ jid: `${user}@localhost`, password: USERS[user]!, server: { host: '127.0.0.1', port }, tls: { ca }, timeoutMs: 10_000 });
  const bob = await login('bob');
  const alice = await login('alice');
  bob.send(element('presence', {}));
  const to = bob.jid.toString();
  return {
    mechanism: alice.mechanism,
    async round(count, prefix) {
      const t = performance.now();
      for (let i = 0; i < count; i++) alice.send(chatMessage(to, `${prefix}${i}`, `${prefix}${i}`));
      for (let got = 0; got < count;) {
        const s = await bob.receive(20_000);
        if (!s) throw new Error(`bob: ${got} of ${count} messages, then ${bob.ending?.reason ?? '20 s with nothing'}`);
        if (s.name !== 'message') continue;
        const body = childOf(s, 'body');
        const text = body ? textOf(body) : '';
        if (text !== `${prefix}${got}`) throw new Error(`bob: message ${got} of round '${prefix}' has body ${JSON.stringify(text)}`);
        got++;
      }
      return performance.now() - t;
    },
    async close() {
      await alice.close();
      await bob.close();
    },
  };
}

async function xmppjsPair(port: number): Promise<Pair> {
  const { client, xml } = (await import('@xmpp/client' as string)) as XmppJs;
  let mechanism = '?';
  const login = async (user: string) => {
    const c = client({ service: `xmpp://127.0.0.1:${port}`, domain: 'localhost', username: user, password: USERS[user]!, resource: 'bench' });
    c.on('error', (e: Error) => console.error(`@xmpp/client ${user}: ${e.message}`));
    c.on('nonza', (e: XmppJsElement) => {
      if (e.name === 'auth') mechanism = String(e.attrs.mechanism);
    });
    c.on('send', (e: XmppJsElement) => {
      if (e.name === 'auth') mechanism = String(e.attrs.mechanism);
    });
    const jid = await c.start();
    return { c, jid: String(jid) };
  };
  const bob = await login('bob');
  const alice = await login('alice');
  await bob.c.send(xml('presence', {}));
  let expect: { prefix: string; count: number; got: number; done: () => void; fail: (e: Error) => void } | undefined;
  bob.c.on('stanza', (s: XmppJsElement) => {
    if (s.name !== 'message' || !expect) return;
    const text = s.getChildText('body');
    if (text !== `${expect.prefix}${expect.got}`) return expect.fail(new Error(`bob: message ${expect.got} of round '${expect.prefix}' has body ${JSON.stringify(text)}`));
    if (++expect.got === expect.count) expect.done();
  });
  return {
    get mechanism() {
      return mechanism;
    },
    async round(count, prefix) {
      const t = performance.now();
      const arrived = new Promise<void>((done, fail) => {
        expect = { prefix, count, got: 0, done, fail };
        setTimeout(() => fail(new Error(`bob: ${expect!.got} of ${count} messages in 60 s`)), 60_000).unref();
      });
      const sent: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) sent.push(alice.c.send(xml('message', { to: bob.jid, type: 'chat', id: `${prefix}${i}` }, xml('body', {}, `${prefix}${i}`))));
      await Promise.all([arrived, ...sent]);
      return performance.now() - t;
    },
    async close() {
      await alice.c.stop();
      await bob.c.stop();
    },
  };
}

interface XmppJsElement {
  name: string;
  attrs: Record<string, unknown>;
  getChildText(name: string): string | null;
}
interface XmppJs {
  client(o: Record<string, unknown>): {
    on(event: string, f: (x: never) => void): void;
    start(): Promise<unknown>;
    stop(): Promise<void>;
    send(e: unknown): Promise<void>;
  };
  xml(name: string, attrs: Record<string, unknown>, ...children: unknown[]): unknown;
}

// Last, so that every class above is defined when it runs.
if (process.argv[2] === '--client') await clientWorker(process.argv.slice(3));
else await main();
