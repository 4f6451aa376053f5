/**
 * Binding requests per second answered by our STUN server
 * (`npm run stun -- server`, its own process) against coturn's
 * `turnserver --stun-only`, both on 127.0.0.1 UDP, driven by the same client
 * in the same run:
 *
 *   client:  one UDP socket, WINDOW requests in flight; each response (matched
 *            by transaction id, checked to carry XOR-MAPPED-ADDRESS of our
 *            socket) sends the next request; requests unanswered after 100 ms
 *            are replaced so a dropped datagram does not shrink the window
 *   measure: answered Binding responses over SECONDS, after a 0.5 s warm-up;
 *            ROUNDS rounds, ours and coturn's alternating; the best of each
 *   prints:  requests/s of each, and the ratio ours / coturn (aim ≥ 0.5x)
 *
 * coturn runs with its default threads (one UDP thread per core) and our
 * server on one event loop: the ratio is of the servers as shipped. The
 * machine is shared: load average is printed with the figures.
 */
import { createSocket } from 'node:dgram';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { freePort, start, stop, waitFor, type Running } from '../testkit/processes.ts';
import { locate } from '../testkit/peers.ts';
import { Binding, decodeMessage, encodeMessage } from '../../reference/stun/message/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);

async function drive(port: number, seconds: number): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const localPort = socket.address().port;
  const inFlight = new Map<string, number>();
  let answered = 0;
  let counting = false;
  let bad = 0;
  // One encoded request; each send gives it a fresh transaction id (the client's own cost kept low: it drives both servers).
  const template = encodeMessage({ class: 'request', method: Binding, transactionId: new Uint8Array(12), attributes: [] });
  const ids = randomBytes(12 * 4096);
  let next = 0;
  const send = () => {
    const req = Buffer.from(template);
    const at = (next++ % 4096) * 12;
    ids.copy(req, 8, at, at + 12);
    req.writeUInt32BE(next, 8); // unique within the run even when the random pool wraps
    inFlight.set(req.subarray(8, 20).toString('hex'), performance.now());
    socket.send(req, port, '127.0.0.1');
  };
  socket.on('message', (m) => {
    const key = m.subarray(8, 20).toString('hex');
    if (!inFlight.delete(key)) return;
    // Every 16th response decoded whole and checked; the rest by class (success) alone.
    if (answered % 16 === 0) {
      const d = decodeMessage(new Uint8Array(m));
      const xor = d.ok && d.message.class === 'success' ? d.message.attributes.find((a) => a.type === 'XOR-MAPPED-ADDRESS') : undefined;
      if (!xor || (xor as { value: { port: number } }).value.port !== localPort) bad++;
    } else if (m[0] !== 0x01 || m[1] !== 0x01) bad++;
    if (counting) answered++;
    send();
  });
  const refill = setInterval(() => {
    const now = performance.now();
    for (const [k, t] of inFlight) if (now - t > 100) inFlight.delete(k);
    while (inFlight.size < WINDOW) send();
  }, 20);
  for (let i = 0; i < WINDOW; i++) send();
  await new Promise((r) => setTimeout(r, 500));
  counting = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(refill);
  socket.close();
  if (bad > 0) throw new Error(`${bad} responses without our XOR-MAPPED-ADDRESS`);
  return answered / elapsed;
}

async function ours(port: number): Promise<Running> {
  const s = start(process.execPath, ['--import', 'tsx', 'reference/stun/cli.ts', 'server', '--listen', `127.0.0.1:${port}`]);
  await waitFor('our stun server', () => s.stdout().includes('listening on'), 20_000, s);
  return s;
}

async function coturn(port: number, dir: string): Promise<Running> {
  const t = start('turnserver', ['-n', '--stun-only', '--no-cli', '--no-tls', '--no-dtls', '-L', '127.0.0.1', '-p', String(port), '--log-file', 'stdout', '--simple-log', '--pidfile', join(dir, 'pid'), '--userdb', join(dir, 'db.sqlite')], { cwd: dir });
  await waitFor('turnserver', () => /relay 127\.0\.0\.1 initialization/.test(t.stdout()), 20_000, t);
  await new Promise((r) => setTimeout(r, 300));
  return t;
}

if (locate('coturn') === undefined) {
  console.error('stun-server bench: coturn (turnserver) is not on PATH: apt-get install -y coturn (or: npm run peers)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'stun-bench-'));
try {
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  console.log(`Binding requests/s over UDP on 127.0.0.1, window ${WINDOW}, ${SECONDS} s per round, best of ${ROUNDS}`);
  const best = { ours: 0, coturn: 0 };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const who of ['ours', 'coturn'] as const) {
      const port = await freePort();
      const server = who === 'ours' ? await ours(port) : await coturn(port, dir);
      try {
        const rate = await drive(port, SECONDS);
        best[who] = Math.max(best[who], rate);
        console.log(`  round ${round} ${who.padEnd(6)} ${rate.toFixed(0).padStart(7)} requests/s`);
      } finally {
        await stop(server);
      }
    }
  }
  console.log(`our server ${best.ours.toFixed(0)} requests/s, coturn --stun-only ${best.coturn.toFixed(0)} requests/s`);
  console.log(`ratio ours/coturn: ${(best.ours / best.coturn).toFixed(2)}x (aim >= 0.5x)`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
