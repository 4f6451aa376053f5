/**
 * Our side of the baresip interop tests: `npm run sip -- uas` with its
 * per-transaction log (startOurUas in tools/testkit/processes.ts runs it --quiet), a
 * UDP socket standing for the media port our SDP names, and the dialog a
 * trace shows, in one line per message.
 */
import { sip } from '../proxy/processes.ts';
import { bindAnyPair, type SocketPair } from '../../../../reference/rtp/commands/sockets.ts';
import { stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { callId, cseq, isRequest } from '../../../../reference/sip/syntax/index.ts';
import { parse as parseSdp } from '../../../../reference/sdp/description/parse.ts';
import type { SessionDescription } from '../../../../reference/sdp/description/types.ts';
import { parseTraced, type Baresip, type BaresipEvent, type Traced } from './baresip.ts';

/** `sip uas --listen 127.0.0.1:<port>` with its log on stderr, once it listens. */
export async function startLoggingUas(port: number, extra: string[] = []): Promise<Running> {
  const uas = sip(['uas', '--listen', `127.0.0.1:${port}`, ...extra]);
  try {
    await waitFor('our uas to listen', () => uas.stderr().includes('uas listening on') || uas.child.exitCode !== null, 20000, uas);
  } catch (e) {
    await stop(uas, 0, 'SIGKILL');
    throw e;
  }
  if (uas.child.exitCode !== null) throw new Error(`our uas exited ${uas.child.exitCode}: ${uas.stderr()}`);
  return uas;
}

/** The log lines of our UA (after the "HH:MM:SS.mmm " stamp) that name `id`. */
export function logFor(stderr: string, id: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.includes(` ${id} `))
    .map((line) => line.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));
}

/**
 * An RTP receiver on 127.0.0.1: counts the packets that look like RTP
 * version 2 with payload type `pt` (RFC 3550 §5.1 fixed header). It holds an
 * even port and the odd one above (RFC 3550 §11), as an m= port must be.
 */
export class RtpSink {
  packets = 0;
  private constructor(private readonly pair: SocketPair, pt: number) {
    pair.rtp.on('message', (packet: Buffer) => {
      if (packet.length >= 12 && packet[0]! >> 6 === 2 && (packet[1]! & 0x7f) === pt) this.packets++;
    });
  }

  get port(): number {
    return this.pair.port;
  }

  static async open(pt = 0): Promise<RtpSink> {
    return new RtpSink(await bindAnyPair('127.0.0.1'), pt);
  }

  close(): Promise<void> {
    return this.pair.close();
  }
}

/**
 * The messages of one Call-ID in a trace, one word each: a request's method,
 * a response's "status/CSeq-method" ("200/INVITE"); `retransmissions` kept or not.
 */
export function dialogOf(trace: Traced[], id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of trace) {
    const m = parseTraced(t);
    if (callId(m) !== id) continue;
    // A retransmission repeats the octets of an earlier message.
    if (seen.has(t.text)) continue;
    seen.add(t.text);
    out.push(isRequest(m) ? m.method : `${m.status}/${cseq(m).method}`);
  }
  return out;
}

/** An INVITE dialog as one line: INVITE, 100?, 180?, 200, ACK, BYE, 200 (retransmissions dropped). */
export const COMPLETE_DIALOG = /^INVITE( 100\/INVITE)?( 180\/INVITE)? 200\/INVITE ACK BYE 200\/BYE$/;

/**
 * Waits until `trace()` shows the whole dialog of `id` (baresip's stdout can
 * lag behind its ctrl_tcp events); throws with what it showed after `ms`.
 */
export async function waitForDialog(trace: () => Traced[], id: string, ms = 10000): Promise<void> {
  try {
    await waitFor(`the dialog ${id} in baresip's trace`, () => COMPLETE_DIALOG.test(dialogOf(trace(), id).join(' ')), ms);
  } catch (e) {
    throw new Error(`${(e as Error).message}; it shows: ${dialogOf(trace(), id).join(' ')}`);
  }
}

/**
 * baresip dials `target` (which our uas answers, directly or through our
 * proxy), `whileUp` runs once the call is established, then baresip hangs
 * up. Resolves with the CALL_ESTABLISHED event once baresip's trace shows the
 * whole dialog and our uas logged INVITE -> 200, the ACK and BYE -> 200 for it.
 */
export async function baresipCallsOurUas(b: Baresip, target: string, uas: Running, whileUp: () => Promise<void> = async () => {}): Promise<BaresipEvent> {
  await b.control.command('dial', target);
  const established = await b.control.event('CALL_ESTABLISHED', 15000, (e) => e.direction === 'outgoing');
  await whileUp();
  await b.control.command('hangup');
  const closed = await b.control.event('CALL_CLOSED', 15000, (e) => e.id === established.id);
  // baresip's words for a call it ended itself.
  if (closed.param !== 'Connection reset by user') throw new Error(`baresip closed the call with ${closed.param}`);
  const id = established.id ?? '';
  await waitForDialog(b.trace, id);
  await waitFor('our uas to log the BYE', () => logFor(uas.stderr(), id).some((l) => l.startsWith('BYE')), 10000, uas);
  const ours = logFor(uas.stderr(), id).map((l) => l.replace(/ from 127\.0\.0\.1:\d+/, ''));
  const expected = [`INVITE ${id} -> 200 OK`, `ACK ${id} received`, `BYE ${id} -> 200 OK`];
  if (ours.join('\n') !== expected.join('\n')) throw new Error(`our uas logged:\n${ours.join('\n')}\ninstead of:\n${expected.join('\n')}`);
  return established;
}

/**
 * The SDP of the first message of call `id` in a trace whose start line
 * begins with `start` ('INVITE ', 'SIP/2.0 200 '), parsed leniently (baresip's
 * order of fields is RFC 4566's); throws when there is none.
 */
export function sdpIn(trace: Traced[], start: string, id: string | undefined): SessionDescription {
  const t = trace.find((x) => x.text.startsWith(start) && parseTraced(x).headers.get('Call-ID') === id);
  if (t === undefined) throw new Error(`no ${start.trim()} of call ${id} in baresip's trace`);
  return parseSdp(parseTraced(t).body, { lenient: true }).description;
}
