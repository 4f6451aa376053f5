/**
 * 100 simultaneous RTP sessions on loopback at 50 packets/s each (issue 10
 * §5): the CPU one session costs, next to the floor measured in the same run.
 *
 * Ours: 100 sending RtpSessions (reference/rtp/session/) and 100 receiving
 * ones, each on its own pair of UDP sockets on 127.0.0.1 (RTP on an even
 * port, RTCP on the next: commands/sockets.ts). Each sender sends a 160-octet
 * PCMU payload (20 ms of a 1 kHz tone) every 20 ms, paced by its own timer at
 * the media clock as `rtp send` paces, with its RTCP on the A.7 timer
 * (SR + SDES to the receiver's RTCP port) and a BYE at the end; each
 * receiver runs its packets through the session (A.1, A.3, A.8, §8.2) into a
 * playout buffer emptied every 10 ms, as `rtp receive` does, and sends its
 * RRs back to the sender's RTCP port.
 *
 * The floor: the same 100 × 50 datagrams/s of the same bytes (a 12-octet
 * RTP header and the same payloads), on socket pairs bound the same way,
 * paced by the same timers, sent and counted with bare dgram sockets: no RTP or RTCP
 * processing. Ratio = our CPU % over the floor's.
 *
 * One process for all 200 ends, because that is what a deployment sees: a
 * media endpoint serving 100 calls (`uas --echo`, a conference bridge) sends
 * and receives every stream on one event loop, so one session here is one
 * stream sent plus one stream received, and the event-loop lag is the one
 * such a process would have. (A sender process and a receiver process
 * would split the work over two cores, with less lag than the one process
 * serving the calls has.) The payloads are coded once before the run: G.711's
 * cost is g711.bench.ts's to measure; this one is RTP's and RTCP's.
 *
 * Measured over the sending, per contender: process CPU time
 * (process.cpuUsage, user + system: the kernel's loopback delivery is in it,
 * for both), CPU % per session = CPU time / wall time / sessions × 100, and
 * the event-loop delay (perf_hooks monitorEventLoopDelay, 10 ms resolution,
 * p99 less the 10 ms). Then, once what was on its way has arrived: packets
 * sent and received, lost, late (refused by the playout buffer), the mean
 * jitter the receivers report. Each contender runs 1 s first, untimed, to
 * warm up. Exit 1 when more than 1 % of either contender's packets went
 * missing (or a session dropped packets besides A.1's probation), or a
 * sender's stream was never reported on in a run of 5 s or more.
 *
 * `npm run bench -- rtp-sessions`; BENCH_SECONDS (default 10) sets the run.
 */
import type { Socket } from 'node:dgram';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../../reference/clock.ts';
import { bindAnyPair, Outbox, type SocketPair } from '../../reference/rtp/commands/sockets.ts';
import { LIMITS } from '../../reference/rtp/commands/receive.ts';
import { CODECS, rtcpPort } from '../../reference/rtp/commands/stream.ts';
import { tone } from '../../reference/rtp/media/tone.ts';
import { serializeRtp } from '../../reference/rtp/packet/rtp.ts';
import { DEFAULT_PACKET_MS, samplesPerPacket } from '../../reference/rtp/profile/audio.ts';
import { staticPayloadTypeFor } from '../../reference/rtp/profile/payloadTypes.ts';
import { PlayoutBuffer } from '../../reference/rtp/session/playout.ts';
import { RtpSession } from '../../reference/rtp/session/session.ts';

const SESSIONS = 100;
const HOST = '127.0.0.1';
/** PCMU as `rtp send` sends it by default: payload type 0, 8 kHz, 64 kbit/s. */
const CODEC = CODECS.PCMU;
const PCMU = staticPayloadTypeFor('PCMU', CODEC.clockRate);
const CLOCK_RATE = CODEC.clockRate;
const PER_PACKET = samplesPerPacket(CLOCK_RATE); // 160 samples, 160 octets of PCMU
const PACKETS_PER_SECOND = 1000 / DEFAULT_PACKET_MS;
/** The session bandwidth both ends use for A.7, as `rtp send` does: the codec's bit rate (RTCP gets 5 % of it). */
const SESSION_BANDWIDTH = CODEC.bitRate;
/** How often the playout buffers are emptied (receive.ts empties its own every 10 ms). */
const PUMP_MS = 10;
const LAG_RESOLUTION_MS = 10;
const WARMUP_SECONDS = 1;
/** Longest wait, after the sending, for what is still on its way. */
const DRAIN_MS = 2000;
const MAX_LOSS = 0.01;

