/**
 * baresip (Debian 12's 1.0.0) as a peer for interop tests: a fresh config
 * directory per instance, driven over its ctrl_tcp module (netstring-framed
 * JSON commands and events, on 127.0.0.1), with its SIP trace (`-s`) read
 * back from stdout as the wire evidence of what it sent and received.
 *
 * Only modules of baresip-core are loaded: g711 (PCMU/PCMA; or every audio
 * codec module, ALL_AUDIO_CODECS, when a test asks), aufile (the audio
 * source: an 8 kHz tone written with reference/rtp/media), sndfile when a
 * test records (it dumps each call's audio as sent and as heard to WAV
 * files), account, menu (the commands: dial, hangup, sndcode, ...) and
 * ctrl_tcp. No audio device, no video, no STUN/TURN/ICE.
 */
import { connect, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerPath } from '../../../peers.ts';
import { freePort, start, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { parse, topVia, isRequest, type Message } from '../../../../reference/sip/syntax/index.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { readWavFile, writeWavFile } from '../../../../reference/rtp/media/wav.ts';

/** One ctrl_tcp event: {"event":true,"type":"CALL_ESTABLISHED",...}. */
export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  /** The call's Call-ID, on call events. */
  id?: string;
  param?: string;
}

/** Longest netstring accepted from ctrl_tcp; anything longer is a broken stream, not a message. */
const MAX_NETSTRING = 1 << 16;

/**
 * A client of baresip's ctrl_tcp: commands are netstrings
 * `len:{"command":…,"params":…,"token":…},`, answered by a
 * {"response":true,"ok":…,"data":…,"token":…} netstring; events arrive as
 * netstrings in between.
 */
