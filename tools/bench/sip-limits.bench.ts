/**
 * What attacks on the TCP transport cost our UAS (`npm run sip -- uas`, its
 * default limits), each next to its floor measured in the same run (issue 7):
 *
 * 1. Floor: OPTIONS round trips over UDP and over TCP with no attack.
 * 2. The 64 MiB stream: one TCP connection sends a request whose
 *    Content-Length says 64 MiB, then streams the 64 MiB as fast as the UAS
 *    reads them. Reported: how long the UAS keeps reading, its RSS before,
 *    at the peak and 2 s after, and OPTIONS latency over UDP and TCP during
 *    the stream (one ping every 100 ms on each), with the ratio to the floor.
 * 3. The trickle: one connection sends one octet of a request every
 *    TRICKLE_EVERY s; reported: how long the UAS keeps the connection open
 *    (measurement capped at TRICKLE_CAP s).
 * 4. The framer alone (in this process): 64 MiB of requests with 256 KiB
 *    bodies pushed into StreamFramer in 1460-octet chunks (one TCP segment),
 *    next to its floor, parse() of the same messages already framed.
 *
 * `npm run bench -- sip-limits`. SIP_LIMITS_TRICKLE_EVERY / SIP_LIMITS_TRICKLE_CAP
 * (seconds) change the trickle.
 */
import { createSocket, type Socket as Udp } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort, startOurUas, stop, type Running } from '../testkit/processes.ts';
import { parse } from '../../reference/sip/syntax/parse.ts';
import { StreamFramer } from '../../reference/sip/syntax/framing.ts';
import { DEFAULT_LIMITS } from '../../reference/sip/syntax/limits.ts';
import { DEFAULT_CONNECTION_LIMITS } from '../../reference/sip/transport/tcp.ts';

const STREAM_BYTES = 64 * 1024 * 1024;
const TRICKLE_EVERY = Number(process.env.SIP_LIMITS_TRICKLE_EVERY ?? 5);
const TRICKLE_CAP = Number(process.env.SIP_LIMITS_TRICKLE_CAP ?? 45);

let serial = 0;
/** An OPTIONS with its own Call-ID and branch, so no two are one transaction or a merged request. */
function options(port: number, transport: 'UDP' | 'TCP', localPort: number, bodyBytes = 0): { id: string; text: string } {
  const id = `bench${++serial}.${process.pid}`;
  const lines = [
    `OPTIONS sip:uas@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};rport;branch=z9hG4bK${id}`,
    'Max-Forwards: 70',
    `From: <sip:bench@127.0.0.1>;tag=${id}`,
    `To: <sip:uas@127.0.0.1:${port}>`,
    `Call-ID: ${id}`,
    'CSeq: 1 OPTIONS',
    `Content-Length: ${bodyBytes}`,
    '',
    '',
  ];
  return { id, text: lines.join('\r\n') };
}

/** A UDP and a TCP client that time OPTIONS round trips to the UAS. */
class Pinger {
  #waiting = new Map<string, () => void>();
  #tcpText = '';
  private constructor(
    readonly port: number,
    private readonly udp: Udp,
    private readonly tcp: Socket,
  ) {
    udp.on('message', (m) => this.#arrived(m.toString('latin1')));
    tcp.on('data', (c) => {
      this.#tcpText += c.toString('latin1');
      for (let end = this.#tcpText.indexOf('\r\n\r\n'); end >= 0; end = this.#tcpText.indexOf('\r\n\r\n')) {
        this.#arrived(this.#tcpText.slice(0, end));
        this.#tcpText = this.#tcpText.slice(end + 4);
      }
    });
  }

  static async open(port: number): Promise<Pinger> {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const tcp = connect({ host: '127.0.0.1', port });
    await new Promise<void>((r, j) => tcp.once('connect', () => r()).once('error', j));
    return new Pinger(port, udp, tcp);
  }

  #arrived(head: string): void {
    const id = /\r\nCall-ID: *([^\r\n]+)/i.exec(head)?.[1];
    if (id !== undefined) this.#waiting.get(id)?.();
  }

  /** One round trip in ms (Infinity after 5 s without an answer). */
  async ping(transport: 'UDP' | 'TCP'): Promise<number> {
    const local = transport === 'UDP' ? this.udp.address().port : (this.tcp.localPort ?? 0);
    const { id, text } = options(this.port, transport, local);
    const started = performance.now();
    const answered = new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5000);
      this.#waiting.set(id, () => {
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
    });
    if (transport === 'UDP') this.udp.send(text, this.port, '127.0.0.1');
    else this.tcp.write(text);
    const ms = await answered;
    this.#waiting.delete(id);
    return ms;
  }

  close(): void {
    this.udp.close();
    this.tcp.destroy();
  }
}

/** RSS of a process, bytes, from /proc (Linux). */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'no answer in 5 s');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

async function floor(pinger: Pinger): Promise<{ udp: number; tcp: number }> {
  const udp: number[] = [];
  const tcp: number[] = [];
  for (let i = 0; i < 60; i++) {
    udp.push(await pinger.ping('UDP'));
    tcp.push(await pinger.ping('TCP'));
  }
  // The first few warm the UAS up.
  return { udp: median(udp.slice(10)), tcp: median(tcp.slice(10)) };
}