function secondsOption(): number {
  const raw = process.env.BENCH_SECONDS ?? '10';
  const s = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(s >= 1 && s <= 3600)) {
    console.error(`rtp-sessions bench: BENCH_SECONDS=${JSON.stringify(raw)} is not a whole number of seconds from 1 to 3600`);
    process.exit(2);
  }
  return s;
}

/** One second of a 1 kHz tone as 50 PCMU payloads, sent in turn by every sender. */
const payloads = (() => {
  const coded = CODEC.encode(tone(1000, 1, { sampleRate: CLOCK_RATE }));
  return Array.from({ length: PACKETS_PER_SECOND }, (_, n) => coded.subarray(n * PER_PACKET, (n + 1) * PER_PACKET));
})();

interface Ends {
  sender: SocketPair;
  receiver: SocketPair;
}

const rtpOf = (p: SocketPair) => ({ host: HOST, port: p.port });
const rtcpOf = (p: SocketPair) => ({ host: HOST, port: rtcpPort(p.port) });
const from = (r: { address: string; port: number }) => `${r.address}:${r.port}`;

/** What one contender does with 100 pairs of ends. */
interface Contender {
  name: string;
  /** Sets up session i on its ends; returns what sends packet n. */
  open(i: number, ends: Ends, outbox: Outbox): (n: number) => void;
  /** Called once every sender has sent its last packet (not timed). */
  finish(): void;
  /** Datagrams of RTP that reached the receivers' sockets. */
  received(): number;
  /** Problems that fail the bench, and lines to print. */
  report(sent: number): { problems: string[]; lines: string[] };
  close(): void;
}

/** The floor: the same datagrams through bare sockets, counted, nothing parsed or made per packet. */
function floor(): Contender {
  // The same bytes as ours: a 12-octet RTP header and the same payload.
  const datagrams = payloads.map((payload, n) => serializeRtp({ marker: n === 0, payloadType: PCMU.pt, sequenceNumber: n, timestamp: n * PER_PACKET, ssrc: 0x5eed0001, csrc: [], payload, padding: 0 }));
  let received = 0;
  return {
    name: 'floor (bare dgram)',
    open(_i, { sender, receiver }, outbox) {
      receiver.rtp.on('message', () => received++);
      const to = rtpOf(receiver);
      return (n) => outbox.send(sender.rtp, datagrams[n % datagrams.length]!, to);
    },
    finish() {},
    received: () => received,
    report: () => ({ problems: [], lines: [] }),
    close() {},
  };
}