export class Control {
  readonly events: BaresipEvent[] = [];
  /** Set when the stream broke a netstring rule; every later wait fails with it. */
  error: Error | undefined;
  private buffer = Buffer.alloc(0);
  private nextToken = 1;
  private readonly waiting = new Map<string, (r: { ok: boolean; data: string }) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => {
      this.error ??= e;
    });
  }

  static open(port: number): Promise<Control> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new Control(socket)));
      socket.once('error', reject);
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) {
        if (this.buffer.length > 10) this.fail(`no ':' after ${this.buffer.length} octets`);
        return;
      }
      const lengthText = this.buffer.subarray(0, colon).toString('latin1');
      if (!/^\d{1,10}$/.test(lengthText)) return this.fail(`bad netstring length ${JSON.stringify(lengthText)}`);
      const length = Number(lengthText);
      if (length > MAX_NETSTRING) return this.fail(`netstring of ${length} octets (at most ${MAX_NETSTRING})`);
      if (this.buffer.length < colon + 1 + length + 1) return;
      if (this.buffer[colon + 1 + length] !== 0x2c) return this.fail(`netstring of ${length} octets not followed by ','`);
      const text = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 2 + length);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return this.fail(`netstring is not JSON: ${text.slice(0, 200)}`);
      }
      if (json.event === true) this.events.push(json as unknown as BaresipEvent);
      else if (json.response === true && typeof json.token === 'string') {
        this.waiting.get(json.token)?.({ ok: json.ok === true, data: String(json.data ?? '') });
        this.waiting.delete(json.token);
      }
    }
  }

  private fail(why: string): void {
    this.error ??= new Error(`baresip ctrl_tcp: ${why}`);
    this.socket.destroy();
  }

  /** Runs a baresip command (as typed after '/' in its menu); resolves with its answer, throws when it fails. */
  async command(command: string, params = '', ms = 10000): Promise<string> {
    const token = `t${this.nextToken++}`;
    const json = JSON.stringify({ command, params, token });
    const answer = new Promise<{ ok: boolean; data: string }>((resolve) => this.waiting.set(token, resolve));
    this.socket.write(`${Buffer.byteLength(json)}:${json},`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`baresip: no answer to ${command} within ${ms} ms`)), ms);
    });
    const { ok, data } = await Promise.race([answer, timeout]).finally(() => {
      clearTimeout(timer);
      this.waiting.delete(token);
    });
    if (!ok) throw new Error(`baresip refused ${command} ${params}: ${data}`);
    return data;
  }

  /** Waits for the first event of `type` (optionally also matching `test`) received so far or later. */
  async event(type: string, ms: number, test: (e: BaresipEvent) => boolean = () => true): Promise<BaresipEvent> {
    const found = () => this.events.find((e) => e.type === type && test(e));
    await waitFor(`baresip event ${type} (got ${this.events.map((e) => e.type).join(', ') || 'none'})`, () => found() !== undefined || this.error !== undefined, ms);
    if (this.error !== undefined) throw this.error;
    return found() as BaresipEvent;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One SIP message in baresip's trace: how it went and its exact octets. */
export interface Traced {
  transport: 'UDP' | 'TCP';
  source: string;
  destination: string;
  text: string;
}

/**
 * The SIP messages of a `baresip -s` trace on stdout. libre prints each as
 * ESC[36;1m "#" LF, "<UDP|TCP> <src> -> <dst>" LF, the message as sent or
 * received (CRLF line ends kept), ESC[;m LF.
 */
export function sipTrace(stdout: string): Traced[] {
  const out: Traced[] = [];
  for (const m of stdout.matchAll(/(UDP|TCP) (\S+) -> (\S+)\n([\s\S]*?)\x1b\[;m/g)) {
    out.push({ transport: m[1] as 'UDP' | 'TCP', source: m[2] as string, destination: m[3] as string, text: m[4] as string });
  }
  return out;
}

/** The first line of a traced message: "INVITE sip:… SIP/2.0" or "SIP/2.0 200 OK". */
export const startLine = (t: Traced): string => t.text.slice(0, t.text.indexOf('\r\n'));

/**
 * Did baresip (listening on `port`) send this message? Its own requests carry
 * its sent-by as top Via and responses carry the requester's, whatever
 * source port a TCP connection it opened has.
 */
export function sentBy(port: number, t: Traced): boolean {
  const message = parse(t.text, { transport: t.transport === 'TCP' ? 'stream' : 'datagram' });
  return isRequest(message) === (topVia(message)?.port === port);
}

/** Parses a traced message with our strict parser: what RFC 3261's grammar says of it. */
export function parseTraced(t: Traced): Message {
  return parse(t.text, { transport: t.transport === 'TCP' ? 'stream' : 'datagram', strict: true });
}

export interface Baresip {
  running: Running;
  control: Control;
  /** Its SIP port on 127.0.0.1 (UDP and TCP). */
  port: number;
  dir: string;
  /** The SIP messages of its trace so far. */
  trace(): Traced[];
  /** The messages it sent itself. */
  sent(): Traced[];
  /** With `record`: the sndfile dumps of its calls so far. */
  recordings(): Recording[];
}

/**
 * One call's audio as baresip's sndfile module dumped it: `sent` what its
 * source gave the encoder, `heard` what its decoder gave the player, each
 * 16-bit PCM at the codec's rate (8 kHz mono for G.711).
 */
export interface Recording {
  name: string;
  sent: Int16Array;
  heard: Int16Array;
}

/**
 * sndfile names its files `dump-<YYYY-MM-DD-HH-MM-SS>-enc.wav` and `…-dec.wav`
 * (one pair per call, the time it started), and writes their sizes into the
 * headers when the call's audio stops: read them after CALL_CLOSED.
 */
function recordings(soundDir: string): Recording[] {
  let names: string[];
  try {
    names = readdirSync(soundDir);
  } catch {
    return [];
  }
  const out: Recording[] = [];
  for (const name of names.filter((n) => n.endsWith('-enc.wav')).sort()) {
    const base = name.slice(0, -'-enc.wav'.length);
    if (!names.includes(`${base}-dec.wav`)) throw new Error(`baresip's sndfile wrote ${name} without ${base}-dec.wav in ${soundDir}`);
    out.push({ name: base, sent: readWavFile(join(soundDir, name)), heard: readWavFile(join(soundDir, `${base}-dec.wav`)) });
  }
  return out;
}

/**
 * Starts baresip with one account line (e.g. `<sip:alice@127.0.0.1>;regint=0`),
 * or none ('': add it later with the `uanew` command, so that the events of
 * its registration come after ctrl_tcp is connected), in a fresh config
 * directory; resolves once its ctrl_tcp is connected. `-t` bounds its life
 * even if the test never stops it.
 */
export async function startBaresip(account = '', options: BaresipOptions = {}): Promise<Baresip> {
  // baresip also listens for TLS on the port after sip_listen's, which freePort did not check and
  // another process may hold: on "Address already in use" it exits, and is started again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBaresipOnce(account, options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof PortInUse)) throw e;
    }
  }
}

