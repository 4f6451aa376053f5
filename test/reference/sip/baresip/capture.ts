/**
 * The wire evidence of a call's media: tshark captures the UDP datagrams of
 * some ports on lo while a call runs, then reads each back with its ports,
 * its payload octets, and what Wireshark's RTP, RTCP and RTP-event dissectors
 * say of it (malformed, expert infos), the ports decoded as the SDP said.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { peerPath } from '../../../peers.ts';
import { start, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';

/** tshark's expert severity "note" (epan/proto.h PI_NOTE): anything above is a warning or an error. */
export const NOTE = 0x400000;

export interface Datagram {
  frame: number;
  /** Seconds since the capture's first frame. */
  time: number;
  from: number;
  to: number;
  bytes: Buffer;
  /** Wireshark's verdicts: a malformed packet, and its expert severities. */
  malformed: boolean;
  severities: number[];
}

const FIELDS = ['frame.number', 'frame.time_relative', 'udp.srcport', 'udp.dstport', 'udp.payload', '_ws.malformed', '_ws.expert.severity'];

export class Capture {
  private constructor(private readonly tshark: Running, readonly file: string) {}

  /** Starts capturing UDP to or from `ports` on lo into `dir`; resolves once tshark says it captures. */
  static async start(dir: string, ports: number[]): Promise<Capture> {
    const file = join(dir, 'media.pcapng');
    const tshark = start(peerPath('tshark'), ['-i', 'lo', '-f', ports.map((p) => `udp port ${p}`).join(' or '), '-w', file]);
    try {
      await waitFor('tshark to capture', () => tshark.stderr().includes('Capturing on') || tshark.child.exitCode !== null, 30_000, tshark);
    } catch (e) {
      await stop(tshark, 0, 'SIGKILL');
      throw e;
    }
    if (tshark.child.exitCode !== null) throw new Error(`tshark exited ${tshark.child.exitCode}: ${tshark.stderr()}`);
    return new Capture(tshark, file);
  }

  /** Stops the capture (after a moment for the last datagrams). */
  async stop(): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    await stop(this.tshark, 5000, 'SIGINT');
  }

  /**
   * The datagrams captured, `rtp` ports decoded as RTP, `rtcp` ports as RTCP,
   * and payload type `eventType` as RFC 4733 events.
   */
  read(decode: { rtp: number[]; rtcp: number[]; eventType?: number }): Datagram[] {
    const as = [...decode.rtp.map((p) => `udp.port==${p},rtp`), ...decode.rtcp.map((p) => `udp.port==${p},rtcp`), ...(decode.eventType === undefined ? [] : [`rtp.pt==${decode.eventType},rtpevent`])];
    const read = spawnSync(peerPath('tshark'), ['-r', this.file, ...as.flatMap((a) => ['-d', a]), '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (read.status !== 0) throw new Error(`tshark -r ${this.file} exited ${read.status}: ${read.stderr}`);
    return read.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [frame, time, from, to, payload, malformed, severity] = line.split('\t') as string[];
        return {
          frame: Number(frame),
          time: Number(time),
          from: Number(from),
          to: Number(to),
          bytes: Buffer.from((payload ?? '').replaceAll(':', ''), 'hex'),
          malformed: (malformed ?? '') !== '',
          severities: (severity ?? '').split(',').filter(Boolean).map(Number),
        };
      });
  }
}