/** Ours: RtpSession at both ends, RTCP both ways, a playout buffer at each receiver. */
function ours(): Contender {
  const senders: RtpSession[] = [];
  const senderRtcp: Socket[] = [];
  const receivers: { session: RtpSession; playout: PlayoutBuffer; byes: number }[] = [];
  let datagrams = 0;
  const pump = setInterval(() => {
    const now = systemClock.now();
    for (const r of receivers) r.playout.pop(now);
  }, PUMP_MS);
  const sessionOptions = { clock: systemClock, sessionBandwidth: SESSION_BANDWIDTH, payloadTypes: new Map([[PCMU.pt, CLOCK_RATE]]) };
  return {
    name: 'RtpSession',
    open(_i, { sender, receiver }, outbox) {
      const rx = {
        playout: new PlayoutBuffer({ clockRate: CLOCK_RATE, delayMs: LIMITS.delayMs.fallback }),
        byes: 0,
        session: undefined as unknown as RtpSession,
      };
      rx.session = new RtpSession({
        ...sessionOptions,
        send: { rtcp: (b) => outbox.send(receiver.rtcp, b, rtcpOf(sender)) },
        onPacket: (p) => rx.playout.push(p, systemClock.now()),
        onBye: () => rx.byes++,
      });
      receiver.rtp.on('message', (b, r) => {
        datagrams++;
        rx.session.receiveRtp(b, from(r));
      });
      receiver.rtcp.on('message', (b, r) => rx.session.receiveRtcp(b, from(r)));
      const tx = new RtpSession({
        ...sessionOptions,
        send: { rtp: (b) => outbox.send(sender.rtp, b, rtpOf(receiver)), rtcp: (b) => outbox.send(sender.rtcp, b, rtcpOf(receiver)) },
      });
      sender.rtcp.on('message', (b, r) => tx.receiveRtcp(b, from(r)));
      senderRtcp.push(sender.rtcp);
      receivers.push(rx);
      senders.push(tx);
      rx.session.start();
      tx.start();
      return (n) => tx.sendRtp({ payloadType: PCMU.pt, ticks: n * PER_PACKET, payload: payloads[n % payloads.length]!, marker: n === 0 });
    },
    finish() {
      // A sender reads no RTCP once it has left: a report arriving after the
      // BYE would make the session throw (its A.7 timing refuses any event
      // once Left), so the socket stops being read first, as closing it would.
      for (const r of senderRtcp) r.removeAllListeners('message');
      for (const s of senders) s.leave('end of bench');
    },
    received: () => datagrams,
    report(sent) {
      const problems: string[] = [];
      const rx = receivers.map((r) => ({ ...r, source: r.session.stats().find((s) => s.state !== 'rtcp-only') }));
      const accepted = rx.reduce((a, r) => a + (r.source?.packets ?? 0), 0);
      const drops = new Map<string, number>();
      for (const r of receivers) for (const [reason, n] of Object.entries(r.session.rtpDrops.toJSON())) if (n) drops.set(reason, (drops.get(reason) ?? 0) + n);
      const probation = drops.get('probation') ?? 0;
      drops.delete('probation');
      if (drops.size) problems.push(`receiving sessions dropped ${[...drops].map(([k, n]) => `${n} ${k}`).join(', ')}`);
      const rtcpLost = rx.reduce((a, r) => a + (r.source?.cumulativeLost ?? 0), 0);
      const late = receivers.reduce((a, r) => a + r.playout.counts.late, 0);
      const missing = receivers.reduce((a, r) => a + r.playout.counts.missing, 0);
      const jitters = rx.map((r) => r.source?.jitterMs).filter((j): j is number => j !== undefined);
      const meanJitter = jitters.reduce((a, j) => a + j, 0) / Math.max(1, jitters.length);
      const maxJitter = Math.max(0, ...jitters);
      // What the senders read in the receivers' RRs on their stream (jitter in 1/8000 s).
      const onUs = senders.map((s) => s.stats().find((x) => x.reportOnUs)?.reportOnUs).filter((b) => b !== undefined);
      const rrJitterMs = onUs.reduce((a, b) => a + (b.jitter * 1000) / CLOCK_RATE, 0) / Math.max(1, onUs.length);
      const reports = [...senders, ...receivers.map((r) => r.session)].reduce((a, s) => a + s.counts.reportsSent, 0);
      const rtcpDrops = [...senders, ...receivers.map((r) => r.session)].reduce((a, s) => a + Object.values(s.rtcpDrops.toJSON()).reduce((x, n) => x + n, 0), 0);
      if (rtcpDrops) problems.push(`${rtcpDrops} RTCP datagrams dropped`);
      const byes = receivers.reduce((a, r) => a + r.byes, 0);
      if (onUs.length < SESSIONS && SECONDS >= 5) problems.push(`${SESSIONS - onUs.length} senders never got a receiver report on their stream in ${SECONDS} s (A.7's first report comes within ~3.1 s)`);
      return {
        problems,
        lines: [
          `    sessions: ${accepted} packets accepted (${probation} held back on A.1 probation, one per source), RTCP cumulative lost ${rtcpLost}`,
          `    playout: ${late} late, ${missing} missing (100 ms delay, emptied every ${PUMP_MS} ms)`,
          `    jitter the receivers report: mean ${meanJitter.toFixed(3)} ms, highest ${maxJitter.toFixed(3)} ms (A.8 at the end); in the last RR each sender read: mean ${rrJitterMs.toFixed(3)} ms (${onUs.length} of ${SESSIONS} senders reported on)`,
          `    RTCP: ${reports} compounds sent by the 200 sessions, ${byes} of ${SESSIONS} BYEs received, ${sent} RTP sent`,
        ],
      };
    },
    close() {
      clearInterval(pump);
      for (const s of [...senders, ...receivers.map((r) => r.session)]) s.stop();
    },
  };
}

/** Sends packet 0..count-1 every 20 ms from t0 + offset, each due time by the clock (no drift), as send.ts paces. */
function pace(t0: number, offset: number, count: number, send: (n: number) => void): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const tick = () => {
      send(n++);
      if (n >= count) return resolve();
      setTimeout(tick, Math.max(0, t0 + offset + n * DEFAULT_PACKET_MS - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 + offset - performance.now()));
  });
}