/** Streams a 64 MiB body into one connection; resolves when all is written or the UAS closed it. */
async function bigStream(port: number): Promise<{ seconds: number; sent: number; closedByServer: boolean; answer: string }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  let answer = '';
  let closed = false;
  socket.on('data', (c) => (answer += c.toString('latin1')));
  socket.on('error', () => (closed = true));
  socket.on('close', () => (closed = true));
  const started = performance.now();
  socket.write(options(port, 'TCP', socket.localPort ?? 0, STREAM_BYTES).text);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const gone = new Promise<void>((r) => socket.once('close', () => r()));
  while (sent < STREAM_BYTES && !closed) {
    const more = socket.write(chunk);
    sent += chunk.length;
    if (!more) await Promise.race([new Promise<void>((r) => socket.once('drain', () => r())), gone]);
  }
  // All written: wait until the UAS has read it (the connection idles) or has closed it.
  await new Promise<void>((r) => {
    if (closed) return r();
    socket.once('close', r);
    setTimeout(r, 3000);
  });
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return { seconds, sent, closedByServer: closed, answer: answer.split('\r\n')[0] ?? '' };
}

/** One octet every TRICKLE_EVERY s; how long until the UAS closes the connection (capped). */
async function trickle(port: number): Promise<{ seconds: number; closed: boolean }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  const started = performance.now();
  let closed = false;
  const gone = new Promise<void>((r) => socket.once('close', () => ((closed = true), r())));
  socket.on('error', () => {});
  const text = options(port, 'TCP', socket.localPort ?? 0).text;
  for (let i = 0; !closed && performance.now() - started < TRICKLE_CAP * 1000; i++) {
    socket.write(text[i % text.length] as string);
    await Promise.race([gone, sleep(TRICKLE_EVERY * 1000)]);
  }
  socket.destroy();
  return { seconds: (performance.now() - started) / 1000, closed };
}

/** The framer on 64 MiB of whole requests in TCP-segment chunks, and parse() alone on the same messages. */
function framer(): { framed: number; parsed: number; messages: number } {
  const body = 256 * 1024 - 1024;
  const one = Buffer.concat([Buffer.from(options(5060, 'TCP', 9, body).text, 'latin1'), Buffer.alloc(body, 0x62)]);
  const count = Math.floor(STREAM_BYTES / one.length);
  let started = performance.now();
  for (let i = 0; i < count; i++) parse(one, { transport: 'stream' });
  const parsed = performance.now() - started;
  const stream = new StreamFramer();
  let messages = 0;
  started = performance.now();
  for (let i = 0; i < count; i++) for (let at = 0; at < one.length; at += 1460) messages += stream.push(one.subarray(at, at + 1460)).length;
  const framed = performance.now() - started;
  if (messages !== count) throw new Error(`the framer gave ${messages} messages of ${count}`);
  return { framed, parsed, messages };
}

async function main(): Promise<void> {
  // The limits the UAS runs with (its defaults: no limit flag is given).
  console.log(`limits (defaults): ${Object.entries({ ...DEFAULT_LIMITS, ...DEFAULT_CONNECTION_LIMITS }).map(([k, v]) => `${k} ${v}`).join(', ')} (idleTimeout = 64*T1)`);
  const port = await freePort();
  const uas: Running = await startOurUas(port);
  const pid = uas.child.pid as number;
  try {
    const pinger = await Pinger.open(port);
    const base = await floor(pinger);
    console.log(`floor, no attack: OPTIONS median ${ms(base.udp)} over UDP, ${ms(base.tcp)} over TCP`);

    // 2. The 64 MiB stream, pinged every 100 ms on UDP and TCP meanwhile.
    await sleep(500);
    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 50);
    const during = { udp: [] as number[], tcp: [] as number[] };
    let attacking = true;
    const pings = (async () => {
      while (attacking) {
        const [u, t] = await Promise.all([pinger.ping('UDP'), pinger.ping('TCP')]);
        during.udp.push(u);
        during.tcp.push(t);
        await sleep(100);
      }
    })();
    const attack = await bigStream(port);
    attacking = false;
    await pings;
    await sleep(2000);
    clearInterval(sampler);
    const rssAfter = rssOf(pid);
    console.log(`64 MiB stream into one TCP connection: ${attack.seconds.toFixed(1)} s, ${mb(attack.sent)} written, ` +
      `${attack.closedByServer ? 'closed by the UAS' : 'connection left open'}${attack.answer ? `, answered "${attack.answer}"` : ''}`);
    console.log(`  UAS RSS: before ${mb(rssBefore)}, peak ${mb(rssPeak)}, 2 s after ${mb(rssAfter)}`);
    const ratio = (a: number, b: number) => (Number.isFinite(a) ? (a / b).toFixed(1) : 'inf');
    console.log(`  OPTIONS during it (${during.udp.length} pings each): UDP median ${ms(median(during.udp))}, max ${ms(max(during.udp))} ` +
      `(x${ratio(max(during.udp), base.udp)} the floor); TCP median ${ms(median(during.tcp))}, max ${ms(max(during.tcp))} (x${ratio(max(during.tcp), base.tcp)})`);
    const afterwards = await floor(pinger);
    console.log(`  OPTIONS after it: median ${ms(afterwards.udp)} UDP, ${ms(afterwards.tcp)} TCP`);
    pinger.close();

    // 3. The trickle.
    const t = await trickle(port);
    console.log(`trickle, one octet every ${TRICKLE_EVERY} s: ${t.closed ? `closed by the UAS after ${t.seconds.toFixed(1)} s` : `still open after ${t.seconds.toFixed(1)} s (the cap)`}`);
  } finally {
    await stop(uas);
  }

  // 4. The framer alone.
  const f = framer();
  console.log(`StreamFramer, ${f.messages} requests of 256 KiB (64 MiB) in 1460-octet chunks: ${f.framed.toFixed(0)} ms; ` +
    `floor parse() of the same framed messages: ${f.parsed.toFixed(0)} ms; ratio ${(f.framed / f.parsed).toFixed(2)}`);
}

await main();