class PortInUse extends Error {}

export interface BaresipOptions {
  /** The tone baresip's aufile source plays: its length (default 30 s) and frequency (default 440 Hz). */
  toneSeconds?: number;
  toneHz?: number;
  lifeSeconds?: number;
  /** The audio codec modules to load, in order (baresip offers their codecs in it): g711 alone by default. */
  codecModules?: string[];
  /**
   * Load the sndfile module: it dumps each call's audio, as sent (after the
   * source) and as heard (after the decoder), to WAV files in `soundDir`.
   */
  record?: boolean;
}

/** Every audio codec module of Debian's baresip-core, the G.711 one last: the full list baresip can offer. */
export const ALL_AUDIO_CODECS = ['opus', 'g722', 'g726', 'amr', 'gsm', 'l16', 'codec2', 'mpa', 'g711'];

async function startBaresipOnce(account: string, options: BaresipOptions): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
  let running: Running | undefined;
  try {
    const port = await freePort();
    let ctrlPort = await freePort();
    while (ctrlPort === port + 1) ctrlPort = await freePort(); // port + 1 is baresip's TLS port
    if (options.record === true) mkdirSync(join(dir, 'sound'));
    writeWavFile(join(dir, 'tone.wav'), tone(options.toneHz ?? 440, options.toneSeconds ?? 30, { amplitude: 0.25 }));
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${port}`,
        'net_interface 127.0.0.1',
        `audio_source aufile,${join(dir, 'tone.wav')}`,
        'audio_player none,none',
        'audio_alert none,none',
        'module_path /usr/lib/baresip/modules',
        ...(options.codecModules ?? ['g711']).map((m) => `module ${m}.so`),
        'module aufile.so',
        ...(options.record === true ? ['module sndfile.so', `snd_path ${join(dir, 'sound')}`] : []),
        'module_tmp account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'accounts'), account === '' ? '' : `${account}\n`);
    writeFileSync(join(dir, 'contacts'), '');
    running = start(peerPath('baresip'), ['-f', dir, '-s', '-t', String(options.lifeSeconds ?? 60)], { env: { ...process.env, NO_COLOR: '1' } });
    const r = running;
    await waitFor('baresip to be ready', () => r.stdout().includes('baresip is ready.') || r.child.exitCode !== null, 15000, r);
    if (r.child.exitCode !== null) {
      const output = `${r.stdout().slice(-2000)}${r.stderr().slice(-2000)}`;
      const Failure = /Address already in use/i.test(output) ? PortInUse : Error;
      throw new Failure(`baresip exited ${r.child.exitCode}: ${output}`);
    }
    const control = await Control.open(ctrlPort);
    const trace = () => sipTrace(r.stdout());
    return { running: r, control, port, dir, trace, sent: () => trace().filter((t) => sentBy(port, t)), recordings: () => recordings(join(dir, 'sound')) };
  } catch (e) {
    await stop(running, 0, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Stops baresip (SIGTERM: it ends its calls and unregisters), closes its control connection, removes its directory. */
export async function stopBaresip(b: Baresip | undefined): Promise<void> {
  if (b === undefined) return;
  b.control.close();
  await stop(b.running);
  rmSync(b.dir, { recursive: true, force: true });
}