async function bindEnds(): Promise<Ends[]> {
  const all: Ends[] = [];
  for (let i = 0; i < SESSIONS; i++) all.push({ sender: await bindAnyPair(HOST), receiver: await bindAnyPair(HOST) });
  return all;
}

const closeEnds = (all: Ends[]) => Promise.all(all.flatMap((e) => [e.sender.close(), e.receiver.close()]));

interface Measured {
  name: string;
  cpuMs: number;
  userMs: number;
  systemMs: number;
  wallMs: number;
  perSession: number;
  lagP99: number;
  lagMax: number;
  sent: number;
  received: number;
  sendErrors: number;
  problems: string[];
  lines: string[];
}

async function run(make: () => Contender, seconds: number): Promise<Measured> {
  const ends = await bindEnds();
  const outbox = new Outbox();
  const c = make();
  let sent = 0;
  const sends = ends.map((e, i) => c.open(i, e, outbox));
  const count = seconds * PACKETS_PER_SECOND;
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const t0 = performance.now() + 50;
  await new Promise((r) => setTimeout(r, Math.max(0, t0 - performance.now())));
  // Timed from the first packet's due time to the last one sent.
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  lag.enable();
  await Promise.all(sends.map((send, i) => pace(wall0, (i * DEFAULT_PACKET_MS) / SESSIONS, count, (n) => {
    sent++;
    send(n);
  })));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  lag.disable();
  c.finish();
  await outbox.drained();
  const until = performance.now() + DRAIN_MS;
  while (c.received() < sent && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100)); // the BYEs, after the last RTP
  const { problems, lines } = c.report(sent);
  c.close();
  await closeEnds(ends);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const lost = sent - c.received();
  if (lost > MAX_LOSS * sent) problems.push(`${lost} of ${sent} packets lost (${((100 * lost) / sent).toFixed(2)} %, more than ${MAX_LOSS * 100} %)`);
  if (outbox.errors) problems.push(`${outbox.errors} sends failed`);
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
  return {
    name: c.name,
    cpuMs,
    userMs: cpu.user / 1000,
    systemMs: cpu.system / 1000,
    wallMs,
    perSession: (cpuMs / wallMs / SESSIONS) * 100,
    lagP99: ms(lag.percentile(99)),
    lagMax: ms(lag.max),
    sent,
    received: c.received(),
    sendErrors: outbox.errors,
    problems,
    lines,
  };
}

function print(m: Measured): void {
  const lost = m.sent - m.received;
  console.log(`  ${m.name}: CPU ${m.cpuMs.toFixed(0)} ms (user ${m.userMs.toFixed(0)}, system ${m.systemMs.toFixed(0)}) in ${(m.wallMs / 1000).toFixed(2)} s = ${(m.perSession * SESSIONS).toFixed(2)} % of one core, ${m.perSession.toFixed(4)} % per session; event-loop lag p99 ${m.lagP99.toFixed(2)} ms, max ${m.lagMax.toFixed(2)} ms`);
  console.log(`    packets: ${m.sent} sent, ${m.received} received, ${lost} lost (${((100 * lost) / m.sent).toFixed(3)} %)`);
  for (const line of m.lines) console.log(line);
}

const SECONDS = secondsOption();

async function main(): Promise<void> {
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  console.log(`${SESSIONS} sessions on ${HOST}, each ${PACKETS_PER_SECOND} packets/s of ${PER_PACKET}-octet PCMU for ${SECONDS} s (after ${WARMUP_SECONDS} s untimed), one process`);
  const results: Measured[] = [];
  for (const make of [floor, ours]) {
    await run(make, WARMUP_SECONDS);
    const m = await run(make, SECONDS);
    print(m);
    results.push(m);
  }
  const [base, ourRun] = results as [Measured, Measured];
  console.log(`CPU % per session: RtpSession ${ourRun.perSession.toFixed(4)} %, floor ${base.perSession.toFixed(4)} %; ratio ours/floor ${(ourRun.perSession / base.perSession).toFixed(2)}x`);
  const problems = results.flatMap((m) => m.problems.map((p) => `${m.name}: ${p}`));
  for (const p of problems) console.error(`rtp-sessions bench: ${p}`);
  process.exitCode = problems.length ? 1 : 0;
}

await main();
